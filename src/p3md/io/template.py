"""The Excel data-entry template: written from the codebook, read back as raw data.

``write_template`` builds one workbook: a first sheet *Petunjuk* (how to fill it in and run the
study on it), then one sheet per raw file of the codebook's ``files:`` section, named after
the file, with the codebook's column names in row 1. Each header carries the question text
as a cell comment (so row 2 is already data and nothing has to be skipped when reading);
every column with a closed list gets a drop-down (Excel data validation, ``stop`` style) of
``code = label`` entries; counts, distances and scores are limited to their range; IDs are
checked against their codebook pattern where an Excel formula can express it. Panes are
frozen below the header and right of the ID column.

XlsxWriter writes it, not openpyxl: it is the library that writes every part of this
(validation with input and error messages, comments, hidden list sheet, frozen panes) and
its files are what LibreOffice and Excel both open without repair; it cannot read, which the
reader does with openpyxl as for any ``.xlsx``.

:func:`read_template_sheet` turns a filled sheet into the reader's :class:`Table`: a
drop-down entry ``3 = Baik`` becomes its code ``3``; a bare code is kept; anything else in a
list column (typed over the validation, or pasted, which Excel does not validate) is a
:class:`RawDataError` naming the sheet, column and rows.
"""

from __future__ import annotations

import re
from pathlib import Path

from p3md.codebook import Codebook
from p3md.io.errors import RawDataError
from p3md.io.labels import label_key, recode_cells
from p3md.io.schema import FileSchema, column_options, column_text, file_schema, option_text
from p3md.io.table import Table, open_workbook, sheet_records, table_from_rows

#: Title of the instructions sheet and of the hidden sheet holding the drop-down lists; the
#: hidden sheet marks a workbook as a template for the reader.
GUIDE_SHEET = "Petunjuk"
LISTS_SHEET = "_daftar_p3md"
#: Rows prepared with validation below the header (a data set larger than this is entered
#: faster from a form export; the validation range is easy to extend in Excel).
ENTRY_ROWS = 3000

_ID_PATTERN = re.compile(r"^\^([A-Z]+)\\d\{(\d+),\}\$$")

GUIDE_ID = [
    "Templat isian data P3MD (dibuat dari data/codebook.yaml)",
    "",
    "Cara mengisi",
    "1. Setiap lembar adalah satu berkas data studi; nama kolom di baris 1 jangan diubah.",
    "2. Arahkan kursor ke judul kolom untuk membaca pertanyaannya (komentar sel).",
    "3. Kolom berpilihan memakai daftar turun (drop-down): pilih isinya, misalnya '3 = Baik'. "
    "Boleh juga mengetik kodenya saja (3).",
    "4. Angka (kali, km, skor) dan kode (F001, V002, ...) diperiksa saat diketik. "
    "Salin-tempel (paste) melewati pemeriksaan Excel, tetapi pembaca data memeriksanya lagi.",
    "5. Butir khusus PLD atau PDP dibiarkan kosong untuk peran yang lain. "
    "Jawaban yang hilang dibiarkan kosong.",
    "6. Jangan menulis nama, nomor HP atau alamat: data memakai kode, bukan identitas.",
    "",
    "Cara menjalankan studi",
    "1. Simpan berkas ini (.xlsx) sendirian di satu folder, misalnya data/kabupaten-saya/.",
    "2. Jalankan: make report DATA=data/kabupaten-saya",
    "   (atau: python -m p3md report --data data/kabupaten-saya).",
    "3. Bila ada isian yang salah, laporan berhenti dengan pesan yang menyebut lembar, kolom, "
    "baris dan cara memperbaikinya; laporan lama tidak ditimpa.",
    "",
    "Daftar kolom",
]
GUIDE_COLUMNS = ["Lembar", "Kolom", "Pertanyaan", "Isian yang diizinkan"]


