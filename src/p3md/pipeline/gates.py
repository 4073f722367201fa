"""Running gates and reporting their results.

A *gate* validates one DataFrame (a raw file before a stage, or a CSV a stage wrote) against a
suite of great-expectations expectations plus a few pandas checks for rules GX cannot express.
Every result, pass or fail, becomes a :class:`GateResult` (recorded in the manifest and in
``gates/<stage>__<file>.json`` for the validation page). Failures of one stage are collected
into one :class:`GateFailure`, so a student sees *all* problems of a file at once rather than
fixing them one rerun at a time.

Row numbers in messages are 1-based rows **as in the file**: the header is line 1, so the
DataFrame row at position 0 is row 2. This matches what a spreadsheet program shows and what
:class:`p3md.io.errors.RawDataError` uses. It assumes the reader keeps file order and one
DataFrame row per data line (the readers' contract); if a reader stores the original row
numbers in ``df.attrs["source_rows"]`` they are used instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from p3md.pipeline.gx_runtime import (
    ExpectationOutcome,
    ExpectationSpec,
    bare_frame,
    run_expectations,
)

#: How many offending rows/values a message spells out.
SHOWN = 8
#: How many offending rows/values the JSON records keep per expectation.
KEPT = 50

#: The rule of each GX expectation in plain words (used when a spec carries no own rule).
PLAIN_WORDS: dict[str, str] = {
    "ExpectColumnToExist": "the column must be present",
    "ExpectColumnValuesToNotBeNull": "cells must not be empty",
    "ExpectColumnValuesToBeNull": "cells must be empty",
    "ExpectColumnValuesToMatchRegex": "values must match a pattern",
    "ExpectColumnValuesToBeInSet": "values must be one of the allowed values",
    "ExpectColumnValuesToBeBetween": "values must lie in a range",
    "ExpectColumnValuesToBeUnique": "values must be unique",
    "ExpectCompoundColumnsToBeUnique": "the combination of key columns must be unique",
    "ExpectTableRowCountToEqual": "the file must have the expected number of rows",
    "ExpectColumnSumToBeBetween": "the column must sum to a given total",
}


@dataclass
class PandasCheck:
    """A rule checked in pandas because GX cannot express it (the reason is in ``why``).

    ``offending(df)`` returns a boolean Series (True = offending row) aligned with ``df``.
    """

    name: str
    column: str | None
    offending: Callable[[pd.DataFrame], pd.Series]
    rule: str
    fix: str
    why: str
    severity: str = "error"


@dataclass
class GateSuite:
    """Everything checked on one DataFrame."""

    name: str
    specs: list[ExpectationSpec] = field(default_factory=list)
    pandas_checks: list[PandasCheck] = field(default_factory=list)
    #: Checks that could not be built (e.g. a missing column), reported as failures.
    precondition_failures: list[PandasCheck] = field(default_factory=list)


def file_rows(df: pd.DataFrame, index_labels: Sequence[Any]) -> list[int]:
    """1-based file rows (header = row 1) of the given index labels."""
    source = df.attrs.get("source_rows")
    positions = df.index.get_indexer(list(index_labels))
    rows = []
    for label, pos in zip(index_labels, positions, strict=True):
        if pos < 0:  # label not in the index (GX returned something odd): keep it visible
            rows.append(int(label) + 2 if isinstance(label, int) else -1)
        elif source is not None:
            rows.append(int(source[pos]))
        else:
            rows.append(int(pos) + 2)
    return rows


def _plain(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return None if v != v else v  # NaN -> null in JSON
    try:
        return _plain(v.item())
    except AttributeError:
        return str(v)


@dataclass
class CheckRecord:
    """One checked rule and its outcome, JSON-ready."""

    check: str
    column: str | None
    rule: str
    fix: str
    severity: str
    success: bool
    rows: list[int] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    unexpected_count: int = 0
    observed: dict[str, Any] = field(default_factory=dict)
    kwargs: dict[str, Any] = field(default_factory=dict)
    engine: str = "great_expectations"
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "engine": self.engine,
            "column": self.column,
            "rule": self.rule,
            "fix": self.fix,
            "severity": self.severity,
            "success": self.success,
            "unexpected_count": self.unexpected_count,
            "rows": self.rows[:KEPT],
            "values": [_plain(v) for v in self.values[:KEPT]],
            "observed": {k: _plain(v) for k, v in self.observed.items()},
            "kwargs": {k: _plain_kwarg(v) for k, v in self.kwargs.items()},
            "note": self.note,
        }


def _plain_kwarg(v: Any) -> Any:
    if isinstance(v, (list, tuple, set)):
        items = [_plain(x) for x in list(v)[:KEPT]]
        return items + ([f"... {len(v) - KEPT} more"] if len(v) > KEPT else [])
    return _plain(v)


@dataclass
class FailureItem:
    """One failed rule, with everything the message needs."""

    stage: str
    file: str
    column: str | None
    rows: list[int]
    values: list[Any]
    rule: str
    fix: str
    check: str
    count: int = 0
    #: A converted input (form export, template sheet, .sav): ``file`` is the user's file,
    #: ``canonical`` the raw file it becomes, ``header`` the user's header of ``column``.
    canonical: str | None = None
    header: str | None = None

    def paragraph(self) -> str:
        """One paragraph: stage, file, column, first rows and values, rule, fix."""
        text = f"Stage {self.stage}, file {self.file}"
        if self.canonical and self.canonical != self.file:
            text += f" (read as {self.canonical})"
        if self.column:
            text += f", column {self.column!r}"
            if self.header and self.header != self.column:
                text += f" (header {self.header!r})"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:SHOWN])
            more = max(self.count, len(self.rows)) - min(len(self.rows), SHOWN)
            noun = "row" if len(self.rows) == 1 else "rows"
            text += f": {noun} {shown}{f' and {more} more' if more > 0 else ''} (header = row 1)"
        if self.values:
            vals = ", ".join(repr(_plain(v)) for v in self.values[:SHOWN])
            text += f" with value(s) {vals}"
        text += f". Rule: {self.rule.rstrip('.')} ({self.check})."
        if self.fix:
            text += f" Fix: {self.fix.rstrip('.')}."
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "file": self.file,
            "column": self.column,
            "rows": self.rows[:KEPT],
            "values": [_plain(v) for v in self.values[:KEPT]],
            "count": self.count,
            "rule": self.rule,
            "fix": self.fix,
            "check": self.check,
            **({"canonical": self.canonical} if self.canonical else {}),
            **({"header": self.header} if self.header else {}),
            "message": self.paragraph(),
        }

    @classmethod
    def from_raw_error(cls, stage: str, err: Any) -> FailureItem:
        """A reader's :class:`RawDataError` as a gate failure (same fields, same wording)."""
        return cls(
            stage=stage,
            file=str(err.file),
            column=err.column,
            rows=list(err.rows),
            values=list(err.values),
            rule=err.rule or str(err),
            fix=err.fix,
            check="reader",
            count=len(err.rows),
            canonical=getattr(err, "canonical", None),
        )


