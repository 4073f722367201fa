"""The book as a Word document for supervisors (issue 18, Deliver 7): ``<site>/<name>.docx``.

Made with pandoc (the binary of ``pypandoc-binary``, from PyPI with ``make setup``) from the
same pages as the site shows them, under either renderer, exactly as :mod:`p3md.site.pdf`'s
pandoc path reads them: each page's main column, without code, download links and site-only
blocks. One pandoc call writes the whole book, so Word gets native tables (pandoc's docx
writer), the floats' captions with the site's numbers ("Tabel 6.1: ..."), numbered chapter
headings ("6 Deskripsi ..."; appendices "A ..."), the figures as pictures, and the thesis page
set-up of ``templates/reference.docx`` (A4, Times New Roman 12, 1.5 line spacing, margins
4-3-3-3 cm, checked by a test). ``templates/tables.lua`` moves each table's note under it.
Quarto's own ``docx`` format would need a second Quarto render of the book (about a minute
here); pandoc from the rendered pages takes seconds and gives the two renderers one Word copy.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from p3md.markup import md
from p3md.site import pdf as book_pdf
from p3md.site.print_pages import (
    TABLES_FILTER,
    TEMPLATES,
    PrintCache,
    PrintPage,
    prepare,
    write_data_images,
)

REFERENCE_DOCX = TEMPLATES / "reference.docx"
BUILD_DIR = "_docx"  # inside the run folder; removed after the build
#: where the pages' embedded images are written (its own folder: the PDF is made at the same
#: time in its own build folder)
ASSETS = Path(BUILD_DIR) / "assets"


class DocxError(RuntimeError):
    """The Word copy could not be made (the site itself is fine)."""


@dataclass
class DocxResult:
    path: Path
    seconds: float

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def docx_name(cfg: dict[str, Any]) -> str:
    """The Word copy's file name: the PDF's, with ``.docx``."""
    return Path(book_pdf.pdf_name(cfg)).with_suffix(".docx").name


def _title_meta(cfg: dict[str, Any], markdown: bool) -> dict[str, Any]:
    """The title page from the book's metadata (pandoc's Title, Subtitle and Author styles), as
    a pandoc metadata file's values, which pandoc reads as Markdown: under Quarto the book's
    metadata already is Markdown (escaped by p3md.markup when it came from a data file); under
    smalldocs it is plain text, escaped here."""
    book = cfg.get("book") or {}
    authors = book.get("author") or []
    authors = [authors] if isinstance(authors, str) else list(authors)

    def text(value: Any) -> str:
        return str(value) if markdown else str(md(value))

    meta: dict[str, Any] = {"title": text(book.get("title", ""))}
    if book.get("subtitle"):
        meta["subtitle"] = text(book["subtitle"])
    meta["author"] = [text(a) for a in authors]
    return meta


def _notice(cfg: dict[str, Any]) -> str:
    footer = (((cfg.get("book") or {}).get("page-footer") or {}).get("center")) or ""
    return f"<p><strong>{html.escape(footer)}</strong></p>\n" if footer else ""


def build_docx(
    site: Path,
    run_dir: Path,
    cfg: dict[str, Any],
    pages: list[PrintPage],
    labels: set[str],
    cache: PrintCache,
    markdown_meta: bool = False,
) -> DocxResult:
    """Write ``<site>/<name>.docx`` from the rendered pages (in book order, read by
    :func:`p3md.site.print_pages.read_pages`); a page's prepared HTML is read from ``cache``
    when the page is unchanged. ``markdown_meta``: the book's title and author in ``cfg`` are
    Markdown (Quarto's reading).

    Raises :class:`DocxError`.
    """
    t0 = time.perf_counter()
    try:
        import pypandoc
    except ImportError as exc:  # pragma: no cover - in the lock
        raise DocxError(f"the Word copy needs pypandoc-binary ({exc}); run `make setup`") from exc
    build = run_dir / BUILD_DIR
    build.mkdir(parents=True, exist_ok=True)
    assets = run_dir / ASSETS
    assets.mkdir(parents=True, exist_ok=True)
    meta_file = build / "title.yaml"
    meta_file.write_text(
        yaml.safe_dump(_title_meta(cfg, markdown_meta), allow_unicode=True), encoding="utf-8"
    )

    def prepared(page: PrintPage) -> str:
        # section numbers ("6.1") stay in Word's headings; images get paths from the run
        # folder's root ("/figures/x.png"), pandoc's resource path, written without the "/"
        body = prepare(page.dropped(), page.page, site, labels, assets, section_numbers=True)
        return re.sub(r'(<img\b[^>]*?\bsrc=")/', r"\1", body)

    parts = [_notice(cfg)]
    for page in pages:
        write_data_images(page.column, assets)  # a page read back still needs its images
        body = cache.get("docx", page, lambda page=page: prepared(page))
        heading = f"{page.number} {page.title}" if page.number else page.title
        parts.append(f"<h1>{html.escape(heading)}</h1>\n{body}\n")
    cache.prune("docx")
    out = build / docx_name(cfg)
    try:
        pypandoc.convert_text(
            "\n".join(parts),
            "docx",
            format="html",
            outputfile=str(out),
            extra_args=[
                f"--reference-doc={REFERENCE_DOCX}",
                f"--resource-path={run_dir}",
                "--toc",
                "--toc-depth=2",
                f"--metadata-file={meta_file}",
                f"--metadata=lang:{cfg.get('lang') or 'id'}",
                f"--metadata=toc-title:{_toc_title(cfg)}",
            ],
            filters=[str(TABLES_FILTER)],
        )
    except (RuntimeError, OSError) as exc:
        raise DocxError(f"pandoc could not write the Word copy: {exc}") from exc
    finally:
        shutil.rmtree(assets, ignore_errors=True)
    dest = site / out.name
    shutil.move(out, dest)
    shutil.rmtree(build, ignore_errors=True)
    return DocxResult(dest, time.perf_counter() - t0)


def _toc_title(cfg: dict[str, Any]) -> str:
    from p3md.site import smalldocs_ui

    words = smalldocs_ui.translations(cfg, str(cfg.get("lang") or "en"))
    return words.get("toc-title-document", "Contents")
