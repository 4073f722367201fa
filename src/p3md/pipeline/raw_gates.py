"""Input-gate suites generated from the codebook's ``files`` section.

Nothing about the raw files is written here by hand: columns, types, patterns, allowed values,
keys, foreign keys, item columns and their option ranges or plausible maxima all come from
``cb.files`` and ``cb.items``, so editing the codebook changes the gates.

Rules that GX cannot express on one DataFrame are checked in pandas (each says why):

- *numeric type per cell*: GX type expectations test the column dtype, not cells, so they
  cannot name the offending rows;
- *Wioi pre and post*: "every participant has both phases" is a group-wise rule;
- *foreign keys*: a look-up in another file. The parent's keys as the ``value_set`` of
  ``ExpectColumnValuesToBeInSet`` made GX copy that list on every internal access of the
  expectation's configuration, which took minutes at 100,000 keys; a hashed ``Series.isin``
  (stored as helper column ``_fk_<column>``) is linear. Empty cells pass, as in GX.

Role-specific items use GX ``row_condition`` on the role. Files without a role column
(ratings by officials and the expert) get a helper column ``_role`` looked up from
``facilitators`` via ``facilitator_id``; looking up another file is a join GX cannot do, but
once the column is there the rule itself is a plain GX expectation with a row condition.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pandas as pd

from p3md.codebook import Codebook, FileSpec
from p3md.pipeline.gates import GateSuite, PandasCheck
from p3md.pipeline.gx_runtime import ExpectationSpec, bare_frame

ROLE_HELPER = "_role"
#: Prefix of the helper column holding each row's foreign-key look-up (True = found or empty).
FK_HELPER_PREFIX = "_fk_"
#: Name of the foreign-key check in gate records and messages.
FOREIGN_KEY_CHECK = "foreign_key_exists"


def question_columns(cb: Codebook, spec: FileSpec, df: pd.DataFrame | None = None) -> list[str]:
    """Names of the question columns (``q1``..``qN``; zero-padded ``q01`` if the file uses it)."""
    qc = spec.question_columns
    if qc is None:
        return []
    n = int(cb.resolve(qc.count_from))
    plain = [f"{qc.prefix}{i}" for i in range(1, n + 1)]
    if df is not None and not set(plain) <= set(df.columns):
        width = len(str(n))
        padded = [f"{qc.prefix}{i:0{width}d}" for i in range(1, n + 1)]
        if set(padded) <= set(df.columns):
            return padded
    return plain


def _fmt(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _role_source(
    spec: FileSpec, df: pd.DataFrame, frames: Mapping[str, pd.DataFrame]
) -> str | None:
    """The column holding each row's role (adding the ``_role`` helper when it is looked up)."""
    if "role" in spec.columns and "role" in df.columns:
        return "role"
    fac = frames.get("facilitators")
    if (
        "facilitator_id" in df.columns
        and fac is not None
        and {"facilitator_id", "role"} <= set(fac.columns)
    ):
        lookup = fac.drop_duplicates("facilitator_id").set_index("facilitator_id")["role"]
        df[ROLE_HELPER] = df["facilitator_id"].map(lookup)
        return ROLE_HELPER
    return None


def _numeric_check(col: str, integer: bool, fname: str) -> PandasCheck:
    def offending(df: pd.DataFrame) -> pd.Series:
        raw = df[col]
        num = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & num.isna()
        if integer:
            bad |= num.notna() & (num != num.round())
        return bad

    kind = "whole numbers" if integer else "numbers"
    return PandasCheck(
        name="values_are_numeric",
        column=col,
        offending=offending,
        rule=f"values must be {kind}",
        fix=f"write {kind} only in column {col} of {fname} (no text, units or ranges)",
        why="GX type expectations test the column dtype, not cells, and cannot name rows",
    )


