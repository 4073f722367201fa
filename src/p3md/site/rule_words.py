"""The gates' rules in the report's language.

The gates state each rule in English (``p3md.pipeline.raw_gates`` / ``output_gates``): the
terminal's error messages are English, like every message of the tool. The report is in
Indonesian, so the validation appendix shows each rule through this table: one entry per kind
of rule, an English pattern and its Indonesian sentence, with the rule's own values (columns,
files, limits) carried over and their decimal points made commas. A rule no entry matches is
shown as the gate wrote it; ``tests/test_site.py`` checks that every rule of a real run has an
entry, so a new kind of rule fails a test until it is translated here.

Why a table and not a second text in the gates: the gates are shared with the data intake and
the district runs, and their English text stays the single statement of the rule; this module
only reads it.
"""

from __future__ import annotations

import re

#: (English pattern, Indonesian template); ``{1}``... are the pattern's groups.
RULES_ID: tuple[tuple[str, str], ...] = (
    (r"a p-value must lie in \[0, 1\]", "nilai p harus di antara 0 dan 1"),
    (r"a percentage must lie in \[0, 100\]", "persentase harus di antara 0 dan 100"),
    (
        r"a correlation coefficient must lie in \[-1, 1\]",
        "koefisien korelasi harus di antara -1 dan 1",
    ),
    (r"Cronbach's alpha cannot exceed 1", "Alpha Cronbach tidak boleh melebihi 1"),
    (r"answers must be (.+) \(wrong/right\)", "jawaban harus {1} (salah/benar)"),
    (
        r"answers must be a count between (\S+) and (\S+) \((.+)\)",
        "jawaban harus berupa hitungan antara {1} dan {2} ({3})",
    ),
    (
        r"answers must be a km between (\S+) and (\S+) \((.+)\)",
        "jawaban harus berupa jarak antara {1} dan {2} ({3})",
    ),
    (
        r"answers must be a (\S+) between (\S+) and (\S+) \((.+)\)",
        "jawaban harus berupa {1} antara {2} dan {3} ({4})",
    ),
    (
        r"answers must be option codes (.+) \(reverse-keyed item: the questionnaire's code, "
        r"scored (\d+) - code\)",
        "jawaban harus kode pilihan {1} (butir berskor terbalik: kode kuesioner, "
        "skor = {2} - kode)",
    ),
    (r"answers must be option codes (.+)", "jawaban harus kode pilihan {1}"),
    (r"at most (\S+) of the answers may be missing", "paling banyak {1} jawaban boleh kosong"),
    (r"cells must not be empty", "sel tidak boleh kosong"),
    (
        r"every (\S+) must exist in (\S+) \(foreign key to (\S+)\)",
        "setiap {1} harus ada di {2} (kunci asing ke {3})",
    ),
    (
        r"every item must take at least two different answers \(a constant item has no "
        r"variance for validity and reliability\)",
        "setiap butir harus mendapat paling sedikit dua jawaban berbeda (butir yang konstan tidak "
        "bervariasi untuk uji validitas dan reliabilitas)",
    ),
    (
        r"every participant needs both a pre and a post row",
        "setiap peserta harus memiliki baris pre-test dan post-test",
    ),
    (r"every question must be scored", "setiap soal harus diberi skor"),
    (
        r"the combination (.+) is the key of (\S+) and must be unique",
        "kombinasi {1} adalah kunci {2} dan harus unik",
    ),
    (r"(\S+) is the key of (\S+) and must be unique", "{1} adalah kunci {2} dan harus unik"),
    (
        r"item (\S+) belongs to (.+) only and must be empty for (.+)",
        "butir {1} hanya untuk {2} dan harus kosong untuk {3}",
    ),
    (
        r"item (\S+) is asked of (\S+); at most (\S+) of the (\S+) rows may leave it empty",
        "butir {1} ditanyakan kepada {2}; paling banyak {3} baris {4} boleh mengosongkannya",
    ),
    (
        r"(\S+) needs at least (\d+) rows for its statistics",
        "{1} memerlukan paling sedikit {2} baris untuk statistiknya",
    ),
    (r"the study has (\d+) rows in (\S+)", "penelitian ini memiliki {1} baris di {2}"),
    (
        r"the percentages of a distribution must sum to 100 \(within (\S+) for rounding\)",
        "persentase suatu sebaran harus berjumlah 100 (toleransi pembulatan {1})",
    ),
    (
        r"the percentages of each group must sum to 100 \(within (\S+)\)",
        "persentase setiap kelompok harus berjumlah 100 (toleransi {1})",
    ),
    (
        r"the total row of a percentage column must be 100, found (\S+)",
        "baris jumlah kolom persentase harus 100, tercatat {1}",
    ),
    (
        r"the shares (.+) form a distribution: each must sum to 100 down the class rows, or "
        r"each row must sum to 100 across them \(within rounding\)",
        "bagian {1} membentuk sebaran: masing-masing berjumlah 100 ke bawah baris kelas, atau "
        "setiap baris berjumlah 100 ke samping (dalam batas pembulatan)",
    ),
    (r"values must be whole numbers", "nilai harus bilangan bulat"),
    (r"values must be numbers", "nilai harus berupa angka"),
    (r"values must be one of (.+)", "nilai harus salah satu dari {1}"),
    (r"values must lie between (\S+) and (\S+)", "nilai harus di antara {1} dan {2}"),
    (r"values must match the pattern (.+)", "nilai harus cocok dengan pola {1}"),
    (r"column (.+) must be present in (\S+)", "kolom {1} harus ada di {2}"),
)
_COMPILED = tuple((re.compile(f"^{en}$"), id_) for en, id_ in RULES_ID)
_DECIMAL = re.compile(r"(?<![\w.])(\d+)\.(\d+)(?![\w.])")


def _number(text: str) -> str:
    """``20.0`` -> ``20``, ``0.25`` -> ``0,25`` (numbers only; ``facilitators.csv`` stays)."""

    def fix(m: re.Match[str]) -> str:
        whole, frac = m.group(1), m.group(2).rstrip("0")
        return f"{whole},{frac}" if frac else whole

    return _DECIMAL.sub(fix, text)


def translate(rule: str) -> tuple[str, bool]:
    """``(Indonesian rule, found)``; an unknown rule comes back unchanged with ``False``."""
    text = rule.strip().rstrip(".")
    for pattern, template in _COMPILED:
        m = pattern.match(text)
        if m:
            out = template
            for i, group in enumerate(m.groups(), start=1):
                out = out.replace(f"{{{i}}}", _number(group or ""))
            return out, True
    return rule, False


def indonesian(rule: str) -> str:
    return translate(rule)[0]
