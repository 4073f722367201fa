"""The parts of a thesis the book is built around, written from the run before rendering.

- the study's identity for the title page (:func:`title_block`, from the codebook's ``meta``);
- *Abstrak* and *Abstract* (:func:`abstract`), at most one page each, with the run's numbers;
- the lists of tables and of figures (:func:`lists`), cross-references in book order that both
  renderers number (Quarto natively, smalldocs through :mod:`p3md.site.postprocess`);
- the chapter *Kesimpulan dan Saran* (:func:`conclusions`): each hypothesis as the thesis words
  it (``data/published.yaml``), its decision from the run's tables with the statistic and p;
- the results of the English summary (:func:`summary_results`), the same decisions in English.

Every number comes from :mod:`p3md.reporting.conclusions` (the run's table CSVs); every word a
reader sees is in :data:`WORDS`, keyed by language.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from p3md.markup import Md, md
from p3md.reporting import text
from p3md.reporting.captions import validate_label
from p3md.reporting.conclusions import HypothesisResult, StudyNumbers, TestResult

WORDS: dict[str, dict[str, str]] = {
    # title page
    "identity": {"id": "Identitas penelitian", "en": "The study"},
    "title": {"id": "Judul", "en": "Title"},
    "author": {"id": "Penulis", "en": "Author"},
    "institution": {"id": "Institusi", "en": "Institution"},
    "year": {"id": "Tahun", "en": "Year"},
    "data": {"id": "Data", "en": "Data"},
    "data_reconstruction": {
        "id": "rekonstruksi berbenih (bukan data asli penelitian)",
        "en": "seeded reconstruction (not the study's original data)",
    },
    "codebook": {"id": "Versi kodebuku", "en": "Codebook version"},
    # the title page's notice about the data, by its kind (none for real data)
    "callout_title": {
        "id": "Data dalam kompendium ini adalah rekonstruksi",
        "en": "The data in this compendium are a reconstruction",
    },
    "callout_title_synthetic": {
        "id": "Data dalam kompendium ini adalah data sintetis",
        "en": "The data in this compendium are synthetic",
    },
    "callout_title_real": {"id": "", "en": ""},
    "callout_body": {
        "id": (
            "Data mentah asli penelitian tidak dipublikasikan. Semua angka di situs ini dihitung "
            "ulang dari **data rekonstruksi**: data sintetis yang dibangkitkan dengan benih acak "
            "tetap (*seed*) agar sesuai dengan rancangan, instrumen dan ringkasan yang dicetak "
            "dalam tesis. Angka hitung ulang karena itu **bukan** temuan baru tentang "
            "{district}. Bagian *Reproduksi dan Audit* membandingkan angka hitung ulang dengan "
            "angka terbitan dan memeriksa konsistensi angka terbitan itu sendiri."
        ),
        "en": (
            "The study's raw data are not public. Every number on this site is recomputed from "
            "**reconstructed data**: synthetic data drawn with a fixed seed to match the design, "
            "the instrument and the summaries printed in the thesis. The recomputed numbers are "
            "therefore **not** new findings about {district}. The *Reproduction and Audit* part "
            "compares them with the published numbers and checks those for consistency."
        ),
    },
    "callout_body_synthetic": {
        "id": (
            "Semua angka di situs ini dihitung dari **data sintetis** contoh: jawaban berbenih "
            "yang dibangkitkan dari kodebuku, bukan jawaban responden nyata. Angka-angkanya "
            "menunjukkan cara analisis bekerja, bukan temuan tentang {district}."
        ),
        "en": (
            "Every number on this site is computed from example **synthetic data**: seeded "
            "answers drawn from the codebook, not real respondents' answers. The numbers show "
            "how the analysis works, not findings about {district}."
        ),
    },
    # abstract
    "abstract_intro": {
        "id": (
            "Kompendium ini menjalankan ulang analisis tesis {author} ({year}), *{title}*, pada "
            "**data rekonstruksi**: data sintetis berbenih yang disusun mengikuti rancangan dan "
            "instrumen tesis dan dikalibrasi pada kesimpulan terbitannya, bukan data asli."
        ),
        "en": (
            "This compendium reruns the analysis of {author}'s thesis ({year}), *{title}*, on "
            "**reconstructed data**: seeded synthetic data built to the thesis's design and "
            "instrument and calibrated to its published conclusions, not the original data."
        ),
    },
    "abstract_intro_synthetic": {
        "id": (
            "Kompendium ini menjalankan analisis tesis {author} ({year}), *{title}*, pada **data "
            "sintetis** contoh: jawaban berbenih yang dibangkitkan dari kodebuku, bukan jawaban "
            "responden nyata."
        ),
        "en": (
            "This compendium runs the analysis of {author}'s thesis ({year}), *{title}*, on "
            "**synthetic example data**: seeded answers drawn from the codebook, not real "
            "respondents' answers."
        ),
    },
    "abstract_intro_real": {
        "id": (
            "Kompendium ini menjalankan analisis tesis {author} ({year}), *{title}*, pada data "
            "penelitian."
        ),
        "en": (
            "This compendium runs the analysis of {author}'s thesis ({year}), *{title}*, on the "
            "study's data."
        ),
    },
    "abstract_method": {
        "id": (
            "Tingkat kinerja {total} {who} ({groups}) dinilai pada {ratings} desa sampel; "
            "hubungan karakteristik {who} dengan tingkat kinerja diuji dengan korelasi "
            "Rank Spearman (α = {a_corr}) dan perbedaan tingkat kinerja dengan uji "
            "Kruskal-Wallis (α = {a_diff})."
        ),
        "en": (
            "The performance of {total} {who} ({groups}) was rated in {ratings} sampled "
            "villages; the relationship of their characteristics with performance "
            "was tested with Spearman's rank correlation (α = {a_corr}) and differences in "
            "performance with the Kruskal-Wallis test (α = {a_diff})."
        ),
    },
    "abstract_results": {
        "id": "Hasil hitung ulang: {items}.",
        "en": "Results of this run: {items}.",
    },
    "abstract_category": {
        "id": "tingkat kinerja {group} tergolong {category} (median {median})",
        "en": "the performance of {group} is {category} (median {median})",
    },
    "abstract_agreement": {
        "id": (
            "{same} dari {total} kesimpulan terbitan diperoleh kembali; kesesuaian ini sebagian "
            "terjadi karena rekonstruksi dikalibrasi pada kesimpulan itu, sehingga bukan bukti "
            "tentang penelitian asli (bab Reproduksi memisahkan pemeriksaan yang tidak "
            "bergantung padanya)."
        ),
        "en": (
            "{same} of {total} published conclusions are reproduced; this agreement is partly "
            "built in, because the reconstruction was calibrated to those conclusions, so it is "
            "no evidence about the original study (the Reproduction chapter names the checks "
            "that do not depend on it)."
        ),
    },
    "abstract_agreement_real": {
        "id": "{same} dari {total} kesimpulan terbitan diperoleh kembali dari data ini.",
        "en": "{same} of {total} published conclusions are reproduced on these data.",
    },
    "data_synthetic": {"id": "sintetis berbenih (contoh)", "en": "seeded synthetic (example)"},
    "data_real": {"id": "data penelitian", "en": "the study's data"},
    # decisions
    "rejected": {"id": "H0 ditolak", "en": "H0 rejected"},
    "kept": {"id": "H0 diterima", "en": "H0 not rejected"},
    "at": {"id": "pada α = {alpha}", "en": "at α = {alpha}"},
    "h1_summary_some": {
        "id": (
            "{hid}: H0 ditolak {at} untuk {tests}, yang berhubungan nyata dengan tingkat "
            "kinerja{rest}"
        ),
        "en": "{hid}: H0 rejected {at} for {tests}, which are related to performance{rest}",
    },
    "h1_rest": {
        "id": "; H0 diterima untuk {names}",
        "en": "; H0 not rejected for {names}",
    },
    "h1_summary_none": {
        "id": "{hid}: H0 diterima {at} untuk setiap karakteristik ({names})",
        "en": "{hid}: H0 not rejected {at} for any characteristic ({names})",
    },
    "diff_summary": {
        "id": "{hid}: {decision} {at} ({tests})",
        "en": "{hid}: {decision} {at} ({tests})",
    },
    "undecided": {
        "id": "{hid}: tidak dapat diputuskan, tabel ujinya tidak ada dalam proses ini",
        "en": "{hid}: not decided, this run has no table of its test",
    },
    # conclusions chapter
    "conclusions_intro": {
        "id": (
            "Setiap hipotesis di bawah ini dinyatakan seperti dalam tesis, lalu diputuskan dari "
            "tabel hasil proses ini dengan kaidah tesis: H0 ditolak bila p ≤ α. Statistik dan p "
            "dibaca dari tabel bab Uji hipotesis (kolom Asymp. Sig. seperti SPSS).{caveat}"
        ),
        "en": (
            "Each hypothesis below is stated as in the thesis and decided from this run's "
            "tables with the thesis's rule: H0 is rejected when p ≤ α. The statistics and p "
            "values are read from the tables of the Hypothesis chapter (SPSS's Asymp. "
            "Sig.).{caveat}"
        ),
    },
    "caveat": {
        "id": (
            " Karena data adalah rekonstruksi, keputusan ini menunjukkan hasil analisis pada "
            "data ini, bukan temuan tentang wilayah penelitian."
        ),
        "en": (
            " The data being a reconstruction, the decisions show what the analysis gives on "
            "these data, not findings about the study area."
        ),
    },
    "caveat_synthetic": {
        "id": " Data sintetis: keputusan ini menunjukkan cara analisis bekerja, bukan temuan.",
        "en": " Synthetic data: the decisions show how the analysis works, not findings.",
    },
    "caveat_real": {"id": "", "en": ""},
    "hypothesis": {"id": "Hipotesis", "en": "Hypothesis"},
    "null": {"id": "Hipotesis nol", "en": "Null hypothesis"},
    "source": {"id": "Sumber", "en": "Source"},
    "col_test": {"id": "Yang diuji", "en": "Tested"},
    "col_stat": {"id": "Statistik", "en": "Statistic"},
    "col_df": {"id": "df", "en": "df"},
    "col_p": {"id": "p (Asymp. Sig.)", "en": "p (Asymp. Sig.)"},
    "col_n": {"id": "n", "en": "n"},
    "col_decision": {"id": "Keputusan", "en": "Decision"},
    "table_caption": {
        "id": "Keputusan {hid} dari hasil proses",
        "en": "Decision on {hid} from this run",
    },
    "table_source": {
        "id": "Statistik dan p pada tabel ini dibaca dari {tables}.",
        "en": "The statistics and p values of this table are read from {tables}.",
    },
    "descriptive_head": {"id": "Tingkat kinerja", "en": "Level of performance"},
    "descriptive": {
        "id": "Menurut batas kategori buku kode, {items}.",
        "en": "By the codebook's category limits, {items}.",
    },
    "advice_head": {"id": "Saran", "en": "Suggestions"},
    "advice_data": {
        "id": (
            "- Keputusan di atas berasal dari data rekonstruksi. Kesimpulan tentang wilayah "
            "penelitian memerlukan data asli; jalankan `make report DATA=...` pada data asli "
            "dengan skema yang sama, dan bab ini akan ditulis ulang dari hasilnya.\n"
        ),
        "en": (
            "- The decisions above come from reconstructed data. Conclusions about the study area "
            "need the original data; run `make report DATA=...` on real data with the same "
            "schema and this chapter is rewritten from the results.\n"
        ),
    },
    "advice_data_real": {"id": "", "en": ""},
    "advice_data_synthetic": {
        "id": (
            "- Keputusan di atas berasal dari data sintetis contoh. Jalankan `make report "
            "DATA=...` pada data penelitian Anda dengan buku kode yang sama, dan bab ini akan "
            "ditulis ulang dari hasilnya.\n"
        ),
        "en": (
            "- The decisions above come from synthetic example data. Run `make report "
            "DATA=...` on your study's data with the same codebook and this chapter is "
            "rewritten from the results.\n"
        ),
    },
    "advice": {
        "id": (
            "- Hipotesis yang diuji dengan banyak uji sekaligus (satu uji per variabel) "
            "sebaiknya dibaca bersama nilai p terkoreksi Holm dan Benjamini-Hochberg pada bab "
            "Uji hipotesis.\n"
            "- Uji beda antarkelompok yang bertumpu pada kelompok kecil sebaiknya dibaca bersama "
            "uji lanjut Dunn (pasangan kelompok yang berbeda) dan ukuran efek (ε², r "
            "rank-biserial), yang lebih informatif daripada p saja.\n"
        ),
        "en": (
            "- A hypothesis decided by many tests (one test per variable) is best "
            "read with the Holm and Benjamini-Hochberg adjusted p values of the Hypothesis "
            "chapter.\n"
            "- Differences between groups that rest on small groups are best read with Dunn's "
            "post-hoc test (which pairs differ) and the effect sizes (ε², rank-biserial r), "
            "which say more than p alone.\n"
        ),
    },
    "summary_head": {"id": "Hasil proses ini", "en": "Results of this run"},
    # lists of tables and figures
    "list_tables": {"id": "Daftar Tabel", "en": "List of Tables"},
    "list_figures": {"id": "Daftar Gambar", "en": "List of Figures"},
}


def _w(key: str, lang: str, **values: Any) -> str:
    return WORDS[key][lang].format(**values)


#: The data's kind (``provenance.yaml``): the words written for the reconstruction are the
#: default; ``<key>_<kind>`` replaces them for synthetic or real data.
RECONSTRUCTION = "reconstruction"


def _wk(key: str, kind: str, lang: str, **values: Any) -> str:
    """:func:`_w` of the variant of ``key`` for the data's ``kind`` when there is one."""
    return _w(f"{key}_{kind}" if f"{key}_{kind}" in WORDS else key, lang, **values)


