"""Computed sentences for the narrative (Indonesian by default, English with ``lang="en"``).

Every number or decision that the notebooks state in prose comes from these functions, called
with computed results, so the text cannot drift from the tables. The notebooks display the
sentences with ``IPython.display.Markdown``: every value filled into a sentence (names and
labels from the codebook, the design or the data) is escaped by :func:`p3md.markup.md` unless
it is :class:`~p3md.markup.Md` already (this module's numbers and sentences), so a label such
as ``<img src=x onerror=...>`` prints as text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from p3md.codebook.provenance import NOTICES, data_kind
from p3md.markup import Md, md, md_code
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


#: Every sentence of this module's functions, by language (text the code needs in two
#: languages is data). ``{name}`` fields are filled by the functions below.
SENTENCES: dict[str, dict[str, str]] = {
    "p_missing": {"id": "p tidak tersedia", "en": "p not available"},
    "and": {"id": "dan", "en": "and"},
    "reconstruction": {
        "id": (
            "**Catatan.** Data pada bab ini adalah *data rekonstruksi*: data sintetis berbenih "
            "(seeded) yang disusun mengikuti instrumen dan rancangan tesis, bukan kuesioner asli. "
            "Kesesuaian dengan angka terbitan karena itu bukan bukti tentang penelitian asli; "
            "bab ini menunjukkan cara analisis bekerja dan hasilnya pada data ini."
        ),
        "en": (
            "**Note.** The data in this chapter are a *reconstruction*: seeded synthetic data "
            "built to the thesis's instrument and design, not the original questionnaires. "
            "Agreement with the published numbers is therefore not evidence about the original "
            "study; the chapter shows how the analysis works and what it gives on these data."
        ),
    },
    "hand_run": {
        "id": (
            "**Dijalankan manual.** Notebook ini tidak dijalankan oleh pipeline (`out_dir` "
            "bernilai `None`), jadi tabel dan gambarnya ditulis ke {write}, bukan ke "
            "`reports/`."
        ),
        "en": (
            "**Run by hand.** This notebook was not run by the pipeline (`out_dir` is `None`), "
            "so its tables and figures are written to {write}, not to `reports/`."
        ),
    },
    "hand_run_reads": {
        "id": " Hasil bab-bab sebelumnya dibaca dari run terakhir di {read} (selesai {when}).",
        "en": (
            " It reads the earlier chapters' results from the last good run in {read} "
            "(finished {when})."
        ),
    },
    "hand_run_end": {
        "id": " Laporan hanya diperbarui oleh `make report`.",
        "en": " Only `make report` updates the report.",
    },
    "mode": {"id": "modus", "en": "mode"},
    "category": {
        "id": "{subject} termasuk kategori {category}{tail}.",
        "en": "{subject} falls in the category {category}{tail}.",
    },
    "slovin": {
        "id": (
            "Dengan N = {population} desa dan e = {error}, rumus Slovin menghasilkan "
            "n = {n_exact}, dibulatkan menjadi **{n} desa**."
        ),
        "en": (
            "With N = {population} villages and e = {error}, Slovin's formula "
            "gives n = {n_exact}, rounded to **{n} villages**."
        ),
    },
    "mismatch_none": {
        "id": "Seluruh {n_total} {what} sama dengan nilai terbitan.",
        "en": "All {n_total} {what} agree with the published values.",
    },
    "mismatch": {
        "id": "{n_diff} dari {n_total} {what} berbeda dari nilai terbitan (ditandai).",
        "en": "{n_diff} of {n_total} {what} differ from the published values (highlighted).",
    },
    "decision_yes": {
        "id": "Terdapat {kind} yang nyata {relation} ({stat}{p}; α = {alpha}).",
        "en": "There is a significant {kind} {relation} ({stat}{p}; α = {alpha}).",
    },
    "decision_no": {
        "id": "Tidak terdapat {kind} yang nyata {relation} ({stat}{p}; α = {alpha}).",
        "en": "There is no significant {kind} {relation} ({stat}{p}; α = {alpha}).",
    },
    "kind_hubungan": {"id": "hubungan", "en": "relationship"},
    "kind_perbedaan": {"id": "perbedaan", "en": "difference"},
    "none_significant": {
        "id": "Tidak ada variabel yang {kind} {target} pada α = {alpha}.",
        "en": "No variable is significant at α = {alpha}.",
    },
    "significant": {
        "id": "{names} {kind} {target} pada α = {alpha}.",
        "en": "{names}: significant at α = {alpha}.",
    },
    "adjustment_none": {
        "id": "Koreksi {methods} tidak mengubah keputusan uji mana pun.",
        "en": "The {methods} corrections change no decision.",
    },
    "adjustment": {
        "id": "Koreksi {methods} mengubah keputusan {k} uji: {tests}.",
        "en": "The {methods} corrections change the decision of {k} test(s): {tests}.",
    },
    "printed_sum_same": {
        "id": "Baris-baris Tabel 8 berjumlah sama dengan baris Jumlah ({tv} desa, {tr} responden).",
        "en": (
            "The printed rows of Table 8 add up to the printed totals "
            "({tv} villages, {tr} respondents)."
        ),
    },
    "printed_sum": {
        "id": (
            "Baris-baris Tabel 8 berjumlah {rv} desa dan {rr} responden, sedangkan baris Jumlah "
            "mencetak {tv} desa dan {tr} responden."
        ),
        "en": (
            "The printed rows of Table 8 add up to {rv} villages and {rr} respondents, "
            "while its total row prints {tv} and {tr}."
        ),
    },
    "files_written": {
        "id": "Ditulis ke {folder}: {files}.",
        "en": "Written to {folder}: {files}.",
    },
    "validity": {
        "id": "Nilai r hitung berkisar {lo} hingga {hi} dengan r tabel {crit}; {n_valid} dari "
        "{n_items} butir valid.",
        "en": "Item-total r ranges from {lo} to {hi} against a critical r of {crit}; {n_valid} "
        "of {n_items} items are valid.",
    },
    "reliability": {
        "id": "{ok} dari {n} variabel mencapai Alpha Cronbach ≥ {thr}.{tail}",
        "en": "{ok} of {n} variables reach Cronbach's alpha ≥ {thr}.{tail}",
    },
    "reliability_below": {
        "id": " Di bawah ambang: {names}.",
        "en": " Below the threshold: {names}.",
    },
    "status": {
        "id": "Dari {n} {what} terbitan, {ok} sesuai, {bad} tidak sesuai dan {na} tidak dapat "
        "dihitung dari {data}.",
        "en": "Of {n} published {what}, {ok} agree, {bad} disagree and {na} cannot be computed "
        "from {data}.",
    },
    "what_nilai": {"id": "nilai", "en": "values"},
    "what_kesimpulan": {"id": "kesimpulan", "en": "conclusions"},
    "audit": {
        "id": "{n_bad} dari {n_total} pemeriksaan konsistensi angka terbitan tidak terpenuhi.",
        "en": "{n_bad} of {n_total} consistency checks of the published numbers fail.",
    },
    "meta_head": {
        "id": "Gabungan {k} kabupaten, {what}: r = {r} (IK {level}% {ci}; {p}), {sig} dari 0.",
        "en": "Pooled over {k} districts, {what}: r = {r} ({level}% CI {ci}; {p}), {sig} "
        "different from 0.",
    },
    "meta_sig": {"id": "berbeda nyata", "en": "significantly"},
    "meta_not_sig": {"id": "tidak berbeda nyata", "en": "not significantly"},
    "meta_pi": {
        "id": " Interval prediksi {level}% untuk kabupaten baru: {pi}.",
        "en": " The {level}% prediction interval for a new district is {pi}.",
    },
    "meta_pi_k2": {
        "id": " Dengan k = 2 interval prediksi tidak terdefinisi (t dengan 0 derajat bebas).",
        "en": " With k = 2 the prediction interval is undefined (t with 0 degrees of freedom).",
    },
    "meta_het": {
        "id": "{head} Heterogenitas antarkabupaten {i2} ({het}).{tail}",
        "en": "{head} Heterogeneity is {i2} ({het}).{tail}",
    },
    "meta_nothing_pooled": {
        "id": "Hanya {n} kabupaten yang hasilnya terbaca ({names}): tidak ada yang dapat "
        "digabung. Meta-analisis efek acak (efek gabungan, τ², I², uji Q, interval prediksi) "
        "memerlukan sedikitnya dua kabupaten; efek kabupaten ini ditampilkan apa adanya, "
        "tanpa efek gabungan.",
        "en": "Only {n} district could be read ({names}): there is nothing to pool. A "
        "random-effects meta-analysis (pooled effect, τ², I², Q test, prediction interval) "
        "needs at least two districts; this district's effects are shown as they are, "
        "without a pooled effect.",
    },
    "meta_nothing_pooled_failed": {
        "id": " {n} kabupaten lain gagal dan tidak dibaca.",
        "en": " {n} other district(s) failed and are not read.",
    },
    "league_share": {
        "id": "Secara keseluruhan {share} {respondents} dari {n} kabupaten berkategori {top} "
        "pada {outcome}.",
        "en": "Overall, {share} of the {respondents} of {n} districts are in category {top} "
        "of {outcome}.",
    },
    "synthesis_intro": {
        "id": "Dari data {respondents} terskor setiap kabupaten dihitung dua jenis efek: beda "
        "{outcome} {pairs} sebagai korelasi rank-biserial (positif bila {group_word} yang "
        "disebut pertama cenderung lebih tinggi), dan korelasi Rank Spearman setiap "
        "karakteristik ({xs}) dengan {outcome}. Kabupaten diperingkat menurut persentase "
        "{respondents} berkategori {top} pada {outcome_code}.",
        "en": "Two kinds of effect are computed from each district's scored {respondents}: "
        "the difference in {outcome} {pairs} as a rank-biserial correlation (positive when "
        "the {group_word} named first tends to score higher), and the Spearman rank "
        "correlation of each characteristic ({xs}) with {outcome}. Districts are ranked by "
        "the share of {respondents} in category {top} of {outcome_code}.",
    },
    "synthesis_one_pair": {"id": "antara {a} dan {b}", "en": "between {a} and {b}"},
    "synthesis_pairs": {
        "id": "antara setiap pasangan {group_word} ({pairs})",
        "en": "between each pair of {group_word}s ({pairs})",
    },
    "league_none": {
        "id": "Tidak ada kabupaten di luar batas kendali binomial {level}%.",
        "en": "No district lies outside the {level}% binomial control limits.",
    },
    "league_above": {
        "id": "Di atas batas {level}%: {names}.",
        "en": "Above the {level}% limits: {names}.",
    },
    "league_below": {
        "id": "Di bawah batas {level}%: {names}.",
        "en": "Below the {level}% limits: {names}.",
    },
}


def _say(key: str, lang: str, **values: object) -> Md:
    """The sentence ``key`` with ``values`` filled in, each escaped unless already ``Md``."""
    return Md(SENTENCES[key][lang].format(**{k: md(v) for k, v in values.items()}))


def _word(prefix: str, word: str, lang: str) -> str:
    """An Indonesian key word (``hubungan``, ``nilai``) in ``lang``; unknown words unchanged."""
    entry = SENTENCES.get(f"{prefix}_{word}")
    return Md(entry[lang]) if entry else md(word)


def p_text(p: float, lang: str = "id") -> str:
    """``p = 0,023`` or ``p < 0,001``."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return _say("p_missing", lang)
    if p < 0.001:
        return f"p < {format_number(0.001, 3, lang=lang)}"  # escaped: by _say
    return f"p = {format_number(p, 3, lang=lang)}"


