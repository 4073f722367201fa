"""Descriptive interval classes (thesis Chapter III C.2: I = (highest - lowest) / classes).

Boundaries. With width ``I = (hi - lo) / k`` class j (0-based) is ``[lo + jI, lo + (j+1)I)``
and the last class is closed at ``hi``, so the classes cover ``[lo, hi]`` without overlap.
For integer scores (``integer=True``) a score x belongs to the class whose half-open interval
contains it, so class j holds the integers ``ceil(lo + jI) .. ceil(lo + (j+1)I) - 1`` and the
last class ends at ``hi``: a score on a boundary goes to the *upper* class. The class limits
are reported as those integers (``lower_int``, ``upper_int``); an integer class that would be
empty (range narrower than k) is refused.

The range is either *theoretical* (the codebook's possible scores) or *observed* (min/max of
the data), the ``class_range`` parameter of the notebooks; the thesis does not say which it used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from p3md.stats._checks import DEFAULT_MAX_MISSING_SHARE, numeric_series
from p3md.stats.errors import StatsInputError

ClassRange = Literal["theoretical", "observed"]


def interval_classes(lo: float, hi: float, k: int = 3, *, integer: bool = True) -> pd.DataFrame:
    """Classes of equal width ``(hi - lo) / k`` from low to high.

    Columns: ``class`` (1 = lowest), ``lower``, ``upper`` (real limits; half-open except the
    last), ``width``, and with ``integer=True`` ``lower_int``/``upper_int`` (inclusive).
    """
    if k < 1:
        raise StatsInputError(f"interval_classes: k must be >= 1, got {k}")
    if not hi > lo:
        raise StatsInputError(
            f"interval_classes: the range {lo}..{hi} is empty (all scores tied?); classes "
            "need highest > lowest"
        )
    width = (hi - lo) / k
    edges = [lo + j * width for j in range(k)] + [hi]
    out = pd.DataFrame(
        {"class": range(1, k + 1), "lower": edges[:-1], "upper": edges[1:], "width": width}
    )
    if integer:
        if lo != math.floor(lo) or hi != math.floor(hi):
            raise StatsInputError(
                f"interval_classes: integer classes need integer limits, got {lo}, {hi}"
            )
        # Round edges to 9 decimals first so 3 + 3 * (2/3) is 5, not 4.999999999.
        low_int = [math.ceil(round(e, 9)) for e in edges[:-1]]
        up_int = [v - 1 for v in low_int[1:]] + [int(hi)]
        if any(u < lo_ for lo_, u in zip(low_int, up_int, strict=True)):
            raise StatsInputError(
                f"interval_classes: the integer range {int(lo)}..{int(hi)} is too narrow for "
                f"{k} non-empty classes"
            )
        out["lower_int"] = low_int
        out["upper_int"] = up_int
    return out


def declared_classes(bounds: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Classes a codebook declares as inclusive integer ranges (its categories), low to high.

    Same columns as :func:`interval_classes` with ``integer=True``; ``lower``/``upper`` are
    half-open real limits (``upper`` = the next class's lower limit, the last closed), so
    :func:`class_distribution` assigns scores exactly as the declared ranges say. The ranges
    must follow each other without gaps or overlaps.
    """
    spans = sorted((int(lo), int(hi)) for lo, hi in bounds)
    if not spans:
        raise StatsInputError("declared_classes: no classes")
    for lo, hi in spans:
        if lo > hi:
            raise StatsInputError(f"declared_classes: the class {lo}-{hi} is empty")
    for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False):
        if lo != hi + 1:
            raise StatsInputError(
                f"declared_classes: classes must follow each other; found ...{hi} then {lo}..."
            )
    lowers = [float(lo) for lo, _ in spans]
    uppers = lowers[1:] + [float(spans[-1][1])]
    return pd.DataFrame(
        {
            "class": range(1, len(spans) + 1),
            "lower": lowers,
            "upper": uppers,
            "width": [u - lo for lo, u in zip(lowers, uppers, strict=True)],
            "lower_int": [lo for lo, _ in spans],
            "upper_int": [hi for _, hi in spans],
        }
    )


