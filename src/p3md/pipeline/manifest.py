"""``manifest.json``: what a run read, with which software, and what it produced.

Everything needed to tell whether two report folders came from the same inputs: SHA-256 of
every input file, the parameters, package versions, the git commit (and whether the work tree
was dirty), timestamps, per-stage status/time/cache key, gate summaries and the renderer. It
also answers "what changed since the last good run?" by comparing with the previous manifest.
"""

from __future__ import annotations

import functools
import json
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
SCHEMA = 1

#: Distribution names whose versions are recorded (import names differ for some).
PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "pingouin",
    "statsmodels",
    "scikit-posthocs",
    "seaborn",
    "matplotlib",
    "papermill",
    "great-expectations",
    "smalldocs",
    "nbclient",
    "nbformat",
    "pydantic",
    "ipykernel",
)


@dataclass
class StageRecord:
    """What happened to one stage in a run (one entry of the manifest's ``stages``)."""

    name: str
    title: str
    status: str = "pending"  # ran | skipped | failed | kept | not-run | omitted
    seconds: float = 0.0
    cache_key: str = ""
    outputs: list[str] = field(default_factory=list)
    gates: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None
    #: What the cache key is made of (:func:`p3md.pipeline.plan.key_parts`), so that the next
    #: run and ``p3md status`` can say what changed.
    key_parts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "cache_key": self.cache_key,
            "outputs": sorted(self.outputs),
            "gates": self.gates,
            "message": self.message,
            "key_parts": self.key_parts,
        }


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def package_versions() -> dict[str, str | None]:
    """Installed versions, read from package metadata (no imports)."""
    return dict(_package_versions())


@functools.cache
def _package_versions() -> dict[str, str | None]:
    # Cached: parsing every package's METADATA took a tenth of a second, and a run writes
    # its manifest twice (before and after rendering); the environment does not change.
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        key = name.replace("-", "_")
        try:
            versions[key] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[key] = None
    try:
        versions["p3md"] = metadata.version("p3md")
    except metadata.PackageNotFoundError:
        versions["p3md"] = None
    return versions


def git_info(root: Path) -> dict[str, Any]:
    """Commit and dirty flag of the project's repository (``None`` when not a git checkout)."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a report folder, or ``None`` if missing/unreadable."""
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else None


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    path = folder / MANIFEST_NAME
    path.write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return path


def changed_inputs(
    previous: dict[str, Any] | None, inputs: dict[str, str], parameters: dict[str, Any]
) -> dict[str, Any]:
    """Inputs added, removed or changed, and parameters changed, since ``previous``."""
    if previous is None:
        return {
            "previous_run": None,
            "added": sorted(inputs),
            "removed": [],
            "changed": [],
            "parameters": [],
        }
    before: dict[str, str] = previous.get("inputs", {})
    old_params: dict[str, Any] = previous.get("parameters", {})
    return {
        "previous_run": previous.get("finished"),
        "added": sorted(set(inputs) - set(before)),
        "removed": sorted(set(before) - set(inputs)),
        "changed": sorted(k for k in set(inputs) & set(before) if inputs[k] != before[k]),
        "parameters": sorted(
            k for k in set(parameters) | set(old_params) if parameters.get(k) != old_params.get(k)
        ),
    }


def build_manifest(
    *,
    started: str,
    finished: str,
    success: bool,
    inputs: dict[str, str],
    parameters: dict[str, Any],
    stages: list[dict[str, Any]],
    gates: list[dict[str, Any]],
    renderer: str | None,
    project_root: Path,
    previous: dict[str, Any] | None,
    package_sha: str,
    extra: dict[str, Any] | None = None,
    git: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest as a dict (see the module docstring for the fields); ``git`` is
    :func:`git_info` of ``project_root``, asked here when not given."""
    manifest = {
        "schema": SCHEMA,
        "success": success,
        "started": started,
        "finished": finished,
        "inputs": dict(sorted(inputs.items())),
        "package_source_sha256": package_sha,
        "parameters": parameters,
        "versions": package_versions(),
        "git": git if git is not None else git_info(project_root),
        "stages": stages,
        "gates": gates,
        "renderer": renderer,
        "changes_since_last_good_run": changed_inputs(previous, inputs, parameters),
    }
    if extra:
        manifest.update(extra)
    return manifest
