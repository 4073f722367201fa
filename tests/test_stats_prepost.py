"""Pre/post statistics against R's documented examples and exact binomial arithmetic."""

import math
from itertools import product

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from p3md.codebook import load_codebook
from p3md.stats import StatsInputError
from p3md.stats.prepost import (
    describe_prepost,
    mcnemar_exact,
    ngain_summary,
    normalized_gain,
    paired_t,
    satisfaction_test,
    shapiro_differences,
    wilcoxon_signed_rank,
)

# R's sleep data; t.test(extra ~ group, data = sleep, paired = TRUE):
# t = -4.0621, df = 9, p-value = 0.002833, CI -2.4598858 -0.7001142, mean difference -1.58
G1 = pd.Series([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
G2 = pd.Series([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])


def test_paired_t_sleep():
    out = paired_t(pre=G2, post=G1).iloc[0]
    assert out["T"] == pytest.approx(-4.0621, abs=5e-5)
    assert out["dof"] == 9
    assert out["p"] == pytest.approx(0.002833, abs=5e-7)
    assert out["mean_diff"] == pytest.approx(-1.58)
    assert (out["ci_low"], out["ci_high"]) == (
        pytest.approx(-2.4598858, abs=1e-6),
        pytest.approx(-0.7001142, abs=1e-6),
    )
    d = G1 - G2
    assert out["d_z"] == pytest.approx(d.mean() / d.std(ddof=1))
    assert out["d_z"] != pytest.approx(out["cohen_d_pingouin"], abs=1e-3)  # documented difference


# ?wilcox.test (Hollander & Wolfe 1973, p. 29): Hamilton depression scale, first (x) and
# second (y) visit of 9 patients.
DEPRESSION_X = pd.Series([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30])
DEPRESSION_Y = pd.Series([0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29])


def test_wilcoxon_r_example_and_kerby():
    out = wilcoxon_signed_rank(pre=DEPRESSION_Y, post=DEPRESSION_X).iloc[0]
    assert out["W_plus"] == 40 and out["W_minus"] == 5
    # wilcox.test(x, y, paired = TRUE, alternative = "greater"): V = 40, p-value = 0.01953;
    # two-sided exact: V = 40, p-value = 0.03906 (= 20/512 exactly)
    assert out["method_exact"] == "exact"
    assert out["p_exact"] == pytest.approx(20 / 512, rel=1e-12)
    assert out["p_exact"] == pytest.approx(0.03906, abs=5e-6)
    # wilcox.test(y - x, alternative = "less", exact = FALSE, correct = FALSE): V = 5,
    # p-value = 0.01908 ("H&W large sample approximation"); SPSS's Asymp. Sig. is this test,
    # two-sided, also without continuity correction.
    assert out["p_asymptotic"] / 2 == pytest.approx(0.01908, abs=5e-6)
    assert out["method_asymptotic"] == "asymptotic"
    # wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE): V = 40,
    # p-value = 0.044010984013 (R 3.4.4, as printed in Apache Commons Math's
    # WilcoxonSignedRankTestTest.testWilcoxonSignedRankSimple)
    assert out["p_asymptotic_cc"] == pytest.approx(0.044010984013, rel=1e-9)
    # SPSS's Z (r2spss, Alfons: z = (min(W+, W-) - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24 - ties/48))
    z = (5 - 9 * 10 / 4) / np.sqrt(9 * 10 * 19 / 24)
    assert out["p_asymptotic"] == pytest.approx(2 * stats.norm.cdf(z), rel=1e-12)
    assert out["p"] == out["p_asymptotic"] and out["p_method"] == "asymptotic"
    assert out["rank_biserial"] == pytest.approx(35 / 45)
    for method in ("exact", "auto"):
        chosen = wilcoxon_signed_rank(DEPRESSION_Y, DEPRESSION_X, p_method=method).iloc[0]
        assert chosen["p"] == chosen["p_exact"] and chosen["p_method"] == "exact"


@pytest.mark.parametrize(
    ("sunday", "wednesday", "printed_z", "printed_sig"),
    [
        # Field (2013), Discovering Statistics Using IBM SPSS Statistics, 4th ed., ch. 6,
        # Drug.sav: Wilcoxon signed-rank "Test Statistics" of Wednesday vs Sunday BDI as SPSS
        # prints them (Z, Asymp. Sig. (2-tailed)), ecstasy group and alcohol group.
        (
            [15, 35, 16, 18, 19, 17, 27, 16, 13, 20],
            [28, 35, 35, 24, 39, 32, 27, 29, 36, 35],
            -2.527,
            0.012,
        ),
        (
            [16, 15, 20, 15, 16, 13, 14, 19, 18, 18],
            [5, 6, 30, 8, 9, 7, 6, 17, 3, 10],
            -1.990,
            0.047,
        ),
    ],
)
def test_wilcoxon_z_is_what_spss_prints(sunday, wednesday, printed_z, printed_sig):
    out = wilcoxon_signed_rank(pd.Series(sunday), pd.Series(wednesday)).iloc[0]
    assert out["Z"] == pytest.approx(printed_z, abs=5e-4)
    assert out["p_asymptotic"] == pytest.approx(printed_sig, abs=5e-4)
    assert out["p_asymptotic"] == pytest.approx(2 * stats.norm.cdf(out["Z"]), rel=1e-9)


def test_wilcoxon_second_r_reference():
    # Apache Commons Math WilcoxonSignedRankTestTest.testWilcoxonSignedRankSimple2 (R 3.4.4):
    # x, y below: exact p = 0.8125, asymptotic (correct = TRUE) p = 0.79984610566
    x = pd.Series([0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91])
    y = pd.Series([1.15, 0.88, 0.90, 0.74, 1.21, 2.0, 1.72])
    out = wilcoxon_signed_rank(pre=y, post=x).iloc[0]
    assert out["p_exact"] == pytest.approx(0.8125, rel=1e-12)
    assert out["p_asymptotic_cc"] == pytest.approx(0.79984610566, rel=1e-9)


def test_wilcoxon_exact_with_ties_by_enumeration():
    # Hand-checkable ties: d = (1, 1, -2, 3, 3, 3); |d| ranks 1.5, 1.5, 3, 5, 5, 5; W+ = 18.
    # All 2^6 sign patterns enumerated.
    pre = pd.Series([0.0] * 6)
    post = pd.Series([1.0, 1.0, -2.0, 3.0, 3.0, 3.0])
    out = wilcoxon_signed_rank(pre, post).iloc[0]
    r = np.array([1.5, 1.5, 3, 5, 5, 5])
    assert out["W_plus"] == 18
    sums = np.array([r[np.array(s, bool)].sum() for s in product([0, 1], repeat=6)])
    expected = min(1.0, 2 * min((sums <= 18).mean(), (sums >= 18).mean()))
    assert out["method_exact"] == "exact_conditional"
    assert out["p_exact"] == pytest.approx(expected, rel=1e-12)


def test_all_zero_differences_raise():
    s = pd.Series([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(StatsInputError, match="zero"):
        wilcoxon_signed_rank(s, s)
    with pytest.raises(StatsInputError, match="same amount"):
        paired_t(s, s + 1)


def test_describe_and_shapiro():
    d = describe_prepost(G2, G1).set_index("phase")
    assert d.loc["difference", "mean"] == pytest.approx(-1.58)
    sw = shapiro_differences(G2, G1).iloc[0]
    assert 0 < sw["W"] <= 1 and sw["n"] == 10


def test_normalized_gain_hake_and_exclusion():
    pre = pd.Series([40, 80, 100, 50], index=list("abcd"))
    post = pd.Series([70, 95, 100, 55], index=list("abcd"))
    cls = load_codebook().wioi["ngain_classes"]
    out = normalized_gain(pre, post, 100, cls).set_index("participant")
    assert out.loc["a", "n_gain"] == pytest.approx(0.5) and out.loc["a", "n_gain_class"] == "Sedang"
    assert (
        out.loc["b", "n_gain"] == pytest.approx(0.75) and out.loc["b", "n_gain_class"] == "Tinggi"
    )
    assert out.loc["d", "n_gain_class"] == "Rendah"
    assert out.loc["c", "excluded"] and math.isnan(out.loc["c", "n_gain"]) and out.loc["c", "note"]
    summ = ngain_summary(pre, post, 100, cls).iloc[0]
    assert summ["n_excluded"] == 1
    assert summ["g_class"] == pytest.approx((80 - 67.5) / (100 - 67.5))


def test_missing_pair_beyond_rule():
    pre = pd.Series([40, 50, 60, 70.0])
    post = pd.Series([50, np.nan, 70, 80.0])
    with pytest.raises(StatsInputError, match="missing"):
        paired_t(pre, post)


def test_mcnemar_exact_binomial():
    # b = 1 (pass -> fail), c = 9 (fail -> pass): p = 2 * P(X <= 1 | 10, 1/2) = 22/1024
    before = pd.Series([1] * 3 + [1] + [0] * 9 + [0] * 3)
    after = pd.Series([1] * 3 + [0] + [1] * 9 + [0] * 3)
    out = mcnemar_exact(before, after).iloc[0]
    assert (out["pass_to_fail"], out["fail_to_pass"]) == (1, 9)
    assert out["p"] == pytest.approx(22 / 1024, abs=1e-12)


def test_satisfaction_independent_fisher_tea_tasting():
    # R fisher.test(TeaTasting): matrix(c(3, 1, 1, 3)) -> p-value = 0.4857, odds ratio (sample) 9
    df = pd.DataFrame(
        {"wave": ["after"] * 4 + ["before"] * 4, "satisfied": [1, 1, 1, 0, 1, 0, 0, 0]}
    )
    out = satisfaction_test(df, "independent").iloc[0]
    assert out["p"] == pytest.approx(0.4857, abs=5e-5)
    assert out["statistic"] == pytest.approx(9)
    assert out["diff"] == pytest.approx(0.5)
    assert out["ci_low"] < 0.5 < out["ci_high"]


def test_satisfaction_from_scale_and_paired():
    cfg = {"design": "paired", "satisfied_from": 4}
    df = pd.DataFrame(
        {
            "respondent_id": list(range(10)) * 2,
            "wave": ["before"] * 10 + ["after"] * 10,
            "satisfaction": [2] * 9 + [5] + [5] * 9 + [5],
        }
    )
    out = satisfaction_test(df, cfg).iloc[0]
    assert out["test"] == "McNemar exact" and out["p"] == pytest.approx(2 / 512)


def test_the_runs_max_missing_share_reaches_every_paired_analysis():
    """One post-test missing among 10 participants (10 %): refused at the codebook's 5 %,
    accepted at the run's 10 % (``--set max_missing_share=0.1``), and then computed on the 9
    complete pairs exactly as on those pairs alone (scipy's paired t as the reference)."""
    from p3md.stats import prepost

    pre = pd.Series([40.0, 52, 47, 61, 38, 55, 49, 44, 58, 50])
    post = pd.Series([55.0, 60, 58, 70, 49, 63, np.nan, 51, 72, 66])
    complete = post.notna()
    calls = {
        "describe_prepost": lambda **kw: prepost.describe_prepost(pre, post, **kw),
        "shapiro_differences": lambda **kw: prepost.shapiro_differences(pre, post, **kw),
        "paired_t": lambda **kw: prepost.paired_t(pre, post, **kw),
        "wilcoxon_signed_rank": lambda **kw: prepost.wilcoxon_signed_rank(pre, post, **kw),
        "normalized_gain": lambda **kw: prepost.normalized_gain(pre, post, **kw),
        "ngain_summary": lambda **kw: prepost.ngain_summary(pre, post, **kw),
    }
    for name, call in calls.items():
        with pytest.raises(StatsInputError, match="max_missing_share"):
            call()
        assert len(call(max_missing_share=0.1)) >= 1, name
    t = prepost.paired_t(pre, post, max_missing_share=0.1).iloc[0]
    ref = stats.ttest_rel(post[complete], pre[complete])
    assert t["n"] == 9 and t["T"] == pytest.approx(ref.statistic, rel=1e-12)
    assert t["p"] == pytest.approx(ref.pvalue, rel=1e-9)
