"""Canonical labels for roles, village statuses and other categorical cells.

Field data spell the same label many ways (``pld``, ``P.L.D.``, ``Pendamping Lokal Desa``).
The codebook lists the accepted variants; matching ignores case, spaces and punctuation so the
list stays short. Nothing is guessed beyond the listed variants: an unknown label is an error,
never a silent drop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from p3md.codebook import Codebook
from p3md.io.schema import column_options
from p3md.io.table import NA_TOKENS

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def label_key(text: str) -> str:
    """Case-, space- and punctuation-insensitive key: ``'P.L.D. '`` -> ``'pld'``."""
    return _NON_ALNUM.sub("", str(text).lower())


def build_lookup(canonical_to_variants: dict[str, Iterable[str]]) -> dict[str, str]:
    """Key -> canonical label; the canonical spelling is always accepted.

    Raises ``ValueError`` if two canonical labels claim the same key, because the codebook would
    then be ambiguous (e.g. ``pendamping desa`` listed for both roles).
    """
    lookup: dict[str, str] = {}
    for canonical, variants in canonical_to_variants.items():
        for spelling in [canonical, *variants]:
            key = label_key(spelling)
            if lookup.get(key, canonical) != canonical:
                raise ValueError(
                    f"label variant {spelling!r} maps to both {lookup[key]!r} and {canonical!r}"
                )
            lookup[key] = canonical
    return lookup


def role_lookup(cb: Codebook) -> dict[str, str]:
    return build_lookup({r: d.variants for r, d in cb.roles.items()})


def status_lookup(cb: Codebook) -> dict[str, str]:
    return build_lookup({s: d.variants for s, d in cb.statuses.items()})


def plain_lookup(values: Iterable[str]) -> dict[str, str]:
    """Lookup for lists without variants (kecamatan, official positions, phases)."""
    return build_lookup({v: [] for v in values})


def answer_lookup(cb: Codebook, file_key: str, column: str) -> dict[str, str]:
    """Normalised answer text -> raw value of a column with a closed list: its codes, their
    labels, ``code = label`` (the template's drop-down entries) and ``label (code)``; for
    roles and statuses also the codebook's variants. Empty for an open column."""
    options = column_options(cb, file_key, column) or {}
    lookup: dict[str, str] = {}
    for code, label in options.items():
        for spelling in (code, label, f"{code} = {label}", f"{label} ({code})"):
            lookup.setdefault(label_key(spelling), code)
    spec = cb.files[file_key].columns.get(column)
    ref = spec.allowed_from if spec is not None else None
    if ref == "roles":
        lookup.update(role_lookup(cb))
    elif ref == "statuses":
        lookup.update(status_lookup(cb))
    return lookup


def recode_cells(
    rows: list[int], cells: list[list[str]], j: int, lookup: dict[str, str]
) -> tuple[list[int], list[str]]:
    """Replace the answers in column ``j`` of ``cells`` by their codes (``lookup`` is keyed by
    :func:`label_key`); "no answer" tokens stay. Returns the rows and values not found."""
    bad_rows, bad_values = [], []
    for row_number, row in zip(rows, cells, strict=True):
        value = row[j].strip()
        if value.lower() in NA_TOKENS:
            continue
        code = lookup.get(label_key(value))
        if code is None:
            bad_rows.append(row_number)
            bad_values.append(value)
        else:
            row[j] = code
    return bad_rows, bad_values
