"""Wioi training: pre-test/post-test of 16 participants and the satisfaction survey.

Pre and post are Series indexed by participant; they are aligned on the index, so a
participant who missed one test is visible as an incomplete pair (dropped within the
codebook's missing-data share, else refused). Differences are always ``post - pre``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import confint_proportions_2indep

from p3md.stats import pvalues
from p3md.stats._checks import (
    DEFAULT_MAX_MISSING_SHARE,
    drop_incomplete,
    numeric_series,
    require_rows,
)
from p3md.stats.errors import StatsInputError

#: Hake (1998) classes, used when the codebook's ``wioi.ngain_classes`` is not passed.
HAKE_CLASSES: tuple[dict[str, Any], ...] = (
    {"min": 0.7, "label": "Tinggi"},
    {"min": 0.3, "label": "Sedang"},
    {"min": None, "label": "Rendah"},
)
NOT_COMPUTABLE = "tidak dapat dihitung"


def _pairs(
    pre: pd.Series, post: pd.Series, what: str, max_missing_share: float = DEFAULT_MAX_MISSING_SHARE
) -> pd.DataFrame:
    pre_s, post_s = numeric_series(pre, f"{what} pre"), numeric_series(post, f"{what} post")
    if pre_s.index.has_duplicates or post_s.index.has_duplicates:
        raise StatsInputError(f"{what}: participant index has duplicates")
    data = pd.concat({"pre": pre_s, "post": post_s}, axis=1)
    data = drop_incomplete(data, what, max_missing_share)
    require_rows(len(data), 3, what)
    data["diff"] = data["post"] - data["pre"]
    return data


def describe_prepost(
    pre: pd.Series, post: pd.Series, *, max_missing_share: float = DEFAULT_MAX_MISSING_SHARE
) -> pd.DataFrame:
    """Rows ``pre``, ``post``, ``difference``; columns ``phase``, ``n``, ``mean``, ``sd``,
    ``median``, ``min``, ``max`` (complete pairs only)."""
    data = _pairs(pre, post, "describe_prepost", max_missing_share)
    rows = []
    for phase, col in (("pre", "pre"), ("post", "post"), ("difference", "diff")):
        v = data[col]
        rows.append(
            {
                "phase": phase,
                "n": len(v),
                "mean": v.mean(),
                "sd": v.std(ddof=1),
                "median": v.median(),
                "min": v.min(),
                "max": v.max(),
            }
        )
    return pd.DataFrame(rows)


def shapiro_differences(
    pre: pd.Series,
    post: pd.Series,
    alpha: float = 0.05,
    *,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Shapiro-Wilk on ``post - pre`` (the assumption of the paired t-test).

    Columns: ``n``, ``W``, ``p``, ``normal`` (p > alpha).
    """
    d = _pairs(pre, post, "shapiro_differences", max_missing_share)["diff"]
    if d.nunique() == 1:
        raise StatsInputError("shapiro_differences: all differences are equal; W is undefined")
    res = stats.shapiro(d)
    return pd.DataFrame(
        [
            {
                "n": len(d),
                "W": float(res.statistic),
                "p": float(res.pvalue),
                "p_method": pvalues.ROYSTON,
                "normal": bool(res.pvalue > alpha),
            }
        ]
    )


