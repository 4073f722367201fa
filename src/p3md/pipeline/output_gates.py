"""Output-gate suites: sanity rules on the CSV tables a stage writes.

Tables are written by notebooks whose column names follow conventions rather than a schema,
so the rules are matched by column name (case-insensitive):

- ``statistics`` rule set
  - p-values: ``p``, ``p_val``, ``p-val``, ``p_value``, ``p_adj``, ``p_unc``, ``p_holm``,
    ``p_corr``, ``sig``, or any name ending in ``_p`` / starting with ``p_``  -> in [0, 1]
  - correlations: ``rho``, ``r``, ``r_hitung``, ``r_xy``, ``r_it``, ``r_drop``, names
    starting with ``rho`` or ``r_``, or ending with ``_rho``/``_r``           -> in [-1, 1]
    (``r_tabel``/``r_kritis`` are critical values, also in [-1, 1])
  - reliability: ``alpha``, ``cronbach_alpha``, ``alpha_*``, ``*_alpha``   -> at most 1
- ``distributions`` rule set
  - every percentage column (``pct``, ``persen``, ``persentase``, ``%``, names starting with
    ``pct_``/``persen``, ending with ``_pct``/``_persen``/``(%)``)           -> in [0, 100]
  - *column distribution*: a column named exactly ``%``, ``pct``, ``persen``, ``persentase``
    or ``percent`` is the share of each row's class, so it sums to 100 over the rows (within
    rounding: 0.05 per row, at least 0.2), leaving out a total row (first column
    ``Jumlah``/``Total``), which must itself be 100. A long table stacking several
    distributions carries a ``group`` column; the sum is then checked per group in pandas
    (GX's column sum cannot group).
  - *count/share pairs*: two or more ``<name> (%)`` columns that each have a ``<name> (n)``
    count partner form a distribution in one of two orientations, read from the table:
    per-group columns (``PDP (%)``, ``PLD (%)``: each sums to 100 down the class rows, total
    row left out) or per-row classes (``Skor 3 (%)``, ``Skor 2 (%)``, ``Skor 1 (%)``: each
    row sums to 100). The check fails when neither holds, naming the rows that do not sum.
    Checked in pandas: GX's ``ExpectMulticolumnSumToEqual`` demands exact equality (rounded
    shares are not exact) and cannot choose an orientation.
  - other percentage columns (``Lulus pre-test (%)``: a rate, not a distribution) are only
    range-checked.

``alpha`` in these tables is Cronbach's alpha, never the significance level (name that
``alpha_level`` / ``taraf_nyata`` and it is not checked).
"""

from __future__ import annotations

import re

import pandas as pd

from p3md.pipeline.gates import GateSuite, PandasCheck
from p3md.pipeline.gx_runtime import ExpectationSpec

P_RE = re.compile(r"^(p|p\s*\(.*\)|p[-_ ]?val(ue)?|p[-_](adj|unc|holm|corr|.*)|sig|.*_p)$", re.I)
R_RE = re.compile(r"^(rho.*|r|r[-_].*|.*_rho|.*_r)$", re.I)
ALPHA_RE = re.compile(r"^(alpha|cronbach.*|alpha_(?!level).*|.*_alpha)$", re.I)
PCT_RE = re.compile(
    r"^(pct|persen|persentase|%|pct[-_ ].*|persen.*|.*[-_ ](pct|persen)|.*\(%\))$", re.I
)
COLUMN_DISTRIBUTION = {"%", "pct", "persen", "persentase", "percent"}
SHARE_RE = re.compile(r"^(?P<base>.*?)\s*\(%\)$")
TOTAL_LABELS = {"jumlah", "total", "sum"}
RULES = ("statistics", "distributions")


def _numeric(df: pd.DataFrame, col: str) -> bool:
    return pd.api.types.is_numeric_dtype(df[col])


def _total_row_mask(df: pd.DataFrame) -> pd.Series:
    first = df.columns[0]
    return df[first].astype(str).str.strip().str.lower().isin(TOTAL_LABELS)


