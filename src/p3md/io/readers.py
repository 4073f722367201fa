"""Read a raw data folder into typed DataFrames, whatever the spreadsheet program did to it.

Accepted for every file of the codebook's ``files:`` section: ``<stem>.csv`` (``,`` or ``;``
delimited; decimal comma when ``;``-delimited; UTF-8 with or without BOM), ``<stem>.xlsx``
(the first sheet whose header has the schema's columns), ``<stem>.sav``/``.dta``
(:mod:`p3md.io.spss`), a sheet of a filled data-entry template (:mod:`p3md.io.template`) or a
form export named in ``mapping.yaml`` (:mod:`p3md.io.mapping`).

The readers only do *structural* reading: find the file, decode it, check the header, type the
cells faithfully, canonicalise labels, drop personal fields. Value ranges (scores 1-3, patterns
of IDs, foreign keys) are the great-expectations gates' job, so an out-of-range integer passes
through unchanged here. Whatever cannot be represented faithfully (text in a numeric column,
an unknown role) raises :class:`~p3md.io.errors.RawDataError`. Nothing is written to the folder.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from p3md.codebook import Codebook
from p3md.io.errors import RawDataError
from p3md.io.labels import label_key, plain_lookup, role_lookup, status_lookup
from p3md.io.mapping import MAPPING_FILE, apply_mapping, load_mapping
from p3md.io.pseudonymise import is_personal
from p3md.io.schema import FileSchema, file_schema
from p3md.io.sources import Source, inside
from p3md.io.spss import SPSS_SUFFIXES, read_spss_table
from p3md.io.table import NA_TOKENS, Table, read_csv_table, read_xlsx_sheet, xlsx_tables
from p3md.io.template import is_template, read_template_sheet


def _read_xlsx(path: Path, schema: FileSchema) -> Table:
    found: list[str] = []
    for title, table in xlsx_tables(path):
        found.append(title)
        if isinstance(table, Table) and set(schema.names) <= {
            _canonical_header(h) for h in table.header
        }:
            return table
    raise RawDataError(
        path.name,
        values=found,
        rule=(
            f"no sheet has a header with the columns of {schema.stem} "
            f"(sheets found: {', '.join(found) or 'none'})"
        ),
        fix=(
            "put the data on a sheet whose first row holds the column names "
            f"{', '.join(schema.names[:6])}, ..."
        ),
    )


# -- columns and cells ----------------------------------------------------------------------


def _canonical_header(text: str) -> str:
    # Stray spaces (and a BOM left inside a quoted header) are the common header damage.
    return " ".join(str(text).replace("\ufeff", "").split())


def _select_columns(table: Table, schema: FileSchema, personal: list[str]) -> pd.DataFrame:
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
    table.dropped = table.predropped + [h for i, h in enumerate(header) if i not in used and h]
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


def _type_numeric(frame: pd.DataFrame, col: str, kind: str, table: Table) -> pd.Series:
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
            rule=(
                f"the column holds {what}; a missing answer may be left empty or written as "
                "'-' or 'NA'"
            ),
            fix="correct the cells (a decimal comma is read only in ';'-separated files)",
        )
    if kind == "integer":
        return pd.Series(values, index=frame.index, dtype="Int64")
    return pd.Series(
        [math.nan if v is None else v for v in values], index=frame.index, dtype="float64"
    )


def _canonicalise(
    frame: pd.DataFrame, col: str, lookup: dict[str, str], table: Table, strict: bool
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
            rule=(
                f"unrecognised label; allowed are {', '.join(allowed)} or a variant listed in "
                "data/codebook.yaml"
            ),
            fix=(
                "correct the cells, or add the spelling to the variants in the codebook if it "
                "is a genuine variant"
            ),
        )
    # Lenient columns keep an unknown spelling as is: the gates report it with the allowed list.
    return mapped.where(~unknown, frame[col])


def _type_frame(
    frame: pd.DataFrame, schema: FileSchema, table: Table, cb: Codebook
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
    typed.attrs["source_headers"] = dict(table.source_headers)
    typed.attrs["source_rows"] = list(frame.index)
    return typed.reset_index(drop=True)


# -- public -------------------------------------------------------------------------------


#: Extensions read as a raw file ``<stem><ext>``, in this order of preference.
RAW_SUFFIXES = (".csv", ".xlsx", *SPSS_SUFFIXES)


def locate(data_dir: Path, cb: Codebook, schema: FileSchema) -> Source:
    """Where the cells of ``schema``'s file come from, without reading them: a form export
    named in ``mapping.yaml``, ``<stem>.csv|.xlsx|.sav|.dta``, or a sheet of a filled
    template. Every path is resolved inside ``data_dir`` (symbolic links followed), or
    refused (:func:`p3md.io.sources.inside`)."""
    mapping = load_mapping(data_dir)
    entry = mapping.files.get(schema.key) if mapping else None
    direct = [data_dir / f"{schema.stem}{ext}" for ext in RAW_SUFFIXES]
    direct = [p for p in direct if p.is_file() or p.is_symlink()]
    if entry is not None:
        config = (inside(data_dir, MAPPING_FILE, file=MAPPING_FILE),)
        source = inside(
            data_dir, entry.source, file=MAPPING_FILE, entry=f"files.{schema.key}.source"
        )
        if not source.is_file():
            raise RawDataError(
                MAPPING_FILE,
                column=f"files.{schema.key}.source",
                values=[entry.source],
                rule=f"the section {schema.key} of {MAPPING_FILE} names the file "
                f"{entry.source!r}, which is not in the data folder",
                fix="put the export into the data folder under that name, or correct `source:`",
            )
        others = [p for p in direct if p.resolve() != source]
        if others:
            raise RawDataError(
                others[0].name,
                values=[others[0].name, entry.source],
                rule=f"{MAPPING_FILE} maps {entry.source!r} to {schema.key}, and "
                f"{others[0].name} is in the folder too; it is not clear which one to use",
                fix=f"keep only one of them (or remove the section {schema.key} of {MAPPING_FILE})",
            )
        return Source(schema.key, "mapping", source, entry.sheet, config)
    if len(direct) > 1:
        raise RawDataError(
            direct[0].name,
            values=[p.name for p in direct],
            rule=f"{' and '.join(p.name for p in direct)} are both present; it is not clear "
            "which one to use",
            fix="keep only one of them in the data folder",
        )
    if direct:
        path = inside(data_dir, direct[0].name, file=direct[0].name)
        if not path.is_file():
            raise RawDataError(
                direct[0].name,
                rule="the name is a symbolic link to a file that does not exist",
                fix="put the file itself into the data folder",
            )
        return Source(schema.key, "direct", path)
    workbooks = [inside(data_dir, p.name, file=p.name) for p in sorted(data_dir.glob("*.xlsx"))]
    templates = [p for p in workbooks if is_template(p)]
    if len(templates) > 1:
        raise RawDataError(
            templates[0].name,
            values=[p.name for p in templates],
            rule="several filled data-entry templates are in the folder",
            fix="keep one template workbook per data folder",
        )
    if templates:
        return Source(schema.key, "template", templates[0])
    return Source(schema.key, "missing", None)


def _source_table(data_dir: Path, cb: Codebook, schema: FileSchema) -> Table:
    """The file's cells, from whichever road :func:`locate` finds."""
    source = locate(data_dir, cb, schema)
    if source.road == "mapping":
        assert source.path is not None
        mapping = load_mapping(data_dir)
        assert mapping is not None
        entry = mapping.files[schema.key]
        return apply_mapping(
            _any_table(source.path, cb, schema, entry.sheet), entry, cb, schema.key
        )
    if source.road == "direct":
        assert source.path is not None
        if source.path.stat().st_size == 0:
            raise RawDataError(
                source.path.name, rule="the file is empty (0 bytes)", fix="export the data again"
            )
        return _any_table(source.path, cb, schema)
    if source.road == "template":
        assert source.path is not None
        return read_template_sheet(source.path, cb, schema)
    raise RawDataError(
        f"{schema.stem}.csv",
        rule=f"the file is missing from {data_dir}",
        fix=f"add {schema.stem}.csv (or .xlsx, .sav, .dta; see data/README.md for its columns), "
        f"a filled data-entry template (make template), or a form export with a "
        f"{MAPPING_FILE} (python -m p3md map)",
    )


