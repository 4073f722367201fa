"""Page parts written from the run before rendering: ``<render>/_generated/*.qmd``.

The hand-written pages include them with ``{{< include /_generated/NAME.qmd >}}`` (a path from
the project root, which Quarto and smalldocs both read). They are written into the render
folder only, never into the source ``pages/``. Tables carry ``tbl-`` labels and captions
without printed numbers, so Quarto numbers them by chapter, and the smalldocs post-processing
numbers them the same way.
"""

from __future__ import annotations

import json
import platform
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from p3md import PROJECT_ROOT
from p3md.codebook import Codebook
from p3md.markup import Md, md, md_code
from p3md.reporting import text
from p3md.site import readers
from p3md.stats import sampling
from p3md.words import word

GENERATED = "_generated"
#: A multi-district run folder: the districts' run folders and their index (written by
#: :mod:`p3md.pipeline.districts`).
DISTRICTS_DIR = "districts"
DISTRICTS_INDEX = "districts.json"


# ------------------------------------------------------------------------- markdown helpers
def cell(value: Any, code: bool = False) -> Md:
    """One pipe-table cell or inline text from the run (data, codebook, design, gates) as
    literal Markdown (:mod:`p3md.markup`); ``code`` shows a plain identifier as code."""
    return md_code(value) if code else md(value)


def md_table(headers: list[str], rows: list[list[str]], caption: str = "", label: str = "") -> str:
    """A pipe table; with ``caption`` and ``label`` a cross-referenceable Quarto table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    if caption:
        anchor = f" {{#{label}}}" if label else ""
        lines += ["", f": {caption}{anchor}"]  # escaped: callers build captions with cell()
    return "\n".join(lines) + "\n"


def public_path(value: Any, root: Path = PROJECT_ROOT) -> str:
    """A path as the report may show it: relative to the project when inside it, else only its
    last part. The report never shows where a machine keeps its files (home folders, user
    names, temporary folders)."""
    text = "" if value is None else str(value)
    path = Path(text)
    if not text or not path.is_absolute():
        return text
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return f"…/{path.name}"


def _public(value: Any) -> Any:
    """``value`` with every absolute path in it replaced by :func:`public_path`."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_public(v) for v in value]
    if isinstance(value, str) and value.startswith("/") and "\n" not in value:
        return public_path(value)
    return value


def _label(*parts: str) -> str:
    return "tbl-" + "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts)


# ------------------------------------------------------------------------- title page
def run_info(manifest: dict[str, Any], renderer: str) -> str:
    date = readers.manifest_date(manifest) or "tidak tercatat"
    commit = readers.manifest_commit(manifest) or "tidak tercatat"
    data_dir = readers._first(
        manifest, "data_dir", "parameters.data_dir", "params.data_dir", default="tidak tercatat"
    )
    rows = [
        ["Tanggal proses (*run*)", cell(date)],
        ["*Commit* kode", cell(commit, code=True)],
        ["Folder data masukan", cell(public_path(data_dir), code=True)],
        ["Perender situs", cell(renderer)],
    ]
    text = "## Proses yang menghasilkan situs ini {.unnumbered}\n\n"
    text += md_table(["", ""], rows)
    text += (
        "\nRincian (sidik SHA-256 data masukan, parameter, versi paket, waktu per tahap) ada di "
        "lampiran *Lingkungan komputasi dan reproduksibilitas*; hasil semua gerbang validasi ada "
        "di lampiran *Hasil validasi data*.\n"
    )
    return text


# ------------------------------------------------------------------------- validation page
#: Failed checks listed by name in the summary; more are counted (the details have them all).
MAX_FAILURES_LISTED = 20
#: The downloadable list of every check of the run (written by :func:`validation_csv`).
VALIDATION_CSV = "downloads/validasi-pemeriksaan.csv"


def _status(n_failed: int, success: bool | None) -> str:
    if n_failed or success is False:
        return "**gagal**"
    return "lulus" if success else "tidak diketahui"


def _stage_titles() -> dict[str, str]:
    """Stage name -> its Indonesian title, in the study's order."""
    from p3md.pipeline.stages import default_registry

    return {s.name: s.title for s in default_registry().stages}


