"""Personal fields: recognise them and keep them out of everything downstream.

Policy (documented in data/README.md): columns whose header names a personal field listed in
``cb.personal_fields`` (names, phone numbers, addresses, free-text notes, ...) are **dropped**
at read time. They are never needed by the analysis (every file carries a pseudonymous ID such
as ``F001``), and dropping rather than hashing means no salt has to be managed and nothing
re-identifiable, even a hash of a phone number, can reach ``data/derived`` or a report.

:func:`pseudonym` is provided for the case where a real data set arrives with names instead of
IDs: it turns a name into a stable pseudonym with a salted SHA-256 prefix, to be used once when
preparing the raw folder, never by the pipeline itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

_TOKEN = re.compile(r"[^0-9a-z]+")


def _tokens(header: str) -> list[str]:
    return [t for t in _TOKEN.split(str(header).lower()) if t]


def is_personal(header: str, personal_fields: Iterable[str]) -> bool:
    """True if ``header`` names a personal field.

    A header matches when, ignoring case and punctuation, it equals a listed field
    (``No. HP`` -> ``nohp``) or one of its words is a listed field (``Nama Pendamping`` has
    ``nama``). Word matching catches the many ways a name column gets titled.
    """
    fields = {_TOKEN.sub("", f.lower()) for f in personal_fields}
    tokens = _tokens(header)
    return "".join(tokens) in fields or any(t in fields for t in tokens)


def pseudonym(value: str, salt: str, prefix: str = "ID", length: int = 10) -> str:
    """Stable pseudonym ``<prefix>-<hex>`` from a salted SHA-256 of the stripped value."""
    digest = hashlib.sha256(f"{salt}\x00{str(value).strip()}".encode()).hexdigest()
    return f"{prefix}-{digest[:length]}"