def input_files(data_dir: str | Path, cb: Codebook) -> dict[str, list[Path]]:
    """The resolved files the reader uses for each file key of ``cb.files``, without reading
    them: the export and ``mapping.yaml`` for a mapped file, the template workbook, the
    ``.csv``... (empty for a missing file). The runner hashes exactly these into the cache key
    of the stages that read the key. Raises :class:`RawDataError` as the reader would (a path
    outside the folder, an unreadable ``mapping.yaml``)."""
    folder = Path(data_dir)
    return {key: locate(folder, cb, file_schema(cb, key)).files for key in cb.files}


def _any_table(path: Path, cb: Codebook, schema: FileSchema, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if suffix in SPSS_SUFFIXES:
        return read_spss_table(path, cb, schema)
    if suffix == ".xlsx":
        if sheet is not None:
            return read_xlsx_sheet(path, sheet)
        if is_template(path):
            return read_template_sheet(path, cb, schema)
        return _read_xlsx(path, schema)
    return read_csv_table(path)


def read_raw_file(data_dir: str | Path, cb: Codebook, file_key: str) -> pd.DataFrame:
    """Read one file of the codebook's ``files:`` section, from any road (see
    :func:`_source_table`): ``.csv``, ``.xlsx``, ``.sav``/``.dta``, a filled template, or a
    form export with ``mapping.yaml``.

    The returned frame has exactly the schema's columns in canonical order (extra columns and
    personal fields are dropped; their headers are listed in ``df.attrs``), a fresh
    ``RangeIndex``, and ``df.attrs['source_rows']`` with each row's spreadsheet row number so
    the gates can point at cells. Types: ``string`` for text, ``Int64`` for integers,
    ``float64`` for numbers (NaN = missing).
    """
    schema = file_schema(cb, file_key)
    try:
        table = _source_table(Path(data_dir), cb, schema)
        frame = _select_columns(table, schema, cb.personal_fields)
        return _type_frame(frame, schema, table, cb)
    except RawDataError as exc:
        # A converted input (form export, template sheet, .sav): the gates' message names
        # the user's file and the raw file it becomes.
        canonical = cb.files[file_key].path
        if exc.file not in (canonical, MAPPING_FILE):
            exc.canonical = canonical  # type: ignore[attr-defined]
        raise


def read_raw_dir(
    data_dir: str | Path,
    cb: Codebook,
    keys: Iterable[str] | None = None,
    *,
    optional: Iterable[str] = (),
) -> dict[str, pd.DataFrame]:
    """Read every file of ``cb.files`` (or only ``keys``) from ``data_dir``; keys are the
    ``files:`` keys. Files named in ``optional`` are left out when the folder has none (a
    district's folder of a multi-district data set has no Wioi files).

    Raises :class:`RawDataError` on the first file that cannot be read faithfully.
    """
    wanted = list(cb.files) if keys is None else [k for k in cb.files if k in set(keys)]
    skippable = set(optional)
    frames: dict[str, pd.DataFrame] = {}
    for key in wanted:
        try:
            frames[key] = read_raw_file(data_dir, cb, key)
        except RawDataError as exc:
            if key in skippable and str(exc.rule or "").startswith("the file is missing"):
                continue
            raise
    return frames