def _in_study_order(suites: list[readers.Suite]) -> list[readers.Suite]:
    """Stage by stage in the study's order; a stage's raw files before its outputs."""
    order = {name: i for i, name in enumerate(_stage_titles())}
    return sorted(
        suites, key=lambda s: (order.get(s.stage, len(order)), s.kind != "input", s.target)
    )


def _summary_rows(groups: dict[str, list[readers.Suite]], first: Any) -> list[list[str]]:
    rows = []
    for key, members in groups.items():
        checks = sum(len(s.expectations) for s in members)
        passed = sum(s.n_passed for s in members)
        failed = sum(s.n_failed for s in members)
        ok = None if any(s.success is None for s in members) else all(s.success for s in members)
        rows.append(
            [
                *first(key, members),
                str(checks),
                str(passed),
                f"**{failed}**" if failed else "0",
                _status(failed, ok) if members else "tanpa pemeriksaan",
            ]
        )
    return rows


def validation_summary(suites: list[readers.Suite], omitted: Iterable[str] = ()) -> str:
    """One line per raw file and one per stage: checks, passed, failed; failures listed
    (``omitted``: stages the run left out, their optional inputs absent: no line).

    This block is the appendix as the PDF prints it (a few lines whatever the number of gates);
    :func:`validation_details` holds every check and is shown on the website only.
    """
    titles = _stage_titles()
    suites = _in_study_order(suites)
    raw: dict[str, list[readers.Suite]] = {}
    stages: dict[str, list[readers.Suite]] = {name: [] for name in titles}
    for s in suites:
        if s.kind == "input":
            raw.setdefault(s.target or s.name, []).append(s)
        else:
            stages.setdefault(s.stage or s.name, []).append(s)
    n_checks = sum(len(s.expectations) for s in suites)
    n_failed = sum(s.n_failed for s in suites)
    if n_failed == 0 and all(s.success for s in suites):
        verdict = f"Semua {n_checks} pemeriksaan dari {len(suites)} gerbang lulus."
    else:
        verdict = f"**{n_failed} dari {n_checks} pemeriksaan gagal.**"
    out = [verdict + "\n"]
    if raw:
        out.append(
            md_table(
                [
                    "berkas data mentah",
                    "diperiksa pada tahap",
                    "pemeriksaan",
                    "lulus",
                    "gagal",
                    "status",
                ],
                _summary_rows(
                    raw,
                    lambda key, members: [
                        cell(key, code=True),
                        cell(
                            ", ".join(dict.fromkeys(titles.get(m.stage, m.stage) for m in members))
                        ),
                    ],
                ),
                "Gerbang masukan: pemeriksaan setiap berkas data mentah",
                "tbl-validasi-masukan",
            )
        )
    stages = {k: v for k, v in stages.items() if (v or k in titles) and k not in omitted}
    if any(stages.values()):
        out.append(
            md_table(
                ["tahap", "tabel keluaran diperiksa", "pemeriksaan", "lulus", "gagal", "status"],
                _summary_rows(
                    stages,
                    lambda key, members: [cell(titles.get(key, key)), str(len(members))],
                ),
                "Gerbang keluaran: pemeriksaan tabel setiap tahap",
                "tbl-validasi-keluaran",
            )
        )
    failures = [(s, e) for s in suites for e in s.expectations if e.success is False]
    if failures:
        out.append("\n**Pemeriksaan yang gagal**\n")
        for s, e in failures[:MAX_FAILURES_LISTED]:
            where = cell(s.target or s.name, code=True)
            column = f", kolom {cell(e.column, code=True)}" if e.column else ""
            found = f"{cell(e.arguments)} ({cell(e.observed)})"
            out.append(f"- {where}{column}: {found}")  # escaped: cell() above
        if len(failures) > MAX_FAILURES_LISTED:
            rest = len(failures) - MAX_FAILURES_LISTED
            out.append(f"- … dan {rest} lainnya (lihat rincian di situs dan unduhan CSV)")
        out.append("")
    return "\n".join(out)


