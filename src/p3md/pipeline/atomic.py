"""The run folder's life cycle: a lock, a staging folder, an atomic swap, stale clean-up.

A run builds everything in ``<out_parent>/.p3md-staging-<pid>`` and replaces ``reports/`` only
at the very end, so a failed, interrupted (Ctrl-C) or killed (SIGKILL) run never leaves a
half-written ``reports/``. The swap uses Linux ``renameat2(RENAME_EXCHANGE)``, which exchanges
the two folders in one system call; where it is unavailable, two renames are used and an
interrupted swap is repaired by the next run (``.p3md-old-<pid>`` is put back).

Stale staging folders are recognised by their owner file (pid + process start time): if that
process no longer exists (or the pid was reused by another process) the folder is removed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

STAGING_PREFIX = ".p3md-staging-"
OLD_PREFIX = ".p3md-old-"
FAILED_NAME = ".p3md-failed"
OWNER_FILE = ".p3md-owner.json"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class RunLockedError(RuntimeError):
    """Another run writes to the same output folder right now."""


@contextmanager
def run_lock(out_dir: Path) -> Iterator[None]:
    """An exclusive lock next to ``out_dir`` for the duration of a run (released by the kernel
    when the process dies, so a SIGKILLed run never leaves a stale lock)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir.parent / f".p3md-{out_dir.name}.lock"
    fh = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise RunLockedError(
                f"another p3md run is writing {out_dir} (lock {lock_path}); wait for it to finish"
            ) from exc
        yield
    finally:
        fh.close()


def _process_start(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


def owner_alive(folder: Path) -> bool:
    """Whether the process that created ``folder`` is still running."""
    try:
        owner = json.loads((folder / OWNER_FILE).read_text())
        pid, started = int(owner["pid"]), float(owner["started"])
    except (OSError, ValueError, KeyError):
        # No readable owner file: fall back on the pid in the folder name.
        try:
            pid = int(folder.name.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            return False
        return psutil.pid_exists(pid) and pid != os.getpid()
    now_started = _process_start(pid)
    # A different start time means the pid was reused by an unrelated process.
    return now_started is not None and abs(now_started - started) < 1.0


def cleanup_stale(out_dir: Path) -> list[Path]:
    """Remove staging folders of dead runs; repair an interrupted two-rename swap."""
    parent = out_dir.parent
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    for old in sorted(parent.glob(f"{OLD_PREFIX}{out_dir.name}-*")):
        if owner_alive(old):
            continue
        if not out_dir.exists():
            os.rename(old, out_dir)  # the swap died between its two renames: restore
        else:
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    for stale in sorted(parent.glob(f"{STAGING_PREFIX}{out_dir.name}-*")):
        if not owner_alive(stale):
            shutil.rmtree(stale, ignore_errors=True)
            removed.append(stale)
    return removed


def make_staging(out_dir: Path) -> Path:
    """A fresh staging folder next to ``out_dir`` (same file system, so renames are atomic)."""
    staging = out_dir.parent / f"{STAGING_PREFIX}{out_dir.name}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    me = psutil.Process(os.getpid())
    (staging / OWNER_FILE).write_text(json.dumps({"pid": me.pid, "started": me.create_time()}))
    return staging


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False when unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(staging: Path, out_dir: Path) -> None:
    """Make ``staging`` the new ``out_dir``; the old one is deleted afterwards."""
    (staging / OWNER_FILE).unlink(missing_ok=True)
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the previous run
        return
    old = out_dir.parent / f"{OLD_PREFIX}{out_dir.name}-{os.getpid()}"
    os.rename(out_dir, old)
    os.rename(staging, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def keep_failed(staging: Path, out_dir: Path) -> Path:
    """Keep a failed run's folder for inspection (replacing the previous failed one)."""
    target = out_dir.parent / f"{FAILED_NAME}-{out_dir.name}"
    if target.exists():
        shutil.rmtree(target, ignore_errors=True)
    (staging / OWNER_FILE).unlink(missing_ok=True)
    os.rename(staging, target)
    return target


def carry_file(src: Path, dst: Path) -> None:
    """Copy a file of the last good run into staging.

    Copies, not hard links: a notebook that rewrites a carried-over file in place (open with
    "w" truncates the shared inode) would otherwise change the *previous* ``reports/`` too and
    break the guarantee that a failed run leaves it untouched. The files are small.
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False
