"""Gates generated from the real codebook catch the errors students make.

The frames are built from the codebook (``pipeline_frames``) so the tests do not depend on
``data/raw``, which is generated in parallel.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from p3md.codebook import load_codebook
from p3md.pipeline.gates import GateFailure, GateSuite, run_gate
from p3md.pipeline.output_gates import build_output_suite
from p3md.pipeline.raw_gates import FOREIGN_KEY_CHECK, build_raw_suite
from pipeline_frames import valid_frames


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


@pytest.fixture
def frames(cb):
    return valid_frames(cb)


def gate(cb, frames, key):
    suite, frame = build_raw_suite(cb, key, frames[key], frames)
    return run_gate("scoring", cb.files[key].path, "input", frame, suite)


def failed(result):
    return {(f.column, f.check): f for f in result.failures()}


def test_valid_frames_pass_every_gate(cb, frames):
    for key in cb.files:
        result = gate(cb, frames, key)
        assert result.success, [f.paragraph() for f in result.failures()]
        # expected_rows is a warning only (the small frames have fewer rows than the study).
        if cb.files[key].expected_rows is not None:
            assert any(w.check == "ExpectTableRowCountToEqual" for w in result.warnings)


def test_out_of_range_items(cb, frames):
    fac = frames["facilitators"]
    fac.loc[2, "x3_1"] = 7  # option item: codes 1..3
    fac.loc[1, "x4_5"] = 4  # reverse-keyed count: still a count in range (ok)
    fac.loc[0, "x2_1"] = -1  # count below 0
    fac.loc[3, "x6_2"] = 500  # km above plausible_max
    result = gate(cb, frames, "facilitators")
    bad = failed(result)
    assert ("x3_1", "ExpectColumnValuesToBeInSet") in bad
    assert bad[("x3_1", "ExpectColumnValuesToBeInSet")].rows == [4]
    assert bad[("x3_1", "ExpectColumnValuesToBeInSet")].values == [7]
    assert ("x2_1", "ExpectColumnValuesToBeBetween") in bad
    assert ("x6_2", "ExpectColumnValuesToBeBetween") in bad
    assert not any(col == "x4_5" for col, _ in bad)
    msg = GateFailure(result.failures()).message()
    # One paragraph per failure, naming stage, file, column, row, value, rule and fix.
    assert msg.count("\n\n") == len(bad)
    assert (
        "Stage scoring, file facilitators.csv, column 'x3_1': row 4 (header = row 1) "
        "with value(s) 7" in msg
    )
    assert "Rule: answers must be option codes 1, 2, 3" in msg and "Fix:" in msg


def test_reverse_item_code_range(cb, frames):
    exp = frames["expert_ratings"]
    exp.loc[0, "ko05"] = 0  # reverse-keyed options item still takes codes 1..3
    assert ("ko05", "ExpectColumnValuesToBeInSet") in failed(gate(cb, frames, "expert_ratings"))


def test_duplicate_key_and_compound_key(cb, frames):
    fac = frames["facilitators"]
    fac.loc[3, "facilitator_id"] = "F001"
    res = failed(gate(cb, frames, "facilitators"))
    assert res[("facilitator_id", "ExpectColumnValuesToBeUnique")].rows == [2, 5]
    tests = frames["wioi_tests"]
    tests.loc[1, "phase"] = "pre"  # W01 has two pre rows and no post
    res = failed(gate(cb, frames, "wioi_tests"))
    assert ("participant_id + phase", "ExpectCompoundColumnsToBeUnique") in res
    assert res[("participant_id", "participant_has_pre_and_post")].rows == [2, 3]


def test_orphan_foreign_key(cb, frames):
    frames["official_ratings"].loc[2, "village_id"] = "V999"
    frames["expert_ratings"].loc[0, "facilitator_id"] = "F777"
    res = failed(gate(cb, frames, "official_ratings"))
    item = res[("village_id", FOREIGN_KEY_CHECK)]
    assert item.rows == [4] and item.values == ["V999"] and "village_frame.csv" in item.rule
    assert ("facilitator_id", FOREIGN_KEY_CHECK) in failed(gate(cb, frames, "expert_ratings"))


def test_unknown_role_and_role_specific_items(cb, frames):
    pilot = frames["pilot"]
    pilot.loc[0, "role"] = "Camat"
    pilot.loc[1, "pd09_pld"] = 2.0  # PLD-only item answered by a PDP respondent
    res = failed(gate(cb, frames, "pilot"))
    assert res[("role", "ExpectColumnValuesToBeInSet")].values == ["Camat"]
    assert res[("pd09_pld", "ExpectColumnValuesToBeNull")].rows == [3]
    # Ratings have no role column: the role is looked up from facilitators.csv.
    frames["official_ratings"].loc[1, "sv05_pdp"] = None
    frames["official_ratings"].loc[3, "sv05_pdp"] = None
    res = failed(gate(cb, frames, "official_ratings"))
    assert ("sv05_pdp", "ExpectColumnValuesToNotBeNull") in res


def test_missing_share_and_numeric_cells(cb, frames):
    fac = frames["facilitators"]
    fac.loc[0, "x7_1"] = None  # 1 of 4 missing = 25% > 5%
    fac["x7_2"] = fac["x7_2"].astype(object)
    fac.loc[1, "x7_2"] = "baik"
    res = failed(gate(cb, frames, "facilitators"))
    assert ("x7_1", "ExpectColumnValuesToNotBeNull") in res
    assert res[("x7_2", "values_are_numeric")].rows == [3]


def test_wioi_question_and_case_study(cb, frames):
    tests = frames["wioi_tests"]
    tests.loc[0, "q5"] = 2
    tests.loc[2, "case_study"] = 41
    res = failed(gate(cb, frames, "wioi_tests"))
    assert ("q5", "ExpectColumnValuesToBeInSet") in res
    assert res[("case_study", "ExpectColumnValuesToBeBetween")].values == [41]


def test_output_gates():
    df = pd.DataFrame(
        {
            "kategori": ["Baik", "Sedang", "Rendah", "Jumlah"],
            "persen": [50.0, 30.0, 19.9, 99.9],
            "p_val": [0.1, 0.2, 1.2, None],
            "rho": [0.5, -0.2, 0.1, None],
            "alpha": [0.7, 1.3, 0.6, None],
        }
    )
    suite, frame = build_output_suite(df, ("statistics", "distributions"), "tables/tbl-x.csv")
    assert len(frame) == 3  # the total row is not part of the distribution
    result = run_gate("descriptive", "tables/tbl-x.csv", "output", frame, suite)
    bad = failed(result)
    assert ("p_val", "ExpectColumnValuesToBeBetween") in bad
    assert ("alpha", "ExpectColumnValuesToBeBetween") in bad
    assert ("rho", "ExpectColumnValuesToBeBetween") not in bad
    assert ("persen", "ExpectColumnSumToBeBetween") not in bad  # 99.9 is rounding
    df.loc[0, "persen"] = 40.0
    suite, frame = build_output_suite(df, ("distributions",), "tables/tbl-x.csv")
    bad = failed(run_gate("descriptive", "tables/tbl-x.csv", "output", frame, suite))
    assert ("persen", "ExpectColumnSumToBeBetween") in bad


def test_gate_record_json(cb, frames, tmp_path):
    frames["village_frame"].loc[0, "sampled"] = 3
    result = gate(cb, frames, "village_frame")
    path = result.write(tmp_path)
    assert path.name == "scoring__village_frame.csv.json"
    data = json.loads(path.read_text())
    assert data["success"] is False and data["failed"] == 1
    rec = next(r for r in data["records"] if not r["success"] and r["severity"] == "error")
    assert rec["column"] == "sampled" and rec["rows"] == [2] and rec["values"] == [3]
    assert any(
        r["check"] == "ExpectTableRowCountToEqual" and r["severity"] == "warning"
        for r in data["records"]
    )


def test_output_gates_row_distribution_and_rates():
    df = pd.DataFrame(
        {
            "Butir": ["x1", "x2"],
            "Skor 3 (n)": [7, 1],
            "Skor 2 (n)": [7, 1],
            "Skor 1 (n)": [2, 1],
            "Skor 3 (%)": [43.75, 33.3333],
            "Skor 2 (%)": [43.75, 33.3333],
            "Skor 1 (%)": [12.5, 33.3333],
            "Lulus pre-test (%)": [56.25, 87.5],
            "p (McNemar eksak)": [0.125, 0.03],
        }
    )
    suite, frame = build_output_suite(df, ("statistics", "distributions"), "tables/tbl-m.csv")
    result = run_gate("scoring", "tables/tbl-m.csv", "output", frame, suite)
    assert result.success, [f.paragraph() for f in result.failures()]
    checks = {r.check for r in result.records}
    assert "percentages_sum_to_100" in checks
    assert any(r.column == "p (McNemar eksak)" for r in result.records)
    df.loc[1, "Skor 1 (%)"] = 13.0
    suite, frame = build_output_suite(df, ("distributions",), "tables/tbl-m.csv")
    bad = run_gate("scoring", "tables/tbl-m.csv", "output", frame, suite).failures()
    assert [f.check for f in bad] == ["percentages_sum_to_100"] and bad[0].rows == [3]


def test_output_gates_group_columns_distribution():
    df = pd.DataFrame(
        {
            "Kategori": ["Baik", "Sedang", "Rendah", "Jumlah", "Median skor"],
            "PDP (n)": [1, 10, 5, 16, 10],
            "PDP (%)": [6.2, 62.5, 31.3, 100.0, None],
            "PLD (n)": [18, 6, 4, 28, 12],
            "PLD (%)": [64.3, 21.4, 14.3, 100.0, None],
        }
    )
    suite, frame = build_output_suite(df, ("distributions",), "tables/tbl-k.csv")
    assert run_gate("descriptive", "tables/tbl-k.csv", "output", frame, suite).success
    df.loc[0, "PLD (%)"] = 70.0
    suite, frame = build_output_suite(df, ("distributions",), "tables/tbl-k.csv")
    assert not run_gate("descriptive", "tables/tbl-k.csv", "output", frame, suite).success


def fk_only(suite):
    """The suite's foreign-key checks alone (the rest of a 100,000-row gate is not under test)."""
    return GateSuite(
        suite.name, pandas_checks=[c for c in suite.pandas_checks if c.name == FOREIGN_KEY_CHECK]
    )


