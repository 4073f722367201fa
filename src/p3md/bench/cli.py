"""``python -m p3md.bench``: the command line of the benchmark (see :mod:`p3md.bench`)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from p3md import PROJECT_ROOT
from p3md.bench import districts, driver, measures, suite
from p3md.bench.measures import log
from p3md.bench.probe import machine_facts
from p3md.bench.summary import summary_text
from p3md.bench.verdicts import NLOGN_EXPONENT, TARGETS, verdicts

#: What ``make bench`` measures by default; ``tests`` (the test suite's times, minutes) only
#: when asked with ``--only``.
DEFAULT_PARTS = ("cold", "quarto", "naive", "scale", "districts", "districts-quarto")
#: Every part ``--only`` knows.
PARTS = (*DEFAULT_PARTS, "tests")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "_run":
        return driver.drive(argv[1:])
    if argv and argv[0] == "_gate":
        return driver.gate(argv[1:])
    if argv and argv[0] == "_districts":
        return districts.drive(argv[1:])
    ap = argparse.ArgumentParser(
        prog="python -m p3md.bench",
        description="How fast is the pipeline, and where does the time go?",
    )
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one repeat of everything")
    ap.add_argument("--scales", default="10,100,1000")
    ap.add_argument("--setup", action="store_true", help="also time `make setup` in a fresh clone")
    ap.add_argument(
        "--only",
        default=",".join(DEFAULT_PARTS),
        help="comma list of: cold (cold, no-op and one-stage edit, without Quarto), quarto (the "
        "same with Quarto on PATH), naive, scale, districts, districts-quarto (districts without "
        "and with Quarto on PATH), tests (times make test-fast and make test: minutes, so only "
        f"when asked); default {','.join(DEFAULT_PARTS)}",
    )
    ap.add_argument("--districts", type=int, default=15, help="districts of the districts part")
    ap.add_argument("--districts-large", type=int, default=100, help="the larger run (0: none)")
    ap.add_argument(
        "--districts-quarto",
        type=int,
        default=13,
        help="districts of the districts-quarto part (run twice: without and with Quarto)",
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
    unknown = sorted(parts - set(PARTS) - {"none"})
    if unknown:
        ap.error(f"unknown part(s) {', '.join(unknown)} in --only: use {', '.join(PARTS)}")
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
            results.update(
                measures.measure_cold_noop_edit(
                    args.data.resolve(), repeats, tmp, env=driver.child_env(quarto=False)
                )
            )
        if "quarto" in parts:
            results["quarto"] = measures.measure_quarto_edit(args.data.resolve(), repeats, tmp)
        if "naive" in parts:
            results["naive"] = measures.measure_naive(args.data.resolve(), repeats, tmp)
        if "districts" in parts:

            def save(partial: dict[str, Any]) -> None:
                args.json.parent.mkdir(parents=True, exist_ok=True)
                doc = dict(results, districts=dict(partial, partial=True))
                args.json.write_text(json.dumps(doc, indent=2, default=str) + "\n")

            results["districts"] = districts.measure_districts(
                tmp, args.districts, args.districts_large or None, log=log, save=save
            )
        if "districts-quarto" in parts:
            results["districts_quarto"] = districts.measure_districts_quarto(
                tmp, args.districts_quarto, log=log
            )
        if "scale" in parts and scales:
            results["scale"] = measures.measure_scale(scales, repeats, tmp)
        if args.setup:
            log("make setup in a fresh clone ...")
            results["setup"] = measures.measure_setup(tmp)
        if "tests" in parts:
            results["tests"] = suite.measure_tests(log=log)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in load] if load else None
    results["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
    results["verdicts"] = verdicts(results)
    # What the site's benchmark page states with the verdicts (it reads only this JSON).
    results["nlogn_exponent"] = NLOGN_EXPONENT
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

    log(f"re-rendering {DEFAULT_OUT_DIR.name}/ so that the site shows these measurements ...")
    code = cli.main(["report"])
    manifest = DEFAULT_OUT_DIR / "manifest.json"
    if code == 0 and manifest.is_file():
        renderer = json.loads(manifest.read_text()).get("renderer") or "no renderer"
        page = DEFAULT_OUT_DIR / "site" / "pages" / "kinerja-komputasi.html"
        print(f"Site rendered with {renderer}; benchmark page: {page}")
    return code
