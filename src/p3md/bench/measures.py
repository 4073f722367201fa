"""The single-district measurements of ``make bench``: cold, no-op and one-stage edit runs, the
naive baseline, the scale series and the set-up from a fresh clone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from p3md import PROJECT_ROOT
from p3md.bench.driver import child_env, python, run_once
from p3md.bench.verdicts import (
    EDIT_STAGE,
    NO_QUARTO,
    TARGETS,
    growth_exponent,
    summarize,
    worse_than_nlogn,
)


def run_naive(data: Path, out: Path) -> dict[str, Any]:
    """Each stage's notebook with the papermill CLI in its own process, in study order; each
    raw file's gate before it and each output CSV's gate after it, one process per gate."""
    from p3md.pipeline.stages import STAGES, topological_order

    py = python()
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
        [py, "-m", "p3md.site", str(out)],
        cwd=PROJECT_ROOT,
        check=False,
        capture_output=True,
        env=child_env(quarto=False),  # as the cold run it is compared with
    )
    render = time.perf_counter() - r0
    return {
        "wall": round(time.perf_counter() - t0, 3),
        "render": round(render, 3),
        "stages": per,
        **counts,
    }


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


def agg_stages(runs: list[dict[str, Any]], fields: Sequence[str]) -> dict[str, Any]:
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


def succeeded(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in runs if r.get("exit_code") == 0]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def measure_cold_noop_edit(
    data: Path,
    repeats: int,
    tmp: Path,
    *,
    env: dict[str, str] | None = None,
    label: str = "",
) -> dict[str, Any]:
    """Cold, no-op and one-stage edit runs, ``repeats`` times each; ``env``: the runs'
    environment (:func:`p3md.bench.driver.child_env`: with or without Quarto on PATH);
    ``label`` prefixes the progress lines."""
    from p3md.pipeline.stages import STAGES, downstream_closure

    cold, noop, edit = [], [], []
    expected = sorted(downstream_closure(STAGES, [EDIT_STAGE]))
    edit_checks = []
    tag = "".join(ch if ch.isalnum() else "-" for ch in label.strip())
    for i in range(repeats):
        nbdir = tmp / f"nb-{tag}{i}"
        shutil.copytree(PROJECT_ROOT / "notebooks", nbdir)
        out = tmp / f"cold-{tag}{i}" / "reports"
        log(f"{label}cold run {i + 1}/{repeats} ...")
        r = run_once(data, out, notebooks=nbdir, env=env)
        cold.append(r)
        log(f"  {r['wall']:.1f} s" + ("" if r["exit_code"] == 0 else " FAILED"))
        if r["exit_code"] != 0:
            continue
        log(f"{label}no-op run {i + 1}/{repeats} ...")
        r = run_once(data, out, notebooks=nbdir, env=env)
        noop.append(r)
        log(f"  {r['wall']:.1f} s")
        _edit_notebook(nbdir / STAGES_BY_NAME()[EDIT_STAGE].notebook.name)
        log(f"{label}edit run ({EDIT_STAGE}) {i + 1}/{repeats} ...")
        r = run_once(data, out, notebooks=nbdir, env=env)
        edit.append(r)
        edit_checks.append(edit_check(r.get("statuses", {}), expected))
        log(f"  {r['wall']:.1f} s, re-executed {edit_checks[-1]['reran']}")
        shutil.rmtree(tmp / f"cold-{tag}{i}", ignore_errors=True)
        shutil.rmtree(nbdir, ignore_errors=True)
    cold_ok = succeeded(cold)
    res: dict[str, Any] = {
        "cold": {
            "wall": summarize([r["wall"] for r in cold_ok]),
            "render": summarize([r.get("render") for r in cold_ok]),
            **render_facts(cold_ok),
            "gates_total": summarize([r.get("gates_total") for r in cold_ok]),
            "gx_import": summarize([r.get("gx_import") for r in cold_ok]),
            "driver_startup": summarize(
                [r.get("driver", {}).get("startup_seconds") for r in cold_ok]
            ),
            "peak_mem_tree": summarize([r.get("peak_mem_tree") for r in cold_ok]),
            "stages": agg_stages(
                cold_ok,
                ("wall", "kernel_startup", "imports", "computation", "gates", "peak_mem_kernel"),
            ),
            "failures": [r.get("error") for r in cold if r.get("exit_code") != 0],
            "runs": cold,
        },
        "noop": {
            "wall": summarize([r["wall"] for r in succeeded(noop)]),
            "render": summarize([r.get("render") for r in succeeded(noop)]),
            "statuses": [r.get("statuses") for r in noop],
        },
        "edit": {
            "stage": EDIT_STAGE,
            "what": f"a code cell appended to a copy of the {EDIT_STAGE} stage's notebook",
            "wall": summarize([r["wall"] for r in succeeded(edit)]),
            "render": summarize([r.get("render") for r in succeeded(edit)]),
            **render_facts(succeeded(edit)),
            "checks": edit_checks,
            "only_stage_and_downstream": bool(edit_checks) and all(c["ok"] for c in edit_checks),
            "stages": agg_stages(succeeded(edit), ("wall", "gates")),
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


def edit_check(statuses: dict[str, str], expected: Sequence[str]) -> dict[str, Any]:
    """The edit run's per-stage report (the manifest's statuses) against the stages expected to
    rerun: ``ok`` when exactly those re-executed and every other stage was taken from the cache
    (a stage that failed or was not run is not ok; one left out of the run, ``omitted``, is
    neither)."""
    reran = sorted(n for n, s in statuses.items() if s == "ran")
    cached = sorted(n for n, s in statuses.items() if s == "skipped")
    other = sorted(n for n, s in statuses.items() if s not in ("ran", "skipped", "omitted"))
    return {
        "reran": reran,
        "cached": cached,
        "other": other,
        "expected": sorted(expected),
        "ok": bool(statuses) and reran == sorted(expected) and not other,
    }


def render_facts(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """What the runs' renders made: renderer, PDF engine and seconds, Word seconds; ``pdf``
    is the engine every run's report holds a PDF from (None if one run has none)."""
    engines = [r.get("pdf") for r in runs]
    return {
        "renderer": next((r.get("render_renderer") or r.get("renderer") for r in runs), None),
        "pdf": engines[0] if engines and all(engines) and len(set(engines)) == 1 else None,
        "pdf_seconds": summarize([r.get("render_pdf_seconds") for r in runs]),
        "docx_seconds": summarize([r.get("render_docx_seconds") for r in runs]),
        # Quarto's chapters rendered again, and why (p3md.site.quarto_book)
        "chapters": [r.get("render_chapters") for r in runs if r.get("render_chapters")],
    }


