"""Keep a Quarto-rendered site self-contained: no script from a CDN where nothing needs it.

Quarto 1.10 puts ``require.min.js`` and ``jquery.min.js`` from cdn.jsdelivr.net, plus an inline
``define('jquery', ...)``, into the head of every page rendered from a notebook that has any
``text/html`` or ``application/javascript`` output (``src/core/jupyter/widgets.ts``): the loader
of Jupyter widgets. A great-tables or pandas table is ``text/html``, so every chapter got the
loader although no chapter has a widget; offline, each page then threw "define is not defined".
No Quarto option turns the loader off while keeping HTML tables, so the site module removes it
after ``quarto render`` from every page whose notebook has no widget output. A page that really
shows a widget keeps it (and the caller is warned that it needs the network).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

#: the output types that need the widget loader (ipywidgets and friends)
WIDGET_MIME = (
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)

_LOADER = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="https://cdn\.jsdelivr\.net/npm/(?:requirejs|jquery)@[^"]*"[^>]*>'
    r"\s*</script>[ \t]*\n?"
    r"|[ \t]*<script\b[^>]*>\s*define\('jquery',\s*\[\],\s*function\(\)\s*"
    r"\{\s*return window\.jQuery;?\s*\}\);?\s*</script>[ \t]*\n?",
)


def has_widget(notebook: Path) -> bool:
    """Whether a notebook has a Jupyter widget among its outputs or in its metadata."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if "widgets" in (nb.get("metadata") or {}):
        return True
    return any(
        mime in (out.get("data") or {})
        for cell in nb.get("cells", [])
        for out in cell.get("outputs", []) or []
        for mime in WIDGET_MIME
    )


def drop_widget_loader(doc: str) -> tuple[str, int]:
    """Remove Quarto's CDN ``require.js``/``jQuery`` tags and the inline jQuery ``define``."""
    return _LOADER.subn("", doc)


def make_offline(site: Path, run_dir: Path) -> list[str]:
    """Drop the widget loader from every page of ``site`` rendered from a widget-free notebook.

    The page ``<site>/<dir>/<name>.html`` comes from ``<run_dir>/<dir>/<name>.ipynb`` (a page
    from a ``.qmd`` never has notebook outputs). Returns warnings for pages that keep it.
    """
    warnings: list[str] = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site)
        if rel.parts[0] == "site_libs":
            continue
        doc = page.read_text(encoding="utf-8")
        if "cdn.jsdelivr.net" not in doc and "define('jquery'" not in doc:
            continue
        notebook = (run_dir / rel).with_suffix(".ipynb")
        if notebook.is_file() and has_widget(notebook):
            warnings.append(
                f"{rel}: shows a Jupyter widget; it loads require.js and jQuery from a CDN"
            )
            continue
        new, n = drop_widget_loader(doc)
        if n:
            page.write_text(new, encoding="utf-8")
    return warnings
