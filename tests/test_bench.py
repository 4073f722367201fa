"""Fast unit tests of the benchmark's helpers (no timed assertions), and of the cache contract
the benchmark relies on: editing an input makes its stage (and only its downstream) rerun."""

from __future__ import annotations

import json
import math

import pytest

from p3md.bench.cli import main, render_report
from p3md.bench.driver import notebook_breakdown
from p3md.bench.verdicts import growth_exponent, summarize, verdict, worse_than_nlogn


def test_summarize_median_and_spread() -> None:
    s = summarize([3.0, 1.0, 2.0, 10.0])
    assert s["n"] == 4
    assert s["median"] == 2.5
    assert s["min"] == 1.0 and s["max"] == 10.0
    assert s["q1"] <= s["median"] <= s["q3"]


def test_summarize_single_and_empty() -> None:
    assert summarize([4.2]) == {"n": 1, "median": 4.2, "min": 4.2, "max": 4.2, "q1": 4.2, "q3": 4.2}
    assert summarize([None, float("nan")])["median"] is None


@pytest.mark.parametrize("b", [0.0, 1.0, 2.0])
def test_growth_exponent_recovers_power_law(b: float) -> None:
    ns = [10, 100, 1000, 10000]
    ts = [0.5 * n**b for n in ns]
    g = growth_exponent(ns, ts)
    assert g["exponent"] == pytest.approx(b, abs=1e-3)
    assert g["r2"] == pytest.approx(1.0, abs=1e-6)


def test_growth_exponent_nlogn_is_not_flagged_but_quadratic_is() -> None:
    ns = [440, 4400, 44000]
    nlogn = growth_exponent(ns, [n * math.log(n) * 1e-6 for n in ns])["exponent"]
    quad = growth_exponent(ns, [n * n * 1e-9 for n in ns])["exponent"]
    assert 1.0 < nlogn < 1.15
    assert not worse_than_nlogn(nlogn)
    assert worse_than_nlogn(quad)


def test_growth_exponent_degenerate() -> None:
    assert growth_exponent([10], [1.0])["exponent"] is None
    assert growth_exponent([10, 10], [1.0, 2.0])["exponent"] is None
    assert growth_exponent([10, 100, 1000], [0.0, 1.0, 10.0])["exponent"] == pytest.approx(1.0)


def test_verdict() -> None:
    assert verdict(12.0, 20.0)["status"] == "PASS"
    v = verdict(25.0, 20.0)
    assert v["status"] == "MISS" and v["gap"] == 5.0
    assert verdict(None, 1.0)["status"] == "N/A"


def _cell(src: str, duration: float, tags: list[str] | None = None) -> dict:
    return {
        "cell_type": "code",
        "source": src,
        "metadata": {"tags": tags or [], "papermill": {"duration": duration}},
    }


def test_notebook_breakdown_splits_startup_imports_compute() -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "# t", "metadata": {}},
            _cell("x = 1", 0.1, ["parameters"]),
            _cell("x = 2", 0.1, ["injected-parameters"]),
            _cell("from pathlib import Path\nimport pandas as pd", 3.0),
            _cell("df = pd.DataFrame()", 1.5),
            _cell("import math  # a later import is computation", 0.5),
        ]
    }
    b = notebook_breakdown(nb, stage_wall=7.0)
    assert b["imports"] == 3.0
    assert b["computation"] == pytest.approx(2.2)
    assert b["kernel_startup"] == pytest.approx(1.8)
    assert b["wall"] == 7.0


# ---------------------------------------------------------------- the end of main(): re-render
@pytest.fixture
def fake_report(tmp_path, monkeypatch):
    """``reports/`` in tmp_path and a recording stand-in for ``python -m p3md report``."""
    import p3md.cli
    import p3md.pipeline.params

    reports = tmp_path / "reports"
    reports.mkdir()
    calls: list[list[str]] = []

    def fake_main(argv):
        calls.append(list(argv))
        (reports / "manifest.json").write_text(json.dumps({"renderer": "smalldocs"}))
        return 0

    monkeypatch.setattr(p3md.pipeline.params, "DEFAULT_OUT_DIR", reports)
    monkeypatch.setattr(p3md.cli, "main", fake_main)
    return reports, calls


def test_bench_json_in_reports_rerenders_the_report(fake_report, capsys) -> None:
    reports, calls = fake_report
    assert main(["--only", "none", "--json", str(reports / "bench.json")]) == 0
    assert calls == [["report"]]
    out = capsys.readouterr().out
    assert "Site rendered with smalldocs" in out and "kinerja-komputasi.html" in out
    assert json.loads((reports / "bench.json").read_text())["verdicts"]["cold"]["status"] == "N/A"


def test_no_render_or_json_elsewhere_only_writes(fake_report, tmp_path) -> None:
    reports, calls = fake_report
    assert main(["--only", "none", "--json", str(reports / "bench.json"), "--no-render"]) == 0
    assert main(["--only", "none", "--json", str(tmp_path / "b.json")]) == 0
    assert render_report(tmp_path / "elsewhere" / "bench.json") == 0
    assert calls == []
    assert (reports / "bench.json").is_file() and (tmp_path / "b.json").is_file()


def test_process_kind_tells_forked_kernels_from_their_server():
    from p3md.bench.probe import process_kind

    server = "/venv/bin/python -m p3md.pipeline.kernels pandas p3md.stats"
    runner = "/venv/bin/python -m p3md.bench _run --data d --out o"
    assert process_kind(runner, "make", True) == "runner"
    assert process_kind(server, runner, False) == "kernel-server"
    assert process_kind(server, server, False) == "kernel"  # forked: the server's command line
    assert process_kind("python -m ipykernel_launcher -f k.json", runner, False) == "kernel"
    assert process_kind("git status", runner, False) == "other"


def test_process_memory_is_pss_where_available():
    import os

    import psutil

    from p3md.bench.probe import process_memory

    me = psutil.Process(os.getpid())
    mem = process_memory(me)
    full = me.memory_full_info()
    assert 0 < mem <= me.memory_info().rss * 1.05
    if hasattr(full, "pss"):
        assert abs(mem - full.pss) <= 0.2 * full.pss  # sampled a moment apart
