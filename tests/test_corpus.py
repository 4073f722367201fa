"""The broken-input corpus (``tests/corpus/cases.py``) against the real pipeline.

Every rejecting case runs twice:

- through ``p3md check``'s API (the runner's reader and every input gate, no run), which must
  fail naming the file, the column (where one applies) and the spreadsheet rows (where rows
  apply), and leave the mutated data folder and ``data/raw`` byte-identical (SHA-256);
- (``e2e``) through ``run_pipeline`` into the folder of the session's real run
  (``pipeline_run``), which must fail before any notebook starts, name file, column and rows
  both in the structured failure and in the message the CLI prints, and leave the data and
  that report (site, tables, notebooks, manifest) byte-identical.

Accepting cases run ``p3md check``'s API (reader + every input gate) and scoring, and compare
the frames with the clean data where the case says the damage is normalised away.

Speed (2 cores, one GX import per process):

- ``execute_stage`` is replaced by a guard for the rejecting cases: a case that gets past the
  gates fails at once with "CorpusGuard" instead of running minutes of notebooks (and the guard
  keeps a wrongly passing case from swapping a new report into the shared folder).
- ``run_gate`` is memoised on (frame content, source rows, suite): validating an unchanged
  file against an unchanged suite is a pure function, so the six untouched files of a case
  are validated once per module, and each case pays only for the file it damaged. Suites of
  dependent files (foreign keys, the looked-up ``_role``) carry the parent's values in their
  kwargs/frame, so a change upstream is a cache miss.
- The rejecting runs use ``P3MD_KERNEL_START=spawn``: no notebook runs, so the runner has no
  reason to start its fork server of stage kernels beside the gates (its imports cost more
  than the case itself).
- ``make test-fast`` runs the check only; the runs share the session's one real run.
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from corpus.cases import ACCEPT, CASES, REJECT, Case, by_name
from p3md import PROJECT_ROOT
from p3md.codebook import load_codebook
from p3md.pipeline import atomic
from p3md.pipeline.params import DEFAULT_CODEBOOK, ParameterError, make_params
from p3md.site.step import SiteStep

RAW = PROJECT_ROOT / "data" / "raw"
GUARD = "CorpusGuard"


def digest(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


RAW_DIGEST = digest(RAW)


def test_corpus_size_and_coverage():
    names = {c.name for c in CASES}
    assert len(CASES) >= 76 and len(names) == len(CASES)
    assert len(REJECT) >= 63 and len(ACCEPT) >= 13
    # Issue 14: the other roads in (form exports + mapping.yaml, template, SPSS/Stata).
    roads = [c for c in CASES if {"form", "template", "spss"} & set(c.tags)]
    assert len(roads) >= 30 and sum(c.expect == "reject" for c in roads) >= 25
    for c in CASES:
        assert c.why, c.name
        assert c.expect in ("reject", "accept"), c.name


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


@pytest.fixture(scope="module")
def gate_memo():
    """Memoise ``p3md.pipeline.gates.run_gate`` (see the module docstring)."""
    import p3md.pipeline.gates as gates

    real = gates.run_gate
    memo: dict[str, list] = {}
    stats = {"hit": 0, "miss": 0}

    def key_of(df: pd.DataFrame, suite) -> str | None:
        try:
            h = hashlib.sha256()
            h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
            h.update(repr([(c, str(t)) for c, t in df.dtypes.items()]).encode())
            h.update(repr(df.attrs.get("source_rows")).encode())
            for s in suite.specs:
                kw = sorted((k, repr(v)) for k, v in s.kwargs.items())
                h.update(repr((s.expectation, kw, s.rule, s.fix, s.severity, s.column)).encode())
            for c in [*suite.pandas_checks, *suite.precondition_failures]:
                h.update(repr((c.name, c.column, c.rule, c.fix, c.severity)).encode())
            return h.hexdigest()
        except Exception:  # an unhashable frame: validate it for real
            return None

    def run_gate(stage, file, kind, df, suite):
        key = key_of(df, suite)
        if key is not None and key in memo:
            stats["hit"] += 1
            return gates.GateResult(stage, file, kind, copy.deepcopy(memo[key]), 0.0)
        stats["miss"] += 1
        result = real(stage, file, kind, df, suite)
        if key is not None:
            memo[key] = copy.deepcopy(result.records)
        return result

    mp = pytest.MonkeyPatch()
    mp.setattr(gates, "run_gate", run_gate)
    yield stats
    mp.undo()


@dataclass
class GoodReport:
    out: Path
    digest: dict[str, str]


@pytest.fixture(scope="module")
def good_report(tmp_path_factory) -> GoodReport:
    """A previous report in a temporary ``reports/`` (see the module docstring), hashed."""
    from fixtures.fake_run import make_fake_run

    root = tmp_path_factory.mktemp("corpus-out")
    out = make_fake_run(root / "reports", root / "fake-data")
    (out / "site").mkdir()
    (out / "site" / "index.html").write_text("<html><body>the last good site</body></html>")
    return GoodReport(out, digest(out))


@pytest.fixture(scope="module")
def real_report(pipeline_run) -> GoodReport:
    """The session's real run (``e2e``), hashed."""
    out = pipeline_run.out_dir
    assert (out / "site" / "index.html").is_file(), "the real report has no rendered site"
    return GoodReport(out, digest(out))


