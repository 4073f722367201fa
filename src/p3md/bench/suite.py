"""The test suite's time (``--only tests``): ``make test-fast`` and ``make test`` timed as a user
runs them, for the targets "at most 3 minutes and 10 minutes on 2 cores".

Why a timed run of the make targets, and not pytest's own ``--durations`` of the last run: the
target is the wall time a developer waits for the command, with its two xdist workers, the
session's shared pipeline run and the browser tests' set-up (``make test`` also installs the
browser's dependencies); a sum of test durations leaves out the collection, the worker
start-up and the time a worker waits, and a record of "the last run" would be whatever run
happened last, on whatever load. So the part runs the targets, only when asked (they take
minutes, and the whole suite must not run on a shared machine by default), and records the
load average before and after beside the times: a time measured under load says so.

The output of each target is parsed only for pytest's closing line (``557 passed, 2 skipped in
590.12s``): the counts and pytest's own seconds. A target that fails is still timed; its
exit code and the end of its output are kept, and the verdict shows the time with the failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Sequence
from typing import Any

from p3md import PROJECT_ROOT

#: The make targets timed, in this order (the fast one first: it fails sooner).
MAKE_TARGETS = ("test-fast", "test")
#: Outcomes pytest counts on its closing line.
_OUTCOME = re.compile(
    r"(\d+) (passed|failed|skipped|xfailed|xpassed|errors?|deselected|warnings?|rerun)"
)
_SECONDS = re.compile(r" in (\d+(?:\.\d+)?)s\b")


def pytest_counts(output: str) -> dict[str, Any]:
    """Counts and seconds of pytest's closing line (the last line naming an outcome and a
    time, e.g. ``==== 3 failed, 550 passed, 4 skipped in 590.12s (0:09:50) ====``); ``{}`` when
    the output has none (pytest did not get that far). ``error`` and ``errors`` count as
    ``errors``, ``warning(s)`` as ``warnings``."""
    for line in reversed(output.splitlines()):
        seconds = _SECONDS.search(line)
        found = _OUTCOME.findall(line)
        if not (seconds and found):
            continue
        counts: dict[str, Any] = {}
        for n, what in found:
            key = {"error": "errors", "warning": "warnings"}.get(what, what)
            counts[key] = counts.get(key, 0) + int(n)
        counts["pytest_seconds"] = float(seconds.group(1))
        return counts
    return {}


def make_env() -> dict[str, str]:
    """This environment without make's own variables: ``make bench ARGS="--only tests"`` must
    not hand its ``ARGS`` (through ``MAKEFLAGS``) to the ``make test`` it times."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def _load() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def time_target(target: str) -> dict[str, Any]:
    """``make <target> ARGS=`` in the project root: wall time, exit code, pytest's counts."""
    load_before = _load()
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["make", target, "ARGS="],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=make_env(),
    )
    wall = time.perf_counter() - t0
    output = proc.stdout + proc.stderr
    return {
        "command": f"make {target}",
        "wall": round(wall, 3),
        "exit_code": proc.returncode,
        "jobs": os.environ.get("JOBS") or "2 (the Makefile's default)",
        "counts": pytest_counts(proc.stdout) or pytest_counts(output),
        "load_average_before": load_before,
        "load_average_after": _load(),
        "output_tail": output[-1500:] if proc.returncode else "",
    }


def measure_tests(targets: Sequence[str] = MAKE_TARGETS, log: Any = print) -> dict[str, Any]:
    """Each target timed once (a run of the suite is its own repeat: minutes long)."""
    res: dict[str, Any] = {}
    for target in targets:
        log(f"timing make {target} (minutes) ...")
        res[target] = time_target(target)
        r = res[target]
        log(f"  {r['wall']:.1f} s" + ("" if r["exit_code"] == 0 else f" (exit {r['exit_code']})"))
    return res
