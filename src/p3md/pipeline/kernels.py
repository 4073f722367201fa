"""How stage kernels start: forked from a process that has already imported the stage code.

Every stage runs in a fresh Jupyter kernel, so no state leaks from one notebook into the next.
Started the usual way (``python -m ipykernel_launcher``), each kernel spends 2-5 s of CPU on
start-up and on importing pandas, scipy, pingouin and seaborn before it computes anything;
with eight stages on two cores that was most of a cold run (measured in ``make bench``).

:class:`ForkServer` pays those imports once. It starts a helper process that imports
ipykernel and every module the stage notebooks import (found by reading their import
statements, :func:`notebook_imports`), then forks one child per kernel. A child is still a
fresh kernel: a new process with its own namespace, which only finds its imports already done.
``jupyter_client``'s own extension point, the kernel provisioner, does the launching, so
papermill and nbclient drive the kernel exactly as before
(:class:`ForkingKernelManager` + :class:`ForkProvisioner`).

Why own code: neither jupyter_client, ipykernel nor papermill ships a pre-forking launcher,
and the known third-party ones are unmaintained. The server is small and falls back to the
normal launcher wherever fork is not safe (:func:`fork_supported`: not on Windows or macOS,
and never when ``P3MD_KERNEL_START=spawn``).

What a forked kernel shares with its siblings: the imported modules' import-time state. Python
re-seeds :mod:`random` in a forked child; numpy's legacy global generator is *not* re-seeded,
which only matters to unseeded code (the stages use seeded generators). The matplotlib backend
is the same as a spawned kernel's: the server sets ``MPLBACKEND`` to the inline backend before
matplotlib is imported, as ipykernel would, and leaves the backend module itself to be loaded
in the kernel (it hooks into the running shell when it is loaded).
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from queue import Empty
from typing import Any, NoReturn

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

#: Environment variable that chooses how kernels start: ``fork`` (default where supported) or
#: ``spawn`` (jupyter_client's normal launcher).
START_METHOD_ENV = "P3MD_KERNEL_START"
#: Imported by the server before any notebook's imports: the kernel itself.
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "IPython.display")
#: Never imported in the server: loading them must happen inside the running kernel.
NOT_PRELOADED = ("matplotlib_inline",)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def fork_supported() -> bool:
    """Fork where it is safe: Linux (macOS system frameworks are not fork-safe)."""
    if os.environ.get(START_METHOD_ENV, "fork").strip().lower() == "spawn":
        return False
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def notebook_imports(notebooks: Iterable[Path]) -> list[str]:
    """Module names the notebooks' code cells import (``from a import b`` gives ``a`` and
    ``a.b``, which the server tries as a module), in first-seen order."""
    seen: dict[str, None] = {}
    for nb_path in notebooks:
        try:
            nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            try:
                tree = ast.parse(src)
            except SyntaxError:  # IPython magics; a notebook that does not parse is skipped
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        seen.setdefault(alias.name, None)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    seen.setdefault(node.module, None)
                    for alias in node.names:
                        seen.setdefault(f"{node.module}.{alias.name}", None)
    return [m for m in seen if not m.startswith(NOT_PRELOADED)]


# --------------------------------------------------------------------------------------------
# the server process
# --------------------------------------------------------------------------------------------
def _preload(modules: Sequence[str]) -> list[str]:
    """Import what can be imported; ``from a import name`` entries that are not modules fail
    quietly (they are attributes). Returns the modules that were imported."""
    done = []
    for name in modules:
        try:
            importlib.import_module(name)
            done.append(name)
        except Exception:  # an attribute, not a module, or a module the kernel will report
            continue
    return done


def _become_kernel(request: dict[str, Any], protocol_fd: int) -> None:
    """In the forked child: take the kernel's environment and run ipykernel; never returns."""
    code = 1
    try:
        os.close(protocol_fd)
        os.setsid()  # its own process group, as jupyter_client's launcher gives a kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own children
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        # As for `python -m ipykernel_launcher`: the working directory leads sys.path.
        sys.path[0] = os.getcwd()
        argv = list(request["argv"])
        args = _kernel_args(argv)
        # ipykernel reads JPY_PARENT_PID into a class default when it is imported, which
        # happened in the server; hand this kernel's value over explicitly.
        if os.environ.get("JPY_PARENT_PID"):
            args.append(f"--IPKernelApp.parent_handle={int(os.environ['JPY_PARENT_PID'])}")
        sys.argv = [argv[0], *args]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _kernel_args(argv: Sequence[str]) -> list[str]:
    """The kernel's own arguments from its launch command (after ``-m ipykernel_launcher``)."""
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg == "-m" and i + 1 < len(argv):
            return argv[i + 2 :]
    return argv[1:]


