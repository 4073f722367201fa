"""Views of stage 02 (scoring): sebaran modus of every item, facilitators per category."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from p3md.reporting.views.common import ROLE_ORDER


def modes_table(modes: pd.DataFrame, cb, group: str) -> pd.DataFrame:
    """Sebaran modus of every item of the X or Y variables: facilitators per modal score 3/2/1.

    ``modes`` is ``ScoredStudy.modes`` (variable, item_id, position, role, n_3, n_2, n_1,
    n_missing).
    """
    variables = [
        v for v, d in cb.variables.items() if d.group == group and d.scoring != "sum_of_indicators"
    ]
    sub = modes[modes["variable"].isin(variables)].copy()
    sub["_v"] = sub["variable"].map({v: i for i, v in enumerate(variables)})
    sub = sub.sort_values(["_v", "position", "role"])
    n = sub[["n_3", "n_2", "n_1"]].sum(axis=1)
    out = pd.DataFrame(
        {
            "Variabel": sub["variable"].to_numpy(),
            "Butir": sub["item_id"].to_numpy(),
            "Sub indikator": [
                cb.item(i).text_pdp if r == "PDP" and cb.item(i).text_pdp else cb.item(i).text
                for i, r in zip(sub["item_id"], sub["role"], strict=True)
            ],
            "Peran": sub["role"].to_numpy(),
            "Skor 3 (n)": sub["n_3"].to_numpy(),
            "Skor 2 (n)": sub["n_2"].to_numpy(),
            "Skor 1 (n)": sub["n_1"].to_numpy(),
            "Skor 3 (%)": (100 * sub["n_3"] / n).to_numpy(),
            "Skor 2 (%)": (100 * sub["n_2"] / n).to_numpy(),
            "Skor 1 (%)": (100 * sub["n_1"] / n).to_numpy(),
        }
    )
    if "n_missing" in sub.columns and sub["n_missing"].sum() > 0:
        out["Kosong (n)"] = sub["n_missing"].to_numpy()
    return out


def category_counts(scored: pd.DataFrame, cb, roles: Sequence[str] = ROLE_ORDER) -> pd.DataFrame:
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
