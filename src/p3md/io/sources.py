"""Which files a data folder's reader reads, and the rule that they stay inside the folder.

Every path that comes from the folder itself (``mapping.yaml``'s ``source:``, a raw file
``<stem>.csv`` that is a symbolic link, a template workbook, ``design.yaml``) is resolved with
its symbolic links followed and must land inside the data folder. Anything else is refused
before a byte of it is read, with a message that names the entry as the user wrote it and
nothing of the outside file: a data folder handed in by someone else must not be able to make
a run read (and echo, or publish) ``/etc/passwd`` or another project's data.

:func:`p3md.io.readers.input_files` answers "which files does reading key K use?" without
reading any of them, so the runner can hash exactly those files into the cache key of the
stages that read K
(a file outside the folder was once read but not hashed: stale results after it changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from p3md.io.errors import RawDataError


def inside(data_dir: Path, name: str | Path, *, file: str, entry: str | None = None) -> Path:
    """``name`` (relative to ``data_dir``, or absolute) resolved, symbolic links followed;
    a :class:`RawDataError` when it leads outside ``data_dir``. ``file`` and ``entry`` say
    where the path was written (``mapping.yaml``, ``files.pilot.source``)."""
    root = Path(data_dir).resolve()
    written = Path(name)
    candidate = written if written.is_absolute() else Path(data_dir) / written
    resolved = candidate.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        link = candidate.is_symlink() or any(p.is_symlink() for p in candidate.parents)
        how = (
            "it is a symbolic link to a file outside the data folder"
            if link and not written.is_absolute() and ".." not in written.parts
            else "the path leads outside the data folder"
        )
        raise RawDataError(
            file,
            column=entry,
            values=[str(name)],
            rule=f"{how}; a run reads only files inside its data folder (nothing of the "
            "outside file was read)",
            fix="copy the file into the data folder and name it relative to the folder "
            "(e.g. `source: export.csv`)",
        )
    return resolved


@dataclass(frozen=True)
class Source:
    """Where the cells of one raw file come from.

    ``road``: ``"mapping"`` (a form export named in ``mapping.yaml``), ``"direct"``
    (``<stem>.csv|.xlsx|.sav|.dta``), ``"template"`` (a sheet of a filled data-entry
    template) or ``"missing"``. ``path`` is the file read (resolved), ``sheet`` a named sheet.
    ``config`` lists the folder's files that steer the reading (``mapping.yaml``)."""

    key: str
    road: str
    path: Path | None
    sheet: str | None = None
    config: tuple[Path, ...] = ()

    @property
    def files(self) -> list[Path]:
        """Every file reading this source uses (resolved paths)."""
        return [*([self.path] if self.path is not None else []), *self.config]
