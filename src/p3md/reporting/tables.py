"""Saving and displaying the report's tables.

Two representations of every table, on purpose:

- the **CSV** ``<out_dir>/tables/<label>.csv`` is machine-readable: UTF-8, ``,`` as separator,
  ``.`` as decimal point, full precision, no thousands separator; stage 07 and the tests read it.
  A sidecar ``<label>.json`` records the caption, the note and the flagged cells.
- the **display** returned to the notebook follows Indonesian conventions: decimal comma
  (``0,361``), ``.`` as thousands separator, p-values below 0.001 as ``< 0,001``, missing values as
  ``–``. It renders as HTML (a pandas ``Styler``, flagged cells highlighted) and as Markdown (for
  PDF/Typst and any Markdown-only renderer, flagged cells marked with ``†``), and the note follows
  the table. The caption is *not* part of the display: Quarto (or smalldocs) adds the cell's
  ``#| tbl-cap:``.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from p3md.reporting.captions import caption_for, validate_label

MISSING = "–"
FLAG_MARK = "†"
_P_COLUMNS = (
    "p",
    "p_value",
    "p-value",
    "sig",
    "sig.",
    "p_holm",
    "p_bh",
    "p_adj",
    "p (holm)",
    "p (bh)",
)


def _is_p_column(name: Any) -> bool:
    n = str(name).strip().lower()
    return n in _P_COLUMNS or n.startswith(("p ", "p_", "sig")) or n.endswith((" p", "_p"))


def format_number(value: Any, decimals: int = 3, *, p_value: bool = False, lang: str = "id") -> str:
    """Format one value for display: decimal comma for ``lang="id"``, ``–`` for missing.

    Integers (and floats that are whole numbers when ``decimals == 0``) get no decimals;
    ``p_value=True`` prints values below 0.001 as ``< 0,001``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return ("ya" if value else "tidak") if lang == "id" else ("yes" if value else "no")
    dec, thou = (",", ".") if lang == "id" else (".", ",")
    if isinstance(value, numbers.Integral):
        text = f"{int(value):,}"
        return text.replace(",", thou)
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        if p_value and 0 <= v < 0.001:
            return f"< 0{dec}001"
        text = f"{v:,.{decimals}f}"
        return text.replace(",", "\0").replace(".", dec).replace("\0", thou)
    return str(value)


def format_frame(
    df: pd.DataFrame,
    decimals: int | Mapping[str, int] = 3,
    *,
    lang: str = "id",
) -> pd.DataFrame:
    """A copy of ``df`` with every cell formatted as display text (see :func:`format_number`).

    Integer columns, and float columns whose values are all whole numbers (counts after a merge,
    medians of integer scores), are shown without decimals unless ``decimals`` names the column;
    p-value columns (``p``, ``p_holm``, ``sig`` ...) always keep their decimals.
    """
    out = {}
    for col in df.columns:
        d = decimals.get(col, 3) if isinstance(decimals, Mapping) else decimals
        is_p = _is_p_column(col)
        series = df[col]
        if pd.api.types.is_integer_dtype(series.dtype) or (
            pd.api.types.is_float_dtype(series.dtype)
            and series.dropna().size > 0
            and (series.dropna() % 1 == 0).all()
            and not is_p
            and not (isinstance(decimals, Mapping) and col in decimals)
        ):
            vals = [format_number(int(v), lang=lang) if pd.notna(v) else MISSING for v in series]
        elif series.dtype == object:
            # Mixed columns (e.g. counts with a median row): whole floats print as integers.
            vals = [
                format_number(int(v), lang=lang)
                if isinstance(v, float) and v.is_integer() and not is_p
                else format_number(v, d, p_value=is_p, lang=lang)
                for v in series
            ]
        else:
            vals = [format_number(v, d, p_value=is_p, lang=lang) for v in series]
        out[col] = vals
    return pd.DataFrame(out, index=df.index, columns=df.columns)


