"""The benchmark's printed summary (the terminal's view of ``reports/bench.json``)."""

from __future__ import annotations

from typing import Any

from p3md.bench.verdicts import EDIT_STAGE


def _fmt_verdict(name: str, v: dict[str, Any], unit: str = "s") -> str:
    if v["status"] == "N/A":
        why = f" ({v['reason']})" if v.get("reason") else ""
        return f"  {name:<34} {'n/a':>10}   target {v['target']}{unit}   N/A{why}"
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
        lines.append("  " + render_line(cold))
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
        lines.extend(edit_lines(results["edit"], "without Quarto"))
    q = results.get("quarto")
    if q is not None:
        lines.extend(quarto_lines(q))
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
    if results.get("districts_quarto") is not None:
        lines.extend(districts_quarto_lines(results["districts_quarto"]))
    if results.get("tests"):
        lines.extend(tests_lines(results["tests"]))
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
    if "quarto_edit_ratio" in v:
        lines.append(_fmt_verdict("Quarto: edit / edit without", v["quarto_edit_ratio"], "x"))
        n = v["quarto_districts_ratio"].get("districts")
        lines.append(
            _fmt_verdict(
                f"Quarto: {n or ''} districts / without".replace("  ", " "),
                v["quarto_districts_ratio"],
                "x",
            )
        )
    if "test_fast" in v:
        lines.append(_fmt_verdict("make test-fast", v["test_fast"]))
        lines.append(_fmt_verdict("make test", v["test"]))
    return "\n".join(lines)


def render_line(part: dict[str, Any]) -> str:
    """The site render of a cold or edit part: renderer, seconds, the PDF's engine and time."""
    pdf = part.get("pdf")
    pdf_s = (part.get("pdf_seconds") or {}).get("median")
    return (
        f"site rendered with {part.get('renderer') or '?'} in "
        f"{(part.get('render') or {}).get('median')} s; PDF "
        + (f"included ({pdf}, {pdf_s} s of the render)" if pdf else "NOT included")
    )


def edit_lines(e: dict[str, Any], where: str) -> list[str]:
    checks = e.get("checks") or []
    lines = [
        f"\nEdit of {e['stage']} ({where}): median {(e.get('wall') or {}).get('median')} s, "
        f"target {e.get('target_s')} s; {render_line(e)}"
    ]
    for c in checks:
        lines.append(
            f"  re-executed {c['reran']}, cached {c.get('cached')}"
            + (f", other {c['other']}" if c.get("other") else "")
            + f"; only stage + downstream: {c['ok']}"
        )
    return lines


def quarto_lines(q: dict[str, Any]) -> list[str]:
    if not q.get("measured"):
        return [f"\nWith Quarto on PATH: {q.get('reason')}"]
    cold, noop = q.get("cold") or {}, q.get("noop") or {}
    lines = [
        f"\nWith Quarto on PATH ({q.get('quarto')}): cold median "
        f"{(cold.get('wall') or {}).get('median')} s ({render_line(cold)}); no-op "
        f"{(noop.get('wall') or {}).get('median')} s"
    ]
    if q.get("edit"):
        lines.extend(edit_lines(q["edit"], "with Quarto"))
    return lines


def districts_quarto_lines(d: dict[str, Any]) -> list[str]:
    if not d.get("measured"):
        return [f"\nDistricts with Quarto on PATH: {d.get('reason')}"]
    w, q = d.get("without") or {}, d.get("with") or {}
    return [
        f"\nDistricts ({d['n']}) cold without Quarto {w.get('wall')} s (top-level site "
        f"{w.get('top_render_seconds')} s, {w.get('renderer')}), with Quarto {q.get('wall')} s "
        f"(top-level site {q.get('top_render_seconds')} s, {q.get('renderer')}); ratio "
        f"{d.get('ratio')}"
    ]


def tests_lines(tests: dict[str, Any]) -> list[str]:
    lines = ["\nTest suite (timed make targets):"]
    for target, r in tests.items():
        counts = ", ".join(
            f"{n} {k}" for k, n in r.get("counts", {}).items() if k != "pytest_seconds"
        )
        lines.append(
            f"  make {target}: {r['wall']:.1f} s, exit {r['exit_code']}, {counts or 'no summary'}"
            f"; load {r.get('load_average_before')} -> {r.get('load_average_after')}"
        )
    return lines


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
