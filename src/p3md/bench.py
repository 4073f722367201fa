"""``python -m p3md.bench``: how fast is the pipeline, and where does the time go?

One invocation measures, repeating each measurement (``--repeats``, default 3; ``--quick`` = 1):

- **cold**: the full pipeline (gates, notebooks, site) into a fresh output folder, so the stage
  cache is empty (the environment is ready: venv and kernel installed). Broken down per stage
  into kernel start-up (stage wall - sum of papermill's per-cell durations), imports (the
  notebook's import cell), computation (the other cells), gates (the manifest's gate seconds)
  and, for the run, the site rendering.
- **no-op**: the same output folder again, nothing changed.
- **edit**: one stage's notebook edited in a temporary *copy* of ``notebooks/`` (the project's
  notebooks are never touched); records which stages re-executed (must be that stage and its
  downstream stages only).
- **naive**: the same notebooks the obvious way: the papermill CLI once per notebook, in
  sequence, each in its own process, and every gate (one raw file or one output CSV) in its own
  process, then the site; reported as a ratio against the pipeline's cold run.
- **scale**: the reconstruction generated at x10, x100, x1000 (``--scales``) and the pipeline run
  on each; wall time and peak memory per stage (PSS of the runner, the kernel server and the
  kernels, sampled by a psutil thread, :func:`process_memory`), and a least-squares growth
  exponent of time against n (facilitators) per stage.
- **setup** (``--setup``): ``make setup`` in a fresh ``git clone`` of the repository.

Results go to ``reports/bench.json`` (``--json`` to change) with medians, min/max and IQR and
the machine's facts; a summary with PASS/MISS against the targets is printed. Then the report
in ``reports/`` is re-rendered (as ``python -m p3md report`` does; stages skipped), so that the
site's appendix *Kinerja komputasi* shows the measurements (``--no-render`` to skip).

Every pipeline run happens in a child process (``python -m p3md.bench _run ...``, which calls
:func:`p3md.pipeline.runner.run_pipeline` like ``python -m p3md report`` does), so its memory
can be sampled as a process tree and nothing is cached between runs in this process.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from p3md import PROJECT_ROOT
from p3md.pipeline import atomic

#: Targets of the brief (seconds / bytes); ``edit`` is relative (stage + downstream + 2 s).
TARGETS = {
    "cold_s": 20.0,
    "noop_s": 1.0,
    "edit_slack_s": 2.0,
    "naive_ratio": 2.0,
    "scale1000_s": 120.0,
    "scale1000_mem": 4 * 1024**3,
    "setup_s": 120.0,
}
#: A stage whose time grows faster than this exponent of n is flagged (n log n over
#: n = 10^2..10^5 fits to about 1.1-1.15).
NLOGN_EXPONENT = 1.15
#: The stage edited in the one-stage-edit measurement (a middle stage with a downstream).
EDIT_STAGE = "instrument"


# --------------------------------------------------------------------------------------------
# statistics helpers (unit-tested in tests/test_bench.py)
# --------------------------------------------------------------------------------------------
def summarize(values: Sequence[float | None]) -> dict[str, Any]:
    """Median, min, max and the interquartile range of repeated measurements (None skipped)."""
    xs = sorted(float(v) for v in values if v is not None and not math.isnan(float(v)))
    if not xs:
        return {"n": 0, "median": None, "min": None, "max": None, "q1": None, "q3": None}
    if len(xs) >= 2:
        q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    else:
        q1 = q3 = xs[0]
    return {
        "n": len(xs),
        "median": round(statistics.median(xs), 4),
        "min": round(xs[0], 4),
        "max": round(xs[-1], 4),
        "q1": round(q1, 4),
        "q3": round(q3, 4),
    }


def growth_exponent(ns: Sequence[float], ts: Sequence[float]) -> dict[str, Any]:
    """Least-squares fit of ``log t = b log n + a``: the exponent ``b``, ``a`` and R^2.

    Points with a non-positive n or t are left out (log undefined); fewer than two distinct n
    give ``exponent=None``.
    """
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts, strict=True) if n > 0 and t > 0]
    if len({x for x, _ in pts}) < 2:
        return {"exponent": None, "intercept": None, "r2": None, "points": len(pts)}
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    sxy = sum((x - mx) * (y - my) for x, y in pts)
    b = sxy / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for _, y in pts)
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in pts)
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    return {
        "exponent": round(b, 3),
        "intercept": round(a, 3),
        "r2": round(r2, 3),
        "points": len(pts),
    }


def worse_than_nlogn(exponent: float | None, limit: float = NLOGN_EXPONENT) -> bool:
    return exponent is not None and exponent > limit


def verdict(value: float | None, target: float, unit: str = "s") -> dict[str, Any]:
    """PASS/MISS of ``value <= target`` with the gap."""
    if value is None:
        return {"value": None, "target": target, "status": "N/A", "gap": None}
    ok = value <= target
    return {
        "value": round(value, 3),
        "target": round(target, 3),
        "status": "PASS" if ok else "MISS",
        "gap": round(value - target, 3),
        "unit": unit,
    }


def notebook_breakdown(nb: dict[str, Any], stage_wall: float) -> dict[str, float]:
    """Split an executed notebook's stage time into start-up, imports and computation.

    papermill stores every cell's duration in ``cell.metadata.papermill.duration``; the stage
    wall time minus their sum is the kernel start-up (and shutdown / papermill overhead). The
    import cell is the first code cell, after the parameter cells, that imports something.
    """
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    durations: list[tuple[dict[str, Any], float]] = []
    for c in cells:
        d = (c.get("metadata", {}).get("papermill", {}) or {}).get("duration")
        durations.append((c, float(d) if d is not None else 0.0))
    imports = 0.0
    found = False
    params = 0.0
    compute = 0.0
    for c, d in durations:
        tags = c.get("metadata", {}).get("tags", [])
        src = c.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        if "parameters" in tags or "injected-parameters" in tags:
            params += d
            continue
        lines = [ln.strip() for ln in src.splitlines()]
        if not found and any(ln.startswith(("import ", "from ")) for ln in lines):
            imports, found = d, True
            continue
        compute += d
    cells_total = params + imports + compute
    return {
        "wall": round(stage_wall, 3),
        "kernel_startup": round(max(stage_wall - cells_total, 0.0), 3),
        "imports": round(imports, 3),
        "computation": round(compute + params, 3),
    }


# --------------------------------------------------------------------------------------------
# machine facts and memory sampling
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# one pipeline run in a child process
# --------------------------------------------------------------------------------------------
def _python() -> str:
    return sys.executable


def _iso_ts(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def run_once(
    data: Path,
    out: Path,
    *,
    notebooks: Path | None = None,
    site: bool = True,
    jobs: int = 2,
    sample: bool = True,
) -> dict[str, Any]:
    """Run the pipeline in a child process; wall time, peak memory (PSS), per-stage breakdown."""
    cmd = [_python(), "-m", "p3md.bench", "_run", "--data", str(data), "--out", str(out)]
    cmd += ["--jobs", str(jobs)]
    if notebooks is not None:
        cmd += ["--notebooks", str(notebooks)]
    if not site:
        cmd.append("--no-site")
    timing_file = out.parent / f".bench-timing-{out.name}.json"
    cmd += ["--timing", str(timing_file)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeSampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    if sampler:
        sampler.stop()
    result: dict[str, Any] = {"wall": round(wall, 3), "exit_code": proc.returncode}
    if proc.returncode != 0:
        result["error"] = (stderr or stdout)[-3000:]
        failed = atomic.failed_dir(out) / "manifest.json"
        if failed.is_file():  # what ran before the failure, and how long it took
            fm = json.loads(failed.read_text())
            result["failed_stages"] = {
                s["name"]: {
                    "status": s["status"],
                    "wall": s["seconds"],
                    "gates": round(sum(g.get("seconds", 0) or 0 for g in s.get("gates", [])), 3),
                }
                for s in fm.get("stages", [])
            }
        if sampler:
            result["peak_mem_tree"] = sampler.peak_total
        return result
    timing = json.loads(timing_file.read_text()) if timing_file.is_file() else {}
    timing_file.unlink(missing_ok=True)
    result["driver"] = timing
    manifest = json.loads((out / "manifest.json").read_text())
    result["statuses"] = {s["name"]: s["status"] for s in manifest["stages"]}
    stages: dict[str, Any] = {}
    for s in manifest["stages"]:
        entry: dict[str, Any] = {"status": s["status"], "wall": s["seconds"]}
        entry["gates"] = round(
            sum(g.get("seconds", 0) or 0 for g in s.get("gates", []) if not g.get("cached")), 3
        )
        nb_rel = next((o for o in s.get("outputs", []) if o.startswith("notebooks/")), None)
        if s["status"] == "ran" and nb_rel and (out / nb_rel).is_file():
            nb = json.loads((out / nb_rel).read_text())
            entry.update(notebook_breakdown(nb, s["seconds"]))
            pm = nb.get("metadata", {}).get("papermill", {})
            t_start, t_end = _iso_ts(pm.get("start_time")), _iso_ts(pm.get("end_time"))
            if sampler and t_start and t_end:
                entry["peak_mem_tree"] = sampler.peak_between(t_start - 0.5, t_end + 0.5)
                entry["peak_mem_kernel"] = sampler.kernel_peak(t_start, t_end)
        stages[s["name"]] = entry
    result["stages"] = stages
    result["render"] = timing.get("render_seconds")
    result["gates_total"] = round(sum(v.get("gates", 0) for v in stages.values()), 3)
    result["gx_import"] = timing.get("gx_import_seconds")
    result["renderer"] = manifest.get("renderer")
    if sampler:
        result["peak_mem_tree"] = sampler.peak_total
        kernels = [i["peak_mem"] for i in sampler.procs.values() if i["kind"] == "kernel"]
        result["kernels_started"] = len(kernels)
        result["peak_mem_runner"] = max(
            (i["peak_mem"] for i in sampler.procs.values() if i["kind"] == "runner"), default=0
        )
    return result


def _driver(argv: Sequence[str]) -> int:
    """``python -m p3md.bench _run``: one pipeline run, as ``python -m p3md report`` does it,
    optionally with the stage notebooks taken from another folder, plus its timings."""
    ap = argparse.ArgumentParser(prog="python -m p3md.bench _run")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--notebooks", type=Path)
    ap.add_argument("--no-site", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timing", type=Path)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from p3md.pipeline import stages as registry
    from p3md.pipeline.params import make_params
    from p3md.pipeline.runner import run_pipeline

    stages = list(registry.STAGES)
    if args.notebooks is not None:
        stages = [dataclasses.replace(s, notebook=args.notebooks / s.notebook.name) for s in stages]
    timing: dict[str, Any] = {}
    renderer: Any = None
    if not args.no_site:

        def renderer(project_dir: Path, target: Path, *, run_dir: Path | None = None) -> Any:
            # Imported when a render happens, as `python -m p3md report` does: a no-op run
            # never pays for the site package.
            from p3md.site import render_site

            r0 = time.perf_counter()
            try:
                return render_site(project_dir, target, run_dir=run_dir)
            finally:
                timing["render_seconds"] = round(time.perf_counter() - r0, 3)

        renderer.__name__ = "render_site"
    params = make_params(data_dir=args.data, out_dir=args.out)
    t1 = time.perf_counter()
    result = run_pipeline(
        params, renderer=renderer, stages=stages, max_workers=args.jobs, echo=lambda _: None
    )
    t2 = time.perf_counter()
    from p3md.pipeline import gx_runtime

    timing.update(
        {
            "startup_seconds": round(t1 - t0, 3),
            "run_pipeline_seconds": round(t2 - t1, 3),
            "gx_import_seconds": gx_runtime.IMPORT_SECONDS,
            "success": result.success,
        }
    )
    if args.timing:
        args.timing.write_text(json.dumps(timing))
    if not result.success:
        print(result.message, file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------------------------
# the naive baseline
# --------------------------------------------------------------------------------------------
def _gate_entry(argv: Sequence[str]) -> int:
    """``python -m p3md.bench _gate``: ONE gate in this process (one raw file, or one output
    CSV), the naive baseline's equivalent of ``python -m p3md check`` per file."""
    ap = argparse.ArgumentParser(prog="python -m p3md.bench _gate")
    ap.add_argument("--data", type=Path)
    ap.add_argument("--key")
    ap.add_argument("--csv", type=Path)
    ap.add_argument("--rules", default="statistics,distributions")
    args = ap.parse_args(argv)
    from p3md.pipeline.gates import run_gate

    if args.csv is not None:
        import pandas as pd

        from p3md.pipeline.output_gates import build_output_suite

        df = pd.read_csv(args.csv)
        suite, frame = build_output_suite(df, tuple(args.rules.split(",")), args.csv.name)
        if not (suite.specs or suite.pandas_checks or suite.precondition_failures):
            return 0
        result = run_gate("naive", args.csv.name, "output", frame, suite)
    else:
        from p3md.codebook import load_codebook
        from p3md.io.readers import read_raw_dir
        from p3md.pipeline.raw_gates import build_raw_suite

        cb = load_codebook()
        frames = read_raw_dir(args.data, cb)
        suite, frame = build_raw_suite(cb, args.key, frames[args.key], frames)
        result = run_gate("naive", cb.files[args.key].path, "input", frame, suite)
    return 0 if result.success else 1