class TableDisplay:
    """What :func:`save_table` returns: renders as HTML and Markdown in a notebook output.

    Attributes: ``data`` (the table as saved), ``text`` (the formatted strings), ``label``,
    ``caption``, ``note``, ``flags`` (boolean frame of highlighted cells), ``csv_path``.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        text: pd.DataFrame,
        label: str,
        caption: str,
        note: str | None,
        flags: pd.DataFrame | None,
        csv_path: Path,
    ) -> None:
        self.data = data
        self.text = text
        self.label = label
        self.caption = caption
        self.note = note
        self.flags = flags
        self.csv_path = csv_path

    # -- renderings ----------------------------------------------------------------------
    @property
    def styler(self):  # noqa: ANN201 - pandas Styler
        sty = self.text.style.format(escape="html").hide(axis="index")
        sty = sty.set_uuid(self.label.replace("-", "_"))
        sty = sty.set_table_attributes('class="table table-sm p3md-table"')
        if self.flags is not None:
            css = self.flags.replace(
                {True: "background-color: #fde2c8; font-weight: bold;", False: ""}
            )
            sty = sty.apply(lambda _: css, axis=None)
        return sty

    def _repr_html_(self) -> str:
        html = self.styler.to_html()
        if self.note:
            from html import escape

            html += f'\n<p class="p3md-table-note"><small>{escape(self.note)}</small></p>'
        return html

    def _repr_markdown_(self) -> str:
        text = self.text.copy()
        if self.flags is not None:
            for col in text.columns:
                mask = self.flags[col].to_numpy(dtype=bool)
                text.loc[mask, col] = [f"{v} {FLAG_MARK}" for v in text.loc[mask, col]]
        md = _markdown_table(text)
        if self.note:
            md += f"\n\n*{self.note}*"
        return md

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.text.to_string(index=False)}" + (
            f"\n{self.note}" if self.note else ""
        )


def _markdown_table(text: pd.DataFrame) -> str:
    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in text.columns) + " |"
    rule = "|" + "|".join("---" for _ in text.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in text.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def save_table(
    df: pd.DataFrame,
    label: str,
    caption: str | None = None,
    out_dir: str | Path | None = None,
    note: str | None = None,
    *,
    flags: pd.DataFrame | None = None,
    decimals: int | Mapping[str, int] = 3,
    lang: str = "id",
) -> TableDisplay:
    """Write ``<out_dir>/tables/<label>.csv`` (+ ``<label>.json``) and return the display.

    Parameters
    ----------
    df : the table, one row per displayed row; its index is dropped (make keys columns).
    label : Quarto label, must start with ``tbl-`` (validated).
    caption : the numbered caption, e.g. ``"Tabel 9. Hasil uji validitas ..."``. ``None`` takes
        the registered caption of ``label`` (:mod:`p3md.reporting.captions`); a caption that
        differs from a registered one raises, so CSV, notebook and site cannot disagree.
    out_dir : the run folder (the notebooks' ``out_dir`` parameter); required.
    note : a line shown under the table and stored in the sidecar (source, flags, deviations).
    flags : boolean frame (same shape/columns as ``df``) of cells to highlight (e.g. cells that
        differ from the published value). Stored in the sidecar as ``[row, column]`` pairs.
    decimals : decimals for display, one int or a per-column mapping (CSV keeps full precision).
    lang : ``"id"`` (decimal comma) or ``"en"`` (decimal point) for the display only.
    """
    validate_label(label, "tbl")
    if out_dir is None:
        raise ValueError("save_table needs out_dir (the run folder); it never writes to data_dir")
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"save_table expects a pandas DataFrame, got {type(df).__name__}")
    registered = None
    try:
        registered = caption_for(label)
    except KeyError:
        if caption is None:
            raise
    if caption is None:
        caption = registered
    elif registered is not None and caption != registered:
        raise ValueError(
            f"caption for {label!r} differs from the registered one:\n  given:      {caption}\n"
            f"  registered: {registered}"
        )
    data = df.reset_index(drop=True)
    if flags is not None:
        flags = flags.reset_index(drop=True).reindex(columns=data.columns, fill_value=False)
        flags = flags.fillna(False).astype(bool)
        if flags.shape != data.shape:
            raise ValueError(f"flags shape {flags.shape} differs from table shape {data.shape}")
    tables = Path(out_dir) / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    csv_path = tables / f"{label}.csv"
    data.to_csv(csv_path, index=False, encoding="utf-8", lineterminator="\n")
    meta = {
        "label": label,
        "caption": caption,
        "note": note,
        "columns": [str(c) for c in data.columns],
        "rows": int(len(data)),
        "flagged": (
            [[int(r), str(c)] for c in data.columns for r in data.index[flags[c]].tolist()]
            if flags is not None
            else []
        ),
    }
    (tables / f"{label}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    text = format_frame(data, decimals, lang=lang)
    return TableDisplay(data, text, label, caption, note, flags, csv_path)


def read_table(out_dir: str | Path, label: str) -> pd.DataFrame:
    """Read a table written by :func:`save_table` (``FileNotFoundError`` names the stage)."""
    validate_label(label, "tbl")
    path = Path(out_dir) / "tables" / f"{label}.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the stage that writes {label!r} first (same out_dir)"
        )
    return pd.read_csv(path, encoding="utf-8")
