"""The multi-district part of ``make bench`` (``--only districts``).

- **cold**: N districts (default 15: Lampung's 13 and two synthetic) generated with
  :func:`p3md.reconstruction.districts.generate_districts` and run cold with ``python -m p3md
  report`` on the embedded ``LocalCluster``, in a child process whose process tree is sampled:
  the peak memory (PSS) of every Dask worker with its kernel server and kernels.
- **serial**: the same N district folders one after another with today's single-district
  runner (``python -m p3md report --data <district>``, one process each, as a user would loop).
- **no-op**: the multi-district run again, nothing changed (no Dask is started).
- **large**: ``--districts-large`` districts (default 100) cold, once.
- **marginal cost**: worker-seconds per extra district, ``W * (wall_large - wall_N) / (large - N)``
  (the workers' occupied time, whatever they spent it on), next to the mean task time.
- **extrapolation** to 434 districts on W workers from the measured marginal cost and the
  fixed cost (cluster start-up and worker set-up, the top-level stages), *stated as such*.

These runs are made without Quarto on PATH (:func:`p3md.bench.driver.child_env`). The part
``--only districts-quarto`` (:func:`measure_districts_quarto`) runs ``--districts-quarto``
districts (default 13, Lampung's) cold twice, without and with Quarto on PATH, for the target
"with Quarto, the districts take at most 1.5x the time without"; without Quarto on PATH it
says "not measured: quarto not on PATH" and runs nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from p3md import PROJECT_ROOT
from p3md.bench.driver import child_env, python, timed_site
from p3md.bench.probe import process_memory
from p3md.bench.verdicts import NO_QUARTO, summarize

#: Districts of the national programme the extrapolation is for.
NATIONAL_DISTRICTS = 434


class WorkerSampler(threading.Thread):
    """Peak memory (PSS) of every Dask worker process of a run together with its descendants
    (kernel server, kernels): a worker is a child of the run's process started by
    multiprocessing (``spawn_main`` in its command line)."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.stop_event = threading.Event()
        self.peaks: dict[int, int] = {}
        self.peak_total = 0

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.stop_event.is_set():
            total = 0
            try:
                children = root.children()
                total += process_memory(root)
            except psutil.NoSuchProcess:
                break
            for child in children:
                try:
                    tree = [child, *child.children(recursive=True)]
                    mem = sum(process_memory(p) for p in tree)
                    total += mem
                    if "spawn_main" in " ".join(child.cmdline()):
                        self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), mem)
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
            self.peak_total = max(self.peak_total, total)
            self.stop_event.wait(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


def drive(argv: Sequence[str]) -> int:
    """``python -m p3md.bench _districts``: one multi-district run, with its outcomes and
    engine facts written to ``--timing``."""
    ap = argparse.ArgumentParser(prog="python -m p3md.bench _districts")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--timing", type=Path, required=True)
    args = ap.parse_args(argv)
    from p3md.pipeline.districts import run_districts
    from p3md.site.step import SiteStep

    t0 = time.perf_counter()
    # As `python -m p3md report` does: the districts' sites (HTML) and the book's (timed).
    top: dict[str, Any] = {}
    result = run_districts(
        args.data,
        args.out,
        {},
        renderer=SiteStep(),
        top_renderer=timed_site(SiteStep(), top),
        echo=lambda _: None,
    )
    doc = result.summary()
    doc["wall"] = round(time.perf_counter() - t0, 3)
    doc["top_render_seconds"] = top.get("render_seconds")
    doc["renderer"] = top.get("render_renderer")
    doc["top_seconds"] = round(
        sum(s.seconds + sum(g.get("seconds") or 0 for g in s.gates) for s in result.top.stages)
        if result.top
        else 0.0,
        3,
    )
    args.timing.write_text(json.dumps(doc, default=str))
    return result.exit_code


def _multi_run(data: Path, out: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    timing = out.parent / f".bench-districts-{out.name}.json"
    cmd = [python(), "-m", "p3md.bench", "_districts", "--data", str(data), "--out", str(out)]
    cmd += ["--timing", str(timing)]
    env = child_env(quarto=False) if env is None else env
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    sampler = WorkerSampler(proc.pid)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop()
    doc = json.loads(timing.read_text()) if timing.is_file() else {}
    timing.unlink(missing_ok=True)
    outcomes = doc.get("districts", [])
    ran = [d for d in outcomes if d.get("ran") and d.get("status") == "ok"]
    return {
        "wall": round(wall, 3),
        "exit_code": proc.returncode,
        "error": stderr[-2000:] if proc.returncode else None,
        "districts": len(outcomes),
        "failed": [d["slug"] for d in outcomes if d.get("status") != "ok"],
        "ran": len(ran),
        "task_seconds": summarize([d["seconds"] for d in ran]),
        "task_seconds_total": round(sum(d["seconds"] for d in ran), 3),
        "engine": doc.get("engine", {}),
        "top_seconds": doc.get("top_seconds"),
        "top_render_seconds": doc.get("top_render_seconds"),
        "renderer": doc.get("renderer"),
        "peak_mem_per_worker": sorted(sampler.peaks.values()),
        "peak_mem_tree": sampler.peak_total,
    }


def _serial(data: Path, out: Path, folders: list[Path]) -> dict[str, Any]:
    per: dict[str, float] = {}
    failed = []
    t0 = time.perf_counter()
    for folder in folders:
        s0 = time.perf_counter()
        proc = subprocess.run(
            [python(), "-m", "p3md", "report", "--data", str(folder), "--out",
             str(out / folder.name), "--no-derived"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
            env=child_env(quarto=False),
        )  # fmt: skip
        per[folder.name] = round(time.perf_counter() - s0, 3)
        if proc.returncode != 0:
            failed.append(folder.name)
    return {
        "wall": round(time.perf_counter() - t0, 3),
        "per_district": summarize(list(per.values())),
        "failed": failed,
    }


def measure_districts(
    tmp: Path,
    n: int = 15,
    large: int | None = 100,
    log: Any = print,
    save: Any = None,
) -> dict[str, Any]:
    """The districts part: cold (LocalCluster) vs serial, no-op, large, marginal cost,
    per-worker memory and the extrapolation to 434 districts. ``save(partial)`` is called
    after each phase (the part takes long; an interrupted bench keeps what it measured)."""
    save = save or (lambda _: None)
    from p3md.pipeline.districts import district_folders
    from p3md.pipeline.engine import machine_workers
    from p3md.reconstruction.districts import generate_districts

    workers = machine_workers()
    data = tmp / f"districts-{n}"
    generate_districts(data, n=n)
    folders = district_folders(data)
    res: dict[str, Any] = {"n": n, "workers": workers}
    log(f"districts: {n} cold on the embedded LocalCluster ({workers} workers) ...")
    cold = _multi_run(data, tmp / f"districts-out-{n}" / "reports")
    res["cold"] = cold
    log(f"  {cold['wall']:.1f} s" + ("" if cold["exit_code"] == 0 else " (exit 1)"))
    save(res)
    log("districts: no-op rerun ...")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [python(), "-m", "p3md", "report", "--data", str(data), "--out",
         str(tmp / f"districts-out-{n}" / "reports")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=child_env(quarto=False),
    )  # fmt: skip
    res["noop"] = {
        "wall": round(time.perf_counter() - t0, 3),
        "exit_code": proc.returncode,
        "dask_started": "Dask:" in proc.stdout,
    }
    log(f"  {res['noop']['wall']:.2f} s")
    shutil.rmtree(tmp / f"districts-out-{n}", ignore_errors=True)
    log(f"districts: the same {n} one after another with the single-district runner ...")
    serial = _serial(data, tmp / "districts-serial", folders)
    res["serial"] = serial
    log(f"  {serial['wall']:.1f} s")
    save(res)
    shutil.rmtree(tmp / "districts-serial", ignore_errors=True)
    phase = (cold.get("engine") or {}).get("seconds")
    res["ratio_cold_vs_serial"] = (
        round(cold["wall"] / serial["wall"], 3) if serial["wall"] else None
    )
    res["ratio_districts_phase_vs_serial"] = (
        round(phase / serial["wall"], 3) if phase and serial["wall"] else None
    )
    shutil.rmtree(data, ignore_errors=True)
    if large:
        big = tmp / f"districts-{large}"
        generate_districts(big, n=large)
        log(f"districts: {large} cold, once ...")
        res["large"] = _multi_run(big, tmp / f"districts-out-{large}" / "reports")
        res["large"]["n"] = large
        log(f"  {res['large']['wall']:.1f} s")
        shutil.rmtree(tmp / f"districts-out-{large}", ignore_errors=True)
        shutil.rmtree(big, ignore_errors=True)
    res.update(_marginal_and_extrapolation(res))
    return res


def measure_districts_quarto(tmp: Path, n: int = 13, log: Any = print) -> dict[str, Any]:
    """``n`` districts cold on the embedded LocalCluster, without and then with Quarto on PATH
    (same generated data, fresh output folders), and the ratio of the two walls. With Quarto
    the districts' sites stay smalldocs (``SiteStep.for_district``) and the top-level book and
    its PDF are Quarto's, so the ratio is what a user with Quarto pays more. Without Quarto on
    PATH nothing runs: ``{"measured": False, "reason": NO_QUARTO}``."""
    quarto = shutil.which("quarto")
    if quarto is None:
        log(f"districts-quarto part: {NO_QUARTO}")
        return {"measured": False, "reason": NO_QUARTO, "n": n}
    from p3md.reconstruction.districts import generate_districts

    data = tmp / f"districts-q-{n}"
    generate_districts(data, n=n)
    res: dict[str, Any] = {"measured": True, "n": n, "quarto": quarto}
    for key, with_quarto in (("without", False), ("with", True)):
        out = tmp / f"districts-q-out-{key}" / "reports"
        log(f"districts: {n} cold {key} Quarto on PATH ...")
        res[key] = _multi_run(data, out, env=child_env(quarto=with_quarto))
        log(
            f"  {res[key]['wall']:.1f} s (top-level site {res[key].get('top_render_seconds')} s,"
            f" {res[key].get('renderer')})" + ("" if res[key]["exit_code"] == 0 else " (exit 1)")
        )
        shutil.rmtree(out.parent, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)
    ok = all(res[k]["exit_code"] == 0 and res[k]["wall"] for k in ("without", "with"))
    res["ratio"] = round(res["with"]["wall"] / res["without"]["wall"], 3) if ok else None
    return res


def _marginal_and_extrapolation(res: dict[str, Any]) -> dict[str, Any]:
    cold, large, w = res["cold"], res.get("large"), res["workers"]
    out: dict[str, Any] = {}
    mean_task = cold["task_seconds"]["median"]
    if large and large.get("wall") and cold.get("wall"):
        extra = large["n"] - res["n"]
        out["marginal_worker_seconds"] = round(w * (large["wall"] - cold["wall"]) / extra, 3)
    else:
        out["marginal_worker_seconds"] = None
    per = out["marginal_worker_seconds"] or (mean_task or 0)
    fixed = (cold.get("engine") or {}).get("setup_seconds") or 0.0
    top = cold.get("top_seconds") or 0.0
    peaks = [p for r in (cold, large or {}) for p in r.get("peak_mem_per_worker", [])]
    out["peak_mem_per_worker"] = max(peaks) if peaks else None
    out["extrapolation"] = {
        "stated_as": "extrapolation from the measured marginal worker-seconds per district and "
        "the measured fixed costs (cluster start-up with worker set-up, top-level stages); "
        "not a measurement",
        "districts": NATIONAL_DISTRICTS,
        "per_district_worker_seconds": per,
        "fixed_seconds": round(fixed + top, 3),
        "hours_by_workers": {
            str(workers): round((fixed + top + NATIONAL_DISTRICTS * per / workers) / 3600, 3)
            for workers in (w, 16, 64, 256)
        },
    }
    return out
