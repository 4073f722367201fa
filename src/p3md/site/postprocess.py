"""HTML post-processing of the built site.

``add_download_links`` runs for both renderers: after the opening tag of every ``tbl-``/``fig-``
float whose CSV/PNG/SVG the run saved, it inserts links to the copies in the site folder.

``resolve_references`` runs only after smalldocs. smalldocs leaves ``@tbl-x``/``@fig-x``
cross-references and ``[@key]`` citations as text and writes no bibliography; Quarto does all
three, and no library does them for smalldocs' HTML, hence this small module (regexes over the
text between tags; code, pre, script and style are left alone). Numbering follows the visible
caption: a caption that prints its number (``Tabel 9. ...``, ``Gambar W1. ...``) keeps it;
otherwise the float gets Quarto's book numbering ``<chapter>.<n>`` (appendices ``A.1``), and
the caption is prefixed with it so reference and caption agree.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from p3md.site.bib import BibEntry, cite_names, format_entry, sort_key

KIND_WORD = {"tbl": "Tabel", "fig": "Gambar"}
# the id of a float; Quarto and smalldocs also give captions ids ``<label>-caption[-<uuid>]``
_FLOAT_ID = re.compile(
    r'<([a-zA-Z]+)\b[^>]*\bid="((tbl|fig)-(?![A-Za-z0-9_-]*-caption\b)[A-Za-z0-9_-]+)"[^>]*>'
)
_PRINTED = re.compile(r"^\s*(Tabel|Gambar|Table|Figure)\s+([A-Z]{0,2}\d+[a-z]?)\b")
_CAPTION = re.compile(
    r"(<caption\b[^>]*>|<figcaption\b[^>]*>)(.*?)(</caption>|</figcaption>)", re.S
)
# Table cells hold the run's data (kecamatan, labels, names): a name such as `@key` or
# `[@key]` there is text, never a citation (the book's own text cites in paragraphs).
_SKIP_TAGS = ("code", "pre", "script", "style", "title", "textarea", "td", "th")


@dataclass
class Float:
    label: str
    kind: str
    number: str
    page: Path  # relative to the site folder


def _text_segments(doc: str):
    """Yield (is_text, chunk) over the HTML, with text inside skipped tags marked not-text."""
    depth = 0
    for chunk in re.split(r"(<!--.*?-->|<[^>]*>)", doc, flags=re.S):
        if chunk.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z0-9]+)", chunk)
            if m and m.group(2).lower() in _SKIP_TAGS and not chunk.endswith("/>"):
                depth += -1 if m.group(1) else 1
                depth = max(depth, 0)
            yield False, chunk
        else:
            yield depth == 0, chunk


def _map_text(doc: str, fn) -> str:
    return "".join(fn(chunk) if is_text else chunk for is_text, chunk in _text_segments(doc))


# A computed caption (``p3md.reporting.floats``): Quarto's div-float caption, marked.
_DIV_FLOAT = re.compile(
    # the body holds no other float (a cell captioned by tbl-cap is a div with an id too)
    r'(<div\b[^>]*\bid="tbl-[A-Za-z0-9_-]+"[^>]*>)((?:(?!\bid="tbl-).)*?)'
    r'<p>\s*<span class="p3md-float-caption">(.*?)</span>\s*</p>',
    re.S,
)


def div_float_captions(doc: str) -> str:
    """smalldocs: a div float's marked caption paragraph becomes its table's ``<caption>``
    (the shape smalldocs gives a cell's ``tbl-cap``), so numbering and the PDF treat it alike."""

    def move(m: re.Match) -> str:
        body = re.sub(
            r"(<table\b[^>]*>)",
            lambda t: f"{t.group(1)}<caption>{m.group(3)}</caption>",
            m.group(2),
            count=1,
        )
        return m.group(1) + body

    return _DIV_FLOAT.sub(move, doc)


def collect_floats(
    site: Path, pages: list[tuple[Path, str]]
) -> tuple[dict[str, Float], dict[Path, str]]:
    """Number every float of the ordered pages ((html path, chapter number or '')).

    Returns the floats by label and the pages' HTML with unnumbered captions prefixed.
    """
    floats: dict[str, Float] = {}
    docs: dict[Path, str] = {}
    for page, chapter in pages:
        path = site / page
        if not path.exists():
            continue
        doc = div_float_captions(path.read_text(encoding="utf-8"))
        counters = {"tbl": 0, "fig": 0}
        matches = list(_FLOAT_ID.finditer(doc))
        pieces, last = [], 0
        for i, m in enumerate(matches):
            label, kind = m.group(2), m.group(3)
            end = matches[i + 1].start() if i + 1 < len(matches) else len(doc)
            cap = _CAPTION.search(doc, m.end(), end)
            caption_text = re.sub(r"<[^>]+>", "", html.unescape(cap.group(2))) if cap else ""
            printed = _PRINTED.match(caption_text)
            if printed:
                number = printed.group(2)
            else:
                counters[kind] += 1
                number = f"{chapter}.{counters[kind]}" if chapter else str(counters[kind])
                if cap:  # prefix the caption so that the reader sees the number
                    pieces.append(doc[last : cap.end(1)])
                    pieces.append(f"{KIND_WORD[kind]} {number}: ")
                    last = cap.end(1)
            floats.setdefault(label, Float(label, kind, number, page))
        pieces.append(doc[last:])
        docs[page] = "".join(pieces)
    return floats, docs


_XREF = re.compile(r"(?<![\w@/])(-?)@((?:tbl|fig)-[A-Za-z0-9_-]*[A-Za-z0-9])")
_BRACKET = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")
_NARRATIVE = re.compile(r"(?<![\w@/.\[])@([A-Za-z][\w:-]*[A-Za-z0-9])")


def _rel(target: Path, page: Path) -> str:
    return os.path.relpath(target, page.parent or Path(".")).replace(os.sep, "/")


def resolve_references(
    site: Path,
    pages: list[tuple[Path, str]],
    bib: dict[str, BibEntry],
    refs_page: Path | None,
) -> list[str]:
    """Turn cross-references and citations into links; fill the ``#refs`` div. Returns warnings."""
    floats, docs = collect_floats(site, pages)
    warnings: list[str] = []
    cited: set[str] = set()

    def cite_link(key: str, text: str, page: Path) -> str:
        cited.add(key)
        href = f"{_rel(refs_page, page)}#ref-{key}" if refs_page else f"#ref-{key}"
        return f'<a href="{href}" class="citation" role="doc-biblioref">{text}</a>'

    for page, doc in docs.items():

        def xref(m: re.Match, page: Path = page) -> str:
            f = floats.get(m.group(2))
            if f is None:
                warnings.append(f"{page}: unresolved cross-reference @{m.group(2)}")
                return f"?@{m.group(2)}"
            text = f.number if m.group(1) else f"{KIND_WORD[f.kind]}&nbsp;{f.number}"
            href = f"{_rel(f.page, page)}#{f.label}" if f.page != page else f"#{f.label}"
            return f'<a href="{href}" class="quarto-xref">{text}</a>'

        def bracket(m: re.Match, page: Path = page) -> str:
            parts = [p.strip() for p in m.group(1).split(";")]
            out = []
            for part in parts:
                km = re.search(r"(-?)@([\w:-]*[\w])", part)
                if not km or km.group(2) not in bib:
                    if km and not km.group(2).startswith(("tbl-", "fig-")):
                        warnings.append(f"{page}: unknown citation key @{km.group(2)}")
                    return m.group(0)
                entry = bib[km.group(2)]
                prefix, locator = part[: km.start()].strip(), part[km.end() :].strip(" ,")
                who = "" if km.group(1) else cite_names(entry) + ", "
                text = f"{prefix + ' ' if prefix else ''}{who}{entry.year}"
                text += f", {locator}" if locator else ""
                out.append(cite_link(entry.key, html.escape(text, quote=False), page))
            return "(" + "; ".join(out) + ")"

        def narrative(m: re.Match, page: Path = page) -> str:
            entry = bib.get(m.group(1))
            if entry is None:
                return m.group(0)
            return cite_link(entry.key, f"{cite_names(entry)} ({entry.year})", page)

        def fix(text: str) -> str:
            text = _BRACKET.sub(bracket, text)
            text = _XREF.sub(xref, text)
            return _NARRATIVE.sub(narrative, text)

        docs[page] = _map_text(doc, fix)

    if refs_page is not None and refs_page in docs:
        entries = sorted((bib[k] for k in cited), key=sort_key)
        items = "\n".join(
            f'<div id="ref-{e.key}" class="csl-entry" role="listitem">{format_entry(e)}</div>'
            for e in entries
        )
        block = (
            '<div id="refs" class="references csl-bib-body hanging-indent" role="list">\n'
            f"{items}\n</div>"
        )
        docs[refs_page] = re.sub(
            r'<div\b[^>]*\bid="refs"[^>]*>\s*</div>', block, docs[refs_page], count=1
        )
    for page, doc in docs.items():
        (site / page).write_text(doc, encoding="utf-8")
    return warnings


#: Folders of a rendered site that hold assets and downloads, not pages of the book.
_ASSET_FOLDERS = ("site_libs", "tables", "figures", "derived", "downloads")


def _book_pages(site: Path) -> Iterator[tuple[Path, Path]]:
    """Every HTML page of the book (path, path relative to the site), assets left out."""
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if rel.parts[0] not in _ASSET_FOLDERS:
            yield path, rel


def add_download_links(site: Path) -> int:
    """Insert CSV / PNG / SVG links into every float whose files are in the site folder."""
    count = 0
    for path, rel in _book_pages(site):
        doc = path.read_text(encoding="utf-8")
        if 'class="p3md-downloads' in doc:
            continue

        def insert(m: re.Match, rel: Path = rel) -> str:
            nonlocal count
            label, kind = m.group(2), m.group(3)
            if kind == "tbl":
                files = [("CSV", site / "tables" / f"{label}.csv")]
            else:
                files = [(e.upper(), site / "figures" / f"{label}.{e}") for e in ("png", "svg")]
            links = [
                f'<a href="{_rel(f.relative_to(site), rel)}" download>{name}</a>'
                for name, f in files
                if f.exists()
            ]
            if not links:
                return m.group(0)
            count += 1
            return m.group(0) + f'<p class="p3md-downloads small">Unduh: {" · ".join(links)}</p>'

        new = _FLOAT_ID.sub(insert, doc)
        if new != doc:
            path.write_text(new, encoding="utf-8")
    return count


#: the line under a chapter's title that links its executed notebook (report text: Indonesian)
NOTEBOOK_LINE = (
    '<p class="p3md-notebook small">Buku catatan: <a href="{href}" download>{name}</a> '
    "(dijalankan oleh <em>pipeline</em>; kode lengkap dan keluaran)</p>"
)
_TITLE_BLOCK = re.compile(r'<header\b[^>]*\bid="title-block-header"[^>]*>.*?</header>', re.S)


def publish_notebooks(site: Path, run_dir: Path, replace: dict[str, str]) -> list[Path]:
    """Copy the run's executed notebooks into ``<site>/notebooks/``.

    ``replace`` maps machine paths in them (the render folder, the project folder) to the
    relative paths a reader would use, so that no path of this machine is published.
    """
    out: list[Path] = []
    src_dir = run_dir / "notebooks"
    if not src_dir.is_dir():
        return out
    (site / "notebooks").mkdir(parents=True, exist_ok=True)
    for nb in sorted(src_dir.glob("*.ipynb")):
        text = nb.read_text(encoding="utf-8")
        for old, new in sorted(replace.items(), key=lambda kv: -len(kv[0])):
            if old:
                text = text.replace(old, new)
        dest = site / "notebooks" / nb.name
        dest.write_text(text, encoding="utf-8")
        out.append(dest)
    return out


def add_notebook_links(site: Path) -> int:
    """Under the title of every chapter page that has its notebook in the site, link it."""
    count = 0
    for nb in sorted((site / "notebooks").glob("*.ipynb")) if (site / "notebooks").is_dir() else []:
        page = nb.with_suffix(".html")
        if not page.is_file():
            continue
        doc = page.read_text(encoding="utf-8")
        if 'class="p3md-notebook' in doc:
            continue
        line = NOTEBOOK_LINE.format(href=html.escape(nb.name), name=html.escape(nb.name))
        new, n = _TITLE_BLOCK.subn(lambda m, line=line: m.group(0) + "\n" + line, doc, count=1)
        if n:
            page.write_text(new, encoding="utf-8")
            count += 1
    return count


#: the PDF's and the Word copy's entries at the top of every page's sidebar (report text)
PDF_LINK = (
    '<a href="{href}" download><i class="bi bi-file-earmark-pdf" aria-hidden="true"></i> '
    "Unduh PDF</a>"
)
DOCX_LINK = (
    '<a href="{href}" download><i class="bi bi-file-earmark-word" aria-hidden="true"></i> '
    "Unduh DOCX</a>"
)
_SIDEBAR_MENU = re.compile(r'<div class="sidebar-menu-container">')


def add_pdf_link(site: Path, pdf: Path | None, docx: Path | None = None) -> int:
    """Link the book's PDF ("Unduh PDF") and Word copy ("Unduh DOCX") at the top of the
    sidebar of every page."""
    count = 0
    for path, rel in _book_pages(site):
        doc = path.read_text(encoding="utf-8")
        if 'class="p3md-pdf-link' in doc:
            continue
        links = [
            template.format(href=html.escape(_rel(f.relative_to(site), rel)))
            for template, f in ((PDF_LINK, pdf), (DOCX_LINK, docx))
            if f is not None
        ]
        line = f'<p class="p3md-pdf-link small px-3 my-2">{" · ".join(links)}</p>'
        new, n = _SIDEBAR_MENU.subn(lambda m, line=line: m.group(0) + line, doc, count=1)
        if n:
            path.write_text(new, encoding="utf-8")
            count += 1
    return count
