"""Readers of the run's ``manifest.json`` and ``gates/*.json`` for the site's pages.

The pipeline owns both formats. A gate file is read through the pipeline's typed model
(:meth:`p3md.pipeline.gates.GateResult.from_dict`; a failed run's ``failures.json`` holds
:class:`p3md.pipeline.gates.FailureItem` records), so the site reads exactly what the pipeline
writes; a file that is not one of them is named in a warning and shown raw, never dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p3md.site import rule_words

#: kwargs of an expectation that say nothing to a reader
_NOISE_KWARGS = {"batch_id", "result_format", "include_config", "catch_exceptions", "meta"}


@dataclass
class Expectation:
    type: str
    kwargs: dict[str, Any]
    success: bool | None
    observed: str
    rule: str = ""
    severity: str = "error"

    @property
    def verdict(self) -> str:
        if self.success is None:
            return "?"
        if self.success:
            return "lulus"
        return "peringatan" if self.severity == "warning" else "**gagal**"

    @property
    def column(self) -> str:
        col = self.kwargs.get("column") or self.kwargs.get("column_list") or ""
        return ", ".join(map(str, col)) if isinstance(col, list) else str(col)

    @property
    def arguments(self) -> str:
        if self.rule:
            return rule_words.indonesian(self.rule)
        rest = {
            k: v
            for k, v in self.kwargs.items()
            if k not in _NOISE_KWARGS and k not in ("column", "column_list")
        }
        return ", ".join(f"{k}={_short(v)}" for k, v in rest.items())


@dataclass
class Suite:
    name: str
    file: str
    success: bool | None
    expectations: list[Expectation] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: For the pipeline's own gate files: the stage, the checked file (a raw file or
    #: ``tables/<label>.csv``) and ``input`` or ``output``.
    stage: str = ""
    target: str = ""
    kind: str = ""

    @property
    def n_passed(self) -> int:
        return sum(e.success is True for e in self.expectations)

    @property
    def n_failed(self) -> int:
        return sum(e.success is False and e.severity != "warning" for e in self.expectations)


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first(d: dict[str, Any], *keys: str, default: Any = None) -> Any:
    for key in keys:
        node: Any = d
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                node = None
                break
            node = node[part]
        if node is not None:
            return node
    return default


#: Words for the keys of great-expectations' observed results (the report is Indonesian).
OBSERVED_WORDS = {
    "element_count": "baris diperiksa",
    "unexpected_count": "tidak sesuai",
    "unexpected_percent": "% tidak sesuai",
    "missing_count": "kosong",
    "missing_percent": "% kosong",
    "observed_value": "teramati",
}


def _observed_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}".replace(".", ",")
    return _short(v, 60)


def _observed(record: dict[str, Any]) -> str:
    """What a check saw: its observed values, else how many values broke it (with examples),
    else the failure's message."""
    obs = record.get("observed")
    if obs not in (None, {}, ""):
        text = (
            ", ".join(f"{OBSERVED_WORDS.get(k, k)}: {_observed_value(v)}" for k, v in obs.items())
            if isinstance(obs, dict)
            else _short(obs, 160)
        )
        if record.get("success") is False and record.get("values"):
            text += f"; contoh: {_short(record['values'][:5], 100)}"
        return text
    if record.get("unexpected_count") is not None:
        text = f"{record['unexpected_count']} nilai tidak sesuai"
        if record.get("values"):
            text += f"; contoh: {_short(record['values'][:5], 100)}"
        return text
    if record.get("message"):
        return _short(record["message"], 200)
    return ""


def _expectation(record: dict[str, Any], success: bool | None) -> Expectation:
    """A check of a gate file (a ``CheckRecord`` or a ``FailureItem`` as a dict)."""
    kwargs = dict(record.get("kwargs") or {})
    if record.get("column") and "column" not in kwargs:
        kwargs["column"] = record["column"]
    return Expectation(
        type=str(record.get("check") or "?"),
        kwargs=kwargs,
        success=success,
        observed=_observed(record),
        rule=str(record.get("rule") or ""),
        severity=str(record.get("severity") or "error"),
    )


#: A failed run's list of failures (``GateFailure.write``), beside the gate files.
FAILURES_FILE = "failures.json"


