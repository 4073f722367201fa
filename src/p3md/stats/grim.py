"""GRIM: can a mean (or a percentage) of n integer scores have been printed as it was?

Brown, N. J. L., & Heathers, J. A. J. (2016). The GRIM test: A simple technique detects
numerous anomalies in the reporting of results in psychology. *Social Psychological and
Personality Science*, 8(4), 363-369. https://doi.org/10.1177/1948550616673876

A mean of n integer scores (each the sum of ``items`` integer answers) is ``T / (n * items)``
for an integer total T. The printed mean is consistent when some T rounds to it at the
printed number of decimals. Hand-written: no installed library implements GRIM.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Literal

from p3md.stats.errors import StatsInputError

Rounding = Literal["half_up", "half_even", "any"]


def _rounds_to(x: Decimal, target: Decimal, decimals: int, rounding: Rounding) -> bool:
    q = Decimal(1).scaleb(-decimals)
    modes = {
        "half_up": [ROUND_HALF_UP],
        "half_even": [ROUND_HALF_EVEN],
        "any": [ROUND_HALF_UP, ROUND_HALF_EVEN],
    }[rounding]
    return any(x.quantize(q, rounding=m) == target for m in modes)


def grim_candidates(
    mean: float, n: int, decimals: int, items: int = 1, rounding: Rounding = "half_up"
) -> list[int]:
    """Integer totals T whose mean ``T / (n * items)`` prints as ``mean``."""
    if n < 1 or items < 1:
        raise StatsInputError(f"GRIM: n and items must be positive, got n={n}, items={items}")
    if decimals < 0:
        raise StatsInputError(f"GRIM: decimals must be >= 0, got {decimals}")
    target = Decimal(repr(mean)).quantize(Decimal(1).scaleb(-decimals))
    m = n * items
    centre = float(target) * m
    # Every T within half a printed unit of the mean lies in this window.
    span = math.ceil(0.5 * 10**-decimals * m) + 1
    found = []
    for t in range(math.floor(centre) - span, math.ceil(centre) + span + 1):
        if _rounds_to(Decimal(t) / Decimal(m), target, decimals, rounding):
            found.append(t)
    return found


def grim_consistent(
    mean: float, n: int, decimals: int, items: int = 1, rounding: Rounding = "half_up"
) -> bool:
    """True if a mean printed with ``decimals`` decimals is possible for n integer scores.

    Example (Brown & Heathers 2016): mean 5.19 with n = 28 is inconsistent (145/28 = 5.18,
    146/28 = 5.21). GRIM is only informative when ``n * items < 10**decimals``.
    """
    return bool(grim_candidates(mean, n, decimals, items, rounding))


def grim_percent(pct: float, n: int, decimals: int = 0, rounding: Rounding = "half_up") -> bool:
    """True if a percentage of n people printed with ``decimals`` decimals is some ``k/n``.

    The percentage analogue of GRIM: ``100 k / n`` rounded must equal ``pct``.
    """
    if n < 1:
        raise StatsInputError(f"GRIM percent: n must be positive, got {n}")
    target = Decimal(repr(pct)).quantize(Decimal(1).scaleb(-decimals))
    return any(
        _rounds_to(Decimal(100 * k) / Decimal(n), target, decimals, rounding) for k in range(n + 1)
    )


def nearest_possible_percents(pct: float, n: int) -> tuple[float, float]:
    """The two shares ``100 k / n`` that bracket ``pct`` (for the audit's explanation)."""
    k = math.floor(pct * n / 100)
    return 100 * k / n, 100 * min(k + 1, n) / n
