"""Numbered tables and figures with Indonesian captions, saved as CSV/PNG/SVG.

- :func:`save_table` -> ``<out_dir>/tables/<label>.csv`` (+ ``.json`` sidecar); returns a display
  object (HTML + Markdown, Indonesian decimal comma). CSVs stay machine-readable ('.' decimals).
- :func:`save_figure` -> ``<out_dir>/figures/<label>.png`` (dpi 150) and ``.svg``.
- :mod:`p3md.reporting.captions` holds every caption; numbering is explained there
  (thesis numbers 8-35; new tables S, H, W, R, A).
- :mod:`p3md.reporting.text` builds the computed sentences of the narrative.

``figures`` (matplotlib/seaborn) is imported lazily so table-only stages start fast.
"""

from p3md.reporting.captions import (
    CAPTIONS,
    FIGURE_CAPTIONS,
    TABLE_CAPTIONS,
    caption_for,
    validate_label,
)
from p3md.reporting.tables import TableDisplay, format_frame, format_number, read_table, save_table

__all__ = [
    "CAPTIONS",
    "FIGURE_CAPTIONS",
    "TABLE_CAPTIONS",
    "TableDisplay",
    "caption_for",
    "format_frame",
    "format_number",
    "read_table",
    "save_figure",
    "save_table",
    "validate_label",
]


def __getattr__(name: str):
    if name == "save_figure":
        from p3md.reporting.figures import save_figure

        return save_figure
    raise AttributeError(name)
