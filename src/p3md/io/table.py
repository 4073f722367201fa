"""A data file as a table of cell texts, before any schema is applied.

Shared by every road into the study (the raw files, the data-entry template, form exports
with a ``mapping.yaml``, SPSS/Stata files): each produces a :class:`Table` whose ``rows`` are the
numbers the user sees in a spreadsheet program (header = row 1), and the reader types it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p3md.io.errors import RawDataError

#: Cell texts that mean "no answer" in a numeric column.
NA_TOKENS = frozenset({"", "-", "--", "na", "n/a", "nan", "null", "none", "."})

_RESAVE_UTF8 = (
    "re-save the file as 'CSV UTF-8 (Comma delimited) (*.csv)' in Excel or LibreOffice "
    "(or convert it, e.g. `iconv -f {enc} -t UTF-8 in.csv > out.csv`)"
)


@dataclass
class Table:
    """Cells as text, before typing; ``rows`` are spreadsheet row numbers (header = 1)."""

    name: str  # what the user sees: "facilitators.csv" or "facilitators.xlsx[Sheet1]"
    header: list[str]
    cells: list[list[str]]
    rows: list[int]
    decimal_comma: bool = False
    dropped: list[str] = field(default_factory=list)
    #: Headers a mapping dropped before the schema was applied (form metadata, unmatched).
    predropped: list[str] = field(default_factory=list)
    #: A mapped export: the export's header of each codebook column (messages name both).
    source_headers: dict[str, str] = field(default_factory=dict)


# -- decoding and splitting ---------------------------------------------------------------


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RawDataError(
            path.name,
            rule="the file is encoded as UTF-16 (Excel's 'Unicode Text'); CSV files must be UTF-8",
            fix=_RESAVE_UTF8.format(enc="UTF-16"),
        )
    try:
        return raw.decode("utf-8-sig")  # strips a BOM if present
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1]
        raise RawDataError(
            path.name,
            rows=[line],
            values=[f"byte 0x{byte.hex()}"],
            rule="the file is not valid UTF-8; the bytes look like Latin-1 / Windows-1252 "
            "(the usual 'CSV (Comma delimited)' of Excel on Windows)",
            fix=_RESAVE_UTF8.format(enc="WINDOWS-1252"),
        ) from None


def _sniff_delimiter(text: str) -> str:
    # Only the header line decides: data cells may contain decimal commas, the header cannot.
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    return ";" if first.count(";") > first.count(",") else ","


def table_from_rows(
    name: str,
    records: list[tuple[int, list[str]]],
    decimal_comma: bool,
    *,
    pad_short_rows: bool = False,
) -> Table:
    """Header = first non-empty record; blank records are skipped but keep their numbers.

    ``pad_short_rows`` is for spreadsheets, where trailing empty cells are simply absent. A CSV
    writer always writes every delimiter, so a short CSV row means a truncated or mis-delimited
    file and is rejected rather than padded with empty answers.
    """
    nonblank = [(n, [c.strip() for c in r]) for n, r in records if any(c.strip() for c in r)]
    if not nonblank:
        raise RawDataError(
            name,
            rule="the file is empty",
            fix="export the sheet again with its header row and data",
        )
    (_, header), body = nonblank[0], nonblank[1:]
    while header and header[-1] == "":  # trailing empty header cells from Excel
        header.pop()
    if not body:
        raise RawDataError(
            name,
            rule="the file has a header but no data rows",
            fix="add the data rows below the header",
        )
    cells, rows = [], []
    short: list[tuple[int, list[str]]] = []  # reported together after the loop
    for number, record in body:
        extra = [c for c in record[len(header) :] if c]
        if extra:
            raise RawDataError(
                name,
                rows=[number],
                values=extra,
                rule=(
                    f"the row has more cells ({len(record)}) than the header "
                    f"({len(header)} columns)"
                ),
                fix="remove the stray cells or add the missing column header",
            )
        if len(record) < len(header) and not pad_short_rows:
            short.append((number, record))
        cells.append(record[: len(header)] + [""] * (len(header) - len(record)))
        rows.append(number)
    if short:
        # One cell holding the whole line means another delimiter was used on it: name the
        # column where the line landed; otherwise the first missing cell (a truncated row).
        widths = {len(r) for _, r in short}
        one_cell = widths == {1}
        raise RawDataError(
            name,
            column=header[0] if one_cell else header[min(widths)],
            rows=[n for n, _ in short],
            values=[r[0] if one_cell else ",".join(r[-2:]) for _, r in short],
            rule=(
                f"rows have fewer cells ({', '.join(map(str, sorted(widths)))}) than the header "
                f"({len(header)} columns): "
                + (
                    "they use another delimiter than the header"
                    if one_cell
                    else "the file is truncated"
                )
            ),
            fix="export the file again in full, with one delimiter throughout",
        )
    refuse_control_characters(name, header, cells, rows)
    return Table(name, header, cells, rows, decimal_comma)


#: Characters no answer contains: NUL and the C0 controls other than tab, line feed and
#: carriage return (a cell may hold a line break). They come from a binary file saved as CSV,
#: a broken export or a hostile one; several tools drop them silently, so a value would
#: change between this reader and a spreadsheet program.
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}


def refuse_control_characters(
    name: str, header: list[str], cells: list[list[str]], rows: list[int]
) -> None:
    """A :class:`RawDataError` naming the file, column and rows of every cell (or header)
    holding a NUL byte or another control character."""
    for text in header:
        if _CONTROL & set(text):
            raise RawDataError(
                name,
                column=text.translate({ord(c): "?" for c in _CONTROL}),
                rows=[1],
                rule="the header holds a control character (such as a NUL byte)",
                fix="retype the header in a spreadsheet program and export the file again",
            )
    for j, col in enumerate(header):
        bad = [(n, r[j]) for n, r in zip(rows, cells, strict=True) if _CONTROL & set(r[j])]
        if bad:
            which = sorted({f"0x{ord(c):02x}" for _, v in bad for c in v if c in _CONTROL})
            raise RawDataError(
                name,
                column=col,
                rows=[n for n, _ in bad],
                values=[v.translate({ord(c): "?" for c in _CONTROL}) for _, v in bad],
                rule=f"the cell holds a control character ({', '.join(which)}; shown as ?), "
                "which no answer contains (a NUL byte is dropped silently by some programs, so "
                "the value would differ between them)",
                fix="retype the cell in a spreadsheet program and export the file again",
            )


#: The longest cell a CSV may hold (Python's csv default, 128 KiB): a questionnaire answer is
#: far shorter, and a longer "cell" is an unclosed quote swallowing the rest of the file or
#: a file that is not a table.
MAX_CELL = csv.field_size_limit()


def read_csv_table(path: Path) -> Table:
    text = _decode(path)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))  # number of the line the record starts on
            start = reader.line_num + 1
    except csv.Error as exc:
        # The cell's column: the line up to the limit, read on its own, ends in that cell.
        header = records[0][1] if records else []
        line = text.split("\n", start)[start - 1] if start >= 1 else ""
        head = next(csv.reader([line[:MAX_CELL]], delimiter=delimiter), [])
        column = header[len(head) - 1] if 0 < len(head) <= len(header) else None
        long_cell = "larger than field limit" in str(exc)
        raise RawDataError(
            path.name,
            column=column,
            rows=[start],
            rule=(
                f"a cell is longer than {MAX_CELL:,} characters (often a quote that is never "
                "closed, so the rest of the file runs into one cell)"
                if long_cell
                else f"the line cannot be read as CSV ({exc})"
            ),
            fix='check the quotes on that row (a cell that starts with " must end with "), '
            "or export the file again as CSV UTF-8",
        ) from None
    return table_from_rows(path.name, records, decimal_comma=delimiter == ";")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 3 as 3.0
    return str(value)


def open_workbook(path: Path) -> Any:
    """An openpyxl workbook (read-only, cached values), or a readable error."""
    from openpyxl import load_workbook  # imported lazily: only .xlsx input needs it

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise RawDataError(
            path.name,
            rule=f"the workbook cannot be opened ({type(exc).__name__}: {exc})",
            fix=(
                "open it in Excel/LibreOffice and save it again as .xlsx, or export it as CSV UTF-8"
            ),
        ) from None


def sheet_records(sheet: Any) -> list[tuple[int, list[str]]]:
    """(sheet row number, cell texts) of every row of an openpyxl sheet."""
    return [
        (n, [cell_text(v) for v in row])
        for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]


def xlsx_tables(path: Path) -> Iterator[tuple[str, Table | RawDataError]]:
    """Each sheet of a workbook as (title, table), or (title, error) for a sheet that is no
    table (empty, header only)."""
    book = open_workbook(path)
    try:
        for sheet in book.worksheets:
            try:
                table = table_from_rows(
                    f"{path.name}[{sheet.title}]",
                    sheet_records(sheet),
                    decimal_comma=False,
                    pad_short_rows=True,
                )
            except RawDataError as exc:
                yield sheet.title, exc
                continue
            yield sheet.title, table
    finally:
        book.close()


def read_xlsx_sheet(path: Path, sheet: str) -> Table:
    """One named sheet of a workbook as a table (a form export's data sheet)."""
    book = open_workbook(path)
    try:
        if sheet not in book.sheetnames:
            raise RawDataError(
                path.name,
                values=list(book.sheetnames),
                rule=f"the workbook has no sheet {sheet!r}",
                fix="correct `sheet:` in mapping.yaml to one of the sheets found",
            )
        records = sheet_records(book[sheet])
    finally:
        book.close()
    return table_from_rows(
        f"{path.name}[{sheet}]", records, decimal_comma=False, pad_short_rows=True
    )
