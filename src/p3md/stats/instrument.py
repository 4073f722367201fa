"""Instrument tests of the pilot (n = 30): item-total validity and Cronbach's alpha.

The thesis ran both in SPSS 22 (Tables 9-11): "R hitung" is the Pearson correlation of an item
with the total that includes it (SPSS *Bivariate* on the total column; psych's ``raw.r``), and
the decision compares it with the two-sided 5 % critical r at df = n - 2. The corrected
item-rest correlation (SPSS *Corrected Item-Total Correlation*, psych's ``r.drop``) is reported
next to it because it does not reward an item for correlating with itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from p3md.stats._checks import (
    DEFAULT_MAX_MISSING_SHARE,
    drop_incomplete,
    numeric_frame,
    require_rows,
    require_variance,
)
from p3md.stats.errors import StatsInputError

VALID, NOT_VALID = "Valid", "Tidak valid"
RELIABLE, NOT_RELIABLE = "Reliabel", "Tidak reliabel"


def critical_r(n: int, alpha: float = 0.05) -> float:
    """Two-sided critical Pearson r for ``n`` pairs: ``t / sqrt(df + t^2)``, df = n - 2.

    This is the "r tabel" of Indonesian textbooks (0.361 at n = 30, 0.444 at n = 20).
    """
    if n < 3:
        raise StatsInputError(f"critical_r: needs n >= 3 (df = n - 2 >= 1), got {n}")
    if not 0 < alpha < 1:
        raise StatsInputError(f"critical_r: alpha must be in (0, 1), got {alpha}")
    df = n - 2
    t = stats.t.ppf(1 - alpha / 2, df)
    return float(t / np.sqrt(df + t**2))


def _prepared(items: pd.DataFrame, what: str, max_missing_share: float) -> pd.DataFrame:
    data = drop_incomplete(numeric_frame(items, what), what, max_missing_share)
    if data.shape[1] < 2:
        raise StatsInputError(
            f"{what}: only {data.shape[1]} item ({list(items.columns)}); item-total statistics and "
            "Cronbach's alpha are undefined for a single item"
        )
    require_rows(len(data), 3, what)
    for col in data.columns:
        require_variance(data[col], f"{what}: item {col!r}")
    return data


def item_validity(
    items: pd.DataFrame,
    alpha: float = 0.05,
    *,
    use: str = "r",
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Item-total validity of one variable's items (columns = items, rows = respondents).

    Returns one row per item: ``item``, ``r`` (item-total, item included; psych ``raw.r``),
    ``r_corrected`` (item-rest; psych ``r.drop``), ``n``, ``r_crit`` (two-sided, df = n - 2),
    ``decision`` ("Valid" if the statistic named by ``use`` -- ``"r"`` as in the thesis, or
    ``"r_corrected"`` -- exceeds ``r_crit``, else "Tidak valid"). Rows with a missing answer
    are dropped listwise (codebook ``missing_data``).
    """
    if use not in ("r", "r_corrected"):
        raise StatsInputError(f"item_validity: use must be 'r' or 'r_corrected', got {use!r}")
    data = _prepared(items, "item_validity", max_missing_share)
    total = data.sum(axis=1)
    n = len(data)
    r_crit = critical_r(n, alpha)
    rows = []
    for col in data.columns:
        rest = total - data[col]
        require_variance(rest, f"item_validity: the rest score without item {col!r}")
        r = stats.pearsonr(data[col], total).statistic
        r_drop = stats.pearsonr(data[col], rest).statistic
        rows.append(
            {"item": col, "r": float(r), "r_corrected": float(r_drop), "n": n, "r_crit": r_crit}
        )
    out = pd.DataFrame(rows)
    # The thesis's rule is "r hitung > r tabel" (strict).
    out["decision"] = np.where(out[use] > out["r_crit"], VALID, NOT_VALID)
    return out