def build_raw_suite(
    cb: Codebook, key: str, df: pd.DataFrame, frames: Mapping[str, pd.DataFrame]
) -> tuple[GateSuite, pd.DataFrame]:
    """The suite for raw file ``key`` and the frame to validate (a copy, maybe with ``_role``).

    ``frames`` holds all raw frames of the run, for foreign keys and role look-ups.
    """
    spec = cb.files[key]
    fname = spec.path
    # Built on frames without attrs (see ``bare_frame``: pandas would deep-copy each file's
    # list of row numbers into every Series derived here); the returned copy gets them back.
    attrs = copy.deepcopy(df.attrs)
    df = bare_frame(df).copy()
    frames = {k: bare_frame(v) for k, v in frames.items()}
    suite = GateSuite(name=key)
    specs = suite.specs
    max_missing = cb.max_missing_share
    present = set(df.columns)

    def require(col: str) -> bool:
        if col in present:
            return True
        specs.append(
            ExpectationSpec(
                "ExpectColumnToExist",
                {"column": col},
                column=col,
                rule=f"column {col} must be present in {fname}",
                fix=f"add a column named {col} (see data/codebook.yaml, files.{key})",
            )
        )
        return False

    # -- declared columns --------------------------------------------------------------
    for col, cs in spec.columns.items():
        if not require(col):
            continue
        specs.append(
            ExpectationSpec(
                "ExpectColumnValuesToNotBeNull",
                {"column": col},
                rule="cells must not be empty",
                fix=f"fill in {col} on every row of {fname}",
            )
        )
        if cs.type in ("integer", "number"):
            suite.pandas_checks.append(_numeric_check(col, cs.type == "integer", fname))
        if cs.pattern:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToMatchRegex",
                    {"column": col, "regex": cs.pattern},
                    rule=f"values must match the pattern {cs.pattern}",
                    fix=f"write {col} in the codebook's format (pattern {cs.pattern})",
                )
            )
        allowed = (
            list(cs.allowed)
            if cs.allowed is not None
            else (cb.allowed_values(cs.allowed_from) if cs.allowed_from else None)
        )
        if allowed is not None:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeInSet",
                    {"column": col, "value_set": allowed},
                    rule=f"values must be one of {_fmt(allowed)}",
                    fix=f"use one of the allowed values in {col}"
                    + (f" (codebook {cs.allowed_from})" if cs.allowed_from else ""),
                )
            )
        lo = cs.min
        hi = (
            cs.max
            if cs.max is not None
            else (float(cb.resolve(cs.max_from)) if cs.max_from else None)
        )
        if lo is not None or hi is not None:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeBetween",
                    {"column": col, "min_value": lo, "max_value": hi},
                    rule=f"values must lie between {lo if lo is not None else '-inf'} and "
                    f"{hi if hi is not None else 'inf'}",
                    fix=f"correct the out-of-range values of {col}",
                )
            )

    # -- key and foreign keys -------------------------------------------------------------
    if all(c in present for c in spec.key):
        if len(spec.key) == 1:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeUnique",
                    {"column": spec.key[0]},
                    rule=f"{spec.key[0]} is the key of {fname} and must be unique",
                    fix="remove or renumber the duplicated rows",
                )
            )
        else:
            specs.append(
                ExpectationSpec(
                    "ExpectCompoundColumnsToBeUnique",
                    {"column_list": list(spec.key)},
                    column=" + ".join(spec.key),
                    rule=f"the combination {' + '.join(spec.key)} is the key of {fname} and "
                    "must be unique",
                    fix="remove the duplicated rows or correct the key values",
                )
            )
    for col, target in spec.references.items():
        parent_key, parent_col = target.split(".")
        parent = frames.get(parent_key)
        if col not in present or parent is None or parent_col not in parent.columns:
            continue  # missing column reported above; a missing parent fails its own gate
        # The look-up result lives in the validated frame (not only in the check's closure),
        # so anything that caches gates by frame content sees a change of the parent file.
        helper = f"{FK_HELPER_PREFIX}{col}"
        df[helper] = df[col].isna() | df[col].isin(parent[parent_col].dropna().unique())
        suite.pandas_checks.append(
            _foreign_key_check(col, helper, target, cb.files[parent_key].path)
        )

    # -- item columns -------------------------------------------------------------------
    if spec.item_columns:
        role_col = _role_source(spec, df, frames)
        present = set(df.columns)
        roles = list(cb.roles)
        for item_id in cb.columns_for(list(spec.item_columns)):
            item = cb.item(item_id)
            if not require(item_id):
                continue
            r = item.response
            if r.type == "options":
                codes = sorted(cb.scales[r.scale or ""])
                specs.append(
                    ExpectationSpec(
                        "ExpectColumnValuesToBeInSet",
                        {"column": item_id, "value_set": codes},
                        rule=f"answers must be option codes {_fmt(codes)}"
                        + (
                            " (reverse-keyed item: the questionnaire's code, scored 4 - code)"
                            if item.reverse
                            else ""
                        ),
                        fix=f"record the printed option code of item {item_id}, not a label or "
                        "a total",
                    )
                )
                suite.pandas_checks.append(_numeric_check(item_id, True, fname))
            else:
                pmax = cb.plausible_max(item_id)
                unit = r.unit or ("km" if r.type == "km" else "count")
                specs.append(
                    ExpectationSpec(
                        "ExpectColumnValuesToBeBetween",
                        {"column": item_id, "min_value": 0, "max_value": pmax},
                        rule=f"answers must be a {r.type} between 0 and {pmax} ({unit})",
                        fix=f"check the raw answer of {item_id}: negative or implausibly large",
                    )
                )
                suite.pandas_checks.append(_numeric_check(item_id, r.type == "count", fname))
            other = [x for x in roles if x not in item.roles]
            if spec.items_must_vary:
                specs.append(
                    ExpectationSpec(
                        "ExpectColumnUniqueValueCountToBeBetween",
                        {"column": item_id, "min_value": 2},
                        rule="every item must take at least two different answers "
                        "(a constant item has no variance for validity and reliability)",
                        fix=f"check the answers of {item_id}: all respondents gave the same one",
                    )
                )
            if item.optional:
                pass  # may be empty (e.g. a facilitator serving fewer villages)
            elif not other:
                specs.append(
                    ExpectationSpec(
                        "ExpectColumnValuesToNotBeNull",
                        {"column": item_id, "mostly": 1 - max_missing},
                        rule=f"at most {max_missing:.0%} of the answers may be missing",
                        fix=f"complete the missing answers of {item_id}",
                    )
                )
            elif role_col is not None:
                for own in item.roles if not item.optional else []:
                    cond = f'{role_col}=="{own}"'
                    specs.append(
                        ExpectationSpec(
                            "ExpectColumnValuesToNotBeNull",
                            {
                                "column": item_id,
                                "mostly": 1 - max_missing,
                                "row_condition": cond,
                                "condition_parser": "pandas",
                            },
                            rule=f"item {item_id} is asked of {own}; at most {max_missing:.0%} of "
                            f"the {own} rows may leave it empty",
                            fix=f"fill in {item_id} for the {own} rows",
                        )
                    )
                for o in other:
                    cond = f'{role_col}=="{o}"'
                    specs.append(
                        ExpectationSpec(
                            "ExpectColumnValuesToBeNull",
                            {
                                "column": item_id,
                                "row_condition": cond,
                                "condition_parser": "pandas",
                            },
                            rule=f"item {item_id} belongs to {_fmt(item.roles)} only and must be "
                            f"empty for {o}",
                            fix=f"empty {item_id} on the {o} rows, or correct the role",
                        )
                    )

    # -- question columns (Wioi) ---------------------------------------------------------
    if spec.question_columns is not None:
        for col in question_columns(cb, spec, df):
            if not require(col):
                continue
            allowed = list(spec.question_columns.allowed)
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeInSet",
                    {"column": col, "value_set": allowed},
                    rule=f"answers must be {_fmt(allowed)} (wrong/right)",
                    fix=f"score question {col} as 1 (right) or 0 (wrong)",
                )
            )
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToNotBeNull",
                    {"column": col},
                    rule="every question must be scored",
                    fix=f"fill in {col}",
                )
            )
        if {"participant_id", "phase"} <= present:
            suite.pandas_checks.append(_both_phases_check(fname))

    # -- file size (an error below what the statistics need; otherwise a warning) --------
    if spec.min_rows is not None:
        specs.append(
            ExpectationSpec(
                "ExpectTableRowCountToBeBetween",
                {"min_value": spec.min_rows},
                rule=f"{fname} needs at least {spec.min_rows} rows for its statistics",
                fix=f"add respondents to {fname} (the study used {spec.expected_rows})",
            )
        )
    if spec.expected_rows is not None:
        specs.append(
            ExpectationSpec(
                "ExpectTableRowCountToEqual",
                {"value": spec.expected_rows},
                severity="warning",
                rule=f"the study has {spec.expected_rows} rows in {fname}",
                fix="check that no rows are missing or duplicated",
            )
        )
    df.attrs = attrs
    return suite, df


