"""``python -m p3md check``: the input gates on a raw data folder, without notebooks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from p3md.pipeline.gates import FailureItem, GateFailure, GateResult


@dataclass
class CheckReport:
    results: list[GateResult] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    failure: GateFailure | None = None


def check_data_dir(
    data_dir: Path, codebook_path: Path, json_path: Path | None = None
) -> CheckReport:
    """Read ``data_dir`` with the project's reader and run every raw file's gate."""
    from p3md.codebook import load_codebook
    from p3md.io.readers import read_raw_dir
    from p3md.pipeline.gates import run_gate
    from p3md.pipeline.raw_gates import build_raw_suite

    cb = load_codebook(codebook_path, data_dir=data_dir)
    report = CheckReport()
    try:
        frames = read_raw_dir(data_dir, cb, optional=_optional(data_dir))
    except Exception as exc:
        if type(exc).__name__ != "RawDataError":
            raise
        report.failure = GateFailure([FailureItem.from_raw_error("check", exc)])
        report.lines.append(f"{getattr(exc, 'file', '?')}: FAILED (reader)")
        return report
    items: list[FailureItem] = []
    optional = _optional(data_dir)
    for key, spec in cb.files.items():
        if key not in frames and key in optional:
            report.lines.append(f"{spec.path}: absent (optional: its chapter is left out)")
            continue
        if key not in frames:
            items.append(
                FailureItem(
                    "check",
                    spec.path,
                    None,
                    [],
                    [],
                    "the file is missing",
                    f"put {spec.path} into {data_dir}",
                    "file_exists",
                )
            )
            report.lines.append(f"{spec.path}: MISSING")
            continue
        suite, frame = build_raw_suite(cb, key, frames[key], frames)
        result = run_gate("check", spec.path, "input", frame, suite)
        report.results.append(result)
        items.extend(result.failures())
        state = "ok" if result.success else "FAILED"
        warn = f", {len(result.warnings)} warning(s)" if result.warnings else ""
        report.lines.append(f"{spec.path}: {state} ({len(result.records)} checks{warn})")
        for w in result.warnings:
            report.lines.append(
                f"  warning: {w.rule} (observed {w.observed.get('observed_value')})"
            )
    if items:
        report.failure = GateFailure(items)
    if json_path is not None:
        json_path.write_text(
            json.dumps(
                {
                    "results": [r.to_dict() for r in report.results],
                    "failures": [i.to_dict() for i in items],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    return report


def _optional(data_dir: Path) -> tuple[str, ...]:
    """Raw files a study may lack: those a stage reads only when present (its ``only_if`` and
    ``optional_inputs`` in stages.yaml, the Wioi files): without them the stage is left out of
    the run, so the check does not ask for them (issue 17: the thesis is a layer)."""
    from p3md.pipeline.stages import default_registry

    keys = {k for s in default_registry().stages for k in (*s.only_if, *s.optional_inputs)}
    return tuple(sorted(keys))
