"""How the gates run great-expectations: two passes, row conditions, frames without attrs.

The shortcuts in :mod:`p3md.pipeline.gx_runtime` must not change what a gate reports. Each
test compares with what GX reports when asked directly, or checks the spreadsheet rows and
values of a failure found by the cheap first pass.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from p3md.pipeline import gx_runtime
from p3md.pipeline.gates import GateFailure, GateSuite, run_gate
from p3md.pipeline.gx_runtime import ExpectationSpec, bare_frame, run_expectations


def spec(expectation: str, **kwargs: Any) -> ExpectationSpec:
    return ExpectationSpec(expectation, kwargs, rule=f"rule of {expectation}", fix="fix it")


def reported(outcomes: list[gx_runtime.ExpectationOutcome]) -> list[tuple]:
    """What a record is made of, with NaN as None (NaN != NaN would hide equal results)."""

    def plain(v: Any) -> Any:
        return None if isinstance(v, float) and v != v else v

    return [
        (o.success, o.unexpected_index, [plain(v) for v in o.unexpected_values], o.observed)
        for o in outcomes
    ]


def agree(a: list[gx_runtime.ExpectationOutcome], b: list[gx_runtime.ExpectationOutcome]) -> bool:
    """Same verdicts, rows and values; observed counts equal where both have them (a pass
    run BOOLEAN_ONLY records fewer counts than BASIC or COMPLETE)."""
    for x, y in zip(reported(a), reported(b), strict=True):
        small, large = sorted((x[3], y[3]), key=len)
        if x[:3] != y[:3] or not small.items() <= large.items():
            return False
    return True


@pytest.fixture
def frame() -> pd.DataFrame:
    """Six rows as a reader returns them: spreadsheet rows 2, 3, 5, 6, 8, 9 (blank lines)."""
    df = pd.DataFrame(
        {
            "id": ["A1", "A2", "A3", "A4", "A5", "A6"],
            "role": ["PLD", "PDP", "PLD", "PDP", "PLD", "PDP"],
            "score": [1.0, 2.0, 3.0, 7.0, 2.0, None],
            "pld_only": [1.0, None, 2.0, 3.0, None, None],
        }
    )
    df.attrs["source_rows"] = [2, 3, 5, 6, 8, 9]
    return df


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int]]:
    """Every GX validation as (result format, number of expectations, number of rows)."""
    seen: list[tuple[str, int, int]] = []
    real = gx_runtime._validate

    def spy(df: pd.DataFrame, specs: list[ExpectationSpec], name: str, fmt: str):
        assert not df.attrs, "GX must get the frame without attrs"
        seen.append((fmt, len(specs), len(df)))
        return real(df, specs, name, fmt)

    monkeypatch.setattr(gx_runtime, "_validate", spy)
    return seen


def test_clean_suite_is_validated_once_in_the_cheap_formats(frame, calls):
    specs = [
        spec("ExpectColumnValuesToNotBeNull", column="id"),
        spec("ExpectColumnValuesToBeBetween", column="score", min_value=0, max_value=10),
        spec("ExpectColumnValuesToNotBeNull", column="pld_only", mostly=0.4),
        spec("ExpectColumnUniqueValueCountToBeBetween", column="role", min_value=2),
    ]
    outcomes = run_expectations(frame, specs, "clean")
    assert [o.success for o in outcomes] == [True, True, True, True]
    # Map rules without ``mostly``: success is enough. The ``mostly`` rule and the aggregate
    # are asked for their counts, and the ``mostly`` rule found empty cells: their rows are
    # fetched with COMPLETE, as for a failure.
    assert calls == [("BOOLEAN_ONLY", 2, 6), ("BASIC", 2, 6), ("COMPLETE", 1, 6)]
    assert outcomes[1].observed == {"element_count": 6, "unexpected_count": 0}
    assert outcomes[2].observed["unexpected_count"] == 3 and outcomes[2].unexpected_index
    assert outcomes[3].observed == {"observed_value": 2}  # shown on the validation page


def test_failure_of_the_cheap_pass_reports_spreadsheet_rows_and_values(frame, calls):
    specs = [
        spec("ExpectColumnValuesToNotBeNull", column="id"),
        spec("ExpectColumnValuesToBeInSet", column="score", value_set=[1.0, 2.0, 3.0]),
        spec("ExpectColumnValuesToMatchRegex", column="id", regex=r"^A\d$"),
    ]
    suite = GateSuite("f", specs=specs)
    result = run_gate("scoring", "f.csv", "input", frame, suite)
    # All three in the cheap pass, then only the failed one again with COMPLETE.
    assert calls == [("BOOLEAN_ONLY", 3, 6), ("COMPLETE", 1, 6)]
    (failure,) = result.failures()
    assert failure.column == "score" and failure.check == "ExpectColumnValuesToBeInSet"
    assert failure.rows == [6] and failure.values == [7.0] and failure.count == 1
    msg = GateFailure(result.failures()).message()
    assert "file f.csv, column 'score': row 6 (header = row 1) with value(s) 7.0" in msg
    assert "Rule: rule of ExpectColumnValuesToBeInSet" in msg and "Fix: fix it" in msg
    # Records come back in suite order, whatever order the passes ran them in.
    assert [r.check for r in result.records] == [s.expectation for s in specs]


def test_single_pass_and_two_passes_report_the_same(frame, monkeypatch):
    specs = [
        spec("ExpectColumnValuesToBeBetween", column="score", min_value=0, max_value=3),
        spec("ExpectColumnValuesToNotBeNull", column="pld_only", mostly=0.4),
        spec("ExpectColumnValuesToNotBeNull", column="score"),
        spec("ExpectColumnValuesToBeUnique", column="role"),
        spec("ExpectColumnValuesToBeInSet", column="role", value_set=["PLD", "PDP"]),
        spec("ExpectColumnUniqueValueCountToBeBetween", column="score", min_value=2),
        spec("ExpectTableRowCountToEqual", value=7),
    ]
    two = run_expectations(frame, specs, "two")
    monkeypatch.setattr(gx_runtime, "_first_pass_format", lambda spec: "COMPLETE")
    one = run_expectations(frame, specs, "one")
    assert [o.success for o in two] == [False, True, False, False, True, True, False]
    assert two[1].unexpected_index == [1, 4, 5]  # passed within ``mostly``: rows kept
    # Identical, except that the pass of a map rule without ``mostly`` (run BOOLEAN_ONLY)
    # records two of the counts COMPLETE gives, with the same values.
    assert reported(two[:4] + two[5:]) == reported(one[:4] + one[5:])
    assert agree(two, one) and two[4].observed == {"element_count": 6, "unexpected_count": 0}


def test_pass_within_mostly_keeps_its_rows(frame, calls):
    # 3 of 6 empty, half may be: a pass, but its record still names the empty rows.
    specs = [spec("ExpectColumnValuesToNotBeNull", column="pld_only", mostly=0.5)]
    result = run_gate("scoring", "f.csv", "input", frame, GateSuite("f", specs=specs))
    (record,) = result.records
    assert record.success and record.rows == [3, 8, 9] and record.unexpected_count == 3
    assert calls[-1] == ("COMPLETE", 1, 6)


def test_row_conditions_give_what_gx_gives(frame, calls):
    specs = [
        spec("ExpectColumnValuesToNotBeNull", column="id"),
        spec(
            "ExpectColumnValuesToBeNull",
            column="pld_only",
            row_condition='role=="PDP"',
            condition_parser="pandas",
        ),
        spec(
            "ExpectColumnValuesToNotBeNull",
            column="pld_only",
            mostly=0.6,
            row_condition='role=="PLD"',
            condition_parser="pandas",
        ),
        spec(  # no row has this role: GX validates an empty frame
            "ExpectColumnValuesToNotBeNull",
            column="score",
            row_condition='role=="Camat"',
            condition_parser="pandas",
        ),
        spec(
            "ExpectColumnValuesToBeBetween",
            column="score",
            min_value=0,
            max_value=5,
            row_condition='role=="PDP"',
            condition_parser="pandas",
        ),
    ]
    grouped = run_expectations(frame, specs, "grouped")
    # Each distinct condition is one validation of its rows, without the condition.
    first = [c for c in calls if c[0] != "COMPLETE"]
    assert sorted(first) == sorted(
        [("BOOLEAN_ONLY", 1, 6), ("BOOLEAN_ONLY", 2, 3), ("BASIC", 1, 3), ("BOOLEAN_ONLY", 1, 0)]
    )
    # GX itself, with the row conditions (no grouping).
    direct = gx_runtime._two_passes(bare_frame(frame), specs, "direct")
    assert agree(grouped, direct)
    assert grouped[0].observed == {"element_count": 6, "unexpected_count": 0}
    assert grouped[3].observed == {"element_count": 0, "unexpected_count": 0}
    assert [o.success for o in grouped] == [True, False, True, True, False]
    assert grouped[1].unexpected_index == [3]  # the PDP row with a PLD-only answer
    assert grouped[4].unexpected_index == [3]  # score 7 of a PDP row
    # Outcomes carry the spec as written, condition included (it is shown in the record).
    assert grouped[1].spec is specs[1]
    rows = run_gate("s", "f.csv", "input", frame, GateSuite("f", specs=specs)).failures()
    assert [(f.column, f.rows) for f in rows] == [("pld_only", [6]), ("score", [6])]


def test_unusable_row_condition_is_left_to_gx(frame):
    specs = [
        spec(
            "ExpectColumnValuesToBeNull",
            column="pld_only",
            row_condition='no_such_column=="PDP"',
            condition_parser="pandas",
        ),
        spec("ExpectColumnValuesToNotBeNull", column="id"),
    ]
    bad, good = run_expectations(frame, specs, "bad-condition")
    # GX reports its metric error (keyed by metric, so ``exception`` stays empty) as a failure.
    assert not bad.success and good.success
    assert reported([bad]) == reported(gx_runtime._two_passes(frame, specs[:1], "direct"))


def test_results_follow_the_suite_order_when_gx_reports_errors_first(frame):
    specs = [
        spec("ExpectColumnValuesToNotBeNull", column="id"),
        spec("ExpectColumnValuesToBeBetween", column="missing", min_value=0, max_value=1),
        spec("ExpectColumnValuesToBeInSet", column="role", value_set=["PLD", "PDP"]),
        # The same expectation twice: the old add_expectation merged them; both are kept.
        spec("ExpectColumnValuesToBeInSet", column="role", value_set=["PLD", "PDP"]),
    ]
    outcomes = run_expectations(frame, specs, "order")
    assert [o.spec for o in outcomes] == specs
    assert [o.success for o in outcomes] == [True, False, True, True]


def test_bare_frame_drops_attrs_only(frame):
    bare = bare_frame(frame)
    assert bare.attrs == {} and frame.attrs["source_rows"] == [2, 3, 5, 6, 8, 9]
    pd.testing.assert_frame_equal(bare, frame)
    bare.loc[0, "id"] = "changed"  # copy-on-write: the reader's frame stays as read
    assert frame.loc[0, "id"] == "A1"
    plain = pd.DataFrame({"a": [1]})
    assert bare_frame(plain) is plain


def test_pandas_checks_see_no_attrs_but_report_file_rows(frame):
    from p3md.pipeline.gates import PandasCheck

    def offending(df: pd.DataFrame) -> pd.Series:
        assert not df.attrs
        return df["score"] > 5

    check = PandasCheck("too_high", "score", offending, "at most 5", "lower it", "test")
    result = run_gate("s", "f.csv", "input", frame, GateSuite("f", pandas_checks=[check]))
    (failure,) = result.failures()
    assert failure.rows == [6] and failure.values == [7.0]


def test_gx_loads_only_the_columns_a_validation_reads(frame, monkeypatch):
    """GX fingerprints every frame it loads; column rules get just their columns."""
    from p3md.pipeline.gx_runtime import _only_columns_used

    bare = bare_frame(frame)
    column_rules = [
        spec("ExpectColumnValuesToNotBeNull", column="score"),
        spec("ExpectCompoundColumnsToBeUnique", column_list=["id", "role"]),
        spec("ExpectTableRowCountToEqual", value=6),
    ]
    narrow = _only_columns_used(bare, column_rules)
    assert list(narrow.columns) == ["id", "role", "score"]
    assert narrow.index.equals(bare.index)
    for whole_table in (
        spec("ExpectTableColumnCountToEqual", value=4),
        spec("ExpectColumnToExist", column="nope"),
        spec(
            "ExpectColumnValuesToBeNull",
            column="score",
            row_condition='role=="X"',
            condition_parser="pandas",
        ),
    ):
        assert _only_columns_used(bare, [column_rules[0], whole_table]) is bare
    # And GX's verdicts are those on the whole frame.
    loaded: list[list[str]] = []
    real = gx_runtime._only_columns_used

    def spy(df: pd.DataFrame, specs: list[ExpectationSpec]) -> pd.DataFrame:
        out = real(df, specs)
        loaded.append(list(out.columns))
        return out

    monkeypatch.setattr(gx_runtime, "_only_columns_used", spy)
    specs = [*column_rules, spec("ExpectTableColumnCountToEqual", value=4)]
    outcomes = run_expectations(frame, specs[:3], "narrow") + run_expectations(
        frame, specs[3:], "whole"
    )
    assert [o.success for o in outcomes] == [False, True, True, True]
    assert outcomes[0].unexpected_index == [5]
    assert ["id", "role", "score"] in loaded and list(frame.columns) in loaded