def join_list(items: Iterable[str], lang: str = "id") -> Md:
    """``a``, ``a dan b``, ``a, b dan c`` (``and`` in English); each item escaped by
    :func:`p3md.markup.md` unless it is ``Md``."""
    parts = [md(i) for i in items]
    if not parts:
        return Md("")
    if len(parts) == 1:
        return parts[0]
    return Md(f"{', '.join(parts[:-1])} {_say('and', lang)} {parts[-1]}")


def reconstruction_notice(lang: str = "id") -> str:
    """The plain statement every chapter repeats: the data are a reconstruction."""
    return _say("reconstruction", lang)


def data_notice(data_dir: str | Path, lang: str = "id") -> str:
    """The chapter's notice about its data, by the kind the folder declares
    (``provenance.yaml``): the reconstruction's, the synthetic example's, or nothing for real
    data."""
    kind = data_kind(data_dir)
    if kind == "reconstruction":
        return reconstruction_notice(lang)
    if kind == "synthetic":
        return NOTICES["synthetic"][lang]
    return ""


def hand_run_notice(folders: StageFolders, lang: str = "id") -> str:
    """What a notebook run by hand (not by the pipeline) reads and where it writes
    (see :mod:`p3md.paths`); the pipeline's runs show no such notice."""
    text = _say("hand_run", lang, write=md_code(folders.shown(folders.write)))
    if folders.reads_upstream:
        when = folders.read_run_finished or "?"
        read = md_code(folders.shown(folders.read))
        text += _say("hand_run_reads", lang, read=read, when=when)
    return Md(text + _say("hand_run_end", lang))


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
        extra.append(f"{_say('mode', lang)} {mode}")
    tail = Md(f" ({'; '.join(md(e) for e in extra)})") if extra else ""
    return _say("category", lang, subject=subject, category=category, tail=tail)


