"""The column schema of each raw file, expanded from the codebook's ``files:`` section.

Shared by the readers (what to expect), the generator (what to write) and scoring, so the
three can never disagree about a column's name, order or type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from p3md.codebook import Codebook

Kind = Literal["string", "integer", "number"]


@dataclass(frozen=True)
class FileSchema:
    """Columns of one raw file in canonical order, with their storage kind."""

    key: str  # codebook files: key, e.g. "facilitators"
    stem: str  # file name without extension, e.g. "facilitators"
    columns: dict[str, Kind]
    label_columns: dict[str, str]  # column -> allowed_from reference (roles, statuses, ...)

    @property
    def names(self) -> list[str]:
        return list(self.columns)


def question_columns(cb: Codebook, file_key: str) -> list[str]:
    """``q01``..``q30`` for a file with ``question_columns`` (zero-padded to the count's width)."""
    spec = cb.files[file_key].question_columns
    if spec is None:
        return []
    count = int(cb.resolve(spec.count_from))
    width = max(2, len(str(count)))
    return [f"{spec.prefix}{i:0{width}d}" for i in range(1, count + 1)]


def file_schema(cb: Codebook, file_key: str) -> FileSchema:
    """Canonical columns of ``cb.files[file_key]``: fixed columns, item columns, questions.

    Item columns are integers except distances (``km``), which are numbers.
    """
    spec = cb.files[file_key]
    columns: dict[str, Kind] = {name: col.type for name, col in spec.columns.items()}
    labels = {n: c.allowed_from for n, c in spec.columns.items() if c.allowed_from}
    for item_id in cb.columns_for(spec.item_columns):
        columns[item_id] = "number" if cb.item(item_id).response.type == "km" else "integer"
    for q in question_columns(cb, file_key):
        columns[q] = "integer"
    stem = spec.path.rsplit(".", 1)[0]
    return FileSchema(key=file_key, stem=stem, columns=columns, label_columns=labels)
