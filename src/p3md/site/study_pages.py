"""The book of a study of its own: its front pages and identity from its codebook.

The hand-written pages in ``pages/`` describe the thesis this compendium reproduces. A data
folder with its own ``codebook.yaml`` (``examples/penyuluh``, a student's questionnaire) is
another study: its book gets the title, author, institution, year and PDF name of its
codebook's ``meta``, and its introduction, method chapter, English summary, title page and
reproducibility appendix are written here from its codebook (variables, groups, scales,
design, declared hypotheses) and from the run. The guide and the benchmark appendix, which are
about the compendium itself, are left out of its book. Every word is data keyed by language
(:data:`WORDS`); every value from the codebook goes through :func:`p3md.markup.md`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from p3md.codebook import Codebook, load_codebook
from p3md.codebook.provenance import KIND_WORDS, NOTICES, data_kind
from p3md.markup import md
from p3md.reporting import study_text as st

#: Pages of the thesis's book that are about the compendium, not about a study.
LEFT_OUT = ("pages/menyesuaikan.qmd", "pages/kinerja-komputasi.qmd")

WORDS: dict[str, dict[str, str]] = {
    "subtitle": {
        "id": "Laporan penelitian yang dapat direproduksi ({data})",
        "en": "A reproducible research report ({data})",
    },
    "footer": {
        "id": "Dibuat dengan kompendium p3md dari buku kode dan data studi ini.",
        "en": "Made with the p3md compendium from this study's codebook and data.",
    },
}


#: The thesis's book (``_quarto.yml``) says on its title page and in every page's footer that
#: its data are the reconstruction. A run on another kind of data (the thesis's real data
#: dropped in, ``provenance.yaml`` saying so) gets these instead.
DATA_WORDS: dict[str, dict[str, str]] = {
    "subtitle": {
        "id": "Kompendium penelitian yang dapat direproduksi ({data})",
        "en": "A reproducible research compendium ({data})",
    },
    "footer_synthetic": {
        "id": "Kode: MIT. Teks: CC BY 4.0. Data adalah data sintetis, bukan data asli penelitian.",
        "en": "Code: MIT. Text: CC BY 4.0. The data are synthetic, not the study's own data.",
    },
    "footer_real": {
        "id": "Kode: MIT. Teks: CC BY 4.0. Data: data penelitian, dengan hak dan izin pemiliknya.",
        "en": "Code: MIT. Text: CC BY 4.0. Data: the study's data, under their owner's terms.",
    },
}


def data_identity(book: dict[str, Any], kind: str) -> dict[str, Any]:
    """The thesis book's subtitle and footer for the run's kind of data: as written in
    ``_quarto.yml`` for the reconstruction, else said of the data the run reads."""
    if kind == "reconstruction":
        return book
    book = dict(book)
    book["subtitle"] = DATA_WORDS["subtitle"]["id"].format(data=KIND_WORDS[kind]["id"])
    book["page-footer"] = {"center": DATA_WORDS[f"footer_{kind}"]["id"]}
    return book


def own_study(project_dir: Path, codebook_path: str | Path | None) -> bool:
    """Whether the run's codebook is not the project's (the thesis's) ``data/codebook.yaml``."""
    if not codebook_path:
        return False
    path = Path(codebook_path)
    path = path if path.is_absolute() else project_dir / path
    return path.resolve() != (project_dir / "data" / "codebook.yaml").resolve()


def book_identity(
    book: dict[str, Any], cb: Codebook, kind: str, markdown: bool = False
) -> dict[str, Any]:
    """The book's title, subtitle, author, PDF name and footer from the codebook and the data
    kind; the compendium's own appendices left out of the chapter lists. ``markdown``: the
    renderer reads the book's metadata as Markdown (Quarto), so the codebook's values are
    escaped as Markdown text; smalldocs and the PDF's title page read them as text."""
    meta = cb.meta

    def text(value: Any) -> str:  # a plain str: yaml.safe_dump does not write Md
        return str(md(value)) if markdown else str(value)

    book = dict(book)
    book["title"] = text(meta.title_id)
    book["subtitle"] = WORDS["subtitle"]["id"].format(data=KIND_WORDS[kind]["id"])
    book["author"] = [f"{text(meta.author)} ({text(meta.institution)}, {text(meta.year)})"]
    book["output-file"] = meta.pdf_name
    book["page-footer"] = {"center": WORDS["footer"]["id"]}
    for key in ("chapters", "appendices"):
        if isinstance(book.get(key), list):
            book[key] = [c for c in book[key] if not (isinstance(c, str) and c in LEFT_OUT)]
    return book


def _list(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) + "\n"


def _var_line(cb: Codebook, var: str, lang: str = "id") -> str:
    spec = cb.variables[var]
    name = spec.name_id if lang == "id" else spec.name_en
    n_items = len(cb.items_for(var))
    lo, hi = cb.theoretical_range(var)
    rater = cb.raters.get(spec.rater, spec.rater).split(" (")[0]
    if lang == "id":
        how = f"{n_items} butir, skor {lo}–{hi}, dinilai oleh {md(rater.lower())}"
    else:
        how = f"{n_items} items, scores {lo}–{hi}, rated by {md(rater.lower())}"
    return f"**{md(var)}** {md(name)} ({how})"


def _counts(cb: Codebook) -> dict[str, int]:
    return {g: sum(int(k.get(g, 0)) for k in cb.design["kecamatan"]) for g in cb.groups}


def index_page(cb: Codebook, kind: str) -> str:
    meta = cb.meta
    out = ["# Tentang laporan ini {.unnumbered}\n"]
    if kind in NOTICES:
        out.append(f"::: {{.callout-important}}\n{NOTICES[kind]['id']}\n:::\n")
    out.append(
        f"**Penelitian.** {md(meta.author)} ({meta.year}). *{md(meta.title_id)}*. "
        f"{md(meta.institution)}.\n"
    )
    out.append("{{< include /_generated/halaman-judul.qmd >}}\n")
    out.append("{{< include /_generated/run-info.qmd >}}\n")
    out.append("## Cara membaca {.unnumbered}\n")
    out.append(
        _list(
            [
                "**Pendahuluan** dan **Metode** dibangkitkan dari buku kode studi ini "
                "(`codebook.yaml`): variabel, kelompok, skala, rancangan dan hipotesis.",
                "**Hasil Penelitian** adalah buku catatan tahap penskoran, uji instrumen, "
                "deskripsi dan uji hipotesis yang dijalankan oleh *pipeline*; setiap tabel "
                "dapat diunduh sebagai CSV dan setiap gambar sebagai PNG dan SVG.",
                "**Lampiran** memuat kamus data, hasil validasi data, lingkungan komputasi "
                "dan ringkasan berbahasa Inggris.",
            ]
        )
    )
    return "\n".join(out)


def introduction(cb: Codebook) -> str:
    meta, words = cb.meta, st.study(cb, "id")
    counts = _counts(cb)
    xs, ys = cb.correlation_pairs
    out = ["# Pendahuluan\n"]
    out.append(
        f"Laporan ini menyajikan penelitian *{md(meta.title_id)}* ({md(meta.author)}, "
        f"{meta.year}) di {md(cb.district)}, {md(cb.design.get('province', ''))}. "
        f"Respondennya adalah {sum(counts.values())} {md(words['respondents'])} dalam "
        f"{len(counts)} kelompok menurut {md(words['group_word'])}: "
        + st.join([f"{md(g)} ({n})" for g, n in counts.items()])
        + ".\n"
    )
    out.append("## Variabel\n")
    out.append("Karakteristik (X):\n")
    out.append(_list([_var_line(cb, v) for v in cb.variables_of("X")]))
    out.append("Hasil (Y):\n")
    out.append(_list([_var_line(cb, v) for v in cb.variables_of("Y")]))
    out.append("## Hipotesis\n")
    hyp = [
        f"H1: {st.join([md(x) for x in xs])} berhubungan dengan "
        f"{md(st.outcomes_phrase(cb, ys))} (korelasi Rank Spearman).",
        f"H2: {md(st.outcomes_phrase(cb, cb.group_outcomes))} berbeda antar"
        f"{md(words['group_word'])} ({md(words['groups'])}; uji Kruskal-Wallis).",
    ]
    if cb.status_outcomes:
        hyp.append(
            f"H3: {md(st.outcomes_phrase(cb, cb.status_outcomes))} berbeda menurut status "
            f"desa ({st.join([md(s) for s in cb.status_order])}; uji Kruskal-Wallis per "
            "kelompok)."
        )
    out.append(_list(hyp))
    out.append(
        "Hipotesis ini dinyatakan sekali di buku kode (`analysis:`); bab *Uji hipotesis* "
        "mengujinya dan bab *Kesimpulan* memutuskannya dari tabel hasil proses ini.\n"
    )
    return "\n".join(out)


def method(cb: Codebook) -> str:
    d = cb.design
    out = ["# Metode\n", "## Rancangan dan lokasi\n"]
    raters = [cb.raters[r].split(" (")[0] for r in ("official", "expert") if r in cb.raters]
    out.append(
        f"Survei di {md(cb.district)}, {md(d.get('province', ''))}, pada "
        f"{md(d.get('survey_period', ''))}. {md(cb.meta.respondents['id']).capitalize()} "
        "mengisi kuesioner karakteristik; hasil kerja mereka dinilai oleh "
        + st.join([md(r.lower()) for r in raters])
        + ".\n"
    )
    out.append("## Penarikan sampel\n")
    out.append(
        "Jumlah desa sampel ditentukan dengan rumus Slovin, n = N / (1 + N e²), lalu "
        "dialokasikan secara proporsional menurut kecamatan.\n"
    )
    out.append("{{< include /_generated/metode-sampel.qmd >}}\n")
    out.append("## Instrumen\n")
    scales = [
        f"`{md(name)}`: {len(opts)} pilihan, kode {min(opts)}–{max(opts)} ("
        + ", ".join(f"{k} {md(v)}" for k, v in sorted(opts.items()))
        + ")"
        for name, opts in cb.scales.items()
    ]
    out.append("Skala jawaban:\n")
    out.append(_list(scales))
    reverse = [i.id for i in cb.items if i.reverse]
    if reverse:
        out.append(
            "Butir berskor terbalik (skor = (min + maks) − kode): "
            + ", ".join(f"`{md(i)}`" for i in reverse)
            + ".\n"
        )
    out.append(
        "Validitas butir diuji dengan korelasi butir-total pada responden uji coba dan "
        "reliabilitas dengan koefisien alfa Cronbach [@cronbach1951]. Tabel di bawah "
        "dibangkitkan dari buku kode studi ini.\n"
    )
    out.append("{{< include /_generated/metode-kodebuku.qmd >}}\n")
    out.append("## Analisis\n")
    out.append(
        _list(
            [
                "Deskriptif: sebaran kategori setiap variabel menurut kelompok.",
                "Hubungan X–Y: korelasi *Rank Spearman* [@spearman1904], dengan koreksi "
                "perbandingan berganda [@holm1979; @benjamini1995].",
                "Perbedaan antarkelompok dan menurut status desa: uji Kruskal-Wallis "
                "[@kruskal1952], dengan uji lanjut Dunn [@dunn1964].",
                f"Jawaban kosong: baris tidak lengkap dibuang per analisis (listwise, seperti "
                f"SPSS) selama bagiannya tidak melebihi "
                f"{cb.max_missing_share:.0%}".replace(".", ",")
                + "; catatan setiap tabel menyebut baris yang dibuang.",
            ]
        )
    )
    out.append("{{< include /_generated/metode-parameter.qmd >}}\n")
    out.append("Statistik dihitung dengan SciPy [@virtanen2020] dan pingouin [@vallat2018].\n")
    return "\n".join(out)


def summary_en(cb: Codebook, kind: str) -> str:
    meta = cb.meta
    counts = _counts(cb)
    xs = [f"{md(v)} {md(cb.variables[v].name_en.lower())}" for v in cb.variables_of("X")]
    ys = [f"{md(v)} {md(cb.variables[v].name_en.lower())}" for v in cb.variables_of("Y")]
    out = ["---\nlang: en\n---\n", "# Summary in English\n"]
    out.append(
        f"This report presents *{md(meta.title_en)}* by {md(meta.author)} "
        f"({md(meta.institution)}, {meta.year}), run on {KIND_WORDS[kind]['en']}.\n"
    )
    if kind in NOTICES:
        out.append(NOTICES[kind]["en"] + "\n")
    out.append(
        f"**The study.** {sum(counts.values())} {md(meta.respondents.get('en', ''))} in "
        f"{md(cb.district)} ("
        + ", ".join(f"{n} {md(g)}" for g, n in counts.items())
        + f") answered a questionnaire on their characteristics ({'; '.join(xs)}); their "
        f"outcomes ({'; '.join(ys)}) were rated in a Slovin sample of villages. "
        "Characteristics were related to the outcome with Spearman's rank correlation "
        "[@spearman1904] and groups were compared with the Kruskal-Wallis test "
        "[@kruskal1952] and Dunn's post-hoc test [@dunn1964].\n"
    )
    out.append("{{< include /_generated/ringkasan-hasil-en.qmd >}}\n")
    out.append(
        "**Rerun.** Every table and figure is rebuilt from the raw files and the codebook "
        "with one command, `make report DATA=<this study's folder>`.\n"
    )
    return "\n".join(out)


REPRODUCIBILITY = """# Lingkungan komputasi dan reproduksibilitas

Halaman ini dibangkitkan dari `manifest.json` proses terakhir: sidik SHA-256 setiap berkas
masukan, parameter, versi paket, *commit* kode, dan waktu setiap tahap.

{{< include /_generated/reproduksibilitas.qmd >}}

## Menjalankan ulang persis

```bash
make setup
make report DATA=<folder studi ini>
```
"""


def write_pages(project_dir: Path, run_dir: Path, codebook_path: Any, data_dir: Any) -> bool:
    """Write the study's own front pages over the staged copies of the thesis's; returns
    whether the run is a study of its own."""
    if not own_study(project_dir, codebook_path) or not data_dir:
        return False
    cb = load_codebook(codebook_path, data_dir=data_dir)
    kind = data_kind(data_dir)
    pages = run_dir / "pages"
    (run_dir / "index.qmd").write_text(index_page(cb, kind), encoding="utf-8")
    (pages / "pendahuluan.qmd").write_text(introduction(cb), encoding="utf-8")
    (pages / "metode.qmd").write_text(method(cb), encoding="utf-8")
    (pages / "summary-en.qmd").write_text(summary_en(cb, kind), encoding="utf-8")
    (pages / "reproduksibilitas.qmd").write_text(REPRODUCIBILITY, encoding="utf-8")
    for left_out in LEFT_OUT:  # not rendered at all (smalldocs renders every staged page)
        (run_dir / left_out).unlink(missing_ok=True)
    return True
