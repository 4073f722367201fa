"""Validity and reliability against printed tables and independent formulas."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p3md.stats import StatsInputError
from p3md.stats.instrument import (
    critical_r,
    feldt_interval,
    item_total_statistics,
    item_validity,
    reliability,
    squared_multiple_correlations,
    standardized_alpha,
)


@pytest.mark.parametrize("n,expected", [(30, 0.361), (20, 0.444), (10, 0.632), (50, 0.279)])
def test_critical_r_matches_printed_r_tables(n, expected):
    assert round(critical_r(n), 3) == expected


def _alpha_by_formula(df: pd.DataFrame) -> float:
    # Cronbach (1951): k/(k-1) * (1 - sum var_i / var_total), written out independently.
    k = df.shape[1]
    return k / (k - 1) * (1 - df.var(ddof=1).sum() / df.sum(axis=1).var(ddof=1))


ITEMS = pd.DataFrame(
    {
        "i1": [3, 2, 3, 1, 2, 3, 2, 1, 3, 2],
        "i2": [3, 2, 2, 1, 2, 3, 3, 1, 3, 1],
        "i3": [2, 2, 3, 1, 1, 3, 2, 2, 3, 2],
        "i4": [3, 1, 3, 2, 2, 2, 2, 1, 3, 2],
    }
)


def test_alpha_matches_formula_and_decision():
    out = reliability(ITEMS, threshold=0.61).iloc[0]
    assert out["alpha"] == pytest.approx(_alpha_by_formula(ITEMS), abs=1e-12)
    assert out["n"] == 10 and out["k"] == 4
    assert out["decision"] == ("Reliabel" if out["alpha"] >= 0.61 else "Tidak reliabel")
    assert out["ci_low"] < out["alpha"] < out["ci_high"]


def test_alpha_pingouin_documented_example():
    # pingouin docs, cronbach_alpha: long-format 'cronbach_alpha' dataset -> 0.5917 [0.195, 0.84]
    import pingouin as pg

    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot_table(index="Subj", columns="Items", values="Scores")
    out = reliability(wide).iloc[0]
    assert out["alpha"] == pytest.approx(0.5917, abs=5e-5)  # docs print 4 decimals
    # the docs print the CI rounded to 3 decimals; ours is unrounded
    assert (out["ci_low"], out["ci_high"]) == (
        pytest.approx(0.195, abs=5e-4),
        pytest.approx(0.84, abs=5e-3),
    )


def test_alpha_listwise_like_spss():
    df = ITEMS.astype(float).copy()
    big = pd.concat([df] * 3, ignore_index=True)
    big.iloc[0, 1] = np.nan  # 1 of 30 rows incomplete (3 % <= 5 %)
    out = reliability(big).iloc[0]
    assert out["n"] == 29
    assert out["alpha"] == pytest.approx(_alpha_by_formula(big.dropna()), abs=1e-12)


@given(st.permutations(["i1", "i2", "i3", "i4"]))
@settings(max_examples=20)
def test_alpha_unchanged_by_item_order(order):
    assert reliability(ITEMS[order]).iloc[0]["alpha"] == pytest.approx(
        reliability(ITEMS).iloc[0]["alpha"]
    )


def test_item_validity_raw_and_corrected():
    out = item_validity(ITEMS).set_index("item")
    total = ITEMS.sum(axis=1)
    for c in ITEMS:
        assert out.loc[c, "r"] == pytest.approx(np.corrcoef(ITEMS[c], total)[0, 1], abs=1e-12)
        assert out.loc[c, "r_corrected"] == pytest.approx(
            np.corrcoef(ITEMS[c], total - ITEMS[c])[0, 1], abs=1e-12
        )
    assert (out["r_crit"] == critical_r(10)).all()
    assert set(out["decision"]) <= {"Valid", "Tidak valid"}
    assert (out["r_corrected"] < out["r"]).all()


def test_constant_item_raises():
    df = ITEMS.assign(i5=2)
    with pytest.raises(StatsInputError, match="i5.*constant"):
        reliability(df)
    with pytest.raises(StatsInputError, match="constant"):
        item_validity(df)


def test_single_item_raises():
    with pytest.raises(StatsInputError, match="single item"):
        reliability(ITEMS[["i1"]])


def test_too_many_missing_raises():
    df = ITEMS.astype(float).copy()
    df.iloc[0, 0] = np.nan  # 1 of 10 rows = 10 % > 5 %
    with pytest.raises(StatsInputError, match="missing"):
        reliability(df)


def test_too_few_rows_raises():
    with pytest.raises(StatsInputError, match="at least 3"):
        item_validity(ITEMS.head(2))


# -- SPSS item-total statistics ---------------------------------------------------------------
# Denis, D. J. (2021). Applied Univariate, Bivariate, and Multivariate Statistics (2nd ed.),
# Wiley, chapter on reliability: ten respondents, five items, and the SPSS 25 output of
# RELIABILITY /MODEL=ALPHA /STATISTICS=DESCRIPTIVE SCALE CORR /SUMMARY=TOTAL as printed:
# Cronbach's Alpha .633, Based on Standardized Items .691, N of Items 5; item SDs 2.71006,
# 5.05085, 4.74810, 2.71621, 3.80058; Item-Total Statistics for Item_1: Scale Mean if Item
# Deleted 34.3000, Scale Variance if Item Deleted 108.900, Corrected Item-Total Correlation .712,
# Squared Multiple Correlation .726, Cronbach's Alpha if Item Deleted .478 (first row).
DENIS = pd.DataFrame(
    {
        "Item_1": [10, 12, 8, 6, 4, 6, 3, 7, 8, 9],
        "Item_2": [12, 18, 16, 8, 7, 6, 4, 3, 9, 5],
        "Item_3": [15, 12, 14, 16, 8, 3, 6, 7, 4, 6],
        "Item_4": [11, 12, 14, 8, 7, 7, 5, 9, 10, 11],
        "Item_5": [12, 1, 4, 6, 5, 3, 8, 9, 10, 12],
    }
)
# Inter-Item Correlation Matrix as printed (3 decimals), upper triangle row by row.
DENIS_R = [0.679, 0.351, 0.827, 0.022, 0.612, 0.743, -0.463, 0.462, -0.129, -0.011]


def _half_unit(decimals: int) -> float:
    """Half a unit of the last printed decimal: the tolerance of a value printed rounded."""
    return 0.5 * 10**-decimals + 1e-12


def test_item_total_statistics_match_spss_printed_output():
    rel = reliability(DENIS).iloc[0]
    assert rel["alpha"] == pytest.approx(0.633, abs=_half_unit(3))
    assert rel["alpha_standardized"] == pytest.approx(0.691, abs=_half_unit(3))
    assert rel["k"] == 5 and rel["n"] == 10
    sd = DENIS.std(ddof=1).to_numpy()
    assert sd == pytest.approx([2.71006, 5.05085, 4.74810, 2.71621, 3.80058], abs=5e-6)
    r = DENIS.corr().to_numpy()[np.triu_indices(5, 1)]
    assert r == pytest.approx(DENIS_R, abs=5e-4)
    it = item_total_statistics(DENIS).set_index("item")
    one = it.loc["Item_1"]
    assert one["scale_mean_if_deleted"] == pytest.approx(34.3, rel=1e-12)
    assert one["scale_variance_if_deleted"] == pytest.approx(108.9, rel=1e-12)  # exact decimal
    assert one["r_corrected"] == pytest.approx(0.712, abs=5e-4)
    assert one["smc"] == pytest.approx(0.726, abs=5e-4)
    assert one["alpha_if_deleted"] == pytest.approx(0.478, abs=5e-4)


def test_item_total_statistics_equal_their_definitions_to_1e12():
    it = item_total_statistics(DENIS).set_index("item")
    total = DENIS.sum(axis=1)
    corr = DENIS.corr().to_numpy()
    for c in DENIS:
        rest = total - DENIS[c]
        row = it.loc[c]
        assert row["scale_mean_if_deleted"] == pytest.approx(rest.mean(), rel=1e-12)
        assert row["scale_variance_if_deleted"] == pytest.approx(rest.var(ddof=1), rel=1e-12)
        assert row["r_corrected"] == pytest.approx(np.corrcoef(DENIS[c], rest)[0, 1], rel=1e-12)
        assert row["alpha_if_deleted"] == pytest.approx(
            _alpha_by_formula(DENIS.drop(columns=c)), rel=1e-12
        )
        # SMC as the R^2 of an OLS regression of the item on the others (independent route)
        others = np.column_stack([np.ones(10), DENIS.drop(columns=c).to_numpy(float)])
        beta, *_ = np.linalg.lstsq(others, DENIS[c].to_numpy(float), rcond=None)
        resid = DENIS[c] - others @ beta
        r2 = 1 - (resid**2).sum() / ((DENIS[c] - DENIS[c].mean()) ** 2).sum()
        assert row["smc"] == pytest.approx(r2, rel=1e-9)
    # standardised alpha = alpha of the z-scored items
    z = (DENIS - DENIS.mean()) / DENIS.std(ddof=1)
    assert standardized_alpha(corr) == pytest.approx(_alpha_by_formula(z), rel=1e-12)


def test_smc_matches_spss_printed_output_from_its_correlation_matrix():
    # SPSS RELIABILITY on six GSS abortion items (ABANY ... ABRAPE, N of Cases = 1776), printed
    # correlation matrix (4 decimals) and Squared Multiple Correlation .6996 .5249 .4658 .7392
    # .7218 .5011 (SPSS "Reliability Analysis - Scale (Alpha)" output reproduced in "One way to
    # do an index with SPSS", studylib.net/doc/7411764). The inputs are rounded to 4 decimals,
    # hence the 2e-4 tolerance.
    lower = [
        [1],
        [0.4182, 1],
        [0.3072, 0.6284, 1],
        [0.8049, 0.4437, 0.3177, 1],
        [0.7868, 0.4452, 0.3393, 0.8157, 1],
        [0.4104, 0.6329, 0.6030, 0.4355, 0.4542, 1],
    ]
    r = np.zeros((6, 6))
    for i, row in enumerate(lower):
        for j, v in enumerate(row):
            r[i, j] = r[j, i] = v
    smc = squared_multiple_correlations(r)
    assert smc == pytest.approx([0.6996, 0.5249, 0.4658, 0.7392, 0.7218, 0.5011], abs=2e-4)


def test_smc_undefined_for_a_singular_correlation_matrix():
    df = ITEMS.assign(i5=ITEMS["i1"] + ITEMS["i2"])  # a linear combination of two items
    assert np.isnan(item_total_statistics(df)["smc"]).all()


def test_feldt_interval_unrounded_and_equal_to_pingouins_rounded_one():
    # pingouin docs, cronbach_alpha: 'cronbach_alpha' dataset -> 0.5917, CI [0.195, 0.84]
    import pingouin as pg

    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot_table(index="Subj", columns="Items", values="Scores")
    out = reliability(wide).iloc[0]
    _, ci = pg.cronbach_alpha(wide, nan_policy="listwise")
    assert out["ci_low"] != round(out["ci_low"], 3)  # not rounded any more
    assert round(out["ci_low"], 3) == ci[0] and round(out["ci_high"], 3) == ci[1]
    # Feldt et al. (1987), eq. for the two-sided interval, written out with scipy's F quantiles
    from scipy import stats

    n, k, a = out["n"], out["k"], out["alpha"]
    lo = 1 - (1 - a) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
    hi = 1 - (1 - a) * stats.f.ppf(0.025, n - 1, (n - 1) * (k - 1))
    expected = (pytest.approx(lo, rel=1e-12), pytest.approx(hi, rel=1e-12))
    assert (out["ci_low"], out["ci_high"]) == expected
    assert feldt_interval(a, n, k) == expected