def slovin_sentence(population: int, error: float, n_exact: float, n: int, lang: str = "id") -> str:
    """The Slovin computation written out."""
    return _say(
        "slovin",
        lang,
        population=population,
        error=num(error, 2, lang),
        n_exact=num(n_exact, 2, lang),
        n=n,
    )


def mismatch_sentence(n_diff: int, n_total: int, what: str, lang: str = "id") -> str:
    """``3 dari 11 kecamatan berbeda dari Tabel 8.`` style summary."""
    key = "mismatch_none" if n_diff == 0 else "mismatch"
    return _say(key, lang, n_diff=n_diff, n_total=n_total, what=what)


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
    ptxt = p_text(p, lang) + (f", {method}" if method else "")
    return _say(
        "decision_yes" if p <= alpha else "decision_no",
        lang,
        kind=_word("kind", kind, lang),
        relation=relation,
        stat=f"{statistic}; " if statistic else "",
        p=ptxt,
        alpha=format_number(alpha, 2, lang=lang),
    )


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
    key = "significant" if names else "none_significant"
    text = _say(key, lang, names=join_list(names, lang), kind=kind, target=target, alpha=a)
    return text.replace("  ", " ")


def adjustment_sentence(
    changed: Sequence[str], methods: str = "Holm dan Benjamini-Hochberg", lang: str = "id"
) -> str:
    """Whether multiple-testing correction changes any decision."""
    methods = methods.replace(f" {_say('and', 'id')} ", f" {_say('and', lang)} ")
    if not changed:
        return _say("adjustment_none", lang, methods=methods)
    return _say("adjustment", lang, methods=methods, k=len(changed), tests=join_list(changed, lang))


