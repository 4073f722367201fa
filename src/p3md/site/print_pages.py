"""The book's pages as its print copies read them, and a cache of the work done per page.

The PDF (:mod:`p3md.site.pdf`) and the Word copy (:mod:`p3md.site.docx`) both start from each
rendered page's main column (smalldocs' or Quarto's) without its code, links to files, hidden
elements and every element with the class :data:`SITE_ONLY` (:func:`drop_elements`, Python's
HTML parser: about 0.7 s over the thesis's 2.4 MB of pages; the per-gate details of the
validation appendix stay on the site and in the CSV/JSON downloads). In a ``.qmd`` page
``::: {.content-visible when-format="html"}`` hides a block from Quarto's own PDF; put the
class inside it as well, ``::: {.p3md-site-only}``, for these copies (smalldocs unwraps the
outer div). The site's search index leaves the same elements out.

The PDF then converts the pages to Typst with pandoc (one call per core for the pages not
in the cache, :func:`p3md.site.pdf.typst_pdf`). :func:`read_pages` reads the pages once for
both copies; each page's :attr:`PrintPage.key` is the hash of what its conversion
reads (its column, the book's float labels, the site folder's name) and of the code that
converts it.

A one-stage edit changes two or three of the book's twenty-odd pages, so a page's results are
kept in a :class:`PrintCache` beside the run folders (``.p3md-work/print-cache``, never
committed, like the staging folders; the least recently used entries go beyond
:data:`CACHE_LIMIT`): an unchanged page is read back, not converted again.

Why own code and not ``joblib.Memory``: joblib keys a result on the Python function's own
source, while a page's conversion also depends on ``templates/tables.lua``, on the pandoc
binary and on helpers in other functions; here the key names all of them. A cache entry is a
text file written atomically (``os.replace``), so two runs sharing the folder see either the
whole entry or none; an entry that cannot be read is made again.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from p3md.pipeline.atomic import WORK_DIR, work_dir

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
    # text only a screen reader speaks (Quarto's callouts name their type, "Penting", before
    # the title): printed, it ran into the title ("PentingData dalam ...")
    "screen-reader-only",
    "visually-hidden",
)
_DROP_TAGS = ("details", "script", "style", "nav", "button", "noscript", "form")
#: an element the reader never sees on the page (Quarto keeps each chapter's cited entries in a
#: hidden ``<div id="refs" style="display: none">`` for its hover pop-ups)
_HIDDEN = re.compile(r"display\s*:\s*none")
#: the print rules and the tables/callouts filter shared with _quarto.yml's typst format and the
#: Word copy
TEMPLATES = Path(__file__).parent / "templates"
TABLES_FILTER = TEMPLATES / "tables.lua"
#: The modules whose code converts a page (a change makes every page again).
CONVERTERS = ("print_pages.py", "pdf.py", "docx.py")

#: The cache's folder inside the run's work folder.
CACHE_DIR = "print-cache"
#: The bytes each kind of entry may take (the thesis's book: about 0.3 MB of Typst markup and
#: 1 MB of prepared HTML, so some dozens of books).
CACHE_LIMIT = 64 * 1024**2


def main_column(doc: str) -> tuple[str, str]:
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


def drop_elements(body: str) -> str:
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
            return (
                tag in _DROP_TAGS
                or any(c in _DROP_CLASSES for c in classes)
                or any(
                    k == "hidden" or (k == "style" and _HIDDEN.search(v or "")) for k, v in attrs
                )
            )

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


def float_labels(docs: Iterable[str]) -> set[str]:
    """The labels of the book's tables and figures (``tbl-...``, ``fig-...``) in its pages: the
    cross-references the print copies keep."""
    return {
        m.group(1)
        for doc in docs
        for m in re.finditer(r'\sid="((?:tbl|fig)-[A-Za-z0-9_-]+)"', doc)
        if not m.group(1).endswith("-caption")
    }


_DATA_IMAGE = re.compile(r'(<img\b[^>]*?\bsrc=)"(data:[^"]*)"')


def _data_image(src: str, assets: Path) -> str:
    """Write a data URI's image into ``assets``, named by its content; returns the name."""
    head, _, data = src.partition(",")
    ext = "svg" if "svg" in head else ("jpg" if "jpeg" in head else "png")
    raw = base64.b64decode(data) if ";base64" in head else data.encode()
    name = hashlib.sha1(raw).hexdigest()[:16] + "." + ext
    path = assets / name
    if not path.is_file():
        path.write_bytes(raw)
    return name


def write_data_images(column: str, assets: Path) -> None:
    """Write a page's embedded images into ``assets`` as :func:`prepare` does, for a page whose
    prepared text is read back from the cache."""
    for m in _DATA_IMAGE.finditer(column):
        _data_image(html.unescape(m.group(2)), assets)


def prepare(
    body: str,
    page: Path,
    site: Path,
    labels: set[str],
    assets: Path,
    section_numbers: bool = False,
) -> str:
    """Make a page's main column, already without what the print copies leave out
    (:func:`drop_elements`), fit for pandoc in one book. Images get paths from the run folder's
    root (Typst's root, pandoc's resource path); embedded ones are written to ``assets``, a
    folder inside the run folder. ``section_numbers``: keep the sections' numbers ("6.1") as
    text, as Word shows them; Typst numbers headings itself."""
    span = r'<span class="header-section-number"[^>]*>([^<]*)</span>'
    body = re.sub(span, r"\1", body) if section_numbers else re.sub(span + r"\s*", "", body)
    url = "/" + assets.resolve().relative_to(site.parent.resolve()).as_posix()

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
            return f'{m.group(1)}"{url}/{_data_image(src, assets)}"'
        target = (site / page.parent / src).resolve()
        try:
            rel = target.relative_to(site.parent.resolve())
        except ValueError:
            return m.group(0)
        return f'{m.group(1)}"/{rel.as_posix()}"'

    return re.sub(r'(<img\b[^>]*?\bsrc=)"([^"]*)"', image, body)


