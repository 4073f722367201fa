"""Numbered tables and figures with Indonesian captions, saved as CSV/PNG/SVG.

- :func:`save_table` -> ``<out_dir>/tables/<label>.csv`` (+ ``.json`` sidecar); returns a display
  object (HTML + Markdown, Indonesian decimal comma). CSVs stay machine-readable ('.' decimals).
- :func:`save_figure` -> ``<out_dir>/figures/<label>.png`` (dpi 150) and ``.svg``.
- :mod:`p3md.reporting.captions` checks labels and reads captions from the notebooks' own
  ``#| tbl-cap:``/``#| fig-cap:`` lines (typed once, in the cell).
- :mod:`p3md.reporting.text` builds the computed sentences of the narrative.

``figures`` (matplotlib/seaborn) is imported lazily so table-only stages start fast.
"""

from p3md.reporting.captions import validate_label
from p3md.reporting.tables import TableDisplay, format_frame, format_number, read_table, save_table

__all__ = [
    "TableDisplay",
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
