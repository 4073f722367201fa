"""Small, exact edits of the raw CSV files of a *copied* data folder.

Row numbers are spreadsheet rows, as the error messages use them: the header is row 1, the
first data row is row 2. Every helper rewrites the file with ``,`` and ``\\n`` exactly as the
generator writes it, so a mutation changes only what it says it changes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return rows[0], rows[1:]


def write(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    lineterminator: str = "\n",
    encoding: str = "utf-8",
) -> None:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    header, rows = read(path)
    rows[row - 2][header.index(column)] = value
    write(path, header, rows)


def set_cells(path: Path, cells: dict[tuple[int, str], str]) -> None:
    header, rows = read(path)
    for (row, column), value in cells.items():
        rows[row - 2][header.index(column)] = value
    write(path, header, rows)


def set_column(path: Path, column: str, value: str) -> None:
    header, rows = read(path)
    j = header.index(column)
    for r in rows:
        r[j] = value
    write(path, header, rows)


def drop_column(path: Path, column: str) -> None:
    header, rows = read(path)
    j = header.index(column)
    write(path, header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows])


def rename_column(path: Path, old: str, new: str) -> None:
    header, rows = read(path)
    header[header.index(old)] = new
    write(path, header, rows)


def add_column(path: Path, name: str, values: list[str] | str, at: int | None = None) -> None:
    header, rows = read(path)
    vals = values if isinstance(values, list) else [values] * len(rows)
    at = len(header) if at is None else at
    write(
        path,
        header[:at] + [name] + header[at:],
        [r[:at] + [v] + r[at:] for r, v in zip(rows, vals, strict=True)],
    )


def delete_rows(path: Path, rows_to_delete: list[int]) -> None:
    header, rows = read(path)
    gone = {r - 2 for r in rows_to_delete}
    write(path, header, [r for i, r in enumerate(rows) if i not in gone])


def keep_rows(path: Path, n: int) -> None:
    header, rows = read(path)
    write(path, header, rows[:n])


def to_xlsx(rows_by_sheet: dict[str, list[list[object]]], path: Path) -> None:
    """Write a workbook; cells that look numeric are stored as numbers, as Excel would."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, records in rows_by_sheet.items():
        sheet = book.create_sheet(title)
        for record in records:
            sheet.append([_excel_value(v) for v in record])
    book.save(path)


def _excel_value(v: object) -> object:
    if not isinstance(v, str):
        return v
    if v == "":
        return None
    for kind in (int, float):
        try:
            return kind(v)
        except ValueError:
            pass
    return v
