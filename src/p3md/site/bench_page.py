"""The appendix *Kinerja komputasi*: ``<run>/bench.json`` as a generated page part.

``make bench`` (:mod:`p3md.bench`) writes ``reports/bench.json``; the pipeline carries it into
every new run folder. :func:`bench_part` turns it into Markdown for
``<render>/_generated/kinerja-komputasi.qmd`` (included by ``pages/kinerja-komputasi.qmd``):
when and where it was measured, every target with median, spread and verdict, the cold run
per stage, the one-stage edit, the naive baseline and the scale series with growth exponents.
The figure of the scale series is drawn by :mod:`p3md.site.bench_figure`; this module only
refers to it. Without ``bench.json`` the part says that nothing was measured yet and how to
measure. Cross-references (``@tbl-kinerja-...``) live in this generated text only, so that a
page without measurements has no dangling reference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from p3md.site.pages import cell, md_table
from p3md.words import word

BENCH_FILE = "bench.json"
FIGURE_LABEL = "fig-kinerja-skala"
FIGURE_CAPTION = (
    "Waktu proses (median) terhadap jumlah pendamping n, per tahap dan untuk seluruh proses, "
    "pada skala log–log; kemiringan garis adalah eksponen pertumbuhan, garis titik-titik abu-abu "
    "menunjukkan pertumbuhan linier (∝ n) sebagai acuan"
)
STATUS_WORDS = {"PASS": "TERCAPAI", "MISS": "**TIDAK TERCAPAI**", "N/A": "tidak diukur"}
MISSING = "–"
GIB = 1024**3
MIB = 1024**2


# ------------------------------------------------------------------------- reading
def load_bench(run_dir: Path) -> dict[str, Any] | None:
    """The run's measurements, ``None`` without ``bench.json``; ``{"error": ...}`` if unreadable."""
    path = Path(run_dir) / BENCH_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return data if isinstance(data, dict) else {"error": "bench.json is not a JSON object"}


def _dig(d: Any, *keys: str | int) -> Any:
    for k in keys:
        if isinstance(d, dict) and k in d:
            d = d[k]
        elif isinstance(d, list) and isinstance(k, int) and -len(d) <= k < len(d):
            d = d[k]
        else:
            return None
    return d


# ------------------------------------------------------------------------- formatting
def num(value: Any, decimals: int = 2) -> str:
    """A number with Indonesian separators (``1.234,56``); ``–`` when missing."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return MISSING
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def secs(value: Any, decimals: int = 2) -> str:
    return MISSING if not isinstance(value, (int, float)) else f"{num(value, decimals)} s"


def mib(value: Any) -> str:
    return MISSING if not isinstance(value, (int, float)) else f"{num(value / MIB, 0)} MiB"


def stage_memory(s: dict[str, Any] | None) -> str:
    """A stage's peak memory: its kernel's, else (†) the whole process tree's during the stage."""
    kernel = _dig(s, "peak_mem_kernel", "median")
    if isinstance(kernel, (int, float)) and kernel > 0:
        return mib(kernel)
    tree = _dig(s, "peak_mem_tree", "median")
    return f"{mib(tree)} †" if isinstance(tree, (int, float)) and tree > 0 else MISSING


MEMORY_NOTE = (
    "Memori adalah PSS (halaman bersama dibagi rata antarproses, sehingga jumlahnya tidak "
    "menghitung ganda kernel yang di-fork). Memori tahap adalah puncak kernel buku catatannya; "
    "† menandai tahap yang kernelnya "
    "tidak tercatat, dengan puncak seluruh pohon proses selama tahap itu (termasuk tahap lain "
    "yang berjalan bersamaan)."
)


def _range(s: dict[str, Any] | None, lo: str, hi: str, fmt=secs) -> str:
    if not s or s.get(lo) is None or s.get(hi) is None:
        return MISSING
    a, b = fmt(s[lo]), fmt(s[hi])
    unit = b.rpartition(" ")[2] if " " in b else ""
    if unit and a.endswith(" " + unit):  # "18,00–21,00 s", the unit once
        a = a[: -len(unit) - 1]
    return f"{a}–{b}"


def status_word(status: Any, why: str | None = None) -> str:
    """The verdict in words; ``why`` (Indonesian) follows "tidak diukur" when it is known."""
    word_ = STATUS_WORDS.get(str(status), STATUS_WORDS["N/A"])
    return f"{word_}: {why}" if why and word_ == STATUS_WORDS["N/A"] else word_