def printed_sum_sentence(
    rows_villages: int, total_villages: float, rows_resp: int, total_resp: float, lang: str = "id"
) -> str:
    """Whether the printed rows of Table 8 add up to its printed total."""
    rv, tv, rr, tr = int(rows_villages), int(total_villages), int(rows_resp), int(total_resp)
    key = "printed_sum_same" if (rv, rr) == (tv, tr) else "printed_sum"
    return _say(key, lang, rv=rv, tv=tv, rr=rr, tr=tr)


def files_written_sentence(names: Sequence[str], folder: str, lang: str = "id") -> str:
    """``Ditulis ke derived/: a.csv, b.csv dan c.csv.``"""
    files = join_list([md_code(n) for n in names], lang)
    return _say("files_written", lang, folder=md_code(folder), files=files)


def validity_sentence(validity, lang: str = "id") -> str:
    """Range of r hitung, r tabel and how many items pass (from stacked item_validity)."""
    crit = sorted(set(round(float(c), 3) for c in validity["r_crit"]))
    return _say(
        "validity",
        lang,
        lo=num(float(validity["r"].min()), 3, lang),
        hi=num(float(validity["r"].max()), 3, lang),
        crit=join_list([num(c, 3, lang) for c in crit], lang),
        n_valid=int((validity["decision"] == "Valid").sum()),
        n_items=len(validity),
    )