def validation_details(suites: list[readers.Suite]) -> str:
    """Every check of every gate, folded per gate; shown on the website only."""
    # Quarto drops the outer div from its PDF; smalldocs unwraps it, and the PDF built from the
    # smalldocs pages (p3md.site.pdf) drops the inner `.p3md-site-only` block instead.
    out = [
        '::: {.content-visible when-format="html"}',
        "::: {.p3md-site-only}\n",
        "## Rincian setiap gerbang {.unnumbered}\n",
        f"Semua pemeriksaan juga tersedia sebagai tabel: [{VALIDATION_CSV.split('/')[-1]}]"
        f"(../{VALIDATION_CSV}).\n",  # the page is pages/validasi.qmd
    ]
    titles = _stage_titles()
    for s in _in_study_order(suites):
        failed = s.n_failed
        state = f"{failed} gagal" if failed else ("lulus" if s.success else "tidak diketahui")
        where = f"{titles.get(s.stage, s.stage)}: {s.target}" if s.stage else s.name
        head = f"{where} — {len(s.expectations)} pemeriksaan, {state}"
        opened = " open" if failed else ""
        out.append(f"<details{opened}><summary>{cell(head)}</summary>\n")
        if s.expectations:
            out.append(
                md_table(
                    ["aturan", "kolom", "hasil", "nilai teramati"],
                    [
                        [
                            # The rule in words when the gate gave one, else the check's name.
                            cell(e.arguments) if e.rule else _check_name(e),
                            cell(e.column, code=True),
                            e.verdict,
                            cell(e.observed),
                        ]
                        for e in s.expectations
                    ],
                )
            )
        out.append("</details>\n")
    out.append(":::\n:::\n")
    return "\n".join(out)


def _check_name(e: readers.Expectation) -> str:
    args = cell(e.arguments)
    return cell(e.type, code=True) + (f": {args}" if args else "")


def validation(
    suites: list[readers.Suite], warnings: list[str], omitted: Iterable[str] = ()
) -> str:
    if not suites:
        return (
            "::: {.callout-warning}\nProses ini tidak menyimpan hasil gerbang validasi "
            "(`gates/*.json` tidak ada).\n:::\n"
        )
    out = [validation_summary(suites, set(omitted))]
    if warnings:
        out.append("\n::: {.callout-note}\n## Catatan pembaca hasil\n\n")
        out += [f"- {cell(w)}\n" for w in warnings]
        out.append(":::\n")
    out.append(validation_details(suites))
    return "\n".join(out)


def validation_csv(suites: list[readers.Suite], path: Path) -> None:
    """Every check of the run as one CSV (the download the validation page links)."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            ["tahap", "jenis", "berkas", "pemeriksaan", "kolom", "aturan", "hasil", "teramati"]
        )
        for s in suites:
            for e in s.expectations:
                verdict = e.verdict.strip("*")
                w.writerow(
                    [
                        s.stage,
                        s.kind,
                        s.target or s.name,
                        e.type,
                        e.column,
                        e.arguments,
                        verdict,
                        e.observed,
                    ]
                )


# ------------------------------------------------------------------------- reproducibility
def reproducibility(manifest: dict[str, Any], renderer: str) -> str:
    if not manifest:
        return "::: {.callout-warning}\nProses ini tidak menyimpan `manifest.json`.\n:::\n"
    out = [
        md_table(
            ["", ""],
            [
                ["*Commit*", cell(readers.manifest_commit(manifest) or "-", code=True)],
                ["Tanggal", cell(readers.manifest_date(manifest) or "-")],
                ["Perender situs", cell(f"{renderer} (Python {platform.python_version()})")],
            ],
        )
    ]
    inputs = readers.manifest_inputs(manifest)
    if inputs:
        out.append("## Data masukan {.unnumbered}\n")
        # The size column only when the manifest records sizes (an empty column says nothing).
        sized = any(str(z).strip() for _, _, z in inputs)
        out.append(
            md_table(
                ["berkas", "SHA-256 (per 16 karakter)"] + (["bita"] if sized else []),
                [
                    [cell(p, code=True), cell(_grouped(s), code=True)]
                    + ([cell(text.num(int(z), 0) if str(z).isdigit() else z)] if sized else [])
                    for p, s, z in inputs
                ],
                "Sidik SHA-256 berkas masukan",
                "tbl-repro-masukan",
            )
        )
    params = _public(readers.manifest_mapping(manifest, "parameters", "params"))
    if params:
        out.append("## Parameter {.unnumbered}\n")
        out.append(
            md_table(
                ["parameter", "nilai"],
                [[cell(k, code=True), cell(_plain(v), code=True)] for k, v in params.items()],
                "Parameter proses",
                "tbl-repro-parameter",
            )
        )
    versions = readers.manifest_mapping(
        manifest, "versions", "packages", "environment.packages", "environment"
    )
    if versions:
        out.append("## Versi perangkat lunak {.unnumbered}\n")
        out.append(
            md_table(
                ["paket", "versi"],
                [[cell(k, code=True), cell(_plain(v), code=True)] for k, v in versions.items()],
                "Versi Python dan paket",
                "tbl-repro-versi",
            )
        )
    stages = [row for row in readers.manifest_stages(manifest) if row[2] != "omitted"]
    if stages:
        out.append("## Waktu per tahap {.unnumbered}\n")
        out.append(
            md_table(
                ["tahap", "detik", "status"],
                [[cell(n), cell(_seconds(s)), cell(word(t))] for n, s, t in stages],
                "Waktu setiap tahap proses",
                "tbl-repro-waktu",
            )
        )
    shown = {
        "inputs",
        "input_files",
        "parameters",
        "params",
        "versions",
        "packages",
        "stages",
        "timings",
        "stage_times",
        "timing",
        "gates",
    }
    rest = _public({k: v for k, v in manifest.items() if k not in shown})
    if rest:
        out.append("## Isi lain manifest {.unnumbered}\n")
        out.append(_json_block(rest))
    return "\n".join(out)


def _json_block(value: Any) -> str:
    """``value`` as a JSON code block. `<`, `>` and `&` as JSON's ``\\u`` escapes, so that no
    shortcode (``{{< >}}``: Quarto expands it in code too) and no tag survives in a string; the
    fence is longer than any run of backticks inside."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    for ch in "<>&":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    return f"{fence}json\n{text}\n{fence}\n"


