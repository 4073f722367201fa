"""Leftovers and leaks (issue 19, Deliver 6): a lost worker's staging folder, machine paths in
the published notebooks."""

from __future__ import annotations

import json
import re

from p3md import PROJECT_ROOT
from p3md.site.postprocess import publish_notebooks
from p3md.site.render import _public_paths


def test_a_lost_workers_staging_folder_is_swept(tmp_path):
    """Deliver 6: a district whose worker died leaves no staging folder once the run ends; a
    live run's staging is left alone."""
    import json
    import os
    import subprocess
    import sys

    import psutil

    from p3md.pipeline import atomic
    from p3md.pipeline.districts import sweep_stale

    districts = tmp_path / "reports" / "districts"
    (districts / "kab-a").mkdir(parents=True)
    work = atomic.work_dir(districts / "kab-a")
    dead = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    started = psutil.Process(dead.pid).create_time()
    dead.wait()
    lost = work / f"staging-kab-a-{dead.pid}"
    (lost / "notebooks").mkdir(parents=True)
    (lost / atomic.OWNER_FILE).write_text(json.dumps({"pid": dead.pid, "started": started}))
    me = psutil.Process()
    live = work / f"staging-kab-b-{os.getpid()}"
    live.mkdir()
    (live / atomic.OWNER_FILE).write_text(json.dumps({"pid": me.pid, "started": me.create_time()}))
    lines: list[str] = []
    removed = sweep_stale(districts, ["kab-a", "kab-b"], lines.append)
    assert removed == [lost] and not lost.exists() and live.is_dir()
    assert lines == [f"Removed the staging folder {lost.name} of a lost worker (district kab-a)"]


def test_published_notebooks_hold_no_machine_path(tmp_path):
    """DATA and the codebook outside the project, a stage executed in a staging folder of an
    earlier run (a skipped stage): the published notebook shows relative paths only."""
    data = tmp_path / "elsewhere" / "data"
    data.mkdir(parents=True)
    run = tmp_path / "out" / "reports"
    (run / "notebooks").mkdir(parents=True)
    old_staging = tmp_path / "out" / ".p3md-work" / "staging-reports-4242"
    (run / "manifest.json").write_text(
        json.dumps(
            {
                "parameters": {
                    "data_dir": str(data),
                    "out_dir": str(run),
                    "codebook_path": str(tmp_path / "elsewhere" / "codebook.yaml"),
                    "published_path": str(PROJECT_ROOT / "data" / "published.yaml"),
                }
            }
        )
    )
    cell = (
        f'data_dir = "{data}"\\n'
        f'out_dir = "{old_staging}"\\n'
        f'codebook_path = "{tmp_path / "elsewhere" / "codebook.yaml"}"\\n'
        f'published_path = "{PROJECT_ROOT / "data" / "published.yaml"}"\\n'
        f"read {data / 'design.yaml'} and {old_staging / 'notebooks' / '01_sampling.ipynb'}"
    )
    nb = {"cells": [{"cell_type": "code", "source": [cell], "outputs": []}]}
    (run / "notebooks" / "01_sampling.ipynb").write_text(json.dumps(nb))
    site = run / "site"
    (site / "notebooks").mkdir(parents=True)
    [out] = publish_notebooks(site, run, _public_paths(PROJECT_ROOT, run))
    text = out.read_text()
    assert str(tmp_path) not in text and str(PROJECT_ROOT) not in text
    assert not re.search(r'"/|\\s/(tmp|work|root|home)/', text)
    assert 'data_dir = \\"data\\"' in text and 'out_dir = \\"reports\\"' in text
    assert 'codebook_path = \\"codebook.yaml\\"' in text
    assert 'published_path = \\"data/published.yaml\\"' in text
    assert "read data/design.yaml and reports/notebooks/01_sampling.ipynb" in text


def test_staging_paths_are_found_whole_and_only_as_paths():
    """The staging folders a notebook names, each from its token's first '/' (also after an
    image's base64 text, which has '/' and no whitespace)."""
    from p3md.site.render import staging_paths

    image = '"image/png": "iVBOR/w0KGgo/AAAA' + "Qx/9" * 5000 + '",'
    text = (
        f"{image}\\n"
        '"out_dir = \\"/tmp/r/.p3md-work/staging-scoring-12\\"\\n",'
        " read /tmp/r/.p3md-work/staging-audit-7/notebooks/08_audit.ipynb and"
        " x/.p3md-work/staging-wioi-3 '/a b/.p3md-work/staging-y-4'"
    )
    assert staging_paths(text) == [
        "/tmp/r/.p3md-work/staging-scoring-12",
        "/tmp/r/.p3md-work/staging-audit-7",
    ]  # a folder name with no '/' before it in its token, or after a space, is no path
    assert staging_paths(image) == []
