"""League table of districts: the share of facilitators in the top performance category, with
binomial funnel-plot control limits (Spiegelhalter 2005, Stat Med 24:1185-1202).

A district's share is compared with the overall share p0 (all districts' facilitators pooled)
against the limits a district of its size would show by chance alone: the binomial quantiles
``binom.ppf(q, n, p0) / n`` for q = (1 - level) / 2 and 1 - (1 - level) / 2, at the usual
95% and 99.8% levels. The exact quantiles are step functions of n; Spiegelhalter's
interpolation between steps is left out (the step is what a district of that size can reach).
Ranking districts by their share alone would over-read small districts; the funnel shows which
differences exceed chance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from p3md.stats.errors import StatsInputError

LEVELS = (0.95, 0.998)
ABOVE, BELOW, WITHIN = "above", "below", "within"


def binomial_limits(
    p0: float, n: np.ndarray | Sequence[int], level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits (as shares) of a binomial(n, p0) count at ``level``."""
    if not 0 < p0 < 1:
        raise StatsInputError(f"funnel limits need an overall share strictly in (0, 1), got {p0}")
    n = np.asarray(n, dtype=float)
    tail = (1 - level) / 2
    return stats.binom.ppf(tail, n, p0) / n, stats.binom.ppf(1 - tail, n, p0) / n


def league_table(
    scored: Mapping[str, pd.DataFrame],
    category_col: str = "Y_cat",
    top: str = "Baik",
    levels: Sequence[float] = LEVELS,
) -> tuple[pd.DataFrame, float]:
    """One row per district, best share first, and the overall share p0.

    Columns: ``rank``, ``district``, ``n`` (facilitators with a category), ``n_top``, ``share``,
    per level ``lower_<level>``/``upper_<level>`` (e.g. ``lower_95``) and ``position_<level>``
    (``"above"``, ``"below"`` or ``"within"`` the limits).
    """
    rows = []
    for district, frame in scored.items():
        if category_col not in frame.columns:
            raise StatsInputError(f"league table: {district} has no column {category_col!r}")
        cats = frame[category_col].dropna()
        if cats.empty:
            raise StatsInputError(f"league table: {district} has no categorised facilitator")
        rows.append({"district": district, "n": int(cats.size), "n_top": int((cats == top).sum())})
    if not rows:
        raise StatsInputError("league table: no district")
    table = pd.DataFrame(rows)
    table["share"] = table["n_top"] / table["n"]
    p0 = float(table["n_top"].sum() / table["n"].sum())
    for level in levels:
        key = level_key(level)
        lo, hi = binomial_limits(p0, table["n"].to_numpy(), level)
        table[f"lower_{key}"], table[f"upper_{key}"] = lo, hi
        table[f"position_{key}"] = np.where(
            table["share"] > hi, ABOVE, np.where(table["share"] < lo, BELOW, WITHIN)
        )
    table = table.sort_values(["share", "n", "district"], ascending=[False, False, True])
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True), p0


def funnel_curves(p0: float, n_max: int, levels: Sequence[float] = LEVELS) -> pd.DataFrame:
    """Control limits for every n = 1..n_max, long: ``n``, ``level``, ``lower``, ``upper``."""
    n = np.arange(1, max(int(n_max), 1) + 1)
    parts = []
    for level in levels:
        lo, hi = binomial_limits(p0, n, level)
        parts.append(pd.DataFrame({"n": n, "level": level, "lower": lo, "upper": hi}))
    return pd.concat(parts, ignore_index=True)


def level_key(level: float) -> str:
    """``0.95 -> "95"``, ``0.998 -> "99_8"`` (column-name safe)."""
    return f"{level * 100:g}".replace(".", "_")
