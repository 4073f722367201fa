"""One district of a multi-district run: its study into its own run folder, and its outcome.

The job a ``dask.distributed`` task runs (:mod:`p3md.pipeline.engine`), and the in-process
no-op check of :mod:`p3md.pipeline.districts`; both import it from here, so the orchestration
(districts) and the engine do not import each other.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p3md.codebook import DESIGN_FILE
from p3md.pipeline.hashing import sha256_json
from p3md.pipeline.runner import RunResult, run_pipeline
from p3md.safe_yaml import load_data_yaml


@dataclass
class DistrictOutcome:
    """What happened to one district (one entry of ``districts.json`` and of the progress)."""

    slug: str
    name: str
    status: str  # ok | failed
    message: str = ""
    ran: bool = False  # False: unchanged, the last good run was kept as it is
    seconds: float = 0.0
    key: str = ""  # hash of the district's stage keys (what the synthesis' cache key sees)
    worker: str = ""
    lines: list[str] = field(default_factory=list)

    def index_entry(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "run_dir": self.slug,
            "key": self.key,
        }


def district_name(folder: Path) -> str:
    """The district's name from its ``design.yaml`` (else the folder's name)."""
    design = folder / DESIGN_FILE
    if design.is_file():
        try:
            name = (load_data_yaml(design, fix="") or {}).get("district")
        except Exception:  # a broken design file is reported by the district's own run
            name = None
        if name:
            return str(name)
    return folder.name


def _stage_keys(result: RunResult) -> str:
    stages = (result.manifest or {}).get("stages", [])
    return sha256_json({s["name"]: s.get("cache_key") for s in stages})


def run_district(
    folder: Path,
    out_root: Path,
    values: Mapping[str, Any],
    *,
    force: bool = False,
    renderer: Any = None,
    max_workers: int = 1,
    kernel_server: Any = None,
    only_if_unchanged: bool = False,
) -> DistrictOutcome | None:
    """One district's study into ``out_root/<slug>`` (a complete single-district run folder).

    Never raises for a district's own problem: bad data, a failing gate or stage, even a bug,
    come back as a ``failed`` outcome with the message, so one district cannot stop the others.
    With ``only_if_unchanged`` nothing runs: the outcome says the district is unchanged, or
    ``None`` when it has work to do.
    """
    from p3md.pipeline.params import make_params
    from p3md.pipeline.stages import DISTRICT_STAGES

    folder = Path(folder)
    slug, name = folder.name, district_name(folder)
    lines: list[str] = []
    t0 = time.perf_counter()
    try:
        params = make_params(**{**values, "data_dir": folder, "out_dir": Path(out_root) / slug})
        result = run_pipeline(
            params,
            force=force,
            renderer=renderer,
            stages=DISTRICT_STAGES,
            derived_dir=None,
            max_workers=max_workers,
            echo=lines.append,
            kernel_server=kernel_server,
            only_if_unchanged=only_if_unchanged,
        )
    except Exception as exc:  # noqa: BLE001 - any failure is this district's, reported by name
        if only_if_unchanged:
            return None  # let the real run report it
        message = f"{type(exc).__name__}: {exc}"
        return DistrictOutcome(slug, name, "failed", message, True, time.perf_counter() - t0)
    if result is None:
        return None
    ran = result.message != "ok (unchanged)"
    if not result.success:
        return DistrictOutcome(
            slug, name, "failed", _short(result), ran, time.perf_counter() - t0, lines=lines
        )
    return DistrictOutcome(
        slug, name, "ok", "", ran, time.perf_counter() - t0, _stage_keys(result), lines=lines
    )


def _short(result: RunResult) -> str:
    """The failure's message without the path details: its first check, and how many more."""
    failure = result.failure
    items = getattr(failure, "items", None)
    if items:
        more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
        return " ".join(f"{items[0].paragraph()}{more}".split())
    text = str(failure) if failure is not None else result.message
    return " ".join(text.split())
