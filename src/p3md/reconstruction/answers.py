"""From latent traits to item scores, and from item scores back to raw answers.

The latent-variable model works on item *scores* (1..3, 3 = best). The raw files must hold
what a respondent would have written: an option code (reverse-keyed items store ``4 - score``),
a count, or a distance. So each score is turned into a raw answer drawn inside the band that
the codebook gives that score, which makes scoring the raw file return exactly the score the
model produced.
"""

from __future__ import annotations

import numpy as np

from p3md.codebook import Band, Codebook, Item


def ordinal(latent: np.ndarray, cuts: tuple[float, float]) -> np.ndarray:
    """Scores 1..3 from a latent value and two ascending thresholds."""
    return 1 + (latent > cuts[0]).astype(np.int64) + (latent > cuts[1]).astype(np.int64)


def _band_ranges(bands: list[Band], step: float, floor: float) -> dict[int, tuple[float, float]]:
    """Realistic ``[lo, hi]`` of raw values for each score of an ordered band list.

    The bands give only upper limits. The first band starts one neighbouring band-width below
    its limit (the printed thesis ranges, e.g. PDP villages 5-9, PLD distance 1-5.6 km) and the
    open last band ends one neighbouring band-width above its start (15-19 villages).
    """
    lows, highs = [], []
    for i, band in enumerate(bands):
        lo = floor if i == 0 else float(bands[i - 1].upto) + step  # type: ignore[arg-type]
        lows.append(lo)
        highs.append(band.upto)
    if len(bands) > 1:
        width_next = float(highs[1]) - lows[1]
        lows[0] = max(floor, float(highs[0]) - width_next)
        width_prev = float(highs[-2]) - lows[-2]
        if highs[-1] is None:
            highs[-1] = lows[-1] + max(width_prev, step)
    return {b.score: (lo, float(hi)) for b, lo, hi in zip(bands, lows, highs, strict=True)}


def raw_from_scores(
    cb: Codebook, item: Item, role: str, scores: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Raw answers of ``item`` for respondents of ``role`` whose item scores are ``scores``."""
    kind = item.response.type
    if kind == "options":
        return 4 - scores if item.reverse else scores.copy()
    bands = cb.bands_for(item.id, role)
    if kind == "count":
        # At least one village for the village count; any other count may be zero.
        floor = 1.0 if item.variable == "X5" else 0.0
        ranges = _band_ranges(bands, 1.0, floor)
        lo = np.array([ranges[int(s)][0] for s in range(1, 4)])[scores - 1]
        hi = np.array([ranges[int(s)][1] for s in range(1, 4)])[scores - 1]
        return rng.integers(lo.astype(np.int64), hi.astype(np.int64) + 1)
    raise ValueError(f"use km_from_scores for the distance item {item.id}")


def km_center(
    cb: Codebook, item_id: str, role: str, scores: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A facilitator's typical distance (km, 0.1 km steps) inside the band of ``scores``."""
    ranges = _band_ranges(cb.bands_for(item_id, role), 0.1, 1.0)
    lo = np.array([ranges[s][0] for s in range(1, 4)])[scores - 1]
    hi = np.array([ranges[s][1] for s in range(1, 4)])[scores - 1]
    # Keep away from the band edges so the three village distances share the band.
    span = hi - lo
    return lo + span * (0.15 + 0.7 * rng.random(scores.size))


def km_range(cb: Codebook, item_id: str, role: str) -> tuple[float, float]:
    """Plausible distance range of ``role`` (the outer ends of its band ranges)."""
    ranges = _band_ranges(cb.bands_for(item_id, role), 0.1, 1.0)
    return min(r[0] for r in ranges.values()), max(r[1] for r in ranges.values())
