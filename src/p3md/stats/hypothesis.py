"""Hypothesis tests of the thesis: Spearman (alpha 0.10) and Kruskal-Wallis (alpha 0.05),
with the effect sizes, post-hoc tests and multiplicity adjustments the thesis leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import pandas as pd
import scikit_posthocs as sp
from scipy import stats
from statsmodels.stats.multitest import multipletests

from p3md.stats._checks import (
    DEFAULT_MAX_MISSING_SHARE,
    drop_incomplete,
    numeric_frame,
    require_rows,
    require_variance,
)
from p3md.stats.errors import StatsInputError

RELATED, NOT_RELATED = "Berhubungan nyata", "Tidak berhubungan nyata"
DIFFERENT, NOT_DIFFERENT = "Berbeda nyata", "Tidak berbeda nyata"
ALL_GROUPS = "all"

_METHOD_NAMES = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonferroni": "Bonferroni"}


# -- Spearman ----------------------------------------------------------------------------
def _spearman_one(
    data: pd.DataFrame, x: str, y: str, group: object, alpha: float, max_missing_share: float
) -> dict:
    what = f"spearman {x} ~ {y} (group {group})"
    pair = drop_incomplete(numeric_frame(data[[x, y]], what), what, max_missing_share)
    require_rows(len(pair), 3, what)
    require_variance(pair[x], f"{what}: {x}")
    require_variance(pair[y], f"{what}: {y}")
    # scipy's p uses the t approximation (as R's cor.test does with ties; without ties R
    # uses the exact AS 89 p for n < 1290, so small untied samples can differ slightly).
    res = stats.spearmanr(pair[x], pair[y])
    rho, p = float(res.statistic), float(res.pvalue)
    return {
        "group": group,
        "x": x,
        "y": y,
        "n": len(pair),
        "rho": rho,
        "p": p,
        "alpha": alpha,
        "significant": p <= alpha,
        "decision": RELATED if p <= alpha else NOT_RELATED,
    }


def spearman_table(
    df: pd.DataFrame,
    x_cols: Sequence[str],
    y_col: str,
    by: str | None = None,
    alpha: float = 0.10,
    *,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Spearman's rho of each ``x`` with ``y``, pooled (``group == "all"``) and per ``by`` group.

    Columns: ``group``, ``x``, ``y``, ``n``, ``rho``, ``p`` (two-sided), ``alpha``,
    ``significant`` (p <= alpha, the thesis's "Sig <= 0,1"), ``decision``
    ("Berhubungan nyata"/"Tidak berhubungan nyata"). Missing values are dropped per pair.
    """
    missing = [c for c in [*x_cols, y_col, *([by] if by else [])] if c not in df.columns]
    if missing:
        raise StatsInputError(f"spearman_table: columns {missing} not in the data")
    rows = [_spearman_one(df, x, y_col, ALL_GROUPS, alpha, max_missing_share) for x in x_cols]
    if by is not None:
        for g, sub in df.groupby(by, sort=True, observed=True):
            rows += [_spearman_one(sub, x, y_col, g, alpha, max_missing_share) for x in x_cols]
    return pd.DataFrame(rows)


# -- Kruskal-Wallis ----------------------------------------------------------------------
def _groups(
    df: pd.DataFrame, group_col: str, outcome: str, min_size: int, max_missing_share: float
) -> pd.DataFrame:
    if group_col not in df.columns or outcome not in df.columns:
        raise StatsInputError(f"columns {group_col!r}/{outcome!r} not in the data")
    what = f"{outcome} by {group_col}"
    if df[group_col].isna().any():
        raise StatsInputError(f"{what}: {int(df[group_col].isna().sum())} rows have no group")
    data = df[[group_col]].copy()
    data[outcome] = numeric_frame(df[[outcome]], what)[outcome]
    data = drop_incomplete(data, what, max_missing_share)
    sizes = data.groupby(group_col, observed=True).size()
    if len(sizes) < 2:
        raise StatsInputError(f"{what}: needs at least 2 groups, got {list(sizes.index)}")
    small = sizes[sizes < min_size]
    if not small.empty:
        raise StatsInputError(
            f"{what}: group(s) {small.to_dict()} have fewer than {min_size} observations; a "
            "group of one has no spread and its rank comparison is not meaningful"
        )
    if data[outcome].nunique() == 1:
        raise StatsInputError(
            f"{what}: all {len(data)} values are tied ({data[outcome].iloc[0]:g}); the tie "
            "correction divides by zero (R's kruskal.test returns NaN)"
        )
    return data


