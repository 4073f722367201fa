"""Computed sentences for the narrative (Indonesian by default, English with ``lang="en"``).

Every number or decision that the notebooks state in prose comes from these functions, called
with computed results, so the text cannot drift from the tables. The notebooks display the
sentences with ``IPython.display.Markdown``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from p3md.paths import StageFolders
from p3md.reporting.formatting import format_number


def num(value: float | int | None, decimals: int = 2, lang: str = "id") -> str:
    """A number as prose: decimal comma in Indonesian, whole numbers without decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and value.is_integer() and decimals >= 0 and abs(value) >= 1:
        return format_number(int(value), lang=lang)
    return format_number(value, decimals, lang=lang)


def pct(value: float, decimals: int = 1, lang: str = "id") -> str:
    """A percentage (0-100 scale) such as ``65,0%``."""
    return f"{format_number(float(value), decimals, lang=lang)}%"


def p_text(p: float, lang: str = "id") -> str:
    """``p = 0,023`` or ``p < 0,001``."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p tidak tersedia" if lang == "id" else "p not available"
    if p < 0.001:
        return f"p < {format_number(0.001, 3, lang=lang)}"
    return f"p = {format_number(p, 3, lang=lang)}"


def join_list(items: Iterable[str], lang: str = "id") -> str:
    """``a``, ``a dan b``, ``a, b dan c`` (``and`` in English)."""
    items = [str(i) for i in items]
    conj = "dan" if lang == "id" else "and"
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def reconstruction_notice(lang: str = "id") -> str:
    """The plain statement every chapter repeats: the data are a reconstruction."""
    if lang == "en":
        return (
            "**Note.** The data in this chapter are a *reconstruction*: seeded synthetic data "
            "built to the thesis's instrument and design, not the original questionnaires. "
            "Agreement with the published numbers is therefore not evidence about the original "
            "study; the chapter shows how the analysis works and what it gives on these data."
        )
    return (
        "**Catatan.** Data pada bab ini adalah *data rekonstruksi*: data sintetis berbenih "
        "(seeded) yang disusun mengikuti instrumen dan rancangan tesis, bukan kuesioner asli. "
        "Kesesuaian dengan angka terbitan karena itu bukan bukti tentang penelitian asli; bab ini "
        "menunjukkan cara analisis bekerja dan hasilnya pada data ini."
    )


def hand_run_notice(folders: StageFolders, lang: str = "id") -> str:
    """What a notebook run by hand (not by the pipeline) reads and where it writes
    (see :mod:`p3md.paths`); the pipeline's runs show no such notice."""
    write = folders.shown(folders.write)
    read = folders.shown(folders.read)
    when = folders.read_run_finished or "?"
    if lang == "en":
        text = (
            f"**Run by hand.** This notebook was not run by the pipeline (`out_dir` is `None`), "
            f"so its tables and figures are written to `{write}`, not to `reports/`."
        )
        if folders.reads_upstream:
            text += (
                f" It reads the earlier chapters' results from the last good run in `{read}` "
                f"(finished {when})."
            )
        return text + " Only `make report` updates the report."
    text = (
        f"**Dijalankan manual.** Notebook ini tidak dijalankan oleh pipeline (`out_dir` bernilai "
        f"`None`), jadi tabel dan gambarnya ditulis ke `{write}`, bukan ke `reports/`."
    )
    if folders.reads_upstream:
        text += f" Hasil bab-bab sebelumnya dibaca dari run terakhir di `{read}` (selesai {when})."
    return text + " Laporan hanya diperbarui oleh `make report`."


def category_sentence(
    subject: str,
    category: str,
    *,
    median: float | None = None,
    mode: str | None = None,
    lang: str = "id",
) -> str:
    """``Kinerja PLD termasuk kategori Baik (median 75).``"""
    extra = []
    if median is not None:
        extra.append(f"median {num(median, 1, lang)}")
    if mode is not None:
        extra.append(f"{'modus' if lang == 'id' else 'mode'} {mode}")
    tail = f" ({'; '.join(extra)})" if extra else ""
    if lang == "en":
        return f"{subject} falls in the category {category}{tail}."
    return f"{subject} termasuk kategori {category}{tail}."


