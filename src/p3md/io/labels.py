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