def serve(preload: Sequence[str]) -> NoReturn:
    """The server's main loop: one JSON request per line on stdin, one reply per line out.

    Requests: ``{"argv": [...], "env": {...}, "cwd": "..."}``; reply ``{"pid": N}``. End of
    input (the pipeline finished or died) ends the server; its kernels notice that their
    parent is gone (ipykernel's parent poller) and exit too.
    """
    # The protocol gets a private copy of stdout; fd 1 becomes stderr so that whatever a
    # library or a kernel prints can never corrupt a reply.
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    reply = os.fdopen(protocol_fd, "w", buffering=1)
    # Children are reaped by the kernel (no zombies); their exit is seen by polling the pid.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    t0 = time.perf_counter()
    done = _preload([*KERNEL_MODULES, *preload])
    reply.write(
        json.dumps({"ready": True, "preloaded": len(done), "seconds": time.perf_counter() - t0})
        + "\n"
    )
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_kernel(request, protocol_fd)
        reply.write(json.dumps({"pid": pid}) + "\n")
    # End of input: leave at once. The server holds no file and its kernels are gone; the
    # interpreter's own teardown of the preloaded libraries (pandas, scipy, matplotlib) kept
    # the pipeline waiting for up to 3 s after its last stage (ForkServer.close).
    reply.flush()
    os._exit(0)


# --------------------------------------------------------------------------------------------
# the pipeline's side
# --------------------------------------------------------------------------------------------
class ForkServerError(RuntimeError):
    """The fork server could not start a kernel."""


class ForkServer:
    """A running server process; :meth:`spawn` returns the pid of a new kernel process."""

    def __init__(self, preload: Sequence[str], python: str = sys.executable) -> None:
        self.preload = list(preload)
        self._lock = threading.Lock()
        self._ready: dict[str, Any] | None = None
        self.proc = subprocess.Popen(
            [python, "-m", "p3md.pipeline.kernels", *self.preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise ForkServerError(
                f"the kernel fork server exited (code {self.proc.poll()}); "
                f"set {START_METHOD_ENV}=spawn to start kernels the usual way"
            )
        return json.loads(line)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self) -> dict[str, Any]:
        with self._lock:
            if self._ready is None:
                self._ready = self._read()
            return self._ready

    def spawn(self, argv: Sequence[str], env: dict[str, str], cwd: str) -> int:
        self.wait_ready()
        with self._lock:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps({"argv": list(argv), "env": env, "cwd": cwd}))
                self.proc.stdin.write("\n")
                self.proc.stdin.flush()
            except BrokenPipeError as exc:
                raise ForkServerError("the kernel fork server is gone") from exc
            return int(self._read()["pid"])

    def close(self) -> None:
        """End the server (its kernels were shut down by their clients already)."""
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ForkedProcess:
    """The part of :class:`subprocess.Popen` that jupyter_client uses, for a forked kernel.

    The kernel is the server's child, not ours, so it cannot be waited for; it is alive while
    its pid exists (the server reaps it at once when it exits, so its exit code is lost: 0).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # the pid was reused by another user's process
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """jupyter_client's local provisioner, launching through a :class:`ForkServer`."""

    server: ForkServer | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        if self.server is None:
            raise ForkServerError("ForkProvisioner has no fork server")
        env = dict(kwargs.get("env") or os.environ)
        if not kwargs.get("independent"):
            # As jupyter_client's launcher does: the kernel watches the pipeline's process.
            env["JPY_PARENT_PID"] = str(os.getpid())
        cwd = str(kwargs.get("cwd") or Path.cwd())
        pid = self.server.spawn(cmd, env, cwd)
        self.process = ForkedProcess(pid)
        self.pid = pid
        self.pgid = pid  # the child called setsid(): its pid is its process group
        self.cwd = cwd
        return self.connection_info