def slovin_sentence(population: int, error: float, n_exact: float, n: int, lang: str = "id") -> str:
    """The Slovin computation written out."""
    if lang == "en":
        return (
            f"With N = {population} villages and e = {num(error, 2, lang)}, Slovin's formula "
            f"gives n = {num(n_exact, 2, lang)}, rounded to **{n} villages**."
        )
    return (
        f"Dengan N = {population} desa dan e = {num(error, 2, lang)}, rumus Slovin menghasilkan "
        f"n = {num(n_exact, 2, lang)}, dibulatkan menjadi **{n} desa**."
    )


def mismatch_sentence(n_diff: int, n_total: int, what: str, lang: str = "id") -> str:
    """``3 dari 11 kecamatan berbeda dari Tabel 8.`` style summary."""
    if lang == "en":
        if n_diff == 0:
            return f"All {n_total} {what} agree with the published values."
        return f"{n_diff} of {n_total} {what} differ from the published values (highlighted)."
    if n_diff == 0:
        return f"Seluruh {n_total} {what} sama dengan nilai terbitan."
    return f"{n_diff} dari {n_total} {what} berbeda dari nilai terbitan (ditandai)."


def decision_sentence(
    relation: str,
    p: float,
    alpha: float,
    *,
    statistic: str | None = None,
    kind: str = "hubungan",
    method: str | None = None,
    lang: str = "id",
) -> str:
    """Decision of one test at ``alpha``, e.g. ``Terdapat hubungan yang nyata antara X2 dan Y
    (rs = 0,41; p = 0,006; α = 0,10).``; ``method`` (words, e.g. from
    :func:`p3md.stats.pvalues.method_label`) follows the p: ``p = 0,006, eksak``."""
    sig = p <= alpha
    stat = f"{statistic}; " if statistic else ""
    ptxt = p_text(p, lang) + (f", {method}" if method else "")
    a = format_number(alpha, 2, lang=lang)
    if lang == "en":
        word = {"hubungan": "relationship", "perbedaan": "difference"}.get(kind, kind)
        head = f"There is {'a' if sig else 'no'} significant {word} {relation}"
        return f"{head} ({stat}{ptxt}; α = {a})."
    head = "Terdapat" if sig else "Tidak terdapat"
    return f"{head} {kind} yang nyata {relation} ({stat}{ptxt}; α = {a})."


def count_significant_sentence(
    names: Sequence[str],
    alpha: float,
    *,
    kind: str = "berhubungan nyata dengan",
    target: str = "",
    lang: str = "id",
) -> str:
    """``X2, X4 dan X7 berhubungan nyata dengan Y pada α = 0,10.``"""
    a = format_number(alpha, 2, lang=lang)
    if not names:
        if lang == "en":
            return f"No variable is significant at α = {a}."
        return f"Tidak ada variabel yang {kind} {target} pada α = {a}.".replace("  ", " ")
    if lang == "en":
        return f"{join_list(names, lang)}: significant at α = {a}."
    return f"{join_list(names, lang)} {kind} {target} pada α = {a}.".replace("  ", " ")


def adjustment_sentence(
    changed: Sequence[str], methods: str = "Holm dan Benjamini-Hochberg", lang: str = "id"
) -> str:
    """Whether multiple-testing correction changes any decision."""
    if lang == "en":
        methods = methods.replace(" dan ", " and ")
        if not changed:
            return f"The {methods} corrections change no decision."
        return (
            f"The {methods} corrections change the decision of {len(changed)} test(s): "
            f"{join_list(changed, lang)}."
        )
    if not changed:
        return f"Koreksi {methods} tidak mengubah keputusan uji mana pun."
    return f"Koreksi {methods} mengubah keputusan {len(changed)} uji: {join_list(changed, lang)}."


