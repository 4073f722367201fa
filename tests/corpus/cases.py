"""The broken-input corpus: one case = one mutation of a copy of ``data/raw``.

Every case says what the correct behaviour is and why:

- ``expect="reject"``: the run must stop before any notebook starts (``level="gate"``: the
  reader or the great-expectations input gates), with a message that names ``file``, the
  ``column`` (when one applies) and the spreadsheet ``rows`` (header = row 1; when rows apply).
- ``expect="accept"``: the data are valid (or harmlessly damaged and normalised by the reader);
  the input gates must pass, scoring must run, and with ``same_as_clean=True`` the reader must
  return frames identical to the clean data (so every downstream result is identical too).

``bug`` marks a case whose required behaviour ``src/`` does not meet yet (found by this corpus);
the test is written to the required behaviour and fails until ``src/`` is fixed.

Mutations run on a copy in ``tmp_path``; ``data/raw`` is never touched.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus import csvedit as ed
from corpus import formats as fm
from p3md.codebook import load_codebook
from p3md.io.mapping import map_export

Mutation = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # the file the message must name
    mutate: Mutation
    expect: str  # "reject" | "accept"
    why: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    same_as_clean: bool = False
    bug: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    def __str__(self) -> str:  # pytest ids
        return self.name


CASES: list[Case] = []


def case(**kw) -> Callable[[Mutation], Mutation]:
    def register(fn: Mutation) -> Mutation:
        CASES.append(Case(name=fn.__name__, mutate=fn, **kw))
        return fn

    return register


def by_name(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


# =====================================================================================
# Files and structure (the reader)
# =====================================================================================


@case(file="expert_ratings.csv", expect="reject", why="a required file is absent")
def missing_file(d: Path) -> None:
    (d / "expert_ratings.csv").unlink()


@case(file="village_frame.csv", expect="reject", why="0 bytes: nothing to read")
def empty_file(d: Path) -> None:
    (d / "village_frame.csv").write_bytes(b"")


@case(file="wioi_tests.csv", expect="reject", why="a header without data rows is no data")
def header_only(d: Path) -> None:
    ed.keep_rows(d / "wioi_tests.csv", 0)


@case(
    file="facilitators.csv",
    column="x3_4",
    expect="reject",
    why="an item column is required by scoring; it must never be treated as all-missing",
)
def missing_column(d: Path) -> None:
    ed.drop_column(d / "facilitators.csv", "x3_4")


@case(
    file="wioi_satisfaction.csv",
    column="wave",
    expect="reject",
    why="a renamed column is a missing column (the reader must not guess the mapping)",
)
def renamed_column(d: Path) -> None:
    ed.rename_column(d / "wioi_satisfaction.csv", "wave", "gelombang")


@case(
    file="wioi_satisfaction.csv",
    expect="accept",
    same_as_clean=True,
    why="columns outside the schema are dropped at read time and listed in df.attrs "
    "(data/README.md); the analysed data are unchanged",
)
def extra_column(d: Path) -> None:
    ed.add_column(d / "wioi_satisfaction.csv", "kolom_tambahan", "x")


@case(
    file="wioi_tests.csv",
    column="q05",
    expect="reject",
    why="two columns with one name: which one is q05 cannot be decided",
)
def duplicate_column_header(d: Path) -> None:
    ed.rename_column(d / "wioi_tests.csv", "q06", "q05")


@case(
    file="wioi_satisfaction.csv",
    rows=(9,),
    expect="reject",
    why="a row with more cells than the header has shifted or stray cells",
)
def row_too_long(d: Path) -> None:
    p = d / "wioi_satisfaction.csv"
    lines = p.read_text().split("\n")
    lines[8] += ",5"
    p.write_text("\n".join(lines))


@case(
    file="facilitators.csv",
    rows=(45,),
    expect="reject",
    why="the last row is cut mid-row (no line end, 17 of 34 cells): a truncated export; the "
    "missing cells are not missing answers and must not be padded silently",
    bug="reader pads short rows with empty cells; one truncated row of 44 stays under the "
    "5% missing share, so the gates pass and the truncated file is analysed",
)
def truncated_file(d: Path) -> None:
    p = d / "facilitators.csv"
    text = p.read_text()
    lines = text.rstrip("\n").split("\n")
    last = lines[-1].split(",")
    lines[-1] = ",".join(last[:17])
    p.write_text("\n".join(lines))  # no final line end: the export was cut


@case(
    file="wioi_satisfaction.csv",
    column="respondent_id",
    rows=(10, 11, 12, 13, 14, 15),
    expect="reject",
    why="rows 10-15 were pasted from a ';' file: each is one cell, so the ID holds the whole "
    "row and the other cells are empty",
)
def mixed_delimiters(d: Path) -> None:
    p = d / "wioi_satisfaction.csv"
    lines = p.read_text().split("\n")
    for i in range(9, 15):
        lines[i] = lines[i].replace(",", ";")
    p.write_text("\n".join(lines))


@case(
    file="village_frame.csv",
    rows=(7,),
    expect="reject",
    why="Excel's 'CSV (Comma delimited)' on Windows writes Windows-1252; decoding it as UTF-8 "
    "would corrupt text, guessing would hide it: refuse, name the first bad line",
)
def latin1_encoded(d: Path) -> None:
    p = d / "village_frame.csv"
    header, rows = ed.read(p)
    notes = [""] * len(rows)
    notes[5] = "désa pesisir"  # row 7
    ed.write(
        p,
        header + ["keterangan"],
        [r + [n] for r, n in zip(rows, notes, strict=True)],
        encoding="latin-1",
    )


@case(
    file="expert_ratings.csv",
    expect="reject",
    why="Excel's 'Unicode Text' is UTF-16; refuse with how to re-save it as CSV UTF-8",
)
def utf16_encoded(d: Path) -> None:
    p = d / "expert_ratings.csv"
    p.write_bytes(p.read_text().encode("utf-16"))


@case(
    file="facilitators.csv",
    expect="accept",
    same_as_clean=True,
    why="stray spaces around headers and cells are spreadsheet noise; the reader strips them "
    "(data/README.md) and the data are identical",
)
def stray_whitespace(d: Path) -> None:
    p = d / "facilitators.csv"
    header, rows = ed.read(p)
    header = [f" {h}  " if i % 3 == 0 else h for i, h in enumerate(header)]
    rows = [[f"  {c} " if c and j % 2 == 0 else c for j, c in enumerate(r)] for r in rows]
    ed.write(p, header, rows)


@case(
    file="wioi_tests.csv",
    expect="accept",
    same_as_clean=True,
    why="a UTF-8 BOM and CRLF line ends (Excel 'CSV UTF-8' on Windows) are valid CSV",
)
def bom_and_crlf(d: Path) -> None:
    p = d / "wioi_tests.csv"
    header, rows = ed.read(p)
    ed.write(p, header, rows, lineterminator="\r\n", encoding="utf-8-sig")


@case(
    file="facilitators.csv",
    expect="accept",
    same_as_clean=True,
    why="';' with decimal commas is the Indonesian/European Excel CSV; 7,7 km is 7.7 km",
)
def semicolon_decimal_comma(d: Path) -> None:
    p = d / "facilitators.csv"
    header, rows = ed.read(p)
    ed.write(p, header, [[c.replace(".", ",") for c in r] for r in rows], delimiter=";")


@case(
    file="facilitators.xlsx",
    expect="reject",
    why="the workbook holds a cover sheet and the village frame: the facilitators' data are "
    "on no sheet (the wrong sheet was saved); the message lists the sheets found",
)
def xlsx_data_on_wrong_sheet(d: Path) -> None:
    header, rows = ed.read(d / "village_frame.csv")
    ed.to_xlsx(
        {"Sampul": [["Data pendamping P3MD"], ["Kabupaten Pesawaran"]], "Data": [header, *rows]},
        d / "facilitators.xlsx",
    )
    (d / "facilitators.csv").unlink()


@case(
    file="expert_ratings.xlsx",
    expect="accept",
    same_as_clean=True,
    why="a cover sheet before the data sheet is normal; the first sheet with the schema's "
    "header is used",
)
def xlsx_data_on_second_sheet(d: Path) -> None:
    header, rows = ed.read(d / "expert_ratings.csv")
    ed.to_xlsx(
        {"Sampul": [["Penilaian Tenaga Ahli"]], "Penilaian": [header, *rows]},
        d / "expert_ratings.xlsx",
    )
    (d / "expert_ratings.csv").unlink()


@case(
    file="pilot.csv",
    expect="reject",
    why="pilot.csv and pilot.xlsx both present: which one is the data is not clear",
)
def csv_and_xlsx_both_present(d: Path) -> None:
    header, rows = ed.read(d / "pilot.csv")
    ed.to_xlsx({"Sheet1": [header, *rows]}, d / "pilot.xlsx")


# =====================================================================================
# Cell values
# =====================================================================================


@case(
    file="facilitators.csv",
    column="x7_2",
    rows=(5,),
    expect="reject",
    why="a label typed in a score column is never coerced to a number or to missing",
)
def text_in_score_column(d: Path) -> None:
    ed.set_cell(d / "facilitators.csv", 5, "x7_2", "baik")


@case(
    file="wioi_satisfaction.csv",
    column="satisfaction",
    rows=(9,),
    expect="reject",
    why="a 1-5 rating is a whole number; 4.5 is an averaged or mistyped answer",
)
def decimal_in_integer_column(d: Path) -> None:
    ed.set_cell(d / "wioi_satisfaction.csv", 9, "satisfaction", "4.5")


@case(
    file="expert_ratings.csv",
    column="ko02",
    rows=(7,),
    expect="reject",
    why="4 is not an option code of a 1-3 item",
)
def option_code_out_of_range(d: Path) -> None:
    ed.set_cell(d / "expert_ratings.csv", 7, "ko02", "4")


@case(
    file="facilitators.csv",
    column="x2_1",
    rows=(4,),
    expect="reject",
    why="a count of trainings cannot be negative",
)
def negative_count(d: Path) -> None:
    ed.set_cell(d / "facilitators.csv", 4, "x2_1", "-2")


@case(
    file="facilitators.csv",
    column="x6_1",
    rows=(6,),
    expect="reject",
    why="250 km is beyond the plausible maximum (80 km) of a distance within the district",
)
def km_above_plausible_max(d: Path) -> None:
    ed.set_cell(d / "facilitators.csv", 6, "x6_1", "250")


@case(
    file="facilitators.csv",
    column="x6_2",
    rows=(),
    expect="accept",
    why="x6_2 is optional in the codebook (a facilitator may serve one village); '-', 'NA' and "
    "an empty cell all mean 'no second village' and must be accepted, whatever their share",
    bug="raw_gates ignores `optional: true` and applies the 5% missing-share rule to x6_2/x6_3",
)
def na_tokens_in_optional_item(d: Path) -> None:
    ed.set_cells(d / "facilitators.csv", {(3, "x6_2"): "-", (4, "x6_2"): "NA", (5, "x6_2"): ""})


@case(
    file="facilitators.csv",
    expect="accept",
    why="one 'N/A' answer in 44 (2.3%) is within the tolerated missing share (5%); the total "
    "of X7 is then missing for that facilitator only",
)
def na_token_within_missing_share(d: Path) -> None:
    ed.set_cell(d / "facilitators.csv", 10, "x7_3", "N/A")


@case(
    file="facilitators.csv",
    column="x7_3",
    rows=(10, 11, 12),
    expect="reject",
    why="3 of 44 answers missing (6.8%) exceeds the tolerated missing share (5%)",
)
def missing_share_exceeded(d: Path) -> None:
    ed.set_cells(d / "facilitators.csv", {(10, "x7_3"): "", (11, "x7_3"): "-", (12, "x7_3"): "NA"})


@case(
    file="facilitators.csv",
    column="role",
    rows=(6,),
    expect="reject",
    why="the role decides which items apply and the comparison PLD vs PDP; '-' is no role",
)
def na_in_role(d: Path) -> None:
    ed.set_cell(d / "facilitators.csv", 6, "role", "-")


@case(
    file="expert_ratings.csv",
    column="facilitator_id",
    rows=(5,),
    expect="reject",
    why="'NA' as an ID: the rating cannot be linked to a facilitator",
)
def na_in_id(d: Path) -> None:
    ed.set_cell(d / "expert_ratings.csv", 5, "facilitator_id", "NA")


@case(
    file="wioi_satisfaction.csv",
    column="respondent_id",
    rows=(20,),
    expect="reject",
    why="an empty key cell",
)
def empty_id(d: Path) -> None:
    ed.set_cell(d / "wioi_satisfaction.csv", 20, "respondent_id", "")


@case(
    file="wioi_satisfaction.csv",
    column="respondent_id",
    rows=(32,),
    expect="reject",
    why="IDs follow the codebook pattern ^S\\d{3,}$; 'R031' is from another list",
)
def pattern_violating_id(d: Path) -> None:
    ed.set_cell(d / "wioi_satisfaction.csv", 32, "respondent_id", "R031")


@case(
    file="expert_ratings.csv",
    column="facilitator_id",
    rows=(2, 10),
    expect="reject",
    why="facilitator_id is the key of expert_ratings: F001 rated twice (and F009 not at all)",
)
def duplicate_ids(d: Path) -> None:
    ed.set_cell(d / "expert_ratings.csv", 10, "facilitator_id", "F001")


@case(
    file="official_ratings.csv",
    column="facilitator_id",
    rows=(20,),
    expect="reject",
    why="an orphan rating: F999 is not in facilitators.csv",
)
def orphan_rating(d: Path) -> None:
    ed.set_cell(d / "official_ratings.csv", 20, "facilitator_id", "F999")


# =====================================================================================
# Labels
# =====================================================================================


@case(
    file="facilitators.csv",
    column="role",
    rows=(8,),
    expect="reject",
    why="'Camat' is not a facilitator role; never dropped silently",
)
def unknown_role_label(d: Path) -> None:
    ed.set_cell(d / "facilitators.csv", 8, "role", "Camat")


@case(
    file="village_frame.csv",
    column="status",
    rows=(10,),
    expect="reject",
    why="'Sangat Maju' is not an IDM status of the codebook",
)
def unknown_status_label(d: Path) -> None:
    ed.set_cell(d / "village_frame.csv", 10, "status", "Sangat Maju")


@case(
    file="facilitators.csv",
    expect="accept",
    same_as_clean=True,
    why="listed label variants (case, spaces, punctuation ignored) are the same labels",
)
def label_variants(d: Path) -> None:
    p = d / "facilitators.csv"
    header, rows = ed.read(p)
    j = header.index("role")
    spell = {
        "PLD": ["Pendamping Lokal Desa", "p.l.d.", "pld"],
        "PDP": ["P D P", "pdp", "Pendamping Desa Pemberdaya"],
    }
    for i, r in enumerate(rows):
        r[j] = spell[r[j]][i % 3]
    ed.write(p, header, rows)
    v = d / "village_frame.csv"
    header, rows = ed.read(v)
    j = header.index("status")
    for i, r in enumerate(rows):
        r[j] = ["desa " + r[j].lower(), r[j].upper(), r[j]][i % 3]
    ed.write(v, header, rows)


@case(
    file="village_frame.csv",
    column="kecamatan",
    rows=(3,),
    expect="reject",
    why="a misspelt kecamatan would become a twelfth stratum of the sample",
)
def unknown_kecamatan(d: Path) -> None:
    ed.set_cell(d / "village_frame.csv", 3, "kecamatan", "Padang Cermn")


@case(
    file="village_frame.csv",
    column="sampled",
    rows=(15,),
    expect="reject",
    why="the sample flag is 0 or 1",
)
def sampled_flag_2(d: Path) -> None:
    ed.set_cell(d / "village_frame.csv", 15, "sampled", "2")


@case(
    file="wioi_satisfaction.csv",
    column="wave",
    rows=(30,),
    expect="reject",
    why="the survey has two waves, before and after",
)
def unknown_wave(d: Path) -> None:
    ed.set_cell(d / "wioi_satisfaction.csv", 30, "wave", "tengah")


# =====================================================================================
# Study-level rules
# =====================================================================================


@case(
    file="pilot.csv",
    expect="reject",
    why="2 pilot respondents: item-total r needs n >= 3 (df = n - 2) and a validity test on 2 "
    "people is meaningless; refuse before any notebook, naming pilot.csv",
    bug="no gate on the pilot's size (expected_rows is only a warning): the run reaches the "
    "notebooks and fails in 03_instrument with a StatsInputError that does not name pilot.csv",
)
def pilot_too_few_rows(d: Path) -> None:
    ed.keep_rows(d / "pilot.csv", 2)


@case(
    file="pilot.csv",
    column="x3_2",
    expect="reject",
    why="an item everyone answered alike has no variance: item-total r and alpha are undefined",
    bug="no gate for a constant pilot item: the run reaches the notebooks and fails in "
    "03_instrument with a StatsInputError naming the item but not pilot.csv",
)
def pilot_constant_item(d: Path) -> None:
    ed.set_column(d / "pilot.csv", "x3_2", "2")


@case(
    file="wioi_tests.csv",
    column="participant_id",
    rows=(21,),
    expect="reject",
    why="W05 has a post-test but no pre-test: the paired tests need both",
)
def wioi_post_without_pre(d: Path) -> None:
    ed.delete_rows(d / "wioi_tests.csv", [6])  # W05,pre; W05,post moves from row 22 to 21


@case(
    file="wioi_tests.csv",
    column="case_study",
    rows=(20,),
    expect="reject",
    why="the case study is scored 0-40 (codebook wioi.case_study_max)",
)
def case_study_above_max(d: Path) -> None:
    ed.set_cell(d / "wioi_tests.csv", 20, "case_study", "45")


@case(
    file="wioi_tests.csv",
    column="q03",
    rows=(25,),
    expect="reject",
    why="questions are scored 0/1; 50 (points typed into a question) would push the total "
    "score above 100",
)
def score_above_100(d: Path) -> None:
    ed.set_cell(d / "wioi_tests.csv", 25, "q03", "50")


@case(
    file="wioi_satisfaction.csv",
    column="satisfaction",
    rows=(50,),
    expect="reject",
    why="the satisfaction scale is 1-5",
)
def satisfaction_above_scale(d: Path) -> None:
    ed.set_cell(d / "wioi_satisfaction.csv", 50, "satisfaction", "6")


# =====================================================================================
# Other roads in (issue 14): form exports with mapping.yaml, the template, SPSS/Stata.
# Each case converts a file of the copy with the guide's own builders (corpus/formats.py)
# and then breaks it the way students do.
# =====================================================================================

GF_FAC = "Kuesioner Pendamping Desa.csv"
GF_OFF = "Penilaian Pendamping oleh Perangkat Desa.csv"
KOBO_XML_EXP = "Penilaian_Pendamping_oleh_Tenaga_Ahli_-_all_versions_-_xml_-_2021-08-31.xlsx"
KOBO_OFF = "Penilaian_Pendamping_oleh_Perangkat_Desa_-_all_versions_-_labels_-_2021-08-31.xlsx"
TEMPLATE = "isian-p3md.xlsx"
X7_GRID = "Bagaimana hubungan Anda dengan orang-orang berikut?"


def _set_export_cells(path: Path, cells: dict[tuple[int, str], str]) -> None:
    def edit(header: list[str], rows: list[list[str]]) -> None:
        for (row, col), value in cells.items():
            rows[row - 2][header.index(col)] = value

    fm.edit_csv_export(path, edit)


@case(
    file=GF_FAC,
    column="Rasa keakraban",
    expect="reject",
    why="two grid rows shortened to 'Rasa keakraban' match x7_4 and x7_6 equally well: map "
    "marks them ambiguous, and the run must not guess which is which",
    tags=("form",),
)
def form_header_matches_two_items(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "facilitators", mapped=False)

    def edit(header: list[str], rows: list[list[str]]) -> None:
        header[header.index(f"{X7_GRID} [Rasa keakraban dengan pendamping lain]")] = (
            "Rasa keakraban"
        )
        header[header.index(f"{X7_GRID} [Rasa keakraban dengan masyarakat dampingan]")] = (
            "Rasa keakraban (2)"
        )

    fm.edit_csv_export(path, edit)
    map_export(path, load_codebook(), "facilitators")


@case(
    file=GF_FAC,
    column=f"{X7_GRID} [Sikap keterbukaan dengan atasan]",
    rows=(5,),
    expect="reject",
    why="'Sangat baik' is no label of the Baik scale: an answer the mapping does not cover is "
    "never coded by guess (nor dropped)",
    tags=("form",),
)
def form_answer_label_not_in_codebook(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "facilitators")
    _set_export_cells(path, {(5, f"{X7_GRID} [Sikap keterbukaan dengan atasan]"): "Sangat baik"})


@case(
    file=GF_FAC,
    column=f"{X7_GRID} [Sikap keterbukaan dengan masyarakat dampingan]",
    rows=(6, 9),
    expect="reject",
    why="map wrote 'Lumayan: null' (no codebook label matches) and the user ran the report "
    "without filling it in",
    tags=("form",),
)
def form_answer_left_null_in_mapping(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "facilitators", mapped=False)
    col = f"{X7_GRID} [Sikap keterbukaan dengan masyarakat dampingan]"
    _set_export_cells(path, {(6, col): "Lumayan", (9, col): "Lumayan"})
    map_export(path, load_codebook(), "facilitators")


@case(
    file="mapping.yaml",
    column="Email address",
    expect="reject",
    why="the email column was deleted from the export after mapping: mapping.yaml points at a "
    "column that is not there (the export is not the one that was mapped)",
    tags=("form",),
)
def mapping_points_at_missing_column(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "official_ratings")
    header, rows = ed.read(path)
    j = header.index("Email address")
    ed.write(path, header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows])


@case(
    file=GF_OFF,
    column="Saran dan masukan untuk pendamping",
    expect="reject",
    why="a question added to the form after the mapping was written: not covered, so the run "
    "stops until the user maps or drops it",
    tags=("form",),
)
def export_column_added_after_mapping(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "official_ratings")
    ed.add_column(path, "Saran dan masukan untuk pendamping", "lebih sering hadir")


@case(
    file="mapping.yaml",
    expect="reject",
    why="the export was renamed after mapping: mapping.yaml names a file that is not there",
    tags=("form",),
)
def mapping_source_file_missing(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "official_ratings")
    path.rename(d / "Penilaian Pendamping (1).csv")


@case(
    file="mapping.yaml",
    column="pd01",
    expect="reject",
    why="an edit of mapping.yaml sent two export columns to pd01: one answer would overwrite "
    "the other",
    tags=("form",),
)
def mapping_two_headers_one_column(d: Path) -> None:
    fm.to_road(d, "google-forms", "official_ratings")
    fm.edit_mapping(d, lambda doc: fm.entry(doc, "official_ratings", "pd02").update(column="pd01"))


@case(
    file="mapping.yaml",
    column="Mendorong transparansi anggaran di tingkat desa",
    expect="reject",
    why="mapping.yaml sends a header to 'pd11', which is no column of official_ratings",
    tags=("form",),
)
def mapping_column_not_in_codebook(d: Path) -> None:
    fm.to_road(d, "google-forms", "official_ratings")
    fm.edit_mapping(d, lambda doc: fm.entry(doc, "official_ratings", "pd03").update(column="pd11"))


@case(
    file="mapping.yaml",
    expect="reject",
    why="a tab in the indentation makes mapping.yaml invalid YAML; the run names the file",
    tags=("form",),
)
def mapping_yaml_not_yaml(d: Path) -> None:
    fm.to_road(d, "google-forms", "official_ratings")
    p = d / "mapping.yaml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("  official_ratings:", "\tofficial_ratings:")
    )


@case(
    file="mapping.yaml",
    expect="reject",
    why="the `source:` of a section was deleted: which file to read cannot be known",
    tags=("form",),
)
def mapping_yaml_without_source(d: Path) -> None:
    fm.to_road(d, "google-forms", "official_ratings")
    fm.edit_mapping(d, lambda doc: doc["files"]["official_ratings"].pop("source"))


@case(
    file="official_ratings.csv",
    expect="reject",
    why="the mapped export and official_ratings.csv are both in the folder: which one holds "
    "the data is not clear",
    tags=("form",),
)
def mapped_export_and_csv_both_present(d: Path) -> None:
    from p3md import PROJECT_ROOT

    fm.to_road(d, "google-forms", "official_ratings")
    shutil.copy2(PROJECT_ROOT / "data" / "raw" / "official_ratings.csv", d / "official_ratings.csv")


@case(
    file=KOBO_XML_EXP,
    column="grp_y3/ko04",
    rows=(4,),
    expect="reject",
    why="Kobo 'xml' mode exports choice names; 'sangat_efektif' is none of the codebook's "
    "labels for ko04",
    tags=("form", "kobo"),
)
def kobo_xml_unknown_choice_name(d: Path) -> None:
    path = fm.to_road(d, "kobo-xml", "expert_ratings")
    sheet = "Penilaian Pendamping oleh Tenaga Ahli"[:31]

    def edit(ws) -> None:
        col = [c.value for c in ws[1]].index("grp_y3/ko04") + 1
        ws.cell(4, col, "sangat_efektif")

    fm.edit_sheet(path, sheet, edit)


@case(
    file=GF_FAC,
    column="x3_4",
    expect="reject",
    why="the form lacks the question of x3_4: no header maps to it, and scoring needs it",
    tags=("form",),
)
def form_required_question_missing(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "facilitators", mapped=False)
    header, rows = ed.read(path)
    j = next(i for i, h in enumerate(header) if h.endswith("[Dorongan karena tanggung jawab]"))
    ed.write(path, header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows])
    map_export(path, load_codebook(), "facilitators")


@case(
    file=GF_FAC,
    column="x2_1",
    rows=(7,),
    expect="reject",
    why="a short-answer question answered in words ('dua kali'): a count is a number",
    tags=("form",),
)
def form_text_in_count_answer(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "facilitators")
    _set_export_cells(path, {(7, "5. Frekuensi mengikuti pelatihan pendampingan desa"): "dua kali"})


@case(
    file=GF_OFF,
    column="Melakukan cek administrasi desa secara lengkap dan benar",
    expect="reject",
    why="two questions with the same title (Google Forms allows it): their columns cannot be "
    "told apart",
    tags=("form",),
)
def form_duplicate_headers(d: Path) -> None:
    path = fm.to_road(d, "google-forms", "official_ratings")

    def edit(header: list[str], rows: list[list[str]]) -> None:
        header[header.index("Memeriksa, mengoreksi dan memvalidasi pembukuan dana desa")] = (
            "Melakukan cek administrasi desa secara lengkap dan benar"
        )

    fm.edit_csv_export(path, edit)


@case(
    file=GF_FAC,
    expect="accept",
    same_as_clean=True,
    why="a Google Forms export (question headers, label answers, Timestamp and email) with the "
    "mapping written by `map` reads exactly like facilitators.csv",
    tags=("form",),
)
def form_export_with_mapping(d: Path) -> None:
    fm.to_road(d, "google-forms", "facilitators")


@case(
    file=KOBO_OFF,
    expect="accept",
    same_as_clean=True,
    why="a KoboToolbox 'label' export (group/label headers, _uuid, _index, ...) with its "
    "mapping reads exactly like official_ratings.csv",
    tags=("form", "kobo"),
)
def kobo_label_export_with_mapping(d: Path) -> None:
    fm.to_road(d, "kobo", "official_ratings")


# -- the data-entry template ---------------------------------------------------------------


@case(
    file=TEMPLATE,
    column="ko03",
    rows=(7,),
    expect="reject",
    why="'Bagus' was typed over the drop-down (or pasted, which Excel does not validate)",
    tags=("template",),
)
def template_value_typed_over_validation(d: Path) -> None:
    path = fm.template_for_all(d)

    def edit(ws) -> None:
        ws.cell(7, [c.value for c in ws[1]].index("ko03") + 1, "Bagus")

    fm.edit_sheet(path, "expert_ratings", edit)


@case(
    file=TEMPLATE,
    column="x1",
    rows=(12,),
    expect="reject",
    why="the code 4 is not an entry of x1's list (1-3); pasted values bypass Excel's check",
    tags=("template",),
)
def template_code_not_in_list(d: Path) -> None:
    path = fm.template_for_all(d)

    def edit(ws) -> None:
        ws.cell(12, [c.value for c in ws[1]].index("x1") + 1, 4)

    fm.edit_sheet(path, "facilitators", edit)


@case(
    file=TEMPLATE,
    expect="reject",
    why="the sheet 'pilot' was renamed: the pilot data cannot be found; the message lists the "
    "sheets",
    tags=("template",),
)
def template_sheet_renamed(d: Path) -> None:
    from openpyxl import load_workbook

    path = fm.template_for_all(d)
    book = load_workbook(path)
    book["pilot"].title = "Uji coba 2021"
    book.save(path)


@case(
    file=TEMPLATE,
    column="x7_2",
    expect="reject",
    why="the header x7_2 was retyped as 'x7-2': a renamed column is a missing column",
    tags=("template",),
)
def template_header_renamed(d: Path) -> None:
    path = fm.template_for_all(d)

    def edit(ws) -> None:
        ws.cell(1, [c.value for c in ws[1]].index("x7_2") + 1, "x7-2")

    fm.edit_sheet(path, "facilitators", edit)


@case(
    file="isian-p3md (1).xlsx",
    expect="reject",
    why="two filled templates in one folder (a saved copy): which one holds the data is not clear",
    tags=("template",),
)
def two_templates_in_folder(d: Path) -> None:
    path = fm.template_for_all(d)
    shutil.copy2(path, d / "isian-p3md (1).xlsx")


@case(
    file=TEMPLATE,
    expect="accept",
    same_as_clean=True,
    why="the template filled in through its drop-downs ('3 = Baik') is the same data as data/raw",
    tags=("template",),
)
def template_filled_for_every_file(d: Path) -> None:
    fm.template_for_all(d)


# -- SPSS and Stata ------------------------------------------------------------------------


@case(
    file="facilitators.sav",
    column="x7_1",
    rows=(9,),
    expect="reject",
    why="4 has no value label in x7_1 (labels 1-3): a typo in SPSS, never read as a score",
    tags=("spss",),
)
def sav_unlabelled_value(d: Path) -> None:
    path = fm.to_road(d, "spss", "facilitators")

    def edit(df, labels, missing) -> None:
        df.loc[7, "x7_1"] = 4.0

    fm.rewrite_sav(path, edit)


@case(
    file="facilitators.sav",
    column="x7_2",
    expect="reject",
    why="x7_2's value labels (Buruk, Sedang, Bagus) are not the codebook's (Tidak baik, Kurang "
    "baik, Baik): the codes' meaning cannot be trusted",
    tags=("spss",),
)
def sav_labels_not_codebook(d: Path) -> None:
    path = fm.to_road(d, "spss", "facilitators")

    def edit(df, labels, missing) -> None:
        labels["x7_2"] = {1.0: "Buruk", 2.0: "Sedang", 3.0: "Bagus"}

    fm.rewrite_sav(path, edit)


@case(
    file="facilitators.sav",
    expect="reject",
    why="a .sav cut short (interrupted copy): refuse with how to save it again",
    tags=("spss",),
)
def sav_corrupt(d: Path) -> None:
    path = fm.to_road(d, "spss", "facilitators")
    path.write_bytes(path.read_bytes()[:700])


@case(
    file="facilitators.csv",
    expect="reject",
    why="facilitators.sav and facilitators.csv both present: which one is the data is not clear",
    tags=("spss",),
)
def sav_and_csv_both_present(d: Path) -> None:
    from p3md import PROJECT_ROOT

    fm.to_road(d, "spss", "facilitators")
    shutil.copy2(PROJECT_ROOT / "data" / "raw" / "facilitators.csv", d / "facilitators.csv")


@case(
    file="facilitators.sav",
    column="x3_4",
    expect="reject",
    why="the variable x3_4 was deleted in SPSS; scoring needs it",
    tags=("spss",),
)
def sav_variable_missing(d: Path) -> None:
    path = fm.to_road(d, "spss", "facilitators")
    fm.rewrite_sav(path, lambda df, labels, missing: df.drop(columns=["x3_4"], inplace=True))


@case(
    file="wioi_tests.dta",
    column="q05",
    rows=(11,),
    expect="reject",
    why="2 has no value label in q05 (0 Salah, 1 Benar) of the Stata file",
    tags=("spss", "stata"),
)
def dta_unlabelled_value(d: Path) -> None:
    path = fm.to_road(d, "spss", "wioi_tests")

    def edit(df, labels, missing) -> None:
        df.loc[9, "q05"] = 2.0

    fm.rewrite_sav(path, edit)


@case(
    file="facilitators.sav",
    column="role",
    expect="reject",
    why="the role variable labels a third value 'Camat', which is no role of the codebook",
    tags=("spss",),
)
def sav_role_label_not_in_codebook(d: Path) -> None:
    path = fm.to_road(d, "spss", "facilitators")

    def edit(df, labels, missing) -> None:
        labels["role"][3.0] = "Camat"
        df.loc[6, "role"] = 3.0

    fm.rewrite_sav(path, edit)


@case(
    file="official_ratings.sav",
    expect="accept",
    same_as_clean=True,
    why="role-specific items coded 9 'Tidak berlaku' and declared user-missing are missing, "
    "as in SPSS; the file reads exactly like official_ratings.csv",
    tags=("spss",),
)
def sav_user_missing_not_applicable(d: Path) -> None:
    fm.to_road(d, "spss", "official_ratings")


@case(
    file="expert_ratings.sav",
    expect="accept",
    same_as_clean=True,
    why="ko03 coded the other way round (1 = Baik ... 3 = Tidak baik): the labels, not the "
    "numbers, say what was answered",
    tags=("spss",),
)
def sav_codes_reversed_labels_follow(d: Path) -> None:
    path = fm.to_road(d, "spss", "expert_ratings")

    def edit(df, labels, missing) -> None:
        flip = {1.0: 3.0, 2.0: 2.0, 3.0: 1.0}
        df["ko03"] = df["ko03"].map(flip)
        labels["ko03"] = {flip[k]: v for k, v in labels["ko03"].items()}

    fm.rewrite_sav(path, edit)


REJECT = [c for c in CASES if c.expect == "reject"]
ACCEPT = [c for c in CASES if c.expect == "accept"]