#: pytest's outcomes (its closing line, as ``make bench --only tests`` parsed it) in words.
PYTEST_WORDS = {
    "passed": "lulus",
    "failed": "gagal",
    "skipped": "dilewati",
    "xfailed": "gagal sesuai harapan",
    "xpassed": "lulus tanpa diduga",
    "errors": "galat",
    "deselected": "tidak dipilih",
    "warnings": "peringatan",
    "rerun": "diulang",
}
#: Why a part was not measured, in the page's words (bench.json keeps make bench's English).
NO_QUARTO_WORDS = "Quarto tidak ada di `PATH`"
NO_TESTS_WORDS = 'hanya dengan `make bench ARGS="--only tests"`'


def _not_measured(part: Any, what: str) -> str | None:
    """Why a part that needs Quarto has no figure: Quarto absent, or the part not asked for."""
    if isinstance(part, dict) and part.get("measured") is False:
        return NO_QUARTO_WORDS
    return f"bagian `{what}` tidak diminta" if part is None else None


def _when(iso: Any) -> str:
    """``2026-11-23T13:27:09+00:00`` -> ``2026-11-23 13:27:09+00:00``."""
    return str(iso).replace("T", " ", 1) if iso else "?"


# ------------------------------------------------------------------------- sections
def _machine(bench: dict[str, Any]) -> str:
    m = bench.get("machine") or {}
    load = [
        (when, " / ".join(num(x) for x in m[key]))
        for when, key in (("mulai", "load_average_at_start"), ("selesai", "load_average_at_end"))
        if isinstance(m.get(key), list)
    ]
    quarto = m.get("quarto")
    rows = [
        [
            "Waktu pengukuran",
            cell(f"{_when(bench.get('started'))} sampai {_when(bench.get('finished'))}"),
        ],
        [
            "Inti CPU (logis / fisik)",
            f"{m.get('cores_logical', MISSING)} / {m.get('cores_physical', MISSING)}",
        ],
        ["RAM", f"{num(m.get('ram_gib'))} GiB"],
        ["Python", cell(f"{m.get('python', '?')} ({m.get('implementation', '?')})")],
        ["Sistem", cell(m.get("platform", MISSING), code=True)],
        ["Prosesor", cell(m.get("processor", MISSING))],
    ]
    rows += [[f"Beban rata-rata 1/5/15 menit saat {when}", v] for when, v in load]
    rows += [
        ["Ulangan setiap ukuran", str(bench.get("repeats", MISSING))],
        ["Quarto", cell(quarto, code=True) if quarto else "tidak ada (situs: smalldocs)"],
        ["*Bytecode* pustaka sudah dikompilasi", "ya" if m.get("bytecode_compiled") else "tidak"],
    ]
    return (
        "## Kapan dan di mana diukur {.unnumbered}\n\n"
        + md_table(["", ""], rows)
        + "\nMedian dan sebaran (rentang min–maks, rentang antarkuartil IQR) dihitung dari "
        "ulangan di atas. Waktu bergantung pada mesin dan bebannya: bandingkan hanya "
        "pengukuran dari mesin yang sama.\n"
    )


