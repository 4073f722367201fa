"""One pipeline run in a child process, timed and sampled (``python -m p3md.bench _run``), and
one gate in a process of its own (``python -m p3md.bench _gate``, the naive baseline's unit)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from p3md import PROJECT_ROOT
from p3md.bench.probe import TreeSampler
from p3md.pipeline import atomic


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


def python() -> str:
    return sys.executable


def child_env(quarto: bool) -> dict[str, str]:
    """The environment of a measured run: this one with Quarto on ``PATH`` (``quarto=True``;
    the caller checks :func:`shutil.which` first), or with every ``PATH`` folder that holds a
    ``quarto`` executable left out, so that the run renders as it does for a user without
    Quarto (smalldocs, the pandoc PDF). ``P3MD_RENDERER`` is dropped either way: the run
    chooses its renderer as ``make report`` does."""
    env = {k: v for k, v in os.environ.items() if k != "P3MD_RENDERER"}
    if not quarto:
        folders = env.get("PATH", "").split(os.pathsep)
        env["PATH"] = os.pathsep.join(
            f for f in folders if f and shutil.which("quarto", path=f) is None
        )
    return env


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
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the pipeline in a child process; wall time, peak memory (PSS), per-stage breakdown.
    ``env``: the child's environment (:func:`child_env`), this one by default."""
    cmd = [python(), "-m", "p3md.bench", "_run", "--data", str(data), "--out", str(out)]
    cmd += ["--jobs", str(jobs)]
    if notebooks is not None:
        cmd += ["--notebooks", str(notebooks)]
    if not site:
        cmd.append("--no-site")
    timing_file = out.parent / f".bench-timing-{out.name}.json"
    cmd += ["--timing", str(timing_file)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
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
    # What the render made: the renderer, the PDF (engine, seconds) and the Word copy; a run
    # whose site was reused (no-op) has none of these.
    for key in ("renderer", "pdf_engine", "pdf_seconds", "docx_seconds"):
        if f"render_{key}" in timing:
            result[f"render_{key}"] = timing[f"render_{key}"]
    result["gates_total"] = round(sum(v.get("gates", 0) for v in stages.values()), 3)
    result["gx_import"] = timing.get("gx_import_seconds")
    result["renderer"] = manifest.get("renderer")
    # The book's PDF the run's report holds (made by this run, or kept with a reused site).
    pdf = manifest.get("pdf")
    result["pdf"] = pdf.get("engine") if isinstance(pdf, dict) else None
    if sampler:
        result["peak_mem_tree"] = sampler.peak_total
        kernels = [i["peak_mem"] for i in sampler.procs.values() if i["kind"] == "kernel"]
        result["kernels_started"] = len(kernels)
        result["peak_mem_runner"] = max(
            (i["peak_mem"] for i in sampler.procs.values() if i["kind"] == "runner"), default=0
        )
    return result


def timed_site(step: Any, timing: dict[str, Any]) -> Any:
    """``step`` (a :class:`p3md.site.step.SiteStep`) as the runner sees it, with its render timed
    into ``timing``: ``render_seconds``, and what the render made (``render_renderer``,
    ``render_pdf_engine``, ``render_pdf_seconds``, ``render_docx_seconds``)."""

    class TimedSite:
        project_files = step.project_files
        key = step.key

        def render(self, project_root: Path, run_dir: Path) -> Any:
            r0 = time.perf_counter()
            try:
                done = step.render(project_root, run_dir)
            finally:
                timing["render_seconds"] = round(time.perf_counter() - r0, 3)
            timing["render_renderer"] = getattr(done, "renderer", None)
            timing["render_pdf_engine"] = getattr(done, "pdf_engine", None)
            timing["render_pdf_seconds"] = getattr(done, "pdf_seconds", None)
            timing["render_docx_seconds"] = getattr(done, "docx_seconds", None)
            timing["render_chapters"] = getattr(done, "chapters_why", None)
            return done

    return TimedSite()


def drive(argv: Sequence[str]) -> int:
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
        # As `python -m p3md report` does: the site step, its render timed.
        from p3md.site.step import SiteStep

        renderer = timed_site(SiteStep(), timing)
    params = make_params(data_dir=args.data, out_dir=args.out)
    t1 = time.perf_counter()
    result = run_pipeline(
        params, renderer=renderer, stages=stages, max_workers=args.jobs, echo=lambda _: None
    )
    t2 = time.perf_counter()
    # The great-expectations import's time, if the run imported it: importing gx_runtime here
    # would import pandas into a no-op run that never needed it (0.35-1.5 s of a 1 s target,
    # which `python -m p3md report` does not pay).
    gx_runtime = sys.modules.get("p3md.pipeline.gx_runtime")
    timing.update(
        {
            "startup_seconds": round(t1 - t0, 3),
            "run_pipeline_seconds": round(t2 - t1, 3),
            "gx_import_seconds": getattr(gx_runtime, "IMPORT_SECONDS", None),
            "success": result.success,
        }
    )
    if args.timing:
        args.timing.write_text(json.dumps(timing))
    if not result.success:
        print(result.message, file=sys.stderr)
        return 1
    return 0


def gate(argv: Sequence[str]) -> int:
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
