"""Pre/post statistics against R's documented examples and exact binomial arithmetic."""

import math

import numpy as np
import pandas as pd
import pytest

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


def test_wilcoxon_r_example_and_kerby():
    # ?wilcox.test (Hollander & Wolfe p. 29): paired, alternative "greater": V = 40, p = 0.01953
    x = pd.Series([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30])
    y = pd.Series([0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29])
    out = wilcoxon_signed_rank(pre=y, post=x).iloc[0]
    assert out["W_plus"] == 40 and out["W_minus"] == 5
    assert out["p"] == pytest.approx(2 * 0.01953125, abs=1e-9)  # exact two-sided = 20/512
    assert out["rank_biserial"] == pytest.approx(35 / 45)


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