def _suite(path: Path, data: Any) -> Suite:
    """One gate file as a :class:`Suite`; raises ``KeyError``/``TypeError``/``ValueError`` for
    a file the pipeline did not write."""
    from p3md.pipeline.gates import GateResult

    if path.name == FAILURES_FILE:
        items = data["failures"]
        return Suite(
            name=path.stem,
            file=path.name,
            success=False,
            expectations=[_expectation(dict(item), False) for item in items],
        )
    result = GateResult.from_dict(data)
    return Suite(
        name=f"{result.stage} / {result.file}",
        file=path.name,
        success=result.success,
        expectations=[_expectation(r.to_dict(), r.success) for r in result.records],
        extra={k: data[k] for k in ("seconds", "cached") if k in data},
        stage=result.stage,
        target=result.file,
        kind=result.kind,
    )


def load_gates(run_dir: Path) -> tuple[list[Suite], list[str]]:
    """All gate suites of a run, in file order, and warnings about files not understood."""
    suites: list[Suite] = []
    warnings: list[str] = []
    for path in sorted((run_dir / "gates").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            warnings.append(f"gates/{path.name}: not readable JSON ({exc})")
            continue
        try:
            suites.append(_suite(path, data))
        except (KeyError, TypeError, ValueError, AttributeError):
            warnings.append(f"gates/{path.name}: not a gate result of the pipeline; shown raw")
            suites.append(
                Suite(
                    name=path.stem,
                    file=path.name,
                    success=_first(data, "success") if isinstance(data, dict) else None,
                    extra={"raw": _short(data, 400)},
                )
            )
    return suites, warnings


def load_manifest(run_dir: Path) -> dict[str, Any]:
    """The run's manifest, or an empty mapping when it is missing or unreadable."""
    path = run_dir / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def manifest_commit(m: dict[str, Any]) -> str:
    value = _first(m, "commit", "git_commit", "git.commit", "code.commit", "git.sha", default="")
    dirty = _first(m, "dirty", "git.dirty", "code.dirty", default=False)
    return f"{value} (dengan perubahan belum di-commit)" if value and dirty else str(value)


def manifest_date(m: dict[str, Any]) -> str:
    return str(
        _first(
            m,
            "finished",
            "finished_at",
            "ended_at",
            "created",
            "created_at",
            "timestamp",
            "date",
            "started",
            "started_at",
            "run.finished",
            "run.started",
            default="",
        )
    )


def manifest_inputs(m: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(path, sha256, size) of every input file the manifest lists."""
    node = _first(m, "inputs", "input_files", "data.inputs", "input", default={})
    rows: list[tuple[str, str, str]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node or [])
    for key, value in items:
        if isinstance(value, str):
            rows.append((str(key), value, ""))
        elif isinstance(value, dict):
            path = value.get("path") or value.get("file") or str(key)
            sha = value.get("sha256") or value.get("sha") or value.get("hash") or ""
            size = value.get("bytes") or value.get("size") or ""
            if isinstance(sha, str | int) and not isinstance(sha, dict):
                rows.append((str(path), str(sha), str(size)))
            else:  # a nested group, e.g. {"raw": {...}, "codebook": {...}}
                rows += [(f"{key}/{p}", s, z) for p, s, z in manifest_inputs({"inputs": value})]
    return rows


def manifest_stages(m: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(stage, seconds, status) of every stage."""
    node = _first(m, "stages", "timings", "stage_times", "timing", default={})
    items = node.items() if isinstance(node, dict) else enumerate(node or [])
    rows = []
    for key, value in items:
        if isinstance(value, int | float):
            rows.append((str(key), f"{value:.2f}", ""))
        elif isinstance(value, dict):
            name = value.get("name") or value.get("stage") or str(key)
            secs = _first(value, "seconds", "duration", "elapsed", "time", "duration_s", default="")
            secs = f"{secs:.2f}" if isinstance(secs, int | float) else str(secs)
            status = _first(value, "status", "cached", "state", default="")
            if isinstance(status, bool):
                status = "dari cache" if status else "dijalankan"
            rows.append((str(name), secs, str(status)))
    return rows


def manifest_mapping(m: dict[str, Any], *keys: str) -> dict[str, Any]:
    node = _first(m, *keys, default={})
    return node if isinstance(node, dict) else {}
