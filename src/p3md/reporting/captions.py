"""The numbered captions of every table and figure of the report, keyed by Quarto label.

One registry, so a caption is typed once: the notebooks repeat it in their ``#| tbl-cap:`` /
``#| fig-cap:`` lines (Quarto reads captions from the cell source, so they cannot be computed),
``tests/test_notebooks.py`` checks that the two agree, and :func:`p3md.reporting.save_table`
writes it next to the CSV.

Numbering
---------
The cells' captions carry no number of their own (see :func:`cell_caption`): the renderer
numbers tables per chapter, and a thesis table's number is kept as a reference, e.g.
"Hasil uji validitas ... (Tabel 9 tesis)". The registry below keeps the numbers as data:

- **Tabel 8-35** keep the thesis's own numbers (Yulistiani 2023, body text and DAFTAR TABEL):
  8 sampling, 9-10 validity, 11 reliability (the body's Table 11; the DAFTAR TABEL lists a
  different Table 11, the district's area and population, which is not reproduced), 13-28
  descriptive, 29 Spearman, 30 PDP vs PLD, 31-35 by village status. Table 12 (villages per
  kecamatan, context) is not reproduced. The thesis's Table 34 caption repeats "PDP"; it
  reports PLD, and the caption here says PLD.
- New tables that the thesis does not have carry a letter prefix, numbered per stage:

  ====== ===================================================== =========
  prefix what                                                  notebook
  ====== ===================================================== =========
  S      scoring overview (counts, sebaran modus, categories)  02
  I      instrument extras (SPSS item-total statistics)        03
  H      hypothesis extras (pooled status test, Dunn, adj. p)  05
  W      Wioi training article (pre/post, satisfaction)        06
  R      reproduction: published vs reproduced                07
  A      audit of the published numbers                       08
  M      synthesis across districts (meta-analysis, league)   09
  ====== ===================================================== =========

- Figures (the thesis has none for results) are numbered **Gambar S/D/H/W...** by the same
  prefixes (D = descriptive, notebook 04).
"""

from __future__ import annotations

import re

#: Quarto-valid label: ``tbl-`` or ``fig-`` followed by lowercase words joined by hyphens.
LABEL_RE = re.compile(r"^(tbl|fig)-[a-z0-9]+(?:-[a-z0-9]+)*$")

_X_NAMES = {
    "X1": "tingkat pendidikan formal",
    "X2": "tingkat pendidikan non formal",
    "X3": "tingkat motivasi kerja",
    "X4": "tingkat disiplin kerja",
    "X5": "jumlah desa dampingan",
    "X6": "jarak desa dampingan",
    "X7": "hubungan interpersonal",
}