def kruskal_table(
    df: pd.DataFrame,
    group_col: str,
    outcome_cols: Sequence[str],
    alpha: float = 0.05,
    *,
    min_group_size: int = 2,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Kruskal-Wallis H (tie-corrected, ``scipy.stats.kruskal``) of each outcome across groups.

    One row per outcome: ``outcome``, ``H``, ``df`` (k - 1), ``p``, ``n``, ``k``,
    ``epsilon_squared`` = H / (n - 1) (Tomczak & Tomczak 2014, Trends Sport Sci 21(1):19-25;
    hand-written because none of the libraries reports it), ``alpha``, ``significant``,
    ``decision`` ("Berbeda nyata"/"Tidak berbeda nyata"), and per group ``n_<group>`` and
    ``mean_rank_<group>`` (ranks of the pooled sample, average ranks for ties, as SPSS prints).
    """
    rows = []
    for outcome in outcome_cols:
        data = _groups(df, group_col, outcome, min_group_size, max_missing_share)
        samples = [
            g[outcome].to_numpy() for _, g in data.groupby(group_col, sort=True, observed=True)
        ]
        h, p = stats.kruskal(*samples)
        n, k = len(data), len(samples)
        row = {
            "outcome": outcome,
            "H": float(h),
            "df": k - 1,
            "p": float(p),
            "n": n,
            "k": k,
            "epsilon_squared": float(h) / (n - 1),
            "alpha": alpha,
            "significant": p <= alpha,
            "decision": DIFFERENT if p <= alpha else NOT_DIFFERENT,
        }
        ranks = data[outcome].rank(method="average")
        for g, idx in data.groupby(group_col, sort=True, observed=True).groups.items():
            row[f"n_{g}"] = len(idx)
            row[f"mean_rank_{g}"] = float(ranks.loc[idx].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def mann_whitney_table(
    df: pd.DataFrame,
    group_col: str,
    outcome_cols: Sequence[str],
    alpha: float = 0.05,
    *,
    order: Sequence[str] | None = None,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Mann-Whitney U for two groups (``scipy.stats.mannwhitneyu``, the numbers of
    ``pingouin.mwu``), the two-group Kruskal-Wallis.

    Columns: ``outcome``, ``group_1``, ``group_2`` (``order`` or sorted), ``n_1``, ``n_2``,
    ``U`` (U of group_1), ``p`` (two-sided), ``RBC`` (rank-biserial correlation, positive
    when group_1 tends to be larger), ``CLES``, ``significant``, ``decision``.
    """
    rows = []
    for outcome in outcome_cols:
        data = _groups(df, group_col, outcome, 2, max_missing_share)
        names = list(order) if order is not None else sorted(data[group_col].unique())
        if len(names) != 2 or set(names) != set(data[group_col].unique()):
            raise StatsInputError(
                f"mann_whitney_table: needs exactly two groups, got {sorted(data[group_col].unique())}"  # noqa: E501
            )
        x = data.loc[data[group_col] == names[0], outcome]
        y = data.loc[data[group_col] == names[1], outcome]
        # scipy's test, as pingouin.mwu runs it; the effect sizes from U. pingouin.mwu gets
        # CLES from the n_1 x n_2 matrix of all differences (3.6 GB and 35 s for the x1000
        # data), but CLES = P(x > y) + P(x = y) / 2 = U_x / (n_1 n_2) exactly, and pingouin's
        # RBC = 1 - 2 U_y / (n_1 n_2) = 2 CLES - 1: linear in memory, the same numbers.
        u_x, p = stats.mannwhitneyu(x, y, alternative="two-sided")
        cles = float(u_x) / (len(x) * len(y))
        p = float(p)
        rows.append(
            {
                "outcome": outcome,
                "group_1": names[0],
                "group_2": names[1],
                "n_1": len(x),
                "n_2": len(y),
                "U": float(u_x),
                "p": p,
                "RBC": 2 * cles - 1,
                "CLES": cles,
                "alpha": alpha,
                "significant": p <= alpha,
                "decision": DIFFERENT if p <= alpha else NOT_DIFFERENT,
            }
        )
    return pd.DataFrame(rows)


def dunn_table(
    df: pd.DataFrame,
    group_col: str,
    outcome: str,
    p_adjust: str = "holm",
    alpha: float = 0.05,
    *,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Dunn's pairwise post-hoc test (``scikit_posthocs.posthoc_dunn``, tie-corrected) in long form.

    One row per pair: ``outcome``, ``group_1``, ``group_2``, ``mean_rank_1``, ``mean_rank_2``,
    ``mean_rank_diff``, ``p_unadjusted``, ``p_adjusted`` (method ``p_adjust``, statsmodels
    names), ``p_adjust``, ``significant`` (adjusted p <= alpha).
    """
    data = _groups(df, group_col, outcome, 2, max_missing_share)
    raw = sp.posthoc_dunn(data, val_col=outcome, group_col=group_col, p_adjust=None)
    adj = sp.posthoc_dunn(data, val_col=outcome, group_col=group_col, p_adjust=p_adjust)
    ranks = data[outcome].rank(method="average").groupby(data[group_col], observed=True).mean()
    rows = []
    for a, b in combinations(sorted(raw.index), 2):
        pa = float(adj.loc[a, b])
        rows.append(
            {
                "outcome": outcome,
                "group_1": a,
                "group_2": b,
                "mean_rank_1": float(ranks[a]),
                "mean_rank_2": float(ranks[b]),
                "mean_rank_diff": float(ranks[a] - ranks[b]),
                "p_unadjusted": float(raw.loc[a, b]),
                "p_adjusted": pa,
                "p_adjust": p_adjust,
                "significant": pa <= alpha,
            }
        )
    return pd.DataFrame(rows)


# -- multiplicity --------------------------------------------------------------------------
def adjust_pvalues(
    p: pd.Series | Sequence[float],
    methods: Sequence[str] = ("holm", "fdr_bh"),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Adjust a family of p values (``statsmodels.stats.multitest.multipletests``).

    Index follows ``p`` (a Series keeps its labels). Columns: ``p``, ``significant``, then per
    method ``p_<method>`` and ``significant_<method>``, and ``decision_changes`` (True where
    any adjustment reverses the unadjusted decision at ``alpha``).
    """
    s = pd.Series(p, dtype=float) if not isinstance(p, pd.Series) else p.astype(float)
    if s.empty:
        raise StatsInputError("adjust_pvalues: no p values")
    if s.isna().any() or ((s < 0) | (s > 1)).any():
        raise StatsInputError(f"adjust_pvalues: p values must lie in [0, 1]: {s.to_dict()}")
    out = pd.DataFrame({"p": s, "significant": s <= alpha}, index=s.index)
    changes = pd.Series(False, index=s.index)
    for m in methods:
        reject, p_adj, _, _ = multipletests(s.to_numpy(), alpha=alpha, method=m)
        out[f"p_{m}"] = p_adj
        out[f"significant_{m}"] = p_adj <= alpha
        changes |= out[f"significant_{m}"] != out["significant"]
    out["decision_changes"] = changes
    return out


def decision_change_sentence(adjusted: pd.DataFrame, lang: str = "id") -> str:
    """One sentence: did adjustment change any decision (output of :func:`adjust_pvalues`)?"""
    methods = [c[2:] for c in adjusted.columns if c.startswith("p_")]
    names = ", ".join(_METHOD_NAMES.get(m, m) for m in methods)
    changed = adjusted.index[adjusted["decision_changes"]].tolist()
    if lang == "en":
        if not changed:
            return f"No decision changes after adjustment ({names})."
        return f"Decisions change after adjustment ({names}) for: {', '.join(map(str, changed))}."
    if not changed:
        return f"Keputusan tidak berubah setelah penyesuaian ({names})."
    detail = []
    for idx in changed:
        ms = [
            _METHOD_NAMES.get(m, m)
            for m in methods
            if adjusted.loc[idx, f"significant_{m}"] != adjusted.loc[idx, "significant"]
        ]
        detail.append(f"{idx} ({', '.join(ms)})")
    return f"Keputusan berubah setelah penyesuaian untuk: {'; '.join(detail)}."