def _foreign_key_check(col: str, helper: str, target: str, pfile: str) -> PandasCheck:
    """``col`` must hold a key of the parent file (``helper``: the look-up done in pandas)."""

    def offending(df: pd.DataFrame) -> pd.Series:
        return ~df[helper].astype(bool)

    return PandasCheck(
        name=FOREIGN_KEY_CHECK,
        column=col,
        offending=offending,
        rule=f"every {col} must exist in {pfile} (foreign key to {target})",
        fix=f"correct the {col} or add the missing row to {pfile}",
        why="a look-up in another file: GX sees one DataFrame, and its ExpectColumnValuesToBeInSet "
        "copies the whole value set on every internal access (minutes for 100,000 parent keys), "
        "where a hashed Series.isin is linear",
    )


def _both_phases_check(fname: str) -> PandasCheck:
    def offending(df: pd.DataFrame) -> pd.Series:
        phases = df.groupby("participant_id")["phase"].agg(lambda s: set(s.dropna()))
        incomplete = phases[phases.map(lambda p: not {"pre", "post"} <= p)].index
        return df["participant_id"].isin(incomplete)

    return PandasCheck(
        name="participant_has_pre_and_post",
        column="participant_id",
        offending=offending,
        rule="every participant needs both a pre and a post row",
        fix=f"add the missing pre- or post-test row in {fname}, or remove the participant",
        why="a group-wise rule across rows; GX expectations test rows or columns, not groups",
    )
