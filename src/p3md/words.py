"""Readers' words for the keys the code uses (run statuses, codebook rule names, column keys).

The report never shows a raw key ("ran", "largest_remainder", "role"): every place that would
print one asks :func:`word` for its label in the report's language. A leaf module (it imports
nothing of the package), so statistics, reporting and site can all use it. A key without an
entry is returned as it is, so a new key shows up in a page check rather than vanishing.
"""

from __future__ import annotations

#: key -> {language: label}
KEY_WORDS: dict[str, dict[str, str]] = {
    # stage status in a run's manifest
    "ran": {"id": "dijalankan", "en": "ran"},
    "skipped": {"id": "tidak berubah (dilewati)", "en": "unchanged (skipped)"},
    "kept": {"id": "diambil dari proses sebelumnya", "en": "kept from the previous run"},
    "failed": {"id": "gagal", "en": "failed"},
    # codebook rules and rater kinds
    "mixed": {"id": "gabungan beberapa penilai", "en": "several raters combined"},
    "proportional": {"id": "proporsional", "en": "proportional"},
    "largest_remainder": {"id": "sisa terbesar (metode Hamilton)", "en": "largest remainder"},
    "round": {"id": "pembulatan biasa", "en": "rounding"},
    "floor": {"id": "pembulatan ke bawah", "en": "rounding down"},
    "ceil": {"id": "pembulatan ke atas", "en": "rounding up"},
    # column keys of the derived tables
    "role": {"id": "peran", "en": "role"},
    "status": {"id": "status desa", "en": "village status"},
    "status_rank": {"id": "peringkat status desa", "en": "village status rank"},
    "score": {"id": "skor", "en": "score"},
    "satisfied": {"id": "puas", "en": "satisfied"},
    # test names
    "Fisher exact": {"id": "uji eksak Fisher", "en": "Fisher's exact test"},
}


def word(key: object, lang: str = "id") -> str:
    """The reader's label of ``key`` in ``lang`` (``key`` itself when it has none)."""
    entry = KEY_WORDS.get(str(key))
    return entry.get(lang, str(key)) if entry else str(key)
