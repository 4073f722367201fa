"""The run folder's life cycle: a lock, a staging folder, an atomic swap, stale clean-up.

A run builds everything in ``<out_parent>/.p3md-work/staging-<out>-<pid>`` and replaces
``reports/`` only at the very end, so a failed, interrupted (Ctrl-C) or killed (SIGKILL) run
never leaves a half-written ``reports/``. The swap uses Linux
``renameat2(RENAME_EXCHANGE)``, which exchanges the two folders in one system call; where it
is unavailable, two renames are used and an interrupted swap is repaired by the next run
(``old-<out>-<pid>`` is put back).

Everything a run keeps beside the output folder (staging, the previous run during a swap, the
last failed run, the lock) lives in one work folder, ``.p3md-work/``, next to it: on the same
file system (renames stay atomic), and ignored by git through its own ``.gitignore``, so a failed
run leaves ``git status`` clean wherever ``--out`` points.

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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psutil

WORK_DIR = ".p3md-work"
STAGING_PREFIX = "staging-"
OLD_PREFIX = "old-"
FAILED_NAME = "failed"
OWNER_FILE = ".p3md-owner.json"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class RunLockedError(RuntimeError):
    """Another run writes to the same output folder right now."""


def work_dir(out_dir: Path, *, create: bool = True) -> Path:
    """The folder next to ``out_dir`` that holds staging, failed and old runs and the lock."""
    work = out_dir.parent / WORK_DIR
    if create:
        work.mkdir(parents=True, exist_ok=True)
        ignore = work / ".gitignore"
        if not ignore.exists():
            ignore.write_text(
                "# p3md run folders (staging, failed run, lock): never committed\n*\n"
            )
    return work


def failed_dir(out_dir: Path) -> Path:
    """Where the last failed run of ``out_dir`` is kept for inspection."""
    return work_dir(out_dir, create=False) / f"{FAILED_NAME}-{out_dir.name}"


def staging_dirs(out_dir: Path) -> list[Path]:
    """Staging folders of ``out_dir`` that exist now (of this run or of dead runs)."""
    return sorted(work_dir(out_dir, create=False).glob(f"{STAGING_PREFIX}{out_dir.name}-*"))


@contextmanager
def run_lock(out_dir: Path) -> Iterator[None]:
    """An exclusive lock next to ``out_dir`` for the duration of a run (released by the kernel
    when the process dies, so a SIGKILLed run never leaves a stale lock)."""
    lock_path = work_dir(out_dir) / f"{out_dir.name}.lock"
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
    parent = work_dir(out_dir, create=False)
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
    for stale in staging_dirs(out_dir):
        if not owner_alive(stale):
            shutil.rmtree(stale, ignore_errors=True)
            removed.append(stale)
    return removed


def make_staging(out_dir: Path) -> Path:
    """A fresh staging folder next to ``out_dir`` (same file system, so renames are atomic)."""
    staging = work_dir(out_dir) / f"{STAGING_PREFIX}{out_dir.name}-{os.getpid()}"
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


def swap_in(staging: Path, out_dir: Path, keep: Sequence[str] = ()) -> None:
    """Make ``staging`` the new ``out_dir``; the old one is deleted afterwards, except its
    folders named in ``keep`` that the new one lacks, which are moved (renamed) into it."""
    (staging / OWNER_FILE).unlink(missing_ok=True)
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        _move_kept(staging, out_dir, keep)
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the previous run
        return
    old = work_dir(out_dir) / f"{OLD_PREFIX}{out_dir.name}-{os.getpid()}"
    os.rename(out_dir, old)
    os.rename(staging, out_dir)
    _move_kept(old, out_dir, keep)
    shutil.rmtree(old, ignore_errors=True)


def _move_kept(old: Path, new: Path, keep: Sequence[str]) -> None:
    for name in keep:
        if (old / name).is_dir() and not (new / name).exists():
            os.rename(old / name, new / name)


def keep_failed(staging: Path, out_dir: Path) -> Path:
    """Keep a failed run's folder for inspection (replacing the previous failed one)."""
    target = failed_dir(out_dir)
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
