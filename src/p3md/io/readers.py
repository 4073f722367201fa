"""Read a raw data folder into typed DataFrames, whatever the spreadsheet program did to it.

Accepted for every file of the codebook's ``files:`` section: ``<stem>.csv`` (``,`` or ``;``
delimited; decimal comma when ``;``-delimited; UTF-8 with or without BOM) or ``<stem>.xlsx``
(the first sheet whose header has the schema's columns).

The readers only do *structural* reading: find the file, decode it, check the header, type the
cells faithfully, canonicalise labels, drop personal fields. Value ranges (scores 1-3, patterns
of IDs, foreign keys) are the great-expectations gates' job, so an out-of-range integer passes
through unchanged here. Whatever cannot be represented faithfully (text in a numeric column,
an unknown role) raises :class:`~p3md.io.errors.RawDataError`. Nothing is written to the folder.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from p3md.codebook import Codebook
from p3md.io.errors import RawDataError
from p3md.io.labels import label_key, plain_lookup, role_lookup, status_lookup
from p3md.io.pseudonymise import is_personal
from p3md.io.schema import FileSchema, file_schema

#: Cell texts that mean "no answer" in a numeric column.
NA_TOKENS = frozenset({"", "-", "--", "na", "n/a", "nan", "null", "none", "."})

_RESAVE_UTF8 = (
    "re-save the file as 'CSV UTF-8 (Comma delimited) (*.csv)' in Excel or LibreOffice "
    "(or convert it, e.g. `iconv -f {enc} -t UTF-8 in.csv > out.csv`)"
)


@dataclass
class _Table:
    """Cells as text, before typing; ``rows`` are spreadsheet row numbers (header = 1)."""

    name: str  # what the user sees: "facilitators.csv" or "facilitators.xlsx[Sheet1]"
    header: list[str]
    cells: list[list[str]]
    rows: list[int]
    decimal_comma: bool = False
    dropped: list[str] = field(default_factory=list)


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


def _table_from_rows(
    name: str,
    records: list[tuple[int, list[str]]],
    decimal_comma: bool,
    *,
    pad_short_rows: bool = False,
) -> _Table:
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
                rule=f"the row has more cells ({len(record)}) than the header ({len(header)} columns)",
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
                + ("they use another delimiter than the header" if one_cell else "the file is truncated")
            ),
            fix="export the file again in full, with one delimiter throughout",
        )
    return _Table(name, header, cells, rows, decimal_comma)


def _read_csv(path: Path) -> _Table:
    text = _decode(path)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    start = 1
    for record in reader:
        records.append((start, record))  # number of the line the record starts on
        start = reader.line_num + 1
    return _table_from_rows(path.name, records, decimal_comma=delimiter == ";")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 3 as 3.0
    return str(value)


def _read_xlsx(path: Path, schema: FileSchema) -> _Table:
    from openpyxl import load_workbook  # imported lazily: only .xlsx input needs it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise RawDataError(
            path.name,
            rule=f"the workbook cannot be opened ({type(exc).__name__}: {exc})",
            fix="open it in Excel/LibreOffice and save it again as .xlsx, or export it as CSV UTF-8",
        ) from None
    found: list[str] = []
    try:
        for sheet in book.worksheets:
            records = [
                (n, [_cell_text(v) for v in row])
                for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            found.append(sheet.title)
            try:
                table = _table_from_rows(
                    f"{path.name}[{sheet.title}]", records, decimal_comma=False, pad_short_rows=True
                )
            except RawDataError:
                continue
            if set(schema.names) <= {_canonical_header(h) for h in table.header}:
                return table
    finally:
        book.close()
    raise RawDataError(
        path.name,
        values=found,
        rule=f"no sheet has a header with the columns of {schema.stem} (sheets found: {', '.join(found) or 'none'})",
        fix=f"put the data on a sheet whose first row holds the column names {', '.join(schema.names[:6])}, ...",
    )


# -- columns and cells ----------------------------------------------------------------------


def _canonical_header(text: str) -> str:
    # Stray spaces (and a BOM left inside a quoted header) are the common header damage.
    return " ".join(str(text).replace("\ufeff", "").split())


def _select_columns(table: _Table, schema: FileSchema, personal: list[str]) -> pd.DataFrame:
    header = [_canonical_header(h) for h in table.header]
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise RawDataError(
            table.name,
            column=dupes[0],
            values=dupes,
            rule="column names must be unique",
            fix="rename or delete the duplicated column",
        )
    # Matching is exact after whitespace clean-up, then case-insensitive as a courtesy.
    by_key = {h.lower(): i for i, h in enumerate(header)}
    index: dict[str, int] = {}
    missing = []
    for name in schema.names:
        i = by_key.get(name.lower())
        if i is None:
            missing.append(name)
        else:
            index[name] = i
    if missing:
        raise RawDataError(
            table.name,
            column=missing[0],
            values=missing,
            rule=f"required column(s) missing: {', '.join(missing)}",
            fix="add the column(s) with exactly these names (see data/README.md)",
        )
    used = set(index.values())
    table.dropped = [h for i, h in enumerate(header) if i not in used and h]
    personal_dropped = [h for h in table.dropped if is_personal(h, personal)]
    data = {name: [r[i] for r in table.cells] for name, i in index.items()}
    frame = pd.DataFrame(data, index=pd.Index(table.rows, name="source_row"), dtype=object)
    frame.attrs["personal_fields_dropped"] = personal_dropped
    frame.attrs["extra_columns_dropped"] = [h for h in table.dropped if h not in personal_dropped]
    return frame


def _to_number(text: str, decimal_comma: bool) -> float | None:
    token = text.strip()
    if token.lower() in NA_TOKENS:
        return None
    if decimal_comma:
        token = token.replace(".", "") if token.count(".") and "," in token else token
        token = token.replace(",", ".")
    value = float(token)  # ValueError for text; caught by the caller
    if not math.isfinite(value):
        raise ValueError(token)
    return value


def _type_numeric(frame: pd.DataFrame, col: str, kind: str, table: _Table) -> pd.Series:
    values: list[float | int | None] = []
    bad_rows, bad_values = [], []
    for row, text in zip(frame.index, frame[col], strict=True):
        try:
            number = _to_number(text, table.decimal_comma)
        except ValueError:
            bad_rows.append(row)
            bad_values.append(text)
            continue
        if number is not None and kind == "integer" and not float(number).is_integer():
            bad_rows.append(row)
            bad_values.append(text)
            continue
        values.append(None if number is None else (int(number) if kind == "integer" else number))
    if bad_rows:
        what = "whole numbers" if kind == "integer" else "numbers"
        raise RawDataError(
            table.name,
            column=col,
            rows=bad_rows,
            values=bad_values,
            rule=f"the column holds {what}; a missing answer may be left empty or written as '-' or 'NA'",
            fix="correct the cells (a decimal comma is read only in ';'-separated files)",
        )
    if kind == "integer":
        return pd.Series(values, index=frame.index, dtype="Int64")
    return pd.Series(
        [math.nan if v is None else v for v in values], index=frame.index, dtype="float64"
    )


def _canonicalise(
    frame: pd.DataFrame, col: str, lookup: dict[str, str], table: _Table, strict: bool
) -> pd.Series:
    keys = frame[col].map(label_key)
    mapped = keys.map(lookup)
    unknown = mapped.isna() & (frame[col] != "" if not strict else True)
    if strict and unknown.any():
        allowed = sorted(set(lookup.values()))
        raise RawDataError(
            table.name,
            column=col,
            rows=list(frame.index[unknown]),
            values=list(frame[col][unknown]),
            rule=f"unrecognised label; allowed are {', '.join(allowed)} or a variant listed in data/codebook.yaml",
            fix="correct the cells, or add the spelling to the variants in the codebook if it is a genuine variant",
        )
    # Lenient columns keep an unknown spelling as is: the gates report it with the allowed list.
    return mapped.where(~unknown, frame[col])


def _type_frame(
    frame: pd.DataFrame, schema: FileSchema, table: _Table, cb: Codebook
) -> pd.DataFrame:
    out = {}
    for col, kind in schema.columns.items():
        if kind == "string":
            ref = schema.label_columns.get(col)
            if ref == "roles":
                series = _canonicalise(frame, col, role_lookup(cb), table, strict=True)
            elif ref == "statuses":
                series = _canonicalise(frame, col, status_lookup(cb), table, strict=True)
            elif ref:
                series = _canonicalise(
                    frame, col, plain_lookup(cb.allowed_values(ref)), table, strict=False
                )
            else:
                allowed = cb.files[schema.key].columns[col].allowed
                lookup = plain_lookup([str(a) for a in allowed]) if allowed else None
                series = (
                    _canonicalise(frame, col, lookup, table, strict=False) if lookup else frame[col]
                )
            out[col] = series.where(series != "", None).astype("string")
        else:
            out[col] = _type_numeric(frame, col, kind, table)
    typed = pd.DataFrame(out, index=frame.index)
    typed.attrs.update(frame.attrs)
    typed.attrs["source"] = table.name
    typed.attrs["source_rows"] = list(frame.index)
    return typed.reset_index(drop=True)


# -- public -------------------------------------------------------------------------------


def read_raw_file(data_dir: str | Path, cb: Codebook, file_key: str) -> pd.DataFrame:
    """Read one file of the codebook's ``files:`` section (``.csv`` or ``.xlsx``).

    The returned frame has exactly the schema's columns in canonical order (extra columns and
    personal fields are dropped; their headers are listed in ``df.attrs``), a fresh
    ``RangeIndex``, and ``df.attrs['source_rows']`` with each row's spreadsheet row number so
    the gates can point at cells. Types: ``string`` for text, ``Int64`` for integers,
    ``float64`` for numbers (NaN = missing).
    """
    data_dir = Path(data_dir)
    schema = file_schema(cb, file_key)
    candidates = [data_dir / f"{schema.stem}{ext}" for ext in (".csv", ".xlsx")]
    present = [p for p in candidates if p.is_file()]
    if not present:
        raise RawDataError(
            f"{schema.stem}.csv",
            rule=f"the file is missing from {data_dir}",
            fix=f"add {schema.stem}.csv or {schema.stem}.xlsx (see data/README.md for its columns)",
        )
    if len(present) > 1:
        raise RawDataError(
            present[0].name,
            values=[p.name for p in present],
            rule="both a .csv and an .xlsx version exist; it is not clear which one to use",
            fix="keep only one of them in the data folder",
        )
    path = present[0]
    if path.stat().st_size == 0:
        raise RawDataError(
            path.name, rule="the file is empty (0 bytes)", fix="export the data again"
        )
    table = _read_csv(path) if path.suffix == ".csv" else _read_xlsx(path, schema)
    frame = _select_columns(table, schema, cb.personal_fields)
    return _type_frame(frame, schema, table, cb)


def read_raw_dir(data_dir: str | Path, cb: Codebook) -> dict[str, pd.DataFrame]:
    """Read every file of ``cb.files`` from ``data_dir``; keys are the ``files:`` keys.

    Raises :class:`RawDataError` on the first file that cannot be read faithfully.
    """
    return {key: read_raw_file(data_dir, cb, key) for key in cb.files}
