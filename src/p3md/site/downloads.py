"""The site's downloads made safe to open in a spreadsheet (CSV injection).

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula; ``=HYPERLINK(...)`` or ``+cmd|' /C calc'!A0``
in a kecamatan name would run on a reviewer's machine. Following the OWASP guidance on CSV
injection (https://owasp.org/www-community/attacks/CSV_Injection), every such cell of the CSV
and XLSX files the site offers gets a leading single quote, which spreadsheets hide and which
makes the cell text. Numbers stay numbers: ``-0.5``, ``-1e-05`` and ``+3`` are left alone.

Only the *copies in the site folder* are changed (``site/tables``, ``site/derived``,
``site/downloads``, including the raw-data copies and the validation CSV): the run folder's
``tables/*.csv`` and ``derived/*.csv`` keep the tidy, exact values the stages and the tests read,
and the data folder is never written. A file with nothing to neutralise is not rewritten (same
bytes as the run folder's). Written here rather than taken from a library: no maintained
package does this for both formats; it is the standard library's ``csv`` and openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

#: OWASP's list of characters that start a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain number (``.`` or ``,`` as decimal mark, optional exponent or percent sign).
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")
#: The site folders whose spreadsheets are neutralised.
FOLDERS = ("tables", "derived", "downloads")
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def is_formula(value: Any) -> bool:
    """Whether a spreadsheet would evaluate ``value`` (text, not a number) as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    return not _NUMBER.match(value.strip())


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it would start a formula; anything else unchanged."""
    return "'" + value if is_formula(value) else value


def neutralise_csv(path: Path) -> int:
    """Rewrite ``path`` with its formula cells neutralised, keeping its encoding, delimiter and
    line ends; returns how many cells changed (0: the file is left as it is)."""
    data = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    changed = 0
    for row in rows:
        for i, value in enumerate(row):
            if is_formula(value):
                row[i] = "'" + value
                changed += 1
    if changed:
        buf = io.StringIO(newline="")
        plain = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
        # A row with a carriage return in a cell is written fully quoted: Python's csv does not
        # quote a lone CR under QUOTE_MINIMAL, and a reader would split the row there.
        quoted = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL)
        for row in rows:
            (quoted if any("\r" in v for v in row) else plain).writerow(row)
        out = buf.getvalue()
        bom = encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf")
        body = out.encode(encoding.replace("-sig", ""))
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body)
    return changed


def neutralise_xlsx(path: Path) -> int:
    """Neutralise the formula cells of a workbook (text that starts a formula, and real
    formulas: a data file has no business computing on the reader's machine)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or is_formula(c.value):
                    text = c.value if isinstance(c.value, str) else str(c.value)
                    c.value = "'" + (text if text.startswith(FORMULA_START) else "=" + text)
                    c.data_type = "s"
                    changed += 1
    if changed:
        wb.save(path)
    return changed


def neutralise_site(site: Path) -> dict[str, int]:
    """Every CSV/TSV and XLSX under the site's download folders; ``{relative path: cells}`` of
    the files that changed."""
    done: dict[str, int] = {}
    for folder in FOLDERS:
        root = site / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            suffix = path.suffix.lower()
            if suffix in (".csv", ".tsv", ".txt"):
                n = neutralise_csv(path)
            elif suffix == ".xlsx":
                n = neutralise_xlsx(path)
            else:
                continue
            if n:
                done[path.relative_to(site).as_posix()] = n
    return done


#: Every table of the run in one workbook, offered beside the CSVs (issue 18, Deliver 8).
WORKBOOK = "downloads/tabel.xlsx"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(label: str, used: set[str]) -> str:
    """A worksheet name from a table label: without ``tbl-``, Excel's 31 characters, unique."""
    base = _SHEET_FORBIDDEN.sub("-", label.removeprefix("tbl-"))[:31] or "tabel"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}~{n}"
    used.add(name.lower())
    return name


def _cell_value(text: str) -> Any:
    """A CSV cell as the workbook holds it: a number when it is one (the tidy CSVs use a
    decimal point), else text neutralised like every other download."""
    if text == "":
        return None
    if _NUMBER.match(text) and "," not in text and not text.endswith("%"):
        try:
            return float(text) if any(ch in text for ch in ".eE") else int(text)
        except ValueError:
            pass
    return neutralise(text)


def write_workbook(run_dir: Path, path: Path, notice: str = "") -> int:
    """Write every ``tables/*.csv`` of the run into one workbook at ``path``: one sheet per
    table with its caption (from the JSON sidecar) in the first row, the data notice under it
    when there is one (``notice``: plain text), the table at full precision, and its note
    below. Numbers stay numbers; text that would start a formula is neutralised (and
    XlsxWriter is told never to turn a string into a formula or a link). Returns the number of
    sheets (0: no tables, no file)."""
    import json

    import xlsxwriter

    tables = sorted((run_dir / "tables").glob("*.csv"))
    if not tables:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    wb = xlsxwriter.Workbook(str(path), options)
    bold = wb.add_format({"bold": True})
    header = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    italic = wb.add_format({"italic": True})
    used: set[str] = set()
    for csv_path in tables:
        sidecar = csv_path.with_suffix(".json")
        meta = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else {}
        ws = wb.add_worksheet(_sheet_name(csv_path.stem, used))
        row = 0
        ws.write_string(row, 0, neutralise(str(meta.get("caption") or csv_path.stem)), bold)
        row += 1
        if notice:
            ws.write_string(row, 0, neutralise(notice), italic)
            row += 1
        row += 1
        with csv_path.open(encoding="utf-8", newline="") as fh:
            for r, values in enumerate(csv.reader(fh)):
                for c, text in enumerate(values):
                    value = neutralise(text) if r == 0 else _cell_value(text)
                    if value is None:
                        continue
                    if isinstance(value, str):
                        ws.write_string(row, c, value, header if r == 0 else None)
                    else:
                        ws.write_number(row, c, value)
                row += 1
        if meta.get("note"):
            ws.write_string(row + 1, 0, neutralise(str(meta["note"])), italic)
    wb.close()
    return len(tables)