def classes_for(
    scores: pd.Series,
    theoretical: tuple[float, float],
    class_range: ClassRange = "theoretical",
    k: int = 3,
    *,
    integer: bool = True,
) -> pd.DataFrame:
    """Interval classes on the theoretical (codebook) or observed (data) range."""
    if class_range == "theoretical":
        lo, hi = theoretical
    elif class_range == "observed":
        s = numeric_series(scores, "classes_for").dropna()
        if s.empty:
            raise StatsInputError("classes_for: no non-missing scores for an observed range")
        lo, hi = float(s.min()), float(s.max())
    else:
        raise StatsInputError(
            f"classes_for: class_range must be theoretical or observed, got {class_range!r}"
        )
    return interval_classes(lo, hi, k, integer=integer)


def _assign(values: np.ndarray, classes: pd.DataFrame) -> np.ndarray:
    """Class number of each value (half-open classes, last closed)."""
    lower = classes["lower"].to_numpy(float)
    upper = classes["upper"].to_numpy(float)
    idx = np.searchsorted(lower, values + 1e-9, side="right") - 1
    outside = (values < lower[0] - 1e-9) | (values > upper[-1] + 1e-9)
    if outside.any():
        bad = sorted(set(values[outside].tolist()))
        raise StatsInputError(
            f"class_distribution: scores {bad} lie outside the class range "
            f"{lower[0]:g}..{upper[-1]:g}; use the observed range or fix the data"
        )
    return classes["class"].to_numpy()[np.clip(idx, 0, len(lower) - 1)]


def _percent_largest_remainder(counts: np.ndarray, decimals: int) -> np.ndarray:
    """Percentages rounded to ``decimals`` that still sum to exactly 100 (Hamilton's method)."""
    scale = 10**decimals
    exact = counts / counts.sum() * 100 * scale
    floors = np.floor(exact + 1e-9)
    left = int(round(100 * scale - floors.sum()))
    order = np.argsort(-(exact - floors), kind="stable")
    floors[order[:left]] += 1
    return floors / scale


def class_distribution(
    scores: pd.Series,
    classes: pd.DataFrame,
    labels: Sequence[str],
    *,
    decimals: int = 1,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> pd.DataFrame:
    """Frequency table of ``scores`` over ``classes`` (from :func:`interval_classes`).

    ``labels`` name the classes from lowest to highest. Columns: ``class``, ``label``,
    ``lower``, ``upper`` (integer limits when available), ``count``, ``percent`` (exact; sums
    to 100), ``percent_rounded`` (to ``decimals``, largest remainder so it still sums to 100),
    ``is_median_class`` and ``is_modal_class`` (every class with the highest count).
    Missing scores are dropped within the codebook's missing-data share.
    """
    if len(labels) != len(classes):
        raise StatsInputError(
            f"class_distribution: {len(classes)} classes but {len(labels)} labels"
        )
    s = numeric_series(scores, "class_distribution")
    n_missing = int(s.isna().sum())
    if len(s) and n_missing / len(s) > max_missing_share:
        raise StatsInputError(
            f"class_distribution: {n_missing} of {len(s)} scores are missing, more than the "
            f"documented {max_missing_share:.0%}"
        )
    values = s.dropna().to_numpy(float)
    if values.size == 0:
        raise StatsInputError("class_distribution: no scores")
    assigned = _assign(values, classes)
    counts = np.array([(assigned == c).sum() for c in classes["class"]], dtype=float)
    median_class = _assign(np.array([float(np.median(values))]), classes)[0]
    has_int = "lower_int" in classes.columns
    return pd.DataFrame(
        {
            "class": classes["class"].to_numpy(),
            "label": list(labels),
            "lower": classes["lower_int" if has_int else "lower"].to_numpy(),
            "upper": classes["upper_int" if has_int else "upper"].to_numpy(),
            "count": counts.astype(int),
            "percent": counts / counts.sum() * 100,
            "percent_rounded": _percent_largest_remainder(counts, decimals),
            "is_median_class": classes["class"].to_numpy() == median_class,
            "is_modal_class": counts == counts.max(),
        }
    )


def score_summary(scores: pd.Series) -> pd.DataFrame:
    """One row: ``n``, ``n_missing``, ``min``, ``max``, ``mean``, ``median``, ``mode``
    (smallest of the modes), ``n_modes`` (>1 means the mode is not unique)."""
    s = numeric_series(scores, "score_summary")
    v = s.dropna()
    if v.empty:
        raise StatsInputError("score_summary: no scores")
    modes = v.mode()
    return pd.DataFrame(
        [
            {
                "n": len(v),
                "n_missing": int(s.isna().sum()),
                "min": v.min(),
                "max": v.max(),
                "mean": v.mean(),
                "median": v.median(),
                "mode": modes.min(),
                "n_modes": len(modes),
            }
        ]
    )
