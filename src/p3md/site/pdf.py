"""The thesis as one A4 PDF, beside the website: ``<site>/<book.output-file>.pdf``.

:func:`typst_pdf` builds the PDF from the *same chapters as the site shows them*, under either
renderer: the smalldocs pages after post-processing (resolved cross-references, numbered
captions, bibliography) or Quarto's pages. Each page's main column goes through pandoc (the
binary of ``pypandoc-binary``) from HTML to Typst markup; this module adds the title page, the
table of contents and the appendix numbering, and the ``typst`` package compiles it. Both come
from PyPI with ``make setup``.

Why not Quarto's own ``--to typst`` under Quarto: Quarto 1.10 renders a book's PDF only whole,
one pandoc per chapter and then Typst, about 57 s on 2 cores for every run however small the
edit (``make bench --only quarto``), while the pages here are converted once and cached
(:class:`p3md.site.print_pages.PrintCache`). ``_quarto.yml`` keeps its ``format: typst`` with
the same print rules for ``quarto render reports/ --to typst`` by hand. Headless Chromium's
print-to-PDF of the pages was measured as another alternative and gives no table of contents
with page numbers, no chapter numbering and a page break only where CSS asks (see
ARCHITECTURE.md), hence Typst.

What the PDF leaves out of the HTML (code, download and notebook links, site-only and hidden
blocks) and the cache of the per-page conversions: :mod:`p3md.site.print_pages`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
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
#: a paragraph of its own between two pages converted in one pandoc call
PAGE_MARK = "P3MDPAGEMARK"
#: the print rules and the tables/callouts filter, shared with _quarto.yml's ``format: typst``
TYPST_HEAD = TEMPLATES / "typst-head.typ"


class PdfError(RuntimeError):
    """The PDF could not be built (the site itself is fine)."""


@dataclass
class PdfResult:
    path: Path
    engine: str  # "pandoc-typst"
    seconds: float

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def pdf_name(cfg: dict[str, Any]) -> str:
    """The PDF's file name: ``book.output-file`` (Quarto's own name for it) + ``.pdf``."""
    stem = str((cfg.get("book") or {}).get("output-file") or "book")
    return stem if stem.endswith(".pdf") else stem + ".pdf"


# --------------------------------------------------------------------------- Typst
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

    def pandoc(html: str, what: str) -> str:
        try:
            return pypandoc.convert_text(
                html,
                "typst",
                format="html",
                extra_args=["--wrap=none"],
                filters=[str(TABLES_FILTER)],
            )
        except (RuntimeError, OSError) as exc:
            raise PdfError(f"pandoc could not convert {what}: {exc}") from exc

    def convert(batch: list[PrintPage]) -> list[str]:
        """The pages' Typst markup from one pandoc call, split at a mark between pages; a
        batch whose output does not split into its pages (a page's own text holding the
        mark) is converted page by page."""
        bodies = [prepare(p.dropped(), p.page, site, labels, assets) for p in batch]
        if len(batch) > 1:
            html = "".join(f"<p>{PAGE_MARK}{i:05d}</p>\n{b}" for i, b in enumerate(bodies))
            out = pandoc(html, ", ".join(str(p.page) for p in batch))
            parts = re.split(rf"^{PAGE_MARK}(\d{{5}})\n", out, flags=re.M)
            if not parts[0].strip() and parts[1::2] == [f"{i:05d}" for i in range(len(batch))]:
                return [part.strip("\n") + "\n" for part in parts[2::2]]
        return [
            pandoc(b, str(p.page)).strip("\n") + "\n" for p, b in zip(batch, bodies, strict=True)
        ]

    def convert_all(missing: list[PrintPage]) -> list[str]:
        # pandoc's start-up (its Lua filter loaded each time) was a third of the time of one
        # call per page: the pages go in one call per core, balanced by size, side by side
        # (the same markup as page by page: checked on the thesis's 22 pages)
        batches = _balanced(missing, max(1, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            done = list(pool.map(convert, batches))
        made = {
            p.key: t
            for b, ts in zip(batches, done, strict=True)
            for p, t in zip(b, ts, strict=True)
        }
        return [made[p.key] for p in missing]

    from concurrent.futures import ThreadPoolExecutor

    for page in pages:  # a page read back from the cache still needs its images
        write_data_images(page.column, assets)
    markups = cache.get_many("typst", pages, convert_all)
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


def _balanced(pages: list[PrintPage], n: int) -> list[list[PrintPage]]:
    """``pages`` in at most ``n`` groups of about equal size (largest first into the smallest
    group), each in book order; no empty group."""
    groups: list[list[PrintPage]] = [[] for _ in range(min(n, len(pages)))]
    sizes = [0] * len(groups)
    for page in sorted(pages, key=lambda p: -len(p.column)):
        i = sizes.index(min(sizes))
        groups[i].append(page)
        sizes[i] += len(page.column)
    order = {p.key: i for i, p in enumerate(pages)}
    return [sorted(g, key=lambda p: order[p.key]) for g in groups]


def build_pdf(
    site: Path,
    run_dir: Path,
    cfg: dict[str, Any],
    pages: list[PrintPage],
    labels: set[str],
    words: dict[str, str],
    cache: PrintCache,
) -> PdfResult:
    """Build the book's PDF from the rendered pages (:func:`typst_pdf`), put it into the site
    folder and say how long it took."""
    t0 = time.perf_counter()
    made = typst_pdf(site, run_dir, cfg, pages, labels, words, cache)
    dest = site / pdf_name(cfg)
    shutil.move(made, dest)
    shutil.rmtree(run_dir / BUILD_DIR, ignore_errors=True)
    return PdfResult(dest, "pandoc-typst", time.perf_counter() - t0)
