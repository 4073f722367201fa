"""Scoring: raw answers -> item scores -> totals -> categories, all read from the codebook.

Entry point: :func:`score_study` (returns a :class:`ScoredStudy`; ``.write(derived_dir)``).
"""

from p3md.scoring.items import ScoringError, band_scores, score_item, variable_total
from p3md.scoring.study import ScoredStudy, score_study

__all__ = [
    "ScoredStudy",
    "ScoringError",
    "band_scores",
    "score_item",
    "score_study",
    "variable_total",
]