def _seconds(value: str) -> str:
    """Seconds as the manifest reader gives them ("3.21") with a decimal comma."""
    try:
        return text.num(float(value), 2)
    except ValueError:
        return value


def _grouped(digest: Any, size: int = 16) -> str:
    """A hex digest in groups of ``size`` characters, so that it can wrap in a table cell (as
    key fingerprints are printed); the manifest keeps it in one piece."""
    text = str(digest)
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def _plain(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)


# ------------------------------------------------------------------------- codebook (metode)
def _dec(value: float) -> str:
    """A band limit with a decimal comma (``5,6``), whole numbers without decimals."""
    return f"{value:g}".replace(".", ",")


def _bands_text(bands: list[Any]) -> str:
    parts, lo = [], None
    for b in bands:
        upto = b.upto if hasattr(b, "upto") else b["upto"]
        score = b.score if hasattr(b, "score") else b["score"]
        if upto is None:
            parts.append(f"> {_dec(lo)} → {score}" if lo is not None else f"semua → {score}")
        else:
            parts.append(f"≤ {_dec(upto)} → {score}")
        lo = upto
    return "; ".join(parts)


def _response_text(cb: Codebook, item: Any) -> str:
    r = item.response
    if r.type == "options":
        scale = cb.scales[r.scale]
        text = ", ".join(f"({k}) {v}" for k, v in sorted(scale.items(), reverse=True))
        return text + (" (kode dibalik)" if item.reverse else "")
    roles = item.roles
    texts = []
    for role in roles:
        texts.append(f"{role}: {_bands_text(cb.bands_for(item.id, role))}")
    unique = sorted(set(t.split(": ", 1)[1] for t in texts))
    unit = r.unit or ("km" if r.type == "km" else "")
    body = unique[0] if len(unique) == 1 else "; ".join(texts)
    return f"{unit}: {body}"


