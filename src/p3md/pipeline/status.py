"""``p3md status``: which stages of a report folder are out of date, and why (like R targets'
``tar_outdated``), without running anything.

The same plan as a run's (:mod:`p3md.pipeline.plan`) against the report folder's manifest:
a stage is out of date when its key differs (the reasons name what changed: the notebook, a
parameter, an input file, a module of ``p3md`` it imports, an upstream stage) or its outputs
are missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from p3md.pipeline.inputs import take_snapshot
from p3md.pipeline.manifest import read_manifest
from p3md.pipeline.params import RunParams
from p3md.pipeline.plan import KEEP, NOT_RUN, OMITTED, RUN, make_plan
from p3md.pipeline.stages import Stage


@dataclass
class StageStatus:
    name: str
    state: str  # up to date | out of date | left out
    why: list[str]


def stage_status(
    params: RunParams, stages: Sequence[Stage], echo: Callable[[str], None] = lambda _: None
) -> list[StageStatus]:
    """Every stage's state against the report folder ``params.out_dir``."""
    out_dir = Path(params.out_dir)
    previous = read_manifest(out_dir) if out_dir.is_dir() else None
    snap = take_snapshot(params, stages, previous, echo)
    present = {
        str(s.get("name")): all((out_dir / rel).is_file() for rel in s.get("outputs", []))
        for s in (previous or {}).get("stages", [])
    }
    plan = make_plan(stages, snap, previous, outputs_present=present)
    out: list[StageStatus] = []
    for p in plan.stages:
        if p.action == OMITTED:
            out.append(StageStatus(p.stage.name, "left out", p.why))
        elif p.action in (RUN, KEEP, NOT_RUN):
            out.append(StageStatus(p.stage.name, "out of date", p.why))
        else:
            out.append(StageStatus(p.stage.name, "up to date", []))
    return out


def status_lines(statuses: list[StageStatus], where: str) -> list[str]:
    """The terminal's lines for people: one per stage, then a summary."""
    width = max((len(s.name) for s in statuses), default=0)
    lines = []
    for s in statuses:
        why = f": {'; '.join(s.why)}" if s.why else ""
        lines.append(f"{s.name.ljust(width)}  {s.state}{why}")
    stale = [s for s in statuses if s.state == "out of date"]
    if stale:
        lines.append(
            f"{len(stale)} of {len(statuses)} stages out of date in {where} "
            "(`make report` reruns them and what depends on them)"
        )
    else:
        lines.append(f"Every stage of {where} is up to date.")
    return lines


def mermaid(stages: Sequence[Stage], statuses: list[StageStatus] | None = None) -> str:
    """The stage graph as a Mermaid flowchart (like R targets' ``tar_visnetwork``): inputs ->
    stages -> downstream stages; stages out of date drawn dashed, stages left out grey."""
    state = {s.name: s.state for s in statuses or []}
    lines = ["flowchart LR"]
    inputs: list[str] = []
    for stage in stages:
        for key in (*stage.inputs, *stage.optional_inputs):
            if key not in inputs:
                inputs.append(key)
    for key in inputs:
        lines.append(f"  in_{key}[/{key}/]")
    for stage in stages:
        lines.append(f'  {stage.name}["{stage.name}<br/>{stage.notebook.name}"]')
    for stage in stages:
        for key in stage.inputs:
            lines.append(f"  in_{key} --> {stage.name}")
        for key in stage.optional_inputs:
            lines.append(f"  in_{key} -.-> {stage.name}")
        for up in stage.upstream:
            lines.append(f"  {up} --> {stage.name}")
    stale = [n for n, st in state.items() if st == "out of date"]
    gone = [n for n, st in state.items() if st == "left out"]
    if stale:
        lines += ["  classDef stale stroke-dasharray: 4 3", f"  class {','.join(stale)} stale"]
    if gone:
        lines += ["  classDef gone fill:#eee,color:#999", f"  class {','.join(gone)} gone"]
    return "\n".join(lines) + "\n"


def as_dict(statuses: list[StageStatus]) -> list[dict[str, Any]]:
    return [{"name": s.name, "state": s.state, "why": s.why} for s in statuses]
