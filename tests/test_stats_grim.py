"""GRIM examples from Brown & Heathers (2016) and the k/n percentages for n = 16."""

import pytest

from p3md.stats.grim import grim_candidates, grim_consistent, grim_percent


def test_brown_heathers_example():
    assert not grim_consistent(5.19, 28, 2)  # 145/28 = 5.18, 146/28 = 5.21
    assert grim_consistent(5.18, 28, 2)
    assert grim_candidates(5.18, 28, 2) == [145]


def test_items_multiply_granularity():
    # 3 items: granularity 1/(28*3); 5.19 = 436/84 = 5.1905 is possible
    assert grim_consistent(5.19, 28, 2, items=3)


def test_wioi_means():
    assert grim_consistent(62.3, 16, 1) and grim_consistent(84.7, 16, 1)
    assert grim_candidates(84.7, 16, 1) == [1355]  # 84.6875


@pytest.mark.parametrize(
    "pct,ok",
    [
        (58, False),
        (87, False),
        (50, True),
        (90, False),
        (65, False),
        (88, True),
        (85, False),
        (6, True),
        (13, True),
    ],
)
def test_percent_n16(pct, ok):
    assert grim_percent(pct, 16) is ok


def test_percent_half_even_differs_on_ties():
    # 2/16 = 12.5 -> 13 half up, 12 half even
    assert grim_percent(13, 16, rounding="half_up") and not grim_percent(
        13, 16, rounding="half_even"
    )
