"""Runner tests on tiny fixture notebooks and an injected three-stage registry.

Registry: alpha (reads village_frame) -> beta (reads alpha's derived CSV); gamma independent.
Kernel start-up dominates the time, so runs are shared where the test allows it.
"""

from __future__ import annotations

import json
import time

import pytest

import p3md.pipeline.runner as runner_mod
from p3md.pipeline import atomic
from p3md.pipeline.hashing import sha256_file
from p3md.pipeline.params import make_params
from p3md.pipeline.runner import run_pipeline
from pipeline_support import (
    copy_notebooks,
    csv_reader,
    registry,
    tree_digest,
    write_data,
)


@pytest.fixture
def project(tmp_path, kernel_server):
    nb = copy_notebooks(tmp_path / "notebooks")
    frames = write_data(tmp_path / "data")
    out = tmp_path / "site-root" / "reports"
    params = make_params(
        data_dir=tmp_path / "data", out_dir=out, published_path=tmp_path / "published.yaml"
    )
    return {
        "root": tmp_path,
        "nb": nb,
        "data": tmp_path / "data",
        "out": out,
        "params": params,
        "frames": frames,
        "kernel_server": kernel_server,
    }


def run(project, stages=None, lines=None, **kw):
    echo = lines.append if lines is not None else (lambda s: None)
    return run_pipeline(
        project["params"],
        stages=stages or registry(project["nb"]),
        renderer=kw.pop("renderer", None),
        reader=csv_reader,
        project_root=project["root"],
        echo=echo,
        kernel_server=kw.pop("kernel_server", project["kernel_server"]),
        **kw,
    )


def statuses(result):
    return {s.name: s.status for s in result.stages}


def test_cache_skip_edit_input_and_force(project):
    lines: list[str] = []
    first = run(project, lines=lines)
    assert first.success and first.exit_code == 0, first.message
    assert statuses(first) == {"alpha": "ran", "gamma": "ran", "beta": "ran"}
    assert any(line.startswith("[1/3] alpha ... ran in ") and line.endswith(" s") for line in lines)
    # fx_a's parameters cell says seed = 1; the run injects its own seed, and says so.
    assert any(
        line.startswith("warning: notebooks/fx_a.ipynb sets seed = 1 in its parameters cell")
        and 'ARGS="--set seed=1"' in line
        for line in lines
    ), lines

    # Second run: nothing changed, everything skipped, outputs carried over.
    lines.clear()
    second = run(project, lines=lines)
    assert statuses(second) == {"alpha": "skipped", "gamma": "skipped", "beta": "skipped"}
    assert "[3/3] beta ... skipped (unchanged)" in lines
    assert (project["out"] / "tables" / "tbl-fx-b.csv").is_file()
    assert (project["out"] / "derived" / "fx_scored.csv").is_file()
    assert (project["out"] / "gates" / "alpha__village_frame.csv.json").is_file()

    # Editing one notebook reruns it and its downstream only.
    nb_a = project["nb"] / "fx_a.ipynb"
    doc = json.loads(nb_a.read_text())
    doc["cells"][1]["source"] += "\n# edited"
    nb_a.write_text(json.dumps(doc))
    third = run(project)
    assert statuses(third) == {"alpha": "ran", "gamma": "skipped", "beta": "ran"}
    assert third.manifest["changes_since_last_good_run"]["changed"] == ["notebooks/fx_a.ipynb"]

    # Editing the downstream notebook reruns only it.
    nb_b = project["nb"] / "fx_b.ipynb"
    doc = json.loads(nb_b.read_text())
    doc["cells"][1]["source"] += "\n# edited"
    nb_b.write_text(json.dumps(doc))
    assert statuses(run(project)) == {"alpha": "skipped", "gamma": "skipped", "beta": "ran"}

    # Changing a raw input file reruns the stage reading it (and nothing else).
    sat = project["data"] / "wioi_satisfaction.csv"
    sat.write_text(sat.read_text().replace("S004,after,2", "S004,after,3"))
    fourth = run(project)
    assert statuses(fourth) == {"alpha": "skipped", "gamma": "ran", "beta": "skipped"}

    # A changed parameter reruns everything; --force reruns everything too.
    forced = run(project, force=True)
    assert set(statuses(forced).values()) == {"ran"}