def agreement_sentence(n_same: int, n_total: int, what: str = "nilai", lang: str = "id") -> str:
    """``12 dari 40 nilai terbitan tereproduksi (30,0%).``"""
    share = 100 * n_same / n_total if n_total else float("nan")
    if lang == "en":
        return f"{n_same} of {n_total} published {what} reproduced ({pct(share, 1, lang)})."
    return f"{n_same} dari {n_total} {what} terbitan tereproduksi ({pct(share, 1, lang)})."


def printed_sum_sentence(
    rows_villages: int, total_villages: float, rows_resp: int, total_resp: float, lang: str = "id"
) -> str:
    """Whether the printed rows of Table 8 add up to its printed total."""
    rv, tv, rr, tr = int(rows_villages), int(total_villages), int(rows_resp), int(total_resp)
    if lang == "en":
        if (rv, rr) == (tv, tr):
            return (
                "The printed rows of Table 8 add up to the printed totals "
                f"({tv} villages, {tr} respondents)."
            )
        return (
            f"The printed rows of Table 8 add up to {rv} villages and {rr} respondents, "
            f"while its total row prints {tv} and {tr}."
        )
    if (rv, rr) == (tv, tr):
        return (
            f"Baris-baris Tabel 8 berjumlah sama dengan baris Jumlah ({tv} desa, {tr} responden)."
        )
    return (
        f"Baris-baris Tabel 8 berjumlah {rv} desa dan {rr} responden, sedangkan baris Jumlah "
        f"mencetak {tv} desa dan {tr} responden."
    )


def files_written_sentence(names: Sequence[str], folder: str, lang: str = "id") -> str:
    """``Ditulis ke derived/: a.csv, b.csv dan c.csv.``"""
    files = join_list([f"`{n}`" for n in names], lang)
    if lang == "en":
        return f"Written to `{folder}`: {files}."
    return f"Ditulis ke `{folder}`: {files}."


def validity_sentence(validity, lang: str = "id") -> str:
    """Range of r hitung, r tabel and how many items pass (from stacked item_validity)."""
    n_items = len(validity)
    n_valid = int((validity["decision"] == "Valid").sum())
    lo, hi = float(validity["r"].min()), float(validity["r"].max())
    crit = sorted(set(round(float(c), 3) for c in validity["r_crit"]))
    crit_s = join_list([num(c, 3, lang) for c in crit], lang)
    if lang == "en":
        return (
            f"Item-total r ranges from {num(lo, 3, lang)} to {num(hi, 3, lang)} against a "
            f"critical r of {crit_s}; {n_valid} of {n_items} items are valid."
        )
    return (
        f"Nilai r hitung berkisar {num(lo, 3, lang)} hingga {num(hi, 3, lang)} dengan r tabel "
        f"{crit_s}; {n_valid} dari {n_items} butir valid."
    )


def reliability_sentence(rel, lang: str = "id") -> str:
    """How many variables reach the threshold, naming those that do not."""
    ok = rel["decision"] == "Reliabel"
    thr = num(float(rel["threshold"].iloc[0]), 2, lang)
    bad = rel.loc[~ok, "variable"].tolist()
    if lang == "en":
        tail = "" if not bad else f" Below the threshold: {join_list(bad, lang)}."
        return f"{int(ok.sum())} of {len(rel)} variables reach Cronbach's alpha ≥ {thr}.{tail}"
    tail = "" if not bad else f" Di bawah ambang: {join_list(bad, lang)}."
    return f"{int(ok.sum())} dari {len(rel)} variabel mencapai Alpha Cronbach ≥ {thr}.{tail}"


def status_sentence(status, what: str = "nilai", lang: str = "id") -> str:
    """Counts of "sesuai" / "tidak sesuai" / "tidak dapat dihitung" in one sentence."""
    counts = {
        k: int((status == k).sum()) for k in ("sesuai", "tidak sesuai", "tidak dapat dihitung")
    }
    n = int(len(status))
    if lang == "en":
        what_en = {"nilai": "values", "kesimpulan": "conclusions"}.get(what, what)
        return (
            f"Of {n} published {what_en}, {counts['sesuai']} agree, {counts['tidak sesuai']} "
            f"disagree and {counts['tidak dapat dihitung']} cannot be computed from the "
            "reconstructed data."
        )
    return (
        f"Dari {n} {what} terbitan, {counts['sesuai']} sesuai, {counts['tidak sesuai']} tidak "
        f"sesuai dan {counts['tidak dapat dihitung']} tidak dapat dihitung dari data rekonstruksi."
    )