def _target_rows(bench: dict[str, Any], v: dict[str, Any]) -> list[list[str]]:
    cold, naive = _dig(bench, "cold", "wall"), _dig(bench, "naive", "wall")
    big = next((p for p in _dig(bench, "scale", "series") or [] if p.get("scale") == 1000), None)
    rows: list[list[str]] = []

    def row(what: str, s: Any, key: str, target: str, fmt=secs) -> None:
        s = s if isinstance(s, dict) else {}
        rows.append(
            [
                what,
                fmt(s.get("median")),
                _range(s, "min", "max", fmt),
                _range(s, "q1", "q3", fmt) if (s.get("n") or 0) > 1 else MISSING,
                str(s.get("n") or 0),
                target,
                status_word(_dig(v, key, "status")),
            ]
        )

    pdf = _dig(bench, "cold", "pdf")
    row(
        "Proses dingin penuh (folder keluaran baru, tanpa Quarto"
        + (f", dengan PDF `{pdf}`)" if pdf else ")"),
        cold,
        "cold",
        "≤ 20 s",
    )
    row("Proses ulang tanpa perubahan", _dig(bench, "noop", "wall"), "noop", "≤ 1 s")
    edit_target = _dig(bench, "edit", "target_s")
    row(
        f"Suntingan satu tahap (`{_dig(bench, 'edit', 'stage') or '?'}`)",
        _dig(bench, "edit", "wall"),
        "edit",
        f"≤ {secs(edit_target)} (tahap + hilir + 2 s)" if edit_target else "tahap + hilir + 2 s",
    )
    only = _dig(v, "edit_reruns_only_stage_and_downstream")
    checks = _dig(bench, "edit", "checks") or []
    rows.append(
        [
            "Suntingan hanya menjalankan ulang tahap itu dan hilirnya",
            MISSING if only is None else ("ya" if only else "tidak"),
            MISSING,
            MISSING,
            str(len(checks)),
            "ya",
            status_word(None if only is None else ("PASS" if only else "MISS")),
        ]
    )
    ratio = _dig(v, "naive_ratio", "value")
    spread = MISSING
    if cold and naive and cold.get("min") and cold.get("max") and naive.get("min") is not None:
        spread = f"{num(naive['min'] / cold['max'])}×–{num(naive['max'] / cold['min'])}×"
    rows.append(
        [
            "Cara naif dibagi proses dingin (rasio waktu)",
            f"{num(ratio)}×" if ratio is not None else MISSING,
            spread,
            MISSING,
            str(min((cold or {}).get("n") or 0, (naive or {}).get("n") or 0)),
            "≥ 2×",
            status_word(_dig(v, "naive_ratio", "status")),
        ]
    )
    row("Data ×1000: waktu proses", _dig(big, "wall"), "scale1000_time", "≤ 120 s")
    row(
        "Data ×1000: memori puncak (maksimum ulangan)",
        _dig(big, "peak_mem_tree"),
        "scale1000_mem_gib",
        "≤ 4 GiB",
        lambda x: MISSING if x is None else f"{num(x / GIB)} GiB",
    )
    setup = _dig(bench, "setup", "seconds")
    row(
        "Set-up dari klon baru (`make setup`)",
        {"n": 1, "median": setup, "min": setup, "max": setup} if setup is not None else None,
        "setup",
        "≤ 120 s",
    )
    dist = bench.get("districts") or {}
    single = lambda x: {"n": 1, "median": x, "min": x, "max": x} if x is not None else None  # noqa: E731
    ratio = dist.get("ratio_cold_vs_serial")
    rows.append(
        [
            f"{dist.get('n', 15)} kabupaten dingin (LocalCluster) dibagi berurutan",
            f"{num(ratio)}×" if ratio is not None else MISSING,
            MISSING,
            MISSING,
            "1" if ratio is not None else "0",
            "≤ 0,6×",
            status_word(_dig(v, "districts_ratio", "status")),
        ]
    )
    row(
        "Biaya marginal per kabupaten (detik-pekerja)",
        single(dist.get("marginal_worker_seconds")),
        "districts_marginal",
        "≤ 8 s",
    )
    row(
        "Memori puncak per pekerja Dask (dengan kernelnya)",
        single(dist.get("peak_mem_per_worker")),
        "districts_mem_gib",
        "≤ 2 GiB",
        lambda x: MISSING if x is None else f"{num(x / GIB)} GiB",
    )
    row(
        "Proses ulang banyak kabupaten tanpa perubahan",
        single(_dig(dist, "noop", "wall")),
        "districts_noop",
        "≤ 2 s",
    )

    def quarto_ratio(label: str, part: str, key: str, runs: Any, limit: str) -> None:
        """A row of a ratio with Quarto on PATH against without (its part may be absent)."""
        ratio = _dig(v, key, "value")
        rows.append(
            [
                label,
                f"{num(ratio)}×" if ratio is not None else MISSING,
                MISSING,
                MISSING,
                str(runs or 0),
                limit,
                status_word(
                    _dig(v, key, "status"),
                    _not_measured(bench.get(part), part.replace("_", "-")),  # --only's name
                ),
            ]
        )

    quarto_ratio(
        "Suntingan satu tahap dengan Quarto di `PATH` dibagi tanpa Quarto",
        "quarto",
        "quarto_edit_ratio",
        _dig(bench.get("quarto"), "edit", "wall", "n"),
        "≤ 3×",
    )
    dq = bench.get("districts_quarto")
    quarto_ratio(
        f"{_dig(dq, 'n') or 13} kabupaten dengan Quarto di `PATH` dibagi tanpa Quarto",
        "districts_quarto",
        "quarto_districts_ratio",
        1 if _dig(v, "quarto_districts_ratio", "value") is not None else 0,
        "≤ 1,5×",
    )
    for target, key, limit in (("test-fast", "test_fast", "≤ 180 s"), ("test", "test", "≤ 600 s")):
        run = _dig(bench, "tests", target)
        wall = _dig(run, "wall")
        failed = isinstance(run, dict) and run.get("exit_code") not in (0, None)
        rows.append(
            [
                f"`make {target}` (2 pekerja pytest)",
                secs(wall) + (" (gagal)" if failed else ""),
                MISSING,
                MISSING,
                "1" if wall is not None else "0",
                limit,
                status_word(_dig(v, key, "status"), None if run else NO_TESTS_WORDS),
            ]
        )
    return rows


