"""A table whose caption is computed, as a numbered, cross-referenced float.

Quarto reads a cell's ``#| label:``/``#| tbl-cap:`` from the cell's source, so a cell that loops
over the codebook's variables cannot caption its tables there. Instead each table is shown as a
Quarto *div float* in a Markdown output::

    ::: {#tbl-kelas-x1}
    ```{=html}
    <table>...</table>
    ```

    [Sebaran ... (Tabel 13 tesis)]{.p3md-float-caption}
    :::

Quarto numbers it and resolves ``@tbl-kelas-x1`` like a cell float (the last paragraph of a
float div is its caption); for the smalldocs renderer,
:func:`p3md.site.postprocess.div_float_captions` turns the marked paragraph into the table's
``<caption>``, the shape smalldocs gives a cell's ``tbl-cap``.
"""

from __future__ import annotations

import re

from p3md.markup import md
from p3md.reporting.captions import validate_label

CAPTION_CLASS = "p3md-float-caption"


class TableFloat:
    """A saved table (:class:`p3md.reporting.tables.TableDisplay`) with its caption, shown as
    a Markdown float div."""

    def __init__(self, display, caption: str) -> None:
        self.display = display
        self.label = validate_label(display.label, "tbl")
        self.caption = caption

    def _repr_markdown_(self) -> str:
        body = self.display._repr_html_()
        # A blank line would end the raw HTML block; the table needs none.
        body = re.sub(r"\n\s*\n", "\n", body.strip())
        caption = md(self.caption)  # the one Markdown escape (names from the codebook)
        # The table as a raw HTML block (```{=html}): Quarto converts an HTML table in a raw
        # block into a native table for Typst (its HTML table processing); HTML left inline in
        # Markdown was read as text, and the Typst PDF printed every cell in one paragraph.
        # smalldocs passes the raw block through unchanged.
        fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", body)), default=0))
        return (
            f"::: {{#{self.label}}}\n{fence}{{=html}}\n{body}\n{fence}\n\n"
            f"[{caption}]{{.{CAPTION_CLASS}}}\n:::\n"
        )

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.display!r}"


def show_table(df, label: str, caption: str, **save_args) -> None:
    """Save the table (:func:`p3md.reporting.save_table`, caption recorded in its sidecar) and
    display it as a float with ``caption`` (returns nothing, so a cell shows it once)."""
    from IPython.display import display

    from p3md.reporting.tables import save_table

    display(TableFloat(save_table(df, label, caption=caption, **save_args), caption))


def label_for(prefix: str, *parts: str) -> str:
    """A Quarto label from a prefix and codebook names (``tbl-kelas``, ``X1``: ``tbl-kelas-x1``)."""
    words = [re.sub(r"[^a-z0-9]+", "-", str(p).lower()).strip("-") for p in parts]
    return validate_label("-".join([prefix, *[w for w in words if w]]))
