"""Shared helpers of the display views: the running No column, flags, renaming, labels. (The
groups and their order come from the codebook, ``cb.groups``: no view has a default.)"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from p3md.stats.pvalues import method_label


def methods(keys, lang: str = "id") -> list[str]:
    """The words of p-value method keys (:mod:`p3md.stats.pvalues`) for a table column."""
    return [method_label(str(k), lang) for k in keys]


def no_column(df: pd.DataFrame) -> pd.DataFrame:
    """Prepend the thesis's running ``No`` column."""
    out = df.reset_index(drop=True).copy()
    out.insert(0, "No", range(1, len(out) + 1))
    return out


def empty_flags(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(False, index=df.index, columns=df.columns)


def rename(df: pd.DataFrame, mapping: dict[str, str], *, keep_only: bool = True) -> pd.DataFrame:
    """Select (if ``keep_only``) and rename columns in the order of ``mapping``."""
    cols = [c for c in mapping if c in df.columns]
    out = df[cols] if keep_only else df
    return out.rename(columns=mapping).reset_index(drop=True)


def flagged_rows(flags: pd.DataFrame, *, skip_last: bool = True) -> tuple[int, int]:
    """(rows with at least one flagged cell, rows) -- the total row excluded by default."""
    f = flags.iloc[:-1] if skip_last else flags
    return int(f.any(axis=1).sum()), int(len(f))


def variable_labels(cb, variables: Sequence[str] | None = None) -> dict[str, str]:
    """``{"X2": "Tingkat pendidikan non formal (X2)", ...}`` from the codebook."""
    names = {}
    for v, spec in cb.variables.items():
        if variables is None or v in variables:
            names[v] = f"{spec.name_id} ({v})"
    return names
