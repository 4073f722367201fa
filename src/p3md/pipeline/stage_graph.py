"""Running a district's stages on Dask's local threaded scheduler.

The stages of one run are a small task graph: each stage is a task that depends on its own
upstream stages, so it starts as soon as they are done (not when a whole dependency level is),
at most ``max_workers`` at once. Dask orders the ready tasks (``dask.order``: the task that
unlocks most of the graph first, which is the scoring stage's chain here). The same engine,
``dask.distributed``, runs the districts of a multi-district run
(:mod:`p3md.pipeline.engine`); there is no scheduler of our own.

``dask`` is imported only when a stage really runs: a run with nothing to do never pays for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from p3md.pipeline.stages import Stage, by_name, topological_order


def run_stage_graph(
    stages: Sequence[Stage],
    to_run: Sequence[str],
    work: Callable[[Stage], Exception | None],
    *,
    max_workers: int,
) -> list[Exception]:
    """Call ``work(stage)`` for every stage named in ``to_run``, at most ``max_workers`` at
    once, each after the stages it depends on that are also in ``to_run``.

    ``work`` returns ``None`` on success or the failure. After the first failure no further
    stage starts; the stages already running finish. Returns the failures in the order they
    happened (empty: every stage succeeded), so the caller can report the most telling one.
    """
    from dask.threaded import get

    index = by_name(stages)
    topological_order(stages)  # refuses cycles and unknown upstream stages
    chosen = [n for n in to_run if n in index]
    unknown = sorted(set(to_run) - set(index))
    if unknown:
        raise KeyError(f"unknown stages {unknown}")
    wanted = set(chosen)
    failures: list[Exception] = []
    lock = threading.Lock()

    def task(name: str, *upstream_ok: bool) -> bool:
        with lock:
            stop = bool(failures)
        if stop or not all(upstream_ok):
            return False
        result = work(index[name])
        if result is None:
            return True
        with lock:
            failures.append(result)
        return False

    # The stage's name is bound with partial: a bare string in a task tuple is a key reference.
    graph: dict[str, Any] = {
        name: (partial(task, name), *[u for u in index[name].upstream if u in wanted])
        for name in chosen
    }
    if graph:
        # A pool of this run's own: dask's default pools are kept per calling thread and reused
        # by the next run, and a stage's kernel client leaves its event loop in the thread.
        with ThreadPoolExecutor(max(1, max_workers), thread_name_prefix="p3md-stage") as pool:
            get(graph, chosen, pool=pool)
    return failures