@dataclass
class PrintPage:
    """One page of the book in book order: its site path, number, title and main column."""

    page: Path
    number: str
    title: str
    column: str  # the main column as rendered, title block removed (:func:`main_column`)
    key: str  # hash of the column, the book's labels and the converting code
    _dropped: str | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def dropped(self) -> str:
        """The column without what the print copies leave out (computed once, thread-safe:
        the PDF and the Word copy are made side by side)."""
        with self._lock:
            if self._dropped is None:
                self._dropped = drop_elements(self.column)
            return self._dropped


def _code_version() -> str:
    """What a page's conversion depends on besides the page: the converting modules, the
    tables filter, the pandoc binary's version."""
    import pypandoc

    h = hashlib.sha256()
    for path in (*(Path(__file__).parent / name for name in CONVERTERS), TABLES_FILTER):
        h.update(path.read_bytes())
    h.update(str(pypandoc.get_pandoc_version()).encode())
    return h.hexdigest()


def _appendix_title(title: str, number: str) -> str:
    """An appendix's own title: Quarto writes its letter into it ("Lampiran A — Kamus data",
    with the book's ``appendix-delim``), and the print copies letter the appendix themselves."""
    if number.isalpha():
        m = re.match(rf"\S+\s+{re.escape(number)}\s*[—–:.-]\s*", title)
        if m and title[m.end() :]:
            return title[m.end() :]
    return title


def read_pages(site: Path, pages: Iterable[tuple[Path, str]]) -> tuple[list[PrintPage], set[str]]:
    """The book's rendered pages ((html path, number) in book order; missing files left out) and
    the labels of its tables and figures (the cross-references the print copies keep)."""
    docs = {p: (site / p).read_text(encoding="utf-8") for p, _ in pages if (site / p).is_file()}
    labels = float_labels(docs.values())
    # the site folder's name too: images get paths from the run folder's root through it
    version = "\n".join((_code_version(), site.name, *sorted(labels)))
    out = []
    for page, number in pages:
        if page not in docs:
            continue
        title, column = main_column(docs[page])
        title = _appendix_title(title, number)
        key = hashlib.sha256(
            "\n".join((version, page.as_posix(), column)).encode("utf-8", "surrogatepass")
        ).hexdigest()
        out.append(PrintPage(page, number, title, column, key))
    return out, labels


class PrintCache:
    """Per-page results by kind (``typst``, ``docx``) and :attr:`PrintPage.key`, in ``folder``
    (``None``: nothing kept, everything made)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[Path] = set()
        self.hits = self.made = 0
        self._lock = threading.Lock()

    def get(self, kind: str, page: PrintPage, make: Callable[[], str]) -> str:
        """The page's ``kind`` result: read from the cache, or made and stored."""
        return self.get_many(kind, [page], lambda missing: [make()])[0]

    def get_many(
        self,
        kind: str,
        pages: list[PrintPage],
        make: Callable[[list[PrintPage]], list[str]],
    ) -> list[str]:
        """The pages' ``kind`` results in their order: those in the cache read back, the others
        made by one call of ``make`` (which returns them in the order given) and stored."""
        found = [self._lookup(kind, page) for page in pages]
        missing = [page for page, text in zip(pages, found, strict=True) if text is None]
        made = iter(make(missing) if missing else [])
        out = []
        for page, text in zip(pages, found, strict=True):
            if text is None:
                text = next(made)
                self._store(kind, page, text)
            out.append(text)
        return out

    def _path(self, kind: str, page: PrintPage) -> Path | None:
        return None if self.folder is None else self.folder / kind / f"{page.key}.txt"

    def _lookup(self, kind: str, page: PrintPage) -> str | None:
        path = self._path(kind, page)
        if path is None:
            return None
        with self._lock:
            self.used.add(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        with self._lock:
            self.hits += 1
        try:
            os.utime(path)  # recently used: pruned last
        except OSError:
            pass
        return text

    def _store(self, kind: str, page: PrintPage, text: str) -> None:
        path = self._path(kind, page)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, path)
            except OSError:
                pass  # a cache that cannot be written only costs time
            with self._lock:
                self.made += 1

    def prune(self, kind: str, limit: int = CACHE_LIMIT) -> None:
        """Keep the entries of ``kind`` under ``limit`` bytes: the least recently used go first
        (a hit touches its entry), never one this build used. Several report folders beside
        each other share the cache, so it keeps more than one book."""
        if self.folder is None or not (self.folder / kind).is_dir():
            return
        entries = []
        for path in (self.folder / kind).glob("*.txt"):
            try:
                st = path.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= limit:
                break
            if path not in self.used:
                path.unlink(missing_ok=True)
                total -= size


def work_folder(run_dir: Path) -> Path | None:
    """The work folder beside a run's report folder, which also holds the runner's staging
    folders (a staging folder's parent is that work folder); ``None`` when it cannot be made
    (then nothing is kept from render to render)."""
    run_dir = Path(run_dir).resolve()
    try:
        return run_dir.parent if run_dir.parent.name == WORK_DIR else work_dir(run_dir)
    except OSError:
        return None


def cache_folder(run_dir: Path) -> Path | None:
    """The print cache of a run folder, in its :func:`work_folder` (``None``: nothing cached)."""
    work = work_folder(run_dir)
    return work / CACHE_DIR if work is not None else None
