"""Facts about the machine and the memory of a process tree, for ``make bench``."""

from __future__ import annotations

import os
import platform
import shutil
import threading
import time
from pathlib import Path
from typing import Any


def _bytecode_compiled() -> bool:
    """Whether the installed libraries have bytecode (.pyc); without it every kernel compiles
    pandas/scipy from source on import (PYTHONDONTWRITEBYTECODE=1 keeps it that way)."""
    try:
        import pandas

        cache = Path(pandas.__file__).parent / "__pycache__"
        return cache.is_dir() and any(cache.glob("*.pyc"))
    except Exception:
        return False


def machine_facts() -> dict[str, Any]:
    import psutil

    from p3md.pipeline.manifest import package_versions

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cores_logical": psutil.cpu_count(logical=True),
        "cores_physical": psutil.cpu_count(logical=False),
        "ram_bytes": psutil.virtual_memory().total,
        "ram_gib": round(psutil.virtual_memory().total / 1024**3, 2),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "versions": package_versions(),
        "quarto": shutil.which("quarto"),
        "bytecode_compiled": _bytecode_compiled(),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def process_memory(p: Any) -> int:
    """A process's memory for summing over a process tree: PSS where the system reports it.

    Forked kernels share the pages their server imported (copy-on-write), and RSS counts such
    a page once per process that maps it, so a sum of RSS over the tree overstates the memory
    in use; PSS divides each shared page among the processes sharing it, so the sum is exact.
    """
    try:
        pss = getattr(p.memory_full_info(), "pss", None)
    except Exception:  # AccessDenied or no smaps: fall back to RSS (an upper bound)
        pss = None
    return int(pss) if pss is not None else int(p.memory_info().rss)


#: The kernel server's module (:mod:`p3md.pipeline.kernels`), as it shows in command lines.
KERNEL_SERVER_MODULE = "p3md.pipeline.kernels"


def process_kind(cmd: str, parent_cmd: str, is_root: bool) -> str:
    """runner (the pipeline), kernel-server (p3md.pipeline.kernels), kernel (spawned by
    jupyter_client or forked by the server), or other."""
    if is_root:
        return "runner"
    if "ipykernel" in cmd:
        return "kernel"
    if KERNEL_SERVER_MODULE in cmd:
        # A forked kernel keeps its server's command line; the server's parent is the runner.
        return "kernel" if KERNEL_SERVER_MODULE in parent_cmd else "kernel-server"
    return "other"


class TreeSampler(threading.Thread):
    """Samples the memory (:func:`process_memory`) of a process and all its descendants every
    ``interval`` seconds, and the peak of each process."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.stop_event = threading.Event()
        self.peak_total = 0
        #: pid -> {kind, created, last_seen, peak_mem}
        self.procs: dict[int, dict[str, Any]] = {}
        self.samples: list[tuple[float, int]] = []

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.stop_event.is_set():
            now = time.time()
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for p in procs:
                try:
                    mem = process_memory(p)
                    info = self.procs.get(p.pid)
                    if info is None:
                        parent = p.parent()
                        kind = process_kind(
                            " ".join(p.cmdline()),
                            " ".join(parent.cmdline()) if parent else "",
                            p is root,
                        )
                        info = self.procs[p.pid] = {
                            "kind": kind,
                            "created": p.create_time(),
                            "peak_mem": 0,
                        }
                    info["last_seen"] = now
                    info["peak_mem"] = max(info["peak_mem"], mem)
                    total += mem
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
            self.samples.append((now, total))
            self.peak_total = max(self.peak_total, total)
            self.stop_event.wait(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)

    def peak_between(self, t0: float, t1: float) -> int:
        return max((tot for t, tot in self.samples if t0 <= t <= t1), default=0)

    def kernel_peak(self, t0: float, t1: float) -> int:
        """Peak memory of the kernel process that overlaps ``[t0, t1]`` most."""
        best, overlap = 0, 0.0
        for info in self.procs.values():
            if info["kind"] != "kernel":
                continue
            ov = min(t1, info.get("last_seen", 0)) - max(t0, info["created"])
            if ov > overlap:
                best, overlap = info["peak_mem"], ov
        return best
