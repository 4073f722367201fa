"""The recipe of ARCHITECTURE.md ("Adding a stage"), followed in a copy of the project: a
notebook (a jupytext percent script) and one entry in ``stages.yaml``, nothing else. The stage
runs, its table passes the gates, the cache keeps it, and its chapter is in the site's book
and in the PDF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from p3md import PROJECT_ROOT

pytestmark = pytest.mark.e2e

NOTEBOOK = '''\
# %% [markdown]
# # Tahap contoh: desa per status
#
# Tahap contoh dari resep "Adding a stage" (data rekonstruksi). Hasilnya pada @tbl-contoh-status.

# %% tags=["parameters"]
data_dir = "data/raw"  # folder data mentah
out_dir = None  # folder hasil; None: dijalankan manual
lang = "id"  # bahasa

# %%
#| label: tbl-contoh-status
#| tbl-cap: "Jumlah desa menurut status (tahap contoh)"
import pandas as pd

from p3md.paths import resolve, stage_folders
from p3md.reporting import save_table

run = stage_folders("contoh", out_dir)
frame = pd.read_csv(resolve(data_dir) / "village_frame.csv")
counts = frame.groupby("status").size().reset_index(name="n")
counts["persen"] = 100 * counts["n"] / counts["n"].sum()
save_table(counts, "tbl-contoh-status", out_dir=run.write, lang=lang)
'''

ENTRY = """
  - name: contoh
    notebook: notebooks/10_contoh.py
    title: "Tahap contoh"
    runs: [single]
    inputs: [village_frame]
    products:
      tables: [tbl-contoh-status]
    chapter: hasil
"""

#: What the copy needs: the package, the notebooks, the data, the book's sources, the registry.
COPIED = ("src", "notebooks", "data", "pages", "_quarto.yml", "stages.yaml", "references.bib",
          "apa.csl", "pyproject.toml")  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("new-stage") / "project"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "derived", "districts", ".ipynb_checkpoints")
    for name in COPIED:
        src = PROJECT_ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, root / name)
    # The recipe: two files.
    (root / "notebooks" / "10_contoh.py").write_text(NOTEBOOK, encoding="utf-8")
    with open(root / "stages.yaml", "a", encoding="utf-8") as fh:
        fh.write(ENTRY)
    return root


def _report(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    # The copy's package, not the installed one: its PROJECT_ROOT is the copy.
    env = dict(os.environ, PYTHONPATH=str(project / "src"), P3MD_RENDERER="smalldocs")
    return subprocess.run(
        [sys.executable, "-m", "p3md", "report", "--only", "contoh", "--no-derived", *extra],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_a_stage_added_in_two_files_runs_is_gated_cached_and_in_the_book(project):
    first = _report(project)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "contoh ... ran in" in first.stdout
    reports = project / "reports"
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    stage = next(s for s in manifest["stages"] if s["name"] == "contoh")
    assert stage["status"] == "ran" and stage["cache_key"]
    assert {"tables/tbl-contoh-status.csv", "notebooks/10_contoh.ipynb"} <= set(stage["outputs"])
    # Its gates: the raw file it reads, and its table.
    checked = {(g["kind"], g["file"]) for g in stage["gates"]}
    assert ("input", "village_frame.csv") in checked
    assert ("output", "tables/tbl-contoh-status.csv") in checked
    assert all(g["success"] for g in stage["gates"])
    # The caption was typed once, in the cell; the table's sidecar has it.
    sidecar = json.loads((reports / "tables" / "tbl-contoh-status.json").read_text("utf-8"))
    assert sidecar["caption"] == "Jumlah desa menurut status (tahap contoh)"

    # Its chapter: generated into the run folder's book, in its part, and rendered.
    book = (reports / "_quarto.yml").read_text(encoding="utf-8")
    assert "notebooks/10_contoh.ipynb" in book
    assert "notebooks/10_contoh" not in (project / "_quarto.yml").read_text(encoding="utf-8")
    page = reports / "site" / "notebooks" / "10_contoh.html"
    assert page.is_file()
    html = page.read_text(encoding="utf-8")
    assert "Tahap contoh: desa per status" in html and "Berkembang" in html
    assert "10_contoh.html" in (reports / "site" / "index.html").read_text(encoding="utf-8")
    pdf = reports / manifest["pdf"]["path"]
    from pypdf import PdfReader

    text = " ".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages)
    assert "Tahap contoh: desa per status" in " ".join(text.split())

    # Its cache entry: nothing changed, it does not rerun.
    again = _report(project)
    assert again.returncode == 0, again.stderr
    assert "contoh ... skipped (unchanged)" in again.stdout
    assert "sampling ... not run (not selected, no earlier output)" in again.stdout
    status = subprocess.run(
        [sys.executable, "-m", "p3md", "status"],
        cwd=project,
        env=dict(os.environ, PYTHONPATH=str(project / "src")),
        capture_output=True,
        text=True,
    )
    line = next(x for x in status.stdout.splitlines() if x.startswith("contoh"))
    assert line.split()[1:] == ["up", "to", "date"], status.stdout