TABLE_CAPTIONS: dict[str, str] = {
    # 01 sampling
    "tbl-sampel-kecamatan": (
        "Tabel 8. Sebaran sampel desa per kecamatan (hitung ulang; untuk data tesis "
        "dibandingkan dengan angka terbitan, sel berbeda ditandai)"
    ),
    # 02 scoring
    "tbl-skoring-peran-kecamatan": "Tabel S1. Jumlah pendamping menurut peran dan kecamatan",
    "tbl-skoring-penilai": "Tabel S2. Jumlah penilaian perangkat desa per pendamping menurut peran",
    "tbl-skoring-modus-x": (
        "Tabel S3. Sebaran modus butir karakteristik Pendamping Desa (X) menurut peran"
    ),
    "tbl-skoring-modus-y": (
        "Tabel S4. Sebaran modus butir tingkat kinerja Pendamping Desa (Y) menurut peran"
    ),
    "tbl-skoring-kategori": "Tabel S5. Kategori skor total setiap variabel menurut peran",
    # 03 instrument
    "tbl-validitas-x": "Tabel 9. Hasil uji validitas karakteristik Pendamping Desa (X)",
    "tbl-validitas-y": "Tabel 10. Hasil uji validitas tingkat kinerja Pendamping Desa (Y)",
    "tbl-reliabilitas": (
        "Tabel 11. Hasil uji reliabilitas variabel karakteristik Pendamping Desa "
        "dan tingkat kinerja Pendamping Desa"
    ),
    "tbl-butir-total": (
        "Tabel I1. Statistik butir-total setiap skala (Item-Total Statistics SPSS) "
        "di samping keputusan r hitung dan r tabel"
    ),
    # 04 descriptive
    "tbl-kelas-x1": (
        "Tabel 13. Hasil pengukuran variabel tingkat pendidikan formal PLD dan "
        "PDP di Kabupaten Pesawaran"
    ),
    "tbl-kelas-x2": (
        "Tabel 14. Sebaran variabel tingkat pendidikan non formal PDP dan PLD "
        "di Kabupaten Pesawaran"
    ),
    "tbl-kelas-x3": "Tabel 15. Sebaran tingkat motivasi kerja PDP dan PLD di Kabupaten Pesawaran",
    "tbl-kelas-x4": (
        "Tabel 16. Sebaran variabel tingkat disiplin kerja PDP dan PLD di Kabupaten Pesawaran"
    ),
    "tbl-kelas-x5": "Tabel 17. Banyaknya desa dampingan PDP dan PLD di Kabupaten Pesawaran",
    "tbl-kelas-x6": "Tabel 18. Jarak desa dampingan PDP dan PLD di Kabupaten Pesawaran",
    "tbl-kelas-x7": (
        "Tabel 19. Sebaran variabel tingkat hubungan interpersonal PDP dan PLD "
        "di Kabupaten Pesawaran"
    ),
    "tbl-kelas-y1": (
        "Tabel 20. Sebaran tingkat kinerja pendampingan PDP dan PLD di Kabupaten Pesawaran"
    ),
    "tbl-modus-y1-pdp": (
        "Tabel 21. Sebaran modus tingkat kinerja pendampingan PDP di Kabupaten Pesawaran "
        "berdasarkan sub indikator penilaian"
    ),
    "tbl-modus-y1-pld": (
        "Tabel 22. Sebaran modus tingkat kinerja pendampingan PLD di Kabupaten Pesawaran "
        "berdasarkan sub indikator penilaian"
    ),
    "tbl-kelas-y2": (
        "Tabel 23. Sebaran tingkat kinerja supervisi PDP dan PLD di Kabupaten Pesawaran"
    ),
    "tbl-modus-y2-pdp": (
        "Tabel 24. Sebaran modus tingkat kinerja supervisi PDP di Kabupaten Pesawaran "
        "berdasarkan sub indikator penilaian"
    ),
    "tbl-modus-y2-pld": (
        "Tabel 25. Sebaran modus tingkat kinerja supervisi PLD di Kabupaten Pesawaran "
        "berdasarkan sub indikator penilaian"
    ),
    "tbl-kelas-y3": (
        "Tabel 26. Sebaran tingkat kinerja koordinasi PDP dan PLD di Kabupaten Pesawaran"
    ),
    "tbl-kelas-y4": (
        "Tabel 27. Sebaran tingkat kinerja administrasi PDP dan PLD di Kabupaten Pesawaran"
    ),
    "tbl-kelas-y": "Tabel 28. Sebaran tingkat kinerja PDP dan PLD",
    # 05 hypotheses
    "tbl-spearman": (
        "Tabel 29. Hasil analisis karakteristik Pendamping Desa dengan tingkat kinerja "
        "Pendamping Desa (Rank Spearman, gabungan dan per peran)"
    ),
    "tbl-beda-peran": (
        "Tabel 30. Hasil uji perbedaan tingkat kinerja PDP dan PLD di Kabupaten Pesawaran "
        "(Kruskal-Wallis dan Mann-Whitney)"
    ),
    "tbl-ranking-status-pdp": (
        "Tabel 31. Rata-rata ranking tingkat kinerja PDP menurut tingkat "
        "kemajuan dan kemandirian desa"
    ),
    "tbl-ranking-status-pld": (
        "Tabel 32. Rata-rata ranking tingkat kinerja PLD menurut tingkat "
        "kemajuan dan kemandirian desa"
    ),
    "tbl-kw-status-pdp": (
        "Tabel 33. Hasil uji perbedaan tingkat kinerja PDP pada tingkat kemajuan dan "
        "kemandirian desa di Kabupaten Pesawaran"
    ),
    "tbl-kw-status-pld": (
        "Tabel 34. Hasil uji perbedaan tingkat kinerja PLD pada tingkat kemajuan dan "
        "kemandirian desa di Kabupaten Pesawaran"
    ),
    "tbl-sebaran-status": (
        "Tabel 35. Sebaran tingkat kinerja PLD dan PDP menurut tingkat "
        "kemajuan dan kemandirian desa"
    ),
    "tbl-kw-status-gabungan": (
        "Tabel H1. Uji Kruskal-Wallis tingkat kinerja menurut status desa (PDP dan PLD digabung) "
        "dan korelasi Spearman peringkat status dengan kinerja"
    ),
    "tbl-dunn-status": "Tabel H2. Uji lanjut Dunn (koreksi Holm) antarstatus desa per peran",
    "tbl-p-koreksi": (
        "Tabel H3. Nilai p uji hipotesis sebelum dan sesudah koreksi perbandingan berganda "
        "(Holm dan Benjamini-Hochberg)"
    ),
    # 06 Wioi
    "tbl-wioi-deskriptif": (
        "Tabel W1. Statistik deskriptif skor pre-test dan post-test aparatur Desa Wioi"
    ),
    "tbl-wioi-normalitas": (
        "Tabel W2. Uji normalitas Shapiro-Wilk skor pre-test, post-test dan selisihnya"
    ),
    "tbl-wioi-uji-berpasangan": (
        "Tabel W3. Uji beda berpasangan pre-test dan post-test (uji t berpasangan dan Wilcoxon)"
    ),
    "tbl-wioi-ngain": "Tabel W4. N-gain peserta pelatihan Desa Wioi menurut kelas (Hake)",
    "tbl-wioi-aspek": (
        "Tabel W5. Persentase peserta yang lulus per aspek sebelum dan sesudah "
        "pelatihan (uji McNemar eksak)"
    ),
    "tbl-wioi-kepuasan": "Tabel W6. Kepuasan masyarakat Desa Wioi sebelum dan sesudah pendampingan",
    # 07 reproduction
    "tbl-reproduksi-nilai": "Tabel R1. Nilai terbitan dan nilai hasil hitung ulang",
    "tbl-reproduksi-kesimpulan": "Tabel R2. Kesimpulan terbitan dan kesimpulan hasil hitung ulang",
    # 08 audit
    "tbl-audit": "Tabel A1. Inkonsistensi internal angka-angka terbitan",
    "tbl-audit-ringkasan": "Tabel A2. Ringkasan hasil audit per sumber",
    # 09 synthesis
    "tbl-sintesis-ringkasan": (
        "Tabel M1. Meta-analisis efek acak antarkabupaten: efek gabungan, heterogenitas "
        "dan interval prediksi"
    ),
    "tbl-sintesis-beda-peran": (
        "Tabel M2. Beda tingkat kinerja PLD dan PDP per kabupaten (korelasi rank-biserial) "
        "dan bobotnya dalam meta-analisis"
    ),
    "tbl-sintesis-spearman": (
        "Tabel M3. Korelasi Rank Spearman karakteristik Pendamping Desa (X1-X7) dengan "
        "tingkat kinerja (Y) per kabupaten"
    ),
    "tbl-sintesis-liga": (
        "Tabel M4. Peringkat kabupaten menurut persentase pendamping berkinerja Baik, "
        "dengan batas kendali binomial"
    ),
    "tbl-sintesis-dikecualikan": (
        "Tabel M5. Kabupaten dan efek yang tidak ikut digabung, dengan alasannya"
    ),
}

