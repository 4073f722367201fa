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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from p3md.pipeline import atomic
from p3md.pipeline.district import DistrictOutcome, run_district
from p3md.pipeline.runner import DISTRICTS_INDEX, KEPT_DIRS, RunResult, run_pipeline

Echo = Callable[[str], None]

#: The folder of the districts' run folders inside a multi-district run folder.
DISTRICTS_DIR = KEPT_DIRS[0]


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
    # A district's site is HTML only and rendered by smalldocs, also with Quarto on PATH (the
    # site step's for_district): its PDF and a Quarto render cost more than its analysis; the
    # book of the top-level run has both.
    district_renderer = renderer.for_district() if hasattr(renderer, "for_district") else renderer
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
