"""Targets, summaries of repeated measurements and PASS/MISS verdicts of ``make bench``.

Pure functions over numbers and the results' JSON: no pipeline, no site, no processes. The
verdicts are written into ``bench.json`` (:mod:`p3md.bench.cli`); the site's benchmark page
(:mod:`p3md.site.bench_page`) reads them from there and imports nothing of the benchmark.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

#: Targets of the brief (seconds / bytes); ``edit`` is relative (stage + downstream + 2 s).
TARGETS = {
    "cold_s": 20.0,
    "noop_s": 1.0,
    "edit_slack_s": 2.0,
    "naive_ratio": 2.0,
    "scale1000_s": 120.0,
    "scale1000_mem": 4 * 1024**3,
    "setup_s": 120.0,
    # the districts part (15 districts on the embedded LocalCluster)
    "districts_ratio": 0.6,
    "districts_marginal_s": 8.0,
    "districts_mem": 2 * 1024**3,
    "districts_noop_s": 2.0,
    # with Quarto on PATH (issue 20): the edit and the districts against the same without Quarto
    "quarto_edit_ratio": 3.0,
    "quarto_districts_ratio": 1.5,
    # the test suite on 2 cores (``--only tests``: make test-fast, make test)
    "test_fast_s": 180.0,
    "test_s": 600.0,
}
#: A stage whose time grows faster than this exponent of n is flagged (n log n over
#: n = 10^2..10^5 fits to about 1.1-1.15).
NLOGN_EXPONENT = 1.15
#: The stage edited in the one-stage-edit measurement (a middle stage with a downstream).
EDIT_STAGE = "instrument"
#: Why a part that needs Quarto was not measured (bench.json, the summary and the page say it).
NO_QUARTO = "not measured: quarto not on PATH"
#: Why the test suite's times are missing: they are measured only when asked.
NO_TESTS = "not measured: make bench ARGS='--only tests' times make test-fast and make test"


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


def verdict(
    value: float | None, target: float, unit: str = "s", reason: str | None = None
) -> dict[str, Any]:
    """PASS/MISS of ``value <= target`` with the gap; ``reason``: why a missing value was not
    measured (kept with the N/A)."""
    if value is None:
        out = {"value": None, "target": target, "status": "N/A", "gap": None}
        return out | {"reason": reason} if reason else out
    ok = value <= target
    return {
        "value": round(value, 3),
        "target": round(target, 3),
        "status": "PASS" if ok else "MISS",
        "gap": round(value - target, 3),
        "unit": unit,
    }


def verdicts(results: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = {}
    m = lambda d, *keys: dig(d, *keys)  # noqa: E731
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
    v["districts_ratio"] = verdict(
        m(results, "districts", "ratio_cold_vs_serial"), TARGETS["districts_ratio"], "x"
    )
    v["districts_marginal"] = verdict(
        m(results, "districts", "marginal_worker_seconds"), TARGETS["districts_marginal_s"]
    )
    peak = m(results, "districts", "peak_mem_per_worker")
    v["districts_mem_gib"] = verdict(
        peak / 1024**3 if peak else None, TARGETS["districts_mem"] / 1024**3, "GiB"
    )
    v["districts_noop"] = verdict(
        m(results, "districts", "noop", "wall"), TARGETS["districts_noop_s"]
    )
    v["edit_reruns_only_stage_and_downstream"] = m(results, "edit", "only_stage_and_downstream")
    v["cold"]["pdf"] = m(results, "cold", "pdf")
    v.update(quarto_verdicts(results))
    v.update(test_verdicts(results))
    return v


def quarto_verdicts(results: dict[str, Any]) -> dict[str, Any]:
    """With Quarto on PATH against without: the one-stage edit (<= 3x) and the districts
    (<= 1.5x); N/A with the reason when a side was not measured."""
    v: dict[str, Any] = {}
    q = results.get("quarto")
    edit = dig(results, "edit", "wall", "median")
    q_edit = dig(q, "edit", "wall", "median")
    if q is None:
        reason = "not measured: the quarto part was not asked for (--only ...,quarto)"
    elif not q.get("measured"):
        reason = q.get("reason") or NO_QUARTO
    elif edit is None:
        reason = "not measured: the edit without Quarto (the cold part) was not measured"
    else:
        reason = "not measured: the edit with Quarto failed" if q_edit is None else None
    ratio = q_edit / edit if q_edit is not None and edit else None
    v["quarto_edit_ratio"] = verdict(ratio, TARGETS["quarto_edit_ratio"], "x", reason)
    v["quarto_edit_reruns_only_stage_and_downstream"] = dig(q, "edit", "only_stage_and_downstream")
    d = results.get("districts_quarto")
    if d is None:
        reason = "not measured: the districts-quarto part was not asked for"
    elif not d.get("measured"):
        reason = d.get("reason") or NO_QUARTO
    else:
        reason = "not measured: a districts run failed" if d.get("ratio") is None else None
    v["quarto_districts_ratio"] = verdict(
        dig(d, "ratio"), TARGETS["quarto_districts_ratio"], "x", reason
    )
    if d and d.get("measured"):
        v["quarto_districts_ratio"]["districts"] = d.get("n")
    return v


def test_verdicts(results: dict[str, Any]) -> dict[str, Any]:
    """``make test-fast`` (<= 3 min) and ``make test`` (<= 10 min) from the ``tests`` part; a
    target that failed keeps its time and says so (``exit_code``)."""
    v: dict[str, Any] = {}
    for key, target in (("test_fast", "test-fast"), ("test", "test")):
        run = dig(results, "tests", target)
        v[key] = verdict(dig(run, "wall"), TARGETS[f"{key}_s"], "s", None if run else NO_TESTS)
        if run:
            v[key]["exit_code"] = run.get("exit_code")
    return v


def dig(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d