def test_foreign_key_orphan_at_scale_is_found_in_linear_time(cb, frames):
    """150,000 parent keys, 120,000 child rows. The former GX ExpectColumnValuesToBeInSet with
    the parent keys as value_set took minutes here (the value set was copied on every access
    to the expectation's configuration); a hashed isin takes milliseconds."""
    import time

    n_parent, n_child = 150_000, 120_000
    villages = pd.DataFrame(
        {
            "village_id": [f"V{i:06d}" for i in range(n_parent)],
            "kecamatan": cb.kecamatan[0],
            "status": "Maju",
            "sampled": 1,
        }
    )
    small = frames["official_ratings"]
    off = small.loc[[i % len(small) for i in range(n_child)]].reset_index(drop=True)
    off["village_id"] = [f"V{(7 * i) % n_parent:06d}" for i in range(n_child)]
    off.loc[n_child - 3, "village_id"] = "V999999"  # the orphan, near the end of the file
    off.loc[10, "village_id"] = None  # empty: the NotNull rule's business, not the key's
    # Spreadsheet rows as a reader keeps them: here every row is one line further down.
    off.attrs["source_rows"] = [i + 3 for i in range(n_child)]
    frames.update(village_frame=villages, official_ratings=off)
    t0 = time.perf_counter()
    suite, frame = build_raw_suite(cb, "official_ratings", off, frames)
    result = run_gate("scoring", "official_ratings.csv", "input", frame, fk_only(suite))
    seconds = time.perf_counter() - t0
    by_column = {r.column: r for r in result.records}
    village = by_column["village_id"]
    assert village.check == FOREIGN_KEY_CHECK and village.engine == "pandas"
    assert not village.success and village.rows == [n_child] and village.values == ["V999999"]
    assert village.unexpected_count == 1
    assert by_column["facilitator_id"].success
    (failure,) = result.failures()
    assert (
        f"file official_ratings.csv, column 'village_id': row {n_child} (header = row 1) "
        "with value(s) 'V999999'. Rule: every village_id must exist in village_frame.csv "
        "(foreign key to village_frame.village_id) (foreign_key_exists). Fix: correct the "
        "village_id or add the missing row to village_frame.csv." in failure.paragraph()
    )
    assert seconds < 20, f"foreign-key check took {seconds:.1f} s"


def test_foreign_key_lookup_is_part_of_the_validated_frame(cb, frames):
    """A change of the parent file changes the frame the gate validates (gate caches key on
    the frame's content), and an empty child cell is not an orphan (as in GX)."""
    suite, before = build_raw_suite(cb, "official_ratings", frames["official_ratings"], frames)
    assert (
        fk_only(suite).pandas_checks
        and run_gate("s", "o.csv", "input", before, fk_only(suite)).success
    )
    used = frames["official_ratings"].loc[0, "village_id"]
    villages = frames["village_frame"]
    frames["village_frame"] = villages[villages["village_id"] != used].reset_index(drop=True)
    suite, after = build_raw_suite(cb, "official_ratings", frames["official_ratings"], frames)
    assert not before.equals(after)
    (failure,) = run_gate("s", "o.csv", "input", after, fk_only(suite)).failures()
    assert failure.column == "village_id" and failure.rows == [2] and failure.values == [used]
    frames["official_ratings"].loc[0, "village_id"] = None
    suite, frame = build_raw_suite(cb, "official_ratings", frames["official_ratings"], frames)
    assert run_gate("s", "o.csv", "input", frame, fk_only(suite)).success
