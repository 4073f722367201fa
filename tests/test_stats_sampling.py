"""Slovin and allocation against hand arithmetic and the thesis."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from p3md.codebook import load_codebook
from p3md.stats import StatsInputError
from p3md.stats.published import load_published, table8_frame
from p3md.stats.sampling import allocate, sampling_table, slovin, slovin_n


def test_slovin_reference():
    # 144 / (1 + 144 * 0.01) = 144 / 2.44 = 59.016393...
    assert slovin(144, 0.1) == pytest.approx(59.016393, abs=1e-6)
    assert slovin_n(144, 0.1) == 59
    assert slovin_n(144, 0.1, "ceil") == 60
    assert slovin_n(1000, 0.05) == 286  # 1000 / 3.5 = 285.714 -> 286


@pytest.mark.parametrize("N,e", [(0, 0.1), (10, 0.0), (10, 1.5)])
def test_slovin_rejects_bad_input(N, e):
    with pytest.raises(StatsInputError):
        slovin(N, e)


def test_largest_remainder_hand_example():
    # Hamilton: shares 4.2, 3.5, 2.3 of 10 -> floors 4, 3, 2 (9), the one left goes to .5
    out = allocate(pd.Series({"a": 42, "b": 35, "c": 23}), 10)
    assert out.to_dict() == {"a": 4, "b": 4, "c": 2}
    assert allocate(pd.Series({"a": 42, "b": 35, "c": 23}), 10, "floor").sum() == 9


@given(
    st.lists(st.integers(0, 500), min_size=1, max_size=15).filter(lambda v: sum(v) > 0),
    st.integers(0, 300),
)
def test_allocation_sums_to_n(sizes, n):
    out = allocate(pd.Series(sizes), n)
    assert out.sum() == n
    assert (out >= 0).all()
    exact = pd.Series(sizes) / sum(sizes) * n
    assert ((out - exact).abs() < 1 + 1e-9).all()  # quota property of Hamilton's method


def test_sampling_table_flags_table8():
    cb = load_codebook()
    t = sampling_table(cb.design, table8_frame(load_published()))
    assert t["allocated"].sum() == 59
    bad_villages = set(t.loc[~t["villages_agree"], "kecamatan"])
    bad_resp = set(t.loc[~t["respondents_agree"], "kecamatan"])
    assert bad_villages == {"Padang Cermin"}
    assert bad_resp == {"Way Ratai"}  # printed 6; 10/144*59 = 4.10 -> 4
    total = sampling_table(cb.design, include_total=True).iloc[-1]
    assert total["kecamatan"] == "Total" and total["allocated"] == 59