def _excel_col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def id_formula(pattern: str, cell: str) -> str | None:
    """An Excel custom-validation formula for an ID pattern ``^F\\d{3,}$`` (prefix, then at
    least n digits, nothing else); ``None`` for a pattern Excel formulas cannot express (the
    input gates still check every pattern)."""
    m = _ID_PATTERN.match(pattern)
    if m is None:
        return None
    prefix, digits = m.group(1), int(m.group(2))
    k = len(prefix)
    return (
        f'=AND(EXACT(LEFT({cell},{k}),"{prefix}"),LEN({cell})>={k + digits},'
        f'SUMPRODUCT(--ISNUMBER(-MID({cell},ROW(INDIRECT("{k + 1}:"&LEN({cell}))),1)))'
        f"=LEN({cell})-{k})"
    )


def _range_rule(cb: Codebook, schema: FileSchema, col: str) -> tuple[str, float, float] | None:
    """(``integer``/``decimal``, min, max) for a numeric column with known bounds."""
    spec = cb.files[schema.key]
    if col in spec.columns:
        cs = spec.columns[col]
        if cs.type == "string" or cs.allowed is not None:
            return None
        hi = cb.resolve(cs.max_from) if cs.max_from else cs.max
        if cs.min is None or hi is None:
            return None
        return ("integer" if cs.type == "integer" else "decimal", cs.min, float(hi))
    item = cb.item(col)
    if item.response.type == "options":
        return None
    top = cb.plausible_max(col)
    kind = "decimal" if item.response.type == "km" else "integer"
    return (kind, 0, float(top)) if top is not None else None


def _describe(cb: Codebook, schema: FileSchema, col: str) -> tuple[str, str]:
    """(question text, what may be entered) of a column, for comments and the guide sheet."""
    text = column_text(cb, schema.key, col) or col
    spec = cb.files[schema.key]
    if col not in spec.columns and spec.item_columns:
        item = cb.item(col)
        for role, role_text in (item.text_by_role or {}).items():
            text += f" ({role}: {role_text})"
        if len(item.roles) < len(cb.roles):
            text += f" [hanya {', '.join(item.roles)}]"
    options = column_options(cb, schema.key, col)
    if options:
        allowed = "; ".join(option_text(c, lbl) for c, lbl in options.items())
    elif (rule := _range_rule(cb, schema, col)) is not None:
        kind, lo, hi = rule
        unit = ""
        if col not in spec.columns:
            r = cb.item(col).response
            unit = f" {r.unit or (cb.bands[r.ref].get('unit') if r.ref else '')}".rstrip()
        what = "bilangan bulat" if kind == "integer" else "angka (desimal boleh)"
        allowed = f"{what} {lo:g}-{hi:g}{unit}"
    elif col in spec.columns and spec.columns[col].pattern:
        allowed = f"kode dengan pola {spec.columns[col].pattern}"
    else:
        allowed = "teks"
    return text, allowed