def _districts(bench: dict[str, Any]) -> str:
    head = "## Banyak kabupaten di Dask {.unnumbered}\n\n"
    d = bench.get("districts") or {}
    if not d.get("cold"):
        return head + "Bagian kabupaten tidak diukur pada pengukuran ini.\n"
    cold, serial, large = d["cold"], d.get("serial") or {}, d.get("large")
    engine = cold.get("engine") or {}
    ex = d.get("extrapolation") or {}
    hours = ex.get("hours_by_workers") or {}
    text = [
        f"{d['n']} kabupaten (13 kabupaten Lampung dari Tabel 1 dan kabupaten sintetis; data "
        f"rekonstruksi) dijalankan dingin sebagai tugas `dask.distributed` pada `LocalCluster` "
        f"bawaan dengan {d['workers']} pekerja: {secs(cold.get('wall'))} (fase kabupaten "
        f"{secs(engine.get('seconds'))}, termasuk mulai klaster dan penyiapan pekerja "
        f"{secs(engine.get('setup_seconds'))}). Kabupaten yang sama berurutan dengan *runner* "
        f"satu kabupaten: {secs(serial.get('wall'))}; rasio "
        f"{num(d.get('ratio_cold_vs_serial'))}×. Waktu tugas per kabupaten (median) "
        f"{secs(_dig(cold, 'task_seconds', 'median'))}; biaya marginal "
        f"{secs(d.get('marginal_worker_seconds'))} detik-pekerja per kabupaten tambahan. "
        f"Memori puncak per pekerja (PSS pekerja, server kernel dan kernelnya) "
        f"{mib(d.get('peak_mem_per_worker'))}. Proses ulang tanpa perubahan "
        f"{secs(_dig(d, 'noop', 'wall'))} (Dask tidak dimulai).",
    ]
    if large:
        text.append(f"{large.get('n')} kabupaten dingin, sekali: {secs(large.get('wall'))}.")
    if hours:
        est = "; ".join(f"{w} pekerja ≈ {num(h)} jam" for w, h in hours.items())
        text.append(
            f"**Ekstrapolasi (bukan pengukuran)** ke {ex.get('districts')} kabupaten dari biaya "
            f"marginal terukur ({secs(ex.get('per_district_worker_seconds'))} per kabupaten) dan "
            f"biaya tetap ({secs(ex.get('fixed_seconds'))}): {est}."
        )
    return head + " ".join(text) + "\n"


def _targets(bench: dict[str, Any], v: dict[str, Any]) -> str:
    rows = _target_rows(bench, v)
    reached = sum(r[-1] == STATUS_WORDS["PASS"] for r in rows)
    measured = sum(not r[-1].startswith(STATUS_WORDS["N/A"]) for r in rows)
    return (
        "## Ringkasan terhadap target {.unnumbered}\n\n"
        f"@tbl-kinerja-target membandingkan setiap ukuran dengan targetnya: {reached} dari "
        f"{measured} target yang diukur tercapai"
        + (
            f"; {len(rows) - measured} tidak diukur pada pengukuran ini"
            if measured < len(rows)
            else ""
        )
        + ". Rasio cara naif memakai rentang terburuk–terbaik (naif min / dingin maks sampai "
        "naif maks / dingin min); memori ×1000 dinilai pada maksimum ulangan.\n\n"
        + md_table(
            ["ukuran", "median", "min–maks", "IQR", "ulangan", "target", "status"],
            rows,
            "Hasil pengukuran kinerja terhadap target",
            "tbl-kinerja-target",
        )
    )


