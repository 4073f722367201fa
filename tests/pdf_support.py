"""What a reader of the book's PDF would see wrong, measured from the PDF itself (pdfplumber).

Used by the PDF tests of both renderers (``tests/test_site.py``) and by hand on any PDF::

    .venv/bin/python tests/pdf_support.py reports/site/laporan-p3md-pesawaran.pdf

- **overprinted text:** two words whose boxes overlap. Set text never does; Typst drawing the
  rows of a table that did not fit on the page on top of each other at its foot does.
- **past the edge:** a character, image or drawn box outside the page.
- **past the margin:** the same outside the text area of an A4 page with the book's margins,
  with a tolerance (a heading box, a wide table or figure).
- **blank pages:** no text and no image, apart from a running header or a page number in the
  top or bottom strip of the page.
- **cross-references** (:func:`unprinted_references`): every cross-reference of the site
  ("Tabel 3.1", with the words that follow it) is printed in the PDF as the site shows it, not
  as a bare number ("disajikan pada 15.": pandoc read a line starting "@label." as an example
  list, and every ``@label`` of the book printed that example's number).
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: points in a millimetre
MM = 72 / 25.4
#: the strip at the top and bottom of a page where a page number or running header may sit
FURNITURE = 22 * MM


@dataclass
class PageIssues:
    number: int  # 1-based
    overprinted: list[tuple[str, str]] = field(default_factory=list)
    past_edge: list[str] = field(default_factory=list)
    past_margin: list[str] = field(default_factory=list)
    blank: bool = False
    text: str = ""  # pdfplumber's extract_text


@dataclass
class PdfReport:
    pages: list[PageIssues]

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def blank(self) -> list[int]:
        return [p.number for p in self.pages if p.blank]

    @property
    def overprinted(self) -> dict[int, list[tuple[str, str]]]:
        return {p.number: p.overprinted for p in self.pages if p.overprinted}

    @property
    def past_edge(self) -> dict[int, list[str]]:
        return {p.number: p.past_edge for p in self.pages if p.past_edge}

    @property
    def past_margin(self) -> dict[int, list[str]]:
        return {p.number: p.past_margin for p in self.pages if p.past_margin}

    def summary(self) -> str:
        return (
            f"{self.page_count} pages; blank {self.blank}; "
            f"overprinted on {sorted(self.overprinted)}; past the edge on "
            f"{sorted(self.past_edge)}; past the margin on {sorted(self.past_margin)}"
        )


def _overlap(a: dict, b: dict) -> float:
    """Area of the intersection of two boxes over the area of the smaller one."""
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min(
        (a["x1"] - a["x0"]) * (a["bottom"] - a["top"]),
        (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]),
    )
    return w * h / smaller if smaller > 0 else 0.0


def overprinted_words(words: list[dict], threshold: float = 0.3) -> list[tuple[str, str]]:
    """Pairs of words whose boxes overlap by more than ``threshold`` of the smaller one."""
    words = sorted(words, key=lambda w: w["top"])
    pairs = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if b["top"] >= a["bottom"]:
                break
            if _overlap(a, b) > threshold:
                pairs.append((a["text"], b["text"]))
    return pairs


def overprinted_chars(chars: list[dict], threshold: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of visible characters whose boxes overlap by more than ``threshold`` (a word run
    into the next cell of a too narrow column reads as one word, but its letters overlap)."""
    chars = sorted(
        (c for c in chars if c["text"].strip() and c["x1"] > c["x0"]), key=lambda c: c["x0"]
    )
    pairs = []
    for i, a in enumerate(chars):
        for b in chars[i + 1 :]:
            if b["x0"] >= a["x1"]:
                break
            if _overlap(a, b) > threshold:
                pairs.append((a["text"], b["text"]))
    return pairs


