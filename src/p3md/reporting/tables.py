"""Saving and displaying the report's tables.

Two representations of every table, on purpose:

- the **CSV** ``<out_dir>/tables/<label>.csv`` is machine-readable: UTF-8, ``,`` as separator,
  ``.`` as decimal point, full precision, no thousands separator; stage 07 and the tests read it.
  A sidecar ``<label>.json`` records the caption, the note and the flagged cells.
- the **display** returned to the notebook follows Indonesian conventions
  (:mod:`p3md.reporting.formatting`: decimal comma ``0,361``, ``.`` as thousands separator,
  ``< 0,001``, ``–``) and renders as one HTML table (:mod:`p3md.reporting.display`: grouped
  headers, row groups, flagged cells highlighted and marked ``†``, the note in the table's
  footer). The caption is *not* part of the display: Quarto (or smalldocs) adds the cell's
  ``#| tbl-cap:``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from p3md.io.tidy import write_tidy_csv
from p3md.reporting.captions import running_cell_caption, validate_label
from p3md.reporting.display import render_html
from p3md.reporting.formatting import format_frame, format_number

__all__ = ["TableDisplay", "format_frame", "format_number", "read_table", "save_table"]


class TableDisplay:
    """What :func:`save_table` returns: renders as an HTML table in a notebook output.

    Attributes: ``data`` (the table as saved), ``text`` (the formatted strings), ``label``,
    ``caption``, ``note``, ``flags`` (boolean frame of highlighted cells), ``csv_path``.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        text: pd.DataFrame,
        label: str,
        caption: str | None,
        note: str | None,
        flags: pd.DataFrame | None,
        csv_path: Path,
        lang: str = "id",
    ) -> None:
        self.data = data
        self.text = text
        self.label = label
        self.caption = caption
        self.note = note
        self.flags = flags
        self.csv_path = csv_path
        self.lang = lang

    # -- renderings ----------------------------------------------------------------------
    def _repr_html_(self) -> str:
        # HTML only, on purpose: with a text/markdown output beside it, Quarto's Typst path
        # prints the Markdown (a pipe table, no spanners); from the HTML it builds a Typst table
        # with the grouped headers and the note (p3md.reporting.display).
        return render_html(self.data, self.text, self.label, self.note, self.flags, self.lang)

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.text.to_string(index=False)}" + (
            f"\n{self.note}" if self.note else ""
        )


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
    caption : the caption recorded in the sidecar. ``None`` takes the ``#| tbl-cap:`` of the
        notebook cell that calls this, when it is labelled ``label``
        (:func:`p3md.reporting.captions.running_cell_caption`): the caption is typed once.
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
    if caption is None:
        caption = running_cell_caption(label)
    data = df.reset_index(drop=True)
    if flags is not None:
        flags = flags.reset_index(drop=True).reindex(columns=data.columns, fill_value=False)
        flags = flags.fillna(False).astype(bool)
        if flags.shape != data.shape:
            raise ValueError(f"flags shape {flags.shape} differs from table shape {data.shape}")
    tables = Path(out_dir) / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    csv_path = tables / f"{label}.csv"
    write_tidy_csv(data, csv_path)
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
    return TableDisplay(data, text, label, caption, note, flags, csv_path, lang)


def read_table(out_dir: str | Path, label: str) -> pd.DataFrame:
    """Read a table written by :func:`save_table` (``FileNotFoundError`` names the stage)."""
    validate_label(label, "tbl")
    path = Path(out_dir) / "tables" / f"{label}.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the stage that writes {label!r} first (same out_dir)"
        )
    return pd.read_csv(path, encoding="utf-8")
