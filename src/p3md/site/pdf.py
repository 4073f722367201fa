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

What the PDF leaves out of the HTML: code (``<details>`` folds, code blocks), download and
notebook links, and every element with the class :data:`SITE_ONLY` (the per-gate details of
the validation appendix stay on the site and in the CSV/JSON downloads). In a ``.qmd`` page
``::: {.content-visible when-format="html"}`` hides a block from Quarto's PDF; smalldocs unwraps
that div, so put the class inside it as well: ``::: {.p3md-site-only}``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from p3md.markup import typst_string, typst_text

#: the class of HTML blocks that stay on the site and out of the PDF
SITE_ONLY = "p3md-site-only"
#: classes dropped from the PDF besides SITE_ONLY (links to files, code, page furniture)
_DROP_CLASSES = (
    SITE_ONLY,
    "p3md-downloads",
    "p3md-notebook",
    "p3md-pdf-link",
    "code-copy-outer-scaffold",
    "sourceCode",
    "quarto-page-breadcrumbs",
    "quarto-title-meta",
    "anchorjs-link",
)
_DROP_TAGS = ("details", "script", "style", "nav", "button", "noscript", "form")
BUILD_DIR = "_pdf"
#: the print rules and the tables/callouts filter shared with Quarto's PDF (see _quarto.yml)
TEMPLATES = Path(__file__).parent / "templates"
TYPST_HEAD = TEMPLATES / "typst-head.typ"
TABLES_FILTER = TEMPLATES / "tables.lua"  # inside the run folder; removed after a successful build


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
def _main_column(doc: str) -> tuple[str, str]:
    """(title, HTML of the main column without its title block) of a rendered page."""
    m = re.search(r"<main\b[^>]*>(.*)</main>", doc, re.S)
    body = m.group(1) if m else doc
    title_m = re.search(r"<h1\b[^>]*>(.*?)</h1>", body, re.S)
    title = ""
    if title_m:  # without Quarto's chapter number: Typst numbers the chapter itself
        title = re.sub(r'<span class="chapter-number">[^<]*</span>', "", title_m.group(1))
        title = re.sub(r"<[^>]+>", "", title).replace("&nbsp;", " ").strip()
    body = re.sub(r'<header\b[^>]*id="title-block-header".*?</header>', "", body, flags=re.S)
    inner = re.search(r"<h1\b[^>]*>(.*?)</h1>", body, re.S)
    if inner:  # Quarto's home page: the book's title above, the page's own heading here
        title = re.sub(r"<[^>]+>", "", inner.group(1)).strip()
        body = body[: inner.start()] + body[inner.end() :]
    return html.unescape(title), body


