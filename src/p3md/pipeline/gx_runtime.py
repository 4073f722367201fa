"""great-expectations 1.x, imported once per process and run on in-memory DataFrames.

``import great_expectations`` costs several seconds, so it is imported lazily (a run whose
stages are all cached never pays it) and cached at module level. Usage statistics are switched
off *before* the import (``GX_ANALYTICS_ENABLED=False``) so nothing tries the network, and the
"Calculating Metrics" progress bars are turned off on the context because they would shred the
pipeline's own progress lines.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

_LOCK = threading.Lock()
_GX: Any = None
_CONTEXT: Any = None
_COUNTER = 0
#: Seconds the one import took in this process (for the benchmark / report).
IMPORT_SECONDS: float | None = None


def gx() -> Any:
    """The ``great_expectations`` module, imported once (thread-safe)."""
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

    ``result_format="COMPLETE"`` is needed because only it returns *all* unexpected row
    indices, which the failure message turns into spreadsheet row numbers.
    """
    global _COUNTER
    module = gx()
    ctx = _context()
    with _LOCK:
        # Every validation gets unique names: the ephemeral context is shared by the process.
        _COUNTER += 1
        uid = f"{name}-{_COUNTER}"
    datasource = ctx.data_sources.add_pandas(name=f"ds-{uid}")
    asset = datasource.add_dataframe_asset(name=f"asset-{uid}")
    batch_def = asset.add_batch_definition_whole_dataframe(f"batch-{uid}")
    suite = module.ExpectationSuite(name=f"suite-{uid}")
    for spec in specs:
        cls = getattr(module.expectations, spec.expectation)
        suite.add_expectation(cls(**spec.kwargs))
    suite = ctx.suites.add(suite)
    # Ids are assigned when the suite is stored; the suite keeps insertion order.
    if len(suite.expectations) != len(specs):
        raise RuntimeError("duplicate expectations in one suite (GX merged them)")
    by_id = {str(e.id): pos for pos, e in enumerate(suite.expectations)}
    vd = ctx.validation_definitions.add(
        module.ValidationDefinition(name=f"vd-{uid}", data=batch_def, suite=suite)
    )
    try:
        result = vd.run(batch_parameters={"dataframe": df}, result_format="COMPLETE")
    finally:
        # Keep the shared context small across many gates in one run.
        for remove in (
            lambda: ctx.validation_definitions.delete(vd.name),
            lambda: ctx.suites.delete(suite.name),
            lambda: ctx.data_sources.delete(datasource.name),
        ):
            try:
                remove()
            except Exception:  # cleanup is best effort; a leftover costs memory only
                pass
    # Match results back to specs by expectation id (GX does not promise to keep order).
    outcomes: list[ExpectationOutcome | None] = [None] * len(specs)
    for res in result.results:
        pos = by_id[str(res.expectation_config.id)]
        spec = specs[pos]
        info = res.result or {}
        exc = None
        if res.exception_info and res.exception_info.get("raised_exception"):
            exc = str(res.exception_info.get("exception_message"))
        observed = {
            k: info[k]
            for k in (
                "observed_value",
                "element_count",
                "unexpected_count",
                "missing_count",
                "unexpected_percent",
                "missing_percent",
            )
            if k in info
        }
        outcomes[pos] = ExpectationOutcome(
            spec=spec,
            success=bool(res.success),
            unexpected_index=list(info.get("unexpected_index_list") or []),
            unexpected_values=list(info.get("unexpected_list") or []),
            observed=observed,
            exception=exc,
        )
    missing = [specs[i].expectation for i, o in enumerate(outcomes) if o is None]
    if missing:
        raise RuntimeError(f"great-expectations returned no result for {missing}")
    return [o for o in outcomes if o is not None]
