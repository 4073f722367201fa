"""Precise cache keys: a stage's key covers the ``p3md`` modules its notebook imports, found
statically, so an edit reruns only the stages that use the edited code (and what depends on
them); ``p3md status`` says which stages are out of date and why.

The plan is computed against a copy of the package (the real sources are never edited): the
stages' keys and reasons before and after an edit of the copy.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import p3md
from p3md import PROJECT_ROOT
from p3md.pipeline import code_deps
from p3md.pipeline.code_deps import ModuleGraph, notebook_imports, stage_code
from p3md.pipeline.inputs import take_snapshot
from p3md.pipeline.params import make_params
from p3md.pipeline.plan import RUN, SKIP, make_plan
from p3md.pipeline.stages import STAGES, default_registry, downstream_closure

SRC = Path(p3md.__file__).resolve().parent


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of the ``p3md`` sources that the plan reads as the package."""
    copy = tmp_path / "p3md"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(code_deps, "package_root", lambda: copy)
    return copy


def _plan(previous=None):
    params = make_params(out_dir=PROJECT_ROOT / "reports-not-used")
    snap = take_snapshot(params, STAGES, previous, lambda _: None)
    present = {s.name: True for s in STAGES}
    return make_plan(STAGES, snap, previous, outputs_present=present), snap


def _as_previous(plan, snap):
    """The manifest a successful run of ``plan`` would leave (every stage ran)."""
    return {
        "stages": [
            {"name": p.stage.name, "status": "ran", "cache_key": p.key, "key_parts": p.parts}
            for p in plan.stages
        ],
        "code": snap.code_record,
    }


def _touch(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")


def test_an_edit_reruns_only_the_stages_that_import_the_code(package):
    first, snap = _plan()
    assert {p.action for p in first.stages} == {RUN}
    previous = _as_previous(first, snap)
    again, _ = _plan(previous)
    assert {p.action for p in again.stages} == {SKIP}

    # The site, the command line and the benchmark are no stage's code.
    for rel in ("site/pages.py", "site/render.py", "cli.py", "bench/verdicts.py"):
        _touch(package / rel)
    assert {p.action for p in _plan(previous)[0].stages} == {SKIP}

    # stats/hypothesis.py: the stages whose notebooks import it, and what depends on them.
    _touch(package / "stats" / "hypothesis.py")
    plan, _ = _plan(previous)
    users = {s.name for s in STAGES if "stats/hypothesis.py" in snap.code[s.name]}
    assert users == {"hypotheses"}  # read from the notebooks' imports, not listed by hand
    rerun = {p.stage.name for p in plan.stages if p.action == RUN}
    assert rerun == downstream_closure(STAGES, sorted(users)) == {"hypotheses", "reproduction"}
    assert plan["hypotheses"].why == ["code stats/hypothesis.py changed"]
    assert plan["reproduction"].why == ["upstream hypotheses changed"]
    assert plan["sampling"].action == SKIP


def test_a_module_imported_only_through_another_counts():
    """``notebook -> p3md.reporting.views -> ...`` is followed through the package, and a
    package's ``__init__`` is part of what importing a module of it runs."""
    graph = ModuleGraph()
    hyp = default_registry().for_run("single")[4]
    assert hyp.name == "hypotheses"
    direct = notebook_imports(hyp.notebook, graph)
    assert "p3md.stats.hypothesis" in direct
    code = stage_code(hyp.notebook, graph)
    assert {"__init__.py", "stats/__init__.py", "stats/hypothesis.py"} <= set(code)
    assert not [rel for rel in code if rel.startswith(("site/", "bench/")) or rel == "cli.py"]
    # stats.hypothesis imports stats._checks: reached without the notebook naming it.
    assert "stats/_checks.py" in code and "p3md.stats._checks" not in direct


def test_notebook_imports_read_magics_relative_imports_and_a_broken_cell(tmp_path):
    graph = ModuleGraph()
    nb = tmp_path / "x.py"
    nb.write_text(
        "# %%\n%matplotlib inline\nfrom p3md.reporting import text, save_table\n"
        "import p3md.stats.sampling as s\n",
        encoding="utf-8",
    )
    assert notebook_imports(nb, graph) == {
        "p3md.reporting",
        "p3md.reporting.text",
        "p3md.stats.sampling",
    }
    nb.write_text("# %%\nfrom p3md import (\n", encoding="utf-8")
    assert notebook_imports(nb, graph) == {code_deps.EVERYTHING}
    assert "cli.py" in stage_code(nb, graph)  # a cell that does not parse: the whole package
    # A relative import inside the package resolves against the module's package.
    assert "p3md.stats.pvalues" in graph.imports_of("p3md.stats.hypothesis")


def test_status_lists_the_stages_out_of_date_and_why(tmp_path):
    out = tmp_path / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "p3md", "status", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("sampling") and "out of date: no earlier run" in lines[0]
    assert lines[-1].startswith(f"8 of 8 stages out of date in {out}")
    assert not out.exists()  # status runs and writes nothing


def test_the_stage_graph_draws_inputs_stages_and_upstream_edges():
    from p3md.pipeline.status import StageStatus, mermaid

    stages = default_registry().for_run("single")
    states = [StageStatus("hypotheses", "out of date", ["code stats/hypothesis.py changed"]),
              StageStatus("wioi", "left out", ["no wioi_tests"])]  # fmt: skip
    text = mermaid(stages, states)
    assert text.startswith("flowchart LR\n")
    assert "  scoring --> hypotheses" in text and "  in_published --> reproduction" in text
    assert "  in_wioi_tests -.-> scoring" in text  # an optional input: dotted
    assert "  class hypotheses stale" in text and "  class wioi gone" in text
    edges = sum(len(s.upstream) for s in stages)
    assert sum(1 for line in text.splitlines() if "-->" in line and "in_" not in line) == edges
