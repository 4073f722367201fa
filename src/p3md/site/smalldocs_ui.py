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