def prepare(case: Case, tmp_path: Path) -> Path:
    data = tmp_path / "raw"
    shutil.copytree(RAW, data)
    before = digest(data)
    case.mutate(data)
    assert digest(data) != before, f"{case.name}: the mutation changed nothing"
    return data


# -- message checks -------------------------------------------------------------------------

_ROWS = re.compile(r"\brows? ((?:\d+, )*\d+)(?: and \d+ more)? \(header = row 1\)")


def _file_matches(reported: str, expected: str) -> bool:
    return Path(reported).name == expected or Path(reported).name.startswith(expected + "[")


def _shown_rows(paragraph: str) -> set[int]:
    m = _ROWS.search(paragraph)
    return {int(x) for x in m.group(1).split(", ")} if m else set()


def assert_names_file_column_rows(case: Case, failure: Exception | None, message: str) -> None:
    prefix = f"KNOWN BUG (src): {case.bug}\n" if case.bug else ""
    items = list(getattr(failure, "items", None) or [])
    if failure is not None and type(failure).__name__ == "StageError" and GUARD in str(failure):
        pytest.fail(
            f"{prefix}{case.name}: the input gates passed this broken input and the run reached "
            f"a notebook ({failure}); expected a rejection naming {case.file}"
            + (f", column {case.column!r}" if case.column else "")
            + (f", rows {list(case.rows)}" if case.rows else "")
        )
    assert items, f"{prefix}{case.name}: not a gate/reader failure: {failure!r}\n{message}"
    same_file = [i for i in items if _file_matches(i.file, case.file)]
    assert same_file, f"{prefix}{case.name}: no failure names {case.file}; got " + "; ".join(
        f"{i.file}/{i.column}" for i in items
    )
    if case.column is not None:
        same_col = [i for i in same_file if i.column == case.column]
        assert same_col, (
            f"{prefix}{case.name}: no failure of {case.file} names column {case.column!r}; got "
            + "; ".join(f"{i.column}: {i.rule}" for i in same_file)
        )
    else:
        same_col = same_file
    if case.rows:
        same_rows = [i for i in same_col if set(case.rows) <= set(i.rows)]
        assert same_rows, (
            f"{prefix}{case.name}: expected rows {list(case.rows)} in the failure of "
            f"{case.file}/{case.column}; got " + "; ".join(f"{i.rows}" for i in same_col)
        )
    else:
        same_rows = same_col
    item = same_rows[0]
    para = item.paragraph()
    assert para in message, f"{case.name}: the printed message lacks the failure paragraph"
    assert case.file.split("[")[0] in para
    if case.column is not None:
        assert f"column {case.column!r}" in para, para
    if case.rows:
        assert set(case.rows) <= _shown_rows(para), para
    assert "Rule:" in para and "Fix:" in para, para