def _alpha(value: float | None, lang: str) -> str:
    return text.num(value, 2, lang) if value is not None else "–"


def _stat(t: TestResult, lang: str) -> str:
    """``rs = 0,663; p < 0,001`` or ``H = 15,068; df = 1; p < 0,001``."""
    parts = [f"{t.statistic} = {text.num(t.value, 3, lang)}"]
    if t.df is not None:
        parts.append(f"df = {text.num(t.df, 0, lang)}")
    parts.append(text.p_text(t.p, lang))
    return "; ".join(parts)


def _decision(t: TestResult, lang: str) -> str:
    return _w("rejected" if t.rejected else "kept", lang)


def hypothesis_sentence(h: HypothesisResult, lang: str = "id") -> str:
    """One clause per hypothesis for the abstract and the summary (no final full stop)."""
    if not h.decided:
        return _w("undecided", lang, hid=md(h.id))
    at = _w("at", lang, alpha=_alpha(h.alpha, lang))
    if h.tests[0].statistic == "rs":
        keys = text.join_list([t.key for t in h.kept], lang)
        if not h.rejected:
            return _w("h1_summary_none", lang, hid=md(h.id), at=at, names=keys)
        rest = _w("h1_rest", lang, names=keys) if h.kept else ""
        tests = text.join_list(
            [f"{t.key} (rs = {text.num(t.value, 2, lang)})" for t in h.rejected], lang
        )
        return _w("h1_summary_some", lang, hid=md(h.id), at=at, tests=tests, rest=rest)
    if len(h.tests) == 1:
        t = h.tests[0]
        return _w(
            "diff_summary",
            lang,
            hid=md(h.id),
            decision=_decision(t, lang),
            at=at,
            tests=_stat(t, lang),
        )
    decisions = {_decision(t, lang) for t in h.tests}
    decision = decisions.pop() if len(decisions) == 1 else ""
    tests = "; ".join(
        f"{t.key}: {_stat(t, lang)}" + ("" if decision else f", {_decision(t, lang)}")
        for t in h.tests
    )
    return _w("diff_summary", lang, hid=md(h.id), decision=decision, at=at, tests=tests).replace(
        ":  ", ": "
    )


