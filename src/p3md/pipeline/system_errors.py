"""When the machine, not the data, stops a run: one readable message instead of a traceback.

A full disk, a used-up quota, a read-only folder or too many open files can hit any step of a
run (a gate's JSON, a notebook, the site, the PDF). The runner records which step it is in
(``_Run.step``); :func:`system_failure` turns the operating system's error into a
:class:`SystemFailure` that says what was being written, where, how much room a run needs
there and how much is free. The staging folder is removed before the message is shown, and the
last good report is never touched (the atomic swap had not happened).

Bugs (a ``TypeError``) and data errors (``RawDataError``, a failed gate) are not system errors
and keep their own paths.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

#: Operating-system errors that are the machine's, with what they mean for the user.
SYSTEM_ERRNOS: dict[int, str] = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the folder is on a read-only file system",
    errno.EMFILE: "the process has too many open files",
    errno.ENFILE: "the system has too many open files",
    errno.EIO: "the disk reported an input/output error",
}
#: Errors that mean there is not enough room, so the message gives sizes.
SPACE_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


class SystemFailure(RuntimeError):
    """The machine stopped the run; the message is meant for the user as it is."""


def is_system_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in SYSTEM_ERRNOS


def folder_size(path: Path) -> int:
    """Bytes of the files under ``path`` (0 when it does not exist)."""
    total = 0
    if not path.is_dir():
        return 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).lstat().st_size
            except OSError:
                continue
    return total


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _room(out_dir: Path, written: int) -> str:
    """How much room a run needs and how much is free, in numbers that agree.

    A run writes the new report beside the last good one (which stays until the swap), so
    it needs about as much room as that report. The space is measured after the unfinished
    run was removed, so it includes what the run had written: when that is already more
    than the estimate, the run needed more than is free now, and the message says so instead
    of asking for less than is free (the old message: "needs about 2.7 MB free ... 3.1 MB
    are free now")."""
    previous = folder_size(out_dir)
    where = out_dir.parent
    try:
        free: int | None = shutil.disk_usage(where).free
    except OSError:
        free = None
    wrote = f"The run had written {megabytes(written)} when it stopped"
    fix = " Free some space there, or write the report elsewhere with --out (OUT=...)."
    if free is None:
        return (
            f"{wrote}; a run needs about {megabytes(max(previous, written))} free in {where} "
            f"(as much as the last good report, which stays in place until the new one is "
            f"complete).{fix}"
        )
    if previous > free:
        return (
            f"{wrote}. A run needs about {megabytes(previous)} free in {where}, as much as "
            "the last good report, which stays in place until the new one is complete; "
            f"{megabytes(free)} are free now (the unfinished run was removed): free at least "
            f"{megabytes(previous - free)} more.{fix}"
        )
    return (
        f"{wrote}. It needed more room than the {megabytes(free)} that are free in {where} "
        f"now (the unfinished run was removed; the last good report takes "
        f"{megabytes(previous)} and stays in place until the new one is complete).{fix}"
    )


def system_failure(
    exc: OSError,
    step: str,
    out_dir: Path,
    staging_size: int = 0,
    staging: Path | None = None,
) -> SystemFailure:
    """The message for ``exc`` raised while ``step`` (``"rendering the site and the PDF"``);
    ``staging`` is the (removed) folder the run was writing into."""
    what = SYSTEM_ERRNOS.get(exc.errno or 0, exc.strerror or str(exc))
    target = exc.filename or exc.filename2
    if target:
        writing = f": writing {target}"
    elif staging is not None:
        writing = f", writing into {staging}"
    else:
        writing = ""
    text = f"{what} ({exc.strerror}) while {step}{writing}."
    if exc.errno in SPACE_ERRNOS:
        text += "\n" + _room(out_dir, staging_size)
    elif exc.errno == errno.EROFS:
        text += "\nWrite the report to a folder you can write to with --out (OUT=...)."
    elif exc.errno in (errno.EMFILE, errno.ENFILE):
        text += "\nClose other programs, or raise the limit (ulimit -n), and run again."
    if out_dir.is_dir():
        text += f"\nThe last good report in {out_dir} is unchanged."
    return SystemFailure(text)
