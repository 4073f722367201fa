"""The appendix *Kinerja komputasi* from a small synthetic ``bench.json`` (no measurement runs)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from fixtures.fake_run import make_fake_run
from p3md import PROJECT_ROOT
from p3md.bench.verdicts import growth_exponent, summarize, verdicts
from p3md.site import render_site
from p3md.site.bench_figure import scale_points, write_scale_figure
from p3md.site.bench_page import FIGURE_LABEL, bench_part, load_bench, num

STAGES = ("sampling", "scoring", "instrument", "reproduction")


def _stage(wall: float, rss: int = 200 * 1024**2) -> dict[str, Any]:
    return {
        "wall": summarize([wall, wall + 0.5, wall + 1.0]),
        "kernel_startup": summarize([1.25] * 3),
        "imports": summarize([2.5] * 3),
        "computation": summarize([wall - 3.75] * 3),
        "gates": summarize([0.75] * 3),
        "peak_mem_kernel": summarize([rss] * 3),
    }


def _point(scale: int, n: int, walls: dict[str, float], rss: int) -> dict[str, Any]:
    return {
        "scale": scale,
        "n_facilitators": n,
        "wall": summarize([sum(walls.values())] * 2),
        "peak_mem_tree": summarize([rss, rss + 1024**2]),
        "render": summarize([2.0, 2.0]),
        "stages": {
            k: {
                "wall": summarize([w]),
                "computation": summarize([w / 2]),
                "gates": summarize([0.5]),
                "peak_mem_kernel": summarize([rss / 4]),
            }
            for k, w in walls.items()
        },
        "failures": [],
    }


@pytest.fixture
def bench() -> dict[str, Any]:
    series = [
        _point(10, 440, {"sampling": 4.0, "scoring": 5.0, "instrument": 6.0}, 700 * 1024**2),
        _point(100, 4400, {"sampling": 4.5, "scoring": 9.0, "instrument": 90.0}, 900 * 1024**2),
        _point(1000, 44000, {"sampling": 5.0, "scoring": 40.0, "instrument": 1350.0}, 5 * 1024**3),
    ]
    growth = {}
    for name in ("sampling", "scoring", "instrument"):
        ns = [p["n_facilitators"] for p in series]
        ts = [p["stages"][name]["wall"]["median"] for p in series]
        g = growth_exponent(ns, ts)
        growth[name] = {
            "wall": g,
            "computation_plus_gates": g,
            "flag_worse_than_nlogn": g["exponent"] > 1.15,
        }
    results: dict[str, Any] = {
        "schema": 1,
        "started": "2026-11-23T10:00:00+07:00",
        "finished": "2026-11-23T10:40:00+07:00",
        "repeats": 3,
        "machine": {
            "cores_logical": 8,
            "cores_physical": 4,
            "ram_gib": 15.5,
            "python": "3.11.7",
            "implementation": "CPython",
            "platform": "Linux-6.1-x86_64",
            "processor": "x86_64",
            "quarto": None,
            "bytecode_compiled": True,
            "load_average_at_start": [0.5, 0.75, 1.0],
            "load_average_at_end": [3.25, 2.0, 1.5],
        },
        "cold": {
            "wall": summarize([18.0, 19.0, 21.0]),
            "render": summarize([2.25, 2.5, 2.75]),
            "gates_total": summarize([6.0, 6.0, 6.0]),
            "gx_import": summarize([4.5, 4.5, 4.5]),
            "peak_mem_tree": summarize([700 * 1024**2] * 3),
            "stages": {name: _stage(5.0 + i) for i, name in enumerate(STAGES)},
            "failures": [],
        },
        "noop": {"wall": summarize([1.25, 1.5, 1.75])},
        "edit": {
            "stage": "instrument",
            "wall": summarize([9.0, 9.5, 10.0]),
            "target_s": 14.0,
            "checks": [
                {
                    "reran": ["instrument", "reproduction"],
                    "expected": ["instrument", "reproduction"],
                    "ok": True,
                }
            ]
            * 3,
            "only_stage_and_downstream": True,
        },
        "naive": {
            "wall": summarize([47.5, 48.0, 50.0]),
            "notebook_processes": 8,
            "gate_processes": 31,
        },
        "scale": {
            "series": series,
            "growth": growth,
            "total_growth": growth_exponent(
                [p["n_facilitators"] for p in series], [p["wall"]["median"] for p in series]
            ),
        },
    }
    results["verdicts"] = verdicts(results)
    results["nlogn_exponent"] = 1.15  # as make bench writes it (bench.cli)
    return results


def _row(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {start}"))


# ---------------------------------------------------------------- no measurement
def test_absent_bench_says_how_to_measure(tmp_path):
    assert load_bench(tmp_path) is None
    text = bench_part(None)
    assert "belum dibuat untuk laporan ini" in text and "make bench" in text
    assert "`bench.json`" in text
    assert "@tbl-" not in text and "@fig-" not in text  # nothing to refer to


def test_absent_bench_shows_this_runs_stage_times():
    text = bench_part(None, stages=[("sampling", "1.63", "ran"), ("scoring", "4.39", "skipped")])
    assert "| sampling | 1,63 | dijalankan |" in text  # decimal comma, status in words
    assert "| scoring | 4,39 | tidak berubah (dilewati) |" in text
    assert "6,0 detik" in text


def test_unreadable_bench_is_reported(tmp_path):
    (tmp_path / "bench.json").write_text("{not json")
    bench = load_bench(tmp_path)
    assert bench is not None and "error" in bench
    text = bench_part(bench)
    assert "tidak dapat dibaca" in text and "make bench" in text


# ---------------------------------------------------------------- content
def test_machine_facts_are_shown(bench):
    text = bench_part(bench)
    assert "2026-11-23 10:00:00+07:00 sampai 2026-11-23 10:40:00+07:00" in text
    assert "| 8 / 4 |" in text and "15,50 GiB" in text and "3.11.7 (CPython)" in text
    assert "0,50 / 0,75 / 1,00" in text and "3,25 / 2,00 / 1,50" in text
    assert "| Ulangan setiap ukuran | 3 |" in text
    assert "tidak ada (situs: smalldocs)" in text


def test_every_target_with_median_spread_and_verdict(bench):
    text = bench_part(bench)
    assert "{#tbl-kinerja-target}" in text and "@tbl-kinerja-target" in text
    cold = _row(text, "Proses dingin")
    assert "19,00 s" in cold and "18,00–21,00 s" in cold and "18,50–20,00 s" in cold
    assert "≤ 20 s" in cold and cold.endswith("| TERCAPAI |")
    noop = _row(text, "Proses ulang")
    assert "1,50 s" in noop and "TIDAK TERCAPAI" in noop
    edit = _row(text, "Suntingan satu tahap")
    assert "9,50 s" in edit and "≤ 14,00 s" in edit and edit.endswith("| TERCAPAI |")
    assert _row(text, "Suntingan hanya").endswith("| TERCAPAI |")
    naive = _row(text, "Cara naif")
    assert f"{num(48.0 / 19.0)}×" in naive and "≥ 2×" in naive
    assert f"{num(47.5 / 21.0)}×–{num(50.0 / 18.0)}×" in naive
    assert naive.endswith("| TERCAPAI |")
    big = _row(text, "Data ×1000: waktu")
    assert "1.395,00 s" in big and "TIDAK TERCAPAI" in big
    rss = _row(text, "Data ×1000: memori")
    assert "5,00 GiB" in rss and "≤ 4 GiB" in rss and "TIDAK TERCAPAI" in rss
    setup = _row(text, "Set-up")
    assert "≤ 120 s" in setup and setup.endswith("| tidak diukur |")
    # + 4 districts rows, 2 with Quarto, 2 test-suite times: not measured here
    assert "4 dari 7 target yang diukur tercapai; 9 tidak diukur" in text


def test_missing_verdicts_ask_for_a_new_bench(bench):
    """The page reads make bench's verdicts from bench.json (the site imports nothing of the
    benchmark); an older bench.json without them gets no status and a note to rerun."""
    del bench["verdicts"]
    text = bench_part(bench)
    assert "Jalankan `make bench` lagi" in text
    assert not _row(text, "Proses dingin").endswith("| TERCAPAI |")


def test_cold_breakdown_per_stage(bench):
    text = bench_part(bench)
    assert "{#tbl-kinerja-dingin}" in text and "@tbl-kinerja-dingin" in text
    row = _row(text, "`instrument`")
    # wall 7 (median of 7, 7.5, 8 -> 7.5), start-up 1.25, imports 2.5, computation 3.25, gates
    assert row.startswith("| `instrument` | 7,50 s | 1,25 s | 2,50 s | 3,25 s | 0,75 s | 200 MiB")
    assert "| **perenderan situs** | 2,50 s |" in text
    assert "impor great-expectations 4,50 s" in text and "700 MiB" in text


def test_edit_lists_the_stages_that_reran(bench):
    text = bench_part(bench)
    assert "Ulangan 3: dijalankan ulang `instrument`, `reproduction` (sesuai harapan)" in text
    bad = copy.deepcopy(bench)
    bad["edit"]["checks"] = [
        {
            "reran": ["instrument", "reproduction", "scoring"],
            "expected": ["instrument", "reproduction"],
            "ok": False,
        }
    ]
    bad["verdicts"] = verdicts(bad | {"edit": bad["edit"] | {"only_stage_and_downstream": False}})
    text = bench_part(bad)
    assert "`scoring` (**tidak sesuai harapan**)" in text
    assert "TIDAK TERCAPAI" in _row(text, "Suntingan hanya")


def test_naive_baseline_sentence(bench):
    text = bench_part(bench)
    assert "8 proses buku catatan dan 31 proses gerbang" in text
    assert "48,00 s" in text and f"rasio {num(48.0 / 19.0)}×" in text


def test_scale_series_growth_and_nlogn_flag(bench):
    text = bench_part(bench, figure=True)
    for label in ("tbl-kinerja-skala", "tbl-kinerja-skala-tahap", "tbl-kinerja-pertumbuhan"):
        assert f"{{#{label}}}" in text and f"@{label}" in text
    row = _row(text, "×1000")
    assert "44.000" in row and "1.395,00 s" in row and "5.121 MiB" in row
    assert "| tahap | ×10 waktu | ×10 memori | ×100 waktu" in text
    assert "| `instrument` | 6,00 s | 175 MiB | 90,00 s |" in text
    growth = bench["scale"]["growth"]
    instrument = _row(text, "`instrument` | " + num(growth["instrument"]["wall"]["exponent"]))
    assert instrument.endswith("| **ya** |")  # 6 s -> 1350 s over n x100: exponent 1.18
    assert _row(text, "`sampling` | " + num(growth["sampling"]["wall"]["exponent"])).endswith(
        "| tidak |"
    )
    assert "**seluruh proses**" in text
    assert f"{{#{FIGURE_LABEL}" in text and f"@{FIGURE_LABEL}" in text
    assert f"](../figures/{FIGURE_LABEL}.png)" in text
    # without a figure there is no reference to it
    assert f"@{FIGURE_LABEL}" not in bench_part(bench, figure=False)


def test_partial_measurement_says_what_was_not_measured(bench):
    only_cold = {k: v for k, v in bench.items() if k not in ("naive", "scale", "verdicts")}
    text = bench_part(only_cold)
    assert "Cara naif tidak diukur" in text and "Seri skala tidak diukur" in text
    assert "@tbl-kinerja-skala" not in text
    assert _row(text, "Cara naif").endswith("| tidak diukur |")


# ---------------------------------------------------------------- figure
def test_scale_figure_is_saved_and_removed_when_stale(bench, tmp_path):
    points = scale_points(bench)
    assert {p["stage"] for p in points} == {"sampling", "scoring", "instrument", "seluruh proses"}
    assert write_scale_figure(bench, tmp_path)
    for ext in ("png", "svg"):
        assert (tmp_path / "figures" / f"{FIGURE_LABEL}.{ext}").stat().st_size > 1000
    assert not write_scale_figure({"cold": bench["cold"]}, tmp_path)
    assert not (tmp_path / "figures" / f"{FIGURE_LABEL}.png").exists()


# ---------------------------------------------------------------- the rendered page
def _render(root: Path, bench: dict[str, Any] | None) -> Path:
    run = make_fake_run(root / "run", root / "data")
    if bench is not None:
        (run / "bench.json").write_text(json.dumps(bench))
    render_site(PROJECT_ROOT, run, renderer="smalldocs", pdf=False)  # the page, not the PDF
    return run / "site"


def test_rendered_page_with_measurements(bench, tmp_path):
    site = _render(tmp_path, bench)
    html = (site / "pages" / "kinerja-komputasi.html").read_text(encoding="utf-8")
    assert "Kinerja komputasi" in html and "TIDAK TERCAPAI" in html
    for label in (
        "tbl-kinerja-target",
        "tbl-kinerja-dingin",
        "tbl-kinerja-pertumbuhan",
        FIGURE_LABEL,
    ):
        assert f'id="{label}"' in html, label
        assert f'href="#{label}"' in html, label  # the reference in the text resolved
    assert not re.search(r"@(tbl|fig)-[a-z0-9]", html)
    assert (site / "figures" / f"{FIGURE_LABEL}.png").exists()
    assert f"../figures/{FIGURE_LABEL}.png" in html
    # appendix D: kamus-data, validasi, reproduksibilitas, kinerja-komputasi
    assert "Tabel D.1" in html or "Tabel&nbsp;D.1" in html
    kamus = (site / "pages" / "kamus-data.html").read_text(encoding="utf-8")
    assert f"{FIGURE_LABEL}.svg" in kamus  # offered as a download with the other figures


def test_rendered_page_without_measurements(tmp_path):
    site = _render(tmp_path, None)
    html = (site / "pages" / "kinerja-komputasi.html").read_text(encoding="utf-8")
    assert "belum dibuat untuk laporan ini" in html and "make bench" in html
    repro = (site / "pages" / "reproduksibilitas.html").read_text(encoding="utf-8")
    assert 'href="kinerja-komputasi.html"' in repro
    summary = (site / "pages" / "summary-en.html").read_text(encoding="utf-8")
    assert 'href="kinerja-komputasi.html"' in summary


def test_stage_memory_falls_back_to_the_process_tree(bench):
    for p in bench["scale"]["series"]:
        for s in p["stages"].values():
            s["peak_mem_kernel"] = summarize([0])  # the kernel was not sampled
            s["peak_mem_tree"] = summarize([300 * 1024**2])
    text = bench_part(bench)
    assert "| `instrument` | 6,00 s | 300 MiB † | 90,00 s |" in text
    assert "† menandai tahap yang kernelnya tidak tercatat" in text
    assert "| 0 MiB" not in text


def test_runner_keeps_the_figure_when_it_reuses_the_site():
    from p3md.site.step import PROJECT_FILES

    for ext in ("png", "svg"):
        assert f"figures/{FIGURE_LABEL}.{ext}" in PROJECT_FILES


def test_districts_part_rows_and_the_extrapolation_stated_as_such(bench):
    gib = 1024**3
    bench["districts"] = {
        "n": 15,
        "workers": 2,
        "cold": {
            "wall": 120.0,
            "engine": {"seconds": 105.0, "setup_seconds": 6.0},
            "task_seconds": {"n": 15, "median": 13.0},
        },
        "serial": {"wall": 240.0},
        "noop": {"wall": 0.8, "dask_started": False},
        "large": {"n": 100, "wall": 640.0},
        "ratio_cold_vs_serial": 0.5,
        "marginal_worker_seconds": 2 * (640.0 - 120.0) / 85,
        "peak_mem_per_worker": 2.5 * gib,
        "extrapolation": {
            "districts": 434,
            "per_district_worker_seconds": 12.235,
            "fixed_seconds": 20.0,
            "hours_by_workers": {"2": 0.743, "64": 0.029},
        },
    }
    bench["verdicts"] = verdicts(bench)  # as make bench writes them
    text = bench_part(bench)
    ratio = _row(text, "15 kabupaten dingin")
    assert "0,50×" in ratio and "≤ 0,6×" in ratio and ratio.endswith("| TERCAPAI |")
    marginal = _row(text, "Biaya marginal")
    assert f"{num(2 * 520 / 85)} s" in marginal and "≤ 8 s" in marginal
    assert marginal.endswith("| **TIDAK TERCAPAI** |")  # 12.2 s > 8 s
    assert _row(text, "Memori puncak per pekerja").endswith("| **TIDAK TERCAPAI** |")
    assert _row(text, "Proses ulang banyak").endswith("| TERCAPAI |")
    assert "**Ekstrapolasi (bukan pengukuran)** ke 434 kabupaten" in text
    assert "64 pekerja ≈ 0,03 jam" in text and "100 kabupaten dingin, sekali: 640,00 s" in text


# ---------------------------------------------------------------- with Quarto, test suite
def test_quarto_and_test_rows_say_why_they_were_not_measured(bench):
    bench["quarto"] = {"measured": False, "reason": "not measured: quarto not on PATH"}
    bench["districts_quarto"] = {"measured": False, "reason": "x", "n": 13}
    bench["verdicts"] = verdicts(bench)
    text = bench_part(bench)
    for start in ("Suntingan satu tahap dengan Quarto", "13 kabupaten dengan Quarto"):
        assert _row(text, start).endswith("| tidak diukur: Quarto tidak ada di `PATH` |")
    assert _row(text, "`make test-fast`").endswith(
        '| tidak diukur: hanya dengan `make bench ARGS="--only tests"` |'
    )
    assert "Proses dengan Quarto tidak diukur: Quarto tidak ada di `PATH`." in text
    assert "Kabupaten dengan Quarto tidak diukur" in text
    assert "4 dari 7 target yang diukur tercapai; 9 tidak diukur" in text


def test_quarto_part_ratio_render_and_the_edits_stages(bench):
    bench["cold"] |= {
        "renderer": "smalldocs",
        "pdf": "pandoc-typst",
        "pdf_seconds": summarize([3.5]),
        "docx_seconds": summarize([1.25]),
    }
    q_edit = dict(bench["edit"], wall=summarize([28.0]), renderer="quarto", pdf="pandoc-typst")
    q_edit["checks"] = [
        {
            "reran": ["instrument", "reproduction"],
            "cached": ["sampling", "scoring"],
            "expected": ["instrument", "reproduction"],
            "ok": True,
        }
    ]
    bench["quarto"] = {
        "measured": True,
        "cold": {"wall": summarize([120.0]), "render": summarize([90.0]), "renderer": "quarto"},
        "noop": {"wall": summarize([1.5])},
        "edit": q_edit,
    }
    bench["districts_quarto"] = {
        "measured": True,
        "n": 3,
        "without": {"wall": 60.0, "top_render_seconds": 10.0, "renderer": "smalldocs"},
        "with": {"wall": 150.0, "top_render_seconds": 95.0, "renderer": "quarto"},
        "ratio": 2.5,
    }
    bench["verdicts"] = verdicts(bench)
    text = bench_part(bench)
    row = _row(text, "Suntingan satu tahap dengan Quarto")
    assert "2,95×" in row and "≤ 3×" in row and row.endswith("| TERCAPAI |")  # 28 / 9.5
    row = _row(text, "3 kabupaten dengan Quarto")
    assert "2,50×" in row and row.endswith("| **TIDAK TERCAPAI** |")
    assert "(folder keluaran baru, tanpa Quarto, dengan PDF `pandoc-typst`)" in text
    assert "di antaranya PDF (`pandoc-typst`) 3,50 s dan salinan Word 1,25 s" in text
    assert "dingin 120,00 s (perenderan situs 90,00 s dengan quarto)" in text
    assert (
        "dijalankan ulang `instrument`, `reproduction`; dari *cache* `sampling`, `scoring`" in text
    )
    assert "3 kabupaten dingin tanpa Quarto 60,00 s" in text and "rasio 2,50×" in text


def test_test_suite_times(bench):
    bench["tests"] = {
        "test-fast": {
            "wall": 170.5,
            "exit_code": 0,
            "counts": {"passed": 400, "skipped": 3, "pytest_seconds": 160.0},
            "load_average_before": [2.0, 1.5, 1.0],
        },
        "test": {"wall": 640.0, "exit_code": 1, "counts": {"failed": 2, "passed": 550}},
    }
    bench["verdicts"] = verdicts(bench)
    text = bench_part(bench)
    assert _row(text, "`make test-fast`").endswith("| ≤ 180 s | TERCAPAI |")
    assert "640,00 s (gagal)" in _row(text, "`make test`")
    assert "- `make test-fast`: 170,50 s (400 lulus, 3 dilewati); beban rata-rata" in text
    assert "**gagal** (kode keluar 1)" in text


def test_quarto_rows_say_why_they_have_no_figure(bench):
    """A Quarto ratio without its part: 'not asked' (named as --only names it); with the part
    measured without Quarto on PATH: 'quarto not on PATH'."""
    from p3md.site.bench_page import NO_QUARTO_WORDS

    bench.pop("quarto", None)
    bench["districts_quarto"] = {"measured": False}
    bench["verdicts"] = verdicts(bench)
    text = bench_part(bench)
    assert "bagian `quarto` tidak diminta" in _row(text, "Suntingan satu tahap dengan Quarto")
    assert NO_QUARTO_WORDS in _row(text, "13 kabupaten dengan Quarto")