def reliability_sentence(rel, lang: str = "id") -> str:
    """How many variables reach the threshold, naming those that do not."""
    ok = rel["decision"] == "Reliabel"
    bad = rel.loc[~ok, "variable"].tolist()
    tail = _say("reliability_below", lang, names=join_list(bad, lang)) if bad else ""
    thr = num(float(rel["threshold"].iloc[0]), 2, lang)
    return _say("reliability", lang, ok=int(ok.sum()), n=len(rel), thr=thr, tail=tail)


def status_sentence(status, what: str, data: str, lang: str = "id") -> str:
    """Counts of "sesuai" / "tidak sesuai" / "tidak dapat dihitung" in one sentence; ``data``:
    the run's kind of data in words (:func:`p3md.codebook.provenance.kind_words`)."""
    counts = {
        k: int((status == k).sum()) for k in ("sesuai", "tidak sesuai", "tidak dapat dihitung")
    }
    return _say(
        "status",
        lang,
        n=int(len(status)),
        what=_word("what", what, lang),
        ok=counts["sesuai"],
        bad=counts["tidak sesuai"],
        na=counts["tidak dapat dihitung"],
        data=data,
    )


def audit_sentence(n_bad: int, n_total: int, lang: str = "id") -> str:
    return _say("audit", lang, n_bad=n_bad, n_total=n_total)


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
    head = _say(
        "meta_head",
        lang,
        k=k,
        what=what,
        r=num(row["r"], 2, lang),
        level=level,
        ci=ci,
        p=p_text(row["p"], lang),
        sig=_say("meta_sig" if sig else "meta_not_sig", lang),
    )
    tail = _say("meta_pi", lang, level=level, pi=pi) if pi_ok else _say("meta_pi_k2", lang)
    return _say("meta_het", lang, head=head, i2=i2_word(row["i2"], lang), het=het, tail=tail)


def league_sentence(
    league,
    p0: float,
    top: str,
    level_key: str = "95",
    lang: str = "id",
    *,
    respondents: str,
    outcome: str,
) -> str:
    """Overall share of ``respondents`` in the top category ``top`` of ``outcome`` and the
    districts outside the funnel's limits."""
    pos = league[f"position_{level_key}"]
    above = league.loc[pos == "above", "district"].tolist()
    below = league.loc[pos == "below", "district"].tolist()
    n = len(league)
    level = level_key.replace("_", ",") if lang == "id" else level_key.replace("_", ".")
    share = pct(100 * p0, 1, lang)
    parts = [
        _say(
            "league_share",
            lang,
            share=share,
            n=n,
            top=top,
            respondents=respondents,
            outcome=outcome,
        )
    ]
    if not above and not below:
        parts.append(_say("league_none", lang, level=level))
    if above:
        parts.append(_say("league_above", lang, level=level, names=join_list(above, lang)))
    if below:
        parts.append(_say("league_below", lang, level=level, names=join_list(below, lang)))
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