def test_a_run_never_writes_to_its_notebooks(project):
    """A stage notebook is a source: a run hashes and executes it and writes only into the run
    folder. Nothing in ``notebooks/`` is created, rewritten or touched (no pair to sync, no
    modification time that decides anything), and an edit is seen by its content."""
    import nbformat

    def state(folder):
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}

    before = state(project["nb"])
    assert run(project).success
    assert state(project["nb"]) == before

    nb_a = project["nb"] / "fx_a.ipynb"
    doc = nbformat.read(nb_a, as_version=4)
    doc.cells[-1].source += "\nedited = 'notebook'"
    nbformat.write(doc, nb_a)
    edited = state(project["nb"])
    second = run(project)
    assert statuses(second) == {"alpha": "ran", "gamma": "skipped", "beta": "ran"}
    assert second.manifest["changes_since_last_good_run"]["changed"] == ["notebooks/fx_a.ipynb"]
    assert state(project["nb"]) == edited


def test_failing_input_gate_stops_pipeline_and_keeps_reports(project):
    assert run(project).success
    before = tree_digest(project["out"])
    # An unknown status in village_frame: alpha's input gate fails, beta must not run.
    vf = project["data"] / "village_frame.csv"
    text = vf.read_text().splitlines()
    text[3] = text[3].replace("Mandiri", "Sangat Maju")
    vf.write_text("\n".join(text) + "\n")
    result = run(project, force=True)
    assert not result.success and result.exit_code == 1
    st = statuses(result)
    assert st["alpha"] == "failed"
    assert st["beta"] in ("pending",)  # downstream never started
    msg = result.message
    assert "Stage alpha" in msg and "village_frame.csv" in msg and "'status'" in msg
    assert "row 4" in msg and "Sangat Maju" in msg and "Rule:" in msg and "Fix:" in msg
    # reports/ is byte-identical, the failure is kept for inspection with failures.json.
    assert tree_digest(project["out"]) == before
    failures = json.loads((result.failed_dir / "gates" / "failures.json").read_text())
    item = failures["failures"][0]
    assert item["stage"] == "alpha" and item["column"] == "status" and item["rows"] == [4]
    assert item["values"] == ["Sangat Maju"]


def test_failing_output_gate_and_stage_error(project):
    stages = registry(project["nb"], b="fx_bad_output")
    result = run(project, stages=stages)
    assert result.exit_code == 1 and statuses(result)["beta"] == "failed"
    # Both failed expectations of the table are reported together.
    assert "'p_val'" in result.message and "'rho'" in result.message
    assert "row 3" in result.message and "1.7" in result.message
    assert not project["out"].exists()  # never a half-built reports/

    stages = registry(project["nb"], a="fx_raise")
    result = run(project, stages=stages)
    assert result.exit_code == 1
    assert statuses(result)["alpha"] == "failed" and statuses(result)["beta"] == "pending"
    assert "deliberate failure" in result.message and "Stage alpha" in result.message


class FakeRenderer:
    """A renderer for the runner: records where it was asked to render, writes an index that
    says how many times it rendered."""

    renderer = "fake-renderer"

    def __init__(self) -> None:
        self.calls: list = []
        self.__name__ = "fake_render"

    def __call__(self, project_dir, out_dir):
        self.calls.append(out_dir)
        out_dir.mkdir(parents=True)
        (out_dir / "index.html").write_text(f"<html>{len(self.calls)}</html>")
        return self


