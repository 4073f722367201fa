"""SPSS ``.sav`` and Stata ``.dta`` files, read and written with pyreadstat.

Reading (:func:`read_spss_table`): variable names are matched to the codebook's columns
(ignoring case); user-missing values (SPSS) and extended missing values (Stata ``.a``-``.z``)
become missing, as pyreadstat does by default; value labels are mapped to the codebook's codes
**through the labels**, so a file coded 1 = Baik ... 3 = Tidak baik is read correctly. A label
that is not one of the codebook's, or a value without a label in a labelled variable, stops
the run naming the variable, its labels and the expected ones. An options variable without
any value labels is read as codes (the input gates check their range). Rows in messages are
case numbers + 1 (case 1 = row 2), as for the other formats (header = row 1).

Writing (:func:`write_scored_sav`): a scored table as ``.sav`` with variable labels from the
codebook (question texts, variable names, category names) and value labels of the item
scores, so a user who continues in SPSS gets a labelled file.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from p3md.codebook import Codebook
from p3md.io.errors import RawDataError
from p3md.io.labels import answer_lookup, label_key
from p3md.io.schema import FileSchema, column_options, column_text, option_text
from p3md.io.table import Table, refuse_control_characters

SPSS_SUFFIXES = (".sav", ".zsav", ".dta")


def _read(path: Path) -> tuple[pd.DataFrame, Any, dict[str, list[dict[str, Any]]]]:
    """Data (user-missing values already NaN: pyreadstat's default), metadata, and the
    declared user-missing ranges (which pyreadstat reports only when asked to keep them)."""
    import pyreadstat  # imported lazily: only .sav/.dta input needs it

    dta = path.suffix.lower() == ".dta"
    read = pyreadstat.read_dta if dta else pyreadstat.read_sav
    try:
        df, meta = read(str(path))
        ranges = (
            {} if dta else read(str(path), metadataonly=True, user_missing=True)[1].missing_ranges
        )
        return df, meta, dict(ranges or {})
    except Exception as exc:  # pyreadstat raises ReadstatError, PyreadstatError, OSError
        raise RawDataError(
            path.name,
            rule=f"the file cannot be read as {path.suffix} ({type(exc).__name__}: {exc})",
            fix="save it again from SPSS/Stata (File > Save As), or export it as CSV UTF-8",
        ) from None


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _shown(labels: dict[Any, str]) -> str:
    return "; ".join(
        f"{_text(v)} = {lbl}" for v, lbl in sorted(labels.items(), key=lambda t: str(t[0]))
    )


def _user_missing(value: Any, ranges: list[dict[str, Any]]) -> bool:
    """Whether a labelled value is declared user-missing (its label names a kind of missing:
    "Tidak berlaku", "Tidak menjawab"); such values are read as missing by pyreadstat."""
    return any(r.get("lo") <= value <= r.get("hi") for r in ranges if not isinstance(value, str))


def read_spss_table(path: Path, cb: Codebook, schema: FileSchema) -> Table:
    """The file as a :class:`Table` with the codebook's column names and codes."""
    df, meta, missing_ranges = _read(path)
    by_lower = {c.lower(): c for c in schema.names}
    value_labels: dict[str, dict[Any, str]] = dict(meta.variable_value_labels or {})
    rows = [i + 2 for i in range(len(df))]
    header: list[str] = []
    columns: list[list[str]] = []
    for var in df.columns:
        col = by_lower.get(str(var).lower())
        labels = value_labels.get(var) or {}
        values = df[var].tolist()
        header.append(col or str(var))
        if col is None or not labels:
            columns.append([_text(v) for v in values])
            continue
        options = column_options(cb, schema.key, col)
        if not options:
            # An open column (count, distance, ID) keeps its values; labels there only name
            # special values, which must be declared user-missing to count as missing.
            columns.append([_text(v) for v in values])
            continue
        declared = missing_ranges.get(var, [])
        labels = {v: lbl for v, lbl in labels.items() if not _user_missing(v, declared)}
        lookup = answer_lookup(cb, schema.key, col)
        expected = "; ".join(option_text(c, lbl) for c, lbl in options.items())
        coded: dict[str, str] = {}
        foreign = []
        for value, label in labels.items():
            code = lookup.get(label_key(label))
            if code is None:
                foreign.append(f"{_text(value)} = {label}")
            else:
                coded[_text(value)] = code
        if foreign:
            raise RawDataError(
                path.name,
                column=col,
                values=foreign,
                rule=f"the value labels of variable {var} ({_shown(labels)}) are not the "
                f"codebook's labels ({expected})",
                fix="correct the value labels in SPSS (Variable View > Values) or recode the "
                "variable so that its labels are the codebook's",
            )
        cells, bad_rows, bad_values = [], [], []
        for row, value in zip(rows, values, strict=True):
            text = _text(value)
            if text == "":
                cells.append("")
            elif text in coded:
                cells.append(coded[text])
            else:
                cells.append(text)
                bad_rows.append(row)
                bad_values.append(text)
        if bad_rows:
            raise RawDataError(
                path.name,
                column=col,
                rows=bad_rows,
                values=bad_values,
                rule=f"the value has no value label in variable {var} (its labels: "
                f"{_shown(labels)}; the codebook's: {expected})",
                fix="correct the value, add its label in SPSS (Variable View > Values), or "
                "declare it as user-missing (Variable View > Missing)",
            )
        columns.append(cells)
    cells_by_row = [list(r) for r in zip(*columns, strict=True)] if columns else []
    refuse_control_characters(path.name, header, cells_by_row, rows)
    return Table(path.name, header, cells_by_row, rows)


# -- writing --------------------------------------------------------------------------------


def _variable_label(cb: Codebook, column: str) -> str | None:
    if column.startswith("s_"):
        try:
            return f"Skor: {cb.item(column[2:]).text}"
        except KeyError:
            return None
    if column in cb.variables:
        return cb.variables[column].name_id
    if column.endswith("_cat") and column[:-4] in cb.variables:
        return f"Kategori {cb.variables[column[:-4]].name_id}"
    for key, spec in cb.files.items():
        if column in spec.columns:
            return column_text(cb, key, column)
    return None


def write_scored_sav(df: pd.DataFrame, path: str | Path, cb: Codebook) -> Path:
    """Write a scored table as ``.sav`` with the codebook's variable and value labels: item
    scores ``s_<item>`` of option items carry their scale's labels (score 3 = best)."""
    import pyreadstat

    out: dict[str, Any] = {}
    value_labels: dict[str, dict[float, str]] = {}
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_bool_dtype(series.dtype):
            out[col] = series.astype("float64").to_numpy()
        elif pd.api.types.is_numeric_dtype(series.dtype):
            out[col] = series.astype("float64").to_numpy()
        else:
            out[col] = series.astype(object).where(series.notna(), "").to_numpy()
        if col.startswith("s_"):
            try:
                item = cb.item(col[2:])
            except KeyError:
                continue
            if item.response.type == "options":
                scale = cb.scales[item.response.scale or ""]
                value_labels[col] = {float(k): v for k, v in scale.items()}
    labels = {c: _variable_label(cb, c) for c in df.columns}
    path = Path(path)
    pyreadstat.write_sav(
        pd.DataFrame(out, columns=list(df.columns)),
        str(path),
        column_labels={c: lbl for c, lbl in labels.items() if lbl},
        variable_value_labels=value_labels,
    )
    return path