@dataclass
class GateResult:
    """The outcome of one gate: one file (or one output table) checked for one stage."""

    stage: str
    file: str
    kind: str  # "input" or "output"
    records: list[CheckRecord] = field(default_factory=list)
    seconds: float = 0.0
    cached: bool = False
    #: The user's file the frame was read from when it is not ``file`` (a form export, a
    #: template sheet, a .sav) and its headers of the schema's columns: failures name both.
    source: str | None = None
    source_headers: dict[str, str] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return all(r.success for r in self.records if r.severity == "error")

    @property
    def warnings(self) -> list[CheckRecord]:
        return [r for r in self.records if not r.success and r.severity != "error"]

    def failures(self) -> list[FailureItem]:
        converted = self.source is not None and self.source != self.file
        return [
            FailureItem(
                self.stage,
                self.source if converted else self.file,  # type: ignore[arg-type]
                r.column,
                r.rows,
                r.values,
                r.rule,
                r.fix,
                r.check,
                r.unexpected_count,
                canonical=self.file if converted else None,
                header=self.source_headers.get(r.column or "") if converted else None,
            )
            for r in self.records
            if not r.success and r.severity == "error"
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "file": self.file,
            "kind": self.kind,
            "success": self.success,
            "cached": self.cached,
            "seconds": round(self.seconds, 3),
            "checks": len(self.records),
            "failed": sum(1 for r in self.records if not r.success and r.severity == "error"),
            "warnings": len(self.warnings),
            "records": [r.to_dict() for r in self.records],
        }

    def summary(self) -> dict[str, Any]:
        d = self.to_dict()
        d.pop("records")
        d["warning_messages"] = [f"{w.column}: {w.rule}" for w in self.warnings]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GateResult:
        recs = []
        for r in d.get("records", []):
            recs.append(
                CheckRecord(
                    check=r["check"],
                    column=r.get("column"),
                    rule=r["rule"],
                    fix=r.get("fix", ""),
                    severity=r.get("severity", "error"),
                    success=r["success"],
                    rows=list(r.get("rows", [])),
                    values=list(r.get("values", [])),
                    unexpected_count=r.get("unexpected_count", 0),
                    observed=r.get("observed", {}),
                    kwargs=r.get("kwargs", {}),
                    engine=r.get("engine", "great_expectations"),
                    note=r.get("note"),
                )
            )
        return cls(
            stage=d["stage"],
            file=d["file"],
            kind=d["kind"],
            records=recs,
            seconds=d.get("seconds", 0.0),
            cached=True,
        )

    def write(self, gates_dir: Path) -> Path:
        gates_dir.mkdir(parents=True, exist_ok=True)
        safe = self.file.replace("/", "_").replace("\\", "_")
        path = gates_dir / f"{self.stage}__{safe}.json"
        path.write_text(
            json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return path


class GateFailure(Exception):
    """A stage's gates failed. Lists *all* failed rules; one paragraph each."""

    def __init__(self, items: list[FailureItem]) -> None:
        self.items = items
        super().__init__(self.message())

    def message(self) -> str:
        head = f"{len(self.items)} check(s) failed:" if len(self.items) != 1 else "1 check failed:"
        return head + "\n\n" + "\n\n".join(i.paragraph() for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {"failures": [i.to_dict() for i in self.items]}

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return path


def run_gate(stage: str, file: str, kind: str, df: pd.DataFrame, suite: GateSuite) -> GateResult:
    """Validate ``df`` with ``suite``: GX expectations first, then the pandas checks."""
    import time

    t0 = time.perf_counter()
    records: list[CheckRecord] = []
    for pre in suite.precondition_failures:
        records.append(
            CheckRecord(
                check=pre.name,
                column=pre.column,
                rule=pre.rule,
                fix=pre.fix,
                severity=pre.severity,
                success=False,
                engine="pandas",
                note=pre.why,
            )
        )
    if suite.specs:
        outcomes = run_expectations(df, suite.specs, name=f"{stage}-{file}")
        records.extend(_record_from_outcome(df, o) for o in outcomes)
    # The checks see the frame without ``attrs`` (see ``bare_frame``: pandas would copy the
    # source row list into every Series they derive); rows are looked up in ``df``.
    bare = bare_frame(df)
    for check in suite.pandas_checks:
        records.append(_run_pandas_check(df, bare, check))
    source = df.attrs.get("source")
    return GateResult(
        stage=stage,
        file=file,
        kind=kind,
        records=records,
        seconds=time.perf_counter() - t0,
        source=str(source) if source and kind == "input" else None,
        source_headers=dict(df.attrs.get("source_headers") or {}) if kind == "input" else {},
    )


def _record_from_outcome(df: pd.DataFrame, o: ExpectationOutcome) -> CheckRecord:
    spec = o.spec
    rule = spec.rule or PLAIN_WORDS.get(spec.expectation, spec.expectation)
    rows = file_rows(df, o.unexpected_index) if o.unexpected_index else []
    values = list(o.unexpected_values)
    if spec.expectation == "ExpectCompoundColumnsToBeUnique" and rows and not values:
        values = [tuple(df.iloc[r - 2][c] for c in spec.kwargs["column_list"]) for r in rows]
    count = int(o.observed.get("unexpected_count", len(rows)) or 0)
    fix = spec.fix
    if o.exception:
        rule = f"{rule} (could not be checked: {o.exception})"
    kwargs = {k: v for k, v in spec.kwargs.items() if k not in ("column", "result_format")}
    return CheckRecord(
        check=spec.expectation,
        column=spec.column,
        rule=rule,
        fix=fix,
        severity=spec.severity,
        success=o.success,
        rows=rows,
        values=values,
        unexpected_count=count,
        observed=o.observed,
        kwargs=kwargs,
    )


def _run_pandas_check(df: pd.DataFrame, bare: pd.DataFrame, check: PandasCheck) -> CheckRecord:
    """Run ``check`` on ``bare`` (``df`` without attrs); rows are numbered from ``df``."""
    mask = check.offending(bare).fillna(False).astype(bool)
    bad = bare.index[mask.to_numpy()]
    rows = file_rows(df, list(bad))
    if check.column and check.column in bare.columns:
        values = list(bare.loc[bad, check.column])
    else:
        values = []
    return CheckRecord(
        check=check.name,
        column=check.column,
        rule=check.rule,
        fix=check.fix,
        severity=check.severity,
        success=len(bad) == 0,
        rows=rows,
        values=values,
        unexpected_count=len(bad),
        engine="pandas",
        note=check.why,
        observed={"element_count": len(df), "unexpected_count": len(bad)},
    )
