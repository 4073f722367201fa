"""The stage notebooks: one source each, stored clean, parameterised, uniquely labelled,
each label declared by its stage in the registry (``stages.yaml``)."""

from __future__ import annotations

import re

import nbformat
import pytest

from p3md import PROJECT_ROOT
from p3md.pipeline.stages import default_registry
from p3md.reporting.captions import LABEL_RE

REGISTRY = default_registry()
#: The stage notebooks, from the registry (each one file: no jupytext pair).
NOTEBOOKS = [s.notebook for s in REGISTRY.stages]
STAGE_OF = {s.notebook.stem: s for s in REGISTRY.stages}
PARAMETERS = {
    "data_dir",
    "out_dir",
    "codebook_path",
    "published_path",
    "seed",
    "alpha_validity",
    "alpha_correlation",
    "alpha_difference",
    "max_missing_share",
    "reliability_threshold",
    "p_method",
    "min_group_size",
    "class_range",
    "lang",
    "districts_dir",
}
#: Stage-specific parameters beyond the run's (the synthesis reads the districts' run folders).
EXTRA_PARAMETERS: dict[str, set[str]] = {}  # every notebook has every RunParams name
OPTION = re.compile(r"^#\|\s*([\w-]+):\s*(.*)$")
#: The options of the nbstripout git filter (Makefile): cell ids are kept, so a stripped
#: notebook differs from its source only by what was stripped.
NBSTRIPOUT_OPTIONS = ["--keep-id"]


def _options(cell) -> dict[str, str]:
    opts: dict[str, str] = {}
    for line in cell.source.splitlines():
        m = OPTION.match(line)
        if not m:
            break
        opts[m.group(1)] = m.group(2).strip().strip('"')
    return opts


def _ids(paths):
    return [p.stem for p in paths]


def test_every_stage_has_a_notebook_and_every_notebook_a_stage():
    on_disk = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(NOTEBOOKS) == on_disk, "a notebook without a stage in stages.yaml, or vice versa"
    for nb in NOTEBOOKS:
        # One source per stage: a second copy (a jupytext pair) would need a rule for which of
        # the two wins, and a run must never rewrite either.
        other = nb.with_suffix(".py" if nb.suffix == ".ipynb" else ".ipynb")
        assert not other.exists(), f"{nb.name} has a second copy {other.name}; delete one"
        if nb.suffix == ".ipynb":
            assert "jupytext" not in nbformat.read(nb, as_version=4).metadata, (
                f"{nb.name} asks jupytext for a paired script (metadata 'jupytext'); remove it"
            )


