"""Several officials' ratings of one facilitator -> one item score; modal answers.

The rule is named in ``cb.rater_aggregation.rule``; only ``item_median_round_half_up`` exists.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from p3md.scoring.items import ScoringError


def round_half_up(x: np.ndarray | pd.Series) -> np.ndarray:
    """2.5 -> 3 (Python's round() would give 2: banker's rounding)."""
    return np.floor(np.asarray(x, dtype=float) + 0.5)


def aggregate_items(scores: pd.DataFrame, by: pd.Series, rule: str) -> pd.DataFrame:
    """Per-group item scores: median over the group's non-missing answers, rounded half up."""
    if rule != "item_median_round_half_up":
        raise ScoringError(f"rater aggregation rule {rule!r} is not implemented")
    med = scores.groupby(by.to_numpy(), sort=True).median()
    return pd.DataFrame(round_half_up(med), index=med.index, columns=med.columns)


def modal_scores(scores: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Per-group modal item score (any scale); ties go to the lowest score, as SPSS reports
    modes."""
    out = {}
    keys = by.to_numpy()
    for col in scores.columns:
        counts = pd.crosstab(keys, scores[col].to_numpy())  # columns: the scores seen, sorted
        levels = counts.columns.to_numpy(dtype=float)
        if levels.size == 0:
            out[col] = pd.Series(np.nan, index=pd.Index(sorted(set(keys))))
            continue
        best = counts.to_numpy().argmax(axis=1)  # argmax takes the first = lowest on ties
        mode = np.where(counts.to_numpy().sum(axis=1) > 0, levels[best], np.nan)
        out[col] = pd.Series(mode, index=counts.index)
    return pd.DataFrame(out).reindex(pd.Index(sorted(set(keys))))
