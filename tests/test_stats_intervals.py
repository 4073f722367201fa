"""Interval classes and frequency tables."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from p3md.stats import StatsInputError
from p3md.stats.intervals import class_distribution, classes_for, interval_classes, score_summary


def test_x2_theoretical_classes():
    # X2: 3 items of 1-3 -> 3..9, I = 2 -> [3,5) [5,7) [7,9]: integers 3-4, 5-6, 7-9
    c = interval_classes(3, 9, 3)
    assert c["width"].iloc[0] == 2
    assert list(zip(c["lower_int"], c["upper_int"], strict=True)) == [(3, 4), (5, 6), (7, 9)]


@given(st.integers(-50, 50), st.integers(1, 200), st.integers(1, 6))
def test_integer_classes_partition_range(lo, span, k):
    hi = lo + span
    if span + 1 < k:
        with pytest.raises(StatsInputError):
            interval_classes(lo, hi, k)
        return
    c = interval_classes(lo, hi, k)
    covered = [
        x for a, b in zip(c["lower_int"], c["upper_int"], strict=True) for x in range(a, b + 1)
    ]
    assert covered == list(range(lo, hi + 1))  # covers, no overlap, no gap


@given(st.floats(-100, 100), st.floats(0.01, 100), st.integers(1, 8))
def test_real_classes_contiguous(lo, span, k):
    c = interval_classes(lo, lo + span, k, integer=False)
    assert c["lower"].iloc[0] == lo and c["upper"].iloc[-1] == lo + span
    assert c["upper"].iloc[:-1].to_numpy() == pytest.approx(c["lower"].iloc[1:].to_numpy())


def test_distribution_counts_percent_median_mode():
    scores = pd.Series([3, 4, 5, 5, 6, 7, 7, 7, 8, 9])
    d = class_distribution(scores, interval_classes(3, 9), ["Rendah", "Sedang", "Tinggi"])
    assert d["count"].tolist() == [2, 3, 5]
    assert d["percent"].sum() == pytest.approx(100)
    assert d["percent_rounded"].sum() == pytest.approx(100)
    assert d.loc[d["is_modal_class"], "label"].tolist() == ["Tinggi"]
    assert d.loc[d["is_median_class"], "label"].tolist() == ["Sedang"]  # median 6.5 -> [5,7)
    s = score_summary(scores).iloc[0]
    assert s["median"] == 6.5 and s["mode"] == 7 and s["n_modes"] == 1


def test_percent_rounded_sums_to_100():
    d = class_distribution(
        pd.Series([1, 2, 3]), interval_classes(1, 3), ["a", "b", "c"], decimals=1
    )
    assert d["percent_rounded"].sum() == pytest.approx(100.0)
    assert sorted(d["percent_rounded"]) == [33.3, 33.3, 33.4]


def test_observed_vs_theoretical_range():
    scores = pd.Series([5, 6, 6, 7, 8])
    assert classes_for(scores, (3, 9), "theoretical")["lower_int"].tolist() == [3, 5, 7]
    assert classes_for(scores, (3, 9), "observed")["lower_int"].tolist() == [5, 6, 7]


def test_all_tied_and_out_of_range_raise():
    with pytest.raises(StatsInputError, match="tied"):
        classes_for(pd.Series([4, 4, 4]), (3, 9), "observed")
    with pytest.raises(StatsInputError, match="outside"):
        class_distribution(pd.Series([2, 5]), interval_classes(3, 9), ["a", "b", "c"])