# -- rejecting cases: by the input gates, and by a run against the last good report ---------


@pytest.mark.parametrize("case", REJECT, ids=str)
def test_broken_input_is_rejected_by_the_input_gates(case, gate_memo, tmp_path):
    """``p3md check``'s API: the runner's reader and every input gate, without a run."""
    from p3md.pipeline.check import check_data_dir

    data = prepare(case, tmp_path)
    data_before = digest(data)
    report = check_data_dir(data, DEFAULT_CODEBOOK)
    assert digest(data) == data_before, f"{case.name}: the data folder was modified"
    assert digest(RAW) == RAW_DIGEST, f"{case.name}: data/raw was modified"
    prefix = f"KNOWN BUG (src): {case.bug}\n" if case.bug else ""
    assert report.failure is not None, f"{prefix}{case.name}: the input gates passed it"
    assert_names_file_column_rows(case, report.failure, str(report.failure))


@pytest.mark.parametrize("case", REJECT, ids=str)
def test_broken_input_is_rejected_by_the_run(
    case, real_report, gate_memo, tmp_path, monkeypatch
):
    """The whole run on the broken copy, into the folder of the session's real run (``e2e``):
    the stages the damage does not reach are unchanged since that run and skipped."""
    from p3md.pipeline import runner
    from p3md.pipeline.execute import StageError
    from p3md.pipeline.kernels import START_METHOD_ENV

    def guard(stage, notebook, *args, **kwargs):
        raise StageError(stage, GUARD, f"input gates passed; {Path(notebook).name} would run", None)

    monkeypatch.setattr(runner, "execute_stage", guard)
    monkeypatch.setenv(START_METHOD_ENV, "spawn")  # no notebook runs: no kernel server
    data = prepare(case, tmp_path)
    data_before = digest(data)
    log: list[str] = []
    result = runner.run_pipeline(
        make_params(data_dir=data, out_dir=real_report.out),
        renderer=SiteStep(),
        derived_dir=None,
        echo=log.append,
    )
    # Nothing it must not touch was touched (checked first: the most important property).
    assert digest(data) == data_before, f"{case.name}: the data folder was modified"
    assert digest(RAW) == RAW_DIGEST, f"{case.name}: data/raw was modified"
    assert digest(real_report.out) == real_report.digest, (
        f"{case.name}: the previous report (site/tables) was modified"
    )
    assert not atomic.staging_dirs(real_report.out), "staging folder left behind"
    # It failed, before any notebook ran, with a message naming file, column and rows.
    assert not result.success and result.exit_code != 0, f"{case.name}: the run succeeded"
    assert not any(" ran in " in line for line in log), log
    assert_names_file_column_rows(case, result.failure, result.message)
    assert "is unchanged" in result.message


# -- accepting cases ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_frames(cb):
    from p3md.io.readers import read_raw_dir

    return read_raw_dir(RAW, cb)


@pytest.mark.parametrize("case", ACCEPT, ids=str)
def test_harmless_input_is_accepted(case, cb, clean_frames, gate_memo, tmp_path):
    from p3md.io.readers import read_raw_dir
    from p3md.pipeline.check import check_data_dir
    from p3md.scoring import score_study

    prefix = f"KNOWN BUG (src): {case.bug}\n" if case.bug else ""
    data = prepare(case, tmp_path)
    data_before = digest(data)
    report = check_data_dir(data, DEFAULT_CODEBOOK)
    assert digest(data) == data_before and digest(RAW) == RAW_DIGEST
    assert report.failure is None, (
        f"{prefix}{case.name} ({case.why}) was rejected:\n{report.failure}"
    )
    frames = read_raw_dir(data, cb)
    score_study(frames, cb)  # scoring accepts what the gates accept
    if case.same_as_clean:
        assert list(frames) == list(clean_frames)
        for key, df in frames.items():
            pd.testing.assert_frame_equal(df, clean_frames[key], check_exact=True, obj=key)
    assert digest(data) == data_before


