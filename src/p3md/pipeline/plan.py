"""The plan of a run: each stage's cache key, what to run, what to reuse, and why.

Pure: it reads nothing but its arguments (a :class:`p3md.pipeline.inputs.Snapshot`, the last
good run's manifest, which of its outputs are still there). The runner executes the plan;
``p3md status`` prints it (like R targets' ``tar_outdated``).

A stage's key covers what the stage uses (its ``key_parts``, recorded in the manifest so the
next plan can say what changed): its notebook, the run's parameters, the codebook, its inputs
(raw files, published values, districts' index), the source of every ``p3md`` module its
notebook imports (:mod:`p3md.pipeline.code_deps`) and its upstream stages' keys (an upstream
change propagates downstream).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from p3md.pipeline.hashing import sha256_json
from p3md.pipeline.inputs import Snapshot
from p3md.pipeline.stages import Stage, topological_order, upstream_closure

#: Bumped when what enters a key changes (every stage then runs once).
KEY_VERSION = 2
#: Statuses of a previous stage record whose outputs may be reused.
REUSABLE = ("ran", "skipped", "kept")

RUN, SKIP, KEEP, NOT_RUN, OMITTED = "run", "skip", "keep", "not-run", "omitted"


@dataclass
class StagePlan:
    stage: Stage
    action: str  # run | skip | keep | not-run | omitted
    key: str = ""
    parts: dict[str, Any] = field(default_factory=dict)
    why: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """Every stage of the registry given, in dependency order, with its action."""

    stages: list[StagePlan]
    forced: bool = False
    selected: set[str] = field(default_factory=set)

    def __getitem__(self, name: str) -> StagePlan:
        return next(p for p in self.stages if p.stage.name == name)

    @property
    def applicable(self) -> list[Stage]:
        return [p.stage for p in self.stages if p.action != OMITTED]

    @property
    def omitted(self) -> dict[str, str]:
        return {p.stage.name: p.why[0] for p in self.stages if p.action == OMITTED}

    @property
    def to_run(self) -> list[Stage]:
        return [p.stage for p in self.stages if p.action == RUN]

    @property
    def keys(self) -> dict[str, str]:
        return {p.stage.name: p.key for p in self.stages if p.action != OMITTED}

    @property
    def all_reused(self) -> bool:
        """Whether every applicable stage is reused unchanged (and all are selected)."""
        return all(p.action in (SKIP, OMITTED) for p in self.stages)


def key_parts(stage: Stage, snap: Snapshot, keys: Mapping[str, str]) -> dict[str, Any]:
    return {
        "notebook": snap.notebook_sha.get(stage.name, "missing"),
        "parameters": snap.parameters,
        "codebook": snap.codebook_sha,
        "inputs": snap.stage_inputs(stage),
        "code": snap.code.get(stage.name, {}),
        "upstream": {u: keys[u] for u in stage.upstream},
    }


def stage_key(parts: Mapping[str, Any]) -> str:
    return sha256_json({**parts, "version": KEY_VERSION})


def _previous_stage(previous: Mapping[str, Any] | None, name: str) -> dict[str, Any] | None:
    for s in (previous or {}).get("stages", []):
        if s.get("name") == name:
            return s
    return None


def make_plan(
    stages: Sequence[Stage],
    snap: Snapshot,
    previous: Mapping[str, Any] | None,
    *,
    outputs_present: Mapping[str, bool],
    force: bool = False,
    only: Sequence[str] = (),
) -> Plan:
    """Decide every stage's action. ``outputs_present``: stage -> whether all the outputs the
    last good run recorded for it are still in the report folder."""
    order = topological_order(stages)
    plans: list[StagePlan] = []
    omitted: set[str] = set()
    for stage in order:
        missing = [k for k in stage.only_if if not snap.has(k)]
        gone = [u for u in stage.upstream if u in omitted]
        if missing or gone:
            omitted.add(stage.name)
            why = (
                "no " + ", ".join(missing)
                if missing
                else f"it needs {', '.join(gone)}, which is left out"
            )
            plans.append(StagePlan(stage, OMITTED, why=[why]))
    applicable = [s for s in order if s.name not in omitted]
    selected = (
        upstream_closure(applicable, [n for n in only if n not in omitted])
        if only
        else {s.name for s in applicable}
    )
    keys: dict[str, str] = {}
    for stage in applicable:
        parts = key_parts(stage, snap, keys)
        key = keys[stage.name] = stage_key(parts)
        prev = _previous_stage(previous, stage.name)
        present = bool(outputs_present.get(stage.name))
        if stage.name not in selected:
            if prev and prev.get("status") in REUSABLE and present:
                # The kept files belong to the key of the run that made them.
                plan = StagePlan(stage, KEEP, prev.get("cache_key", key), parts, ["not selected"])
            else:
                plan = StagePlan(stage, NOT_RUN, key, parts, ["not selected, no earlier output"])
        elif (
            not force
            and prev
            and prev.get("status") in REUSABLE
            and prev.get("cache_key") == key
            and present
        ):
            plan = StagePlan(stage, SKIP, key, parts)
        else:
            plan = StagePlan(stage, RUN, key, parts, reasons(prev, parts, key, present, force))
        plans.append(plan)
    by_name = {p.stage.name: p for p in plans}
    return Plan([by_name[s.name] for s in order], force, selected)


def reasons(
    prev: Mapping[str, Any] | None,
    parts: Mapping[str, Any],
    key: str,
    outputs_present: bool,
    force: bool,
) -> list[str]:
    """Why a stage must run: what differs from the last good run's record of it."""
    if force:
        return ["--force"]
    if not prev:
        return ["no earlier run"]
    if prev.get("status") not in REUSABLE:
        return [f"last run: {prev.get('status')}"]
    if prev.get("cache_key") == key:
        return ["its outputs are missing from the report folder"] if not outputs_present else []
    old = prev.get("key_parts")
    if not isinstance(old, dict):
        return ["recorded by an earlier version of the pipeline"]
    out: list[str] = []
    if old.get("notebook") != parts["notebook"]:
        out.append("notebook changed")
    for name in ("parameters",):
        before, now = old.get(name) or {}, parts[name]
        changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
        if changed:
            out.append("parameter " + ", ".join(changed) + " changed")
    if old.get("codebook") != parts["codebook"]:
        out.append("codebook changed")
    for name, words in (("inputs", "input"), ("code", "code"), ("upstream", "upstream")):
        before, now = old.get(name) or {}, parts[name]
        changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
        if changed:
            shown = ", ".join(changed[:4]) + (
                f" (+{len(changed) - 4} more)" if len(changed) > 4 else ""
            )
            out.append(f"{words} {shown} changed")
    return out or ["its key changed"]
