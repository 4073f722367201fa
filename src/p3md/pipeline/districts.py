"""Multi-district runs: the same study for every kabupaten of a data folder, then the stages that
run once (the Wioi study, the audit, the synthesis across districts).

Layout (see ARCHITECTURE.md): a data folder is multi-district when its sub-folders hold the raw
files of a district (a ``village_frame`` file each) and the folder itself holds none. A run
writes

- ``<out>/districts/<slug>/``: each district's own complete run folder, made by
  :func:`p3md.pipeline.runner.run_pipeline` with the district stages (atomic, cached: an
  unchanged district is left as it is);
- ``<out>/districts/districts.json``: the index of the districts and their outcome;
- ``<out>/``: the top-level run (Wioi, audit, synthesis; its site links every district's site).

Which districts must run is decided here, in this process and without Dask: a district whose
stages and site are unchanged is not sent anywhere, so a rerun with nothing changed imports no
engine at all. The others are tasks on ``dask.distributed`` (:mod:`p3md.pipeline.engine`).
A failing district is reported with its name and message; the others go on, the top-level run
uses the districts that succeeded, and the run ends with a non-zero exit code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from p3md.codebook import DESIGN_FILE
from p3md.pipeline import atomic
from p3md.pipeline.hashing import sha256_json
from p3md.pipeline.runner import DISTRICTS_INDEX, KEPT_DIRS, RunResult, run_pipeline
from p3md.safe_yaml import load_data_yaml

Echo = Callable[[str], None]

#: The folder of the districts' run folders inside a multi-district run folder.
DISTRICTS_DIR = KEPT_DIRS[0]


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


def has_raw_files(folder: Path) -> bool:
    """Whether ``folder`` holds a district's raw files (its own ``village_frame``)."""
    return any(p.is_file() for p in folder.glob("village_frame.*"))


def district_folders(data_dir: Path) -> list[Path]:
    """The district sub-folders of a multi-district data folder, by name."""
    return sorted(
        p
        for p in Path(data_dir).iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and has_raw_files(p)
    )


def is_multi_district(data_dir: Path) -> bool:
    """A folder of district sub-folders, without raw files of its own."""
    data_dir = Path(data_dir)
    return data_dir.is_dir() and not has_raw_files(data_dir) and bool(district_folders(data_dir))


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


def write_index(districts_dir: Path, outcomes: list[DistrictOutcome]) -> Path:
    """``districts.json``: every district's slug, name, status, message and stage-key hash.

    Only outcomes and keys, no timings: its hash is part of the synthesis' cache key, so it
    changes exactly when a district's results do.
    """
    districts_dir.mkdir(parents=True, exist_ok=True)
    path = districts_dir / DISTRICTS_INDEX
    doc = {"districts": [o.index_entry() for o in sorted(outcomes, key=lambda o: o.slug)]}
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


@dataclass
class MultiResult:
    """The outcome of :func:`run_districts`."""

    success: bool
    exit_code: int
    outcomes: list[DistrictOutcome]
    top: RunResult | None
    message: str = ""
    engine: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "districts": [asdict(o) | {"lines": []} for o in self.outcomes],
            "engine": self.engine,
        }


def sweep_stale(districts_dir: Path, slugs: Sequence[str], echo: Echo = print) -> list[Path]:
    """Remove the staging folders of district runs whose process died (a lost Dask worker):
    ``districts/.p3md-work/staging-<slug>-<pid>``; a live run's folder is left alone."""
    removed: list[Path] = []
    for slug in slugs:
        for stale in atomic.cleanup_stale(Path(districts_dir) / slug):
            echo(f"Removed the staging folder {stale.name} of a lost worker (district {slug})")
            removed.append(stale)
    return removed


def run_districts(
    data_dir: Path,
    out_dir: Path,
    values: Mapping[str, Any],
    *,
    force: bool = False,
    renderer: Any = None,
    max_workers: int = 1,
    scheduler: str | None = None,
    echo: Echo = print,
    top_renderer: Any = None,
) -> MultiResult:
    """Run every district of ``data_dir`` into ``out_dir/districts/<slug>``, then the top-level
    stages into ``out_dir``.

    ``values`` are the run parameters other than the folders (as for ``make_params``).
    ``scheduler``: address of a running Dask scheduler (``tcp://host:8786``); default the
    ``DASK_SCHEDULER_ADDRESS`` environment variable, else an embedded ``LocalCluster``.
    ``max_workers``: stages of one district run at once. ``top_renderer``: the renderer of the
    top-level site (default: ``renderer``).
    """
    from p3md.pipeline.params import make_params
    from p3md.pipeline.stages import TOP_STAGES

    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    districts_dir = out_dir / DISTRICTS_DIR
    folders = district_folders(data_dir)
    n = len(folders)
    # A district's site is HTML only: its PDF (Typst) costs more than its analysis; the book's
    # PDF is made for the top-level run.
    district_renderer = renderer.html_only() if hasattr(renderer, "html_only") else renderer
    outcomes: dict[str, DistrictOutcome] = {}
    todo: list[Path] = []
    for folder in folders:
        kept = None
        if not force:
            kept = run_district(
                folder,
                districts_dir,
                values,
                renderer=district_renderer,
                only_if_unchanged=True,
            )
        if kept is None:
            todo.append(folder)
        else:
            outcomes[kept.slug] = kept
    if outcomes:
        echo(f"{len(outcomes)}/{n} districts unchanged (skipped)")
    engine: dict[str, Any] = {}
    if todo:
        from p3md.pipeline.engine import run_on_dask

        done = len(outcomes)
        failed = 0
        for outcome in run_on_dask(
            todo,
            districts_dir,
            values,
            force=force,
            renderer=district_renderer,
            max_workers=max_workers,
            scheduler=scheduler,
            echo=echo,
            info=engine,
        ):
            outcomes[outcome.slug] = outcome
            done += 1
            failed += outcome.status == "failed"
            what = f"ran in {outcome.seconds:.1f} s" if outcome.status == "ok" else "FAILED"
            tail = f" ({failed} failed)" if failed else ""
            echo(f"[{done}/{n} districts{tail}] {outcome.name} ... {what}")
            if outcome.status == "failed":
                echo(f"    {outcome.message}")
        # A worker that died mid-district left its staging folder; a retry on another worker
        # removes it when it starts, but not when the district was not retried (or failed).
        sweep_stale(districts_dir, [f.name for f in todo], echo)
    ordered = [outcomes[f.name] for f in folders]
    write_index(districts_dir, ordered)
    bad = [o for o in ordered if o.status == "failed"]
    params = make_params(
        **{**values, "data_dir": data_dir, "out_dir": out_dir, "districts_dir": str(districts_dir)}
    )
    top = run_pipeline(
        params,
        force=force,
        renderer=renderer if top_renderer is None else top_renderer,
        stages=TOP_STAGES,
        derived_dir=None,
        max_workers=2,
        echo=echo,
    )
    message = ""
    if bad:
        names = "\n".join(f"  {o.name} ({o.slug}): {o.message}" for o in bad)
        message = (
            f"{len(bad)} of {n} districts failed; the other districts' reports are kept:\n{names}"
        )
    if not top.success:
        message = (message + "\n\n" if message else "") + top.message
    ok = not bad and top.success
    return MultiResult(ok, 0 if ok else 1, ordered, top, message, engine)
