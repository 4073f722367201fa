"""The districts of a multi-district run as tasks on ``dask.distributed``.

- **Where**: ``--scheduler tcp://HOST:8786`` (or ``DASK_SCHEDULER_ADDRESS``) sends the tasks to a
  running cluster (its workers need this project installed and the data and run folders on a
  shared file system, as on a SLURM cluster with ``dask-jobqueue``; README). Without one, an
  embedded ``LocalCluster`` sized to the machine: one single-threaded worker process per core
  (a district's stages are processes of their own, its Python work holds the GIL).
- **Set-up once per worker** (:class:`StageWorkerSetup`, a Dask ``WorkerPlugin``): the forked
  kernel server (:mod:`p3md.pipeline.kernels`) with every stage notebook's imports done, and the
  great-expectations import. Every district the worker runs forks its kernels from that server.
- **Failures**: a district task never raises for the district's own problem
  (:func:`p3md.pipeline.district.run_district` returns a ``failed`` outcome), so Dask does not
  retry it and the other districts go on.
- **Progress**: outcomes are yielded as they complete; the dashboard's address is printed when
  bokeh is installed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

if TYPE_CHECKING:
    from p3md.pipeline.district import DistrictOutcome

#: The environment variable Dask itself reads for a scheduler's address.
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
PLUGIN_NAME = "p3md-stage-setup"


class StageWorkerSetup(WorkerPlugin):
    """Once per worker: start the kernel server and import great-expectations."""

    name = PLUGIN_NAME

    def __init__(self, notebooks: Sequence[str]) -> None:
        self.notebooks = list(notebooks)
        self.server: Any = None
        self.ready_seconds: float | None = None

    def setup(self, worker: Any) -> None:
        from p3md.pipeline import gx_runtime
        from p3md.pipeline.kernels import ForkServer, fork_supported, notebook_imports

        t0 = time.perf_counter()
        # great-expectations imports in a thread while the kernel server imports the notebooks'
        # modules in its own process: both are seconds, neither blocks the other.
        gx = threading.Thread(target=gx_runtime.gx, name="gx-import", daemon=True)
        gx.start()
        if fork_supported():
            self.server = ForkServer(notebook_imports(Path(p) for p in self.notebooks))
        gx.join()
        self.ready_seconds = time.perf_counter() - t0

    def teardown(self, worker: Any) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


def _worker_server() -> Any:
    try:
        plugin = get_worker().plugins.get(PLUGIN_NAME)
    except ValueError:  # not in a worker (a synchronous test client)
        return None
    server = getattr(plugin, "server", None)
    return server if server is not None and server.alive() else None


def district_task(
    folder: str,
    out_root: str,
    values: Mapping[str, Any],
    force: bool,
    renderer: Any,
    max_workers: int,
) -> DistrictOutcome:
    """One district on a worker, with the worker's kernel server."""
    from p3md.pipeline.district import run_district

    outcome = run_district(
        Path(folder),
        Path(out_root),
        values,
        force=force,
        renderer=renderer,
        max_workers=max_workers,
        kernel_server=_worker_server(),
    )
    assert outcome is not None
    try:
        outcome.worker = get_worker().address
    except ValueError:
        pass
    return outcome


def machine_workers() -> int:
    """Worker processes of the embedded cluster: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _dashboard_available() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def connect(
    scheduler: str | None = None, n_workers: int | None = None
) -> tuple[Client, LocalCluster | None]:
    """A client of the given scheduler, of ``DASK_SCHEDULER_ADDRESS``, or of a new embedded
    ``LocalCluster`` (returned too, so the caller closes it)."""
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if address:
        return Client(address, set_as_default=False), None
    # The worker processes' semaphores are released by the cluster's shutdown; the resource
    # tracker (a process of its own, it reads this variable) would still print a warning.
    os.environ.setdefault("PYTHONWARNINGS", "ignore:resource_tracker:UserWarning")
    cluster = LocalCluster(
        n_workers=n_workers or machine_workers(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0" if _dashboard_available() else None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster, set_as_default=False), cluster


def run_on_dask(
    folders: Sequence[Path],
    out_root: Path,
    values: Mapping[str, Any],
    *,
    force: bool,
    renderer: Any,
    max_workers: int,
    scheduler: str | None,
    echo: Callable[[str], None],
    info: dict[str, Any] | None = None,
    n_workers: int | None = None,
) -> Iterator[DistrictOutcome]:
    """Run ``folders`` as Dask tasks; yield each district's outcome as it completes.

    ``info`` receives what the engine was: scheduler address, workers, dashboard, set-up time.
    """
    from p3md.pipeline.stages import DISTRICT_STAGES

    info = info if info is not None else {}
    t0 = time.perf_counter()
    client, cluster = connect(scheduler, n_workers)
    try:
        workers = client.scheduler_info().get("workers", {})
        info.update(
            scheduler=client.scheduler.address,
            embedded=cluster is not None,
            workers=len(workers),
            dashboard=client.dashboard_link if _dashboard_available() else None,
        )
        where = "embedded LocalCluster" if cluster is not None else "scheduler"
        echo(f"Dask: {len(workers)} workers ({where} {client.scheduler.address})")
        if info.get("dashboard"):
            echo(f"Dask dashboard: {info['dashboard']}")
        client.register_plugin(StageWorkerSetup([str(s.notebook) for s in DISTRICT_STAGES]))
        info["setup_seconds"] = round(time.perf_counter() - t0, 3)
        futures = [
            client.submit(
                district_task,
                str(folder),
                str(out_root),
                dict(values),
                force,
                renderer,
                max_workers,
                key=f"district-{folder.name}",
                pure=False,
            )
            for folder in folders
        ]
        for future in as_completed(futures, loop=client.loop):
            try:
                yield future.result()
            except Exception as exc:  # the task could not run at all (a worker died)
                from p3md.pipeline.district import DistrictOutcome, district_name

                slug = str(future.key).removeprefix("district-")
                folder = next(f for f in folders if f.name == slug)
                message = f"{type(exc).__name__}: {exc}"
                yield DistrictOutcome(slug, district_name(folder), "failed", message, True)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        info["seconds"] = round(time.perf_counter() - t0, 3)