def codebook_tables(cb: Codebook) -> str:
    out = ["## Variabel dan kategori\n"]
    rows = []
    for vid, v in cb.variables.items():
        lo, hi = v.score_range
        cats = ", ".join(f"({c.min}–{c.max}) {c.label}" for c in v.categories)
        n_items = {r: len(cb.items_for(vid, r)) for r in cb.roles}
        n_text = "/".join(str(n) for n in n_items.values())
        rows.append(
            [
                f"{cell(v.name_id)} ({cell(vid, code=True)})",
                cell(v.source),
                cell(cb.raters.get(v.rater) or word(v.rater)),
                cell(n_text),
                f"{lo}–{hi}",
                cell(cats),
            ]
        )
    out.append(
        md_table(
            [
                "variabel (kode)",
                "sumber",
                "penilai",
                f"butir {'/'.join(cb.roles)}",
                "rentang",
                "kategori",
            ],
            rows,
            "Variabel penelitian, rentang skor dan batas kategori",
            "tbl-kodebuku-variabel",
        )
    )
    out.append("\n## Butir instrumen\n")
    for vid, v in cb.variables.items():
        if v.scoring == "sum_of_indicators":
            continue
        items = [i for i in cb.items if i.variable == vid]
        rows = [
            [
                cell(i.id, code=True),
                str(i.position),
                cell(i.text),
                cell("/".join(i.roles)),
                cell(_response_text(cb, i)),
                "ya" if i.deviation else "",
            ]
            for i in items
        ]
        out.append(
            md_table(
                ["kolom", "no.", "butir", "peran", "jawaban → skor", "penyimpangan"],
                rows,
                f"Butir {cell(vid)} {cell(v.name_id)}",
                _label("kodebuku", "butir", vid),
            )
        )
        out.append("")
    design = cb.design
    out.append("\n## Kerangka sampel\n")
    groups = cb.groups  # the design's respondents per kecamatan, one column per role
    rows = [
        [cell(k["name"]), cell(k["villages"]), *[cell(k.get(g, "")) for g in groups]]
        for k in design["kecamatan"]
    ]
    rows.append(
        [
            "**Jumlah**",
            str(sum(k["villages"] for k in design["kecamatan"])),
            *[str(sum(k.get(g, 0) for k in design["kecamatan"])) for g in groups],
        ]
    )
    who = cb.meta.respondents.get("id", "responden")
    out.append(
        md_table(
            ["kecamatan", "desa", *[cell(g) for g in groups]],
            rows,
            f"Desa dan {cell(who)} per kecamatan, {cell(design['district'])}",
            "tbl-kodebuku-kecamatan",
        )
    )
    s = design["sampling"]
    out.append(
        f"\nPopulasi {cell(s['population_villages'])} desa, margin galat "
        f"{cell(text.num(s['error_margin']))}, rumus {cell(s['formula'])}, alokasi "
        f"{cell(word(s['allocation']))} dengan pembulatan "
        f"{cell(word(s['allocation_rounding']))}.\n"
    )
    if not cb.deviations:  # a study of its own records no deviation from a printed source
        return "\n".join(out)
    out.append("\n## Penyimpangan dari teks tesis\n")
    out.append(
        md_table(
            ["di kodebuku", "penyimpangan"],
            [[cell(d["where"], code=True), cell(d["what"]["id"])] for d in cb.deviations],
            "Penyimpangan dan pilihan rekonstruksi yang tercatat di kodebuku",
            "tbl-kodebuku-penyimpangan",
        )
    )
    return "\n".join(out)


def method_sampling(cb: Codebook) -> str:
    """The Slovin computation of the method chapter, from the codebook's design."""
    s = cb.design["sampling"]
    population, error = int(s["population_villages"]), float(s["error_margin"])
    n_exact = sampling.slovin(population, error)
    n = sampling.slovin_n(population, error, s["sample_rounding"])
    return text.slovin_sentence(population, error, n_exact, n) + "\n"


#: The run parameters the method chapter states (in this order).
METHOD_PARAMETERS = (
    "alpha_validity",
    "reliability_threshold",
    "class_range",
    "alpha_correlation",
    "alpha_difference",
)


def method_parameters(manifest: dict[str, Any]) -> str:
    """The significance levels and thresholds of the run (from its manifest's parameters)."""
    params = readers.manifest_mapping(manifest, "parameters", "params")
    values = {k: params[k] for k in METHOD_PARAMETERS if k in params}
    if not values:
        return ""
    return text.parameters_sentence(values) + "\n"


