"""The jupytext pair is one source: the runner syncs .ipynb and .py before hashing."""

from __future__ import annotations

import json

import nbformat
import pytest

import p3md.pipeline.pairing as pairing
from p3md.pipeline.hashing import sha256_file
from p3md.pipeline.pairing import PairSyncError, input_key, sync_pairs
from pipeline_support import FIXTURES, edit_later, pair_with_script


@pytest.fixture
def pair(tmp_path):
    notebook = tmp_path / "fx_a.ipynb"
    notebook.write_bytes((FIXTURES / "fx_a.ipynb").read_bytes())
    return notebook, pair_with_script(notebook)


def _sources(notebook):
    return [c.source for c in nbformat.read(notebook, as_version=4).cells]


def test_an_edit_of_the_script_reaches_the_notebook_without_outputs(pair):
    notebook, script = pair
    edit_later(script, "import pathlib\n", "import pathlib  # edited in the script\n")
    lines: list[str] = []
    pairs = sync_pairs([notebook], {}, lines.append)
    assert pairs[notebook].updated == notebook
    assert any("import pathlib  # edited in the script" in s for s in _sources(notebook))
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert lines == ["fx_a.ipynb updated from fx_a.py (jupytext pair: the newer file wins)"]
    assert pairs[notebook].notebook_sha == sha256_file(notebook)


def test_an_edit_of_the_notebook_reaches_the_script(pair):
    notebook, script = pair
    edit_later(notebook, "import pathlib", "import pathlib  # edited in Jupyter")
    pairs = sync_pairs([notebook], {})
    assert pairs[notebook].updated == script
    assert "import pathlib  # edited in Jupyter\n" in script.read_text(encoding="utf-8")
    assert pairs[notebook].script_sha == sha256_file(script)


def test_a_pair_in_sync_is_left_byte_identical(pair):
    notebook, script = pair
    before = (notebook.read_bytes(), script.read_bytes())
    pairs = sync_pairs([notebook], {})
    assert pairs[notebook].updated is None
    assert (notebook.read_bytes(), script.read_bytes()) == before


def test_a_pair_recorded_by_the_last_run_is_not_opened_with_jupytext(pair, monkeypatch):
    notebook, script = pair
    recorded = {input_key(notebook): sha256_file(notebook), input_key(script): sha256_file(script)}
    calls: list[object] = []
    monkeypatch.setattr(pairing, "_jupytext_sync", lambda *a: calls.append(a))
    pairs = sync_pairs([notebook], recorded)
    assert calls == [] and pairs[notebook].notebook_sha == recorded[input_key(notebook)]
    # One changed file is enough to sync.
    edit_later(script, "import pathlib\n", "import pathlib  # edited\n")
    sync_pairs([notebook], recorded)
    assert calls == [(notebook, script)]


def test_a_notebook_without_a_script_is_not_a_pair(tmp_path):
    notebook = tmp_path / "fx_b.ipynb"
    notebook.write_bytes((FIXTURES / "fx_b.ipynb").read_bytes())
    assert sync_pairs([notebook], {}) == {}


def test_an_unsyncable_pair_names_both_files_and_the_command(pair):
    notebook, script = pair
    edit_later(script, "#   jupytext:\n", "#   jupytext: [unclosed\n")
    with pytest.raises(PairSyncError) as err:
        sync_pairs([notebook], {})
    message = str(err.value)
    assert str(script) in message and str(notebook) in message
    assert f"jupytext --sync {script}" in message
    assert json.loads(notebook.read_text(encoding="utf-8"))["cells"]  # left readable
