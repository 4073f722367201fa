"""Tolerant readers of the run's ``manifest.json`` and ``gates/*.json``.

The pipeline owns both formats. These readers accept the shapes it may write, so the site
does not break when a field is renamed: a great-expectations 1.x validation result
(``{"success", "suite_name", "results": [{"expectation_config": {"type", "kwargs"},
"success", "result"}]}``), a list or a mapping of them, or a simplified record
(``{"suite", "success", "expectations": [{"expectation"|"type", "column", "success",
"observed"}]}``). Anything not understood is kept and shown raw, never dropped.
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
    result = record.get("result") if isinstance(record.get("result"), dict) else {}
    if record.get("observed") not in (None, {}, ""):
        obs = record["observed"]
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
    if "observed_value" in result:
        return _short(result["observed_value"], 160)
    if "unexpected_count" in result:
        text = f"{result['unexpected_count']} nilai tidak sesuai"
        if result.get("element_count") is not None:
            text += f" dari {result['element_count']}"
        sample = result.get("partial_unexpected_list")
        if sample:
            text += f"; contoh: {_short(sample[:5], 120)}"
        return text
    exc = record.get("exception_info") or {}
    if isinstance(exc, dict) and exc.get("raised_exception"):
        return "galat: " + _short(exc.get("exception_message", ""), 150)
    return _short(result, 160) if result else ""


def _expectation(record: dict[str, Any]) -> Expectation:
    config = record.get("expectation_config") or {}
    kwargs = dict(config.get("kwargs") or record.get("kwargs") or {})
    if "column" in record and "column" not in kwargs:
        kwargs["column"] = record["column"]
    kind = (
        config.get("type")
        or config.get("expectation_type")
        or _first(record, "type", "expectation_type", "expectation", "check", "name", default="?")
    )
    success = _first(record, "success", "passed")
    return Expectation(
        type=str(kind),
        kwargs=kwargs,
        success=None if success is None else bool(success),
        observed=_observed(record),
        rule=str(record.get("rule") or ""),
        severity=str(record.get("severity") or "error"),
    )


def _suites_in(node: Any, file: str, name_hint: str) -> list[Suite]:
    """Every validation-result-like mapping under ``node`` (depth-first)."""
    if isinstance(node, list):
        return [s for i, item in enumerate(node) for s in _suites_in(item, file, name_hint)]
    if not isinstance(node, dict):
        return []
    records, kind = None, ""
    for key in ("results", "records", "expectations", "checks", "failures"):
        if isinstance(node.get(key), list) and node[key] and isinstance(node[key][0], dict):
            records, kind = node[key], key
            break
    if isinstance(records, list) and all(isinstance(r, dict) for r in records):
        # the pipeline's own gate files name the stage and the raw file they checked
        pair = " / ".join(str(node[k]) for k in ("stage", "file") if node.get(k))
        name = _first(
            node,
            "suite_name",
            "suite",
            "name",
            "expectation_suite_name",
            "meta.expectation_suite_name",
            "meta.suite_name",
            default=pair or name_hint,
        )
        success = _first(node, "success", "passed")
        expectations = [_expectation(r) for r in records]
        if kind == "failures":  # failures.json of a failed run: every record is a failure
            for e in expectations:
                e.success = False if e.success is None else e.success
            success = False
        extra = {
            k: v
            for k, v in node.items()
            if k not in ("results", "records", "expectations", "checks", "failures", "success")
            and k not in ("passed", "stage", "file")
            and isinstance(v, str | int | float | bool)
        }
        return [
            Suite(
                name=str(name),
                file=file,
                success=None if success is None else bool(success),
                expectations=expectations,
                extra=extra,
                stage=str(node.get("stage") or ""),
                target=str(node.get("file") or ""),
                kind=str(node.get("kind") or ""),
            )
        ]
    out: list[Suite] = []
    for key, value in node.items():
        if isinstance(value, dict | list):
            out += _suites_in(value, file, f"{name_hint}/{key}" if name_hint else key)
    return out


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
        found = _suites_in(data, path.name, path.stem)
        for s in found:
            if s.success is None and s.expectations:
                s.success = s.n_failed == 0
        if not found:
            warnings.append(f"gates/{path.name}: no expectation results found; shown raw")
            suites.append(
                Suite(
                    name=path.stem,
                    file=path.name,
                    success=_first(data, "success") if isinstance(data, dict) else None,
                    extra={"raw": _short(data, 400)},
                )
            )
        suites += found
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
