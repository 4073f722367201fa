"""The study's statistics, one module per job (see ARCHITECTURE.md):

- ``sampling``    Slovin's n and proportional allocation (Table 8)
- ``instrument``  item-total validity, critical r, Cronbach's alpha (Tables 9-11)
- ``intervals``   descriptive interval classes and frequency tables
- ``hypothesis``  Spearman, Kruskal-Wallis, Mann-Whitney, Dunn, p-value adjustment
- ``prepost``     Wioi pre/post tests, normalised gain, McNemar, satisfaction
- ``grim``        GRIM and its percentage analogue (Brown & Heathers 2016)
- ``published``   the printed numbers and their comparison with the reproduction
- ``audit``       internal consistency of the printed numbers

Every function takes pandas objects and returns a tidy DataFrame with English column names;
undefined statistics raise :class:`StatsInputError` with a specific message.
"""

from p3md.stats.errors import StatsInputError

__all__ = ["StatsInputError"]
