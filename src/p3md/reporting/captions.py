"""Table and figure labels, and their captions read from the notebooks' own cell options.

A caption is typed once, in the cell that displays the table or figure (``#| label: tbl-...``
and ``#| tbl-cap: "..."``, or ``fig-``/``fig-cap``): Quarto reads it from there, the site's
download list reads it from the executed notebooks, and :func:`p3md.reporting.save_table`
records the caption of the cell it is called from in the table's JSON sidecar.

Numbering: a caption carries no number of its own, the renderer numbers tables and figures per
chapter. A table the thesis has keeps its number as a reference at the end of the caption,
"... (Tabel 9 tesis)".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

#: Quarto-valid label: ``tbl-`` or ``fig-`` followed by lowercase words joined by hyphens.
LABEL_RE = re.compile(r"^(tbl|fig)-[a-z0-9]+(?:-[a-z0-9]+)*$")
#: A Quarto cell option line (``#| key: value``).
OPTION_RE = re.compile(r"^#\|\s*([\w-]+):\s*(.*)$")


def validate_label(label: str, kind: str | None = None) -> str:
    """Return ``label`` if it is a Quarto-valid ``tbl-``/``fig-`` label, else raise ``ValueError``.

    ``kind`` (``"tbl"`` or ``"fig"``) additionally requires that prefix.
    """
    if not isinstance(label, str) or not LABEL_RE.match(label):
        raise ValueError(
            f"label {label!r} is not a valid Quarto label: use 'tbl-...' for tables and "
            "'fig-...' for figures, lowercase letters, digits and single hyphens"
        )
    if kind is not None and not label.startswith(f"{kind}-"):
        raise ValueError(f"label {label!r} must start with '{kind}-'")
    return label


def cell_options(source: str) -> dict[str, str]:
    """The ``#|`` options at the top of a cell's source (quotes around a value removed)."""
    opts: dict[str, str] = {}
    for line in source.splitlines():
        m = OPTION_RE.match(line)
        if not m:
            break
        opts[m.group(1)] = m.group(2).strip().strip("\"'")
    return opts


def cell_caption(source: str, label: str | None = None) -> str | None:
    """The ``tbl-cap``/``fig-cap`` of a cell (of the cell labelled ``label`` when given)."""
    opts = cell_options(source)
    if label is not None and opts.get("label") != label:
        return None
    return opts.get("tbl-cap") or opts.get("fig-cap")


def notebook_captions(notebook: Path) -> dict[str, str]:
    """label -> caption of every labelled cell of a notebook (``.ipynb``)."""
    caps: dict[str, str] = {}
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        opts = cell_options(src)
        cap = opts.get("tbl-cap") or opts.get("fig-cap")
        if opts.get("label") and cap:
            caps[opts["label"]] = cap
    return caps


def running_cell_caption(label: str) -> str | None:
    """The caption of the notebook cell being executed, if it is labelled ``label``.

    In a kernel (papermill, JupyterLab) IPython keeps the source of the cell it is running as
    the last entry of its input history; outside a kernel there is none and this is ``None``.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return None
    shell = get_ipython()
    history = getattr(shell, "user_ns", {}).get("_ih") if shell is not None else None
    if not history:
        return None
    return cell_caption(str(history[-1]), label)
