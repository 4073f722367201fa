"""Spearman, Kruskal-Wallis, Mann-Whitney, Dunn and p adjustment against R's documented
examples (Hollander & Wolfe 1973 data, as printed in R's help pages)."""

from itertools import combinations, permutations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from p3md.stats import StatsInputError
from p3md.stats.hypothesis import (
    adjust_pvalues,
    dunn_table,
    kruskal_table,
    mann_whitney_table,
    small_group_note,
    spearman_table,
)

FIXTURES = Path(__file__).parent / "fixtures" / "reference"

# ?kruskal.test: kruskal.test(list(x, y, z)) -> chi-squared = 0.77143, df = 2, p-value = 0.68
HW = pd.DataFrame(
    {
        "g": ["x"] * 5 + ["y"] * 4 + ["z"] * 5,
        "v": [2.9, 3.0, 2.5, 2.6, 3.2, 3.8, 2.7, 4.0, 2.4, 2.8, 3.4, 3.7, 2.2, 2.0],
    }
)


def test_kruskal_r_example():
    out = kruskal_table(HW, "g", ["v"]).iloc[0]
    assert out["H"] == pytest.approx(0.77143, abs=5e-6)
    assert out["df"] == 2
    assert out["p"] == pytest.approx(0.68, abs=5e-3)
    assert out["epsilon_squared"] == pytest.approx(out["H"] / 13)
    assert (out["n_x"], out["n_y"], out["n_z"]) == (5, 4, 5)
    # mean ranks by hand: x ranks 8, 9, 4, 5, 10 -> 7.2
    assert out["mean_rank_x"] == pytest.approx(7.2)
    assert out["decision"] == "Tidak berbeda nyata"


def test_kruskal_tie_corrected():
    df = pd.DataFrame({"g": list("aaabbbccc"), "v": [1, 1, 2, 2, 2, 3, 3, 3, 3]})
    # tie-corrected H by the textbook formula (Siegel & Castellan 1988, eq. 8.3)
    r = df["v"].rank()
    n = len(df)
    h = 12 / (n * (n + 1)) * sum(r[df.g == g].sum() ** 2 / 3 for g in "abc") - 3 * (n + 1)
    t = df["v"].value_counts()
    h /= 1 - ((t**3 - t).sum() / (n**3 - n))
    assert kruskal_table(df, "g", ["v"]).iloc[0]["H"] == pytest.approx(h, abs=1e-12)


def test_kruskal_edge_cases():
    with pytest.raises(StatsInputError, match="tied"):
        kruskal_table(pd.DataFrame({"g": list("aabb"), "v": [2, 2, 2, 2]}), "g", ["v"])
    with pytest.raises(StatsInputError, match="fewer than 2 .*min_group_size"):
        kruskal_table(
            pd.DataFrame({"g": list("aaab"), "v": [1, 2, 3, 4]}), "g", ["v"], min_group_size=2
        )
    with pytest.raises(StatsInputError, match="2 groups"):
        kruskal_table(pd.DataFrame({"g": list("aaaa"), "v": [1, 2, 3, 4]}), "g", ["v"])
    with pytest.raises(StatsInputError, match="min_group_size"):
        kruskal_table(HW, "g", ["v"], min_group_size=0)


def test_kruskal_missing_beyond_rule():
    df = HW.copy()
    df.loc[0, "v"] = np.nan  # 1 of 14 = 7 % > 5 %
    with pytest.raises(StatsInputError, match="missing"):
        kruskal_table(df, "g", ["v"])
    assert kruskal_table(df, "g", ["v"], max_missing_share=0.1).iloc[0]["n"] == 13


# ?cor.test data (Hollander & Wolfe p. 185): Spearman rho = 0.6 (S = 48)
CT = pd.DataFrame(
    {
        "x": [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1],
        "y": [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8],
    }
)