def feldt_interval(alpha: float, n: int, k: int, ci: float = 0.95) -> tuple[float, float]:
    """Feldt's F-based confidence interval of Cronbach's alpha (Feldt, Woodruff & Salih 1987,
    Appl Psychol Meas 11:93-103), unrounded.

    ``1 - (1 - alpha) F_{(1 -+ ci)/2}(n - 1, (n - 1)(k - 1))``: the interval pingouin's
    ``cronbach_alpha`` computes and then rounds to 3 decimals (pingouin 0.7,
    ``np.round(..., 3)``), so it is recomputed here from the same formula without rounding.
    """
    df1 = n - 1
    df2 = df1 * (k - 1)
    lower = 1 - (1 - alpha) * stats.f.isf((1 - ci) / 2, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.isf((1 + ci) / 2, df1, df2)
    return float(lower), float(upper)


def standardized_alpha(corr: np.ndarray) -> float:
    """SPSS's "Cronbach's Alpha Based on Standardized Items": k r / (1 + (k - 1) r) with r the
    mean inter-item correlation (the alpha of the z-scored items; psych's ``std.alpha``).
    Hand-written: pingouin has no standardised alpha."""
    r = np.asarray(corr, dtype=float)
    k = r.shape[0]
    rbar = (r.sum() - np.trace(r)) / (k * (k - 1))
    return float(k * rbar / (1 + (k - 1) * rbar))


def squared_multiple_correlations(corr: np.ndarray) -> np.ndarray:
    """R^2 of each item regressed on the others: ``1 - 1 / diag(inv(R))`` (SPSS's "Squared
    Multiple Correlation"; Guttman 1940). NaN for every item when R is singular (more items
    than respondents - 1, or an item that is a linear combination of others), where SPSS
    prints no value either."""
    r = np.asarray(corr, dtype=float)
    if np.linalg.matrix_rank(r) < r.shape[0]:
        return np.full(r.shape[0], np.nan)
    return 1 - 1 / np.diag(np.linalg.inv(r))


def _alpha(data: pd.DataFrame) -> float:
    return float(pg.cronbach_alpha(data=data, nan_policy="listwise")[0])


def item_total_statistics(
    items: pd.DataFrame, *, max_missing_share: float = DEFAULT_MAX_MISSING_SHARE
) -> pd.DataFrame:
    """SPSS's *Item-Total Statistics* table of one scale (RELIABILITY /SUMMARY=TOTAL).

    One row per item: ``item``, ``scale_mean_if_deleted``, ``scale_variance_if_deleted``
    (sample variance, n - 1, of the rest score), ``r_corrected`` (Pearson r of the item with
    the rest score; SPSS "Corrected Item-Total Correlation", psych ``r.drop``), ``smc``
    (:func:`squared_multiple_correlations`), ``alpha_if_deleted`` (pingouin's alpha of the
    other items), ``n``. Rows with a missing answer are dropped listwise, as SPSS does.
    Alpha if deleted needs at least three items; with two it is NaN (one item left).
    """
    data = _prepared(items, "item_total_statistics", max_missing_share)
    total = data.sum(axis=1)
    smc = squared_multiple_correlations(data.corr().to_numpy())
    rows = []
    for i, col in enumerate(data.columns):
        rest = total - data[col]
        require_variance(rest, f"item_total_statistics: the rest score without item {col!r}")
        rows.append(
            {
                "item": col,
                "scale_mean_if_deleted": float(rest.mean()),
                "scale_variance_if_deleted": float(rest.var(ddof=1)),
                "r_corrected": float(stats.pearsonr(data[col], rest).statistic),
                "smc": float(smc[i]),
                "alpha_if_deleted": (
                    _alpha(data.drop(columns=col)) if data.shape[1] > 2 else float("nan")
                ),
                "n": len(data),
            }
        )
    return pd.DataFrame(rows)


def reliability(
    items: pd.DataFrame,
    threshold: float = 0.61,
    *,
    ci: float = 0.95,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Cronbach's alpha of one variable's items, with its confidence interval.

    ``pingouin.cronbach_alpha`` with ``nan_policy="listwise"`` (SPSS drops whole rows; pingouin's
    default is pairwise). The CI is Feldt's F-based interval (:func:`feldt_interval`),
    unrounded. One row: ``alpha``, ``alpha_standardized`` (:func:`standardized_alpha`),
    ``ci_low``, ``ci_high``, ``n``, ``k``, ``scale_mean``, ``scale_variance``, ``threshold``,
    ``decision`` ("Reliabel" if alpha >= threshold, else "Tidak reliabel"; Table 11 uses 0.61).
    """
    data = _prepared(items, "reliability", max_missing_share)
    total = data.sum(axis=1)
    require_variance(total, "reliability: the total score")
    a = _alpha(data)
    lo, hi = feldt_interval(a, len(data), data.shape[1], ci)
    return pd.DataFrame(
        [
            {
                "alpha": a,
                "alpha_standardized": standardized_alpha(data.corr().to_numpy()),
                "ci_low": lo,
                "ci_high": hi,
                "n": len(data),
                "k": data.shape[1],
                "scale_mean": float(total.mean()),
                "scale_variance": float(total.var(ddof=1)),
                "threshold": threshold,
                "decision": RELIABLE if a >= threshold else NOT_RELIABLE,
            }
        ]
    )