def _categories(numbers: StudyNumbers, lang: str) -> list[str]:
    # Md: the values are escaped here, so text.join_list does not escape the clauses again
    return [
        Md(
            _w(
                "abstract_category",
                lang,
                group=md(g),
                category=md(numbers.category[g].lower()),
                median=text.num(numbers.median.get(g), 1, lang),
            )
        )
        for g in numbers.groups
        if g in numbers.category
    ]


# ------------------------------------------------------------------------- title page
def title_block(meta: Mapping[str, Any], lang: str = "id", kind: str = RECONSTRUCTION) -> str:
    """The study's identity, from the codebook's ``meta`` (title, author, institution, year)."""
    rows = [
        (_w("title", lang), meta.get(f"title_{lang}") or meta.get("title_id")),
        (_w("author", lang), meta.get("author")),
        (_w("institution", lang), meta.get("institution")),
        (_w("year", lang), meta.get("year")),
        (
            _w("data", lang),
            _wk("data", kind, lang) if kind != RECONSTRUCTION else _w("data_reconstruction", lang),
        ),
        (_w("codebook", lang), meta.get("codebook_version")),
    ]
    out = [f"## {_w('identity', lang)} {{.unnumbered}}", ""]
    out += [f"**{k}**: {_md(v)}  " for k, v in rows if v not in (None, "")]
    return "\n".join(out) + "\n"


