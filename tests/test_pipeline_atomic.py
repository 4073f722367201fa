"""A run killed with SIGKILL mid-stage leaves ``reports/`` intact; the next run cleans up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from p3md.pipeline import atomic
from pipeline_support import FIXTURES, tree_digest

SCRIPT = """
import sys
from pathlib import Path
import p3md.pipeline.stages as st
from p3md.pipeline.stages import Stage
st.STAGES = (
    Stage("sleepy", Path({nb!r}), "Sleepy", tables=("tbl-fx-sleep",), files=("started.flag",)),
)
from p3md.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def report_argv(notebook: str, data: Path, out: Path, *extra: str) -> list[str]:
    """The real CLI (`p3md report`) with a one-stage registry of ``notebook``, no site."""
    script = SCRIPT.format(nb=str(FIXTURES / notebook))
    return [
        sys.executable, "-c", script, "report", "--data", str(data), "--out", str(out),
        "--no-site", "--no-derived", *extra,
    ]  # fmt: skip


def cli(tmp_path: Path, sleep: float, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, P3MD_FIXTURE_SLEEP=str(sleep))
    return subprocess.Popen(
        report_argv(
            "fx_sleep.ipynb",
            tmp_path / "data",
            tmp_path / "out" / "reports",
            "--set",
            f"published_path={tmp_path / 'published.yaml'}",
            *extra,
        ),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_mid_stage_leaves_reports_and_next_run_succeeds(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "readme.txt").write_text("no raw files needed by the fixture stage")
    first = cli(tmp_path, 0)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert "[1/1] sleepy ... ran in" in out
    reports = tmp_path / "out" / "reports"
    before = tree_digest(reports)

    victim = cli(tmp_path, 120, "--force")
    kernels: list[psutil.Process] = []
    try:
        deadline = time.time() + 240
        while not list((tmp_path / "out" / atomic.WORK_DIR).glob("staging-*/started.flag")):
            assert victim.poll() is None, victim.communicate()
            assert time.time() < deadline, "the fixture stage never started"
            time.sleep(0.2)
        kernels = psutil.Process(victim.pid).children(recursive=True)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        for proc in kernels:  # the orphaned kernel of the killed run (started by this test)
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
    assert victim.returncode == -signal.SIGKILL
    assert tree_digest(reports) == before
    assert atomic.staging_dirs(reports)  # left behind by the dead run

    # The next run needs no manual cleanup.
    again = cli(tmp_path, 0, "--force")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert "Removed stale staging folder" in out
    assert not atomic.staging_dirs(reports)
    assert (reports / "tables" / "tbl-fx-sleep.csv").is_file()


def test_cli_gate_failure_exit_1_message_on_stderr(tmp_path):
    """The real CLI path with a fixture stage whose notebook raises: exit 1, message on stderr."""
    (tmp_path / "data").mkdir()
    proc = subprocess.run(
        report_argv("fx_raise.ipynb", tmp_path / "data", tmp_path / "reports"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    assert "[1/1] sleepy ... FAILED" in proc.stdout
    assert "Stage sleepy failed" in proc.stderr and "deliberate failure" in proc.stderr
    assert "failures.json" in proc.stderr and not (tmp_path / "reports").exists()
