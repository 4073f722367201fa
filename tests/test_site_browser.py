"""Open every page of a built site in headless Chromium (Debian's /usr/bin/chromium).

Checks: no console errors or page errors, every internal link, image, stylesheet and script
answers HTTP 200, every cross-reference points at a table or figure that exists, no reference
is left unresolved; saves screenshots of the home page, a results chapter and the audit chapter
into the run folder (``<run>/screenshots/``).

Sites: ``fake`` (a small fake run rendered by the site module, always) and ``reports`` (the
last pipeline run in ``reports/``, or in $P3MD_SITE_RUN, when it has a site).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from p3md import PROJECT_ROOT
from p3md.site import render_site
from p3md.site.demo import make_fake_run

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
SCREENSHOTS = {
    "home": "index.html",
    "hasil": "notebooks/03_instrument.html",
    "audit": "notebooks/08_audit.html",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # a browser closing early is fine
        pass


@pytest.fixture(scope="module", params=["fake", "reports"])
def run_dir(request, tmp_path_factory) -> Path:
    if request.param == "reports":
        # A site built by a real run of the whole study (P3MD_SITE_RUN picks an existing one).
        if os.environ.get("P3MD_SITE_RUN"):
            return Path(os.environ["P3MD_SITE_RUN"])
        return request.getfixturevalue("pipeline_run").out_dir
    root = tmp_path_factory.mktemp("browser")
    run = make_fake_run(root / "run", root / "data")
    render_site(PROJECT_ROOT, run)
    return run


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


def test_every_page_in_chromium(served, browser_context, run_dir):
    site, base = served
    pages = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] != "site_libs"
    )
    assert "index.html" in pages
    problems: list[str] = []
    statuses: dict[str, int] = {}
    ids_of: dict[str, set[str]] = {}
    shots = run_dir / "screenshots"
    shots.mkdir(exist_ok=True)
    page = browser_context.new_page()
    errors: list[str] = []
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
        resp = page.goto(base + rel, wait_until="load")
        assert resp is not None and resp.status == 200, rel
        page.wait_for_timeout(50)
        problems += [f"{rel}: {e}" for e in errors]
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
    for name, rel in SCREENSHOTS.items():
        if rel in pages:
            page.goto(base + rel, wait_until="load")
            page.screenshot(path=str(shots / f"{name}.png"), full_page=False)
    page.close()
    assert not problems, "\n".join(problems[:50])
    assert (shots / "home.png").exists() and (shots / "audit.png").exists()
    assert urlparse(base).hostname == "127.0.0.1"
