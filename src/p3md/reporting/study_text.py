"""Words about the study a run is about, built from its codebook and the run's numbers.

The notebooks loop over what the codebook declares, so their tables' captions and notes cannot
be typed in the cells: they come from here. Every phrase is data keyed by language
(:data:`WORDS`); the study's own names (variables, groups, district, respondents) come from the
codebook. A thesis table number ("(Tabel 17 tesis)") is added only where the reproduction layer
is on (the run has a ``published.yaml``) and every variable of that table has, in the run's
codebook, the name the thesis gives it (:func:`thesis_ref`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from p3md.codebook import Codebook

WORDS: dict[str, dict[str, str]] = {
    "class": {
        "id": "Sebaran {name} ({var}) {respondents} menurut {group_word} di {district}",
        "en": "Distribution of {name} ({var}) of {respondents} by {group_word}, {district}",
    },
    "modes": {
        "id": "Sebaran modus {name} ({var}) {group} menurut butir penilaian",
        "en": "Modal answers on {name} ({var}), {group}, by item",
    },
    "modes_group": {
        "id": "Sebaran modus butir {part} {respondents} menurut {group_word}",
        "en": "Modal answers on the items of {part} of {respondents} by {group_word}",
    },
    "part_X": {"id": "karakteristik (X)", "en": "characteristics (X)"},
    "part_Y": {"id": "hasil (Y)", "en": "outcomes (Y)"},
    "validity": {
        "id": "Hasil uji validitas butir {part} {respondents}",
        "en": "Item validity of {part} of {respondents}",
    },
    "reliability": {
        "id": "Hasil uji reliabilitas variabel {respondents}",
        "en": "Reliability of the scales of {respondents}",
    },
    "spearman": {
        "id": "Hubungan karakteristik {respondents} dengan {outcome} (Rank Spearman, gabungan "
        "dan per {group_word})",
        "en": "Characteristics of {respondents} and {outcome} (Spearman, pooled and by "
        "{group_word})",
    },
    "groups": {
        "id": "Hasil uji perbedaan {outcomes} menurut {group_word} ({tests})",
        "en": "Differences in {outcomes} by {group_word} ({tests})",
    },
    "status_rank": {
        "id": "Rata-rata ranking {outcomes} {group} menurut status desa",
        "en": "Mean ranks of {outcomes}, {group}, by village status",
    },
    "status_kw": {
        "id": "Hasil uji perbedaan {outcomes} {group} menurut status desa (Kruskal-Wallis)",
        "en": "Differences in {outcomes}, {group}, by village status (Kruskal-Wallis)",
    },
    "status_categories": {
        "id": "Sebaran kategori {name} {groups} menurut status desa",
        "en": "Categories of {name}, {groups}, by village status",
    },
    "sample": {
        "id": "Sebaran sampel desa per kecamatan di {district} (Slovin, alokasi proporsional)",
        "en": "Village sample per kecamatan, {district} (Slovin, proportional allocation)",
    },
    "thesis_ref": {"id": " (Tabel {n} tesis)", "en": " (thesis Table {n})"},
    "and": {"id": "dan", "en": "and"},
    "outcomes": {"id": "variabel hasil {codes}", "en": "the outcomes {codes}"},
    "left_out": {
        "id": "{n} dari {total} baris tidak diikutkan karena ada jawaban kosong ({where}; "
        "penghapusan listwise per analisis, seperti SPSS; batas {share}).",
        "en": "{n} of {total} rows were left out for missing answers ({where}; listwise "
        "deletion per analysis, as SPSS does; limit {share}).",
    },
    "none_left_out": {
        "id": "Tidak ada baris yang dibuang karena jawaban kosong.",
        "en": "No row was left out for missing answers.",
    },
}


def say(key: str, lang: str = "id", **values: Any) -> str:
    """The phrase ``key`` in ``lang`` with ``values`` filled in."""
    return WORDS[key][lang].format(**values)


def join(items: Sequence[str], lang: str = "id") -> str:
    """``a, b dan c`` (``a, b and c``)."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {say('and', lang)} {items[-1]}"


def name(cb: Codebook, var: str, lang: str = "id") -> str:
    """A variable's name as it reads inside a sentence (``tingkat motivasi kerja``)."""
    spec = cb.variables[var]
    text = spec.name_id if lang == "id" else spec.name_en
    return text[:1].lower() + text[1:] if not text[:2].isupper() else text