def _drop_elements(body: str) -> str:
    """Remove the elements the PDF leaves out (see the module's docstring), nested or not."""
    from html.parser import HTMLParser

    void = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    class Dropper(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.out: list[str] = []
            self.skip = 0  # depth inside a dropped element

        def _drops(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
            classes = " ".join(v or "" for k, v in attrs if k == "class").split()
            return tag in _DROP_TAGS or any(c in _DROP_CLASSES for c in classes)

        def handle_starttag(self, tag, attrs):
            if self.skip:
                if tag not in void:
                    self.skip += 1
                return
            if self._drops(tag, attrs):
                self.skip = 0 if tag in void else 1
                return
            self.out.append(self.get_starttag_text() or "")

        def handle_startendtag(self, tag, attrs):
            if not self.skip and not self._drops(tag, attrs):
                self.out.append(self.get_starttag_text() or "")

        def handle_endtag(self, tag):
            if self.skip:
                if tag not in void:
                    self.skip -= 1
                return
            self.out.append(f"</{tag}>")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data)

        def handle_entityref(self, name):
            if not self.skip:
                self.out.append(f"&{name};")

        def handle_charref(self, name):
            if not self.skip:
                self.out.append(f"&#{name};")

    parser = Dropper()
    parser.feed(body)
    parser.close()
    return "".join(parser.out)


def _prepare(body: str, page: Path, site: Path, labels: set[str], assets: Path) -> str:
    """Make a page's main column fit for pandoc -> Typst in one book."""
    body = _drop_elements(body)
    # section numbers: Typst numbers headings itself
    body = re.sub(r'<span class="header-section-number"[^>]*>[^<]*</span>\s*', "", body)

    # links: a cross-reference to a table/figure of the book stays a link (to its label);
    # other internal links become text (no page files in a PDF); web links stay
    def link(m: re.Match) -> str:
        attrs, text = m.group(1), m.group(2)
        href_m = re.search(r'href="([^"]*)"', attrs)
        href = html.unescape(href_m.group(1)) if href_m else ""
        if re.match(r"https?://|mailto:", href):
            return m.group(0)
        frag = href.partition("#")[2]
        if frag in labels:
            return f'<a href="#{frag}">{text}</a>'
        return text

    body = re.sub(r"<a\b([^>]*)>(.*?)</a>", link, body, flags=re.S)

    # ids: only the floats' labels are kept (others repeat from page to page)
    def ident(m: re.Match) -> str:
        return m.group(0) if m.group(1) in labels else ""

    body = re.sub(r'\sid="([^"]*)"', ident, body)

    # images: data URIs and site files become files Typst can read (paths from its root)
    def image(m: re.Match) -> str:
        src = html.unescape(m.group(2))
        if src.startswith("data:"):
            head, _, data = src.partition(",")
            ext = "svg" if "svg" in head else ("jpg" if "jpeg" in head else "png")
            raw = base64.b64decode(data) if ";base64" in head else data.encode()
            name = hashlib.sha1(raw).hexdigest()[:16] + "." + ext
            (assets / name).write_bytes(raw)
            return f'{m.group(1)}"/{BUILD_DIR}/assets/{name}"'
        target = (site / page.parent / src).resolve()
        try:
            rel = target.relative_to(site.parent.resolve())
        except ValueError:
            return m.group(0)
        return f'{m.group(1)}"/{rel.as_posix()}"'

    return re.sub(r'(<img\b[^>]*?\bsrc=)"([^"]*)"', image, body)


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
    pages: list[tuple[Path, str]],
    words: dict[str, str],
) -> Path:
    """Build ``<run>/_pdf/<name>.pdf`` from the rendered pages ((html path, number) in book order).

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
    docs = {p: (site / p).read_text(encoding="utf-8") for p, _ in pages if (site / p).is_file()}
    labels = {
        m.group(1)
        for doc in docs.values()
        for m in re.finditer(r'\sid="((?:tbl|fig)-[A-Za-z0-9_-]+)"', doc)
        if not m.group(1).endswith("-caption")
    }
    present = [(page, number) for page, number in pages if page in docs]
    columns = [_main_column(docs[page]) for page, _ in present]
    bodies = [
        _prepare(body, page, site, labels, assets)
        for (page, _), (_, body) in zip(present, columns, strict=True)
    ]

    def to_typst(page_body: tuple[Path, str]) -> str:
        page, body = page_body
        try:
            return pypandoc.convert_text(
                body,
                "typst",
                format="html",
                extra_args=["--wrap=none"],
                filters=[str(TABLES_FILTER)],
            )
        except (RuntimeError, OSError) as exc:
            raise PdfError(f"pandoc could not convert {page}: {exc}") from exc

    # One pandoc process per page, each working alone: run side by side (as many as the
    # machine has cores), in book order. One after the other they were most of the PDF's time.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        markups = list(pool.map(to_typst, zip([p for p, _ in present], bodies, strict=True)))
    parts = [preamble(cfg, words)]
    in_appendix = False
    for (_, number), (title, _), markup in zip(present, columns, markups, strict=True):
        if number.isalpha() and not in_appendix:
            in_appendix = True
            parts.append("#counter(heading).update(0)\n")
        parts.append(_heading(title, number))
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
    pages: list[tuple[Path, str]],
    words: dict[str, str],
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
        made, engine = typst_pdf(site, run_dir, cfg, pages, words), "pandoc-typst"
    dest = site / pdf_name(cfg)
    shutil.move(made, dest)
    shutil.rmtree(run_dir / BUILD_DIR, ignore_errors=True)
    return PdfResult(dest, engine, time.perf_counter() - t0)