def test_spearman_r_example_and_groups():
    out = spearman_table(CT, ["x"], "y").iloc[0]
    assert out["rho"] == pytest.approx(0.6, abs=1e-12)
    assert out["n"] == 9 and out["group"] == "all"
    # ?cor.test: cor.test(x, y, method = "spearman", alternative = "g") -> S = 48,
    # p-value = 0.0484 (exact, n = 9 without ties); two-sided = 2 x the one tail.
    assert out["method_exact"] == "exact"
    assert out["p_exact"] / 2 == pytest.approx(0.0484, abs=5e-5)
    # the same by brute force over all 9! orderings (independent of the cached counts)
    rx, ry = CT["x"].rank().to_numpy(), CT["y"].rank().to_numpy()
    s_obs = ((rx - ry) ** 2).sum()
    assert s_obs == 48
    perms = np.array(list(permutations(range(1, 10))))
    s_all = ((perms - rx.astype(int)) ** 2).sum(axis=1)
    assert out["p_exact"] == pytest.approx(2 * (s_all <= s_obs).mean(), rel=1e-12)
    # asymptotic: the t approximation, t = r sqrt((n - 2) / (1 - r^2)), df = n - 2
    t = 0.6 * np.sqrt(7 / (1 - 0.36))
    assert out["p_asymptotic"] == pytest.approx(2 * stats.t.sf(t, 7), rel=1e-12)
    assert out["method_asymptotic"] == "asymptotic_t"
    assert out["p"] == out["p_asymptotic"] and out["p_method"] == "asymptotic_t"
    exact = spearman_table(CT, ["x"], "y", p_method="exact").iloc[0]
    assert exact["p"] == exact["p_exact"] and exact["p_method"] == "exact"
    tied = spearman_table(CT.assign(x=CT["x"].round(-1)), ["x"], "y").iloc[0]
    assert np.isnan(tied["p_exact"]) and tied["method_exact"] == "not_available"
    assert out["decision"] == (
        "Berhubungan nyata" if out["p"] <= 0.10 else "Tidak berhubungan nyata"
    )
    grouped = spearman_table(CT.assign(k=["a"] * 5 + ["b"] * 4), ["x"], "y", by="k")
    assert grouped["group"].tolist() == ["all", "a", "b"]


@given(
    st.lists(st.integers(-1000, 1000), min_size=5, max_size=30, unique=True),
    st.lists(st.integers(-1000, 1000), min_size=5, max_size=30, unique=True),
)
@settings(max_examples=40, deadline=None)
def test_spearman_invariant_to_monotone_transform(xs, ys):
    n = min(len(xs), len(ys))
    df = pd.DataFrame({"x": xs[:n], "y": ys[:n]})
    base = spearman_table(df, ["x"], "y").iloc[0]["rho"]
    # x^3 + 2x is strictly increasing and exact on these integers (no ties created by rounding)
    moved = spearman_table(df.assign(x=df["x"] ** 3 + 2 * df["x"]), ["x"], "y").iloc[0]["rho"]
    assert moved == pytest.approx(base, abs=1e-9)


def test_spearman_constant_raises():
    with pytest.raises(StatsInputError, match="constant"):
        spearman_table(CT.assign(x=1.0), ["x"], "y")


def test_mann_whitney_r_example():
    # ?wilcox.test: x vs y, W = 35; alternative "greater" exact p = 0.1272 -> two-sided 0.2544
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    df = pd.DataFrame({"g": ["x"] * 10 + ["y"] * 5, "v": x + y})
    out = mann_whitney_table(df, "g", ["v"]).iloc[0]
    assert out["U"] == 35
    assert out["method_exact"] == "exact"
    assert out["p_exact"] == pytest.approx(0.2544, abs=5e-5)
    assert out["p"] == out["p_asymptotic"] and out["p_method"] == "asymptotic"
    assert out["RBC"] == pytest.approx(2 * 35 / 50 - 1)  # rank-biserial = 2U/(n1 n2) - 1
    auto = mann_whitney_table(df, "g", ["v"], p_method="auto").iloc[0]
    assert auto["p"] == auto["p_exact"] and auto["p_method"] == "exact"  # n = 15 <= 40


AIRQUALITY = pd.read_csv(FIXTURES / "airquality_ozone.csv").dropna(subset=["Ozone"])


def test_kruskal_airquality_r_example():
    # ?kruskal.test: kruskal.test(Ozone ~ Month, data = airquality)
    # -> Kruskal-Wallis chi-squared = 29.267, df = 4, p-value = 6.901e-06
    out = kruskal_table(AIRQUALITY, "Month", ["Ozone"]).iloc[0]
    assert out["H"] == pytest.approx(29.267, abs=5e-4)
    assert out["df"] == 4 and out["n"] == 116
    assert out["p"] == pytest.approx(6.901e-06, abs=5e-10)
    assert out["method_asymptotic"] == "asymptotic_chi2" and out["method_exact"] == "not_available"
    assert out["p"] == pytest.approx(stats.chi2.sf(out["H"], 4), rel=1e-12)