def _render_words(part: dict[str, Any]) -> str:
    """The site render of a cold or edit part in words: renderer, seconds, of which the PDF
    (its engine) and the Word copy."""
    text = f"perenderan situs {secs(_dig(part, 'render', 'median'))}"
    if part.get("renderer"):
        text += f" dengan {cell(part['renderer'])}"
    pdf_s, docx_s = _dig(part, "pdf_seconds", "median"), _dig(part, "docx_seconds", "median")
    within = []
    if part.get("pdf"):
        within.append(f"PDF ({cell(part['pdf'], code=True)}) {secs(pdf_s)}")
    if isinstance(docx_s, (int, float)) and docx_s > 0:
        within.append(f"salinan Word {secs(docx_s)}")
    return text + (f", di antaranya {' dan '.join(within)}" if within else "")


def _cold(bench: dict[str, Any]) -> str:
    cold = bench.get("cold") or {}
    head = "## Proses dingin per tahap {.unnumbered}\n\n"
    stages = cold.get("stages") or {}
    if not stages:
        fail = (cold.get("failures") or [None])[0]
        if fail:
            return head + f"Proses dingin gagal: {cell(str(fail)[-300:])}\n"
        return head + "Proses dingin tidak diukur pada pengukuran ini.\n"
    fields = ("wall", "kernel_startup", "imports", "computation", "gates")
    rows = [
        [cell(name, code=True)] + [secs(_dig(s, f, "median")) for f in fields] + [stage_memory(s)]
        for name, s in stages.items()
    ]
    rows.append(["**perenderan situs**", secs(_dig(cold, "render", "median"))] + [MISSING] * 5)
    return (
        head + "Proses dingin menjalankan semua tahap ke folder keluaran baru (tanpa *cache*), dua "
        "tahap sekaligus bila tidak saling bergantung, tanpa Quarto di `PATH` (seperti pengguna "
        "tanpa Quarto), termasuk situs, PDF dan salinan Word. Median seluruh proses "
        f"{secs(_dig(cold, 'wall', 'median'))}; {_render_words(cold)}; semua gerbang validasi "
        f"{secs(_dig(cold, 'gates_total', 'median'))} (termasuk impor great-expectations "
        f"{secs(_dig(cold, 'gx_import', 'median'))}); memori puncak seluruh proses "
        f"{mib(_dig(cold, 'peak_mem_tree', 'median'))}. @tbl-kinerja-dingin merinci waktu "
        "setiap tahap: waktu tahap = *start-up* kernel (waktu tahap dikurangi durasi sel) + "
        "impor pustaka (sel impor buku catatan) + komputasi (sel lainnya); gerbang validasi "
        "tahap itu dicatat terpisah.\n\n"
        + md_table(
            [
                "tahap",
                "waktu tahap",
                "*start-up* kernel",
                "impor",
                "komputasi",
                "gerbang",
                "memori puncak",
            ],
            rows,
            "Rincian waktu proses dingin per tahap (median)",
            "tbl-kinerja-dingin",
        )
        + ("\n" + MEMORY_NOTE + "\n" if any("†" in c for r in rows for c in r) else "")
    )


def _edit(bench: dict[str, Any]) -> str:
    head = "## Suntingan satu tahap {.unnumbered}\n\n"
    edit = bench.get("edit") or {}
    if not edit.get("checks"):
        return head + "Suntingan satu tahap tidak diukur pada pengukuran ini.\n"
    return head + _edit_text(edit) + "\n"


