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

    ``modes`` is ``ScoredStudy.modes``; columns show facilitators (n, %) per modal score with the
    scale's labels of the codebook.
    """
    sub = modes[(modes["variable"] == variable) & (modes["role"] == role)].sort_values("position")
    n = sub[["n_3", "n_2", "n_1"]].sum(axis=1)
    texts, labels = [], []
    for item_id in sub["item_id"]:
        item = cb.item(item_id)
        texts.append(item.text_pdp if role == "PDP" and item.text_pdp else item.text)
        scale = cb.scales.get(item.response.scale or "", {})
        labels.append(
            " / ".join(scale.get(k, str(k)) for k in (3, 2, 1)) if scale else "3 / 2 / 1 (pita)"
        )
    out = pd.DataFrame(
        {
            "Sub indikator": texts,
            "Skala (3 / 2 / 1)": labels,
            "Skor 3 (n)": sub["n_3"].to_numpy(),
            "Skor 3 (%)": (100 * sub["n_3"] / n).to_numpy(),
            "Skor 2 (n)": sub["n_2"].to_numpy(),
            "Skor 2 (%)": (100 * sub["n_2"] / n).to_numpy(),
            "Skor 1 (n)": sub["n_1"].to_numpy(),
            "Skor 1 (%)": (100 * sub["n_1"] / n).to_numpy(),
        }
    )
    return no_column(out)
