"""Checks of a rendered site against the hostile corpus (:mod:`corpus.hostile`).

- :func:`browse` opens every page of a site in headless Chromium, listens for dialogs (every
  payload calls ``alert``), and lists elements that carry a payload's event handler or a
  ``javascript:`` URL (a handler that needs a mouse never fires headless, but must not exist).
- :func:`formula_cells` reads every CSV and XLSX a site offers and lists the cells a
  spreadsheet would run as a formula (OWASP: text that begins with ``=``, ``+``, ``-``, ``@``,
  tab or carriage return and is not a number).
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
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
# Elements that carry an event handler or a javascript: URL planted by a payload.
PLANTED = r"""() => {
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = (a.value || '').toLowerCase();
      if ((n.startsWith('on') && v.includes('alert'))
          || (['href', 'src', 'action', 'formaction', 'data'].includes(n)
              && v.replace(/\s/g, '').startsWith('javascript:'))) {
        out.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
      }
    }
    if (el.tagName === 'SCRIPT' && /alert\(90\d\d\)/.test(el.textContent || '')) {
      out.push('SCRIPT ' + el.textContent.slice(0, 60));
    }
  }
  return out;
}"""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Visit:
    pages: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    planted: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    searched: int = 0  # search results shown for a payload's word


def pages_of(site: Path) -> list[str]:
    """The site's pages, and its SVG figures (a reader may open a download by itself)."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in [*site.rglob("*.html"), *site.glob("figures/*.svg")]
        if p.relative_to(site).parts[0] != "site_libs"
    )


def browse(sites: list[Path], profile: Path, shots: dict[str, Path] | None = None) -> Visit:
    """Every page of every site in ``sites``, in one Chromium; ``shots`` maps a page
    (``site-index/relative.html``) to a PNG path for a screenshot at 1280 px."""
    from playwright import sync_api

    visit = Visit()
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            for i, site in enumerate(sites):
                with serve(site) as base:
                    for rel in pages_of(site):
                        key = f"{i}/{rel}"
                        page = context.new_page()
                        page.on(
                            "dialog",
                            lambda d, k=key: (
                                visit.dialogs.append(f"{k}: {d.message}"),
                                d.dismiss(),
                            ),
                        )
                        page.goto(base + rel, wait_until="load")
                        page.wait_for_timeout(150)  # let onload/ontoggle/onerror handlers run
                        visit.pages.append(key)
                        visit.planted += [f"{key}: {p}" for p in page.evaluate(PLANTED)]
                        if rel.endswith(".svg"):
                            page.close()
                            continue
                        visit.texts[key] = page.inner_text("body")
                        if rel == "index.html":  # the site's search shows page text too
                            visit.searched += _search(page, "alert")
                        if shots and key in shots:
                            page.screenshot(path=str(shots[key]), full_page=False)
                        page.close()
        finally:
            context.close()
    return visit


def _search(page, word: str) -> int:
    """Type ``word`` into the page's search box (smalldocs or Quarto) and wait for the results;
    returns how many results show (the dialog listener catches a result that runs)."""
    box = page.locator(".smalldocs-search input, input.aa-Input, #quarto-search input")
    if box.count() == 0:
        button = page.locator(".aa-DetachedSearchButton, #quarto-search button").first
        if button.count() == 0:
            return 0
        button.click()
        box = page.locator("input.aa-Input")
    box.first.fill(word)
    page.wait_for_timeout(1200)
    return page.locator(".search-result, .aa-Item").count()


def _cells(path: Path) -> Iterator[tuple[str, str]]:
    if path.suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            for c, value in enumerate(row, 1):
                yield f"{r}:{c}", value
    elif path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        yield f"{ws.title}!{c.coordinate}", c.value
                    elif getattr(c, "data_type", "") == "f":
                        yield f"{ws.title}!{c.coordinate}", f"={c.value}"


def formula_cells(site: Path) -> list[str]:
    """Cells of the site's CSV/XLSX downloads that a spreadsheet would evaluate."""
    bad = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".csv", ".xlsx") or "site_libs" in path.parts:
            continue
        for where, value in _cells(path):
            if value.startswith(FORMULA_START) and not NUMBER.match(value.strip()):
                bad.append(f"{path.relative_to(site)} {where}: {value[:40]!r}")
    return bad
