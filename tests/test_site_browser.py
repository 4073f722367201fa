"""Open every page of a built site in headless Chromium (Debian's /usr/bin/chromium), as a reader.

Checks on every page at 1280 px: no console errors or page errors, no request to any host but
the local server (no CDN script, font or stylesheet), no horizontal overflow of the main column
(``scrollWidth <= clientWidth``) and no table wider than it (a table that scrolls or is
clipped inside its own box is wider than the page all the same), every internal link, image,
stylesheet and script answers HTTP 200, every cross-reference points at a table or figure
that exists, no reference is left unresolved. Screenshots of every page of the book go into
the run folder (``<run>/screenshots/<renderer>/<page>.png``). The book's PDF is checked too:
A4, page count, a table of contents of chapters and sections only, a validation appendix of
at most 3 pages, no line of the notebooks' code, and every cross-reference printed as the site
shows it ("Tabel 3.1", not a bare number).

Sites: ``fake`` (a small fake run rendered by the site module) and ``reports`` (the session's
pipeline run, or the run in $P3MD_SITE_RUN, in a copy: with the renderer the session's run used,
its own site and PDF; with the other, rendered again), each with smalldocs and, when ``quarto``
is on PATH, with Quarto.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from fixtures.fake_run import make_fake_run
from p3md import PROJECT_ROOT
from p3md.site import render_site
from p3md.site.render import book_pages, load_config

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
if CHROMIUM is None:
    pytest.skip(
        "Chromium is not installed (run `make browser-deps`, i.e. apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is not installed"
)

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RENDERERS = ["smalldocs"] + (["quarto"] if shutil.which("quarto") else [])
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# the main column of a page, under both renderers
MAIN_WIDTH = """() => {
  const m = document.querySelector('#quarto-document-content') || document.querySelector('main');
  const boxes = Array.from(m.querySelectorAll('table, img, figure, .callout, svg'))
    .map(t => t.getBoundingClientRect().width);
  return {scroll: m.scrollWidth, client: m.clientWidth, widest: Math.max(0, ...boxes)};
}"""
# at a phone's width: the page never scrolls sideways; a table wider than the column scrolls
# inside a box of its own no wider than the column; captions (above their tables), notes and
# boxes wrap within it
NARROW = """() => {
  const m = document.querySelector('#quarto-document-content') || document.querySelector('main');
  const col = m.getBoundingClientRect();
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) out.push(`page ${doc.scrollWidth} px wide`);
  for (const t of m.querySelectorAll('table')) {
    // a thesis puts a table's caption above it (Bootstrap's theme sets it under)
    const cap = t.querySelector(':scope > caption'), head = t.tHead || t.rows[0];
    if (cap && head && cap.getBoundingClientRect().top > head.getBoundingClientRect().top) {
      out.push(`caption under its table: ${cap.textContent.slice(0, 40)}`);
    }
    const w = t.getBoundingClientRect().width;
    if (w <= col.width + 1) continue;
    let box = t.parentElement, ok = false;
    while (box && box !== m.parentElement) {
      const st = getComputedStyle(box);
      if (['auto', 'scroll'].includes(st.overflowX) && box.clientWidth <= col.width + 1) {
        ok = true; break;
      }
      box = box.parentElement;
    }
    if (!ok) out.push(`table ${Math.round(w)} px does not scroll in its own box`);
  }
  for (const c of m.querySelectorAll('caption, figcaption, .p3md-table-note, .callout, img')) {
    const r = c.getBoundingClientRect();
    if (r.width > col.width + 1) out.push(`${c.tagName.toLowerCase()} ${Math.round(r.width)} px`);
  }
  return out;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # a browser closing early is fine
        pass


@dataclass
class Built:
    run: Path  # the run folder that was rendered (holds site/)
    source: str  # "fake" or "reports"
    renderer: str
    shots: Path  # where the screenshots go: the run folder the site belongs to


