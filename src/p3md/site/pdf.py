"""The thesis as one A4 PDF, beside the website: ``<site>/<book.output-file>.pdf``.

Two ways, chosen by the renderer of the site:

- ``quarto``: Quarto's own Typst output of the book (``format: typst`` in ``_quarto.yml``:
  A4, ``echo: false`` so no code, ``toc-depth: 2``). :func:`quarto_pdf` runs it beside the
  HTML render in a copy of the sources, because ``quarto render --to typst`` replaces the
  output folder's contents.
- ``smalldocs`` (no Quarto): :func:`typst_pdf` builds the PDF from the *same chapters as the
  site shows them*, i.e. the smalldocs pages after post-processing (resolved cross-references,
  numbered captions, bibliography). Each page's main column goes through pandoc (the binary of
  ``pypandoc-binary``) from HTML to Typst markup; this module adds the title page, the table of
  contents and the appendix numbering, and the ``typst`` package compiles it. Both come from
  PyPI with ``make setup``. Headless Chromium's print-to-PDF of the same pages was measured as
  the alternative and gives no table of contents with page numbers, no chapter numbering and
  a page break only where CSS asks (see ARCHITECTURE.md), hence Typst.

What the PDF leaves out of the HTML (code, download and notebook links, site-only blocks) and
the cache of the per-page conversions: :mod:`p3md.site.print_pages`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from p3md.markup import typst_string, typst_text
from p3md.site.print_pages import (
    TABLES_FILTER,
    TEMPLATES,
    PrintCache,
    PrintPage,
    prepare,
    write_data_images,
)

BUILD_DIR = "_pdf"
#: the print rules and the tables/callouts filter shared with Quarto's PDF (see _quarto.yml)
TYPST_HEAD = TEMPLATES / "typst-head.typ"


class PdfError(RuntimeError):
    """The PDF could not be built (the site itself is fine)."""


@dataclass
class PdfResult:
    path: Path
    engine: str  # "quarto-typst" or "pandoc-typst"
    seconds: float

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def pdf_name(cfg: dict[str, Any]) -> str:
    """The PDF's file name: ``book.output-file`` (Quarto's own name for it) + ``.pdf``."""
    stem = str((cfg.get("book") or {}).get("output-file") or "book")
    return stem if stem.endswith(".pdf") else stem + ".pdf"


# --------------------------------------------------------------------------- Quarto
def quarto_render(
    run_dir: Path, to: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``quarto render <run_dir> --to <to>`` in the run folder, its output captured."""
    return subprocess.run(
        ["quarto", "render", str(run_dir), "--to", to],
        cwd=run_dir,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def quarto_pdf(
    run_dir: Path,
    cfg: dict[str, Any],
    env: dict[str, str] | None = None,
    into: Path | None = None,
) -> Path:
    """``quarto render --to typst``; returns the PDF moved out of the output folder into
    ``into`` (default ``<run_dir>/_pdf``).

    ``--to typst`` replaces the project's output folder: :mod:`p3md.site.render` runs it in a
    copy of the run folder's sources, beside the HTML render, with ``into`` in the real run
    folder; the caller puts the returned file into the site.
    """
    t_out = run_dir / (cfg.get("project", {}).get("output-dir") or "_book")
    proc = quarto_render(run_dir, "typst", env)
    pdf = t_out / pdf_name(cfg)
    if proc.returncode != 0 or not pdf.is_file():
        raise PdfError(f"quarto render --to typst failed:\n{proc.stderr[-3000:]}")
    keep = (into or run_dir / BUILD_DIR) / pdf.name
    keep.parent.mkdir(exist_ok=True)
    shutil.move(pdf, keep)
    return keep


# --------------------------------------------------------------------------- smalldocs
# Plain text in Typst markup (a string literal, so no character is read as markup): the
# project's one Typst escape (p3md.markup).
_typ_string, _typ_text = typst_string, typst_text


def preamble(cfg: dict[str, Any], words: dict[str, str]) -> str:
    """Page set-up, styles, the title page and the table of contents (chapters and sections)."""
    book = cfg.get("book") or {}
    authors = [str(a) for a in (book.get("author") or [])]
    if isinstance(book.get("author"), str):
        authors = [book["author"]]
    footer = ((book.get("page-footer") or {}).get("center")) or ""
    lang = str(cfg.get("lang") or "en")
    names = ", ".join(_typ_string(a) for a in authors) + ("," if len(authors) == 1 else "")
    lines = [
        f"#set document(title: {_typ_string(str(book.get('title', '')))}, author: ({names}))",
        '#set page(paper: "a4", margin: (x: 2.5cm, y: 2.5cm))',
        f'#set text(lang: "{lang}", size: 10.5pt)',
        "#set par(justify: true)",
        # chapters start on a new page (a page break in the assembly, not in a show rule: a
        # heading inside a container may not break the page)
        "#show heading.where(level: 1): it => { v(1.5em); it; v(1em) }",
        # captions already carry the site's numbers ("Tabel 9.", "Tabel 5.1:"); no second one
        "#set figure(numbering: none)",
        "#show figure.caption: set text(size: 9.5pt)",
        "#show figure.where(kind: table): set figure.caption(position: top)",
        "#show table: set text(size: 8pt)",
        # the print rules both renderers share (tables, breaking, captions, blank pages)
        TYPST_HEAD.read_text(encoding="utf-8"),
        "#show raw: set text(size: 8pt)",
        '#show link: set text(fill: rgb("#1a4f8b"))',
        '#set image(fit: "contain")',
        "#show image: it => box(width: 100%, align(center, it))",
        # title page
        "#page(numbering: none)[",
        "  #set par(justify: false)",
        "  #v(3cm)",
        "  #align(center)[",
        f'    #text(size: 20pt, weight: "bold")[{_typ_text(str(book.get("title", "")))}]',
        "    #v(0.8em)",
        f"    #text(size: 13pt)[{_typ_text(str(book.get('subtitle', '')))}]",
        "    #v(2.5em)",
        *[f"    {_typ_text(a)} \\" for a in authors],
        "  ]",
        "  #v(1fr)",
        f"  #block(stroke: 0.8pt, inset: 10pt, width: 100%)[{_typ_text(footer)}]",
        "]",
        f"#outline(title: [{_typ_text(words.get('toc-title-document', 'Contents'))}], depth: 2)",
        '#set page(numbering: "1")',
        "#counter(page).update(1)",
    ]
    return "\n".join(lines) + "\n"


def _heading(title: str, number: str) -> str:
    """A page's title as its chapter heading; an unnumbered page numbers none of its sections."""
    numbering = '"A.1"' if number.isalpha() else ('"1.1"' if number else "none")
    return f"#pagebreak(weak: true)\n#set heading(numbering: {numbering})\n= {_typ_text(title)}\n"


def typst_pdf(
    site: Path,
    run_dir: Path,
    cfg: dict[str, Any],
    pages: list[PrintPage],
    labels: set[str],
    words: dict[str, str],
    cache: PrintCache,
) -> Path:
    """Build ``<run>/_pdf/<name>.pdf`` from the rendered pages (in book order, read by
    :func:`p3md.site.print_pages.read_pages`); a page's Typst markup is read from ``cache``
    when the page is unchanged.

    Appendices are the pages numbered with a letter. Raises :class:`PdfError`.
    """
    try:
        import pypandoc
        import typst
    except ImportError as exc:  # pragma: no cover - both are in the lock
        raise PdfError(
            f"the PDF needs pypandoc-binary and typst ({exc}); run `make setup`"
        ) from exc
    build = run_dir / BUILD_DIR
    assets = build / "assets"
    assets.mkdir(parents=True, exist_ok=True)

    def convert(page: PrintPage) -> str:
        body = prepare(page.dropped(), page.page, site, labels, assets)
        try:
            return pypandoc.convert_text(
                body,
                "typst",
                format="html",
                extra_args=["--wrap=none"],
                filters=[str(TABLES_FILTER)],
            )
        except (RuntimeError, OSError) as exc:
            raise PdfError(f"pandoc could not convert {page.page}: {exc}") from exc

    def to_typst(page: PrintPage) -> str:
        write_data_images(page.column, assets)  # a page read back still needs its images
        return cache.get("typst", page, lambda: convert(page))

    # One pandoc process per page, each working alone: run side by side (as many as the
    # machine has cores), in book order. One after the other they were most of the PDF's time.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        markups = list(pool.map(to_typst, pages))
    cache.prune("typst")
    parts = [preamble(cfg, words)]
    in_appendix = False
    for page, markup in zip(pages, markups, strict=True):
        if page.number.isalpha() and not in_appendix:
            in_appendix = True
            parts.append("#counter(heading).update(0)\n")
        parts.append(_heading(page.title, page.number))
        parts.append(markup + "\n")
    source = build / "book.typ"
    source.write_text("\n".join(parts), encoding="utf-8")
    out = build / pdf_name(cfg)
    try:
        typst.compile(str(source), output=str(out), root=str(run_dir))
    except Exception as exc:  # typst raises its own TypstError
        raise PdfError(f"typst could not compile {source}: {exc}") from exc
    return out


def build_pdf(
    renderer: str,
    site: Path,
    run_dir: Path,
    cfg: dict[str, Any],
    pages: list[PrintPage],
    labels: set[str],
    words: dict[str, str],
    cache: PrintCache,
    quarto_file: tuple[Path, float] | None = None,
) -> PdfResult:
    """Put the book's PDF into the site folder and say how it was made.

    ``renderer`` ``quarto``: ``quarto_file`` is what :func:`quarto_pdf` made and how long it
    took. Otherwise the PDF is built by :func:`typst_pdf` from the rendered pages.
    """
    t0 = time.perf_counter()
    if renderer == "quarto" and quarto_file is not None:
        (made, took), engine = quarto_file, "quarto-typst"
        t0 -= took
    else:
        made, engine = typst_pdf(site, run_dir, cfg, pages, labels, words, cache), "pandoc-typst"
    dest = site / pdf_name(cfg)
    shutil.move(made, dest)
    shutil.rmtree(run_dir / BUILD_DIR, ignore_errors=True)
    return PdfResult(dest, engine, time.perf_counter() - t0)