def paired_t(
    pre: pd.Series,
    post: pd.Series,
    confidence: float = 0.95,
    *,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Paired t-test of ``post`` vs ``pre`` (``pingouin.ttest(post, pre, paired=True)``).

    Columns: ``n``, ``mean_diff``, ``ci_low``, ``ci_high`` (CI of the mean difference),
    ``T``, ``dof``, ``p``, ``d_z`` = mean(diff) / sd(diff) (Cohen 1988; the effect size that
    matches the paired test), and ``cohen_d_pingouin``: pingouin's paired ``cohen_d`` is *not*
    d_z -- it standardises by the average SD of pre and post (d_av, Lakens 2013), so it is
    reported separately for comparison.
    """
    data = _pairs(pre, post, "paired_t", max_missing_share)
    d = data["diff"]
    if d.std(ddof=1) == 0:
        raise StatsInputError(
            "paired_t: every participant changed by the same amount; t and d_z are undefined"
        )
    res = pg.ttest(data["post"], data["pre"], paired=True, confidence=confidence).iloc[0]
    # pingouin 0.7 rounds its CI95 to two decimals; recompute it exactly from the t quantile.
    se = d.std(ddof=1) / np.sqrt(len(d))
    tq = stats.t.ppf(0.5 + confidence / 2, len(d) - 1)
    lo, hi = d.mean() - tq * se, d.mean() + tq * se
    return pd.DataFrame(
        [
            {
                "n": len(d),
                "mean_diff": d.mean(),
                "ci_low": lo,
                "ci_high": hi,
                "T": float(res["T"]),
                "dof": float(res["dof"]),
                "p": float(res["p_val"]),
                "p_method": pvalues.T_DIST,
                "d_z": d.mean() / d.std(ddof=1),
                "cohen_d_pingouin": float(res["cohen_d"]),
            }
        ]
    )


def wilcoxon_signed_rank(
    pre: pd.Series,
    post: pd.Series,
    *,
    p_method: str = "asymptotic",
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Wilcoxon signed-rank test of ``post - pre`` (``scipy.stats.wilcoxon``, zero differences
    dropped as SPSS and R do).

    Columns: ``n``, ``n_nonzero``, ``W_plus``, ``W_minus``, ``statistic`` (scipy's, the
    smaller of the two), ``p_asymptotic`` (tie-corrected normal approximation *without*
    continuity correction: SPSS's "Asymp. Sig. (2-tailed)", as r2spss reproduces it),
    ``method_asymptotic``, ``p_asymptotic_cc`` (with continuity correction: R's
    ``wilcox.test(correct = TRUE)`` and pingouin), ``p_exact`` (scipy's exact distribution
    without ties; with tied |d| the exact permutation distribution given the tied ranks,
    :func:`pvalues.signed_rank_exact_p`; NaN above ``pvalues.EXACT_MAX_N`` pairs),
    ``method_exact``, ``p`` and ``p_method`` (chosen by ``p_method``), ``rank_biserial`` =
    (W+ - W-) / (W+ + W-), the matched-pairs rank-biserial correlation (Kerby 2014, Compr
    Psychol 3:11.IT.3.1; hand-written, scipy has none).
    """
    pvalues.check_p_method(p_method)
    data = _pairs(pre, post, "wilcoxon_signed_rank", max_missing_share)
    d = data["diff"]
    nz = d[d != 0]
    if nz.empty:
        raise StatsInputError("wilcoxon_signed_rank: every difference is zero (all pairs tied)")
    ranks = nz.abs().rank(method="average")
    w_plus, w_minus = float(ranks[nz > 0].sum()), float(ranks[nz < 0].sum())

    def run(**kw: Any) -> Any:
        return stats.wilcoxon(data["post"], data["pre"], zero_method="wilcox", **kw)

    asym = run(method="asymptotic", correction=False)
    p_cc = float(run(method="asymptotic", correction=True).pvalue)
    if len(nz) > pvalues.EXACT_MAX_N:
        p_exact, exact_method = float("nan"), pvalues.NOT_AVAILABLE
    elif nz.abs().is_unique:
        p_exact, exact_method = float(run(method="exact").pvalue), pvalues.EXACT
    else:
        p_exact = pvalues.signed_rank_exact_p(ranks.to_numpy(), (nz > 0).to_numpy())
        exact_method = pvalues.EXACT_CONDITIONAL
    chosen = pvalues.choose(
        float(asym.pvalue), pvalues.ASYMPTOTIC, p_exact, exact_method, len(nz), p_method
    )
    return pd.DataFrame(
        [
            {
                "n": len(d),
                "n_nonzero": len(nz),
                "W_plus": w_plus,
                "W_minus": w_minus,
                "statistic": float(asym.statistic),
                # SPSS's "Z" of the signed-rank test: (min(W+, W-) - n(n+1)/4) / sigma,
                # tie-corrected, no continuity correction; scipy's normal approximation
                # computes exactly this (its ``zstatistic``), so it is not recomputed here.
                "Z": float(asym.zstatistic),
                **chosen,
                "p_asymptotic_cc": p_cc,
                "rank_biserial": (w_plus - w_minus) / (w_plus + w_minus),
            }
        ]
    )


def classify_gain(g: float, classes: Sequence[Mapping[str, Any]] = HAKE_CLASSES) -> str:
    """Class label of a normalised gain; ``classes`` ordered from highest ``min`` down, the last
    with ``min: None`` (codebook ``wioi.ngain_classes``)."""
    if g is None or (isinstance(g, float) and np.isnan(g)):
        return NOT_COMPUTABLE
    for c in classes:
        if c.get("min") is None or g >= c["min"]:
            return str(c["label"])
    raise StatsInputError(f"classify_gain: no class for g = {g}; the last class needs min: null")


def normalized_gain(
    pre: pd.Series,
    post: pd.Series,
    max_score: float = 100,
    classes: Sequence[Mapping[str, Any]] = HAKE_CLASSES,
    *,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Hake's normalised gain ``g = (post - pre) / (max - pre)`` per participant (Hake 1998,
    Am J Phys 66:64-74; >= 0.7 high, >= 0.3 medium, else low).

    Columns: ``participant``, ``pre``, ``post``, ``gain``, ``n_gain``, ``n_gain_class``,
    ``excluded``, ``note``. A participant with ``pre == max_score`` has no room to gain: g is
    0/0, so ``n_gain`` is NaN, ``excluded`` is True, ``n_gain_class`` is "tidak dapat dihitung"
    and ``note`` says why -- a documented exclusion, never a silent NaN. Averages over the
    class are in :func:`ngain_summary`.
    """
    data = _pairs(pre, post, "normalized_gain", max_missing_share)
    if (data[["pre", "post"]] > max_score).any().any() or (data[["pre", "post"]] < 0).any().any():
        raise StatsInputError(f"normalized_gain: scores must lie in 0..{max_score}")
    room = max_score - data["pre"]
    excluded = room == 0
    g = (data["diff"] / room.where(~excluded)).astype(float)
    out = pd.DataFrame(
        {
            "participant": data.index,
            "pre": data["pre"].to_numpy(),
            "post": data["post"].to_numpy(),
            "gain": data["diff"].to_numpy(),
            "n_gain": g.to_numpy(),
            "excluded": excluded.to_numpy(),
        }
    )
    out["n_gain_class"] = [classify_gain(v, classes) for v in out["n_gain"]]
    out["note"] = np.where(
        out["excluded"], f"pre-test = skor maksimum {max_score:g}: g = 0/0, dikeluarkan", ""
    )
    return out


def ngain_summary(
    pre: pd.Series,
    post: pd.Series,
    max_score: float = 100,
    classes: Sequence[Mapping[str, Any]] = HAKE_CLASSES,
    *,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Class-level normalised gain. One row: ``n``, ``n_excluded``, ``mean_pre``, ``mean_post``,
    ``g_class`` = (mean post - mean pre) / (max - mean pre) (Hake's <g> of class averages),
    ``g_class_label``, ``g_mean_individual`` (mean of the participants' g, excluded ones left
    out), ``g_mean_individual_label``."""
    per = normalized_gain(pre, post, max_score, classes, max_missing_share=max_missing_share)
    kept = per.loc[~per["excluded"]]
    if kept.empty:
        raise StatsInputError("ngain_summary: every participant scored the maximum on the pre-test")
    mean_pre, mean_post = per["pre"].mean(), per["post"].mean()
    g_class = (mean_post - mean_pre) / (max_score - mean_pre)
    g_ind = kept["n_gain"].mean()
    return pd.DataFrame(
        [
            {
                "n": len(per),
                "n_excluded": int(per["excluded"].sum()),
                "mean_pre": mean_pre,
                "mean_post": mean_post,
                "g_class": g_class,
                "g_class_label": classify_gain(g_class, classes),
                "g_mean_individual": g_ind,
                "g_mean_individual_label": classify_gain(g_ind, classes),
            }
        ]
    )


def _as_bool(s: pd.Series, what: str) -> pd.Series:
    if s.isna().any():
        raise StatsInputError(f"{what}: {int(s.isna().sum())} missing pass/fail values")
    vals = set(pd.unique(s))
    if not vals <= {0, 1}:
        raise StatsInputError(
            f"{what}: pass/fail must be 0/1 or boolean, got {sorted(map(str, vals))}"
        )
    return s.astype(bool)


def mcnemar_exact(before_pass: pd.Series, after_pass: pd.Series) -> pd.DataFrame:
    """Exact McNemar test of paired pass/fail (``statsmodels ... mcnemar(exact=True)``).

    Columns: ``n``, ``pass_before``, ``pass_after``, ``both_pass``, ``both_fail``,
    ``fail_to_pass`` (c), ``pass_to_fail`` (b), ``statistic`` (min(b, c), binomial), ``p``.
    """
    pairs = pd.concat({"b": before_pass, "a": after_pass}, axis=1)
    if pairs.isna().any().any():
        raise StatsInputError(
            "mcnemar_exact: before and after must be answered by the same participants"
        )
    b, a = _as_bool(pairs["b"], "mcnemar_exact before"), _as_bool(pairs["a"], "mcnemar_exact after")
    table = np.array(
        [[int((b & a).sum()), int((b & ~a).sum())], [int((~b & a).sum()), int((~b & ~a).sum())]]
    )
    if table[0, 1] + table[1, 0] == 0:
        raise StatsInputError(
            "mcnemar_exact: no discordant pairs (nobody changed), the test is undefined"
        )
    res = mcnemar(table, exact=True)
    return pd.DataFrame(
        [
            {
                "n": len(pairs),
                "pass_before": int(b.sum()),
                "pass_after": int(a.sum()),
                "both_pass": table[0, 0],
                "both_fail": table[1, 1],
                "fail_to_pass": table[1, 0],
                "pass_to_fail": table[0, 1],
                "statistic": float(res.statistic),
                "p": float(res.pvalue),
                "p_method": pvalues.EXACT_BINOMIAL,
            }
        ]
    )


def satisfaction_test(df: pd.DataFrame, design: Mapping[str, Any] | str) -> pd.DataFrame:
    """Test the change in the share of satisfied respondents ("65 % -> 82 %").

    ``df`` has ``wave`` ("before"/"after") and either ``satisfied`` (bool/0-1) or
    ``satisfaction`` (scale score, satisfied when >= ``design["satisfied_from"]``); a paired
    design also needs ``respondent_id``. ``design`` is the codebook's ``wioi.satisfaction``
    section or just ``"independent"``/``"paired"``.

    independent: Fisher's exact test (two-sided; ``statistic`` = sample odds ratio) and the
    difference of proportions (after - before) with the Newcombe hybrid-score 95 % CI
    (``statsmodels confint_proportions_2indep``, method "newcomb"). paired: exact McNemar
    (:func:`mcnemar_exact`); the CI columns are then absent rather than NaN.
    Columns: ``design``, ``test``, ``n_before``, ``n_after``, ``satisfied_before``,
    ``satisfied_after``, ``prop_before``, ``prop_after``, ``diff``, [``ci_low``, ``ci_high``],
    ``statistic``, ``p``.
    """
    cfg = {"design": design} if isinstance(design, str) else dict(design)
    kind = cfg.get("design", "independent")
    if "wave" not in df.columns:
        raise StatsInputError("satisfaction_test: needs a 'wave' column (before/after)")
    data = df.copy()
    if "satisfied" not in data.columns:
        if "satisfaction" not in data.columns or "satisfied_from" not in cfg:
            raise StatsInputError(
                "satisfaction_test: give 'satisfied' or 'satisfaction' with design['satisfied_from']"  # noqa: E501
            )
        if data["satisfaction"].isna().any():
            raise StatsInputError("satisfaction_test: missing satisfaction answers")
        data["satisfied"] = data["satisfaction"] >= cfg["satisfied_from"]
    data["satisfied"] = _as_bool(data["satisfied"], "satisfaction_test")
    waves = set(data["wave"].unique())
    if waves != {"before", "after"}:
        raise StatsInputError(
            f"satisfaction_test: waves must be before and after, got {sorted(waves)}"
        )
    before = data.loc[data["wave"] == "before", "satisfied"]
    after = data.loc[data["wave"] == "after", "satisfied"]
    base = {
        "design": kind,
        "n_before": len(before),
        "n_after": len(after),
        "satisfied_before": int(before.sum()),
        "satisfied_after": int(after.sum()),
        "prop_before": before.mean(),
        "prop_after": after.mean(),
        "diff": after.mean() - before.mean(),
    }
    if kind == "independent":
        table = [[int(after.sum()), int((~after).sum())], [int(before.sum()), int((~before).sum())]]
        res = stats.fisher_exact(table)
        lo, hi = confint_proportions_2indep(
            int(after.sum()),
            len(after),
            int(before.sum()),
            len(before),
            method="newcomb",
            compare="diff",
        )
        return pd.DataFrame(
            [
                {
                    **base,
                    "test": "Fisher exact",
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                    "statistic": float(res.statistic),
                    "p": float(res.pvalue),
                    "p_method": pvalues.EXACT_HYPERGEOMETRIC,
                }
            ]
        )
    if kind == "paired":
        if "respondent_id" not in data.columns:
            raise StatsInputError("satisfaction_test: a paired design needs respondent_id")
        wide = data.pivot(index="respondent_id", columns="wave", values="satisfied")
        res = mcnemar_exact(wide["before"], wide["after"]).iloc[0]
        return pd.DataFrame(
            [
                {
                    **base,
                    "test": "McNemar exact",
                    "statistic": float(res["statistic"]),
                    "p": float(res["p"]),
                    "p_method": pvalues.EXACT_BINOMIAL,
                }
            ]
        )
    raise StatsInputError(f"satisfaction_test: design must be independent or paired, got {kind!r}")
