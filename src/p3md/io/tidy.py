"""Writing a tidy CSV (the run folder's ``tables/*.csv`` and ``derived/*.csv``).

UTF-8, ``,``, ``\\n``, full precision unless asked otherwise. One addition to pandas' writer: a
text cell holding a carriage return (a codebook label can) is quoted. Python's ``csv`` quotes a
field only for the characters of the line terminator, so with ``\\n`` a lone CR is written bare
and a reader splits the row there (a 44-row table read back as 59 rows); then every text cell
of the file is quoted, which any CSV reader reads back as the same values.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd


def _has_cr(frame: pd.DataFrame) -> bool:
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):  # object, str, string, category
            if frame[col].map(lambda v: isinstance(v, str) and "\r" in v).any():
                return True
    return any(isinstance(c, str) and "\r" in c for c in frame.columns)


def write_tidy_csv(frame: pd.DataFrame, path: Path, **options: Any) -> Path:
    """``frame`` as ``path`` (index dropped); ``options`` go to ``DataFrame.to_csv``."""
    quoting = csv.QUOTE_NONNUMERIC if _has_cr(frame) else csv.QUOTE_MINIMAL
    frame.to_csv(
        path, index=False, encoding="utf-8", lineterminator="\n", quoting=quoting, **options
    )
    return Path(path)
