"""The benchmark's printed summary (the terminal's view of ``reports/bench.json``)."""

from __future__ import annotations

from typing import Any

from p3md.bench.verdicts import EDIT_STAGE


def _fmt_verdict(name: str, v: dict[str, Any], unit: str = "s") -> str:
    if v["status"] == "N/A":
        return f"  {name:<34} {'n/a':>10}   target {v['target']}{unit}   N/A"
    gap = f"(gap {v['gap']:+.2f}{unit})" if v["status"] == "MISS" else ""
    return (
        f"  {name:<34} {v['value']:>9.2f}{unit}  target <= {v['target']:.2f}{unit}  "
        f"{v['status']} {gap}"
    )


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
    if results.get("districts"):
        lines.extend(districts_text(results["districts"]))
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
    if "districts_ratio" in v:
        lines.append(_fmt_verdict("districts: cold / serial", v["districts_ratio"], "x"))
        lines.append(_fmt_verdict("districts: marginal worker-s", v["districts_marginal"]))
        lines.append(_fmt_verdict("districts: peak per worker", v["districts_mem_gib"], "GiB"))
        lines.append(_fmt_verdict("districts: no-op rerun", v["districts_noop"]))
    return "\n".join(lines)


def districts_text(res: dict[str, Any]) -> list[str]:
    """Lines of the printed summary."""
    gib = 1024**3
    cold, serial = res["cold"], res["serial"]
    lines = [
        f"\nDistricts ({res['n']}, {res['workers']} workers):",
        f"  cold on LocalCluster {cold['wall']:.1f} s (districts phase "
        f"{(cold.get('engine') or {}).get('seconds')} s, worker set-up "
        f"{(cold.get('engine') or {}).get('setup_seconds')} s); serial {serial['wall']:.1f} s; "
        f"ratio {res['ratio_cold_vs_serial']}",
        f"  task time per district: median {cold['task_seconds']['median']} s; marginal "
        f"worker-seconds per district {res['marginal_worker_seconds']}",
        f"  peak memory per worker (PSS, with its kernels) "
        f"{(res['peak_mem_per_worker'] or 0) / gib:.2f} GiB",
        f"  no-op {res['noop']['wall']:.2f} s (Dask started: {res['noop']['dask_started']})",
    ]
    if res.get("large"):
        lines.append(f"  {res['large']['n']} districts cold: {res['large']['wall']:.1f} s")
    ex = res["extrapolation"]
    hours = ", ".join(f"{w} workers {h} h" for w, h in ex["hours_by_workers"].items())
    lines.append(f"  extrapolated (not measured) to {ex['districts']} districts: {hours}")
    return lines
