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


def column_text(cb: Codebook, file_key: str, column: str) -> str | None:
    """The question behind a column, as asked (Indonesian): an item's text, a fixed column's
    ``text`` or the question columns' ``text`` with its number; ``None`` when the codebook
    gives none."""
    spec = cb.files[file_key]
    if column in spec.columns:
        return spec.columns[column].text
    if column in question_columns(cb, file_key):
        qc = spec.question_columns
        assert qc is not None
        return qc.text.format(n=int(column[len(qc.prefix) :])) if qc.text else None
    return cb.item(column).text


def column_options(cb: Codebook, file_key: str, column: str) -> dict[str, str] | None:
    """The closed list of a column: raw value (as written in a cell) -> its label, or ``None``
    for open columns (IDs, counts, distances). Option items give their codes with the printed
    labels (reverse-keyed items on the questionnaire's order, see ``Codebook.option_labels``);
    roles their full names; statuses, kecamatan and positions their own names; ``allowed``
    lists their ``labels`` (or the value itself)."""
    spec = cb.files[file_key]
    if column in spec.columns:
        col = spec.columns[column]
        if col.allowed_from == "roles":
            return {r: d.name_id for r, d in cb.roles.items()}
        if col.allowed_from:
            return {v: v for v in cb.allowed_values(col.allowed_from)}
        if col.allowed is not None:
            labels = col.labels or {}
            return {str(a): str(labels.get(a, a)) for a in col.allowed}
        return None
    if column in question_columns(cb, file_key):
        qc = spec.question_columns
        assert qc is not None
        return {str(a): (qc.labels or {}).get(a, str(a)) for a in qc.allowed}
    item = cb.item(column)
    if item.response.type != "options":
        return None
    return {str(code): label for code, label in cb.option_labels(column).items()}


def option_text(code: str, label: str) -> str:
    """An option as shown to people (drop-downs, messages): ``3 = Baik``; an option whose
    label is its code (a kecamatan) shows the name once."""
    return code if label == code else f"{code} = {label}"
