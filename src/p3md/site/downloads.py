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