def _spss_rank_sum_z(x, y):
    """The SPSS Mann-Whitney Z, as r2spss (Alfons, CRAN, "mimics SPSS output") writes it:
    z = (W - n_w (N + 1) / 2) / sqrt(n1 n2 / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1)))),
    no continuity correction."""
    pooled = np.concatenate([x, y])
    r = stats.rankdata(pooled)
    n1, n2, n = len(x), len(y), len(pooled)
    w = r[:n1].sum()
    _, t = np.unique(pooled, return_counts=True)
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - (t**3 - t).sum() / (n * (n - 1))))
    return (w - n1 * (n + 1) / 2) / sigma


def test_mann_whitney_airquality_r_and_spss_asymptotic():
    # ?wilcox.test: wilcox.test(Ozone ~ Month, data = airquality, subset = Month %in% c(5, 8))
    # -> W = 127.5, p-value = 0.0001208 (R's default: normal approximation with continuity
    # correction, since there are ties)
    sub = AIRQUALITY[AIRQUALITY["Month"].isin([5, 8])]
    out = mann_whitney_table(sub, "Month", ["Ozone"]).iloc[0]
    assert out["U"] == 127.5
    assert out["p_asymptotic_cc"] == pytest.approx(0.0001208, abs=5e-8)
    # SPSS's Asymp. Sig. (2-tailed): the same test without continuity correction
    x = sub.loc[sub["Month"] == 5, "Ozone"].to_numpy()
    y = sub.loc[sub["Month"] == 8, "Ozone"].to_numpy()
    z = _spss_rank_sum_z(x, y)
    assert out["p_asymptotic"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-12)
    assert out["method_asymptotic"] == "asymptotic"
    assert out["method_exact"] == "exact_conditional"  # ties: exact given the tied ranks
    assert out["p"] == out["p_asymptotic"]


def test_mann_whitney_exact_with_ties_matches_nag_printed_example():
    # NAG Library G08AHF/G08AKF example (nagdoc, g08ahfe.r): group sizes 16 and 23 with ties,
    # U = 86, "Normal Statistic = -2.8039", "Approx. tail probability = 0.0025" (NAG corrects
    # for continuity), "Exact tail probability = 0.0020" (exact, conditional on the ties).
    g1 = [13, 6, 12, 7, 12, 7, 10, 7, 10, 7, 16, 7, 10, 8, 9, 8]
    g2 = [17, 6, 10, 8, 15, 8, 15, 10, 15, 10, 14, 10, 14, 11, 14, 11, 13, 12, 13, 12, 13, 12, 12]
    df = pd.DataFrame({"g": ["a"] * 16 + ["b"] * 23, "v": g1 + g2})
    out = mann_whitney_table(df, "g", ["v"]).iloc[0]
    assert out["U"] == 86
    assert out["p_exact"] / 2 == pytest.approx(0.0020, abs=5e-5)
    assert out["p_asymptotic_cc"] == pytest.approx(2 * stats.norm.cdf(-2.8039), abs=1e-6)
    assert out["p_asymptotic_cc"] / 2 == pytest.approx(0.0025, abs=5e-5)


#: Field (2013), *Discovering Statistics Using IBM SPSS Statistics*, 4th ed., chapter 6
#: (non-parametric tests), data Drug.sav: Beck Depression Inventory of 10 ecstasy and 10
#: alcohol users on Sunday and on Wednesday.
FIELD_SUNDAY = ([15, 35, 16, 18, 19, 17, 27, 16, 13, 20], [16, 15, 20, 15, 16, 13, 14, 19, 18, 18])
FIELD_WEDNESDAY = ([28, 35, 35, 24, 39, 32, 27, 29, 36, 35], [5, 6, 30, 8, 9, 7, 6, 17, 3, 10])


@pytest.mark.parametrize(
    ("data", "printed"),
    [
        # SPSS "Test Statistics" as printed by Field: Mann-Whitney U, Wilcoxon W, Z,
        # Asymp. Sig. (2-tailed) to 3 decimals.
        (FIELD_SUNDAY, (35.5, 90.5, -1.105, 0.269)),
        (FIELD_WEDNESDAY, (4.0, 59.0, -3.484, 0.000)),
    ],
)
def test_mann_whitney_prints_what_spss_prints(data, printed):
    ecstasy, alcohol = data
    df = pd.DataFrame({"g": ["E"] * 10 + ["A"] * 10, "v": ecstasy + alcohol})
    out = mann_whitney_table(df, "g", ["v"], order=["E", "A"]).iloc[0]
    u, w, z, sig = printed
    assert out["U_spss"] == u and out["W_wilcoxon"] == w
    assert out["Z"] == pytest.approx(z, abs=5e-4)
    assert out["p_asymptotic"] == pytest.approx(sig, abs=5e-4)
    # invariants: SPSS's Asymp. Sig. is 2 Phi(Z); U_spss is the smaller U
    assert out["p_asymptotic"] == pytest.approx(2 * stats.norm.cdf(out["Z"]), rel=1e-9)
    assert out["U_spss"] == min(out["U"], 100 - out["U"])


