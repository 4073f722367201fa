"""Input checks shared by the statistics modules (one place for the refusal messages)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from p3md.stats.errors import StatsInputError

#: Default share of incomplete rows tolerated before refusing (codebook
#: ``missing_data.max_missing_share``); rows with a missing answer are dropped listwise.
DEFAULT_MAX_MISSING_SHARE = 0.05


def numeric_frame(data: pd.DataFrame, what: str) -> pd.DataFrame:
    """``data`` as floats; non-numeric cells raise instead of becoming NaN."""
    if not isinstance(data, pd.DataFrame):
        raise StatsInputError(f"{what}: expected a pandas DataFrame, got {type(data).__name__}")
    try:
        return data.apply(pd.to_numeric, errors="raise").astype(float)
    except (ValueError, TypeError) as exc:
        raise StatsInputError(f"{what}: non-numeric values ({exc})") from exc


def numeric_series(data: pd.Series | Iterable[float], what: str) -> pd.Series:
    """``data`` as a float Series; non-numeric values raise."""
    s = data if isinstance(data, pd.Series) else pd.Series(list(data))
    try:
        return pd.to_numeric(s, errors="raise").astype(float)
    except (ValueError, TypeError) as exc:
        raise StatsInputError(f"{what}: non-numeric values ({exc})") from exc


def drop_incomplete(
    data: pd.DataFrame, what: str, max_missing_share: float = DEFAULT_MAX_MISSING_SHARE
) -> pd.DataFrame:
    """Listwise deletion under the codebook rule ``complete_items_required``.

    Rows with any missing answer are dropped; if their share exceeds ``max_missing_share`` the
    analysis is refused, because listwise deletion of many rows changes who is analysed.
    """
    incomplete = data.isna().any(axis=1)
    n_bad, n = int(incomplete.sum()), len(data)
    if n and n_bad / n > max_missing_share:
        cols = sorted(str(c) for c in data.columns[data.isna().any()])
        raise StatsInputError(
            f"{what}: {n_bad} of {n} rows ({n_bad / n:.0%}) have missing answers (columns "
            f"{cols}); the documented rule drops incomplete rows only up to "
            f"{max_missing_share:.0%}. Fix the data, or raise the limit for this run with "
            f"`--set max_missing_share={min(0.99, round(n_bad / n + 0.005, 2))}` (make report "
            "ARGS=...) or for the study in the codebook (missing_data.max_missing_share)."
        )
    return data.loc[~incomplete]


def require_rows(n: int, minimum: int, what: str) -> None:
    if n < minimum:
        raise StatsInputError(f"{what}: needs at least {minimum} complete rows, got {n}")


def require_variance(values: pd.Series | np.ndarray, what: str) -> None:
    """Refuse a constant column: correlations and alpha divide by its variance."""
    arr = np.asarray(values, dtype=float)
    if arr.size and np.nanmax(arr) == np.nanmin(arr):
        raise StatsInputError(
            f"{what} is constant (every value = {arr[0]:g}); it has no variance, so the "
            "statistic is undefined. Drop the item or report it separately."
        )
