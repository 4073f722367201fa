"""The codebook: items, scales, bands, categories and the study design, as validated data."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from p3md import PROJECT_ROOT
from p3md.codebook.design import DESIGN_FILE, DESIGN_KEYS, read_design
from p3md.codebook.model import (
    Band,
    Category,
    Codebook,
    FileSpec,
    Item,
    Meta,
    Variable,
    text_problems,
)
from p3md.safe_yaml import DataFileError, DuplicateKeyError, expanded_nodes, unique_key_loader

DEFAULT_CODEBOOK = PROJECT_ROOT / "data" / "codebook.yaml"

__all__ = [
    "DESIGN_FILE",  # a district's own design (see ARCHITECTURE.md), p3md.codebook.design
    "DESIGN_KEYS",
    "Band",
    "Category",
    "Codebook",
    "CodebookError",
    "FileSpec",
    "Item",
    "Meta",
    "Variable",
    "load_codebook",
    "read_yaml",
]


def read_yaml(path: str | Path) -> Any:
    """A YAML file as plain data, with PyYAML's safe loader; its C version (libyaml, in the
    PyYAML wheels) when present: 9x faster on the codebook, which every run reads first.
    A key written twice in one mapping raises :class:`p3md.safe_yaml.DuplicateKeyError`."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=unique_key_loader())  # noqa: S506 - a safe loader


class CodebookError(ValueError):
    """The codebook cannot be used: one message per problem, each naming where in the file it
    is and what to change (never a traceback)."""

    def __init__(self, path: str | Path, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"The codebook {path} needs a change:\n{lines}")


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """A pydantic location as the codebook's own path (``items.x1_2.response.scale``)."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            entry = node[part]
            parts.append(str(entry.get("id", part)) if isinstance(entry, dict) else str(part))
            node = entry
            continue
        parts.append(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts)


def _problems(exc: ValidationError, data: Any) -> list[str]:
    problems = []
    for err in exc.errors():
        msg = str(err["msg"]).removeprefix("Value error, ")
        where = _where(tuple(err["loc"]), data)
        if err["type"] == "extra_forbidden":
            msg = "is not a codebook key; remove it or check its spelling"
        elif err["type"] == "missing":
            msg = "is required; add it (see data/codebook.yaml for an example)"
        problems.append(f"{where}: {msg}" if where else msg)
    return problems


def validate_codebook(data: Any, path: str | Path = "codebook") -> Codebook:
    """Validate codebook data; a problem raises :class:`CodebookError` with readable lines."""
    if not isinstance(data, dict):
        raise CodebookError(path, ["the file must be a YAML mapping of sections (meta:, ...)"])
    problems = text_problems(data)
    if problems:
        raise CodebookError(path, [f"{where}: {rule}; {fix}" for where, rule, fix in problems])
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        raise CodebookError(path, _problems(exc, data)) from None


#: A study's codebook (a data folder may bring its own): nodes after its aliases expand. The
#: thesis's has about 3,300; a "billion laughs" document would hang the validation.
MAX_CODEBOOK_NODES = 1_000_000


@lru_cache(maxsize=8)
def _load(path: str) -> Codebook:
    try:
        if expanded_nodes(Path(path).read_text(encoding="utf-8"), MAX_CODEBOOK_NODES) > (
            MAX_CODEBOOK_NODES
        ):
            raise CodebookError(
                path,
                [
                    f"its anchors and aliases (&name, *name) expand to more than "
                    f"{MAX_CODEBOOK_NODES:,} values (a 'billion laughs' document); write the "
                    "values out"
                ],
            )
        data = read_yaml(path)
    except DuplicateKeyError as exc:
        raise CodebookError(path, [f"line {exc.line}: {exc.rule()}; {exc.fix()}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(
            path, [f"{where}not valid YAML ({problem}); check indentation and quotes there"]
        ) from None
    return validate_codebook(data, path)


@lru_cache(maxsize=64)
def _with_design(path: str, design_path: str, mtime_ns: int) -> Codebook:
    cb = _load(path)
    # The safe loader with size and alias limits, and a schema that forbids unknown keys.
    design = read_design(design_path, list(cb.roles))
    merged = dict(cb.design)
    for key, value in design.items():
        if key == "sampling":
            merged[key] = {**cb.design.get("sampling", {}), **value}
        elif key != "expected_rows":
            merged[key] = value
    if "kecamatan" in design and "population_villages" not in design.get("sampling", {}):
        merged["sampling"] = {
            **merged.get("sampling", {}),
            "population_villages": sum(int(k["villages"]) for k in design["kecamatan"]),
        }
    files = dict(cb.files)
    for key, rows in (design.get("expected_rows") or {}).items():
        if key not in files:
            raise DataFileError(
                DESIGN_FILE,
                f"key 'expected_rows.{key}'",
                rule=f"expected_rows names the file {key!r}, which the codebook does not have; "
                f"its files are {', '.join(files)}",
                fix="correct the key to one of the codebook's files",
            )
        files[key] = files[key].model_copy(update={"expected_rows": rows})
    # Re-validated: a design that contradicts the instrument is refused here, not in a stage.
    data = cb.model_dump()
    data["design"], data["files"] = merged, {k: v.model_dump() for k, v in files.items()}
    return validate_codebook(data, design_path)


def load_codebook(path: str | Path | None = None, data_dir: str | Path | None = None) -> Codebook:
    """Load and validate the codebook (cached per path; the model is immutable).

    With ``data_dir``, a ``design.yaml`` in that folder (a district's own design: kecamatan,
    status counts, sampling frame size, expected rows) replaces the matching keys of the
    codebook's ``design`` section; without one the codebook is returned as it is.
    """
    resolved = str(Path(path or DEFAULT_CODEBOOK).resolve())
    if data_dir is not None:
        design = Path(data_dir) / DESIGN_FILE
        if design.is_symlink() and not design.resolve().is_relative_to(Path(data_dir).resolve()):
            raise DataFileError(
                DESIGN_FILE,
                rule="it is a symbolic link to a file outside the data folder; a run reads only "
                "files inside its data folder (nothing of the outside file was read)",
                fix="copy the design file into the data folder",
            )
        if design.is_file():
            return _with_design(resolved, str(design.resolve()), design.stat().st_mtime_ns)
    return _load(resolved)
