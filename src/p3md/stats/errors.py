"""The one error type of ``p3md.stats``.

Every statistic here refuses input on which it is undefined (a constant item, one item, an
empty group, a single group, all values tied, too few rows, too many missing answers) and says
why, instead of handing a NaN to the table that a reader would take for a result. A group of
one is not undefined: it is computed, as R and SPSS do, and flagged.
"""

from __future__ import annotations


class StatsInputError(ValueError):
    """Input on which the requested statistic is undefined or not allowed by the codebook."""