def run_naive(data: Path, out: Path) -> dict[str, Any]:
    """Each stage's notebook with the papermill CLI in its own process, in study order; each
    raw file's gate before it and each output CSV's gate after it, one process per gate."""
    from p3md.pipeline.stages import STAGES, topological_order

    py = _python()
    papermill = str(Path(py).parent / "papermill")
    out.mkdir(parents=True, exist_ok=True)
    before: set[str] = set()
    t0 = time.perf_counter()
    counts = {"notebooks": 0, "gates": 0}
    per: dict[str, float] = {}
    for stage in topological_order(STAGES):
        s0 = time.perf_counter()
        for key in stage.raw_inputs:
            subprocess.run(
                [py, "-m", "p3md.bench", "_gate", "--data", str(data), "--key", key],
                cwd=PROJECT_ROOT,
                check=False,
                capture_output=True,
            )
            counts["gates"] += 1
        nb_out = out / "notebooks" / stage.notebook.name
        nb_out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                papermill,
                str(stage.notebook),
                str(nb_out),
                "-k",
                "p3md",
                "--cwd",
                str(PROJECT_ROOT),
                "-p",
                "data_dir",
                str(data),
                "-p",
                "out_dir",
                str(out),
                "--no-progress-bar",
            ],
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )
        counts["notebooks"] += 1
        now = {p.relative_to(out).as_posix() for p in out.rglob("*.csv")}
        for rel in sorted(now - before):
            if rel.startswith("tables/"):
                subprocess.run(
                    [
                        py,
                        "-m",
                        "p3md.bench",
                        "_gate",
                        "--csv",
                        str(out / rel),
                        "--rules",
                        ",".join(stage.output_gates),
                    ],
                    cwd=PROJECT_ROOT,
                    check=False,
                    capture_output=True,
                )
                counts["gates"] += 1
        before = now
        per[stage.name] = round(time.perf_counter() - s0, 3)
    r0 = time.perf_counter()
    subprocess.run(
        [py, "-m", "p3md.site", str(out)], cwd=PROJECT_ROOT, check=False, capture_output=True
    )
    render = time.perf_counter() - r0
    return {
        "wall": round(time.perf_counter() - t0, 3),
        "render": round(render, 3),
        "stages": per,
        **counts,
    }