#: How to clear a notebook saved from JupyterLab with its outputs (the git filter that
#: ``make setup`` installs strips them from what is committed; this clears the file itself).
CLEAR_OUTPUTS = (
    "clear its outputs: `.venv/bin/nbstripout --keep-id {path}` (or, in JupyterLab, "
    "Edit > Clear Outputs of All Cells, then save); commits are stripped by the nbstripout "
    "git filter that `make setup` installs"
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    fix = CLEAR_OUTPUTS.format(path=path.relative_to(PROJECT_ROOT))
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell has outputs; {fix}"
            assert cell.execution_count is None, (
                f"{path.name}: a code cell has an execution count; {fix}"
            )
    assert nb.metadata.get("kernelspec", {}).get("name") == "p3md"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_what_the_git_filter_commits(path):
    """The stored notebook is nbstripout's fixed point (the filter of ``.gitattributes``, with
    the options ``make setup`` configures): ``git status`` shows no change after the filter is
    installed, and a notebook saved with outputs shows only its real edits."""
    import subprocess
    import sys

    clean = subprocess.run(
        [sys.executable, "-m", "nbstripout", *NBSTRIPOUT_OPTIONS, "--textconv", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    fix = CLEAR_OUTPUTS.format(path=path.relative_to(PROJECT_ROOT))
    assert clean == path.read_bytes(), f"{path.name}: not stored as committed; {fix}"


def test_make_setup_installs_the_output_stripping_git_filter():
    attributes = (PROJECT_ROOT / ".gitattributes").read_text(encoding="utf-8")
    assert re.search(r"^\*\.ipynb\s+filter=nbstripout\b", attributes, flags=re.M)
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "filter.nbstripout.clean" in makefile
    assert " ".join(NBSTRIPOUT_OPTIONS) in makefile


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_starts_with_title_and_parameters(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    # The data notice follows the data folder's declaration (provenance.yaml), never the
    # notebook's own words: a chapter that runs for any study does not call its data a
    # reconstruction (issue 17).
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "reconstruction_notice(" not in sources
    if "data_dir" in sources and "audit" not in path.stem:
        assert "data_notice(resolve(data_dir), lang)" in sources
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be tagged"
    names = set(re.findall(r"^(\w+)\s*=", code[0].source, flags=re.M))
    assert names == PARAMETERS | EXTRA_PARAMETERS.get(path.stem, set())
    for line in code[0].source.splitlines():
        if re.match(r"^\w+\s*=", line):
            assert "#" in line, f"parameter without a comment: {line}"
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_papermill_reads_every_parameter_of_the_cell(path, caplog):
    """papermill parses the cell line by line: a second ``=`` on a line (in a comment, say)
    makes it skip that parameter with a warning, and an injected value then prints
    "Passed unknown parameter" into ``make report``'s output."""
    import papermill as pm

    with caplog.at_level("WARNING", logger="papermill"):
        found = pm.inspect_notebook(str(path))
    assert set(found) == PARAMETERS | EXTRA_PARAMETERS.get(path.stem, set())
    assert not [r for r in caplog.records if r.name.startswith("papermill")]
    # Run by hand (JupyterLab) the notebook writes to scratch/, never into reports/.
    assert found["out_dir"]["default"] == "None"


def _labelled_cells():
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                opts = _options(cell)
                if "label" in opts:
                    yield path.stem, opts


def test_labels_are_quarto_valid_unique_captioned_and_declared():
    """A caption is typed once, in its cell; the label is a product of the cell's stage."""
    seen: dict[str, str] = {}
    for stem, opts in _labelled_cells():
        label = opts["label"]
        assert LABEL_RE.match(label), f"{stem}: invalid label {label!r}"
        assert label not in seen, f"label {label} in {seen.get(label)} and {stem}"
        seen[label] = stem
        key = "tbl-cap" if label.startswith("tbl-") else "fig-cap"
        assert key in opts, f"{stem}: {label} lacks #| {key}"
        assert STAGE_OF[stem].declares_label(label), (
            f"{stem}: {label} is not among stage {STAGE_OF[stem].name}'s products in stages.yaml"
        )
    assert seen, "no labelled cells found"


def test_captions_carry_no_number_and_keep_the_thesis_numbers_as_references():
    """The renderer numbers tables and figures; a caption that began with "Tabel 9." would be
    numbered twice. The thesis's tables keep their number at the end ("(Tabel 9 tesis)"), from
    published.yaml's `tables:` (the reproduction layer), never from a cell: Tables 8-11 and
    13-35 of Yulistiani (2023) each once (Table 12, villages per kecamatan, is context and not
    reproduced; Table 2 is the design the sampling chapter names)."""
    from p3md.stats.published import load_published

    for stem, opts in _labelled_cells():
        cap = opts.get("tbl-cap") or opts.get("fig-cap") or ""
        assert not re.match(r"^(Tabel|Gambar) [A-Z]?\d+", cap), f"{stem}: {cap}"
        assert "tesis" not in cap, f"{stem}: a thesis number typed in a cell: {cap}"
    numbers = [t["table"] for t in load_published()["tables"] if "table" in t]
    assert sorted(numbers) == [2, 8, 9, 10, 11, *range(13, 36)]


def test_labelled_cells_save_under_their_own_label():
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            label = _options(cell).get("label")
            if label:
                body = "\n".join(s for s in cell.source.splitlines() if not s.startswith("#|"))
                assert f'"{label}"' in body, f"{path.stem}: {label} is not saved under its label"
                saver = "save_table" if label.startswith("tbl-") else "save_figure"
                assert saver in cell.source, f"{path.stem}: {label} cell does not call {saver}"


def _stats_calls(nb) -> list[tuple[str, object, set[str]]]:
    """Every call of a ``p3md.stats`` function in the notebook's code: (the call as written,
    the function, its keyword names). Resolves ``from p3md.stats import meta`` and ``from
    p3md.stats.meta import f`` as the notebook imports them."""
    import ast
    import importlib

    modules: dict[str, object] = {}
    functions: dict[str, object] = {}
    trees = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        trees.append(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("p3md.stats"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    value = getattr(module, alias.name, None)
                    if value is None:  # a submodule not imported yet
                        value = importlib.import_module(f"{node.module}.{alias.name}")
                    target = modules if isinstance(value, type(module)) else functions
                    target[alias.asname or alias.name] = value
    # keyword dicts passed as **name: `group_args = dict(alpha=..., max_missing_share=...)`
    spread: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id == "dict"
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        spread[target.id] = {k.arg for k in node.value.keywords if k.arg}
    calls = []
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            keywords = {k.arg for k in node.keywords if k.arg}
            for k in node.keywords:
                if k.arg is None and isinstance(k.value, ast.Name):
                    keywords |= spread.get(k.value.id, set())
            func = node.func
            fn = None
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                module = modules.get(func.value.id)
                fn = getattr(module, func.attr, None) if module is not None else None
            elif isinstance(func, ast.Name):
                fn = functions.get(func.id)
            if callable(fn):
                calls.append((ast.unparse(func), fn, keywords))
    return calls


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_every_statistic_gets_the_runs_max_missing_share(path):
    """``--set max_missing_share=...`` reaches every test a stage runs: a stats function that
    takes the share gets the notebook's parameter (the Wioi stage and the synthesis once used
    the 5 % default whatever the run said)."""
    import inspect

    nb = nbformat.read(path, as_version=4)
    missing = [
        written
        for written, fn, keywords in _stats_calls(nb)
        if "max_missing_share" in inspect.signature(fn).parameters
        and "max_missing_share" not in keywords
    ]
    assert missing == [], f"{path.name}: called without max_missing_share=: {missing}"
