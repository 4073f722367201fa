"""Kernels forked from a preloaded server: fresh, isolated, in the right folder, and the same
results as kernels started the usual way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from p3md.pipeline.execute import execute_stage
from p3md.pipeline.kernels import (
    START_METHOD_ENV,
    ForkedProcess,
    ForkServer,
    fork_supported,
    notebook_imports,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")

PROBE = """
import os, sys
import p3md.stats.sampling
state = {
    "pid": os.getpid(),
    "ppid": os.getppid(),
    "cwd": os.getcwd(),
    "env": os.environ.get("P3MD_PROBE"),
    "leak_seen": "leak" in globals(),
    "preloaded": "pingouin" in sys.modules,
}
leak = 1
print(state)
"""


def write_notebook(path: Path, *sources: str) -> Path:
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "p3md", "display_name": "p3md", "language": "python"}
    nbformat.write(nb, path)
    return path


def probe_state(executed: Path) -> dict:
    nb = nbformat.read(executed, as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    return eval(text.strip())  # the probe prints a dict literal of plain values


def test_notebook_imports_reads_import_statements(tmp_path):
    nb = write_notebook(
        tmp_path / "a.ipynb",
        "import pandas as pd\nfrom p3md.stats import sampling, published as pub",
        "%matplotlib inline",  # magics do not parse: the cell is skipped, not an error
        "from matplotlib_inline import backend_inline\nimport scipy.stats",
        "from . import relative",
    )
    mods = notebook_imports([nb, tmp_path / "missing.ipynb"])
    assert mods == [
        "pandas",
        "p3md.stats",
        "p3md.stats.sampling",
        "p3md.stats.published",
        "scipy.stats",
    ]


def test_start_method_follows_the_environment(monkeypatch):
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    assert not fork_supported()
    monkeypatch.setenv(START_METHOD_ENV, "fork")
    assert fork_supported() == hasattr(os, "fork")


def test_forked_kernels_are_fresh_isolated_and_placed(tmp_path, monkeypatch):
    monkeypatch.setenv("P3MD_PROBE", "from-the-pipeline")
    nb = write_notebook(tmp_path / "probe.ipynb", PROBE)
    workdir = tmp_path / "work"
    workdir.mkdir()
    with ForkServer(["p3md.stats.sampling", "pingouin"]) as server:
        ready = server.wait_ready()
        assert ready["ready"] and ready["preloaded"] >= 2
        states = []
        for i in range(2):
            out = tmp_path / f"run{i}.ipynb"
            execute_stage("probe", nb, out, {}, workdir, kernel_server=server)
            states.append(probe_state(out))
        server_pid = server.proc.pid
    first, second = states
    for st in states:
        assert st["ppid"] == server_pid  # forked by the server, not spawned by us
        assert st["cwd"] == str(workdir)
        assert st["env"] == "from-the-pipeline"
        assert st["preloaded"]  # the server's import is there without the notebook's
        assert not st["leak_seen"]  # a fresh namespace: nothing from the previous kernel
    assert first["pid"] != second["pid"]


def test_same_results_forked_or_spawned(tmp_path, monkeypatch):
    nb = write_notebook(
        tmp_path / "calc.ipynb",
        "import pandas as pd\nfrom p3md.stats.sampling import slovin",
        "print(slovin(144, 0.1), pd.Series([3, 1, 2]).rank().tolist())",
    )
    texts = []
    with ForkServer(notebook_imports([nb])) as server:
        execute_stage("calc", nb, tmp_path / "forked.ipynb", {}, tmp_path, kernel_server=server)
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    execute_stage("calc", nb, tmp_path / "spawned.ipynb", {}, tmp_path)
    for name in ("forked", "spawned"):
        doc = json.loads((tmp_path / f"{name}.ipynb").read_text())
        texts.append([o for c in doc["cells"] for o in c.get("outputs", [])])
    assert texts[0] == texts[1] and texts[0]


def test_a_dead_server_falls_back_to_the_usual_launcher(tmp_path):
    nb = write_notebook(tmp_path / "probe.ipynb", PROBE)
    server = ForkServer([])
    server.close()
    assert not server.alive()
    execute_stage("probe", nb, tmp_path / "out.ipynb", {}, tmp_path, kernel_server=server)
    assert probe_state(tmp_path / "out.ipynb")["ppid"] == os.getpid()


def test_forked_process_handle_sees_exit_and_kills(tmp_path):
    env = dict(os.environ)
    with ForkServer([]) as server:
        # `--help-all` makes the forked kernel print its help and exit at once.
        done = ForkedProcess(
            server.spawn(["python", "-m", "ipykernel_launcher", "--help-all"], env, "/")
        )
        assert done.wait(timeout=60) == 0 and done.poll() == 0
        done.kill()  # signalling a process that is gone is not an error
        # A real kernel runs until killed.
        conn = tmp_path / "kernel.json"
        argv = ["python", "-m", "ipykernel_launcher", "-f", str(conn)]
        kernel = ForkedProcess(server.spawn(argv, env, str(tmp_path)))
        time.sleep(0.5)
        assert kernel.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            kernel.wait(timeout=0.2)
        assert os.getpgid(kernel.pid) == kernel.pid  # its own process group, as jupyter expects
        kernel.kill()
        assert kernel.wait(timeout=30) == 0


def test_ready_client_leaves_nothing_of_the_handshake_on_iopub():
    """The kernel is ready once it has answered kernel_info and published its idle status for
    that request, the last message it sends for it: nothing is left on IOPub for the first
    cell, and that cell's outputs arrive whole (kernels.ReadyClient)."""
    import asyncio

    from p3md.pipeline.kernels import ReadyClient, kernel_manager_class

    async def start_and_run() -> tuple[bool, list[str]]:
        with ForkServer([]) as server:
            km = kernel_manager_class(server)(kernel_name="python3")
            await km.start_kernel()
            kc = km.client()
            assert isinstance(kc, ReadyClient)
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=60)
                leftover = await kc.iopub_channel.msg_ready()
                msg_id = kc.execute("print('satu'); print('dua')")
                texts: list[str] = []
                while True:
                    msg = await kc.iopub_channel.get_msg(timeout=30)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "stream":
                        texts.append(msg["content"]["text"])
                    if msg["content"].get("execution_state") == "idle":
                        break
            finally:
                kc.stop_channels()
                await km.shutdown_kernel()
            assert not await km.is_alive()
            return leftover, texts

    leftover, texts = asyncio.run(start_and_run())
    assert not leftover
    assert "".join(texts) == "satu\ndua\n"