FIGURE_CAPTIONS: dict[str, str] = {
    "fig-sebaran-x-peran": (
        "Gambar D1. Sebaran kategori karakteristik Pendamping Desa (X1-X7) menurut peran"
    ),
    "fig-sebaran-y-peran": (
        "Gambar D2. Sebaran skor kinerja Pendamping Desa (Y1-Y4 dan Y) menurut peran"
    ),
    "fig-kinerja-status": (
        "Gambar H1. Skor tingkat kinerja Pendamping Desa menurut status desa dan peran"
    ),
    "fig-wioi-berpasangan": (
        "Gambar W1. Skor pre-test dan post-test setiap peserta pelatihan Desa Wioi"
    ),
    "fig-forest-beda-peran": (
        "Gambar M1. Forest plot beda tingkat kinerja PLD dan PDP per kabupaten "
        "(r rank-biserial) dan efek gabungannya"
    ),
    "fig-forest-spearman": (
        "Gambar M2. Forest plot korelasi Rank Spearman X1-X7 dengan tingkat kinerja (Y) "
        "per kabupaten"
    ),
    "fig-funnel-baik": (
        "Gambar M3. Funnel plot persentase pendamping berkinerja Baik menurut jumlah "
        "pendamping per kabupaten"
    ),
}

_NUMBER_PREFIX = re.compile(r"^(?P<kind>Tabel|Gambar) (?P<number>[A-Z]?\d+)\. ")


