"""Display text of numbers: Indonesian conventions for tables and prose.

Decimal comma (``0,361``), ``.`` as thousands separator, p-values below 0.001 as ``< 0,001``,
missing values as ``–``; ``lang="en"`` gives the English conventions. Only the display is
formatted: CSV files keep full precision with ``.`` decimals (:mod:`p3md.reporting.tables`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

MISSING = "–"
_P_COLUMNS = (
    "p",
    "p_value",
    "p-value",
    "sig",
    "sig.",
    "p_holm",
    "p_bh",
    "p_adj",
    "p (holm)",
    "p (bh)",
)


def _is_p_column(name: Any) -> bool:
    n = str(name).strip().lower()
    last = n.rsplit(": ", 1)[-1]  # the column under a spanner: "Mann-Whitney: Exact Sig."
    return (
        n in _P_COLUMNS
        or last in _P_COLUMNS
        or n.startswith(("p ", "p_", "sig"))
        or last.startswith(("p ", "sig", "asymp. sig", "exact sig"))
        or n.endswith((" p", "_p"))
        or "sig." in last
    )


def _half_up(value: float, decimals: int) -> Decimal:
    """``value`` rounded half away from zero at ``decimals``, from its shortest decimal form.

    One rounding rule for every table: 7/16 = 43.75 % is 43,8 wherever it appears. Python's
    ``format`` rounds half to even on the binary value (43.75 -> 43.8 but 6.25 -> 6.2), so the
    same kind of share would round two ways.
    """
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: Any, decimals: int = 3, *, p_value: bool = False, lang: str = "id") -> str:
    """Format one value for display: decimal comma for ``lang="id"``, ``–`` for missing.

    Integers (and floats that are whole numbers when ``decimals == 0``) get no decimals;
    ``p_value=True`` prints values below 0.001 as ``< 0,001``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return ("ya" if value else "tidak") if lang == "id" else ("yes" if value else "no")
    dec, thou = (",", ".") if lang == "id" else (".", ",")
    if isinstance(value, numbers.Integral):
        text = f"{int(value):,}"
        return text.replace(",", thou)
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        if p_value and 0 <= v < 0.001:
            return f"< 0{dec}001"
        text = f"{_half_up(v, decimals):,.{decimals}f}"
        return text.replace(",", "\0").replace(".", dec).replace("\0", thou)
    return str(value)


def format_frame(
    df: pd.DataFrame,
    decimals: int | Mapping[str, int] = 3,
    *,
    lang: str = "id",
) -> pd.DataFrame:
    """A copy of ``df`` with every cell formatted as display text (see :func:`format_number`).

    Integer columns, and float columns whose values are all whole numbers (counts after a merge,
    medians of integer scores), are shown without decimals unless ``decimals`` names the column;
    p-value columns (``p``, ``p_holm``, ``sig`` ...) always keep their decimals.
    """
    out = {}
    for col in df.columns:
        d = decimals.get(col, 3) if isinstance(decimals, Mapping) else decimals
        is_p = _is_p_column(col)
        # A share keeps its decimals even when every value is whole (25,0 beside 43,8 in the
        # same column of another table, not "25").
        is_share = "%" in str(col) and not pd.api.types.is_integer_dtype(df[col].dtype)
        series = df[col]
        if pd.api.types.is_integer_dtype(series.dtype) or (
            pd.api.types.is_float_dtype(series.dtype)
            and series.dropna().size > 0
            and (series.dropna() % 1 == 0).all()
            and not is_p
            and not is_share
            and not (isinstance(decimals, Mapping) and col in decimals)
        ):
            vals = [format_number(int(v), lang=lang) if pd.notna(v) else MISSING for v in series]
        elif series.dtype == object:
            # Mixed columns (e.g. counts with a median row): whole floats print as integers.
            vals = [
                format_number(int(v), lang=lang)
                if isinstance(v, float) and v.is_integer() and not is_p
                else format_number(v, d, p_value=is_p, lang=lang)
                for v in series
            ]
        else:
            vals = [format_number(v, d, p_value=is_p, lang=lang) for v in series]
        out[col] = vals
    return pd.DataFrame(out, index=df.index, columns=df.columns)
