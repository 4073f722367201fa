"""``p3md map`` reads the answers as well as the headers (issue 19, Deliver 7).

A Google-Forms-style export whose ID questions read "Kode responden", "Kode desa" and "Kode
pendamping" (the headers no longer carry the codebook's question texts) maps with no hand
edit: the answers ``O001`` and ``V002`` fit exactly one ID pattern each. Numbered headers
(``Q1``..``Qn``) are proposed by position when their count fits the items; an unmatched
header names its closest columns; ``map`` run again keeps every edit of ``mapping.yaml``.
Each road is read and scored and compared with ``data/raw`` exactly (as ``test_intake``).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest
import yaml

from p3md import PROJECT_ROOT
from p3md.io.mapping import load_mapping, map_export, propose_mapping, read_export
from p3md.io.readers import read_raw_dir
from p3md.reconstruction.exports import BUILDERS, ExampleFolder
from p3md.scoring import score_study

RAW = PROJECT_ROOT / "data" / "raw"
ID_HEADERS = {
    "official_id": "Kode responden",
    "village_id": "Kode desa",
    "facilitator_id": "Kode pendamping",
}


@pytest.fixture(scope="module")
def clean_scored(cb):
    return score_study(read_raw_dir(RAW, cb), cb)


def assert_scores_like_data_raw(folder: Path, cb, clean_scored) -> None:
    scored = score_study(read_raw_dir(folder, cb), cb)
    for f in fields(scored):
        pd.testing.assert_frame_equal(
            getattr(scored, f.name), getattr(clean_scored, f.name), check_exact=True, obj=f.name
        )


def rename_headers(example: ExampleFolder, key: str, new: dict[str, str]) -> Path:
    """Rename the export's headers of codebook columns ``new`` (column -> header)."""
    path = example.folder / example.exports[key]
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    header_of = {c: h for h, c in example.truth[key].items() if c}
    df = df.rename(columns={header_of[c]: h for c, h in new.items()})
    df.to_csv(path, index=False)
    return path


def kode_export(cb, folder: Path) -> ExampleFolder:
    example = BUILDERS["google-forms"](RAW, folder, cb)
    rename_headers(example, "official_ratings", ID_HEADERS)
    return example


def test_id_questions_are_matched_by_their_answers(cb, tmp_path):
    example = kode_export(cb, tmp_path / "gf")
    path = example.folder / example.exports["official_ratings"]
    table, _ = read_export(path)
    # The headers alone: "Kode desa" is ambiguous, "Kode responden" unmatched (issue 19).
    proposal = propose_mapping(table, cb, "official_ratings", path.name)
    got = {c.header: c for c in proposal.filemap.columns}
    assert got["Kode responden"].column == "official_id"
    assert got["Kode desa"].column == "village_id"
    assert got["Kode pendamping"].column == "facilitator_id"
    assert got["Kode responden"].status == got["Kode desa"].status == "values"
    assert not proposal.missing and not proposal.needs_edit


def test_the_kode_export_maps_with_no_hand_edit_and_scores_like_data_raw(
    cb, clean_scored, tmp_path
):
    """The acceptance road of issue 19 through the command line, as a student runs it."""
    example = kode_export(cb, tmp_path / "gf")
    for key, name in example.exports.items():
        proc = subprocess.run(
            [sys.executable, "-m", "p3md", "map", "--data", str(example.folder / name),
             "--file", key],
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if key == "official_ratings":
            assert "CHECK (matched by its answers)" in proc.stdout
            assert "2 by their answers" in proc.stdout
    assert_scores_like_data_raw(example.folder, cb, clean_scored)


def test_an_unmatched_header_names_its_closest_columns(cb, tmp_path):
    example = BUILDERS["google-forms"](RAW, tmp_path / "gf", cb)
    path = rename_headers(
        example, "facilitators", {"x5": "Banyaknya wilayah yang Anda tangani sekarang"}
    )
    table, _ = read_export(path)
    proposal = propose_mapping(table, cb, "facilitators", path.name)
    entry = next(c for c in proposal.filemap.columns if c.header.startswith("Banyaknya"))
    assert entry.status == "unmatched" and entry.column is None
    # x5 is the one column no other header took: named first, then the closest taken ones.
    assert entry.candidates and len(entry.candidates) == 3
    assert entry.candidates[0].startswith("x5 (") and "taken" not in entry.candidates[0]
    assert all(c.endswith(", taken)") for c in entry.candidates[1:])
    from p3md.io.mapping import describe

    line = next(ln for ln in describe(proposal) if ln.startswith("Banyaknya"))
    assert "closest: x5 (" in line


def test_numbered_headers_are_proposed_by_position(cb, clean_scored, tmp_path):
    """Q1..Qn for the expert's items (the codebook's order) with coded answers (1-3 fit
    every item, so the answers cannot tell them apart): proposed by position, flagged; the
    study is unchanged."""
    from p3md.io.labels import answer_lookup, label_key
    from p3md.io.schema import file_schema

    example = BUILDERS["google-forms"](RAW, tmp_path / "gf", cb)
    schema = file_schema(cb, "expert_ratings")
    items = [c for c in schema.names if c not in cb.files["expert_ratings"].columns]
    path = rename_headers(
        example, "expert_ratings", {c: f"Q{n}" for n, c in enumerate(items, start=1)}
    )
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for n, col in enumerate(items, start=1):
        lookup = answer_lookup(cb, "expert_ratings", col)
        df[f"Q{n}"] = [lookup[label_key(v)] if v else v for v in df[f"Q{n}"]]
    df.to_csv(path, index=False)
    for key, name in example.exports.items():
        map_export(example.folder / name, cb, key)
    section = load_mapping(example.folder).files["expert_ratings"]
    got = {c.header: c for c in section.columns}
    assert [got[f"Q{n}"].column for n in range(1, len(items) + 1)] == items
    assert {got[f"Q{n}"].status for n in range(1, len(items) + 1)} == {"position"}
    assert_scores_like_data_raw(example.folder, cb, clean_scored)
    # A count that does not fit the items is not proposed by position.
    df = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=[f"Q{len(items)}"])
    df.to_csv(path, index=False)
    table, _ = read_export(path)
    proposal = propose_mapping(table, cb, "expert_ratings", path.name)
    assert not any(c.status == "position" for c in proposal.filemap.columns)
    assert proposal.missing