def test_mann_whitney_z_matches_nag_tie_corrected_variance():
    """NAG G08AKF prints "Normal Statistic = -2.8039" for U = 86 with a continuity correction
    and the tie-corrected variance; SPSS's Z has no correction, so Z * (U - mu + .5) / (U - mu)
    must give NAG's statistic. W is the smaller group's rank sum (U + n(n+1)/2 = 86 + 136)."""
    g1 = [13, 6, 12, 7, 12, 7, 10, 7, 10, 7, 16, 7, 10, 8, 9, 8]
    g2 = [17, 6, 10, 8, 15, 8, 15, 10, 15, 10, 14, 10, 14, 11, 14, 11, 13, 12, 13, 12, 13, 12, 12]
    df = pd.DataFrame({"g": ["a"] * 16 + ["b"] * 23, "v": g1 + g2})
    out = mann_whitney_table(df, "g", ["v"]).iloc[0]
    mu = 16 * 23 / 2
    assert out["U_spss"] == 86 and out["W_wilcoxon"] == 222
    nag = out["Z"] * (out["U_spss"] - mu + 0.5) / (out["U_spss"] - mu)
    assert nag == pytest.approx(-2.8039, abs=5e-5)


def test_exact_conditional_rank_sum_equals_full_enumeration():
    # Hand-checkable ties: x = (1, 2, 2), y = (2, 3); all C(5, 3) = 10 splits enumerated.
    x, y = [1.0, 2.0, 2.0], [2.0, 3.0]
    pooled = np.array(x + y)
    r = stats.rankdata(pooled)  # 1, 3, 3, 3, 5
    obs = r[:3].sum()
    sums = np.array([r[list(c)].sum() for c in combinations(range(5), 3)])
    expected = min(1.0, 2 * min((sums <= obs + 1e-9).mean(), (sums >= obs - 1e-9).mean()))
    df = pd.DataFrame({"g": ["x"] * 3 + ["y"] * 2, "v": x + y})
    out = mann_whitney_table(df, "g", ["v"]).iloc[0]
    assert out["method_exact"] == "exact_conditional"
    assert out["p_exact"] == pytest.approx(expected, rel=1e-12)
    # and scipy's permutation test (exact enumeration) agrees on a larger tied sample
    rng = np.random.default_rng(3)
    a, b = rng.integers(1, 4, 7).astype(float), rng.integers(1, 4, 6).astype(float)
    big = mann_whitney_table(
        pd.DataFrame({"g": ["a"] * 7 + ["b"] * 6, "v": np.r_[a, b]}), "g", ["v"]
    ).iloc[0]

    def rank_sum(u, v, axis=-1):
        return stats.rankdata(np.concatenate([u, v], axis=axis), axis=axis)[
            ..., : u.shape[axis]
        ].sum(axis=axis)

    perm = stats.permutation_test(
        (a, b), rank_sum, permutation_type="independent", n_resamples=np.inf, vectorized=True
    )
    assert big["p_exact"] == pytest.approx(perm.pvalue, rel=1e-9)