def test_manifest_completeness(project):
    fake_render = FakeRenderer()
    calls = fake_render.calls

    lines: list[str] = []
    result = run(project, renderer=fake_render, lines=lines)
    assert result.success and result.renderer == "fake-renderer"
    assert calls and f"{atomic.WORK_DIR}/staging-" in str(
        calls[0]
    )  # rendered into staging, then swapped
    assert (
        lines[-1] == f"Site: {project['out'] / 'site' / 'index.html'} (rendered with fake-renderer)"
    )
    m = json.loads((project["out"] / "manifest.json").read_text())
    for key in (
        "schema",
        "success",
        "started",
        "finished",
        "inputs",
        "parameters",
        "versions",
        "git",
        "stages",
        "gates",
        "renderer",
        "changes_since_last_good_run",
    ):
        assert key in m, key
    for pkg in (
        "python",
        "pandas",
        "numpy",
        "scipy",
        "pingouin",
        "statsmodels",
        "scikit_posthocs",
        "seaborn",
        "matplotlib",
        "papermill",
        "great_expectations",
        "smalldocs",
    ):
        assert pkg in m["versions"], pkg
    assert {"commit", "dirty"} <= set(m["git"])
    for path in project["data"].iterdir():
        assert m["inputs"][f"raw/{path.name}"] == sha256_file(path)
    assert m["inputs"]["codebook/codebook.yaml"] == sha256_file(project["params"].codebook_path)
    for nb in ("fx_a", "fx_b", "fx_c"):
        assert m["inputs"][f"notebooks/{nb}.ipynb"] == sha256_file(project["nb"] / f"{nb}.ipynb")
    assert m["parameters"]["alpha_correlation"] == 0.10 and m["renderer"] == "fake-renderer"
    for stage in m["stages"]:
        assert stage["status"] == "ran" and stage["seconds"] > 0 and len(stage["cache_key"]) == 64
    assert all("success" in g and "checks" in g for g in m["gates"])
    gate_files = {g["stage"] + "__" + g["file"] for g in m["gates"]}
    assert "alpha__village_frame.csv" in gate_files


def test_unchanged_run_leaves_reports_untouched_and_bench_file_is_carried(project):
    fake_render = FakeRenderer()
    calls = fake_render.calls

    assert run(project, renderer=fake_render).success and len(calls) == 1
    before = tree_digest(project["out"])
    lines: list[str] = []
    again = run(project, renderer=fake_render, lines=lines)
    assert again.success and again.message == "ok (unchanged)" and len(calls) == 1
    assert set(statuses(again).values()) == {"skipped"}
    assert again.site_index == project["out"] / "site" / "index.html"
    assert tree_digest(project["out"]) == before  # not one byte rewritten, manifest included
    assert not atomic.staging_dirs(project["out"])
    assert any(line.startswith("Nothing changed since the run of") for line in lines)

    # The benchmark's file is no stage's output: it is carried into the next runs, and a new
    # one re-renders the site (its page is built from it) without rerunning any stage.
    (project["out"] / "bench.json").write_text('{"schema": 1}')
    third = run(project, renderer=fake_render)
    assert third.success and len(calls) == 2 and set(statuses(third).values()) == {"skipped"}
    assert (project["out"] / "bench.json").read_text() == '{"schema": 1}'
    assert (project["out"] / "site" / "index.html").read_text() == "<html>2</html>"
    fourth = run(project, renderer=fake_render, force=True)
    assert fourth.success and (project["out"] / "bench.json").is_file()

    # Without a renderer the site would be dropped: that is a change, not an unchanged run.
    assert run(project).message == "ok"


def test_gate_results_are_reused_only_for_the_same_content_and_rules(project):
    assert run(project).success

    def gates_of(result, stage):
        return {g["file"]: g for g in result.manifest["gates"] if g["stage"] == stage}

    # An edit that leaves alpha's tables byte-identical: alpha reruns, its input and output
    # gates are the last run's results (a gate is a pure function of content and rules).
    nb_a = project["nb"] / "fx_a.ipynb"
    doc = json.loads(nb_a.read_text())
    doc["cells"][1]["source"] = "".join(doc["cells"][1]["source"]) + "\n# a comment only"
    nb_a.write_text(json.dumps(doc))
    second = run(project)
    assert statuses(second)["alpha"] == "ran"
    reused = gates_of(second, "alpha")
    assert reused and all(g["cached"] and g["seconds"] == 0 for g in reused.values())
    assert all(
        len(g["input_sha256"]) == 64 and len(g["rules_sha256"]) == 64 for g in reused.values()
    )
    for g in reused.values():
        assert (project["out"] / g["json"]).is_file()  # the full record travels with the run

    # Different table content: the output gate runs again on it.
    doc["cells"][1]["source"] = doc["cells"][1]["source"].replace('"X1"', '"X9"', 1)
    nb_a.write_text(json.dumps(doc))
    third = run(project)
    fresh = gates_of(third, "alpha")
    changed = [g for f, g in fresh.items() if f.endswith(".csv") and g["kind"] == "output"]
    assert changed and not any(g["cached"] for g in changed)
    assert fresh["village_frame.csv"]["cached"]  # the raw file did not change

    # A raw file changed: every raw gate runs again (foreign keys read the other files).
    vf = project["data"] / "village_frame.csv"
    vf.write_text(vf.read_text() + "\n")
    fourth = run(project)
    assert not gates_of(fourth, "alpha")["village_frame.csv"]["cached"]
    # --force never reuses a gate.
    forced = run(project, force=True)
    assert not any(g["cached"] for g in forced.manifest["gates"])