def data_callout(district: str, lang: str = "id", kind: str = RECONSTRUCTION) -> str:
    """The title page's notice about the data, by the kind ``provenance.yaml`` declares: the
    reconstruction's or the synthetic example's; nothing for real data."""
    title = _wk("callout_title", kind, lang)
    if not title:
        return ""
    body = _wk("callout_body", kind, lang, district=_md(district))
    return f"::: {{.callout-important}}\n## {title}\n\n{body}\n:::\n"


def _md(value: Any) -> str:
    """Plain text for a Markdown line: the project's one Markdown escape (shortcodes, raw
    HTML, entities, citations, maths; :func:`p3md.markup.md`)."""
    return md(value)


# ------------------------------------------------------------------------- abstract
def abstract(
    meta: Mapping[str, Any],
    numbers: StudyNumbers,
    hypotheses: Sequence[HypothesisResult],
    alphas: Mapping[str, float],
    lang: str = "id",
    kind: str = RECONSTRUCTION,
) -> str:
    """The abstract (about 200 words): the study, the method, the run's results, and what the
    agreement with the published conclusions does and does not show."""
    paras = [
        _wk(
            "abstract_intro",
            kind,
            lang,
            author=_md(meta.get("author", "")),
            year=meta.get("year", ""),
            title=_md(meta.get(f"title_{lang}") or meta.get("title_id", "")),
        )
    ]
    if numbers.total is not None:
        groups = text.join_list([f"{n} {g}" for g, n in numbers.groups.items()], lang)
        paras.append(
            _w(
                "abstract_method",
                lang,
                total=numbers.total,
                who=_md((meta.get("respondents") or {}).get(lang, "")).lower(),
                groups=groups,
                ratings=numbers.ratings if numbers.ratings is not None else "–",
                a_corr=_alpha(alphas.get("correlation"), lang),
                a_diff=_alpha(alphas.get("difference"), lang),
            )
        )
    items = _categories(numbers, lang)
    items += [hypothesis_sentence(h, lang) for h in hypotheses]
    if items:
        numbered = [f"({i}) {item}" for i, item in enumerate(items, start=1)]
        paras.append(_w("abstract_results", lang, items="; ".join(numbered)))
    if numbers.agreement is not None:
        same, total = numbers.agreement
        paras.append(_wk("abstract_agreement", kind, lang, same=same, total=total))
    return "\n\n".join(paras) + "\n"


