"""Spearman, Kruskal-Wallis, Mann-Whitney, Dunn and p adjustment against R's documented
examples (Hollander & Wolfe 1973 data, as printed in R's help pages)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p3md.stats import StatsInputError
from p3md.stats.hypothesis import (
    adjust_pvalues,
    decision_change_sentence,
    dunn_table,
    kruskal_table,
    mann_whitney_table,
    spearman_table,
)

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
    with pytest.raises(StatsInputError, match="fewer than 2"):
        kruskal_table(pd.DataFrame({"g": list("aaab"), "v": [1, 2, 3, 4]}), "g", ["v"])
    with pytest.raises(StatsInputError, match="2 groups"):
        kruskal_table(pd.DataFrame({"g": list("aaaa"), "v": [1, 2, 3, 4]}), "g", ["v"])


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
    # ?wilcox.test: x vs y, W = 35; alternative "greater" p = 0.1272 -> two-sided 0.2544
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    df = pd.DataFrame({"g": ["x"] * 10 + ["y"] * 5, "v": x + y})
    out = mann_whitney_table(df, "g", ["v"]).iloc[0]
    assert out["U"] == 35
    assert out["p"] == pytest.approx(0.2544, abs=5e-5)
    assert out["RBC"] == pytest.approx(2 * 35 / 50 - 1)  # rank-biserial = 2U/(n1 n2) - 1


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


def test_adjust_pvalues_and_sentence():
    p = pd.Series({"X1": 0.01, "X2": 0.04, "X3": 0.03, "X4": 0.5})
    out = adjust_pvalues(p)
    # Holm by hand: sorted 0.01, 0.03, 0.04, 0.5 x 4, 3, 2, 1 -> 0.04, 0.09, 0.09 (monotone), 0.5
    assert out["p_holm"].to_dict() == pytest.approx({"X1": 0.04, "X2": 0.09, "X3": 0.09, "X4": 0.5})
    # BH: 0.5, 0.04*4/3, 0.03*4/2 -> min-cumulated: X3 0.0533, X2 0.0533, X1 0.04
    assert out.loc["X1", "p_fdr_bh"] == pytest.approx(0.04)
    assert out["decision_changes"].tolist() == [False, True, True, False]
    s = decision_change_sentence(out)
    assert s.startswith("Keputusan berubah setelah penyesuaian") and "X2" in s
    same = adjust_pvalues(pd.Series({"a": 0.001, "b": 0.9}))
    assert (
        decision_change_sentence(same)
        == "Keputusan tidak berubah setelah penyesuaian (Holm, Benjamini-Hochberg)."
    )


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
    assert ours["p"] == pytest.approx(ref["p_val"])
    assert ours["RBC"] == pytest.approx(ref["RBC"])
    assert ours["CLES"] == pytest.approx(ref["CLES"])