def _edit_text(edit: dict[str, Any]) -> str:
    """The edit, the stages expected to rerun, and each repeat's per-stage report."""
    checks = edit.get("checks") or []
    stage = edit.get("stage") or "?"
    expected = ", ".join(f"`{n}`" for n in checks[0].get("expected", [])) if checks else ""
    lines = [
        f"Satu sel tak berdampak ditambahkan ke salinan buku catatan tahap `{stage}`, lalu "
        f"proses dijalankan ulang. Yang seharusnya dijalankan ulang: tahap itu dan tahap "
        f"hilirnya ({expected}); tahap lain diambil dari *cache*, menurut laporan per tahap "
        f"(`manifest.json`) proses itu. Median waktu {secs(_dig(edit, 'wall', 'median'))}, "
        f"target {secs(edit.get('target_s'))} (waktu tahap dan gerbangnya pada proses dingin "
        f"+ 2 s); {_render_words(edit)}.\n"
    ]
    for i, c in enumerate(checks, 1):
        reran = ", ".join(f"`{n}`" for n in c.get("reran", [])) or "tidak ada"
        cached = ", ".join(f"`{n}`" for n in c.get("cached", []))
        verdict = "sesuai harapan" if c.get("ok") else "**tidak sesuai harapan**"
        lines.append(
            f"- Ulangan {i}: dijalankan ulang {reran}"
            + (f"; dari *cache* {cached}" if cached else "")
            + f" ({verdict})."
        )
    return "\n".join(lines)


def _quarto(bench: dict[str, Any], v: dict[str, Any]) -> str:
    """Cold, no-op and edit with Quarto on PATH, and the districts without and with it."""
    head = "## Dengan Quarto di `PATH` {.unnumbered}\n\n"
    q, d = bench.get("quarto"), bench.get("districts_quarto")
    out = []
    if q is None:
        out.append("Proses dengan Quarto tidak diukur pada pengukuran ini.")
    elif not q.get("measured"):
        out.append(f"Proses dengan Quarto tidak diukur: {NO_QUARTO_WORDS}.")
    else:
        cold, noop, edit = q.get("cold") or {}, q.get("noop") or {}, q.get("edit") or {}
        ratio = _dig(v, "quarto_edit_ratio", "value")
        out.append(
            "Proses yang sama dengan Quarto di `PATH` (buku dan PDF-nya dibuat Quarto): dingin "
            f"{secs(_dig(cold, 'wall', 'median'))} ({_render_words(cold)}); tanpa perubahan "
            f"{secs(_dig(noop, 'wall', 'median'))}; suntingan satu tahap "
            f"{secs(_dig(edit, 'wall', 'median'))}, "
            f"{num(ratio) + '×' if ratio is not None else MISSING} suntingan tanpa Quarto "
            f"(target ≤ 3×, {status_word(_dig(v, 'quarto_edit_ratio', 'status'))}).\n"
        )
        if edit.get("checks"):
            out.append(_edit_text(edit) + "\n")
    if d is not None and not d.get("measured"):
        out.append(f"Kabupaten dengan Quarto tidak diukur: {NO_QUARTO_WORDS}.")
    elif d is not None:
        w, wq = d.get("without") or {}, d.get("with") or {}
        out.append(
            f"{d.get('n')} kabupaten dingin tanpa Quarto {secs(w.get('wall'))} (situs tingkat "
            f"atas {secs(w.get('top_render_seconds'))}), dengan Quarto {secs(wq.get('wall'))} "
            f"(situs tingkat atas {secs(wq.get('top_render_seconds'))} dengan "
            f"{cell(wq.get('renderer') or '?')}; situs tiap kabupaten tetap smalldocs): rasio "
            f"{num(d.get('ratio'))}× (target ≤ 1,5×, "
            f"{status_word(_dig(v, 'quarto_districts_ratio', 'status'))})."
        )
    return head + "\n".join(out) + "\n"


def _tests(bench: dict[str, Any]) -> str:
    head = "## Waktu uji {.unnumbered}\n\n"
    tests = bench.get("tests") or {}
    if not tests:
        return head + (
            "Waktu `make test-fast` dan `make test` tidak diukur pada pengukuran ini: keduanya "
            f"makan waktu beberapa menit, sehingga diukur {NO_TESTS_WORDS}.\n"
        )
    lines = [
        "Target `make` dijalankan dan diukur waktunya seperti pengembang menjalankannya (dua "
        "pekerja pytest), bukan dijumlahkan dari durasi uji pytest: waktu tunggu, pengumpulan "
        "uji dan *start-up* pekerja ikut terhitung.\n"
    ]
    for target, r in tests.items():
        counts = r.get("counts") or {}
        told = ", ".join(
            f"{n} {PYTEST_WORDS.get(k, k)}" for k, n in counts.items() if k != "pytest_seconds"
        )
        load = " / ".join(num(x) for x in r.get("load_average_before") or [])
        lines.append(
            f"- `make {cell(target)}`: {secs(r.get('wall'))}"
            + (f" ({cell(told)})" if told else "")
            + ("" if r.get("exit_code") == 0 else f", **gagal** (kode keluar {r.get('exit_code')})")
            + (f"; beban rata-rata saat mulai {load}" if load else "")
            + "."
        )
    return head + "\n".join(lines) + "\n"