def test_map_again_keeps_every_edit_and_fills_only_what_is_missing(cb, tmp_path):
    example = kode_export(cb, tmp_path / "gf")
    path = example.folder / example.exports["official_ratings"]
    map_export(path, cb, "official_ratings")
    mapping_file = example.folder / "mapping.yaml"
    doc = yaml.safe_load(mapping_file.read_text(encoding="utf-8"))
    columns = doc["files"]["official_ratings"]["columns"]
    by_header = {c["header"]: c for c in columns}
    # The user's edits: confirms one value match, drops the position question on purpose,
    # gives one answer their own spelling, and removes an answer the form has.
    by_header["Kode desa"]["status"] = "ok"
    position = next(c for c in columns if c.get("column") == "official_position")
    position["column"], position["status"] = None, "unmatched"
    item = next(c for c in columns if c.get("answers") and c["column"].startswith("pd"))
    first_label = next(iter(item["answers"]))
    item["answers"]["Kurang"] = item["answers"][first_label]
    del item["answers"][first_label]
    mapping_file.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    before = yaml.safe_load(mapping_file.read_text(encoding="utf-8"))

    proposal, _, lines = map_export(path, cb, "official_ratings")
    after = yaml.safe_load(mapping_file.read_text(encoding="utf-8"))
    after_cols = {c["header"]: c for c in after["files"]["official_ratings"]["columns"]}
    for header, entry in {c["header"]: c for c in columns}.items():
        mine = after_cols[header]
        assert mine.get("column") == entry.get("column"), header
        assert mine.get("status") == entry.get("status"), header
        for label, code in (entry.get("answers") or {}).items():
            assert mine["answers"][label] == code, (header, label)
    edited = after_cols[item["header"]]
    assert edited["answers"]["Kurang"] == item["answers"]["Kurang"]
    assert first_label in edited["answers"]  # filled in again: it was missing
    text = "\n".join(lines)
    assert "already had a section official_ratings" in text
    assert f"added the answer {first_label!r}" in text
    assert "kept your edit of 'Jabatan Anda di pemerintahan desa'" in text
    assert before != after
    # A third run changes nothing more and says so.
    _, _, lines = map_export(path, cb, "official_ratings")
    assert yaml.safe_load(mapping_file.read_text(encoding="utf-8")) == after
    assert not any("added" in ln or "filled" in ln for ln in lines)
    # An unresolved entry (ambiguous, no column) that the answers resolve is filled in.
    kode = {c["header"]: c for c in after["files"]["official_ratings"]["columns"]}["Kode responden"]
    kode.update(column=None, status="ambiguous", candidates=["official_id", "village_id"])
    mapping_file.write_text(yaml.safe_dump(after, allow_unicode=True, sort_keys=False))
    _, _, lines = map_export(path, cb, "official_ratings")
    assert any("filled 'Kode responden': column official_id (values)" in ln for ln in lines)


@pytest.mark.e2e
def test_the_kode_export_report_equals_data_raw(cb, pipeline_run, tmp_path):
    """The acceptance of issue 19 end to end: the 'Kode ...' export mapped with no hand edit,
    then the report (a separate process, as `make report DATA=...`): every table and derived
    file equals the report on data/raw."""
    example = kode_export(cb, tmp_path / "gf")
    for key, name in example.exports.items():
        proposal, _, _ = map_export(example.folder / name, cb, key)
        assert not proposal.needs_edit, key
    out = tmp_path / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "p3md", "report", "--data", str(example.folder), "--out",
         str(out), "--no-derived", "--no-site"],
        capture_output=True,
        text=True,
        timeout=1800,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reference = pipeline_run.out_dir
    tables = sorted(p.name for p in (reference / "tables").glob("*.csv"))
    assert tables and sorted(p.name for p in (out / "tables").glob("*.csv")) == tables
    for name in tables:
        pd.testing.assert_frame_equal(
            pd.read_csv(out / "tables" / name),
            pd.read_csv(reference / "tables" / name),
            check_exact=True,
            obj=name,
        )
    for p in (reference / "derived").glob("*.csv"):
        assert (out / "derived" / p.name).read_bytes() == p.read_bytes(), p.name
