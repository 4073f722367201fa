"""Views of stage 03 (instrument): item validity, SPSS item-total statistics, reliability."""

from __future__ import annotations

import pandas as pd

from p3md.reporting.views.common import no_column


def item_matrix(scored: pd.DataFrame, cb, variable: str) -> pd.DataFrame:
    """Item scores of ``variable`` as columns in printed order (rows = respondents).

    Role-specific items that share a printed number (``pd09_pld``/``pd09_pdp``, Table 10
    numbers Y's 29 items across roles) are combined into one column named by their common stem
    (``pd09``): each respondent answered only the version of their role. Items absent from
    ``scored`` are skipped.
    """
    spec = cb.variables[variable]
    items = cb.items_for(variable)
    use_y = spec.group == "Y"
    by_pos: dict[int, list[str]] = {}
    for it in items:
        pos = it.y_position if use_y and it.y_position else it.position
        if it.id in scored.columns:
            by_pos.setdefault(pos, []).append(it.id)
    cols = {}
    for pos in sorted(by_pos):
        ids = by_pos[pos]
        name = ids[0] if len(ids) == 1 else ids[0].rsplit("_", 1)[0]
        cols[name] = scored[ids].bfill(axis=1).iloc[:, 0] if len(ids) > 1 else scored[ids[0]]
    return pd.DataFrame(cols)


def instrument_columns(pilot: pd.DataFrame, variable: str) -> pd.DataFrame:
    """The instrument-test columns ``<variable>_<k>`` of ``pilot_scored`` in printed order."""
    import re

    pat = re.compile(rf"^{re.escape(variable)}_(\d+)$")
    cols = sorted((int(m.group(1)), c) for c in pilot.columns if (m := pat.match(c)))
    if not cols:
        raise KeyError(f"pilot_scored has no instrument columns {variable}_<k>")
    return pilot[[c for _, c in cols]]


def validity_frame(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack per-variable :func:`item_validity` results with ``variable`` and ``item_no``."""
    parts = []
    for var, res in results.items():
        part = res.copy()
        part.insert(0, "variable", var)
        part["item_no"] = range(1, len(part) + 1)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def reliability_frame(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = [res.assign(variable=var) for var, res in results.items()]
    return pd.concat(parts, ignore_index=True)


def validity_view(res: pd.DataFrame, variable_names: dict[str, str]) -> pd.DataFrame:
    """Tables 9-10: one row per item with r, r corrected, r crit and decision.

    ``res`` concatenates :func:`p3md.stats.instrument.item_validity` outputs with a
    ``variable`` column and an ``item_no`` column (position printed as "Item k").
    """
    out = pd.DataFrame(
        {
            "Variabel": [variable_names.get(v, v) for v in res["variable"]],
            "Pertanyaan": [f"Item {k}" for k in res["item_no"]],
            "Kode butir": res["item"].to_numpy(),
            "r hitung": res["r"].to_numpy(),
            "r terkoreksi": res["r_corrected"].to_numpy(),
            "r tabel": res["r_crit"].to_numpy(),
            "n": res["n"].to_numpy(),
            "Keputusan": res["decision"].to_numpy(),
        }
    )
    # Print the variable name only on its first row, as the thesis does.
    out.loc[out["Variabel"].duplicated(), "Variabel"] = ""
    return no_column(out)


def item_total_view(
    item_total: pd.DataFrame, validity: pd.DataFrame, variable_names: dict[str, str]
) -> pd.DataFrame:
    """SPSS's Item-Total Statistics per scale beside the thesis's r hitung / r tabel decision.

    ``item_total`` stacks :func:`p3md.stats.instrument.item_total_statistics` with a
    ``variable`` column; ``validity`` is :func:`validity_frame` of the same items.
    """
    val = validity.set_index(["variable", "item"])
    key = pd.MultiIndex.from_frame(item_total[["variable", "item"]])
    out = pd.DataFrame(
        {
            "Variabel": [variable_names.get(v, v) for v in item_total["variable"]],
            "Kode butir": item_total["item"].to_numpy(),
            "Rata-rata skala jika butir dihapus": item_total["scale_mean_if_deleted"].to_numpy(),
            "Varians skala jika butir dihapus": item_total["scale_variance_if_deleted"].to_numpy(),
            "r butir-total terkoreksi": item_total["r_corrected"].to_numpy(),
            "Korelasi ganda kuadrat": item_total["smc"].to_numpy(),
            "Alpha jika butir dihapus": item_total["alpha_if_deleted"].to_numpy(),
            "r hitung": val["r"].reindex(key).to_numpy(),
            "r tabel": val["r_crit"].reindex(key).to_numpy(),
            "Keputusan (r hitung > r tabel)": val["decision"].reindex(key).to_numpy(),
        }
    )
    out.loc[out["Variabel"].duplicated(), "Variabel"] = ""
    return out


def reliability_view(res: pd.DataFrame, variable_names: dict[str, str]) -> pd.DataFrame:
    """Table 11: alpha, standardised alpha, its 95% CI, number of items, threshold and decision
    per variable."""
    out = pd.DataFrame(
        {
            "Variabel": [variable_names.get(v, v) for v in res["variable"]],
            "Kode": res["variable"].to_numpy(),
            "Jumlah butir": res["k"].to_numpy(),
            "n": res["n"].to_numpy(),
            "Alpha Cronbach": res["alpha"].to_numpy(),
            "Alpha butir terstandar": res["alpha_standardized"].to_numpy(),
            "IK 95% bawah": res["ci_low"].to_numpy(),
            "IK 95% atas": res["ci_high"].to_numpy(),
            "Ambang": res["threshold"].to_numpy(),
            "Keputusan": res["decision"].to_numpy(),
        }
    )
    return no_column(out)