# ------------------------------------------------------------------------- conclusions
def _test_rows(h: HypothesisResult, lang: str) -> list[list[str]]:
    at = _w("at", lang, alpha=_alpha(h.alpha, lang))
    rows = []
    for t in h.tests:
        rows.append(
            [
                _md(t.name),
                f"{t.statistic} = {text.num(t.value, 3, lang)}",
                text.num(t.df, 0, lang) if t.df is not None else "",
                text.p_text(t.p, lang).removeprefix("p ").removeprefix("= "),
                str(t.n) if t.n is not None else "",
                f"{_decision(t, lang)} {at}",
            ]
        )
    return rows


#: Relative column widths of a decision table (pandoc reads a long pipe table's widths from
#: the dashes of its separator line): the name of what was tested gets the most room.
COLUMN_DASHES = (32, 13, 4, 10, 4, 27)


def _table(headers: list[str], rows: list[list[str]], caption: str, label: str) -> str:
    dashes = COLUMN_DASHES if len(headers) == len(COLUMN_DASHES) else (3,) * len(headers)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("-" * d for d in dashes) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + f"\n\n: {caption} {{#{label}}}\n"


def conclusions(
    numbers: StudyNumbers,
    hypotheses: Sequence[HypothesisResult],
    lang: str = "id",
    kind: str = RECONSTRUCTION,
) -> str:
    """The body of *Kesimpulan dan Saran*: the level of performance, then each hypothesis with
    its null hypothesis, its tests (statistic, df, p, n) and decisions, then suggestions."""
    out = ["## " + (_w("descriptive_head", lang)) + "\n"]
    items = _categories(numbers, lang)
    if items:
        out.append(_w("descriptive", lang, items=text.join_list(items, lang)) + "\n")
    out.append(_w("conclusions_intro", lang, caveat=_wk("caveat", kind, lang)) + "\n")
    headers = [
        _w(k, lang) for k in ("col_test", "col_stat", "col_df", "col_p", "col_n", "col_decision")
    ]
    for h in hypotheses:
        out.append(f"## {_w('hypothesis', lang)} {h.id}\n")
        out.append(f"**{h.id}.** {_md(h.text.get(lang) or h.text.get('id', ''))}\n")
        if h.null:
            out.append(f"**H0.** {_md(h.null.get(lang) or h.null.get('id', ''))}\n")
        if h.source:
            out.append(f"*{_w('source', lang)}: {_md(h.source)}.*\n")
        if h.decided:
            # The cross-references stand in a sentence, not in the caption: Quarto's Typst
            # output leaves a reference inside a pipe table's caption unresolved.
            # table labels are validated Quarto labels (tbl-...): a reference, not data text
            refs = dict.fromkeys(Md(f"@{validate_label(t.table, 'tbl')}") for t in h.tests)
            tables = text.join_list(refs, lang)
            out.append(
                _table(
                    headers,
                    _test_rows(h, lang),
                    _w("table_caption", lang, hid=md(h.id)),
                    f"tbl-kesimpulan-{h.id.lower()}" + ("" if lang == "id" else f"-{lang}"),
                )
            )
            out.append(_w("table_source", lang, tables=tables) + "\n")
        out.append(hypothesis_sentence(h, lang) + ".\n")
    out.append(f"## {_w('advice_head', lang)}\n")
    out.append(_wk("advice_data", kind, lang) + _w("advice", lang))
    return "\n".join(out)