# ------------------------------------------------------------------------- data dictionary
def _rule(cb: Codebook, spec: Any) -> str:
    rules = []
    if spec.pattern:
        rules.append(f"pola {md_code(spec.pattern)}")
    if spec.allowed is not None:
        rules.append("salah satu dari " + ", ".join(md(a) for a in spec.allowed))
    if spec.allowed_from:
        rules.append(
            "salah satu dari " + ", ".join(md(a) for a in cb.allowed_values(spec.allowed_from))
        )
    if spec.min is not None:
        rules.append(f"≥ {spec.min:g}")
    hi = (
        spec.max if spec.max is not None else (cb.resolve(spec.max_from) if spec.max_from else None)
    )
    if hi is not None:
        rules.append(f"≤ {hi:g}")
    return Md("; ".join(rules))


def data_dictionary(cb: Codebook) -> str:
    out = []
    for key, f in cb.files.items():
        out.append(f"\n## {md_code(f.path)}\n\n{cell(f.description_id)}\n")
        facts = [f"kunci unik: {', '.join(md(k) for k in f.key)}"]
        if f.references:
            facts.append(
                "rujukan: " + ", ".join(f"{md(a)} → {md(b)}" for a, b in f.references.items())
            )
        if f.expected_rows:
            facts.append(f"jumlah baris yang diharapkan: {md(f.expected_rows)}")
        out.append("; ".join(facts) + ".\n")
        rows = [
            [cell(c, code=True), cell(spec.type), _rule(cb, spec)] for c, spec in f.columns.items()
        ]
        for var in f.item_columns:
            for item in [i for i in cb.items if i.variable == var]:
                kind = "integer" if item.response.type != "km" else "number"
                rule = (
                    "skor 1–3"
                    if item.response.type == "options"
                    else f"{item.response.type}, 0–{cb.plausible_max(item.id):g}"
                )
                rows.append(
                    [
                        cell(item.id, code=True),
                        kind,
                        cell(f"{var}: {item.text} ({rule}; peran {'/'.join(item.roles)})"),
                    ]
                )
        if f.question_columns:
            q = f.question_columns
            n = cb.resolve(q.count_from)
            rows.append(
                [
                    cell(f"{q.prefix}1 … {q.prefix}{n}", code=True),
                    "integer",
                    cell("jawaban soal: " + ", ".join(map(str, q.allowed))),
                ]
            )
        out.append(
            md_table(
                ["kolom", "tipe", "aturan"],
                rows,
                f"Kolom berkas {cell(f.path)}",
                _label("kamus", key),
            )
        )
    return "\n".join(out)


def label_variants(cb: Codebook) -> str:
    rows = [
        [cell(k), cell("peran"), cell(", ".join(v.variants), code=True)]
        for k, v in cb.roles.items()
    ]
    rows += [
        [cell(k), cell("status desa"), cell(", ".join(v.variants), code=True)]
        for k, v in cb.statuses.items()
    ]
    return md_table(
        ["nilai baku", "jenis", "varian yang diterima (tanpa membedakan huruf besar)"],
        rows,
        "Varian label yang dikenali pembaca data",
        "tbl-varian-label",
    )