#: Seconds between checks that a kernel asked to shut down has exited.
SHUTDOWN_POLL = 0.01
#: Seconds to wait for the kernel's idle status on IOPub before asking again (a SUB socket that
#: has just connected misses what was published before its subscription reached the kernel).
IOPUB_WAIT = 0.1


class ReadyClient(AsyncKernelClient):  # type: ignore[misc]
    """jupyter_client's async client, ready as soon as the kernel has answered.

    Why own code: jupyter_client's ``wait_for_ready`` (8.x) ends by reading IOPub until 0.2 s
    pass with no message, a fixed 0.2 s of every stage's start (about 40% of it with a forked
    kernel; ``make bench``). Here the handshake is the same (``kernel_info`` on the shell
    channel, which proves the kernel answers, and a message on IOPub, which proves it is
    connected), and IOPub is read until the kernel's ``idle`` status for that request: the
    last message the kernel sends for it, so nothing of the handshake is left for the
    notebook's first cell (nbclient also ignores any message whose parent is not its own).
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            request = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                if await self._idle_after(request, IOPUB_WAIT):
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _idle_after(self, request: str, wait: float) -> bool:
        """Read IOPub until the kernel's ``idle`` status for ``request`` (True), or until
        ``wait`` seconds pass without it (False: IOPub is not connected yet; ask again)."""
        end = time.monotonic() + wait
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            parent = msg.get("parent_header", {}).get("msg_id")
            if parent == request and msg["content"].get("execution_state") == "idle":
                return True
        return False

    wait_for_ready = _async_wait_for_ready


class QuietKernelManager(AsyncKernelManager):  # type: ignore[misc]
    """jupyter_client's async kernel manager talking to its kernel over IPC sockets on POSIX.

    Over TCP without CurveZMQ keys, ipykernel (>= 7) logs "Kernel is running over TCP without
    encryption" on every start, which is a real concern on a shared machine: any local user
    could connect to the kernel's ports. Unix-domain sockets in the user's private runtime
    folder (mode 0700) are not reachable by others, and the warning's cause is gone rather
    than silenced. Windows has no IPC transport in ZeroMQ: TCP stays there.
    """

    @default("client_factory")
    def _client_factory_default(self) -> type[ReadyClient]:
        return ReadyClient

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc" if os.name == "posix" else "tcp"

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client polls a kernel that was asked to shut down every 0.1 s; a stage's
        # kernel is gone a few ms after its reply, so the first sleep was most of the 0.11 s
        # each stage's shutdown took (``make bench``)
        await super()._async_wait(pollinterval=min(pollinterval, SHUTDOWN_POLL))

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts every kernel before shutting it down. A stage's kernel is
        # shut down after its last cell, so the SIGINT can only race with the kernel's last
        # messages, and ipykernel then logs "ERROR | KeyboardInterrupt caught in kernel" on
        # the terminal. Interrupts asked for while the kernel runs (nbclient's timeout) stay.
        if getattr(self, "shutting_down", False):
            return
        await super()._async_interrupt_kernel()

    @default("ip")
    def _ip_default(self) -> str:
        if self.transport == "ipc":
            # jupyter_client falls back to "kernel-ipc" in the working directory (the run
            # folder) when the connection file is not yet named: keep sockets beside it.
            from jupyter_core.paths import jupyter_runtime_dir

            if not self.connection_file:
                runtime = Path(jupyter_runtime_dir())
                runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
                self.connection_file = str(runtime / f"kernel-{uuid.uuid4()}.json")
            return os.path.splitext(self.connection_file)[0] + "-ipc"
        return super()._ip_default()


class ForkingKernelManager(QuietKernelManager):
    """An async kernel manager whose kernels come from :attr:`server` (set by
    :func:`kernel_manager_class`); everything else is jupyter_client's."""

    server: ForkServer | None = None

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
            provisioner.server = self.server
            self.provisioner = provisioner
        return await super()._async_pre_start_kernel(**kw)


def kernel_manager_class(server: ForkServer) -> type[ForkingKernelManager]:
    """A kernel manager class bound to ``server`` (nbclient takes a class, not an instance)."""
    return type("BoundForkingKernelManager", (ForkingKernelManager,), {"server": server})


if __name__ == "__main__":
    serve(sys.argv[1:])
