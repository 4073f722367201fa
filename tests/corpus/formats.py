"""Turn one file of a *copied* data folder into another road (form export + ``mapping.yaml``,
filled template, ``.sav``/``.dta``), so that the corpus can break it there.

Built with the guide's own example builders (``p3md.reconstruction.exports``) and, for form
exports, the ``map`` command's API, exactly as a student would get them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from p3md.codebook import load_codebook
from p3md.io.mapping import MAPPING_FILE, map_export
from p3md.reconstruction.exports import BUILDERS


def to_road(d: Path, road: str, key: str, *, mapped: bool = True) -> Path:
    """Replace ``<key>.csv`` in ``d`` by its ``road`` version; returns the new file. Form roads
    also get their ``mapping.yaml`` section (unless ``mapped=False``)."""
    cb = load_codebook()
    build = d.parent / f"_build_{road}"
    if build.exists():
        shutil.rmtree(build)
    example = BUILDERS[road](d, build, cb)
    name = example.exports[key]
    (d / cb.files[key].path).unlink()
    target = d / name
    shutil.move(build / name, target)
    shutil.rmtree(build)
    if mapped and road in ("google-forms", "kobo", "kobo-xml"):
        map_export(target, cb, key)
    return target


def template_for_all(d: Path) -> Path:
    """Replace every CSV of ``d`` by one filled data-entry template."""
    cb = load_codebook()
    build = d.parent / "_build_template"
    example = BUILDERS["template"](d, build, cb)
    for spec in cb.files.values():
        (d / spec.path).unlink()
    name = next(iter(example.exports.values()))
    shutil.move(build / name, d / name)
    shutil.rmtree(build)
    return d / name


def edit_mapping(d: Path, edit) -> None:
    """Apply ``edit(doc)`` to the parsed ``mapping.yaml`` and write it back, as a user would."""
    import yaml

    path = d / MAPPING_FILE
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def entry(doc: dict, key: str, column: str) -> dict:
    """The mapping entry of a codebook column."""
    return next(c for c in doc["files"][key]["columns"] if c.get("column") == column)


def edit_csv_export(path: Path, edit) -> None:
    """Apply ``edit(header, rows)`` to a CSV export in place."""
    from corpus import csvedit as ed

    header, rows = ed.read(path)
    edit(header, rows)
    ed.write(path, header, rows)


def edit_sheet(path: Path, sheet: str, edit) -> None:
    """Apply ``edit(worksheet)`` to a sheet of a workbook (openpyxl) and save it."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    edit(book[sheet])
    book.save(path)


def rewrite_sav(path: Path, edit) -> None:
    """Read a ``.sav``/``.dta`` with pyreadstat, ``edit(df, value_labels, missing)``, write back."""
    import pyreadstat

    dta = path.suffix == ".dta"
    read = pyreadstat.read_dta if dta else pyreadstat.read_sav
    kwargs = {} if dta else {"user_missing": True}
    df, meta = read(str(path), **kwargs)
    labels = {k: dict(v) for k, v in meta.variable_value_labels.items()}
    missing = dict(getattr(meta, "missing_ranges", {}) or {})
    edit(df, labels, missing)
    column_labels = {c: lbl for c, lbl in zip(meta.column_names, meta.column_labels, strict=True)}
    if dta:
        pyreadstat.write_dta(
            df, str(path), column_labels=column_labels, variable_value_labels=labels
        )
    else:
        pyreadstat.write_sav(
            df,
            str(path),
            column_labels=column_labels,
            variable_value_labels=labels,
            missing_ranges={k: v for k, v in missing.items() if k in df.columns},
        )
