"""The reconstruction as a student would actually hold it: worked examples of the three roads.

Each builder takes a raw folder (``data/raw``) and writes a new data folder holding the same
data in another shape, plus what is true about it (which export header is which codebook
column), so the guide's examples are runnable and the tests can measure the mapping:

- :func:`google_forms_folder`: the four questionnaires as Google Forms "Download responses"
  CSVs (Timestamp and email columns, question-text headers, grids as ``Title [Row]``, label
  answers, role-specific questions left empty);
- :func:`kobo_folder`: the questionnaires and the satisfaction survey as KoboToolbox XLS
  exports, in "label" mode (group label ``/`` question label, label answers) or "xml" mode
  (``group/name`` headers, choice names such as ``kurang_baik``), with Kobo's metadata;
- :func:`spss_folder`: the questionnaires as ``.sav`` files written with pyreadstat (value
  labels from the codebook, roles and kecamatan as labelled numbers, "not applicable" coded 9
  and declared user-missing) and the Wioi tests as Stata ``.dta``;
- :func:`template_folder`: the data-entry template filled in with every file, as the
  drop-downs would fill it (``3 = Baik``).

Files the road does not change are copied as CSV. Nothing here is read by the study itself.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from p3md.codebook import Codebook, load_codebook
from p3md.io.schema import column_options, column_text, file_schema, option_text
from p3md.io.template import write_template

#: The questionnaires (the files a form collects); village_frame and wioi_tests stay CSV in
#: the form examples (a sampling frame and a scored test are not form answers).
FORM_FILES = ("facilitators", "official_ratings", "expert_ratings", "pilot")
KOBO_FILES = (*FORM_FILES, "wioi_satisfaction")
#: Google Forms grids: the variables whose items share one answer scale.
GRID_TITLES = {
    "X3": "Seberapa tinggi dorongan berikut dalam pekerjaan Anda?",
    "X7": "Bagaimana hubungan Anda dengan orang-orang berikut?",
}
#: Titles of the example forms (Google Forms names its download after the form).
FORM_TITLES = {
    "facilitators": "Kuesioner Pendamping Desa",
    "official_ratings": "Penilaian Pendamping oleh Perangkat Desa",
    "expert_ratings": "Penilaian Pendamping oleh Tenaga Ahli",
    "pilot": "Uji Coba Instrumen",
    "wioi_satisfaction": "Survei Kepuasan Masyarakat Wioi",
}
_START = datetime(2021, 6, 14, 8, 0, 0)


@dataclass
class ExampleFolder:
    """A written example: its folder, and per converted file the export's name and the true
    codebook column of each header (``None`` for a column the mapping must drop)."""

    folder: Path
    exports: dict[str, str] = field(default_factory=dict)
    truth: dict[str, dict[str, str | None]] = field(default_factory=dict)


def _raw_text(raw_dir: Path, key: str, cb: Codebook) -> pd.DataFrame:
    spec = cb.files[key]
    return pd.read_csv(Path(raw_dir) / spec.path, dtype=str, keep_default_na=False)


def _copy_rest(raw_dir: Path, out: Path, cb: Codebook, converted: tuple[str, ...]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for key, spec in cb.files.items():
        if key not in converted:
            shutil.copy2(Path(raw_dir) / spec.path, out / spec.path)


def _label(cb: Codebook, key: str, col: str, value: str) -> str:
    options = column_options(cb, key, col)
    return options.get(value, value) if options and value else value


def _is_item(cb: Codebook, key: str, col: str) -> bool:
    return col not in cb.files[key].columns and col in {i.id for i in cb.items}


def _google_header(cb: Codebook, key: str, col: str, number: int) -> str:
    text = column_text(cb, key, col) or col
    if _is_item(cb, key, col) and cb.item(col).variable in GRID_TITLES:
        return f"{GRID_TITLES[cb.item(col).variable]} [{text}]"
    return f"{number}. {text}" if key == "facilitators" else text


def google_forms_folder(raw_dir: Path, out: Path, cb: Codebook | None = None) -> ExampleFolder:
    """The questionnaires as Google Forms response CSVs (see the module docstring)."""
    cb = cb or load_codebook()
    out = Path(out)
    _copy_rest(raw_dir, out, cb, FORM_FILES)
    example = ExampleFolder(out)
    for key in FORM_FILES:
        df = _raw_text(raw_dir, key, cb)
        cols = file_schema(cb, key).names
        headers = {c: _google_header(cb, key, c, n) for n, c in enumerate(cols, start=1)}
        data = {
            "Timestamp": [
                (_START + timedelta(minutes=17 * i)).strftime("%Y/%m/%d %I:%M:%S %p GMT+7")
                for i in range(len(df))
            ],
            "Email address": [f"responden{i + 1:03d}@example.org" for i in range(len(df))],
        }
        for c in cols:
            data[headers[c]] = [_label(cb, key, c, v) for v in df[c]]
        name = f"{FORM_TITLES[key]}.csv"
        pd.DataFrame(data).to_csv(out / name, index=False, lineterminator="\n")
        example.exports[key] = name
        example.truth[key] = {"Timestamp": None, "Email address": None} | {
            headers[c]: c for c in cols
        }
    return example


def _group(cb: Codebook, key: str, col: str, xml: bool) -> str | None:
    if not _is_item(cb, key, col):
        return None
    var = cb.item(col).variable
    return f"grp_{var.lower()}" if xml else cb.variables[var].name_id


def _choice_name(label: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_")


def kobo_folder(
    raw_dir: Path, out: Path, cb: Codebook | None = None, mode: str = "label"
) -> ExampleFolder:
    """The questionnaires and the survey as KoboToolbox XLS exports (see the module docstring)."""
    if mode not in ("label", "xml"):
        raise ValueError(f"mode must be 'label' or 'xml', got {mode!r}")
    cb = cb or load_codebook()
    out = Path(out)
    _copy_rest(raw_dir, out, cb, KOBO_FILES)
    example = ExampleFolder(out)
    xml = mode == "xml"
    for key in KOBO_FILES:
        df = _raw_text(raw_dir, key, cb)
        n = len(df)
        stamps = [_START + timedelta(minutes=23 * i) for i in range(n)]
        data: dict[str, list[object]] = {
            "start": [s.isoformat() + ".000+07:00" for s in stamps],
            "end": [(s + timedelta(minutes=9)).isoformat() + ".000+07:00" for s in stamps],
        }
        truth: dict[str, str | None] = {"start": None, "end": None}
        for c in file_schema(cb, key).names:
            group = _group(cb, key, c, xml)
            name = c if xml else (column_text(cb, key, c) or c)
            header = f"{group}/{name}" if group else name
            options = column_options(cb, key, c)
            values = [
                (_choice_name(options[v]) if xml else options[v]) if options and v else v
                for v in df[c]
            ]
            data[header] = [_number_or_text(v) for v in values]
            truth[header] = c
        meta = {
            "_id": [41000 + i for i in range(n)],
            "_uuid": [f"7c1e{i:04x}-5b1d-4c6a-9f3e-0c2d{i:08x}" for i in range(n)],
            "_submission_time": [(s + timedelta(minutes=10)).isoformat() for s in stamps],
            "_validation_status": [""] * n,
            "_notes": [""] * n,
            "_status": ["submitted_via_web"] * n,
            "_submitted_by": [""] * n,
            "__version__": ["vX7kq2RbPzH9"] * n,
            "_tags": [""] * n,
            "_index": list(range(1, n + 1)),
        }
        data.update(meta)
        truth.update(dict.fromkeys(meta))
        title = FORM_TITLES[key]
        kind = "xml" if xml else "labels"
        name = f"{title.replace(' ', '_')}_-_all_versions_-_{kind}_-_2021-08-31.xlsx"
        pd.DataFrame(data).to_excel(out / name, sheet_name=title[:31], index=False)
        example.exports[key] = name
        example.truth[key] = truth
    return example


def _number_or_text(v: str) -> object:
    if v == "":
        return None
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


#: Code of "not applicable" (a role-specific item for the other role), declared user-missing.
NOT_APPLICABLE = 9


def spss_folder(raw_dir: Path, out: Path, cb: Codebook | None = None) -> ExampleFolder:
    """The questionnaires as ``.sav`` and the Wioi tests as ``.dta`` (see the module
    docstring)."""
    import pyreadstat

    cb = cb or load_codebook()
    out = Path(out)
    _copy_rest(raw_dir, out, cb, (*FORM_FILES, "wioi_tests"))
    example = ExampleFolder(out)
    for key in (*FORM_FILES, "wioi_tests"):
        df = _raw_text(raw_dir, key, cb)
        frame: dict[str, object] = {}
        value_labels: dict[str, dict[float, str]] = {}
        missing: dict[str, list[float]] = {}
        labels: dict[str, str] = {}
        for c in file_schema(cb, key).names:
            labels[c] = column_text(cb, key, c) or c
            options = column_options(cb, key, c)
            spec = cb.files[key].columns.get(c)
            if options and spec is not None and spec.type == "string" and spec.allowed is None:
                # Roles, kecamatan: labelled numbers, as SPSS users code nominal variables.
                codes = {v: float(i) for i, v in enumerate(options, start=1)}
                frame[c] = [codes[v] if v else float("nan") for v in df[c]]
                value_labels[c] = {codes[v]: lbl for v, lbl in options.items()}
            elif spec is not None and spec.type == "string":
                frame[c] = df[c]
            else:
                item = cb.item(c) if _is_item(cb, key, c) else None
                optional = item is not None and len(item.roles) < len(cb.roles)
                values = [
                    float(v) if v else (NOT_APPLICABLE if optional else float("nan")) for v in df[c]
                ]
                frame[c] = values
                if options:
                    value_labels[c] = {float(code): lbl for code, lbl in options.items()}
                if optional:
                    value_labels.setdefault(c, {})[float(NOT_APPLICABLE)] = "Tidak berlaku"
                    missing[c] = [float(NOT_APPLICABLE)]
        # Stata has no user-missing values (its .a-.z are another kind): the Wioi tests have
        # no role-specific items, so there is nothing to declare for them.
        stata = key == "wioi_tests"
        name = f"{cb.files[key].path.rsplit('.', 1)[0]}.{'dta' if stata else 'sav'}"
        write = pyreadstat.write_dta if stata else pyreadstat.write_sav
        extra = {} if stata else {"missing_ranges": missing}
        write(
            pd.DataFrame(frame),
            str(out / name),
            column_labels=labels,
            variable_value_labels=value_labels,
            **extra,
        )
        example.exports[key] = name
        example.truth[key] = {c: c for c in file_schema(cb, key).names}
    return example


def template_folder(raw_dir: Path, out: Path, cb: Codebook | None = None) -> ExampleFolder:
    """The data-entry template filled in with every raw file, as its drop-downs fill it."""
    from openpyxl import load_workbook

    cb = cb or load_codebook()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = write_template(out / "isian-p3md.xlsx", cb)
    book = load_workbook(path)
    example = ExampleFolder(out)
    for key in cb.files:
        df = _raw_text(raw_dir, key, cb)
        schema = file_schema(cb, key)
        sheet = book[schema.stem]
        for i, row in enumerate(df.itertuples(index=False), start=2):
            for j, (col, value) in enumerate(zip(df.columns, row, strict=True), start=1):
                options = column_options(cb, key, col)
                if value == "":
                    continue
                if options:
                    sheet.cell(i, j, option_text(value, options[value]))
                else:
                    sheet.cell(i, j, _number_or_text(value))
        example.exports[key] = path.name
        example.truth[key] = {c: c for c in schema.names}
    book.save(path)
    return example


BUILDERS: dict[str, Callable[..., ExampleFolder]] = {
    "google-forms": google_forms_folder,
    "kobo": kobo_folder,
    "kobo-xml": lambda raw, out, cb=None: kobo_folder(raw, out, cb, mode="xml"),
    "spss": spss_folder,
    "template": template_folder,
}
