"""What smalldocs does not do for a reader: fold notebook code, speak the page's language.

Quarto folds every code cell behind ``code-summary`` when ``format.html.code-fold`` is true and
translates its interface (search, table of contents, copy button) from ``lang`` plus the
``language:`` block of ``_quarto.yml``. smalldocs 0.5.4 folds a notebook cell only when the cell
itself says so, and its interface strings are English whatever ``lang`` says (see
``/work/shared/notes``). No option changes either, hence this post-processing of the HTML it
wrote (and of its copy of ``smalldocs.js``).

The translations are not written here: they are Quarto's translation keys, read from the
``language:`` block of ``_quarto.yml`` for the page's language (``<html lang>``), so the two
renderers show the same words. This module only knows which English string of smalldocs is
which key.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

#: smalldocs 0.5.4's English interface strings -> Quarto's translation key for the same thing
SMALLDOCS_STRINGS: dict[str, str] = {
    "On this page": "toc-title-website",
    "Search": "search-label",
    "No results": "search-no-results-text",
    "Copy to Clipboard": "copy-button-tooltip",
    "Copied!": "copy-button-tooltip-success",
    "Toggle sidebar navigation": "toggle-sidebar",
    "Toggle section": "toggle-section",
    "Toggle navigation": "toggle-navigation",
    "Toggle dark mode": "toggle-dark-mode",
}
#: where those strings sit in smalldocs' HTML: element text, or one of these attributes
_ATTRS = ("placeholder", "aria-label", "title")

_CODE_BLOCK = re.compile(
    r'<div class="code-copy-outer-scaffold"><div class="sourceCode"[^>]*>'
    r"<pre\b[^>]*\bcell-code\b[^>]*>.*?</pre></div>"
    r"(?:<button\b[^>]*>.*?</button>)?</div>",
    re.S,
)
_LANG = re.compile(r'<html\b[^>]*\blang="([^"]+)"')


def translations(cfg: dict[str, Any], lang: str) -> dict[str, str]:
    """The ``language:`` entries of ``_quarto.yml`` for ``lang`` (keyed or flat form)."""
    block = cfg.get("language") or {}
    if not isinstance(block, dict):
        return {}
    keyed = block.get(lang)
    if isinstance(keyed, dict):
        return {str(k): str(v) for k, v in keyed.items()}
    if lang == (cfg.get("lang") or "en"):  # the flat form applies to the book's own language
        return {str(k): str(v) for k, v in block.items() if not isinstance(v, dict)}
    return {}


def code_summary(cfg: dict[str, Any]) -> str | None:
    """``format.html.code-summary`` when ``code-fold`` is on, else None (no folding)."""
    fmt = ((cfg.get("format") or {}).get("html")) or {}
    if str(fmt.get("code-fold", "false")).lower() not in ("true", "show"):
        return None
    return str(fmt.get("code-summary") or "Code")


def fold_code(doc: str, summary: str) -> tuple[str, int]:
    """Put every notebook cell's code behind a ``<details class="code-fold">`` like Quarto's."""
    label = html.escape(summary, quote=False)

    def wrap(m: re.Match) -> str:
        return f'<details class="code-fold">\n<summary>{label}</summary>\n{m.group(0)}</details>'

    return _CODE_BLOCK.subn(wrap, doc)


def translate(doc: str, words: dict[str, str]) -> str:
    """Replace smalldocs' English interface strings by the page language's words."""
    for english, key in SMALLDOCS_STRINGS.items():
        local = words.get(key)
        if not local:
            continue
        esc = html.escape(local)
        for attr in _ATTRS:
            doc = doc.replace(f'{attr}="{english}"', f'{attr}="{esc}"')
        doc = re.sub(
            rf"(>\s*){re.escape(english)}(\s*<)",
            lambda m, esc=esc: m.group(1) + esc + m.group(2),
            doc,
        )
    return doc


def translate_script(script: str, words: dict[str, str]) -> str:
    """The same for the string literals of ``smalldocs.js`` (search box, copy button)."""
    for english, key in SMALLDOCS_STRINGS.items():
        local = words.get(key)
        if local:
            safe = local.replace("\\", "\\\\").replace('"', '\\"')
            script = script.replace(f'"{english}"', f'"{safe}"')
            script = script.replace(f">{english}<", f">{html.escape(local)}<")
    return script


def apply(site: Path, cfg: dict[str, Any]) -> dict[str, int]:
    """Fold code and translate the interface of every page of a smalldocs site.

    ``smalldocs.js`` is shared by all pages, so its strings take the book's language (``lang``).
    Returns counts: ``folded`` code cells and ``translated`` pages.
    """
    summary = code_summary(cfg)
    book_lang = str(cfg.get("lang") or "en")
    counts = {"folded": 0, "translated": 0}
    for path in sorted(site.rglob("*.html")):
        if path.relative_to(site).parts[0] == "site_libs":
            continue
        doc = path.read_text(encoding="utf-8")
        new = doc
        if summary:
            new, n = fold_code(new, summary)
            counts["folded"] += n
        m = _LANG.search(new)
        words = translations(cfg, m.group(1) if m else book_lang)
        if words:
            new = translate(new, words)
            counts["translated"] += 1
        if new != doc:
            path.write_text(new, encoding="utf-8")
    script = site / "site_libs" / "smalldocs.js"
    words = translations(cfg, book_lang)
    if script.is_file() and words:
        text = script.read_text(encoding="utf-8")
        script.write_text(translate_script(text, words), encoding="utf-8")
    return counts


# ------------------------------------------------------------------ book navigation
# smalldocs builds a book as a website: no chapter numbers, section numbers that restart on every
# page (while the tables are numbered "Tabel 7.x" by p3md.site.postprocess), no previous/next
# links, and a search index with the page's Markdown and code. Quarto's book does all of it;
# these functions give the smalldocs pages the same, from the book's order (render.book_pages).
_H1_TITLE = re.compile(r'(<h1 class="title"[^>]*>)(.*?)(</h1>)', re.S)
_SECTION_NUMBER = re.compile(r'<span class="header-section-number">([^<]*)</span>')
_MAIN_END = re.compile(r"</main>")

#: Quarto's markup of the previous/next links under a chapter (same classes, same look)
_NAV = (
    '<nav class="page-navigation p3md-page-navigation">'
    '<div class="nav-page nav-page-previous">{prev}</div>'
    '<div class="nav-page nav-page-next">{next}</div></nav>'
)
_NAV_LINK = (
    '<a href="{href}" class="pagination-link" aria-label="{label}">{before}'
    '<span class="nav-page-text">{text}</span>{after}</a>'
)


def _chapter_text(number: str, title: str) -> str:
    if not number:
        return f'<span class="chapter-title">{title}</span>'
    return (
        f'<span class="chapter-number">{html.escape(number)}</span>&nbsp; '
        f'<span class="chapter-title">{title}</span>'
    )


def _page_title(doc: str) -> str:
    m = _H1_TITLE.search(doc)
    return m.group(2).strip() if m else ""


def number_chapters(doc: str, number: str) -> str:
    """Chapter number in the page's title; sections numbered within it ("7.1", "A.2"); an
    unnumbered page numbers no section (as Quarto's book)."""
    if number and 'class="chapter-number"' not in doc:
        doc = _H1_TITLE.sub(
            lambda m: m.group(1) + _chapter_text(number, m.group(2).strip()) + m.group(3),
            doc,
            count=1,
        )

    def section(m: re.Match) -> str:
        if not number:
            return ""
        own = m.group(1).strip()
        # the attribute marks a number already within the chapter (this runs once per page)
        return (
            f'<span class="header-section-number" data-chapter="{html.escape(number)}">'
            f"{html.escape(number)}.{own}</span>"
        )

    return _SECTION_NUMBER.sub(section, doc)


def _rel(target: Path, page: Path) -> str:
    import os

    return os.path.relpath(target, page.parent or Path(".")).replace(os.sep, "/")


def navigation(site: Path, order: list[tuple[Path, str]]) -> int:
    """Number chapters and sections, add previous/next links and chapter numbers in the
    sidebar, on every page of the book order. Returns the pages changed."""
    present = [(p, n) for p, n in order if (site / p).is_file()]
    titles = {p: _page_title((site / p).read_text(encoding="utf-8")) for p, _ in present}
    numbers = dict(present)
    count = 0
    for i, (page, number) in enumerate(present):
        path = site / page
        doc = path.read_text(encoding="utf-8")
        new = number_chapters(doc, number)
        # chapter numbers in the sidebar's links to the book's pages
        for other, num in present:
            if not num:
                continue
            href = re.escape(_rel(other, page))
            new = re.sub(
                rf'(<a href="{href}" class="sidebar-item-text sidebar-link[^"]*"[^>]*>'
                r'<span class="menu-text">)(?!<span class="chapter-number">)(.*?)(</span></a>)',
                lambda m, num=num: m.group(1) + _chapter_text(num, m.group(2)) + m.group(3),
                new,
                count=1,
            )
        if "p3md-page-navigation" not in new:
            links = {}
            for key, j, before, after in (
                ("prev", i - 1, '<i class="bi bi-arrow-left-short"></i> ', ""),
                ("next", i + 1, "", ' <i class="bi bi-arrow-right-short"></i>'),
            ):
                if 0 <= j < len(present):
                    target = present[j][0]
                    text = _chapter_text(numbers[target], titles[target])
                    links[key] = _NAV_LINK.format(
                        href=html.escape(_rel(target, page)),
                        label=html.escape(re.sub(r"<[^>]+>", "", titles[target])),
                        before=before,
                        after=after,
                        text=text,
                    )
                else:
                    links[key] = ""
            new = _MAIN_END.sub(lambda m, links=links: _NAV.format(**links) + m.group(0), new, 1)
        if new != doc:
            path.write_text(new, encoding="utf-8")
            count += 1
    return count


def search_index(site: Path) -> int:
    """Rewrite smalldocs' ``search.json`` with the text readers see: each entry's page section
    as rendered (citations and cross-references resolved, no code, no download links), not the
    page's Markdown source. Returns the entries rewritten."""
    import json

    from p3md.site.print_pages import drop_elements

    index = site / "search.json"
    if not index.is_file():
        return 0
    entries = json.loads(index.read_text(encoding="utf-8"))
    texts: dict[str, dict[str, str]] = {}

    def plain(fragment: str) -> str:
        fragment = drop_elements(fragment)
        fragment = re.sub(r"<h[1-6]\b.*?</h[1-6]>", " ", fragment, flags=re.S)
        block = (
            r"</?(?:p|div|li|ul|ol|td|th|tr|table|caption|figcaption|figure|section|br|pre)\b[^>]*>"
        )
        fragment = re.sub(block, " ", fragment)
        text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
        return re.sub(r"\s+", " ", text).strip()

    def sections(page: str) -> dict[str, str]:
        if page not in texts:
            path = site / page
            doc = path.read_text(encoding="utf-8") if path.is_file() else ""
            m = re.search(r"<main\b[^>]*>(.*)</main>", doc, re.S)
            body = m.group(1) if m else doc
            body = re.sub(r'<nav class="page-navigation.*?</nav>', "", body, flags=re.S)
            starts = list(re.finditer(r'<section id="([^"]+)"', body))
            out = {"": plain(body[: starts[0].start()] if starts else body)}
            for k, s in enumerate(starts):
                end = starts[k + 1].start() if k + 1 < len(starts) else len(body)
                out[s.group(1)] = plain(body[s.start() : end])
            texts[page] = out
        return texts[page]

    count = 0
    for entry in entries if isinstance(entries, list) else []:
        page, _, frag = str(entry.get("href", "")).partition("#")
        found = sections(page).get(frag)
        if found is not None and found != entry.get("text"):
            entry["text"] = found
            count += 1
    index.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return count