def build_output_suite(
    df: pd.DataFrame, rules: tuple[str, ...], label: str
) -> tuple[GateSuite, pd.DataFrame]:
    """The suite for one output table, and the frame to validate (total rows removed for the
    sums, which are checked separately)."""
    suite = GateSuite(name=label)
    specs = suite.specs
    numeric = [c for c in df.columns if _numeric(df, c)]
    if "statistics" in rules:
        for col in numeric:
            name = str(col).strip()
            if P_RE.match(name):
                specs.append(
                    ExpectationSpec(
                        "ExpectColumnValuesToBeBetween",
                        {"column": col, "min_value": 0, "max_value": 1},
                        rule="a p-value must lie in [0, 1]",
                        fix="the notebook computed or copied a wrong p-value; check its source "
                        "cell",
                    )
                )
            elif ALPHA_RE.match(name):
                specs.append(
                    ExpectationSpec(
                        "ExpectColumnValuesToBeBetween",
                        {"column": col, "max_value": 1},
                        rule="Cronbach's alpha cannot exceed 1",
                        fix="check the reliability computation (items, listwise deletion)",
                    )
                )
            elif R_RE.match(name):
                specs.append(
                    ExpectationSpec(
                        "ExpectColumnValuesToBeBetween",
                        {"column": col, "min_value": -1, "max_value": 1},
                        rule="a correlation coefficient must lie in [-1, 1]",
                        fix="check the correlation computation of this table",
                    )
                )
    frame = df
    if "distributions" in rules:
        pct_cols = [c for c in numeric if PCT_RE.match(str(c).strip())]
        for col in pct_cols:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeBetween",
                    # 1e-9: a share computed as k/n*100 can overshoot 100 in binary floating
                    # point (seen at 44,000 rows); a real excess is far larger.
                    {"column": col, "min_value": -1e-9, "max_value": 100 + 1e-9},
                    rule="a percentage must lie in [0, 100]",
                    fix="check the percentage computation",
                )
            )
        family = _row_family(df, pct_cols)
        if len(family) >= 2:
            suite.pandas_checks.append(_row_sum_check(family))
        totals = _total_row_mask(df)
        column_dist = [c for c in pct_cols if str(c).strip().lower() in COLUMN_DISTRIBUTION]
        if column_dist:
            frame = df[~totals]
            tol = max(0.2, 0.05 * len(frame))
        for col in column_dist:
            if "group" in df.columns:
                suite.pandas_checks.append(_group_sum_check(col, tol))
            else:
                specs.append(
                    ExpectationSpec(
                        "ExpectColumnSumToBeBetween",
                        {"column": col, "min_value": 100 - tol, "max_value": 100 + tol},
                        rule=f"the percentages of a distribution must sum to 100 "
                        f"(within {tol:.2f} for rounding)",
                        fix="a class is missing or counted twice, or the shares were rounded badly",
                    )
                )
            for value in df.loc[totals, col]:
                # Checked here on the full table: the validated frame has no total rows.
                if pd.notna(value) and abs(float(value) - 100) > 0.5:
                    suite.precondition_failures.append(
                        PandasCheck(
                            name="total_row_is_100",
                            column=col,
                            offending=_none,
                            rule=f"the total row of a percentage column must be 100, found {value}",
                            fix="recompute the total row",
                            why="a single labelled row",
                        )
                    )
    return suite, frame


def _row_family(df: pd.DataFrame, pct_cols: list[str]) -> list[str]:
    """``<class> (%)`` columns that have a ``<class> (n)`` partner (a row distribution)."""
    names = {str(c).strip().lower() for c in df.columns}
    family = []
    for col in pct_cols:
        m = SHARE_RE.match(str(col).strip())
        if m and f"{m.group('base').strip().lower()} (n)" in names:
            family.append(col)
    return family


def _row_sum_check(family: list[str]) -> PandasCheck:
    tol = max(0.2, 0.05 * len(family))

    def offending(df: pd.DataFrame) -> pd.Series:
        body = df[~_total_row_mask(df)] if len(df.columns) else df
        shares = body[family].apply(pd.to_numeric, errors="coerce")
        # Either orientation is a valid distribution: per-group columns (each sums to 100 down
        # the class rows) or per-row classes (each row sums to 100 across the columns).
        col_sums = shares.sum(axis=0, min_count=1)
        if ((col_sums - 100).abs() <= max(0.2, 0.05 * len(body))).all():
            return pd.Series(False, index=df.index)
        has_data = shares.notna().any(axis=1)
        bad = has_data & ((shares.fillna(0).sum(axis=1) - 100).abs() > tol)
        return bad.reindex(df.index, fill_value=False)

    return PandasCheck(
        name="percentages_sum_to_100",
        column=" + ".join(map(str, family)),
        offending=offending,
        rule=f"the shares {', '.join(map(str, family))} form a distribution: each must sum to "
        f"100 down the class rows, or each row must sum to 100 across them (within rounding)",
        fix="a class is missing or counted twice, or the shares were computed on different totals",
        why="GX's sums are exact and single-column; the orientation is read from the table",
    )


def _group_sum_check(col: str, tol: float) -> PandasCheck:
    def offending(df: pd.DataFrame) -> pd.Series:
        sums = df.groupby("group")[col].transform("sum")
        return (sums - 100).abs() > tol

    return PandasCheck(
        name="percentages_sum_to_100_per_group",
        column=col,
        offending=offending,
        rule=f"the percentages of each group must sum to 100 (within {tol:.2f})",
        fix="a class is missing or counted twice in one group",
        why="GX's column-sum expectation has no group-by",
    )


def _none(df: pd.DataFrame) -> pd.Series:
    return pd.Series(False, index=df.index)
