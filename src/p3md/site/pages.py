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
from pathlib import Path
from typing import Any

from p3md.codebook import Codebook
from p3md.site import readers

GENERATED = "_generated"


# ------------------------------------------------------------------------- markdown helpers
def cell(value: Any, code: bool = False) -> str:
    """One pipe-table cell: no newlines, ``|`` escaped; ``code`` wraps it in a code span."""
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", " ", text).strip()
    if code and text:
        fence = "``" if "`" in text else "`"
        return f"{fence}{text.replace('|', '&#124;')}{fence}"
    # `@` would start a citation, `$` maths, `<` raw HTML
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("@", "\\@")
    return text.replace("$", "\\$").replace("<", "&lt;")


def md_table(headers: list[str], rows: list[list[str]], caption: str = "", label: str = "") -> str:
    """A pipe table; with ``caption`` and ``label`` a cross-referenceable Quarto table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    if caption:
        lines += ["", f": {caption}" + (f" {{#{label}}}" if label else "")]
    return "\n".join(lines) + "\n"


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
        ["Folder data masukan", cell(data_dir, code=True)],
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
def validation(suites: list[readers.Suite], warnings: list[str]) -> str:
    if not suites:
        return (
            "::: {.callout-warning}\nProses ini tidak menyimpan hasil gerbang validasi "
            "(`gates/*.json` tidak ada).\n:::\n"
        )
    n_fail = sum(s.success is False for s in suites)
    verdict = (
        f"Semua {len(suites)} gerbang lulus."
        if n_fail == 0
        else f"**{n_fail} dari {len(suites)} gerbang gagal.**"
    )
    out = [f"{verdict}\n"]
    rows = [
        [
            cell(s.file, code=True),
            cell(s.name),
            str(len(s.expectations)),
            str(s.n_passed),
            str(s.n_failed),
            "lulus" if s.success else ("**gagal**" if s.success is False else "tidak diketahui"),
        ]
        for s in suites
    ]
    out.append(
        md_table(
            ["berkas", "suite", "ekspektasi", "lulus", "gagal", "status"],
            rows,
            "Ringkasan gerbang validasi proses terakhir",
            "tbl-validasi-ringkasan",
        )
    )
    for s in suites:
        status = "lulus" if s.success else ("gagal" if s.success is False else "?")
        out.append(f"\n## {cell(s.name)} ({status}) {{.unnumbered}}\n")
        if s.extra:
            out.append(", ".join(f"{k}: {cell(v)}" for k, v in s.extra.items()) + "\n")
        if s.expectations:
            out.append(
                md_table(
                    ["ekspektasi", "kolom", "argumen", "hasil", "nilai teramati"],
                    [
                        [
                            cell(e.type, code=True),
                            cell(e.column, code=True),
                            cell(e.arguments),
                            e.verdict,
                            cell(e.observed),
                        ]
                        for e in s.expectations
                    ],
                )
            )
    if warnings:
        out.append("\n::: {.callout-note}\n## Catatan pembaca hasil\n\n")
        out += [f"- {cell(w)}\n" for w in warnings]
        out.append(":::\n")
    return "\n".join(out)


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
        out.append(
            md_table(
                ["berkas", "SHA-256", "bita"],
                [[cell(p, code=True), cell(s, code=True), cell(z)] for p, s, z in inputs],
                "Sidik SHA-256 berkas masukan",
                "tbl-repro-masukan",
            )
        )
    params = readers.manifest_mapping(manifest, "parameters", "params")
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
    stages = readers.manifest_stages(manifest)
    if stages:
        out.append("## Waktu per tahap {.unnumbered}\n")
        out.append(
            md_table(
                ["tahap", "detik", "status"],
                [[cell(n), cell(s), cell(t)] for n, s, t in stages],
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
    rest = {k: v for k, v in manifest.items() if k not in shown}
    if rest:
        out.append("## Isi lain manifest {.unnumbered}\n")
        out.append(
            "```json\n" + json.dumps(rest, indent=2, ensure_ascii=False, default=str) + "\n```\n"
        )
    return "\n".join(out)


def _plain(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)


# ------------------------------------------------------------------------- codebook (metode)
def _bands_text(bands: list[Any]) -> str:
    parts, lo = [], None
    for b in bands:
        upto = b.upto if hasattr(b, "upto") else b["upto"]
        score = b.score if hasattr(b, "score") else b["score"]
        if upto is None:
            parts.append(f"> {lo:g} → {score}" if lo is not None else f"semua → {score}")
        else:
            parts.append(f"≤ {upto:g} → {score}")
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
                cell(vid, code=True),
                cell(v.name_id),
                cell(v.source),
                cell(cb.raters.get(v.rater, v.rater)),
                cell(n_text),
                f"{lo}–{hi}",
                cell(cats),
            ]
        )
    out.append(
        md_table(
            [
                "kode",
                "variabel",
                "sumber",
                "penilai",
                f"butir ({'/'.join(cb.roles)})",
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
                f"Butir {vid} {v.name_id}",
                _label("kodebuku", "butir", vid),
            )
        )
        out.append("")
    design = cb.design
    out.append("\n## Kerangka sampel\n")
    rows = [
        [cell(k["name"]), str(k["villages"]), str(k.get("PDP", "")), str(k.get("PLD", ""))]
        for k in design["kecamatan"]
    ]
    rows.append(
        [
            "**Jumlah**",
            str(sum(k["villages"] for k in design["kecamatan"])),
            str(sum(k.get("PDP", 0) for k in design["kecamatan"])),
            str(sum(k.get("PLD", 0) for k in design["kecamatan"])),
        ]
    )
    out.append(
        md_table(
            ["kecamatan", "desa", "PDP", "PLD"],
            rows,
            f"Desa dan pendamping per kecamatan, {design['district']}",
            "tbl-kodebuku-kecamatan",
        )
    )
    s = design["sampling"]
    out.append(
        f"\nPopulasi {s['population_villages']} desa, margin galat {s['error_margin']:g}, "
        f"rumus {cell(s['formula'])}, alokasi {s['allocation']} dengan pembulatan "
        f"{cell(s['allocation_rounding'], code=True)}.\n"
    )
    out.append("\n## Penyimpangan dari teks tesis\n")
    out.append(
        md_table(
            ["di kodebuku", "penyimpangan"],
            [[cell(d["where"], code=True), cell(d["what"])] for d in cb.deviations],
            "Penyimpangan dan pilihan rekonstruksi yang tercatat di kodebuku",
            "tbl-kodebuku-penyimpangan",
        )
    )
    return "\n".join(out)


# ------------------------------------------------------------------------- data dictionary
def _rule(cb: Codebook, spec: Any) -> str:
    rules = []
    if spec.pattern:
        rules.append(f"pola `{spec.pattern}`")
    if spec.allowed is not None:
        rules.append("salah satu dari " + ", ".join(map(str, spec.allowed)))
    if spec.allowed_from:
        rules.append("salah satu dari " + ", ".join(cb.allowed_values(spec.allowed_from)))
    if spec.min is not None:
        rules.append(f"≥ {spec.min:g}")
    hi = (
        spec.max if spec.max is not None else (cb.resolve(spec.max_from) if spec.max_from else None)
    )
    if hi is not None:
        rules.append(f"≤ {hi:g}")
    return "; ".join(rules)


def data_dictionary(cb: Codebook) -> str:
    out = []
    for key, f in cb.files.items():
        out.append(f"\n## `{f.path}`\n\n{cell(f.description_id)}\n")
        facts = [f"kunci unik: {', '.join(f.key)}"]
        if f.references:
            facts.append("rujukan: " + ", ".join(f"{a} → {b}" for a, b in f.references.items()))
        if f.expected_rows:
            facts.append(f"jumlah baris yang diharapkan: {f.expected_rows}")
        out.append("; ".join(facts) + ".\n")
        rows = [
            [cell(c, code=True), spec.type, cell(_rule(cb, spec))] for c, spec in f.columns.items()
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
                ["kolom", "tipe", "aturan"], rows, f"Kolom berkas {f.path}", _label("kamus", key)
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
) -> str:
    """The list of downloadable files; links are relative to ``<render>/pages/``."""
    up = "../" if page_dir else ""
    out = ["\n## Berkas untuk diunduh\n"]
    out.append(f"- Kodebuku: [`codebook.yaml`]({up}downloads/codebook.yaml)")
    for name in raw_files:
        out.append(f"- Data mentah: [`{name}`]({up}downloads/raw/{name})")
    for name in held_back:
        out.append(f"- Data mentah `{name}` tidak disalin ke situs: memuat kolom data pribadi.")
    for p in sorted((run_dir / "derived").glob("*.csv")):
        sav = p.with_suffix(".sav")
        spss = f" · SPSS berlabel: [`{sav.name}`]({up}derived/{sav.name})" if sav.is_file() else ""
        out.append(f"- Data turunan: [`{p.name}`]({up}derived/{p.name}){spss}")
    out.append("")
    tables = sorted((run_dir / "tables").glob("*.csv"))
    if tables:
        out.append("### Tabel (CSV)\n")
        out += [f"- [{cell(captions.get(p.stem, p.stem))}]({up}tables/{p.name})" for p in tables]
        out.append("")
    figs = sorted({p.stem for p in (run_dir / "figures").glob("*") if p.suffix in (".png", ".svg")})
    if figs:
        out.append("### Gambar (PNG, SVG)\n")
        for stem in figs:
            links = [
                f"[{ext.upper()}]({up}figures/{stem}.{ext})"
                for ext in ("png", "svg")
                if (run_dir / "figures" / f"{stem}.{ext}").exists()
            ]
            out.append(f"- {cell(captions.get(stem, stem))}: " + ", ".join(links))
    return "\n".join(out) + "\n"


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
    return caps
