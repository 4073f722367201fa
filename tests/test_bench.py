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


# ---------------------------------------------------------------- with and without Quarto
def _fake_quarto(folder):
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "quarto"
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    return folder


def test_child_env_leaves_out_the_folders_holding_quarto(tmp_path, monkeypatch) -> None:
    from p3md.bench.driver import child_env

    qdir = _fake_quarto(tmp_path / "quarto" / "bin")
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("PATH", f"{qdir}:{other}")
    monkeypatch.setenv("P3MD_RENDERER", "quarto")
    without = child_env(quarto=False)
    assert without["PATH"] == str(other)
    assert "P3MD_RENDERER" not in without  # the run chooses as make report does
    with_ = child_env(quarto=True)
    assert with_["PATH"] == f"{qdir}:{other}" and "P3MD_RENDERER" not in with_


def test_quarto_parts_say_not_measured_without_quarto(tmp_path, monkeypatch) -> None:
    from p3md.bench.districts import measure_districts_quarto
    from p3md.bench.measures import measure_quarto_edit
    from p3md.bench.verdicts import NO_QUARTO, verdicts

    monkeypatch.setenv("PATH", str(tmp_path))  # no quarto; nothing may run either
    said: list[str] = []
    monkeypatch.setattr("p3md.bench.measures.log", said.append)
    q = measure_quarto_edit(tmp_path / "data", 1, tmp_path)
    d = measure_districts_quarto(tmp_path, 13, log=said.append)
    assert q == {"measured": False, "reason": NO_QUARTO}
    assert d == {"measured": False, "reason": NO_QUARTO, "n": 13}
    assert said == [f"quarto part: {NO_QUARTO}", f"districts-quarto part: {NO_QUARTO}"]
    assert NO_QUARTO == "not measured: quarto not on PATH"
    assert list(tmp_path.iterdir()) == []  # no data generated, no run folder
    v = verdicts({"quarto": q, "districts_quarto": d, "edit": {"wall": summarize([5.0])}})
    for key in ("quarto_edit_ratio", "quarto_districts_ratio"):
        assert v[key]["status"] == "N/A" and v[key]["reason"] == NO_QUARTO


def test_quarto_verdicts_are_ratios_against_the_same_without_quarto() -> None:
    from p3md.bench.verdicts import verdicts

    results = {
        "edit": {"wall": summarize([8.0, 10.0, 12.0])},
        "quarto": {"measured": True, "edit": {"wall": summarize([25.0, 30.0, 40.0])}},
        "districts_quarto": {"measured": True, "n": 3, "ratio": 1.75},
    }
    v = verdicts(results)
    assert v["quarto_edit_ratio"]["value"] == 3.0  # 30 / 10: at the target, reached
    assert v["quarto_edit_ratio"]["status"] == "PASS"
    assert v["quarto_districts_ratio"]["status"] == "MISS"
    assert v["quarto_districts_ratio"]["gap"] == 0.25
    assert v["quarto_districts_ratio"]["districts"] == 3
    # the quarto edit measured, the edit without Quarto not: no ratio, and why
    del results["edit"]
    v = verdicts(results)
    assert v["quarto_edit_ratio"]["status"] == "N/A"
    assert "without Quarto" in v["quarto_edit_ratio"]["reason"]
    # the part not asked for
    v = verdicts({})
    assert "not asked for" in v["quarto_edit_ratio"]["reason"]


def test_summary_names_why_a_quarto_part_was_not_measured(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "b.json"
    assert main(["--only", "quarto,districts-quarto", "--json", str(out), "--no-render"]) == 0
    text = capsys.readouterr().out
    assert "With Quarto on PATH: not measured: quarto not on PATH" in text
    assert "Districts with Quarto on PATH: not measured: quarto not on PATH" in text
    assert "N/A (not measured: quarto not on PATH)" in text
    doc = json.loads(out.read_text())
    assert doc["quarto"]["measured"] is False and doc["districts_quarto"]["measured"] is False


def test_unknown_part_is_refused(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--only", "cold,colds"])
    assert "unknown part(s) colds" in capsys.readouterr().err


# ---------------------------------------------------------------- the edit's per-stage report
def test_edit_check_reads_the_per_stage_report() -> None:
    from p3md.bench.measures import edit_check

    expected = ["reproduction", "instrument"]
    statuses = {
        "sampling": "skipped",
        "scoring": "skipped",
        "instrument": "ran",
        "reproduction": "ran",
        "wioi": "omitted",
    }
    c = edit_check(statuses, expected)
    assert c["ok"] and c["reran"] == ["instrument", "reproduction"]
    assert c["cached"] == ["sampling", "scoring"] and c["other"] == []
    # an upstream stage that reran too, a stage that failed, or no report at all: not ok
    assert not edit_check(statuses | {"scoring": "ran"}, expected)["ok"]
    failed = edit_check(statuses | {"sampling": "failed"}, expected)
    assert not failed["ok"] and failed["other"] == ["sampling"]
    assert not edit_check({}, [])["ok"]


def test_render_facts_need_a_pdf_in_every_run() -> None:
    from p3md.bench.measures import render_facts

    runs = [
        {"render_renderer": "smalldocs", "pdf": "pandoc-typst", "render_pdf_seconds": 3.0},
        {"render_renderer": "smalldocs", "pdf": "pandoc-typst", "render_pdf_seconds": 5.0},
    ]
    f = render_facts(runs)
    assert f["renderer"] == "smalldocs" and f["pdf"] == "pandoc-typst"
    assert f["pdf_seconds"]["median"] == 4.0
    assert render_facts([*runs, {"pdf": None}])["pdf"] is None


# ---------------------------------------------------------------- the test suite's times
def test_pytest_counts_from_the_closing_line() -> None:
    from p3md.bench.suite import pytest_counts

    quiet = "....\n3 failed, 550 passed, 4 skipped, 2 warnings in 590.12s (0:09:50)\n"
    assert pytest_counts(quiet) == {
        "failed": 3,
        "passed": 550,
        "skipped": 4,
        "warnings": 2,
        "pytest_seconds": 590.12,
    }
    framed = "== 1 error, 12 passed, 40 deselected in 7.50s ==\nmake: *** [test] Error 1\n"
    assert pytest_counts(framed) == {
        "errors": 1,
        "passed": 12,
        "deselected": 40,
        "pytest_seconds": 7.5,
    }
    assert pytest_counts("ImportError while loading conftest\n") == {}


def test_make_env_does_not_hand_bench_args_to_the_timed_target(monkeypatch) -> None:
    from p3md.bench.suite import make_env

    monkeypatch.setenv("MAKEFLAGS", " -- ARGS=--only\\ tests")
    monkeypatch.setenv("MAKELEVEL", "1")
    env = make_env()
    assert "MAKEFLAGS" not in env and "MAKELEVEL" not in env and "PATH" in env


def test_test_suite_verdicts() -> None:
    from p3md.bench.verdicts import NO_TESTS, verdicts

    v = verdicts({})
    assert v["test_fast"]["status"] == "N/A" and v["test_fast"]["reason"] == NO_TESTS
    v = verdicts(
        {
            "tests": {
                "test-fast": {"wall": 170.0, "exit_code": 0},
                "test": {"wall": 700.0, "exit_code": 1},
            }
        }
    )
    assert v["test_fast"]["status"] == "PASS" and v["test_fast"]["target"] == 180.0
    assert v["test"]["status"] == "MISS" and v["test"]["exit_code"] == 1