def cell_caption(numbered: str) -> str:
    """The caption a cell carries: the registry text without its own number.

    Quarto numbers tables and figures itself ("Tabel 3.1: ..."), and so does the smalldocs
    post-processing, so a caption that also printed "Tabel 9." would be numbered twice. The
    thesis number survives as a reference at the end ("... (Tabel 9 tesis)"); the letter
    numbers of tables the thesis does not have (S, I, H, W, R, A) are only registry keys.
    """
    match = _NUMBER_PREFIX.match(numbered)
    if match is None:
        return numbered
    text = numbered[match.end() :]
    number = match["number"]
    return f"{text} ({match['kind']} {number} tesis)" if number.isdigit() else text


#: Final captions by label, as written in the notebooks' ``#| tbl-cap:``/``#| fig-cap:`` lines.
CAPTIONS: dict[str, str] = {
    label: cell_caption(text) for label, text in {**TABLE_CAPTIONS, **FIGURE_CAPTIONS}.items()
}


def thesis_number(label: str) -> str | None:
    """The thesis's table number of ``label`` ("9"), or ``None`` for a new table."""
    match = _NUMBER_PREFIX.match({**TABLE_CAPTIONS, **FIGURE_CAPTIONS}.get(label, ""))
    return match["number"] if match and match["number"].isdigit() else None


def validate_label(label: str, kind: str | None = None) -> str:
    """Return ``label`` if it is a Quarto-valid ``tbl-``/``fig-`` label, else raise ``ValueError``.

    ``kind`` (``"tbl"`` or ``"fig"``) additionally requires that prefix.
    """
    if not isinstance(label, str) or not LABEL_RE.match(label):
        raise ValueError(
            f"label {label!r} is not a valid Quarto label: use 'tbl-...' for tables and "
            "'fig-...' for figures, lowercase letters, digits and single hyphens"
        )
    if kind is not None and not label.startswith(f"{kind}-"):
        raise ValueError(f"label {label!r} must start with '{kind}-'")
    return label


def caption_for(label: str) -> str:
    """The registered caption of ``label`` (``KeyError`` with the known labels otherwise)."""
    try:
        return CAPTIONS[label]
    except KeyError:
        raise KeyError(
            f"no caption registered for {label!r}; add it to p3md.reporting.captions"
        ) from None
