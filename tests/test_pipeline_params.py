"""Parameter validation happens before any notebook starts, with a message a student can act on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from p3md.pipeline import atomic
from p3md.pipeline.params import ParameterError, RunParams, make_params
from p3md.pipeline.stages import STAGES, topological_levels, upstream_closure


def test_defaults_come_from_the_codebook():
    p = make_params()
    assert (p.alpha_validity, p.alpha_correlation, p.alpha_difference) == (0.05, 0.10, 0.05)
    assert p.reliability_threshold == 0.61 and p.class_range == "theoretical" and p.lang == "id"
    assert set(p.notebook_parameters()) == set(RunParams.model_fields)


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("alpha_validity", 0, "strictly between 0 and 1"),
        ("alpha_correlation", 1.0, "strictly between 0 and 1"),
        ("alpha_difference", "abc", "strictly between 0 and 1"),
        ("reliability_threshold", 1.5, "(0, 1]"),
        ("reliability_threshold", 0, "(0, 1]"),
        ("class_range", "empirical", '"theoretical" or "observed"'),
        ("lang", "fr", '"id" or "en"'),
        ("seed", "x1", "an integer"),
        ("p_method", "exakt", '"asymptotic", "exact" or "auto"'),
        ("min_group_size", 0, "a whole number of at least 1"),
        ("min_group_size", "1.5", "a whole number of at least 1"),
        ("data_dir", "/nonexistent/folder", "an existing folder"),
        ("colour", "red", "one of"),
    ],
)
def test_bad_values_name_parameter_value_and_range(name, value, allowed):
    with pytest.raises(ParameterError) as err:
        make_params(**{name: value})
    msg = str(err.value)
    assert f"Invalid parameter {name} = {value!r}" in msg and allowed in msg


def test_p_method_and_min_group_size_defaults_and_overrides():
    p = make_params()
    assert (p.p_method, p.min_group_size) == ("asymptotic", 1)  # SPSS's Asymp. Sig.; R/SPSS
    q = make_params(p_method="exact", min_group_size="3")  # as given with --set
    assert (q.p_method, q.min_group_size) == ("exact", 3)
    assert q.cache_parameters()["p_method"] == "exact"  # a change reruns the stages


def test_reliability_threshold_one_is_allowed():
    assert make_params(reliability_threshold="1").reliability_threshold == 1.0


def test_cli_bad_parameter_exits_2_before_any_notebook(tmp_path):
    out = tmp_path / "reports"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "p3md",
            "report",
            "--out",
            str(out),
            "--set",
            "alpha_validity=1.2",
            "--set",
            "lang=fr",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "alpha_validity = '1.2'" in proc.stderr and "lang = 'fr'" in proc.stderr
    assert not out.exists() and not atomic.staging_dirs(out)


def test_cli_unknown_stage_exits_2():
    proc = subprocess.run(
        [sys.executable, "-m", "p3md", "report", "--only", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "unknown stage 'nope'" in proc.stderr


def test_registry_matches_architecture():
    names = [s.name for s in STAGES]
    assert names == [
        "sampling",
        "scoring",
        "instrument",
        "descriptive",
        "hypotheses",
        "wioi",
        "reproduction",
        "audit",
    ]
    levels = [[s.name for s in level] for level in topological_levels(STAGES)]
    assert levels == [
        ["sampling", "scoring", "wioi", "audit"],
        ["instrument", "descriptive", "hypotheses"],
        ["reproduction"],
    ]
    assert upstream_closure(STAGES, ["instrument"]) == {"instrument", "scoring"}
    for s in STAGES:
        assert s.notebook.name.startswith(f"{names.index(s.name) + 1:02d}_")


# -- a notebook's own parameters cell against the run's values ---------------------------------


def _notebook_with_cell(tmp_path, edit: tuple[str, str] | None = None):
    """A copy of the hypotheses stage notebook in ``<tmp>/notebooks``, its parameters cell's
    line ``edit[0]`` replaced by ``edit[1]``."""
    import nbformat

    from p3md import PROJECT_ROOT

    source = PROJECT_ROOT / "notebooks" / "05_hypotheses.ipynb"
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    if edit is not None:
        assert edit[0] in cell.source, edit
        cell.source = cell.source.replace(edit[0], edit[1], 1)
    (tmp_path / "notebooks").mkdir(exist_ok=True)
    path = tmp_path / "notebooks" / source.name
    nbformat.write(nb, path)
    return path


def test_parameters_cell_reads_the_literals_papermill_injects_over():
    from p3md import PROJECT_ROOT
    from p3md.pipeline.params import parameters_cell

    cell = parameters_cell(PROJECT_ROOT / "notebooks" / "05_hypotheses.ipynb")
    assert set(cell) == set(RunParams.model_fields)
    assert cell["out_dir"] is None and cell["p_method"] in ("asymptotic", "exact", "auto")
    assert isinstance(cell["seed"], int) and isinstance(cell["alpha_correlation"], float)


def test_the_shipped_notebooks_agree_with_a_default_run():
    """No warning on `make report` as shipped: every cell's value is the run's default."""
    from p3md.pipeline.params import override_warnings

    params = make_params()
    for stage in STAGES:
        assert override_warnings(stage.notebook, params) == [], stage.notebook.name


def test_an_edited_default_in_the_cell_is_named_with_both_values_and_the_way_to_set_it(tmp_path):
    """A student edits ``alpha_correlation = 0.05`` in the cell; the run injects the codebook's
    0.10, so the report would say 0.10: the run says so, and how to run with 0.05."""
    from p3md.pipeline.params import override_warnings

    path = _notebook_with_cell(tmp_path, ("alpha_correlation = 0.10", "alpha_correlation = 0.05"))
    params = make_params()
    [line] = override_warnings(path, params, root=tmp_path)
    assert line.startswith("warning: notebooks/05_hypotheses.ipynb sets alpha_correlation = 0.05")
    assert "this run uses alpha_correlation = 0.1 " in line
    assert 'make report ARGS="--set alpha_correlation=0.05"' in line
    assert "codebook.yaml (alpha: correlation)" in line
    # The value the student wants, set for the run: nothing left to warn about.
    assert override_warnings(path, make_params(alpha_correlation="0.05"), root=tmp_path) == []
    # Chosen for the run with --set while the cell keeps another value: chosen, no warning.
    assert override_warnings(path, make_params(alpha_correlation="0.01"), root=tmp_path) == []


def test_a_string_parameter_and_the_hand_run_paths(tmp_path):
    from p3md.pipeline.params import override_warnings

    path = _notebook_with_cell(tmp_path, ('p_method = "asymptotic"', 'p_method = "exact"'))
    [line] = override_warnings(path, make_params(), root=tmp_path)
    assert "sets p_method = 'exact'" in line and "uses p_method = 'asymptotic'" in line
    assert 'ARGS="--set p_method=exact"' in line and "codebook" not in line
    # Paths and out_dir are the hand run's (relative, None): never compared.
    moved = _notebook_with_cell(tmp_path, ('data_dir = "data/raw"', 'data_dir = "elsewhere"'))
    assert override_warnings(moved, make_params(), root=tmp_path) == []