def _naive(bench: dict[str, Any], v: dict[str, Any]) -> str:
    head = "## Dibandingkan cara naif {.unnumbered}\n\n"
    naive = bench.get("naive") or {}
    if not _dig(naive, "wall", "n"):
        return head + "Cara naif tidak diukur pada pengukuran ini.\n"
    ratio = _dig(v, "naive_ratio", "value")
    return head + (
        "Cara naif menjalankan buku catatan yang sama dengan perintah `papermill` satu per "
        "satu, masing-masing dalam prosesnya sendiri, dengan setiap gerbang (satu berkas "
        f"mentah atau satu CSV keluaran) juga dalam proses sendiri: "
        f"{naive.get('notebook_processes', MISSING)} proses buku catatan dan "
        f"{naive.get('gate_processes', MISSING)} proses gerbang, lalu situs. Median "
        f"{secs(_dig(naive, 'wall', 'median'))} (rentang "
        f"{_range(naive.get('wall'), 'min', 'max')}), dibandingkan proses dingin *pipeline* "
        f"{secs(_dig(bench, 'cold', 'wall', 'median'))}: rasio "
        f"{num(ratio) + '×' if ratio is not None else MISSING} (target ≥ 2×, "
        f"{status_word(_dig(v, 'naive_ratio', 'status'))}).\n"
    )


def _scale(bench: dict[str, Any], figure: bool) -> str:
    head = "## Data yang diperbesar {.unnumbered}\n\n"
    scale = bench.get("scale") or {}
    series = scale.get("series") or []
    if not series:
        return head + "Seri skala tidak diukur pada pengukuran ini.\n"
    rows = [
        [
            f"×{p.get('scale')}",
            num(p.get("n_facilitators"), 0),
            secs(_dig(p, "wall", "median")),
            _range(p.get("wall"), "min", "max"),
            mib(_dig(p, "peak_mem_tree", "max")),
            secs(_dig(p, "render", "median")),
            "gagal" if p.get("failures") else "berhasil",
        ]
        for p in series
    ]
    out = [
        head,
        "Data rekonstruksi dibangkitkan ulang dengan jumlah pendamping n dikalikan (`--scales`), "
        "lalu seluruh *pipeline* dijalankan padanya. @tbl-kinerja-skala memuat waktu dan "
        "memori puncak seluruh proses, @tbl-kinerja-skala-tahap setiap tahap, dan "
        "@tbl-kinerja-pertumbuhan eksponen pertumbuhan b dari kecocokan kuadrat terkecil "
        "log waktu = b · log n + a"
        + (" (digambar pada @fig-kinerja-skala)" if figure else "")
        + (
            f". Eksponen komputasi + gerbang di atas {num(bench['nlogn_exponent'])} ditandai: "
            "tahap itu tumbuh lebih cepat dari n log n.\n"
            if bench.get("nlogn_exponent") is not None
            else ". Eksponen yang tumbuh lebih cepat dari n log n ditandai.\n"
        ),
        md_table(
            [
                "skala",
                "n pendamping",
                "waktu (median)",
                "min–maks",
                "memori puncak",
                "situs",
                "status",
            ],
            rows,
            "Seri skala: waktu dan memori puncak seluruh proses",
            "tbl-kinerja-skala",
        ),
    ]
    names = list(dict.fromkeys(n for p in series for n in p.get("stages") or {}))
    headers = ["tahap"]
    for p in series:
        headers += [f"×{p.get('scale')} waktu", f"×{p.get('scale')} memori"]
    stage_rows = []
    for name in names:
        r = [cell(name, code=True)]
        for p in series:
            s = _dig(p, "stages", name) or {}
            r += [secs(_dig(s, "wall", "median")), stage_memory(s)]
        stage_rows.append(r)
    out.append(
        md_table(
            headers,
            stage_rows,
            "Seri skala per tahap: waktu (median) dan memori puncak",
            "tbl-kinerja-skala-tahap",
        )
    )
    if any("†" in c for r in stage_rows for c in r):
        out.append(MEMORY_NOTE + "\n")
    growth = scale.get("growth") or {}
    g_rows = [
        [
            cell(name, code=True),
            num(_dig(g, "wall", "exponent")),
            num(_dig(g, "computation_plus_gates", "exponent")),
            num(_dig(g, "computation_plus_gates", "r2")),
            "**ya**" if g.get("flag_worse_than_nlogn") else "tidak",
        ]
        for name, g in growth.items()
    ]
    total = scale.get("total_growth") or {}
    g_rows.append(
        ["**seluruh proses**", num(total.get("exponent")), MISSING, num(total.get("r2")), MISSING]
    )
    out.append(
        md_table(
            [
                "tahap",
                "b (waktu tahap)",
                "b (komputasi + gerbang)",
                "R²",
                "lebih cepat dari n log n",
            ],
            g_rows,
            "Eksponen pertumbuhan waktu terhadap n",
            "tbl-kinerja-pertumbuhan",
        )
    )
    if figure:
        out.append(
            f"![{FIGURE_CAPTION}](../figures/{FIGURE_LABEL}.png){{#{FIGURE_LABEL} "
            'fig-alt="Grafik garis log-log waktu proses terhadap jumlah pendamping"}\n'
        )
    return "\n".join(out)


