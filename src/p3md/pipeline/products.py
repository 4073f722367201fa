"""Which stage owns a file of the run folder, and whether a stage wrote what it declares.

Ownership is read from the registry's ``products`` (:meth:`p3md.pipeline.stages.Stage.owns`),
never guessed: a file no stage declares, one declared by two stages, or a declared product the
notebook did not write stops the run with a :class:`ProductError` naming the stage and the file.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import Any

from p3md.pipeline.stages import REGISTRY_FILE, Stage

#: Folders of the run folder the runner itself writes (gate results, the site): no stage's.
BOOKKEEPING_DIRS = ("gates", "site")


class ProductError(Exception):
    """A stage wrote a file the registry does not declare, or not a file it declares."""

    def __init__(self, stage: str, file: str, problem: str, fix: str) -> None:
        self.stage, self.file, self.problem, self.fix = stage, file, problem, fix
        super().__init__(f"Stage {stage}: {problem} ({file}). {fix}")

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "file": self.file, "rule": self.problem, "fix": self.fix}


def is_bookkeeping(rel: str) -> bool:
    return rel.split("/")[0] in BOOKKEEPING_DIRS


def owners(rel: str, stages: Sequence[Stage]) -> list[Stage]:
    return [s for s in stages if s.owns(rel)]


def claim(
    stage: Stage, new_files: Iterable[str], stages: Sequence[Stage], running: Sequence[str]
) -> list[str]:
    """The files of ``new_files`` that belong to ``stage`` (it has just finished).

    A new file declared by another stage is left for that stage (it may be running beside this
    one). A new file declared by no stage raises: ``stage`` wrote it, or one of ``running`` (the
    stages that ran at the same time) did, and the message names them.
    """
    mine: list[str] = []
    for rel in sorted(new_files):
        if is_bookkeeping(rel):
            continue
        found = owners(rel, stages)
        if len(found) > 1:
            names = " and ".join(s.name for s in found)
            raise ProductError(
                stage.name,
                rel,
                f"the file is declared by {names}",
                f"declare it under one stage's products in {REGISTRY_FILE}",
            )
        if not found:
            others = [n for n in running if n != stage.name]
            who = f" (or {', '.join(others)}, which ran at the same time)" if others else ""
            raise ProductError(
                stage.name,
                rel,
                f"its notebook{who} wrote a file that no stage declares",
                f"add it to the stage's `products` in {REGISTRY_FILE}, or stop writing it",
            )
        if found[0].name == stage.name:
            mine.append(rel)
    return mine


def missing_products(stage: Stage, written: Iterable[str]) -> list[tuple[str, str]]:
    """``(what, pattern)`` of the declared products ``written`` has no file for."""
    files = list(written)
    return [
        (what, pattern)
        for what, pattern in stage.required_products()
        if not any(fnmatch.fnmatchcase(f, pattern) for f in files)
    ]


def check_written(stage: Stage, written: Iterable[str]) -> None:
    """Raise :class:`ProductError` for the first declared product the stage did not write."""
    for what, pattern in missing_products(stage, written):
        kind = (
            "table" if what.startswith("tbl-") else "figure" if what.startswith("fig-") else "file"
        )
        raise ProductError(
            stage.name,
            pattern,
            f"the registry declares the {kind} {what}, but the notebook did not write it",
            f"write it in {stage.notebook.name}, or remove it from the stage's products "
            f"in {REGISTRY_FILE}",
        )
