"""Views of stage 04 (descriptive): interval classes per group, sebaran modus per role."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from p3md.reporting.views.common import no_column

#: Row labels and column names of the class tables (read back by
#: :mod:`p3md.reporting.collect` and :mod:`p3md.reporting.conclusions`).
TOTAL_ROW, MEDIAN_ROW, MODE_ROW = "Jumlah", "Median skor", "Modus skor"
SUMMARY_ROWS = (TOTAL_ROW, MEDIAN_ROW, MODE_ROW)
COUNT, SHARE = "n", "%"
RANGE = "Rentang skor"
#: The spanner of the comparison banding (equal-width interval classes).
COMPARISON = "Pembanding, kelas interval sama lebar"


def group_of(column: str, what: str) -> str | None:
    """``"PDP (n)"`` -> ``"PDP"`` for ``what="n"`` (a group's count column), else ``None``."""
    suffix = f" ({what})"
    col = str(column)
    return col[: -len(suffix)] if col.endswith(suffix) and ":" not in col else None


def band_classes(cb, variable: str) -> pd.DataFrame:
    """The codebook's categories of ``variable`` as classes for
    :func:`p3md.stats.intervals.class_distribution` (lowest first): inclusive integer ranges
    ``lower_int..upper_int``, half-open real limits so that every total has one class."""
    cats = sorted(cb.variables[variable].categories, key=lambda c: c.min)
    lower = [float(c.min) for c in cats]
    upper = lower[1:] + [float(cats[-1].max)]
    return pd.DataFrame(
        {
            "class": range(1, len(cats) + 1),
            "lower": lower,
            "upper": upper,
            "lower_int": [c.min for c in cats],
            "upper_int": [c.max for c in cats],
        }
    )


def class_view(
    dists: dict[str, pd.DataFrame],
    summaries: dict[str, pd.DataFrame],
    groups: Sequence[str],
    comparison: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Tables 13-28: categories (rows) x groups (count and %) plus median and mode per group.

    ``dists[group]`` is :func:`p3md.stats.intervals.class_distribution` (lowest class first)
    on the report's primary banding, ``summaries[group]`` is
    :func:`p3md.stats.intervals.score_summary`. ``comparison`` (same shape, another banding
    with the same labels) adds its ranges and counts side by side under :data:`COMPARISON`.
    Counts are integers; percentages are exact (the display rounds them, half up), so the same
    count has the same percentage in every table.
    """
    groups = [g for g in groups if g in dists]
    first = dists[groups[0]]
    rows = first.sort_values("class", ascending=False)
    out = pd.DataFrame(
        {
            "Kategori": rows["label"].to_numpy(),
            RANGE: [f"{lo}–{hi}" for lo, hi in zip(rows["lower"], rows["upper"], strict=True)],
        }
    )
    for g in groups:
        d = dists[g].set_index("class").loc[rows["class"]]
        out[f"{g} ({COUNT})"] = [int(v) for v in d["count"]]
        out[f"{g} ({SHARE})"] = d["percent"].to_numpy(float)
    if comparison:
        c0 = comparison[groups[0]].set_index("class").loc[rows["class"]]
        out[f"{COMPARISON}: rentang"] = [
            f"{lo}–{hi}" for lo, hi in zip(c0["lower"], c0["upper"], strict=True)
        ]
        for g in groups:
            d = comparison[g].set_index("class").loc[rows["class"]]
            out[f"{COMPARISON}: {COUNT} {g}"] = [int(v) for v in d["count"]]
    extra: list[dict] = []
    total: dict = {"Kategori": TOTAL_ROW, RANGE: ""}
    med: dict = {"Kategori": MEDIAN_ROW, RANGE: ""}
    mod: dict = {"Kategori": MODE_ROW, RANGE: ""}
    for g in groups:
        s = summaries[g].iloc[0]
        total[f"{g} ({COUNT})"] = int(dists[g]["count"].sum())
        total[f"{g} ({SHARE})"] = 100.0
        med[f"{g} ({COUNT})"], med[f"{g} ({SHARE})"] = _score(s["median"]), None
        mod[f"{g} ({COUNT})"], mod[f"{g} ({SHARE})"] = _score(s["mode"]), None
        if comparison:
            total[f"{COMPARISON}: {COUNT} {g}"] = int(comparison[g]["count"].sum())
    extra += [total, med, mod]
    table = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    # Counts stay integers beside a median of 73.5: an object column keeps each value's type.
    for col in table.columns:
        if col.endswith(f"({COUNT})") or col.startswith(f"{COMPARISON}: {COUNT}"):
            table[col] = pd.Series(
                [None if v is None or v != v else _score(v) for v in table[col]], dtype=object
            )
    return table


def _score(value) -> int | float:
    """A median or mode of integer scores: an integer when whole (``78``), else ``73.5``."""
    v = float(value)
    return int(v) if v.is_integer() else v


def category_labels_low_to_high(cb, variable: str) -> list[str]:
    cats = sorted(cb.variables[variable].categories, key=lambda c: c.min)
    return [c.label for c in cats]


def median_class_label(dist: pd.DataFrame) -> str:
    """Label of the class that holds the median (from :func:`class_distribution`)."""
    return str(dist.loc[dist["is_median_class"], "label"].iloc[0])


def long_distribution(
    dists: dict[str, dict[str, pd.DataFrame]],
    names: dict[str, str] | None = None,
    *,
    roles: Sequence[str],
) -> pd.DataFrame:
    """``{variable: {group: class_distribution}}`` -> long rows for the category figure."""
    rows = []
    for var, by_group in dists.items():
        for g in roles:
            if g not in by_group:
                continue
            for _, r in by_group[g].iterrows():
                rows.append(
                    {
                        "variable": (names or {}).get(var, var),
                        "role": g,
                        "category": r["label"],
                        "percent": float(r["percent"]),
                    }
                )
    return pd.DataFrame(rows)


def modes_view(modes: pd.DataFrame, cb, variable: str, role: str) -> pd.DataFrame:
    """Tables 21/22/24/25: sebaran modus of each sub-indicator of ``variable`` for one role.

    ``modes`` is ``ScoredStudy.modes``; columns show respondents (n, %) per modal score, one
    per option of the codebook's scales; items of one shared scale name the columns by its
    labels, otherwise a ``Skala`` column gives each item's labels.
    """
    from p3md.reporting.views.scoring import _score_columns

    sub = modes[(modes["variable"] == variable) & (modes["role"] == role)].sort_values("position")
    scores, names = _score_columns(cb, list(sub["item_id"]))
    n = sub[[f"n_{k}" for k in scores]].sum(axis=1)
    shared = cb.score_labels(list(sub["item_id"])) is not None
    texts, labels = [], []
    for item_id in sub["item_id"]:
        item = cb.item(item_id)
        texts.append(cb.item_text(item_id, role))
        scale = cb.scales.get(item.response.scale or "", {})
        labels.append(
            " / ".join(scale.get(k, str(k)) for k in scores)
            if scale
            else " / ".join(map(str, scores)) + " (pita)"
        )
    columns = {"Sub indikator": texts}
    if not shared:
        columns[f"Skala ({' / '.join(map(str, scores))})"] = labels
    for k in scores:
        columns[f"{names[k]} (n)"] = sub[f"n_{k}"].to_numpy()
        columns[f"{names[k]} (%)"] = (100 * sub[f"n_{k}"] / n).to_numpy()
    out = pd.DataFrame(columns)
    return no_column(out)
