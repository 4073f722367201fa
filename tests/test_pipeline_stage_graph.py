"""Stages on Dask's local scheduler: a stage starts when its own upstream stages are done,
never more than ``max_workers`` at once, and nothing new starts after a failure."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from p3md.pipeline.stage_graph import run_stage_graph
from p3md.pipeline.stages import RegistryError, Stage


def stage(name: str, *upstream: str) -> Stage:
    return Stage(name, Path(f"{name}.ipynb"), name.title(), upstream=upstream)


# slow -> after_slow; quick and other are independent; join waits for all.
GRAPH = (
    stage("slow"),
    stage("quick"),
    stage("other"),
    stage("after_slow", "slow"),
    stage("join", "after_slow", "quick", "other"),
)


class Recorder:
    """``work`` for the scheduler that sleeps per stage and records start and end times."""

    def __init__(self, seconds: dict[str, float], fail: str | None = None) -> None:
        self.seconds, self.fail = seconds, fail
        self.events: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()
        self.t0 = time.perf_counter()

    def __call__(self, s: Stage) -> Exception | None:
        start = time.perf_counter() - self.t0
        time.sleep(self.seconds.get(s.name, 0.01))
        with self.lock:
            self.events[s.name] = (start, time.perf_counter() - self.t0)
        return RuntimeError(f"{s.name} failed") if s.name == self.fail else None


def test_stage_starts_when_its_own_upstream_is_done_not_its_level():
    rec = Recorder({"slow": 0.3, "quick": 0.05, "other": 0.6, "after_slow": 0.05})
    names = [s.name for s in GRAPH]
    assert run_stage_graph(GRAPH, names, rec, max_workers=2) == []
    ev = rec.events
    assert set(ev) == set(names)
    # after_slow starts as soon as slow is done, while `other` (same level as slow) still runs.
    assert ev["after_slow"][0] >= ev["slow"][1]
    assert ev["after_slow"][0] < ev["other"][1]
    # join waits for every upstream stage.
    assert ev["join"][0] >= max(ev[u][1] for u in ("after_slow", "quick", "other"))


def test_never_more_than_max_workers_at_once():
    rec = Recorder({n: 0.05 for n in ("slow", "quick", "other", "after_slow")})
    run_stage_graph(GRAPH, [s.name for s in GRAPH], rec, max_workers=2)
    points = sorted({t for ev in rec.events.values() for t in ev})
    for t in points:
        running = sum(1 for s, e in rec.events.values() if s <= t < e)
        assert running <= 2


def test_one_worker_runs_the_stages_one_at_a_time_in_dependency_order():
    rec = Recorder({})
    run_stage_graph(GRAPH, [s.name for s in GRAPH], rec, max_workers=1)
    spans = sorted(rec.events.values())
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    order = sorted(rec.events, key=lambda n: rec.events[n][0])
    assert order.index("slow") < order.index("after_slow") < order.index("join")


def test_skipped_stages_count_as_done():
    rec = Recorder({})
    assert run_stage_graph(GRAPH, ["join"], rec, max_workers=2) == []
    assert list(rec.events) == ["join"]


def test_after_a_failure_nothing_new_starts_and_running_stages_finish():
    rec = Recorder({"slow": 0.05, "other": 0.4}, fail="slow")
    # quick is not to run (counts as done): slow and other are the two stages ready at first.
    failures = run_stage_graph(GRAPH, ["slow", "other", "after_slow", "join"], rec, max_workers=2)
    assert len(failures) == 1 and "slow failed" in str(failures[0])
    assert "after_slow" not in rec.events and "join" not in rec.events
    assert "other" in rec.events  # it was running when slow failed, and was let finish


def test_a_cycle_or_an_unknown_upstream_is_refused_before_anything_runs():
    rec = Recorder({})
    with pytest.raises(RegistryError, match="cycle"):
        run_stage_graph((stage("a", "b"), stage("b", "a")), ["a", "b"], rec, max_workers=1)
    with pytest.raises(RegistryError, match="unknown"):
        run_stage_graph((stage("a", "ghost"),), ["a"], rec, max_workers=1)
    assert rec.events == {}


def test_every_failure_of_stages_already_running_is_returned_in_order():
    class FailBoth(Recorder):
        def __call__(self, s: Stage) -> Exception | None:
            super().__call__(s)
            return RuntimeError(s.name) if s.name in ("slow", "other") else None

    rec = FailBoth({"slow": 0.05, "other": 0.3})
    # Only the two independent stages and their dependant: both start at once on two workers.
    failures = run_stage_graph(GRAPH, ["slow", "other", "after_slow"], rec, max_workers=2)
    assert [str(f) for f in failures] == ["slow", "other"]
    assert set(rec.events) == {"slow", "other"}  # after_slow never started