def summary_results(
    numbers: StudyNumbers,
    hypotheses: Sequence[HypothesisResult],
    lang: str = "en",
    kind: str = RECONSTRUCTION,
) -> str:
    """The results paragraph of the English summary: categories and every decision."""
    items = _categories(numbers, lang) + [hypothesis_sentence(h, lang) for h in hypotheses]
    out = [f"## {_w('summary_head', lang)} {{.unnumbered}}\n"]
    out += [f"- {item[0].upper() + item[1:]}." for item in items]
    if numbers.agreement is not None:
        same, total = numbers.agreement
        out.append("\n" + _wk("abstract_agreement", kind, lang, same=same, total=total))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------- lists
_INCLUDE = re.compile(r"\{\{<\s*include\s+/?([^\s>]+)\s*>\}\}")
_MD_LABEL = re.compile(r"^:\s*(?P<cap>.+?)\s*\{#(?P<label>(?:tbl|fig)-[\w-]+)\}\s*$", re.M)
_FIG_LABEL = re.compile(r"!\[(?P<cap>[^\]]*)\]\([^)]*\)\{#(?P<label>fig-[\w-]+)[^}]*\}")
_CELL_OPT = re.compile(r"^#\|\s*([\w-]+):\s*(.+)$", re.M)


def _qmd_floats(path: Path, run_dir: Path) -> list[tuple[str, str]]:
    body = path.read_text(encoding="utf-8")
    body = _INCLUDE.sub(
        lambda m: (
            (run_dir / m.group(1)).read_text(encoding="utf-8")
            if (run_dir / m.group(1)).is_file()
            else ""
        ),
        body,
    )
    body = _drop_html_only(body)
    found = [(m.start(), m.group("label"), m.group("cap")) for m in _MD_LABEL.finditer(body)]
    found += [(m.start(), m.group("label"), m.group("cap")) for m in _FIG_LABEL.finditer(body)]
    # the captions are Markdown (pages.py escapes the run's values); the list escapes again
    return [(label, _plain(cap)) for _, label, cap in sorted(found)]