def audit_sentence(n_bad: int, n_total: int, lang: str = "id") -> str:
    if lang == "en":
        return f"{n_bad} of {n_total} consistency checks of the published numbers fail."
    return f"{n_bad} dari {n_total} pemeriksaan konsistensi angka terbitan tidak terpenuhi."


# -- synthesis (notebook 09) --------------------------------------------------------------
#: I^2 bands of Higgins, Thompson, Deeks & Altman (2003, BMJ 327:557-560): 25/50/75%.
_I2_WORDS = {
    "id": ("sangat rendah", "rendah", "sedang", "tinggi"),
    "en": ("very low", "low", "moderate", "high"),
}


def i2_word(i2: float, lang: str = "id") -> str:
    """Verbal band of I^2 (share 0-1): < 25% very low, < 50% low, < 75% moderate, else high."""
    words = _I2_WORDS[lang]
    return words[0] if i2 < 0.25 else words[1] if i2 < 0.5 else words[2] if i2 < 0.75 else words[3]


def meta_sentence(what: str, row, alpha: float = 0.05, lang: str = "id") -> str:
    """The pooled result of one effect in prose, from a row of ``stats.meta.meta_summary``:
    pooled r with CI and p, heterogeneity (tau^2, I^2, Q) and the prediction interval."""
    k = int(row["k"])
    level = num(100 * (1 - alpha), 0, lang)
    ci = f"{num(row['r_ci_low'], 2, lang)}; {num(row['r_ci_high'], 2, lang)}"
    het = (
        f"τ² = {num(row['tau2'], 3, lang)}, I² = {pct(100 * row['i2'], 1, lang)}, "
        f"Q = {num(row['q'], 2, lang)}, df = {int(row['df'])}, {p_text(row['p_q'], lang)}"
    )
    pi_ok = not math.isnan(float(row["r_pi_low"]))
    pi = f"{num(row['r_pi_low'], 2, lang)}; {num(row['r_pi_high'], 2, lang)}"
    sig = float(row["p"]) <= alpha
    if lang == "en":
        head = (
            f"Pooled over {k} districts, {what}: r = {num(row['r'], 2, lang)} "
            f"({level}% CI {ci}; {p_text(row['p'], lang)}), "
            f"{'significantly' if sig else 'not significantly'} different from 0."
        )
        tail = (
            f" The {level}% prediction interval for a new district is {pi}."
            if pi_ok
            else " With k = 2 the prediction interval is undefined (t with 0 degrees of freedom)."
        )
        return f"{head} Heterogeneity is {i2_word(row['i2'], lang)} ({het}).{tail}"
    head = (
        f"Gabungan {k} kabupaten, {what}: r = {num(row['r'], 2, lang)} "
        f"(IK {level}% {ci}; {p_text(row['p'], lang)}), "
        f"{'berbeda nyata' if sig else 'tidak berbeda nyata'} dari 0."
    )
    tail = (
        f" Interval prediksi {level}% untuk kabupaten baru: {pi}."
        if pi_ok
        else " Dengan k = 2 interval prediksi tidak terdefinisi (t dengan 0 derajat bebas)."
    )
    return f"{head} Heterogenitas antarkabupaten {i2_word(row['i2'], lang)} ({het}).{tail}"


