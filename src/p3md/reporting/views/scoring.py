"""Views of stage 02 (scoring): sebaran modus of every item, facilitators per category."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def _score_columns(cb, items: list[str]) -> tuple[list[int], dict[int, str]]:
    """The scores the items can take (highest first) and each one's column name: the shared
    scale's label (``Setuju``) when every item uses one options scale, else ``Skor 3``."""
    scores = cb.option_scores(items)
    labels = cb.score_labels(items)
    return scores, {k: labels[k] if labels else f"Skor {k}" for k in scores}


def modes_table(modes: pd.DataFrame, cb, group: str) -> pd.DataFrame:
    """Sebaran modus of every item of the X or Y variables: respondents per modal score, one
    column per option (``n`` and ``%``), labelled from the codebook (see :func:`_score_columns`).

    ``modes`` is ``ScoredStudy.modes`` (variable, item_id, position, role, n_<score>...,
    n_missing).
    """
    variables = [
        v for v, d in cb.variables.items() if d.group == group and d.scoring != "sum_of_indicators"
    ]
    sub = modes[modes["variable"].isin(variables)].copy()
    sub["_v"] = sub["variable"].map({v: i for i, v in enumerate(variables)})
    sub = sub.sort_values(["_v", "position", "role"])
    scores, names = _score_columns(cb, sorted(set(sub["item_id"])))
    n = sub[[f"n_{k}" for k in scores]].sum(axis=1)
    out = pd.DataFrame(
        {
            "Variabel": sub["variable"].to_numpy(),
            "Butir": sub["item_id"].to_numpy(),
            "Sub indikator": [
                cb.item_text(i, r) for i, r in zip(sub["item_id"], sub["role"], strict=True)
            ],
            "Peran": sub["role"].to_numpy(),
            **{f"{names[k]} (n)": sub[f"n_{k}"].to_numpy() for k in scores},
            **{f"{names[k]} (%)": (100 * sub[f"n_{k}"] / n).to_numpy() for k in scores},
        }
    )
    if "n_missing" in sub.columns and sub["n_missing"].sum() > 0:
        out["Kosong (n)"] = sub["n_missing"].to_numpy()
    return out


def category_counts(scored: pd.DataFrame, cb, roles: Sequence[str]) -> pd.DataFrame:
    """Facilitators per category of each variable's total (``<var>_cat`` columns), by role."""
    rows = []
    for var, spec in cb.variables.items():
        col = f"{var}_cat"
        if col not in scored.columns:
            continue
        for cat in sorted(spec.categories, key=lambda c: -c.min):
            row = {
                "Variabel": f"{spec.name_id} ({var})",
                "Kategori": cat.label,
                "Rentang skor": f"{cat.min}–{cat.max}",
            }
            for r in roles:
                row[r] = int(((scored["role"] == r) & (scored[col] == cat.label)).sum())
            row["Jumlah"] = int((scored[col] == cat.label).sum())
            rows.append(row)
    out = pd.DataFrame(rows)
    out.loc[out["Variabel"].duplicated(), "Variabel"] = ""
    return out