@pytest.fixture(
    scope="module",
    params=[(src, r) for src in ("fake", "reports") for r in RENDERERS],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def built(request, tmp_path_factory) -> Built:
    source, renderer = request.param
    root = tmp_path_factory.mktemp(f"browser-{source}-{renderer}")
    if source == "reports":
        # A real run of the whole study (P3MD_SITE_RUN picks an existing one), rendered again in
        # a copy with each renderer; its screenshots go into the original run folder.
        if os.environ.get("P3MD_SITE_RUN"):
            original, made_by = Path(os.environ["P3MD_SITE_RUN"]), None
        else:
            shared = request.getfixturevalue("pipeline_run")
            original, made_by = shared.out_dir, shared.renderer
        run = root / "run"
        shots = original / "screenshots" / renderer
        if made_by == renderer:
            # The session's run already rendered its site (and PDF) with this renderer, as
            # `make report` does: check that site itself (in a copy) instead of paying the same
            # render (with Quarto, the most expensive step of the suite) a second time.
            shutil.copytree(original, run, ignore=shutil.ignore_patterns("screenshots"))
            assert (run / "site" / "index.html").is_file(), "the shared run has no site"
            return Built(run, source, renderer, shots)
        shutil.copytree(original, run, ignore=shutil.ignore_patterns("site", "screenshots"))
    else:
        run = make_fake_run(root / "run", root / "data")
        shots = run / "screenshots" / renderer
    result = render_site(PROJECT_ROOT, run, renderer=renderer)
    assert result.renderer == renderer
    return Built(run, source, renderer, shots)


@pytest.fixture(scope="module")
def run_dir(built) -> Path:
    return built.run


@pytest.fixture(scope="module")
def served(run_dir):
    site = run_dir / "site"
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def _status(url: str, cache: dict[str, int]) -> int:
    if url not in cache:
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                cache[url] = resp.status
        except urllib.error.HTTPError as exc:
            cache[url] = exc.code
    return cache[url]


def test_every_page_in_chromium(served, browser_context, built):
    site, base = served
    run_dir = built.run
    pages = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] != "site_libs"
    )
    assert "index.html" in pages
    problems: list[str] = []
    statuses: dict[str, int] = {}
    ids_of: dict[str, set[str]] = {}
    shots = built.shots
    shots.mkdir(parents=True, exist_ok=True)
    page = browser_context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    widths: dict[str, dict] = {}
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(r.url).hostname not in LOCAL_HOSTS
            else None
        ),
    )
    # "Failed to load resource" console errors carry no URL: failed responses are recorded
    # with their URL instead (the browser's own /favicon.ico request is not the site's link)
    page.on(
        "console",
        lambda m: (
            errors.append(f"console {m.type}: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"HTTP {r.status} for {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url} {r.failure}"))
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    for rel in pages:
        errors.clear()
        outside.clear()
        resp = page.goto(base + rel, wait_until="load")
        assert resp is not None and resp.status == 200, rel
        page.wait_for_timeout(50)
        problems += [f"{rel}: {e}" for e in errors]
        problems += [f"{rel}: request to a non-local host: {u}" for u in outside]
        w = widths[rel] = page.evaluate(MAIN_WIDTH)
        if w["scroll"] > w["client"]:
            problems.append(
                f"{rel}: the main column overflows at 1280 px "
                f"(scrollWidth {w['scroll']} > clientWidth {w['client']}; widest table "
                f"{w['widest']:.0f} px)"
            )
        elif w["widest"] > w["client"] + 1:  # also a table clipped or scrolled inside its box
            problems.append(
                f"{rel}: a table, figure or box is wider than the main column at 1280 px "
                f"({w['widest']:.0f} px > {w['client']} px)"
            )
        ids_of[base + rel] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        urls = page.eval_on_selector_all(
            "a[href], img[src], link[href], script[src]",
            "els => els.map(e => e.href || e.src)",
        )
        for url in urls:
            if not url.startswith(base):
                continue  # external links are not fetched (no network on CI)
            target, _ = urldefrag(url)
            if _status(target, statuses) != 200:
                problems.append(f"{rel}: broken link {url} -> HTTP {statuses[target]}")
        text = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
        left = re.findall(r"\?@(?:tbl|fig)-[\w-]+|(?<![\w/])@(?:tbl|fig)-[\w-]+|\[@[\w:-]+", text)
        problems += [f"{rel}: unresolved reference {m}" for m in left]
        xrefs = page.eval_on_selector_all("a.quarto-xref", "els => els.map(e => e.href)")
        for href in xrefs:
            target, frag = urldefrag(href)
            if not frag:
                problems.append(f"{rel}: cross-reference without target {href}")
                continue
            if target not in ids_of:
                other = browser_context.new_page()
                other.goto(target, wait_until="load")
                ids_of[target] = set(
                    other.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
                )
                other.close()
            if frag not in ids_of[target]:
                problems.append(f"{rel}: cross-reference {href} points at no table/figure")
    book = [
        Path(src).with_suffix(".html").as_posix()
        for src, _ in book_pages(load_config(run_dir / "_quarto.yml"), run_dir)
    ]
    for rel in book:
        if rel in pages:
            page.goto(base + rel, wait_until="load")
            page.screenshot(path=str(shots / f"{Path(rel).stem}.png"), full_page=False)
    # every page at 390 px (a phone), with a screenshot of each page of the book
    page.set_viewport_size({"width": 390, "height": 844})
    (shots / "390").mkdir(exist_ok=True)
    for rel in pages:
        page.goto(base + rel, wait_until="load")
        problems += [f"{rel} at 390 px: {p}" for p in page.evaluate(NARROW)]
        if rel in book:
            page.screenshot(path=str(shots / "390" / f"{Path(rel).stem}.png"))
    page.close()
    (shots / "widths.json").write_text(json.dumps(widths, indent=1), encoding="utf-8")
    assert not problems, "\n".join(problems[:50])
    assert all((shots / f"{Path(rel).stem}.png").exists() for rel in book), "missing screenshots"
    assert urlparse(base).hostname == "127.0.0.1"


# ------------------------------------------------------------------------------ the PDF
def _code_lines(run_dir: Path) -> set[str]:
    """Distinctive lines of the notebooks' code cells (assignments and calls, 25+ characters)."""
    lines: set[str] = set()
    for nb in sorted((run_dir / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for line in src.splitlines():
                line = line.strip()
                if len(line) >= 25 and "(" in line and not line.startswith(("#", '"', "'")):
                    lines.add(re.sub(r"\s+", "", line))
    return lines


def appendix_pages(reader, title: str) -> int:
    """How many pages the chapter or appendix whose bookmark contains ``title`` spans."""
    flat: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for it in items:
            if isinstance(it, list):
                walk(it, depth + 1)
            else:
                flat.append((depth, it.title, reader.get_destination_page_number(it)))

    walk(reader.outline, 1)
    start = next(i for i, (_, t, _) in enumerate(flat) if title.lower() in t.lower())
    depth, _, first = flat[start]
    after = [p for d, _, p in flat[start + 1 :] if d <= depth]
    return (after[0] if after else len(reader.pages)) - first


def test_pdf_reads_as_a_thesis(built):
    pypdf = pytest.importorskip("pypdf")
    from test_site_reader import assert_toc_chapters_and_sections

    pdfs = sorted((built.run / "site").glob("*.pdf"))
    assert len(pdfs) == 1, pdfs
    reader = pypdf.PdfReader(str(pdfs[0]))
    n = len(reader.pages)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    assert 5 <= n <= 150, f"{n} pages"
    assert "rekonstruksi" in reader.pages[0].extract_text()
    assert_toc_chapters_and_sections(reader)
    # the validation appendix is a summary; its per-gate details stay on the site
    assert appendix_pages(reader, "Hasil validasi data") <= 3
    printed = "".join(p.extract_text() for p in reader.pages)
    text = re.sub(r"\s+", "", printed)
    code = _code_lines(built.run)
    assert code or built.source == "fake"
    shown = sorted(line for line in code if line in text)
    assert not shown, shown[:5]
    # every cross-reference reads as on the site ("Tabel 3.1"), never as a bare number
    # ("disajikan pada 15.": a line starting "@label." read as a pandoc example list)
    from pdf_support import unprinted_references

    site = built.run / "site"
    book = [
        Path(src).with_suffix(".html").as_posix()
        for src, _ in book_pages(load_config(built.run / "_quarto.yml"), built.run)
    ]
    wrong = unprinted_references(site, [p for p in book if (site / p).is_file()], printed)
    assert not wrong, "\n".join(wrong[:10])
    index = (built.run / "site" / "index.html").read_text(encoding="utf-8")
    assert f'href="{pdfs[0].name}" download' in index  # "Unduh PDF"


def test_pdf_pages_are_print_grade(built):
    """Issue 18: no overprinted text (a long table's rows drawn over each other at the foot of
    a page, a word run into the next cell), nothing past the page edge or the margins (a
    chapter box, a figure), at most 2 blank pages; the reconstruction notice is a box."""
    pytest.importorskip("pdfplumber")
    from pdf_support import MM, check_pdf

    (pdf,) = sorted((built.run / "site").glob("*.pdf"))
    # margins of at least 25 mm under both renderers: Quarto's book template (orange-book)
    # hung section numbers into its 30 mm margin, typst-book.typ sets them in the text block;
    # its cover (page 1, no margins) has a layout of its own
    report = check_pdf(pdf, margin_mm=25)
    assert not report.overprinted, report.summary()
    assert not report.past_edge, report.summary()
    cover = {1} if built.renderer == "quarto" else set()
    past_margin = {n: b for n, b in report.past_margin.items() if n not in cover}
    assert not past_margin, f"{report.summary()}: {past_margin}"
    assert len(report.blank) <= 2, report.summary()
    import pdfplumber

    pages = [p.text for p in report.pages]
    # one bibliography, with the Indonesian terms of apa.csl's id locale (Quarto's Typst
    # printed "et al.", "n.d." and "& others", and an empty "Daftar Pustaka" before the list)
    summary = max(i for i, t in enumerate(pages) if "Summary in English" in t[:300])
    english = re.findall(r"\bet al\.|\bn\.d\.|& others", "\n".join(pages[:summary]))
    assert not english, english
    headings = [i for i, t in enumerate(pages) if re.match(r"\s*Daftar Pustaka\s*$", t, re.M)]
    assert len(headings) == 1, headings

    # the notice's box holds its title (not the title page)
    notice = next(i for i, t in enumerate(pages) if i > 0 and "kompendium ini adalah" in t)
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[notice]
        words = [w for w in page.extract_words() if w["text"].startswith("rekonstruksi")]
        boxed = [
            (w, r)
            for w in words
            for r in page.rects + page.curves
            if r["x0"] <= w["x0"]
            and r["x1"] >= w["x1"]
            and r["top"] <= w["top"]
            and r["bottom"] >= w["bottom"]
            and r["x1"] - r["x0"] > 50 * MM
        ]
        assert boxed, "the reconstruction notice is not drawn as a box"