def write_template(path: str | Path, cb: Codebook) -> Path:
    """Write the data-entry workbook for every file of ``cb.files``; returns its path."""
    import xlsxwriter  # imported lazily: only `p3md template` needs it

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    title = book.add_format({"bold": True, "font_size": 14})
    heading = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    text_cells = book.add_format({"num_format": "@"})

    guide = book.add_worksheet(GUIDE_SHEET)
    lists = book.add_worksheet(LISTS_SHEET)
    list_ranges: dict[tuple[str, ...], str] = {}

    def list_source(entries: tuple[str, ...]) -> str:
        if entries not in list_ranges:
            j = len(list_ranges)
            letter = _excel_col(j)
            for i, entry in enumerate(entries):
                lists.write_string(i, j, entry)
            list_ranges[entries] = f"={LISTS_SHEET}!${letter}$1:${letter}${len(entries)}"
        return list_ranges[entries]

    described: list[tuple[str, str, str, str]] = []
    for key in cb.files:
        schema = file_schema(cb, key)
        sheet = book.add_worksheet(schema.stem)
        last = ENTRY_ROWS
        for j, col in enumerate(schema.names):
            text, allowed = _describe(cb, schema, col)
            described.append((schema.stem, col, text, allowed))
            sheet.write_string(0, j, col, bold)
            sheet.write_comment(
                0, j, f"{text}\n\nIsian: {allowed}", {"x_scale": 2.2, "y_scale": 1.6}
            )
            options = column_options(cb, key, col)
            message = {
                "input_title": col[:32],
                "input_message": text[:255],
                "error_title": "Isian tidak sah",
                "error_message": f"{col}: {allowed}"[:255],
                "error_type": "stop",
            }
            cs = cb.files[key].columns.get(col)
            if options:
                entries = tuple(option_text(c, lbl) for c, lbl in options.items())
                rule = {"validate": "list", "source": list_source(entries)}
            elif (rng := _range_rule(cb, schema, col)) is not None:
                kind, lo, hi = rng
                rule = {"validate": kind, "criteria": "between", "minimum": lo, "maximum": hi}
            elif cs is not None and cs.pattern and id_formula(cs.pattern, "A2"):
                rule = {"validate": "custom", "value": id_formula(cs.pattern, f"{_excel_col(j)}2")}
            else:
                rule = {}
            if rule:
                sheet.data_validation(1, j, last, j, {**rule, **message})
            longest = max(
                (len(option_text(c, lbl)) for c, lbl in (options or {}).items()), default=8
            )
            is_text = cs is not None and cs.type == "string"
            sheet.set_column(
                j, j, max(len(col) + 4, min(28, longest + 2)), text_cells if is_text else None
            )
        sheet.freeze_panes(1, 1)

    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 16)
    guide.set_column(2, 2, 70, wrap)
    guide.set_column(3, 3, 48, wrap)
    for i, line in enumerate(GUIDE_ID):
        fmt = (
            title
            if i == 0
            else heading
            if line and not line[0].isdigit() and line[0] != " "
            else None
        )
        guide.write_string(i, 0, line, fmt)
    start = len(GUIDE_ID)
    for j, name in enumerate(GUIDE_COLUMNS):
        guide.write_string(start, j, name, bold)
    for i, row in enumerate(described, start=start + 1):
        for j, value in enumerate(row):
            guide.write_string(i, j, value)
    guide.freeze_panes(start + 1, 0)
    guide.activate()
    lists.hide()
    book.close()
    return path


# -- reading a filled template ------------------------------------------------------------


def is_template(path: Path) -> bool:
    """True for an ``.xlsx`` written by :func:`write_template` (it has the hidden list sheet)."""
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        book = open_workbook(path)
    except RawDataError:
        return False
    try:
        return LISTS_SHEET in book.sheetnames
    finally:
        book.close()


def read_template_sheet(path: Path, cb: Codebook, schema: FileSchema) -> Table:
    """The sheet of ``schema``'s file as a :class:`Table`, drop-down entries turned into codes."""
    book = open_workbook(path)
    try:
        if schema.stem not in book.sheetnames:
            raise RawDataError(
                path.name,
                values=list(book.sheetnames),
                rule=f"the template has no sheet {schema.stem!r}",
                fix=f"give the sheet holding the {schema.stem} data its name {schema.stem!r} again "
                "(the reader finds each file's sheet by the name the template gave it)",
            )
        records = sheet_records(book[schema.stem])
    finally:
        book.close()
    table = table_from_rows(
        f"{path.name}[{schema.stem}]", records, decimal_comma=False, pad_short_rows=True
    )
    header = [" ".join(h.split()) for h in table.header]
    for j, col in enumerate(header):
        if col not in schema.columns:
            continue
        options = column_options(cb, schema.key, col)
        if not options:
            continue
        accepted = {label_key(option_text(c, lbl)): c for c, lbl in options.items()}
        accepted.update({label_key(c): c for c in options})  # the code typed alone
        bad_rows, bad_values = recode_cells(table.rows, table.cells, j, accepted)
        if bad_rows:
            shown = "; ".join(option_text(c, lbl) for c, lbl in options.items())
            raise RawDataError(
                table.name,
                column=col,
                rows=bad_rows,
                values=bad_values,
                rule=f"the cell is not an entry of the column's drop-down list ({shown}): it was "
                "typed over the validation or pasted",
                fix="choose the value from the drop-down list, or type its code alone",
            )
    return table
