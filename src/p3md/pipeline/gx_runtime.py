"""great-expectations 1.x, imported once per process and run on in-memory DataFrames.

``import great_expectations`` costs several seconds, so it is imported lazily (a run whose
stages are all cached never pays it) and cached at module level. Usage statistics are switched
off *before* the import (``GX_ANALYTICS_ENABLED=False``) so nothing tries the network, and the
"Calculating Metrics" progress bars are turned off on the context because they would shred the
pipeline's own progress lines.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

_LOCK = threading.Lock()
_GX: Any = None
_CONTEXT: Any = None
_COUNTER = 0
_BATCH_DEFINITION: Any = None
#: Held while a validation runs on the shared batch definition.
_RUN_LOCK = threading.Lock()
#: Key in each expectation's ``meta`` that carries the spec's position in the suite.
_POSITION = "p3md_position"
#: First-pass result format of expectations whose success says it all (map rules without
#: ``mostly``) and of the others (see :func:`run_expectations`).
BOOLEAN_FORMAT = "BOOLEAN_ONLY"
FIRST_PASS_FORMAT = "BASIC"
#: Expectations that read the number of rows and no column.
_COLUMN_FREE = frozenset({"ExpectTableRowCountToEqual", "ExpectTableRowCountToBeBetween"})
#: The kwargs that make an expectation validate only some rows.
_CONDITION_KEYS = ("row_condition", "condition_parser")
#: The result fields kept as a record's ``observed`` values.
OBSERVED_KEYS = (
    "observed_value",
    "element_count",
    "unexpected_count",
    "missing_count",
    "unexpected_percent",
    "missing_percent",
)
#: Seconds the one import took in this process (for the benchmark / report).
IMPORT_SECONDS: float | None = None


def gx() -> Any:
    """The ``great_expectations`` module, imported once (thread-safe).

    The runner starts this import in a background thread at the beginning of a run, so every
    other import from the package must come after a call to ``gx()``: two threads importing
    one package at once can see each other's half-initialised modules.
    """
    global _GX, IMPORT_SECONDS
    with _LOCK:
        if _GX is None:
            os.environ["GX_ANALYTICS_ENABLED"] = "False"
            t0 = time.perf_counter()
            import great_expectations

            IMPORT_SECONDS = time.perf_counter() - t0
            _GX = great_expectations
    return _GX


def _context() -> Any:
    """One ephemeral (in-memory, nothing on disk) data context per process."""
    global _CONTEXT
    module = gx()
    with _LOCK:
        if _CONTEXT is None:
            from great_expectations.data_context.types.base import ProgressBarsConfig

            ctx = module.get_context(mode="ephemeral")
            ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
            _CONTEXT = ctx
    return _CONTEXT


@dataclass
class ExpectationSpec:
    """One GX expectation plus the words a student needs when it fails.

    ``expectation`` is the GX class name (``ExpectColumnValuesToBeBetween``); ``kwargs`` are
    its arguments. ``severity="warning"`` records the result but never fails the gate.
    """

    expectation: str
    kwargs: dict[str, Any]
    rule: str
    fix: str
    severity: str = "error"
    column: str | None = None

    def __post_init__(self) -> None:
        if self.column is None:
            self.column = self.kwargs.get("column")


@dataclass
class ExpectationOutcome:
    """The result of one expectation, in plain data (JSON-ready)."""

    spec: ExpectationSpec
    success: bool
    unexpected_index: list[Any] = field(default_factory=list)
    unexpected_values: list[Any] = field(default_factory=list)
    observed: dict[str, Any] = field(default_factory=dict)
    exception: str | None = None


def run_expectations(
    df: pd.DataFrame, specs: list[ExpectationSpec], name: str
) -> list[ExpectationOutcome]:
    """Validate ``df`` against ``specs`` with GX; one outcome per spec, in the same order.

    Two passes, because GX's cost is mostly per expectation and grows with the detail asked
    for: ``result_format="COMPLETE"`` (the only format that returns *all* unexpected row
    indices, which the failure message turns into spreadsheet rows) costs about twice as much
    as ``BASIC``, and ``BASIC`` a third more than ``BOOLEAN_ONLY``. The first pass asks each
    expectation for the least that decides it (:func:`_first_pass_format`); only those that
    failed or found unexpected values (usually none) run again with ``COMPLETE``, and their
    second outcome replaces the first, so they report exactly what a single ``COMPLETE`` run
    reported: every failure message names the same rows and values. A pass keeps ``BASIC``'s
    observed values (an aggregate's ``observed_value``, a ``mostly`` rule's counts); a pass
    of a map rule without ``mostly`` records the rows checked and no unexpected one.
    """
    df = bare_frame(df)
    outcomes: list[ExpectationOutcome | None] = [None] * len(specs)
    for frame, positions, group in _row_condition_groups(df, specs):
        for pos, outcome in zip(positions, _two_passes(frame, group, name), strict=True):
            # Reported with the spec as written (its kwargs still name the row condition).
            outcomes[pos] = replace(outcome, spec=specs[pos])
    return [o for o in outcomes if o is not None]


def _two_passes(
    df: pd.DataFrame, specs: list[ExpectationSpec], name: str
) -> list[ExpectationOutcome]:
    """The cheap pass over all ``specs``, then ``COMPLETE`` for those that need details."""
    first_format = [_first_pass_format(spec) for spec in specs]
    outcomes: list[ExpectationOutcome | None] = [None] * len(specs)
    for fmt in dict.fromkeys(first_format):
        positions = [pos for pos, f in enumerate(first_format) if f == fmt]
        results = _validate(df, [specs[pos] for pos in positions], name, fmt)
        for pos, outcome in zip(positions, results, strict=True):
            if fmt == BOOLEAN_FORMAT and outcome.success:
                # A pass of a map rule without ``mostly`` means no unexpected value; these two
                # of BASIC's counts are known without asking GX for them (the rows checked
                # are the frame's unless GX applies a row condition itself).
                outcome.observed = {"unexpected_count": 0}
                if "row_condition" not in specs[pos].kwargs:
                    outcome.observed = {"element_count": len(df), "unexpected_count": 0}
            outcomes[pos] = outcome
    done = [o for o in outcomes if o is not None]
    again = [
        pos for pos, o in enumerate(done) if first_format[pos] != "COMPLETE" and _needs_detail(o)
    ]
    if again:
        detailed = _validate(df, [specs[pos] for pos in again], f"{name}-detail", "COMPLETE")
        for pos, outcome in zip(again, detailed, strict=True):
            done[pos] = outcome
    return done


def _only_columns_used(df: pd.DataFrame, specs: list[ExpectationSpec]) -> pd.DataFrame:
    """``df`` with only the columns ``specs`` look at (same rows and index), where that is safe.

    GX fingerprints every batch it loads (``hash_pandas_object`` over the whole frame, for the
    result's batch markers): at 100,000 rows that was 40 % of the gates' time, and a frame
    is loaded once per validation (per pass and row condition). Each column rule sees only its
    own column(s), and a row count only the rows, so they get a frame of just those columns.
    Any other expectation (a check of the table's columns, a row condition GX evaluates
    itself) gets the whole frame.
    """
    wanted: set[str] = set()
    for spec in specs:
        kw = spec.kwargs
        if "row_condition" in kw:
            return df
        if spec.expectation in _COLUMN_FREE:
            continue
        if not _column_scoped(spec.expectation):
            return df
        for key in ("column", "column_A", "column_B"):
            if key in kw:
                wanted.add(kw[key])
        wanted.update(kw.get("column_list") or [])
    if len(wanted) >= len(df.columns):
        return df
    return df[[c for c in df.columns if c in wanted]]


def _column_scoped(expectation: str) -> bool:
    """Whether GX computes ``expectation`` from the columns named in its kwargs alone."""
    return _kinds(expectation)[1]


@functools.cache
def _kinds(expectation: str) -> tuple[bool, bool]:
    """(row-wise, column-scoped) for a GX expectation class name.

    Row-wise: a map expectation, one verdict per row (or pair or tuple of cells). Column-scoped:
    row-wise or an aggregate of named columns (a sum, a number of distinct values).
    """
    module = gx()  # first: the runner may be importing GX in another thread
    from great_expectations.expectations.expectation import (
        ColumnAggregateExpectation,
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    cls = getattr(module.expectations, expectation)
    row_wise = issubclass(
        cls, (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)
    )
    return row_wise, row_wise or issubclass(cls, ColumnAggregateExpectation)


def _first_pass_format(spec: ExpectationSpec) -> str:
    """``BOOLEAN_ONLY`` where success alone says everything, else :data:`FIRST_PASS_FORMAT`.

    A map expectation (one verdict per row) without ``mostly`` passes only when no row is
    unexpected, so its success is all the first pass needs. An aggregate (a row count, a
    number of distinct values) passes with an observed value worth recording, and a ``mostly``
    rule may pass with a few unexpected rows whose numbers the record keeps.
    """
    row_wise = _kinds(spec.expectation)[0]
    return BOOLEAN_FORMAT if row_wise and spec.kwargs.get("mostly", 1) == 1 else FIRST_PASS_FORMAT


def _row_condition_groups(
    df: pd.DataFrame, specs: list[ExpectationSpec]
) -> list[tuple[pd.DataFrame, list[int], list[ExpectationSpec]]]:
    """``specs`` grouped by row condition: (frame to validate, positions, specs to run).

    GX applies a ``row_condition`` by running ``DataFrame.query`` on the whole frame for every
    metric of every conditioned expectation (68 queries for the 32 role-specific rules of
    ``official_ratings``; at 100,000 rows they were half the gate's time). Each distinct
    condition is queried here once, the same way (``df.query(condition, parser="pandas")``,
    as GX does for ``condition_parser="pandas"``), and its expectations run without the
    condition on that subset, which is what GX validates after filtering. The subset keeps the
    original index, so unexpected rows are numbered as before. A condition pandas cannot
    evaluate is left to GX, which reports the error on each of its expectations.
    """
    by_condition: dict[str | None, list[int]] = {}
    for pos, spec in enumerate(specs):
        cond = spec.kwargs.get("row_condition")
        if not (isinstance(cond, str) and spec.kwargs.get("condition_parser") == "pandas"):
            cond = None
        by_condition.setdefault(cond, []).append(pos)
    unconditioned = by_condition.pop(None, [])
    groups: list[tuple[pd.DataFrame, list[int], list[ExpectationSpec]]] = []
    for cond, positions in by_condition.items():
        try:
            subset = df.query(cond, parser="pandas")
        except Exception:  # GX evaluates it again and reports the error per expectation
            unconditioned.extend(positions)
            continue
        plain = [
            replace(
                specs[pos],
                kwargs={k: v for k, v in specs[pos].kwargs.items() if k not in _CONDITION_KEYS},
            )
            for pos in positions
        ]
        groups.append((subset, positions, plain))
    if unconditioned:
        unconditioned.sort()
        groups.insert(0, (df, unconditioned, [specs[pos] for pos in unconditioned]))
    return groups


def _needs_detail(outcome: ExpectationOutcome) -> bool:
    """Whether an outcome of the cheap pass must be run again with ``COMPLETE``.

    Failures need their rows for the message. So does a pass with unexpected values (a
    ``mostly`` rule within its tolerance): its record keeps the rows, as a single ``COMPLETE``
    run did.
    """
    return not outcome.success or bool(outcome.observed.get("unexpected_count"))


def bare_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without ``attrs`` (a new frame on the same data; copy-on-write keeps ``df`` safe).

    pandas deep-copies ``attrs`` into every Series and frame derived from ``df``. The readers
    keep each row's spreadsheet row number there (``attrs["source_rows"]``, a list as long as
    the file), and GX derives thousands of Series per suite, so at 100,000 rows copying that
    list cost more than the checks. Row numbers are looked up from the original frame.
    The constructor is used rather than ``df.copy(deep=False)``, which deep-copies ``attrs``.
    """
    if not df.attrs:
        return df
    bare = pd.DataFrame(df, copy=False)
    if bare.attrs:  # not propagated by pandas 3.1; cleared in case a version does
        bare.attrs = {}
    return bare


def _batch_definition() -> Any:
    """The one whole-DataFrame batch definition of this process.

    The data source, asset and batch definition do not depend on the frame (it comes in as a
    batch parameter), so they are created once: adding and deleting them in the shared
    context for every gate cost more than validating a small file.
    """
    global _BATCH_DEFINITION
    ctx = _context()
    with _LOCK:
        if _BATCH_DEFINITION is None:
            datasource = ctx.data_sources.add_pandas(name="p3md-gates")
            asset = datasource.add_dataframe_asset(name="frame")
            _BATCH_DEFINITION = asset.add_batch_definition_whole_dataframe("whole-frame")
    return _BATCH_DEFINITION


def _validate(
    df: pd.DataFrame, specs: list[ExpectationSpec], name: str, result_format: str
) -> list[ExpectationOutcome]:
    """One GX validation of ``df`` against ``specs`` in ``result_format``."""
    global _COUNTER
    module = gx()
    batch_def = _batch_definition()
    with _LOCK:
        _COUNTER += 1
        uid = f"{name}-{_COUNTER}"
    # The suite is built in one go from a list: ``ExpectationSuite.add_expectation`` compares
    # each new expectation with every one already added (a pydantic ``dict()`` per pair), which
    # is quadratic and took half the time of a 225-expectation suite. Built this way GX keeps
    # duplicates instead of merging them, so every spec gets its own result.
    # The suite is not stored in the context: ``Batch.validate`` runs an unsaved suite, and
    # skips what ``ValidationDefinition.run`` adds (storing the suite and every result in the
    # context's in-memory stores, which grew with every gate of a run).
    expectations = [
        getattr(module.expectations, spec.expectation)(**spec.kwargs, meta={_POSITION: pos})
        for pos, spec in enumerate(specs)
    ]
    suite = module.ExpectationSuite(name=f"suite-{uid}", expectations=expectations)
    if len(suite.expectations) != len(specs):
        raise RuntimeError(f"great-expectations dropped expectations of {name}")
    df = _only_columns_used(df, specs)
    with _RUN_LOCK:  # the shared batch definition is not meant for concurrent use
        batch = batch_def.get_batch(batch_parameters={"dataframe": df})
        result = batch.validate(suite, result_format=result_format)
    # Match results back to specs by the position stored in ``meta``: GX does not keep the
    # suite's order (expectations whose metrics fail to build are reported first).
    outcomes: list[ExpectationOutcome | None] = [None] * len(specs)
    for res in result.results:
        pos = int(res.expectation_config.meta[_POSITION])
        outcomes[pos] = _outcome(specs[pos], res)
    missing = [specs[i].expectation for i, o in enumerate(outcomes) if o is None]
    if missing:
        raise RuntimeError(f"great-expectations returned no result for {missing}")
    return [o for o in outcomes if o is not None]


def _outcome(spec: ExpectationSpec, res: Any) -> ExpectationOutcome:
    """One GX ``ExpectationValidationResult`` in plain data."""
    info = res.result or {}
    exc = None
    if res.exception_info and res.exception_info.get("raised_exception"):
        exc = str(res.exception_info.get("exception_message"))
    observed = {k: info[k] for k in OBSERVED_KEYS if k in info}
    return ExpectationOutcome(
        spec=spec,
        success=bool(res.success),
        unexpected_index=list(info.get("unexpected_index_list") or []),
        unexpected_values=list(info.get("unexpected_list") or []),
        observed=observed,
        exception=exc,
    )
