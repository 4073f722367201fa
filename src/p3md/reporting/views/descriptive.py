"""Views of stage 04 (descriptive): interval classes per group, sebaran modus per role."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from p3md.reporting.views.common import ROLE_ORDER, no_column


def class_view(
    dists: dict[str, pd.DataFrame],
    summaries: dict[str, pd.DataFrame],
    groups: Sequence[str] = ("Gabungan", *ROLE_ORDER),
) -> pd.DataFrame:
    """Tables 13-28: categories (rows) x groups (count and %) plus median and mode per group.

    ``dists[group]`` is :func:`p3md.stats.intervals.class_distribution` (lowest class first),
    ``summaries[group]`` is :func:`p3md.stats.intervals.score_summary`.
    """
    groups = [g for g in groups if g in dists]
    first = dists[groups[0]]
    rows = first.sort_values("class", ascending=False)
    out = pd.DataFrame(
        {
            "Kategori": rows["label"].to_numpy(),
            "Interval skor": [
                f"{lo}–{hi}" for lo, hi in zip(rows["lower"], rows["upper"], strict=True)
            ],
        }
    )
    for g in groups:
        d = dists[g].set_index("class").loc[rows["class"]]
        out[f"{g} (n)"] = d["count"].to_numpy()
        out[f"{g} (%)"] = d["percent_rounded"].to_numpy()
    total = {"Kategori": "Jumlah", "Interval skor": ""}
    for g in groups:
        total[f"{g} (n)"] = int(dists[g]["count"].sum())
        total[f"{g} (%)"] = float(dists[g]["percent_rounded"].sum())
    med = {"Kategori": "Median skor", "Interval skor": ""}
    mod = {"Kategori": "Modus skor", "Interval skor": ""}
    for g in groups:
        s = summaries[g].iloc[0]
        med[f"{g} (n)"], med[f"{g} (%)"] = float(s["median"]), None
        mod[f"{g} (n)"], mod[f"{g} (%)"] = float(s["mode"]), None
    return pd.concat([out, pd.DataFrame([total, med, mod])], ignore_index=True)


def category_labels_low_to_high(cb, variable: str) -> list[str]:
    cats = sorted(cb.variables[variable].categories, key=lambda c: c.min)
    return [c.label for c in cats]


def median_class_label(dist: pd.DataFrame) -> str:
    """Label of the class that holds the median (from :func:`class_distribution`)."""
    return str(dist.loc[dist["is_median_class"], "label"].iloc[0])


def long_distribution(
    dists: dict[str, dict[str, pd.DataFrame]],
    names: dict[str, str] | None = None,
    roles: Sequence[str] = ROLE_ORDER,
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