def test_na_within_missing_share_leaves_only_that_total_missing(cb, tmp_path):
    """The accepted 'N/A' is a missing answer: X7 of that facilitator only is missing."""
    from p3md.io.readers import read_raw_dir
    from p3md.scoring import score_study

    case = by_name("na_token_within_missing_share")
    frames = read_raw_dir(prepare(case, tmp_path), cb)
    assert frames["facilitators"]["x7_3"].isna().sum() == 1
    scored = score_study(frames, cb).facilitators_scored
    assert scored["X7"].isna().sum() == 1
    assert scored["X6"].notna().all() and scored["X3"].notna().all()


def test_extra_and_personal_columns_are_listed_not_analysed(cb, tmp_path):
    from p3md.io.readers import read_raw_dir

    frames = read_raw_dir(prepare(by_name("extra_column"), tmp_path), cb)
    assert frames["wioi_satisfaction"].attrs["extra_columns_dropped"] == ["kolom_tambahan"]


# -- a handful through the real CLI (exit codes and stderr) ------------------------------------


def cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "p3md", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
    )


def _assert_cli_message(case: Case, stderr: str) -> None:
    assert case.file in stderr, stderr
    if case.column:
        assert f"column {case.column!r}" in stderr, stderr
    if case.rows:
        paragraphs = [p for p in stderr.split("\n\n") if case.file in p]
        assert any(set(case.rows) <= _shown_rows(p) for p in paragraphs), stderr


def test_cli_check_reader_rejection_exit_1(tmp_path):
    case = by_name("unknown_role_label")
    data = prepare(case, tmp_path)
    before = digest(data)
    proc = cli("check", "--data", str(data))
    assert proc.returncode == 1, proc.stderr
    _assert_cli_message(case, proc.stderr)
    assert digest(data) == before


@pytest.mark.parametrize("name", ["missing_file", "sampled_flag_2"])
def test_cli_report_rejection_exit_1_keeps_report(name, real_report, tmp_path):
    case = by_name(name)
    data = prepare(case, tmp_path)
    before = digest(data)
    proc = cli("report", "--data", str(data), "--out", str(real_report.out), "--no-derived")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    _assert_cli_message(case, proc.stderr)
    assert "is unchanged" in proc.stderr
    assert " ran in " not in proc.stdout
    assert digest(data) == before and digest(RAW) == RAW_DIGEST
    assert digest(real_report.out) == real_report.digest
    assert not atomic.staging_dirs(real_report.out)


def test_cli_missing_data_folder_exit_2(good_report, tmp_path):
    missing = tmp_path / "no-such-folder"
    proc = cli("check", "--data", str(missing))
    assert proc.returncode == 2 and "data_dir" in proc.stderr and str(missing) in proc.stderr
    proc = cli("report", "--data", str(missing), "--out", str(good_report.out), "--no-derived")
    assert proc.returncode == 2 and "Invalid parameter data_dir" in proc.stderr, proc.stderr
    assert digest(good_report.out) == good_report.digest


# -- parameters not yet covered by tests/test_pipeline_params.py ---------------------------------


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("alpha_correlation", -0.1, "strictly between 0 and 1"),
        ("alpha_difference", "1.5", "strictly between 0 and 1"),
        ("seed", "1.5", "an integer"),
        ("seed", 2.5, "an integer"),
        ("lang", "EN", '"id" or "en"'),
    ],
)
def test_more_bad_parameters_are_refused(name, value, allowed):
    with pytest.raises(ParameterError) as err:
        make_params(**{name: value})
    assert f"Invalid parameter {name} = {value!r}" in str(err.value) and allowed in str(err.value)


def test_bad_parameter_refused_before_any_notebook_keeps_report(good_report):
    proc = cli("report", "--out", str(good_report.out), "--no-derived", "--set", "seed=abc")
    assert proc.returncode == 2 and "Invalid parameter seed = 'abc'" in proc.stderr
    assert " ran in " not in proc.stdout
    assert digest(good_report.out) == good_report.digest
