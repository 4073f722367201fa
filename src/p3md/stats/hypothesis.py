"""Hypothesis tests of the thesis: Spearman (alpha 0.10) and Kruskal-Wallis (alpha 0.05),
with the effect sizes, post-hoc tests and multiplicity adjustments the thesis leaves out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
import scikit_posthocs as sp
from scipy import stats
from statsmodels.stats.multitest import multipletests

from p3md.stats import pvalues
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


#: Groups of at most this many observations are computed but flagged (R and SPSS compute them
#: too; R's kruskal.test and SPSS's NPAR TESTS print no refusal for a group of one).
SMALL_GROUP_MAX = 2
#: Spearman's exact p (all n! orderings) is computed up to this n, without ties.
SPEARMAN_EXACT_MAX_N = 9

SMALL_GROUP_NOTES: dict[str, str] = {
    "id": (
        "Peringatan: kelompok sangat kecil ({groups}). Statistik tetap dihitung, seperti R dan "
        "SPSS, tetapi kelompok berisi satu atau dua pengamatan hampir tidak memberi daya uji dan "
        "pendekatan asimtotiknya kurang tepat; tafsirkan hasil ini dengan hati-hati."
    ),
    "en": (
        "Warning: very small groups ({groups}). The statistics are computed, as R and SPSS do, "
        "but a group of one or two observations gives the test almost no power and its "
        "asymptotic approximation is poor; interpret with care."
    ),
}


def small_group_note(tables: Sequence[pd.DataFrame], lang: str = "id") -> str | None:
    """The warning sentence for a table note when any row has a group of one or two (the
    ``small_groups`` column of :func:`kruskal_table`, :func:`mann_whitney_table`,
    :func:`dunn_table`), or ``None``."""
    found: list[str] = []
    for t in tables:
        if "small_groups" in t.columns:
            for v in t["small_groups"]:
                if v and v not in found:
                    found.append(str(v))
    if not found:
        return None
    return SMALL_GROUP_NOTES.get(lang, SMALL_GROUP_NOTES["id"]).format(groups="; ".join(found))


def _small_groups(sizes: pd.Series, what: str) -> str:
    small = sizes[sizes <= SMALL_GROUP_MAX]
    if small.empty:
        return ""
    return f"{what}: " + ", ".join(f"{g} (n = {int(k)})" for g, k in small.items())


# -- Spearman ----------------------------------------------------------------------------
def _spearman_one(
    data: pd.DataFrame,
    x: str,
    y: str,
    group: object,
    alpha: float,
    max_missing_share: float,
    p_method: str,
) -> dict:
    what = f"spearman {x} ~ {y} (group {group})"
    pair = drop_incomplete(numeric_frame(data[[x, y]], what), what, max_missing_share)
    require_rows(len(pair), 3, what)
    require_variance(pair[x], f"{what}: {x}")
    require_variance(pair[y], f"{what}: {y}")
    # Asymptotic p: scipy's t approximation with df = n - 2, which SPSS prints as "Sig.
    # (2-tailed)" for Spearman and R's cor.test uses with ties.
    res = stats.spearmanr(pair[x], pair[y])
    rho, n = float(res.statistic), len(pair)
    exact, exact_method = math.nan, pvalues.NOT_AVAILABLE
    if n <= SPEARMAN_EXACT_MAX_N and pair[x].is_unique and pair[y].is_unique:
        exact = pvalues.spearman_exact_p(pair[x].to_numpy(), pair[y].to_numpy())
        exact_method = pvalues.EXACT
    chosen = pvalues.choose(
        float(res.pvalue), pvalues.ASYMPTOTIC_T, exact, exact_method, n, p_method
    )
    p = chosen["p"]
    return {
        "group": group,
        "x": x,
        "y": y,
        "n": n,
        "rho": rho,
        **chosen,
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
    p_method: str = "asymptotic",
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Spearman's rho of each ``x`` with ``y``, pooled (``group == "all"``) and per ``by`` group.

    Columns: ``group``, ``x``, ``y``, ``n``, ``rho``, ``p_asymptotic`` (two-sided, t with
    df = n - 2), ``method_asymptotic``, ``p_exact`` (all n! orderings, for n <= 9 without
    ties, else NaN), ``method_exact``, ``p`` (the one ``p_method`` chooses, see
    :mod:`p3md.stats.pvalues`), ``p_method``, ``alpha``, ``significant`` (p <= alpha, the
    thesis's "Sig <= 0,1"), ``decision`` ("Berhubungan nyata"/"Tidak berhubungan nyata").
    Missing values are dropped per pair.
    """
    missing = [c for c in [*x_cols, y_col, *([by] if by else [])] if c not in df.columns]
    if missing:
        raise StatsInputError(f"spearman_table: columns {missing} not in the data")
    pvalues.check_p_method(p_method)
    args = (alpha, max_missing_share, p_method)
    rows = [_spearman_one(df, x, y_col, ALL_GROUPS, *args) for x in x_cols]
    if by is not None:
        # One analysis: the share of incomplete rows is judged on all its rows (the pooled
        # rows above), so a group is not refused for one empty answer among its few members.
        within = (alpha, 1.0, p_method)
        for g, sub in df.groupby(by, sort=True, observed=True):
            rows += [_spearman_one(sub, x, y_col, g, *within) for x in x_cols]
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
    if min_size < 1:
        raise StatsInputError(f"{what}: min_group_size must be at least 1, got {min_size}")
    small = sizes[sizes < min_size]
    if not small.empty:
        raise StatsInputError(
            f"{what}: group(s) {small.to_dict()} have fewer than {min_size} observations, the "
            "study's min_group_size; lower the parameter min_group_size (R and SPSS compute "
            "the test for a group of one) or merge the groups"
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
    min_group_size: int = 1,
    p_method: str = "asymptotic",
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Kruskal-Wallis H (tie-corrected, ``scipy.stats.kruskal``) of each outcome across groups.

    One row per outcome: ``outcome``, ``H``, ``df`` (k - 1), ``p_asymptotic`` (chi-square with
    k - 1 df, SPSS's "Asymp. Sig."), ``method_asymptotic``, ``p_exact`` (NaN: no exact
    Kruskal-Wallis p is computed), ``method_exact`` ("not_available"), ``p`` and ``p_method``
    (see :mod:`p3md.stats.pvalues`), ``n``, ``k``, ``epsilon_squared`` = H / (n - 1) (Tomczak &
    Tomczak 2014, Trends Sport Sci 21(1):19-25; hand-written because none of the libraries
    reports it), ``alpha``, ``significant``, ``decision`` ("Berbeda nyata"/"Tidak berbeda
    nyata"), ``small_groups`` (groups of one or two, "" if none), and per group ``n_<group>``
    and ``mean_rank_<group>`` (ranks of the pooled sample, average ranks for ties, as SPSS
    prints). Groups smaller than ``min_group_size`` are refused.
    """
    pvalues.check_p_method(p_method)
    rows = []
    for outcome in outcome_cols:
        data = _groups(df, group_col, outcome, min_group_size, max_missing_share)
        grouped = data.groupby(group_col, sort=True, observed=True)
        samples = [g[outcome].to_numpy() for _, g in grouped]
        h, p_asym = stats.kruskal(*samples)
        n, k = len(data), len(samples)
        chosen = pvalues.choose(
            float(p_asym), pvalues.ASYMPTOTIC_CHI2, math.nan, pvalues.NOT_AVAILABLE, n, p_method
        )
        p = chosen["p"]
        row = {
            "outcome": outcome,
            "H": float(h),
            "df": k - 1,
            **chosen,
            "n": n,
            "k": k,
            "epsilon_squared": float(h) / (n - 1),
            "alpha": alpha,
            "significant": p <= alpha,
            "decision": DIFFERENT if p <= alpha else NOT_DIFFERENT,
            "small_groups": _small_groups(grouped.size(), outcome),
        }
        ranks = data[outcome].rank(method="average")
        for g, idx in grouped.groups.items():
            row[f"n_{g}"] = len(idx)
            row[f"mean_rank_{g}"] = float(ranks.loc[idx].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def _mann_whitney_p(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, str]:
    """Asymptotic p without and with continuity correction, exact p and its method.

    Asymptotic: the tie-corrected normal approximation of U, two-sided, *without* continuity
    correction as SPSS's "Asymp. Sig. (2-tailed)" (r2spss, Alfons 2022, reproduces SPSS with
    ``z = (W - mu) / sigma``); with correction as R's ``wilcox.test`` default
    (``correct = TRUE``). Exact: scipy's exact U distribution without ties; with ties the exact
    permutation distribution conditional on the tied ranks (:func:`pvalues.rank_sum_exact_p`);
    not computed above ``pvalues.EXACT_MAX_N`` observations.
    """
    p_asym = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=False).pvalue
    p_cc = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True).pvalue
    pooled = np.concatenate([x, y])
    if len(pooled) > pvalues.EXACT_MAX_N:
        return float(p_asym), float(p_cc), math.nan, pvalues.NOT_AVAILABLE
    if len(np.unique(pooled)) == len(pooled):
        return (
            float(p_asym),
            float(p_cc),
            float(stats.mannwhitneyu(x, y, method="exact").pvalue),
            pvalues.EXACT,
        )
    first = np.r_[np.ones(len(x), bool), np.zeros(len(y), bool)]
    exact = pvalues.rank_sum_exact_p(stats.rankdata(pooled), first)
    return float(p_asym), float(p_cc), exact, pvalues.EXACT_CONDITIONAL


def _tie_term(ranks_or_values: np.ndarray) -> float:
    """sum(t^3 - t) over the groups of tied values (the tie correction of rank tests)."""
    _, counts = np.unique(ranks_or_values, return_counts=True)
    return float((counts.astype(float) ** 3 - counts).sum())


def spss_mann_whitney(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """The Mann-Whitney "Test Statistics" SPSS prints (NPAR TESTS M-W; IBM SPSS Statistics
    documentation, "M-W Subcommand"): ``U_spss`` = min(U_x, U_y); ``W_wilcoxon`` = the rank sum
    of the smaller group (with equal sizes, the smaller rank sum, which is the one that gives
    ``U_spss``); ``Z`` = (U_spss - n_x n_y / 2) / sigma with the tie-corrected sigma and no
    continuity correction, so Z <= 0 and 2 Phi(Z) is SPSS's "Asymp. Sig. (2-tailed)".

    Hand-written because scipy returns U_x and the p only; the formulas are the textbook ones
    (Siegel & Castellan 1988, 4.3) that scipy's own asymptotic p uses.
    """
    nx, ny = len(x), len(y)
    ranks = stats.rankdata(np.concatenate([x, y]))
    rx, ry = float(ranks[:nx].sum()), float(ranks[nx:].sum())
    ux = rx - nx * (nx + 1) / 2
    uy = nx * ny - ux
    n = nx + ny
    var = nx * ny / 12 * ((n + 1) - _tie_term(ranks) / (n * (n - 1)))
    u = min(ux, uy)
    if nx != ny:
        w = rx if nx < ny else ry
    else:
        w = min(rx, ry)
    z = (u - nx * ny / 2) / math.sqrt(var) if var > 0 else math.nan
    return {"U_spss": u, "W_wilcoxon": w, "Z": z}


def mann_whitney_table(
    df: pd.DataFrame,
    group_col: str,
    outcome_cols: Sequence[str],
    alpha: float = 0.05,
    *,
    order: Sequence[str] | None = None,
    min_group_size: int = 1,
    p_method: str = "asymptotic",
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Mann-Whitney U for two groups (``scipy.stats.mannwhitneyu``), the two-group
    Kruskal-Wallis.

    Columns: ``outcome``, ``group_1``, ``group_2`` (``order`` or sorted), ``n_1``, ``n_2``,
    ``U`` (U of group_1), ``p_asymptotic`` (SPSS's Asymp. Sig., no continuity correction),
    ``method_asymptotic``, ``p_asymptotic_cc`` (with continuity correction, R's default),
    ``p_exact`` (SPSS's Exact Sig.; conditional on ties when there are ties), ``method_exact``,
    ``p`` and ``p_method`` (chosen by ``p_method``), ``RBC`` (rank-biserial correlation,
    positive when group_1 tends to be larger), ``CLES``, ``significant``, ``decision``,
    ``small_groups``.
    """
    pvalues.check_p_method(p_method)
    rows = []
    for outcome in outcome_cols:
        data = _groups(df, group_col, outcome, min_group_size, max_missing_share)
        present = sorted(data[group_col].unique())
        names = list(order) if order is not None else present
        if len(names) != 2 or len(present) != 2:
            raise StatsInputError(
                f"mann_whitney_table: needs exactly two groups, got {present}"
                + (f" (order {names})" if order is not None else "")
            )
        if set(names) != set(present):
            empty = sorted(set(names) - set(present))
            raise StatsInputError(
                f"mann_whitney_table: group(s) {empty} of {outcome} by {group_col} are empty"
            )
        x = data.loc[data[group_col] == names[0], outcome].to_numpy()
        y = data.loc[data[group_col] == names[1], outcome].to_numpy()
        # The effect sizes from U. pingouin.mwu gets CLES from the n_1 x n_2 matrix of all
        # differences (3.6 GB and 35 s for the x1000 data), but CLES = P(x > y) + P(x = y) / 2
        # = U_x / (n_1 n_2) exactly, and pingouin's RBC = 1 - 2 U_y / (n_1 n_2) = 2 CLES - 1:
        # linear in memory, the same numbers.
        u_x = float(stats.mannwhitneyu(x, y, method="asymptotic").statistic)
        p_asym, p_cc, p_exact, exact_method = _mann_whitney_p(x, y)
        chosen = pvalues.choose(
            p_asym, pvalues.ASYMPTOTIC, p_exact, exact_method, len(x) + len(y), p_method
        )
        p = chosen["p"]
        cles = u_x / (len(x) * len(y))
        spss = spss_mann_whitney(x, y)
        rows.append(
            {
                "outcome": outcome,
                "group_1": names[0],
                "group_2": names[1],
                "n_1": len(x),
                "n_2": len(y),
                "U": u_x,
                **spss,
                **chosen,
                "p_asymptotic_cc": p_cc,
                "RBC": 2 * cles - 1,
                "CLES": cles,
                "alpha": alpha,
                "significant": p <= alpha,
                "decision": DIFFERENT if p <= alpha else NOT_DIFFERENT,
                "small_groups": _small_groups(
                    pd.Series({names[0]: len(x), names[1]: len(y)}), outcome
                ),
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
    min_group_size: int = 1,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Dunn's pairwise post-hoc test (``scikit_posthocs.posthoc_dunn``, tie-corrected) in long form.

    One row per pair: ``outcome``, ``group_1``, ``group_2``, ``n_1``, ``n_2``, ``mean_rank_1``,
    ``mean_rank_2``, ``mean_rank_diff``, ``p_unadjusted`` (asymptotic normal, no continuity
    correction: ``method``), ``p_adjusted`` (method ``p_adjust``, statsmodels names),
    ``p_adjust``, ``significant`` (adjusted p <= alpha), ``small_groups``.
    """
    data = _groups(df, group_col, outcome, min_group_size, max_missing_share)
    raw = sp.posthoc_dunn(data, val_col=outcome, group_col=group_col, p_adjust=None)
    adj = sp.posthoc_dunn(data, val_col=outcome, group_col=group_col, p_adjust=p_adjust)
    ranks = data[outcome].rank(method="average").groupby(data[group_col], observed=True).mean()
    sizes = data.groupby(group_col, observed=True).size()
    # The standardised statistic SPSS prints beside each pair ("Std. Test Statistic"): the
    # mean-rank difference over its tie-corrected standard error (Dunn 1964, eq. 4; the same z
    # whose two-sided normal p scikit-posthocs returns, which the tests check).
    n_all = len(data)
    tie = _tie_term(data[outcome].to_numpy())
    base = n_all * (n_all + 1) / 12 - tie / (12 * (n_all - 1))
    rows = []
    for a, b in combinations(sorted(raw.index), 2):
        pa = float(adj.loc[a, b])
        se = math.sqrt(base * (1 / sizes[a] + 1 / sizes[b]))
        rows.append(
            {
                "outcome": outcome,
                "group_1": a,
                "group_2": b,
                "n_1": int(sizes[a]),
                "n_2": int(sizes[b]),
                "mean_rank_1": float(ranks[a]),
                "mean_rank_2": float(ranks[b]),
                "mean_rank_diff": float(ranks[a] - ranks[b]),
                "se": se,
                "z": float(ranks[a] - ranks[b]) / se,
                "p_unadjusted": float(raw.loc[a, b]),
                "method": pvalues.ASYMPTOTIC,
                "p_adjusted": pa,
                "p_adjust": p_adjust,
                "significant": pa <= alpha,
                "small_groups": _small_groups(sizes[[a, b]], outcome),
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
