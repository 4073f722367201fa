"""The one escaping path per output format for text the report did not write itself.

Every string that comes from a data folder, the codebook, ``design.yaml``, a mapping or a form
export (names of kecamatan and districts, labels, question texts, paths, gate messages)
reaches a page only through these functions, so that it shows as the literal text it is:

- :func:`md` -- Markdown/.qmd text for Quarto and smalldocs (and from there the PDF and the
  Word copy): raw HTML, entities, emphasis, links, pipes, ``@`` citations, ``$`` maths,
  ``{{< >}}`` shortcodes, headings and fences all print literally.
- :func:`md_code` -- the same value shown as code when it is a plain identifier or path; any
  other value falls back to :func:`md` (a code span cannot hide a shortcode from Quarto).
- :func:`html` -- HTML text and attribute values (MarkupSafe, the escaping Jinja2 uses). The
  project writes no HTML page of its own: pages are Markdown rendered by Quarto or smalldocs,
  tables are great-tables' HTML (which escapes every cell, label and note).
- :func:`typst_text` / :func:`typst_string` -- Typst markup: a string literal, so no character
  is read as Typst markup (``#image("x")`` prints, it does not run).

The helpers are written here (not taken from a library) because no maintained package escapes
for pandoc's Markdown with Quarto's shortcodes; each is a few lines and tested against both
renderers (tests/test_markup.py, tests/test_hostile.py). A test greps the site and reporting
code for interpolation of data into markup outside these helpers.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

__all__ = [
    "Markup",
    "Md",
    "html",
    "md",
    "md_code",
    "md_join",
    "typst_string",
    "typst_text",
]

#: ASCII punctuation that Markdown (pandoc's and CommonMark) reads as markup anywhere in a
#: line: escaped with a backslash, which both define as "this character, literally". Quotes
#: too, so that the reader sees the quotes that were typed (no typographic ones). An underscore
#: inside a word (``village_frame``) starts no emphasis in either and stays as it is.
_MD_PUNCT = re.compile(r"([\\`*{}\[\]|@$~^#\"']|(?<![^\W_])_|_(?![^\W_]))")
#: What starts a block only at the beginning of a line (list, quote, caption, heading rule,
#: ordered list): its first character is escaped.
_MD_LEAD = re.compile(r"^(\d*)([-+:=%.)])(?=\s|$|[-=]{2})")


class Md(str):
    """Markdown that is safe as it is: the output of :func:`md` and :func:`md_code`, or text
    the project wrote. Functions that fill templates escape every value that is not ``Md``."""


#: Characters a code span shows as they are and that start nothing in Quarto.
_CODE_SAFE = re.compile(r"^[\w./:, =+\-()\[\]{}^$?\\*]*$")


def _text(value: Any) -> str:
    # Control characters (NUL, CR, tabs) and line breaks would end a table row or a
    # paragraph: one space each.
    text = "" if value is None else str(value)
    return re.sub(r"[\x00-\x1f\x7f\s]+", " ", text).strip()


def md(value: Any) -> Md:
    """``value`` as literal inline Markdown text (one line; safe inside a pipe-table cell).
    ``Md`` values are returned as they are."""
    if isinstance(value, Md):
        return value
    text = _text(value)
    # `&` and `<` as entities: no raw HTML, no entity the reader did not type.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_PUNCT.sub(r"\\\1", text)
    return Md(_MD_LEAD.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1))


def md_join(parts: Any, sep: str = ", ") -> Md:
    """Values joined by ``sep`` (the project's own text), each escaped by :func:`md`."""
    return Md(sep.join(md(p) for p in parts))


def md_code(value: Any) -> Md:
    """``value`` as a code span when it is a plain identifier, path or rule; else as
    :func:`md` text (Quarto expands ``{{< >}}`` even inside code, and ``<``/backticks would end
    or break the span)."""
    text = _text(value)
    if not text:
        return Md("")
    if _CODE_SAFE.match(text) and "{{" not in text:
        return Md(f"`{text}`")
    return md(text)


def html(value: Any) -> Markup:
    """``value`` as HTML text or attribute value (``& < > " '`` escaped)."""
    return escape("" if value is None else value)


def typst_string(value: Any) -> str:
    """``value`` as a Typst string literal."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typst_text(value: Any) -> str:
    """Plain text in Typst markup: a string literal, so no character is read as markup."""
    return "#" + typst_string(value)