def test_group_of_one_is_computed_with_a_warning():
    # Kruskal-Wallis by hand: groups a = (1), b = (2, 3), c = (4, 5, 6); rank sums 1, 5, 15;
    # H = 12 / (6 * 7) * (1 + 25 / 2 + 225 / 3) - 3 * 7 = 30 / 7; p = exp(-H / 2) for df = 2.
    df = pd.DataFrame({"g": list("abbccc"), "v": [1, 2, 3, 4, 5, 6]})
    kw = kruskal_table(df, "g", ["v"]).iloc[0]
    assert kw["H"] == pytest.approx(30 / 7, rel=1e-12)
    assert kw["p"] == pytest.approx(np.exp(-15 / 7), rel=1e-12)
    assert kw["small_groups"] == "v: a (n = 1), b (n = 2)"
    note = small_group_note([kruskal_table(df, "g", ["v"])])
    assert note.startswith("Peringatan: kelompok sangat kecil (v: a (n = 1), b (n = 2))")
    assert small_group_note([kruskal_table(HW, "g", ["v"])]) is None
    # Mann-Whitney x = (5), y = (1, 2, 3, 4): U_x = 4; exact two-sided p = 2 * P(U >= 4) = 2/5;
    # asymptotic z = (4 - 2) / sqrt(1 * 4 * 6 / 12) = sqrt(2).
    mw = mann_whitney_table(pd.DataFrame({"g": list("xyyyy"), "v": [5, 1, 2, 3, 4]}), "g", ["v"])
    row = mw.iloc[0]
    assert row["U"] == 4 and row["p_exact"] == pytest.approx(0.4, rel=1e-12)
    assert row["p_asymptotic"] == pytest.approx(2 * stats.norm.sf(np.sqrt(2)), rel=1e-12)
    assert row["small_groups"] == "v: x (n = 1)"
    dunn = dunn_table(df, "g", "v")
    assert len(dunn) == 3 and (dunn["p_unadjusted"].between(0, 1)).all()
    # Dunn (1964) by hand, a (n = 1) vs b (n = 2): mean ranks 1 and 2.5, no ties, N = 6:
    # z = (1 - 2.5) / sqrt(N (N + 1) / 12 * (1/1 + 1/2)) = -1.5 / sqrt(5.25)
    ab = dunn[(dunn["group_1"] == "a") & (dunn["group_2"] == "b")].iloc[0]
    assert ab["p_unadjusted"] == pytest.approx(2 * stats.norm.cdf(-1.5 / np.sqrt(5.25)), rel=1e-12)
    assert ab["small_groups"] == "v: a (n = 1), b (n = 2)"
    assert set(dunn["method"]) == {"asymptotic"}
    with pytest.raises(StatsInputError, match="empty"):
        mann_whitney_table(
            pd.DataFrame({"g": list("xyy"), "v": [1, 2, 3]}), "g", ["v"], order=["x", "z"]
        )


def test_dunn_long_form():
    out = dunn_table(HW, "g", "v")
    assert len(out) == 3
    assert (out["p_adjusted"] >= out["p_unadjusted"] - 1e-15).all()
    assert set(out.columns) >= {
        "group_1",
        "group_2",
        "p_unadjusted",
        "p_adjusted",
        "mean_rank_diff",
    }


def test_dunn_standardised_statistic_gives_scikit_posthocs_p():
    """The "Std. Test Statistic" SPSS prints per pair: z whose two-sided normal p is the
    tie-corrected p of scikit-posthocs (an independent implementation) to 1e-10."""
    out = dunn_table(HW, "g", "v")
    assert (2 * stats.norm.sf(out["z"].abs()) - out["p_unadjusted"]).abs().max() < 1e-10
    assert (np.sign(out["z"]) == np.sign(out["mean_rank_diff"])).all()
    assert (out["mean_rank_diff"] / out["se"] == out["z"]).all()


def test_adjust_pvalues():
    p = pd.Series({"X1": 0.01, "X2": 0.04, "X3": 0.03, "X4": 0.5})
    out = adjust_pvalues(p)
    # Holm by hand: sorted 0.01, 0.03, 0.04, 0.5 x 4, 3, 2, 1 -> 0.04, 0.09, 0.09 (monotone), 0.5
    assert out["p_holm"].to_dict() == pytest.approx({"X1": 0.04, "X2": 0.09, "X3": 0.09, "X4": 0.5})
    # BH: 0.5, 0.04*4/3, 0.03*4/2 -> min-cumulated: X3 0.0533, X2 0.0533, X1 0.04
    assert out.loc["X1", "p_fdr_bh"] == pytest.approx(0.04)
    assert out["decision_changes"].tolist() == [False, True, True, False]
    same = adjust_pvalues(pd.Series({"a": 0.001, "b": 0.9}))
    assert not same["decision_changes"].any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mann_whitney_equals_pingouin_mwu_without_its_quadratic_matrix(seed):
    import numpy as np
    import pingouin as pg

    rng = np.random.default_rng(seed)
    # Likert-like scores: many ties, unequal groups.
    df = pd.DataFrame(
        {"g": ["a"] * 23 + ["b"] * 17, "v": rng.integers(1, 4, size=40).astype(float)}
    )
    ours = mann_whitney_table(df, "g", ["v"], order=["a", "b"]).iloc[0]
    ref = pg.mwu(df.loc[df.g == "a", "v"], df.loc[df.g == "b", "v"]).iloc[0]
    assert ours["U"] == pytest.approx(ref["U_val"])
    assert ours["p_asymptotic_cc"] == pytest.approx(ref["p_val"])  # pingouin corrects
    assert ours["RBC"] == pytest.approx(ref["RBC"])
    assert ours["CLES"] == pytest.approx(ref["CLES"])
