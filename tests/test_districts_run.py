"""Multi-district runs on a Dask cluster started here as separate processes (``dask scheduler``,
two ``dask worker``), as a user's cluster would be: three districts through ``--scheduler``; a
broken file in one district fails that district alone; unchanged districts are skipped, and a
rerun with nothing changed never imports Dask.

One sequence shares one cluster and one cold run (a district is tens of seconds on two cores).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

DASK = str(Path(sys.executable).parent / "dask")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers on 127.0.0.1, free ports; its address."""
    folder = Path(tmp_path_factory.mktemp("cluster"))
    info = folder / "scheduler.json"
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    common = {"cwd": folder, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [
        subprocess.Popen(
            [
                DASK,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(info),
            ],
            start_new_session=True,
            **common,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not info.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert info.is_file(), "the scheduler did not start"
        address = json.loads(info.read_text())["address"]
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        DASK,
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        "--name",
                        f"w{len(procs)}",
                    ],
                    start_new_session=True,
                    **common,
                )
            )
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _report(data: Path, out: Path, *extra: str, env: dict[str, str] | None = None):
    cmd = [sys.executable, "-m", "p3md", "report", "--data", str(data), "--out", str(out)]
    cmd += ["--no-site", "--no-derived", *extra]
    return subprocess.run(
        cmd, capture_output=True, text=True, env=env or dict(os.environ), timeout=900, check=False
    )


def _index(out: Path) -> dict[str, dict]:
    doc = json.loads((out / "districts" / "districts.json").read_text(encoding="utf-8"))
    return {d["slug"]: d for d in doc["districts"]}


def test_districts_on_a_separate_cluster_fail_alone_and_skip_when_unchanged(
    cluster, districts_data, tmp_path
):
    data = tmp_path / "data"
    shutil.copytree(districts_data, data)
    out = tmp_path / "reports"
    slugs = ["lampung-barat", "lampung-selatan", "lampung-tengah"]

    # 1. Three districts as tasks of the separately started cluster.
    first = _report(data, out, "--scheduler", cluster)
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"Dask: 2 workers (scheduler {cluster})" in first.stdout
    assert "[3/3 districts] " in first.stdout
    index = _index(out)
    assert sorted(index) == slugs and all(d["status"] == "ok" for d in index.values())
    for slug in slugs:
        manifest = json.loads((out / "districts" / slug / "manifest.json").read_text())
        assert [s["status"] for s in manifest["stages"]] == ["ran"] * 5
        assert (out / "districts" / slug / "derived" / "facilitators_scored.csv").is_file()
    assert (out / "notebooks" / "06_wioi.ipynb").is_file()  # the top-level stages ran once
    assert not (out / "notebooks" / "01_sampling.ipynb").exists()
    kept = {s: (out / "districts" / s / "manifest.json").read_bytes() for s in slugs}

    # 2. A broken file in one district: that district fails, named, with the gate's message;
    # the two others are unchanged and skipped (never sent to the cluster).
    broken = data / "lampung-selatan" / "facilitators.csv"
    original = broken.read_text(encoding="utf-8")
    lines = original.splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("role")] = "Kepala Dusun"
    broken.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    second = _report(data, out, "--scheduler", cluster)
    assert second.returncode == 1
    assert "2/3 districts unchanged (skipped)" in second.stdout
    assert "[3/3 districts (1 failed)] Kabupaten Lampung Selatan ... FAILED" in second.stdout
    assert "Kabupaten Lampung Selatan (lampung-selatan)" in second.stderr
    assert "facilitators.csv" in second.stderr and "role" in second.stderr
    index = _index(out)
    assert index["lampung-selatan"]["status"] == "failed"
    assert "facilitators.csv" in index["lampung-selatan"]["message"]
    assert [index[s]["status"] for s in ("lampung-barat", "lampung-tengah")] == ["ok", "ok"]
    for slug in slugs:  # every district's last good report is intact, the failed one's too
        assert (out / "districts" / slug / "manifest.json").read_bytes() == kept[slug]

    # 3. The file repaired: every district is as in its last good run, so none is sent to any
    # cluster (none is started); only the synthesis reruns, the set of good districts changed.
    broken.write_text(original, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    third = _report(data, out, env=env)
    assert third.returncode == 0, third.stderr[-3000:]
    assert "3/3 districts unchanged (skipped)" in third.stdout
    assert "Dask:" not in third.stdout
    assert "synthesis ... ran" in third.stdout
    assert all(d["status"] == "ok" for d in _index(out).values())
    for slug in slugs:
        assert (out / "districts" / slug / "manifest.json").read_bytes() == kept[slug]

    # 4. Nothing changed at all: Dask is not even imported.
    probe = (
        "import sys; from p3md.cli import main; rc = main(sys.argv[1:]); "
        "assert 'dask' not in sys.modules and 'distributed' not in sys.modules, 'dask imported'; "
        "raise SystemExit(rc)"
    )
    fourth = subprocess.run(
        [sys.executable, "-c", probe, "report", "--data", str(data), "--out", str(out),
         "--no-site", "--no-derived"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert fourth.returncode == 0, fourth.stderr[-3000:]
    assert "3/3 districts unchanged (skipped)" in fourth.stdout
    assert "Nothing changed since the run of" in fourth.stdout
