"""Running stages on a few workers: each stage as soon as its own upstream stages are done.

Waiting for a whole dependency level wastes a core whenever one stage of the level is slow (the
scoring stage's input gates, say); here a stage starts the moment its own upstream stages have
finished. When more stages are ready than workers are free, the one with the longest remaining
path through the graph goes first (critical-path list scheduling), with last run's timings as
the weights, so the slow chain starts early and the short independent stages fill the gaps.

Why own code: the graph is eight nodes, and what a task library (Dask, Prefect, doit) would add
is a scheduler process and its dependencies, not a better order; concurrent.futures does the
running.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from p3md.pipeline.stages import Stage, by_name, topological_order

#: Weight of a stage without a timing from an earlier run (seconds, a typical stage).
DEFAULT_WEIGHT = 5.0


def critical_path(stages: Sequence[Stage], weights: Mapping[str, float]) -> dict[str, float]:
    """For every stage, its own weight plus the heaviest chain of stages that depend on it."""
    order = topological_order(stages)  # refuses cycles and unknown upstream stages
    children: dict[str, list[str]] = {s.name: [] for s in stages}
    for s in stages:
        for u in s.upstream:
            children[u].append(s.name)
    path: dict[str, float] = {}
    for s in reversed(order):
        tail = max((path[c] for c in children[s.name]), default=0.0)
        path[s.name] = weights.get(s.name, DEFAULT_WEIGHT) + tail
    return path


def run_ready_first(
    stages: Sequence[Stage],
    to_run: Sequence[str],
    work: Callable[[Stage], Exception | None],
    *,
    max_workers: int,
    weights: Mapping[str, float] | None = None,
) -> list[Exception]:
    """Call ``work(stage)`` for every stage named in ``to_run``, at most ``max_workers`` at
    once, each after the stages it depends on that are also in ``to_run``.

    ``work`` returns ``None`` on success or the failure. After the first failure no further
    stage starts; the stages already running finish. Returns the failures in the order they
    happened (empty: every stage succeeded), so the caller can report the most telling one.
    """
    index = by_name(stages)
    order = critical_path(stages, weights or {})  # also refuses cycles and unknown upstreams
    pending = [index[n] for n in to_run]
    done: set[str] = {s.name for s in stages} - set(to_run)
    # Ties keep the registry (study) order.
    position = {s.name: i for i, s in enumerate(stages)}
    failures: list[Exception] = []
    running: dict[Future[Exception | None], str] = {}
    with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
        while pending or running:
            if not failures:
                ready = [s for s in pending if set(s.upstream) <= done]
                ready.sort(key=lambda s: (-order[s.name], position[s.name]))
                for stage in ready[: max(1, max_workers) - len(running)]:
                    pending.remove(stage)
                    running[pool.submit(work, stage)] = stage.name
            if not running:  # after a failure, with nothing left running
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                result = future.result()
                if result is None:
                    done.add(name)
                else:
                    failures.append(result)
    return failures