def study(cb: Codebook, lang: str = "id") -> dict[str, str]:
    """The study's words for the templates: respondents, group word, district, groups."""
    return {
        "respondents": cb.meta.respondents.get(lang, cb.meta.respondents.get("id", "")),
        "group_word": cb.meta.group_word.get(lang, cb.meta.group_word.get("id", "")),
        "district": cb.district,
        "groups": join(cb.groups, lang),
    }


def _thesis_entry(
    label: str, cb: Codebook, published: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """``published.yaml``'s ``tables:`` entry of ``label`` when the reproduction layer is on
    and every variable it names has, in the run's codebook, the name the thesis gives it."""
    if not published:
        return None
    for entry in published.get("tables", []):
        if entry.get("label") != label:
            continue
        for var, printed in (entry.get("variables") or {}).items():
            spec = cb.variables.get(var)
            if spec is None or spec.name_id != printed:
                return None
        return entry
    return None


def thesis_number(label: str, cb: Codebook, published: Mapping[str, Any] | None) -> int | None:
    """The thesis's number of table ``label`` (see :func:`_thesis_entry`), else ``None``."""
    entry = _thesis_entry(label, cb, published)
    return int(entry["table"]) if entry and "table" in entry else None


def thesis_note(label: str, cb: Codebook, published: Mapping[str, Any] | None) -> str | None:
    """The thesis-specific remark on table ``label`` (``tables: [{note: ...}]``), if any."""
    entry = _thesis_entry(label, cb, published)
    return entry.get("note") if entry else None


def thesis_ref(
    label: str, cb: Codebook, published: Mapping[str, Any] | None, lang: str = "id"
) -> str:
    """`` (Tabel N tesis)`` for a table the thesis prints (see :func:`thesis_number`)."""
    n = thesis_number(label, cb, published)
    return "" if n is None else say("thesis_ref", lang, n=n)


def load_layer(published_path: str | Path) -> dict[str, Any] | None:
    """The reproduction layer: the run's ``published.yaml``, or ``None`` when it has none."""
    path = Path(published_path)
    if not path.is_file():
        return None
    from p3md.stats.published import load_published

    return load_published(path)


def caption(
    key: str,
    cb: Codebook,
    label: str,
    published: Mapping[str, Any] | None = None,
    lang: str = "id",
    **values: Any,
) -> str:
    """A table's caption: phrase ``key`` with the study's words, plus the thesis reference."""
    return say(key, lang, **{**study(cb, lang), **values}) + thesis_ref(label, cb, published, lang)


def class_caption(
    cb: Codebook, var: str, label: str, published: Mapping[str, Any] | None, lang: str = "id"
) -> str:
    return caption("class", cb, label, published, lang, name=name(cb, var, lang), var=var)


def outcomes_phrase(cb: Codebook, outcomes: Iterable[str], lang: str = "id") -> str:
    """``kinerja pendampingan (Y1) dan kinerja supervisi (Y2)``; from three on, the codes
    (``variabel hasil Y1, Y2, Y3 dan Y``), so a caption stays one line."""
    outcomes = list(outcomes)
    if len(outcomes) > 2:
        return say("outcomes", lang, codes=join(outcomes, lang))
    return join([f"{name(cb, v, lang)} ({v})" for v in outcomes], lang)


def left_out_note(
    frames: Mapping[str, pd.DataFrame] | pd.DataFrame,
    columns: Sequence[str],
    share: float,
    lang: str = "id",
) -> str:
    """How many rows an analysis of ``columns`` left out for missing answers, and why.

    ``frames`` is the analysed data (or several, by name, e.g. one per group); a row is left
    out when any of the analysed ``columns`` it has is empty (listwise, per analysis).
    """
    if isinstance(frames, pd.DataFrame):
        frames = {"": frames}
    total = dropped = 0
    where: list[str] = []
    for frame in frames.values():
        cols = [c for c in columns if c in frame.columns]
        missing = frame[cols].isna()
        total += len(frame)
        dropped += int(missing.any(axis=1).sum())
        where += [c for c in cols if missing[c].any() and c not in where]
    if dropped == 0:
        return say("none_left_out", lang)
    pct = f"{share:.0%}" if lang == "en" else f"{share:.0%}".replace(".", ",")
    return say("left_out", lang, n=dropped, total=total, where=", ".join(where), share=pct)