def nothing_pooled_sentence(districts: Sequence[str], n_failed: int = 0, lang: str = "id") -> Md:
    """A synthesis with fewer than two districts read: nothing to pool, in words."""
    text = _say("meta_nothing_pooled", lang, n=len(districts), names=join_list(districts, lang))
    if n_failed:
        text = Md(text + _say("meta_nothing_pooled_failed", lang, n=n_failed))
    return text


def synthesis_intro(
    pairs: Sequence[tuple[str, str]],
    x_vars: Sequence[str],
    outcome: str,
    outcome_code: str,
    top: str,
    *,
    respondents: str,
    group_word: str,
    lang: str = "id",
) -> Md:
    """What the synthesis computes, in the study's names (the codebook's groups, its
    characteristics and outcome, its respondents): the opening of chapter 09."""
    if len(pairs) == 1:
        compared = _say("synthesis_one_pair", lang, a=pairs[0][0], b=pairs[0][1])
    else:
        listed = join_list([f"{a} − {b}" for a, b in pairs], lang)
        compared = _say("synthesis_pairs", lang, group_word=group_word, pairs=Md(listed))
    return _say(
        "synthesis_intro",
        lang,
        respondents=respondents,
        outcome=outcome,
        outcome_code=outcome_code,
        pairs=compared,
        group_word=group_word,
        xs=Md(join_list(list(x_vars), lang)),
        top=top,
    )


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
        items.append(Md(PARAMETER_WORDS[name][lang].format(value=md(shown))))
    return Md(PARAMETERS_LEAD[lang].format(items=join_list(items, lang)))


#: The notes of the class tables (stage 04): which banding is primary, what the comparison
#: is, and the rounding rule of the percentages.
BANDING_WORDS: dict[str, dict[str, str]] = {
    "primary": {
        "id": (
            "Kategori dan rentang skor menurut batas kategori buku kode (batas yang dicetak "
            "tesis pada definisi operasional); batas ini dipakai di seluruh laporan (tabel, "
            "gambar dan kalimat)."
        ),
        "en": (
            "Categories and score ranges follow the codebook's category limits (the limits the "
            "thesis prints in its operational definitions); the whole report uses them "
            "(tables, figures and sentences)."
        ),
    },
    "comparison": {
        "id": (
            "Kolom pembanding: kelas interval sama lebar I = (skor tertinggi − skor terendah) / "
            "{k} pada rentang {range}, dengan jumlah pendamping per kelas."
        ),
        "en": (
            "Comparison columns: equal-width interval classes I = (highest − lowest score) / "
            "{k} over the {range} range, with the number of facilitators per class."
        ),
    },
    "percent": {
        "id": (
            "Persentase dihitung dari n dan dibulatkan ke satu desimal (setengah ke atas); "
            "jumlah yang tampil dapat berselisih 0,1 dari 100."
        ),
        "en": (
            "Percentages are computed from n and rounded to one decimal (half up); the shown "
            "values may add up to 100 ± 0.1."
        ),
    },
}


def banding_note(class_range: str, k: int, lang: str = "id") -> str:
    """The note of a class table: the primary banding, the comparison, the rounding rule."""
    w = BANDING_WORDS
    comparison = w["comparison"][lang].format(k=k, range=CLASS_RANGE_WORDS[class_range][lang])
    return " ".join((w["primary"][lang], comparison, w["percent"][lang]))


def percent_note(lang: str = "id") -> str:
    """The rounding rule of a table's percentages (one rule for every table)."""
    return BANDING_WORDS["percent"][lang]


def construction_note(published: dict, lang: str = "id", kind: str = "reconstruction") -> str:
    """What the published-vs-reproduced agreement shows on reconstructed data, and which checks
    are independent of the calibration: ``published.yaml``'s ``reconstruction_scope`` (a fact
    of this reconstruction, so data); ``""`` for other data (``kind`` from ``provenance.yaml``)
    or when the file has none."""
    if kind != "reconstruction":
        return ""
    return str((published.get("reconstruction_scope") or {}).get(lang, ""))
