"""The stage scheduler: a stage starts when its own upstream stages are done, longest chain
first, and nothing new starts after a failure."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from p3md.pipeline.schedule import DEFAULT_WEIGHT, critical_path, run_ready_first
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


def test_critical_path_sums_the_heaviest_chain():
    weights = {"slow": 4.0, "quick": 1.0, "after_slow": 2.0, "join": 1.0}
    path = critical_path(GRAPH, weights)
    assert path["join"] == 1.0
    assert path["after_slow"] == 3.0
    assert path["slow"] == 7.0
    assert path["quick"] == 2.0
    assert path["other"] == DEFAULT_WEIGHT + 1.0  # no timing yet: the default weight


def test_stage_starts_when_its_own_upstream_is_done_not_its_level():
    rec = Recorder({"slow": 0.3, "quick": 0.05, "other": 0.6, "after_slow": 0.05})
    names = [s.name for s in GRAPH]
    assert run_ready_first(GRAPH, names, rec, max_workers=2) == []
    ev = rec.events
    assert set(ev) == set(names)
    # after_slow starts as soon as slow is done, while `other` (same level as slow) still runs.
    assert ev["after_slow"][0] >= ev["slow"][1]
    assert ev["after_slow"][0] < ev["other"][1]
    # join waits for every upstream stage.
    assert ev["join"][0] >= max(ev[u][1] for u in ("after_slow", "quick", "other"))


def test_never_more_than_max_workers_at_once():
    rec = Recorder({n: 0.05 for n in ("slow", "quick", "other", "after_slow")})
    run_ready_first(GRAPH, [s.name for s in GRAPH], rec, max_workers=2)
    points = sorted({t for ev in rec.events.values() for t in ev})
    for t in points:
        running = sum(1 for s, e in rec.events.values() if s <= t < e)
        assert running <= 2


def test_longest_chain_first_on_one_worker():
    rec = Recorder({})
    weights = {"slow": 1.0, "after_slow": 5.0, "quick": 2.0, "other": 0.5, "join": 0.1}
    run_ready_first(GRAPH, [s.name for s in GRAPH], rec, max_workers=1, weights=weights)
    order = sorted(rec.events, key=lambda n: rec.events[n][0])
    assert order == ["slow", "after_slow", "quick", "other", "join"]


def test_skipped_stages_count_as_done():
    rec = Recorder({})
    assert run_ready_first(GRAPH, ["join"], rec, max_workers=2) == []
    assert list(rec.events) == ["join"]


def test_after_a_failure_nothing_new_starts_and_running_stages_finish():
    rec = Recorder({"slow": 0.05, "other": 0.4}, fail="slow")
    failures = run_ready_first(GRAPH, [s.name for s in GRAPH], rec, max_workers=2)
    assert len(failures) == 1 and "slow failed" in str(failures[0])
    assert "after_slow" not in rec.events and "join" not in rec.events
    assert "other" in rec.events  # it was running when slow failed, and was let finish


def test_a_cycle_or_an_unknown_upstream_is_refused_before_anything_runs():
    rec = Recorder({})
    with pytest.raises(RegistryError, match="cycle"):
        run_ready_first((stage("a", "b"), stage("b", "a")), ["a", "b"], rec, max_workers=1)
    with pytest.raises(RegistryError, match="unknown"):
        run_ready_first((stage("a", "ghost"),), ["a"], rec, max_workers=1)
    assert rec.events == {}


def test_every_failure_of_stages_already_running_is_returned_in_order():
    class FailBoth(Recorder):
        def __call__(self, s: Stage) -> Exception | None:
            super().__call__(s)
            return RuntimeError(s.name) if s.name in ("slow", "other") else None

    rec = FailBoth({"slow": 0.05, "other": 0.3})
    weights = {"slow": 9.0, "other": 8.0}  # both start first on the two workers
    failures = run_ready_first(GRAPH, [s.name for s in GRAPH], rec, max_workers=2, weights=weights)
    assert [str(f) for f in failures] == ["slow", "other"]
    assert set(rec.events) == {"slow", "other"}