def test_only_runs_selected_and_keeps_others(project):
    assert run(project).success
    nb_c = project["nb"] / "fx_c.ipynb"
    doc = json.loads(nb_c.read_text())
    doc["cells"][1]["source"] += "\n# edited"
    nb_c.write_text(json.dumps(doc))
    result = run(project, only="beta")
    assert statuses(result) == {"alpha": "skipped", "beta": "skipped", "gamma": "kept"}
    assert (project["out"] / "tables" / "tbl-fx-c.csv").is_file()


def test_refuses_out_dir_inside_data(project):
    params = make_params(data_dir=project["data"], out_dir=project["data"] / "reports")
    with pytest.raises(runner_mod.PipelineSafetyError, match="data folder"):
        run_pipeline(params, stages=registry(project["nb"]), renderer=None, reader=csv_reader)


def test_stale_staging_of_dead_process_is_removed(project):
    parent = atomic.work_dir(project["out"])
    stale = parent / f"{atomic.STAGING_PREFIX}{project['out'].name}-999999"
    stale.mkdir()
    (stale / ".p3md-owner.json").write_text(json.dumps({"pid": 999999, "started": time.time()}))
    assert run(project).success
    assert not stale.exists()


def test_disk_full_while_rendering_is_one_message_and_keeps_the_last_good_report(project):
    """A system error (ENOSPC from the renderer, as a full disk gives) ends the run with a
    SystemFailure naming the step, the file, the room a run needs and what is free; the staging
    folder is gone and the last good report is byte-identical."""
    import errno
    import os

    from p3md.pipeline.system_errors import SystemFailure

    def fake_site(project_dir, site_dir, **kw):
        site_dir.mkdir(parents=True, exist_ok=True)
        (site_dir / "index.html").write_text("<html></html>")

    assert run(project, renderer=fake_site).success
    before = tree_digest(project["out"])
    target = project["out"].parent / "x" / "search.json"

    def full_disk(project_dir, site_dir, **kw):
        (site_dir / "partial.html").parent.mkdir(parents=True, exist_ok=True)
        (site_dir / "partial.html").write_text("x" * 1000)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    with pytest.raises(SystemFailure) as info:
        run(project, renderer=full_disk, force=True)
    text = str(info.value)
    assert text.startswith("the disk is full (No space left on device) while rendering the site")
    assert f"writing {target}" in text
    assert "The run had written 0.0 MB when it stopped" in text  # 1000 bytes
    assert "needed more room than the" in text and f"free in {project['out'].parent}" in text
    assert "unchanged" in text
    assert "Traceback" not in text and "\n" in text
    assert tree_digest(project["out"]) == before
    assert not atomic.staging_dirs(project["out"])


def test_cli_prints_a_system_failure_without_traceback(monkeypatch, capsys, tmp_path):
    from p3md import cli
    from p3md.pipeline import runner as runner_module
    from p3md.pipeline.system_errors import SystemFailure

    def boom(*args, **kwargs):
        raise SystemFailure(
            "the disk is full (No space left on device) while writing the manifest."
        )

    monkeypatch.setattr(runner_module, "run_pipeline", boom)
    (tmp_path / "data").mkdir()
    code = cli.main(["report", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: the disk is full") and "Traceback" not in err
