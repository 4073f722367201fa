"""Notebook paths resolve against the project root, and a hand run never writes into reports/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from p3md import PROJECT_ROOT
from p3md.paths import project_root, resolve, stage_folders
from p3md.reporting.text import hand_run_notice


def _project(root: Path, *, run: bool) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "data" / "codebook.yaml").write_text("{}\n", encoding="utf-8")
    (root / "notebooks").mkdir()
    if run:
        (root / "reports").mkdir()
        manifest = {"schema": 1, "finished": "2026-01-02T03:04:05+00:00"}
        (root / "reports" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def test_relative_paths_resolve_against_the_project_root_from_notebooks(tmp_path, monkeypatch):
    root = _project(tmp_path / "clone", run=False)
    monkeypatch.chdir(root / "notebooks")  # where JupyterLab starts the kernel
    assert project_root() == root.resolve()
    assert resolve("data/codebook.yaml") == root.resolve() / "data" / "codebook.yaml"
    monkeypatch.chdir(root)
    assert resolve("data/raw") == root.resolve() / "data" / "raw"


def test_outside_any_project_the_package_checkout_is_the_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert project_root() == PROJECT_ROOT
    assert resolve("data/codebook.yaml").is_file()


def test_absolute_and_home_paths_pass_unchanged(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve(tmp_path / "x.yaml") == tmp_path / "x.yaml"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve("~/data") == tmp_path / "data"


def test_injected_out_dir_is_read_and_written(tmp_path):
    folders = stage_folders("instrument", str(tmp_path / "staging"))
    assert folders.read == folders.write == tmp_path / "staging"
    assert not folders.by_hand
    assert not (tmp_path / "staging").exists()  # the pipeline makes its own folder


def test_hand_run_reads_the_last_run_and_writes_to_an_emptied_scratch_folder(tmp_path):
    root = _project(tmp_path / "clone", run=True)
    stale = root / "scratch" / "03_instrument" / "tables" / "old.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("a\n1\n", encoding="utf-8")
    before = sorted(p.name for p in (root / "reports").iterdir())
    folders = stage_folders("instrument", None, root=root)
    assert folders.by_hand and folders.reads_upstream
    assert folders.read == root / "reports"
    assert folders.write == root / "scratch" / "03_instrument"
    assert folders.write.is_dir() and not stale.exists()
    assert folders.read_run_finished == "2026-01-02T03:04:05+00:00"
    assert sorted(p.name for p in (root / "reports").iterdir()) == before


def test_hand_run_of_a_downstream_stage_without_a_run_says_make_report(tmp_path):
    root = _project(tmp_path / "clone", run=False)
    with pytest.raises(FileNotFoundError, match=r"make report") as err:
        stage_folders("hypotheses", None, root=root)
    assert "scoring" in str(err.value) and str(root / "reports") in str(err.value)
    assert not (root / "scratch").exists()


def test_hand_run_of_a_first_stage_needs_no_run(tmp_path):
    root = _project(tmp_path / "clone", run=False)
    folders = stage_folders("sampling", None, root=root)
    assert folders.write == root / "scratch" / "01_sampling"
    assert not folders.reads_upstream and folders.read_run_finished is None


def test_unknown_stage_is_refused(tmp_path):
    root = _project(tmp_path / "clone", run=True)
    with pytest.raises(ValueError, match="unknown stage 'instrumen'"):
        stage_folders("instrumen", None, root=root)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_hand_run_notice_names_the_scratch_folder_and_the_run_read(tmp_path, lang):
    root = _project(tmp_path / "clone", run=True)
    notice = hand_run_notice(stage_folders("reproduction", None, root=root), lang)
    assert "`scratch/07_reproduction/`" in notice
    assert "`reports/`" in notice and "2026-01-02T03:04:05+00:00" in notice
    assert "make report" in notice
    first = hand_run_notice(stage_folders("audit", None, root=root), lang)
    assert "`scratch/08_audit/`" in first and "2026-01-02" not in first
