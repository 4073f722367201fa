"""The pipeline: stage registry, great-expectations gates, papermill execution, cache,
manifest and atomic runs.

Public entry points are imported lazily (``from p3md.pipeline import run_pipeline`` works) so
that importing the package stays cheap for the CLI.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "GateFailure",
    "ParameterError",
    "RunParams",
    "RunResult",
    "STAGES",
    "Stage",
    "make_params",
    "run_pipeline",
]

_WHERE = {
    "run_pipeline": "p3md.pipeline.runner",
    "RunResult": "p3md.pipeline.runner",
    "RunParams": "p3md.pipeline.params",
    "make_params": "p3md.pipeline.params",
    "ParameterError": "p3md.pipeline.params",
    "STAGES": "p3md.pipeline.stages",
    "Stage": "p3md.pipeline.stages",
    "GateFailure": "p3md.pipeline.gates",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(name)
