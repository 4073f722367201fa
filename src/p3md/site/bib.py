"""A minimal BibTeX reader and APA-like author-year formatter, for the smalldocs fallback only.

Quarto formats citations with citeproc and ``apa.csl``; smalldocs leaves ``[@key]`` as text.
No library formats citations for smalldocs, and the project's bibliography is small and written
by us (``references.bib``), so this module reads just the BibTeX we use (``@type{key, field =
{value} | "value" | number}``) and formats entries in the style of APA 7 with Indonesian terms
(``dkk.``, ``dan``, ``t.t.``), the terms Quarto's ``lang: id`` gives citeproc.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", re.S)


@dataclass
class BibEntry:
    key: str
    type: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def authors(self) -> list[tuple[str, str]]:
        """(family, given) pairs; ``{Corporate}`` names and ``others`` are kept whole."""
        raw = self.fields.get("author", "")
        out: list[tuple[str, str]] = []
        for name in re.split(r"\s+and\s+", raw.strip()) if raw.strip() else []:
            if name.startswith("{") and name.endswith("}"):
                out.append((name[1:-1], ""))
            elif name == "others":
                out.append(("others", ""))
            elif "," in name:
                fam, given = name.split(",", 1)
                out.append((_strip(fam), _strip(given)))
            else:
                parts = _strip(name).split()
                out.append((parts[-1], " ".join(parts[:-1])))
        return out

    @property
    def year(self) -> str:
        return self.fields.get("year", "") or "t.t."


def _strip(value: str) -> str:
    """Drop BibTeX braces and collapse whitespace."""
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def _value(text: str, i: int) -> tuple[str, int]:
    """Read one field value starting at ``text[i]``; return (value, index after it)."""
    if text[i] == "{":
        depth, j = 0, i
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    return text[i + 1 : j], j + 1
            j += 1
        raise ValueError(f"unbalanced braces in BibTeX near: {text[i : i + 40]!r}")
    if text[i] == '"':
        j = text.index('"', i + 1)
        return text[i + 1 : j], j + 1
    m = re.match(r"[^,}\s]+", text[i:])
    if not m:
        raise ValueError(f"cannot read BibTeX value near: {text[i : i + 40]!r}")
    return m.group(0), i + m.end()


def parse_bib(text: str) -> dict[str, BibEntry]:
    """Parse the entries of a BibTeX file (comments and ``@string`` are not supported)."""
    entries: dict[str, BibEntry] = {}
    for m in _ENTRY.finditer(text):
        entry = BibEntry(key=m.group(2), type=m.group(1).lower())
        i = m.end()
        while True:
            fm = re.compile(r"\s*(\w+)\s*=\s*").match(text, i)
            if not fm:
                break
            value, i = _value(text, fm.end())
            entry.fields[fm.group(1).lower()] = re.sub(r"\s+", " ", value).strip()
            sep = re.compile(r"\s*,").match(text, i)
            if not sep:
                break
            i = sep.end()
        entries[entry.key] = entry
    return entries


def cite_names(entry: BibEntry) -> str:
    """Author part of an in-text citation: ``A``, ``A dan B``, ``A dkk.``."""
    fams = [f for f, _ in entry.authors if f != "others"]
    many = len(entry.authors) > 2 or any(f == "others" for f, _ in entry.authors)
    if not fams:
        return _strip(entry.fields.get("title", entry.key))
    if many:
        return f"{fams[0]} dkk."
    return " dan ".join(fams)


def _initials(given: str) -> str:
    return " ".join(f"{p[0]}." for p in re.split(r"[\s.]+", given) if p and p[0].isalpha())


def format_entry(entry: BibEntry) -> str:
    """One reference-list entry as HTML, APA-like."""
    names = []
    for fam, given in entry.authors:
        if fam == "others":
            names.append("dkk.")
        else:
            names.append(f"{fam}, {_initials(given)}".rstrip(", ") if given else fam)
    if len(names) > 1 and names[-1] != "dkk.":
        author = ", ".join(names[:-1]) + ", &amp; " + names[-1]
    else:
        author = ", ".join(html.escape(n) for n in names)
    f = {k: html.escape(_strip(v)) for k, v in entry.fields.items()}
    parts = [f"{author} ({entry.year}). " if author else ""]
    title = f.get("title", "")
    if entry.type == "article":
        parts.append(f"{title}. <em>{f.get('journal', '')}</em>")
        if f.get("volume"):
            parts.append(f", <em>{f['volume']}</em>")
        if f.get("number"):
            parts.append(f"({f['number']})")
        if f.get("pages"):
            parts.append(f", {f['pages'].replace('--', '–')}")
        parts.append(".")
    elif entry.type in ("mastersthesis", "phdthesis"):
        kind = f.get("type", "Tesis")
        parts.append(f"<em>{title}</em> [{kind}, {f.get('school', '')}].")
    else:
        parts.append(f"<em>{title}</em>.")
        if f.get("howpublished"):
            parts.append(f" {f['howpublished']}.")
    if f.get("note"):
        parts.append(f" {f['note']}.")
    if f.get("doi"):
        doi = f["doi"]
        parts.append(f' <a href="https://doi.org/{doi}">https://doi.org/{doi}</a>')
    return "".join(parts).replace("..", ".")


def sort_key(entry: BibEntry) -> tuple[str, str]:
    return (cite_names(entry).lower(), entry.year)