def measure_quarto_edit(data: Path, repeats: int, tmp: Path) -> dict[str, Any]:
    """The cold, no-op and one-stage edit runs again with Quarto on PATH (the book's HTML by
    Quarto, only its changed chapters after the first run), for the target "a one-stage edit
    with Quarto costs at most 3x the same edit without" (the ratio is taken against the
    ``cold`` part's edit, made without Quarto).
    Without Quarto on PATH: ``{"measured": False, "reason": NO_QUARTO}``, no run."""
    quarto = shutil.which("quarto")
    if quarto is None:
        log(f"quarto part: {NO_QUARTO}")
        return {"measured": False, "reason": NO_QUARTO}
    res = measure_cold_noop_edit(data, repeats, tmp, env=child_env(quarto=True), label="quarto ")
    return {"measured": True, "quarto": quarto, **res}


def STAGES_BY_NAME() -> dict[str, Any]:  # noqa: N802 - small accessor
    from p3md.pipeline.stages import STAGES

    return {s.name: s for s in STAGES}


def measure_naive(data: Path, repeats: int, tmp: Path) -> dict[str, Any]:
    runs = []
    for i in range(repeats):
        log(f"naive baseline {i + 1}/{repeats} ...")
        out = tmp / f"naive-{i}"
        try:
            runs.append(run_naive(data, out))
            log(f"  {runs[-1]['wall']:.1f} s")
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


def facilitators(data: Path) -> int:
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
        n = facilitators(data)
        runs = []
        for i in range(repeats):
            log(f"scale x{k} (n={n}) run {i + 1}/{repeats} ...")
            out = tmp / f"scale-x{k}-{i}" / "reports"
            r = run_once(data, out, env=child_env(quarto=False))
            runs.append(r)
            log(
                f"  {r['wall']:.1f} s, peak {r.get('peak_mem_tree', 0) / 1024**2:.0f} MiB"
                + ("" if r["exit_code"] == 0 else " FAILED")
            )
            shutil.rmtree(out.parent, ignore_errors=True)
        good = succeeded(runs)
        series.append(
            {
                "scale": k,
                "n_facilitators": n,
                "generate_seconds": round(gen, 3),
                "wall": summarize([r["wall"] for r in good]),
                "peak_mem_tree": summarize([r.get("peak_mem_tree") for r in good]),
                "render": summarize([r.get("render") for r in good]),
                "stages": agg_stages(
                    good,
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