# --------------------------------------------------------------------------------------------
# the measurements
# --------------------------------------------------------------------------------------------
def _edit_notebook(path: Path) -> None:
    """Append a harmless code cell (changes the notebook's hash, not its results)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "bench-edit",
            "metadata": {},
            "outputs": [],
            "source": ["_bench_edit = 1  # added by p3md.bench on a copy\n"],
        }
    )
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _agg_stages(runs: list[dict[str, Any]], fields: Sequence[str]) -> dict[str, Any]:
    names: list[str] = []
    for r in runs:
        for n in r.get("stages", {}):
            if n not in names:
                names.append(n)
    out: dict[str, Any] = {}
    for n in names:
        out[n] = {
            f: summarize([r["stages"][n].get(f) for r in runs if n in r.get("stages", {})])
            for f in fields
        }
    return out


def _ok(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in runs if r.get("exit_code") == 0]


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def measure_cold_noop_edit(data: Path, repeats: int, tmp: Path) -> dict[str, Any]:
    from p3md.pipeline.stages import STAGES, downstream_closure

    cold, noop, edit = [], [], []
    expected = sorted(downstream_closure(STAGES, [EDIT_STAGE]))
    edit_checks = []
    for i in range(repeats):
        nbdir = tmp / f"nb-{i}"
        shutil.copytree(PROJECT_ROOT / "notebooks", nbdir)
        out = tmp / f"cold-{i}" / "reports"
        _log(f"cold run {i + 1}/{repeats} ...")
        r = run_once(data, out, notebooks=nbdir)
        cold.append(r)
        _log(f"  {r['wall']:.1f} s" + ("" if r["exit_code"] == 0 else " FAILED"))
        if r["exit_code"] != 0:
            continue
        _log(f"no-op run {i + 1}/{repeats} ...")
        r = run_once(data, out, notebooks=nbdir)
        noop.append(r)
        _log(f"  {r['wall']:.1f} s")
        _edit_notebook(nbdir / STAGES_BY_NAME()[EDIT_STAGE].notebook.name)
        _log(f"edit run ({EDIT_STAGE}) {i + 1}/{repeats} ...")
        r = run_once(data, out, notebooks=nbdir)
        edit.append(r)
        reran = sorted(n for n, s in r.get("statuses", {}).items() if s == "ran")
        edit_checks.append({"reran": reran, "expected": expected, "ok": reran == expected})
        _log(f"  {r['wall']:.1f} s, re-executed {reran}")
        shutil.rmtree(tmp / f"cold-{i}", ignore_errors=True)
    cold_ok = _ok(cold)
    res: dict[str, Any] = {
        "cold": {
            "wall": summarize([r["wall"] for r in cold_ok]),
            "render": summarize([r.get("render") for r in cold_ok]),
            "gates_total": summarize([r.get("gates_total") for r in cold_ok]),
            "gx_import": summarize([r.get("gx_import") for r in cold_ok]),
            "driver_startup": summarize(
                [r.get("driver", {}).get("startup_seconds") for r in cold_ok]
            ),
            "peak_mem_tree": summarize([r.get("peak_mem_tree") for r in cold_ok]),
            "stages": _agg_stages(
                cold_ok,
                ("wall", "kernel_startup", "imports", "computation", "gates", "peak_mem_kernel"),
            ),
            "failures": [r.get("error") for r in cold if r.get("exit_code") != 0],
            "runs": cold,
        },
        "noop": {
            "wall": summarize([r["wall"] for r in _ok(noop)]),
            "render": summarize([r.get("render") for r in _ok(noop)]),
            "statuses": [r.get("statuses") for r in noop],
        },
        "edit": {
            "stage": EDIT_STAGE,
            "wall": summarize([r["wall"] for r in _ok(edit)]),
            "checks": edit_checks,
            "only_stage_and_downstream": bool(edit_checks) and all(c["ok"] for c in edit_checks),
            "stages": _agg_stages(_ok(edit), ("wall",)),
        },
    }
    # Target for the edit: what the edited stage and its downstream stages cost in the cold run
    # (notebook and gates) + 2 s.
    if cold_ok:
        stages = res["cold"]["stages"]
        base = sum(
            (stages[n]["wall"]["median"] or 0) + (stages[n]["gates"]["median"] or 0)
            for n in expected
            if n in stages
        )
        res["edit"]["target_s"] = round(base + TARGETS["edit_slack_s"], 3)
    return res


def STAGES_BY_NAME() -> dict[str, Any]:  # noqa: N802 - small accessor
    from p3md.pipeline.stages import STAGES

    return {s.name: s for s in STAGES}


def measure_naive(data: Path, repeats: int, tmp: Path) -> dict[str, Any]:
    runs = []
    for i in range(repeats):
        _log(f"naive baseline {i + 1}/{repeats} ...")
        out = tmp / f"naive-{i}"
        try:
            runs.append(run_naive(data, out))
            _log(f"  {runs[-1]['wall']:.1f} s")
        except subprocess.CalledProcessError as exc:
            runs.append({"error": (exc.stderr or b"")[-2000:].decode(errors="replace")})
        shutil.rmtree(out, ignore_errors=True)
    good = [r for r in runs if "wall" in r]
    return {
        "wall": summarize([r["wall"] for r in good]),
        "render": summarize([r["render"] for r in good]),
        "gate_processes": good[0]["gates"] if good else None,
        "notebook_processes": good[0]["notebooks"] if good else None,
        "stages": {
            n: summarize([r["stages"][n] for r in good])
            for n in (good[0]["stages"] if good else {})
        },
        "runs": runs,
    }


def _facilitators(data: Path) -> int:
    path = next(iter(sorted(data.glob("facilitators.*"))), None)
    if path is None:
        return 0
    with open(path, "rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def measure_scale(scales: Sequence[int], repeats: int, tmp: Path) -> dict[str, Any]:
    from p3md.reconstruction import generate

    series: list[dict[str, Any]] = []
    for k in scales:
        data = tmp / f"data-x{k}"
        g0 = time.perf_counter()
        generate(data, scale=k)
        gen = time.perf_counter() - g0
        n = _facilitators(data)
        runs = []
        for i in range(repeats):
            _log(f"scale x{k} (n={n}) run {i + 1}/{repeats} ...")
            out = tmp / f"scale-x{k}-{i}" / "reports"
            r = run_once(data, out)
            runs.append(r)
            _log(
                f"  {r['wall']:.1f} s, peak {r.get('peak_mem_tree', 0) / 1024**2:.0f} MiB"
                + ("" if r["exit_code"] == 0 else " FAILED")
            )
            shutil.rmtree(out.parent, ignore_errors=True)
        ok = _ok(runs)
        series.append(
            {
                "scale": k,
                "n_facilitators": n,
                "generate_seconds": round(gen, 3),
                "wall": summarize([r["wall"] for r in ok]),
                "peak_mem_tree": summarize([r.get("peak_mem_tree") for r in ok]),
                "render": summarize([r.get("render") for r in ok]),
                "stages": _agg_stages(
                    ok,
                    ("wall", "computation", "imports", "gates", "peak_mem_kernel", "peak_mem_tree"),
                ),
                "failures": [r.get("error") for r in runs if r.get("exit_code") != 0],
                "failed_runs": [
                    {
                        "wall": r["wall"],
                        "peak_mem_tree": r.get("peak_mem_tree"),
                        "stages": r.get("failed_stages"),
                    }
                    for r in runs
                    if r.get("exit_code") != 0
                ],
            }
        )
        shutil.rmtree(data, ignore_errors=True)
    growth: dict[str, Any] = {}
    stage_names = {n for p in series for n in p["stages"]}
    for name in sorted(stage_names):
        pts = [(p["n_facilitators"], p["stages"][name]) for p in series if name in p["stages"]]
        ns = [n for n, _ in pts]
        wall = [s["wall"]["median"] or 0 for _, s in pts]
        comp = [(s["computation"]["median"] or 0) + (s["gates"]["median"] or 0) for _, s in pts]
        g_wall = growth_exponent(ns, wall)
        g_comp = growth_exponent(ns, comp)
        growth[name] = {
            "wall": g_wall,
            "computation_plus_gates": g_comp,
            "flag_worse_than_nlogn": worse_than_nlogn(g_comp["exponent"]),
        }
    total = growth_exponent(
        [p["n_facilitators"] for p in series], [p["wall"]["median"] or 0 for p in series]
    )
    return {"series": series, "growth": growth, "total_growth": total}


def measure_setup(tmp: Path) -> dict[str, Any]:
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(clone)], check=True)
    uv_cache = Path(os.environ.get("UV_CACHE_DIR", Path.home() / ".cache" / "uv"))
    warm = uv_cache.is_dir() and any(uv_cache.iterdir())
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    t0 = time.perf_counter()
    proc = subprocess.run(["make", "setup"], cwd=clone, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t0
    shutil.rmtree(clone, ignore_errors=True)
    return {
        "seconds": round(secs, 3),
        "exit_code": proc.returncode,
        "uv_cache_warm": warm,
        "uv_cache_dir": str(uv_cache),
        "stderr_tail": proc.stderr[-1500:],
    }


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------
def _fmt_verdict(name: str, v: dict[str, Any], unit: str = "s") -> str:
    if v["status"] == "N/A":
        return f"  {name:<34} {'n/a':>10}   target {v['target']}{unit}   N/A"
    gap = f"(gap {v['gap']:+.2f}{unit})" if v["status"] == "MISS" else ""
    return (
        f"  {name:<34} {v['value']:>9.2f}{unit}  target <= {v['target']:.2f}{unit}  "
        f"{v['status']} {gap}"
    )


def verdicts(results: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = {}
    m = lambda d, *keys: _dig(d, *keys)  # noqa: E731
    v["cold"] = verdict(m(results, "cold", "wall", "median"), TARGETS["cold_s"])
    v["noop"] = verdict(m(results, "noop", "wall", "median"), TARGETS["noop_s"])
    tgt = m(results, "edit", "target_s")
    v["edit"] = verdict(m(results, "edit", "wall", "median"), tgt) if tgt else verdict(None, 0)
    cold, naive = m(results, "cold", "wall", "median"), m(results, "naive", "wall", "median")
    if cold and naive:
        ratio = naive / cold
        v["naive_ratio"] = {
            "value": round(ratio, 3),
            "target": TARGETS["naive_ratio"],
            "status": "PASS" if ratio >= TARGETS["naive_ratio"] else "MISS",
            "gap": round(ratio - TARGETS["naive_ratio"], 3),
            "unit": "x (>=)",
        }
    else:
        v["naive_ratio"] = verdict(None, TARGETS["naive_ratio"])
    big = next((p for p in (m(results, "scale", "series") or []) if p["scale"] == 1000), None)
    v["scale1000_time"] = verdict(m(big, "wall", "median") if big else None, TARGETS["scale1000_s"])
    mem = m(big, "peak_mem_tree", "max") if big else None
    v["scale1000_mem_gib"] = verdict(
        mem / 1024**3 if mem else None, TARGETS["scale1000_mem"] / 1024**3, "GiB"
    )
    v["setup"] = verdict(m(results, "setup", "seconds"), TARGETS["setup_s"])
    v["edit_reruns_only_stage_and_downstream"] = m(results, "edit", "only_stage_and_downstream")
    return v


def _dig(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def summary_text(results: dict[str, Any]) -> str:
    lines = []
    mf = results["machine"]
    lines.append(
        f"p3md benchmark: {mf['cores_logical']} cores, {mf['ram_gib']} GiB RAM, "
        f"Python {mf['python']}, "
        f"repeats={results['repeats']}, load avg at start {mf['load_average_at_start']}, "
        f"bytecode compiled: {mf['bytecode_compiled']}"
    )
    cold = results.get("cold")
    if cold and cold["wall"]["n"]:
        lines.append(
            f"\nCold run: median {cold['wall']['median']:.1f} s "
            f"(min {cold['wall']['min']:.1f}, max {cold['wall']['max']:.1f}); "
            f"render {cold['render']['median']} s; gates {cold['gates_total']['median']} s "
            f"(GX import {cold['gx_import']['median']} s); peak memory (PSS) "
            f"{(cold['peak_mem_tree']['median'] or 0) / 1024**2:.0f} MiB"
        )
        lines.append(
            f"  {'stage':<14}{'wall':>8}{'kernel':>8}{'imports':>9}{'compute':>9}{'gates':>8}"
        )
        for name, s in cold["stages"].items():

            def g(f: str, s: dict[str, Any] = s) -> str:
                val = s[f]["median"]
                return f"{val:.2f}" if val is not None else "-"

            lines.append(
                f"  {name:<14}{g('wall'):>8}{g('kernel_startup'):>8}{g('imports'):>9}"
                f"{g('computation'):>9}{g('gates'):>8}"
            )
    elif cold:
        lines.append("\nCold run FAILED: " + str((cold.get("failures") or ["?"])[0])[-800:])
    if results.get("edit"):
        e = results["edit"]
        lines.append(
            f"\nEdit of {e['stage']}: re-executed {[c['reran'] for c in e['checks']]}; "
            f"only stage + downstream: {e['only_stage_and_downstream']}"
        )
    sc = results.get("scale")
    if sc:
        lines.append("\nScale series:")
        for p in sc["series"]:
            rss = (p["peak_mem_tree"]["max"] or 0) / 1024**2
            lines.append(
                f"  x{p['scale']:<5} n={p['n_facilitators']:<7} wall {p['wall']['median']} s, "
                f"peak memory (PSS) {rss:.0f} MiB"
            )
        for name, g in sc["growth"].items():
            flag = "  <-- worse than n log n" if g["flag_worse_than_nlogn"] else ""
            lines.append(
                f"  {name:<14} exponent wall {g['wall']['exponent']}, "
                f"compute+gates {g['computation_plus_gates']['exponent']}{flag}"
            )
    lines.append("\nTargets:")
    v = results["verdicts"]
    lines.append(_fmt_verdict("cold full pipeline", v["cold"]))
    lines.append(_fmt_verdict("no-op rerun", v["noop"]))
    lines.append(_fmt_verdict(f"one-stage edit ({EDIT_STAGE})", v["edit"]))
    nr = v["naive_ratio"]
    if nr["status"] != "N/A":
        lines.append(
            f"  {'naive / pipeline (cold)':<34} {nr['value']:>9.2f}x  target >= 2.00x  "
            f"{nr['status']}" + (f" (gap {nr['gap']:+.2f}x)" if nr["status"] == "MISS" else "")
        )
    else:
        lines.append(f"  {'naive / pipeline (cold)':<34} {'n/a':>10}")
    lines.append(_fmt_verdict("x1000 wall", v["scale1000_time"]))
    lines.append(_fmt_verdict("x1000 peak memory (PSS)", v["scale1000_mem_gib"], "GiB"))
    lines.append(_fmt_verdict("set-up from a fresh clone", v["setup"]))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "_run":
        return _driver(argv[1:])
    if argv and argv[0] == "_gate":
        return _gate_entry(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m p3md.bench", description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one repeat of everything")
    ap.add_argument("--scales", default="10,100,1000")
    ap.add_argument("--setup", action="store_true", help="also time `make setup` in a fresh clone")
    ap.add_argument(
        "--only",
        default="cold,naive,scale",
        help="comma list of: cold (with no-op and edit), naive, scale",
    )
    ap.add_argument("--data", type=Path, default=PROJECT_ROOT / "data" / "raw")
    ap.add_argument("--json", type=Path, default=PROJECT_ROOT / "reports" / "bench.json")
    ap.add_argument(
        "--no-render",
        action="store_true",
        help="only write the JSON; by default a JSON in reports/ re-renders the report's site",
    )
    args = ap.parse_args(argv)
    repeats = 1 if args.quick else max(1, args.repeats)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    results: dict[str, Any] = {
        "schema": 1,
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "repeats": repeats,
        "machine": machine_facts(),
        "targets": TARGETS,
    }
    tmp = Path(tempfile.mkdtemp(prefix="p3md-bench-"))
    try:
        if "cold" in parts:
            results.update(measure_cold_noop_edit(args.data.resolve(), repeats, tmp))
        if "naive" in parts:
            results["naive"] = measure_naive(args.data.resolve(), repeats, tmp)
        if "scale" in parts and scales:
            results["scale"] = measure_scale(scales, repeats, tmp)
        if args.setup:
            _log("make setup in a fresh clone ...")
            results["setup"] = measure_setup(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in load] if load else None
    results["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
    results["verdicts"] = verdicts(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(summary_text(results))
    print(f"\nWritten {args.json}")
    return 0 if args.no_render else render_report(args.json)


def render_report(json_path: Path) -> int:
    """Rerun ``python -m p3md report`` when ``json_path`` is the default report's bench.json.

    The stages are skipped (nothing they read changed) and the site re-renders, since the
    hash of ``bench.json`` is part of the site's key: its page *Kinerja komputasi* then shows
    these measurements. Any other ``--json`` is only written.
    """
    from p3md.pipeline.params import DEFAULT_OUT_DIR

    if json_path.resolve() != (DEFAULT_OUT_DIR / "bench.json").resolve():
        return 0
    from p3md import cli

    _log(f"re-rendering {DEFAULT_OUT_DIR.name}/ so that the site shows these measurements ...")
    code = cli.main(["report"])
    manifest = DEFAULT_OUT_DIR / "manifest.json"
    if code == 0 and manifest.is_file():
        renderer = json.loads(manifest.read_text()).get("renderer") or "no renderer"
        page = DEFAULT_OUT_DIR / "site" / "pages" / "kinerja-komputasi.html"
        print(f"Site rendered with {renderer}; benchmark page: {page}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