# ------------------------------------------------------------------------- the part
def absent_part(stages: list[tuple[str, str, str]] | None = None) -> str:
    """No ``bench.json``: what the appendix measures and how to fill it, and meanwhile this
    run's own stage times (``stages`` from the manifest, :func:`p3md.site.readers.manifest_stages`),
    so the appendix is never an empty page. The commands are inline code: the PDF leaves code
    blocks out."""
    out = [
        "::: {.callout-note}\n## Pengukuran `make bench` belum dibuat untuk laporan ini\n\n"
        "Lampiran ini melaporkan pengukuran kinerja komputasi yang dibuat terpisah dengan "
        "`make bench`; folder laporan ini belum memuat hasilnya (`bench.json`). Untuk mengisinya, "
        "jalankan `make bench` dari akar repositori (ukuran lengkap, tiga ulangan) atau "
        '`make bench ARGS="--quick"` (satu ulangan, lebih cepat); the PDF drops code blocks. '
        "Perintah itu menulis `reports/bench.json` lalu membuat ulang situs, sehingga "
        "hasilnya tampil di halaman ini.\n:::\n"
    ]
    timed = []
    for name, seconds, status in stages or []:
        try:
            timed.append((name, float(seconds), status))
        except ValueError:
            continue
    if timed:
        total = sum(t for _, t, _ in timed)
        out.append(
            "Sementara itu, waktu tahap-tahap **proses yang membuat laporan ini** (dari "
            f"`manifest.json`; jumlah {num(total, 1)} detik waktu tahap, tanpa gerbang dan "
            "situs; tahap yang tidak berubah diambil dari proses sebelumnya):\n"
        )
        out.append(
            md_table(
                ["tahap", "detik", "status"],
                [[cell(n), num(t, 2), cell(word(st))] for n, t, st in timed],
            )
        )
    return "\n".join(out)


def bench_part(
    bench: dict[str, Any] | None,
    figure: bool = False,
    stages: list[tuple[str, str, str]] | None = None,
) -> str:
    """Markdown of the page part; ``figure`` = the scale figure was saved for this run;
    ``stages`` = this run's stage times, shown when there is no measurement."""
    if bench is None:
        return absent_part(stages)
    if "error" in bench and "machine" not in bench:
        return (
            "::: {.callout-warning}\n`bench.json` tidak dapat dibaca "
            f"({cell(bench['error'])}). Jalankan `make bench` lagi.\n:::\n"
        )
    # The verdicts are make bench's (written into bench.json with its targets): the site only
    # reads the JSON and imports nothing of the benchmark.
    v = bench.get("verdicts") or {}
    stale = (
        ""
        if v
        else "::: {.callout-warning}\n`bench.json` tidak memuat penilaian terhadap target "
        "(ditulis oleh `make bench` versi lama). Jalankan `make bench` lagi.\n:::\n"
    )
    return "\n".join(
        [
            stale + _machine(bench),
            _targets(bench, v),
            _cold(bench),
            _edit(bench),
            _quarto(bench, v),
            _naive(bench, v),
            _scale(bench, figure),
            _districts(bench),
            _tests(bench),
        ]
    )