def check_pdf(path: Path, margin_mm: float = 20.0, tolerance_mm: float = 3.0) -> PdfReport:
    """Every page's problems. ``margin_mm``: the smallest margin the book's pages use."""
    import pdfplumber

    out = []
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            issues = PageIssues(i)
            width, height = float(page.width), float(page.height)
            words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
            issues.overprinted = overprinted_words(words) or overprinted_chars(page.chars)
            boxes = [(f"text {w['text']!r}", w) for w in words]
            boxes += [("image", im) for im in page.images]
            # a band across the whole page (a title or part page's background) is decoration
            boxes += [
                ("box", r)
                for r in page.rects
                if r["width"] > 1
                and r["height"] > 1
                and not (r["x0"] <= 1 and r["x1"] >= width - 1)
            ]
            edge, tol = 0.5, tolerance_mm * MM
            lo, hi = margin_mm * MM - tol, width - margin_mm * MM + tol
            for what, b in boxes:
                if (
                    b["x0"] < -edge
                    or b["x1"] > width + edge
                    or b["top"] < -edge
                    or (b["bottom"] > height + edge)
                ):
                    issues.past_edge.append(f"{what} at x {b['x0']:.0f}-{b['x1']:.0f} pt")
                elif b["x0"] < lo or b["x1"] > hi:
                    issues.past_margin.append(f"{what} at x {b['x0']:.0f}-{b['x1']:.0f} pt")
            body = [w for w in words if FURNITURE < w["top"] and w["bottom"] < height - FURNITURE]
            issues.blank = not body and not page.images
            # the page's text while its characters are parsed (a second pass over the PDF
            # with pdfplumber took 10 s for Quarto's 101 pages)
            issues.text = page.extract_text() or ""
            out.append(issues)
    return PdfReport(out)


# a cross-reference of either renderer's HTML (Quarto's, or smalldocs' resolved by the site)
_XREF = re.compile(r'<a\b[^>]*class="[^"]*\bquarto-xref\b[^"]*"[^>]*>(.*?)</a>', re.S)
# where a reference's sentence ends in the HTML (the block that holds it)
_BLOCK_END = re.compile(r"</?(?:p|li|td|th|div|h[1-6]|caption|figcaption|table|ul|ol)\b", re.I)


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _squeeze(text: str) -> str:
    """Text as compared: no white space, hyphens (a word broken at the line's end) or
    invisible breaks, so that the line breaks of a page do not matter."""
    return re.sub(r"[\s\u00a0\u00ad\u200b-]+", "", text)


def html_references(site: Path, pages: list[str]) -> list[tuple[str, str, str, str]]:
    """(page, text before in its block, the reference, text after in its block) of every
    cross-reference on the site's ``pages`` (paths relative to ``site``)."""
    out = []
    for rel in pages:
        doc = (site / rel).read_text(encoding="utf-8")
        for m in _XREF.finditer(doc):
            head = doc[: m.start()]
            starts = list(_BLOCK_END.finditer(head))
            before = head[starts[-1].end() :] if starts else head
            before = before.split(">", 1)[-1] if starts else before
            tail = doc[m.end() :]
            end = _BLOCK_END.search(tail)
            after = tail[: end.start()] if end else tail
            out.append((rel, _plain(before), _plain(m.group(1)), _plain(after)))
    return out


def unprinted_references(
    site: Path, pages: list[str], pdf_text: str, after_chars: int = 12
) -> list[str]:
    """Cross-references of the site that the PDF does not print as the site does: the
    reference and the words after it (up to ``after_chars`` letters) must be in ``pdf_text``.
    Each problem names the page and what the PDF has after the words before the reference
    (a bare counter: "pada 15.")."""
    printed = _squeeze(pdf_text)
    problems = []
    for rel, before, ref, after in html_references(site, pages):
        want = _squeeze(ref) + _squeeze(after)[:after_chars]
        if not _squeeze(ref) or want in printed:
            continue
        lead = _squeeze(before)[-15:]
        at = printed.find(lead) if lead else -1
        got = printed[at : at + len(lead) + len(want) + 5] if at >= 0 else "(sentence not found)"
        problems.append(f"{rel}: {before[-30:]!r} + {ref!r}: the PDF has {got!r}")
    return problems


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        report = check_pdf(Path(arg))
        print(f"{arg}: {report.summary()}")
        for n, pairs in report.overprinted.items():
            print(f"  p. {n} overprinted: {pairs[:4]}{' ...' if len(pairs) > 4 else ''}")
        for n, items in report.past_edge.items():
            print(f"  p. {n} past the edge: {items[:3]}")
        for n, items in report.past_margin.items():
            print(f"  p. {n} past the margin: {items[:3]}")
