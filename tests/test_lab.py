"""The stage notebooks run the way a student runs them in JupyterLab (`make lab`, Run All).

On a fresh clone after `make report`: the kernel starts in `notebooks/`, nothing is injected
(the parameters cell's defaults hold), and the notebook must run top to bottom, read what
earlier stages wrote from the last good run in `reports/`, write only into
`scratch/<notebook>/`, say so in its output, and leave `reports/` byte-identical.

The clone is a temporary folder holding the notebooks, a link to the project's `data/` and a
link to the session's pipeline run as its `reports/` (the run `make report` would have made).
The notebooks are executed with nbclient in a plain kernel (no papermill, no forked kernel),
two at a time: a hand run reads only `reports/`, never another hand run's scratch folder.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from p3md import PROJECT_ROOT
from p3md.pipeline.execute import KERNEL_NAME
from p3md.pipeline.products import missing_products
from p3md.pipeline.stages import STAGES
from pipeline_support import tree_digest

pytestmark = pytest.mark.e2e


def _run_like_jupyterlab(notebook: Path) -> nbformat.NotebookNode:
    """Run All in a fresh kernel started in the notebook's folder, with the stored defaults."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=600,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    client.execute()
    return nb


@pytest.fixture(scope="module")
def lab(pipeline_run, tmp_path_factory):
    clone = Path(tmp_path_factory.mktemp("clone"))
    (clone / "notebooks").mkdir()
    for stage in STAGES:
        shutil.copy2(stage.notebook, clone / "notebooks" / stage.notebook.name)
    (clone / "data").symlink_to(PROJECT_ROOT / "data", target_is_directory=True)
    (clone / "reports").symlink_to(pipeline_run.out_dir, target_is_directory=True)
    before = tree_digest(pipeline_run.out_dir)
    notebooks = [clone / "notebooks" / s.notebook.name for s in STAGES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        executed = list(pool.map(_run_like_jupyterlab, notebooks))
    runs = dict(zip([s.name for s in STAGES], executed, strict=True))
    return {"clone": clone, "runs": runs, "before": before, "reports": pipeline_run.out_dir}


def _text_outputs(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append(str(data.get("text/markdown", "")) + str(out.get("text", "")))
    return "\n".join(parts)


def test_every_stage_notebook_runs_from_notebooks_with_its_defaults(lab):
    # nbclient raises CellExecutionError (with the traceback) on the first failing cell, so
    # reaching this point means every notebook ran top to bottom; also check nothing errored.
    assert list(lab["runs"]) == [s.name for s in STAGES]
    for name, nb in lab["runs"].items():
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert errors == [], f"{name}: {errors}"


def test_a_hand_run_leaves_the_last_good_reports_byte_identical(lab):
    assert tree_digest(lab["reports"]) == lab["before"]


def test_a_hand_run_names_its_scratch_folder_and_writes_only_there(lab):
    clone = lab["clone"]
    assert sorted(p.name for p in (clone / "scratch").iterdir()) == sorted(
        s.notebook.stem for s in STAGES
    )
    for stage in STAGES:
        text = _text_outputs(lab["runs"][stage.name])
        assert f"`scratch/{stage.notebook.stem}/`" in text, stage.name
        assert "Dijalankan manual" in text
        assert ("run terakhir di `reports/`" in text) == bool(stage.upstream), stage.name
        scratch = clone / "scratch" / stage.notebook.stem
        written = {p.relative_to(scratch).as_posix() for p in scratch.rglob("*") if p.is_file()}
        # Every product the registry declares, as the pipeline would check it.
        written.add(stage.executed_notebook)
        assert missing_products(stage, written) == [], stage.name
        assert all(stage.owns(rel) for rel in written), stage.name
    # Nothing was written beside the notebooks or the scratch folders.
    assert sorted(p.name for p in clone.iterdir()) == ["data", "notebooks", "reports", "scratch"]
    assert sorted(p.name for p in (clone / "notebooks").iterdir()) == sorted(
        s.notebook.name for s in STAGES
    )


def test_a_hand_run_with_the_defaults_gives_the_pipelines_tables(lab):
    """The defaults of the parameters cell are the run's defaults, and a hand run reads the
    same inputs: every table and derived file equals the pipeline's byte for byte."""
    clone, reports = lab["clone"], lab["reports"]
    compared = 0
    for stage in STAGES:
        scratch = clone / "scratch" / stage.notebook.stem
        for path in sorted(scratch.rglob("*.csv")):
            rel = path.relative_to(scratch)
            assert path.read_bytes() == (reports / rel).read_bytes(), f"{stage.name}: {rel}"
            compared += 1
    assert compared >= len(STAGES)