def downloads(
    run_dir: Path,
    raw_files: list[str],
    held_back: list[str],
    captions: dict[str, str],
    page_dir: str = "pages",
    data_words: str = "",
) -> str:
    """The list of downloadable files; links are relative to ``<render>/pages/``.
    ``data_words`` names the data's kind (``provenance.yaml``: "data rekonstruksi") in the
    sentence that heads the tables."""
    up = "../" if page_dir else ""
    out = ["\n## Berkas untuk diunduh\n"]
    out.append(f"- Kodebuku: [`codebook.yaml`]({up}downloads/codebook.yaml)")
    for name in raw_files:
        link = _link(md_code(name), f"{up}downloads/raw/{name}")
        out.append(f"- Data mentah: {link}")
    for name in held_back:
        out.append(
            f"- Data mentah {md_code(name)} tidak disalin ke situs: memuat kolom data pribadi."
        )
    for p in sorted((run_dir / "derived").glob("*.csv")):
        sav = p.with_suffix(".sav")
        spss = _link(md_code(sav.name), f"{up}derived/{sav.name}") if sav.is_file() else ""
        spss = f" · SPSS berlabel: {spss}" if spss else ""
        link = _link(md_code(p.name), f"{up}derived/{p.name}")
        out.append(f"- Data turunan: {link}{spss}")
    out.append("")
    tables = sorted((run_dir / "tables").glob("*.csv"))
    if tables:
        out.append("### Tabel (CSV)\n")
        out.append(
            (f"Semua tabel dihitung dari **{md(data_words)}**. " if data_words else "")
            + "Setiap CSV memuat semua baris tabelnya (termasuk baris jumlah, median dan "
            "modus), dengan titik desimal dan angka lengkap tanpa pembulatan; judul dan catatan "
            "tabel ada di berkas JSON bernama sama.\n"
        )
        out.append(
            "- Semua tabel dalam satu buku kerja Excel, satu lembar per tabel: "
            + _link(md_code("tabel.xlsx"), up + "downloads/tabel.xlsx")
        )
        out += [
            f"- {_link(cell(captions.get(p.stem, p.stem)), up + 'tables/' + p.name)}"
            for p in tables
        ]
        out.append("")
    figs = sorted({p.stem for p in (run_dir / "figures").glob("*") if p.suffix in (".png", ".svg")})
    if figs:
        out.append("### Gambar (PNG, SVG)\n")
        for stem in figs:
            links = [
                _link(Md(ext.upper()), f"{up}figures/{stem}.{ext}")
                for ext in ("png", "svg")
                if (run_dir / "figures" / f"{stem}.{ext}").exists()
            ]
            out.append(f"- {cell(captions.get(stem, stem))}: " + ", ".join(links))
    return "\n".join(out) + "\n"


def _link(text: Md, target: str) -> str:
    """A Markdown link to a file of the site: the target percent-encoded (a file name from a
    data folder cannot close the link or start a `javascript:` URL: it is a relative path)."""
    return f"[{text}]({quote(target, safe='/.-_~')})"  # escaped: Md text, quoted target


def notebook_captions(run_dir: Path) -> dict[str, str]:
    """label -> caption of every labelled cell in the run's notebooks (``#|`` options)."""
    caps: dict[str, str] = {}
    for nb in sorted((run_dir / "notebooks").glob("*.ipynb")):
        try:
            cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, json.JSONDecodeError):
            continue
        for c in cells:
            src = c.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            opts = dict(re.findall(r"^#\|\s*([\w-]+):\s*(.+)$", src, re.M))
            label = opts.get("label", "").strip()
            cap = opts.get("tbl-cap") or opts.get("fig-cap")
            if label and cap:
                caps[label] = cap.strip().strip("\"'")
    # A table captioned in code (a loop over the codebook's variables) has its caption in its
    # JSON sidecar only (p3md.reporting.floats).
    for sidecar in sorted((run_dir / "tables").glob("tbl-*.json")):
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(meta, dict) and meta.get("caption"):
            caps.setdefault(sidecar.stem, str(meta["caption"]))
    return caps


def district_links(index: dict[str, Any]) -> str:
    """The chapter of a multi-district run that lists every district and links its own site
    (``districts/<slug>/site/`` beside this site; the page lies in ``site/pages/``)."""
    rows, failed = [], []
    for d in index.get("districts", []):
        link = f"../../{DISTRICTS_DIR}/{d['run_dir']}/site/index.html"
        if d.get("status") == "ok":
            rows.append([cell(d["name"]), _link(Md("laporan kabupaten"), link), "berhasil"])
        else:
            failed.append(d)
            rows.append([cell(d["name"]), "", "gagal: " + cell(d.get("message") or "")])
    ok = len(rows) - len(failed)
    out = [
        "# Laporan per kabupaten {.unnumbered}",
        "",
        f"Studi yang sama dijalankan untuk {len(rows)} kabupaten; {ok} berhasil"
        + (f" dan {len(failed)} gagal (lihat pesan di tabel)." if failed else "."),
        "Setiap kabupaten memiliki laporan lengkapnya sendiri (sampel, penskoran, uji instrumen,",
        "deskripsi dan uji hipotesis). Data adalah rekonstruksi, bukan data asli penelitian.",
        "",
        md_table(["Kabupaten", "Laporan", "Status"], rows),
    ]
    return "\n".join(out) + "\n"