def _plain(caption: str) -> str:
    """A Markdown caption's text: backslash escapes and entities (of p3md.markup.md) undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", caption))


def _drop_html_only(body: str) -> str:
    """The text without ``content-visible when-format="html"`` blocks (not in the PDF, so a
    list that points into them would break the PDF's cross-references)."""
    out, depth, skip_at = [], 0, None
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith(":::"):
            if stripped.strip(":").strip():  # "::: {.class}" opens, ":::" closes
                depth += 1
                if skip_at is None and 'when-format="html"' in stripped:
                    skip_at = depth
                    continue
            else:
                if skip_at is not None and depth == skip_at:
                    depth -= 1
                    skip_at = None
                    continue
                depth -= 1
        if skip_at is None:
            out.append(line)
    return "\n".join(out)


#: A table shown as a div float in a Markdown output (:mod:`p3md.reporting.floats`).
_DIV_FLOAT = re.compile(
    r"^:::\s*\{#(?P<label>(?:tbl|fig)-[\w-]+)\}.*?^\[(?P<cap>.*?)\]\{\.p3md-float-caption\}",
    re.M | re.S,
)


def _output_floats(cell: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for o in cell.get("outputs", []) or []:
        md_text = (o.get("data") or {}).get("text/markdown")
        if md_text is None:
            continue
        md_text = "".join(md_text) if isinstance(md_text, list) else str(md_text)
        for m in _DIV_FLOAT.finditer(md_text):
            # the caption is Markdown-escaped in the float; the list escapes it again
            out.append((m.group("label"), _plain(m.group("cap"))))
    return out


def _notebook_floats(path: Path) -> list[tuple[str, str]]:
    """A notebook's floats in order: cells captioned by ``#|`` options, and tables shown as
    div floats with a computed caption in a cell's output."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, json.JSONDecodeError):
        return []
    out = []
    for c in cells:
        src = c.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        opts = dict(_CELL_OPT.findall(src))
        label = opts.get("label", "").strip()
        cap = opts.get("tbl-cap") or opts.get("fig-cap")
        if label.startswith(("tbl-", "fig-")) and cap:
            out.append((label, cap.strip().strip("\"'")))
        out += _output_floats(c)
    return out


def book_floats(chapters: Sequence[str], run_dir: Path) -> list[tuple[str, str]]:
    """(label, caption) of every numbered table and figure, in book order."""
    out: list[tuple[str, str]] = []
    for src in chapters:
        path = run_dir / src
        if not path.is_file():
            continue
        out += _notebook_floats(path) if path.suffix == ".ipynb" else _qmd_floats(path, run_dir)
    seen: set[str] = set()
    return [(lab, cap) for lab, cap in out if not (lab in seen or seen.add(lab))]


def lists(floats: Sequence[tuple[str, str]], lang: str = "id") -> str:
    """*Daftar Tabel* and *Daftar Gambar*: one cross-reference per float (each renderer prints
    its number and links it) followed by its caption."""
    out = []
    for prefix, key in (("tbl-", "list_tables"), ("fig-", "list_figures")):
        items = [(lab, cap) for lab, cap in floats if lab.startswith(prefix)]
        if not items:
            continue
        out.append(f"## {_w(key, lang)} {{.unnumbered}}\n")
        # "@label." at the start of a list item would be a pandoc example-list marker (Quarto
        # rendered the list as numbered examples): the reference is followed by a colon.
        out += [f"- @{lab}: {_md(cap)}" for lab, cap in items]
        out.append("")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------- glue
def generated_parts(
    run_dir: Path,
    meta: Mapping[str, Any],
    published: Mapping[str, Any],
    parameters: Mapping[str, Any],
    kind: str = RECONSTRUCTION,
    district: str = "",
) -> dict[str, str]:
    """The ``_generated/*.qmd`` files of the thesis parts, from the run folder's tables.

    ``parameters`` are the run's (manifest); ``district`` the study area's name (the
    codebook's design); ``kind`` the data's (``provenance.yaml``:
    reconstruction, synthetic or real), which decides what the agreement with the published
    conclusions may be said to show. The lists of tables and figures come after
    every part is written (:func:`write_lists`).
    """
    from p3md.reporting.conclusions import decide, study_numbers

    alphas = {
        key.removeprefix("alpha_"): float(value)
        for key, value in parameters.items()
        if key.startswith("alpha_") and value is not None
    }
    decided = decide(run_dir, published, alphas)
    numbers = study_numbers(run_dir)
    return {
        "pemberitahuan-data.qmd": data_callout(district, "id", kind),
        "halaman-judul.qmd": title_block(meta, "id", kind),
        "abstrak.qmd": abstract(meta, numbers, decided, alphas, "id", kind),
        "abstract-en.qmd": abstract(meta, numbers, decided, alphas, "en", kind),
        "kesimpulan.qmd": conclusions(numbers, decided, "id", kind),
        "ringkasan-hasil-en.qmd": summary_results(numbers, decided, "en", kind),
    }


#: The generated page of the lists; written last (:func:`write_lists`), once every other page
#: part it reads through the chapters' includes exists.
LISTS_PART = "daftar-tabel-gambar.qmd"


def write_lists(run_dir: Path, chapters: Sequence[str], generated: str = "_generated") -> None:
    """Write *Daftar Tabel dan Gambar* from the book's chapters as they now stand."""
    page = lists(book_floats(chapters, run_dir), "id")
    (run_dir / generated / LISTS_PART).write_text(page, encoding="utf-8")
