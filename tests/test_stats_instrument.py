"""Validity and reliability against printed tables and independent formulas."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p3md.stats import StatsInputError
from p3md.stats.instrument import critical_r, item_validity, reliability


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
    assert (out["ci_low"], out["ci_high"]) == (pytest.approx(0.195), pytest.approx(0.84))


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