def league_sentence(
    league, p0: float, top: str = "Baik", level_key: str = "95", lang: str = "id"
) -> str:
    """Overall share in the top category and the districts outside the funnel's limits."""
    pos = league[f"position_{level_key}"]
    above = league.loc[pos == "above", "district"].tolist()
    below = league.loc[pos == "below", "district"].tolist()
    n = len(league)
    level = level_key.replace("_", ",") if lang == "id" else level_key.replace("_", ".")
    if lang == "en":
        share = pct(100 * p0, 1, lang)
        parts = [f"Overall, {share} of the facilitators of {n} districts are rated {top}."]
        if not above and not below:
            parts.append(f"No district lies outside the {level}% binomial control limits.")
        if above:
            parts.append(f"Above the {level}% limits: {join_list(above, lang)}.")
        if below:
            parts.append(f"Below the {level}% limits: {join_list(below, lang)}.")
        return " ".join(parts)
    share = pct(100 * p0, 1, lang)
    parts = [f"Secara keseluruhan {share} pendamping dari {n} kabupaten berkinerja {top}."]
    if not above and not below:
        parts.append(f"Tidak ada kabupaten di luar batas kendali binomial {level}%.")
    if above:
        parts.append(f"Di atas batas {level}%: {join_list(above, lang)}.")
    if below:
        parts.append(f"Di bawah batas {level}%: {join_list(below, lang)}.")
    return " ".join(parts)


_EXCLUDED = {
    "id": (
        "{n} kabupaten digabung",
        "; {n} kabupaten gagal dan tidak dibaca",
        "; {n} pasangan kabupaten/efek tidak ikut digabung (alasannya dicantumkan)",
        "; semua efek kabupaten tersebut terdefinisi",
    ),
    "en": (
        "{n} districts are pooled",
        "; {n} failed district(s) are not read",
        "; {n} district/effect pair(s) are left out (reasons listed)",
        "; every effect of these districts is defined",
    ),
}


def excluded_sentence(n_pairs: int, n_failed: int, n_districts: int, lang: str = "id") -> str:
    """Districts read, districts that failed their run, and district/effect pairs left out of
    the pooling (the reasons are in the table)."""
    head, failed, pairs, complete = _EXCLUDED[lang]
    text = head.format(n=n_districts) + (failed.format(n=n_failed) if n_failed else "")
    return text + (pairs.format(n=n_pairs) if n_pairs else complete) + "."


#: How the report names the run's parameters, by language (the sentence templates of
#: :func:`parameters_sentence` too): text the code needs in two languages is data.
PARAMETER_WORDS: dict[str, dict[str, str]] = {
    "alpha_validity": {
        "id": "taraf nyata uji validitas butir α = {value}",
        "en": "significance level of the item validity test α = {value}",
    },
    "alpha_correlation": {
        "id": "taraf nyata korelasi Rank Spearman α = {value}",
        "en": "significance level of the Spearman rank correlations α = {value}",
    },
    "alpha_difference": {
        "id": "taraf nyata uji beda α = {value}",
        "en": "significance level of the difference tests α = {value}",
    },
    "reliability_threshold": {
        "id": "ambang reliabel Alpha Cronbach ≥ {value}",
        "en": "reliability threshold Cronbach's alpha ≥ {value}",
    },
    "class_range": {
        "id": "kelas interval pada rentang {value}",
        "en": "interval classes over the {value} range",
    },
    "interval_classes": {"id": "{value} kelas interval", "en": "{value} interval classes"},
    "seed": {"id": "benih acak {value}", "en": "random seed {value}"},
}
CLASS_RANGE_WORDS = {
    "theoretical": {"id": "teoretis (buku kode)", "en": "theoretical (codebook)"},
    "observed": {"id": "teramati (data)", "en": "observed (data)"},
}
PARAMETERS_LEAD = {"id": "Proses ini memakai {items}.", "en": "This run uses {items}."}


def parameters_sentence(values: dict[str, object], lang: str = "id") -> str:
    """The run's parameters in one sentence, e.g. ``Proses ini memakai taraf nyata korelasi
    Rank Spearman α = 0,10 dan taraf nyata uji beda α = 0,05.`` (values as passed, decimal
    comma in Indonesian; ``class_range`` by its meaning)."""
    items = []
    for name, value in values.items():
        if name == "class_range":
            shown = CLASS_RANGE_WORDS[str(value)][lang]
        elif isinstance(value, float):
            shown = num(value, 2, lang)
        else:
            shown = str(value)
        items.append(PARAMETER_WORDS[name][lang].format(value=shown))
    return PARAMETERS_LEAD[lang].format(items=join_list(items, lang))
