"""Run parameters: the values injected into every stage notebook's ``parameters`` cell.

They are validated here, before any notebook starts, because a bad value found by the sixth
notebook after two minutes of work is a worse experience than a one-line refusal up front.
Defaults come from the codebook (alphas, reliability threshold), so the codebook stays the one
source of truth for the study's conventions.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from p3md import PROJECT_ROOT

DEFAULT_DATA_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_OUT_DIR = PROJECT_ROOT / "reports"
DEFAULT_CODEBOOK = PROJECT_ROOT / "data" / "codebook.yaml"
DEFAULT_PUBLISHED = PROJECT_ROOT / "data" / "published.yaml"

#: Human-readable allowed range per parameter, used in error messages.
ALLOWED: dict[str, str] = {
    "data_dir": "an existing folder",
    "out_dir": "a folder path (created if missing)",
    "codebook_path": "an existing YAML file",
    "published_path": "a YAML file path",
    "seed": "an integer",
    "alpha_validity": "a number strictly between 0 and 1",
    "alpha_correlation": "a number strictly between 0 and 1",
    "alpha_difference": "a number strictly between 0 and 1",
    "reliability_threshold": "a number in (0, 1] (above 0, at most 1)",
    "p_method": '"asymptotic", "exact" or "auto"',
    "min_group_size": "a whole number of at least 1",
    "class_range": '"theoretical" or "observed"',
    "max_missing_share": "a share in [0, 1) of incomplete rows an analysis drops listwise "
    "(e.g. 0.1)",
    "lang": '"id" or "en"',
    "districts_dir": "a folder path, or empty (multi-district synthesis only)",
}


class ParameterError(ValueError):
    """One or more run parameters are invalid; the message names each one."""

    def __init__(self, problems: list[tuple[str, Any, str]]) -> None:
        self.problems = problems
        lines = [
            f"Invalid parameter {name} = {value!r}: allowed is {allowed}."
            for name, value, allowed in problems
        ]
        super().__init__("\n".join(lines))


class RunParams(BaseModel):
    """Parameters of a pipeline run, exactly the names of the notebooks' ``parameters`` cell."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    data_dir: Path = DEFAULT_DATA_DIR
    out_dir: Path = DEFAULT_OUT_DIR
    codebook_path: Path = DEFAULT_CODEBOOK
    published_path: Path = DEFAULT_PUBLISHED
    seed: int = 20230616  # same default as p3md.reconstruction.DEFAULT_SEED
    alpha_validity: float = Field(0.05, gt=0, lt=1)
    alpha_correlation: float = Field(0.10, gt=0, lt=1)
    alpha_difference: float = Field(0.05, gt=0, lt=1)
    reliability_threshold: float = Field(0.61, gt=0, le=1)
    #: which p decides a test (p3md.stats.pvalues): SPSS's Asymp. Sig. by default
    p_method: Literal["asymptotic", "exact", "auto"] = "asymptotic"
    #: smallest group a group comparison accepts; 1 computes a group of one, as R and SPSS do
    min_group_size: int = Field(1, ge=1)
    class_range: Literal["theoretical", "observed"] = "theoretical"
    #: share of incomplete rows an analysis accepts (dropped listwise, per analysis, as SPSS
    #: does); default the codebook's missing_data.max_missing_share, which the input gates
    #: also use
    max_missing_share: float = Field(0.05, ge=0, lt=1)
    lang: Literal["id", "en"] = "id"
    #: The folder of the districts' run folders (multi-district runs; "" = one district).
    districts_dir: str = ""
    #: The names given explicitly to :func:`make_params` (``--set``, ``--data``, ...): the run's
    #: value of those was chosen, so a notebook's other default is not warned about.
    _explicit: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("data_dir")
    @classmethod
    def _data_dir_exists(cls, v: Path) -> Path:
        if not v.is_dir():
            raise ValueError(f"folder {v} does not exist")
        return v.resolve()

    @field_validator("codebook_path")
    @classmethod
    def _codebook_exists(cls, v: Path) -> Path:
        if not v.is_file():
            raise ValueError(f"file {v} does not exist")
        return v.resolve()

    @field_validator("out_dir", "published_path")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        # Absolute paths: notebooks run with cwd = project root, the CLI may not.
        return v.resolve()

    def notebook_parameters(self, out_dir: Path | None = None) -> dict[str, Any]:
        """The dict papermill injects (paths as strings; ``out_dir`` may point at staging)."""
        values = self.model_dump()
        if out_dir is not None:
            values["out_dir"] = out_dir
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in values.items()}

    def cache_parameters(self) -> dict[str, Any]:
        """Parameters that change results: paths are left out because the cache key already
        hashes the *contents* of the data, codebook and published files, and ``out_dir`` is a
        fresh staging folder on every run."""
        values = self.model_dump(
            exclude={"data_dir", "out_dir", "codebook_path", "published_path", "districts_dir"}
        )
        return dict(sorted(values.items()))


def defaults_from_codebook(codebook_path: Path | str | None = None) -> dict[str, Any]:
    """Study conventions the codebook defines (alphas, reliability threshold)."""
    from p3md.codebook import load_codebook

    cb = load_codebook(codebook_path)
    return {
        "alpha_validity": cb.alpha["validity"],
        "alpha_correlation": cb.alpha["correlation"],
        "alpha_difference": cb.alpha["difference"],
        "reliability_threshold": cb.reliability_threshold,
        "max_missing_share": cb.max_missing_share,
    }


def study_files(data_dir: Path | str | None) -> dict[str, Path]:
    """A data folder with its own ``codebook.yaml`` is a study of its own: its codebook, and
    its ``published.yaml`` (if any; the reproduction layer runs only when it exists), replace
    the project's ``data/`` ones unless given explicitly."""
    if data_dir is None:
        return {}
    folder = Path(data_dir)
    if not (folder / "codebook.yaml").is_file():
        return {}
    return {
        "codebook_path": folder / "codebook.yaml",
        "published_path": folder / "published.yaml",
    }


def make_params(**values: Any) -> RunParams:
    """Build validated :class:`RunParams`: codebook defaults, overridden by ``values``.

    String values (from ``--set key=value``) are coerced by pydantic. Raises
    :class:`ParameterError` naming every bad parameter, its value and the allowed range.
    """
    unknown = sorted(set(values) - set(RunParams.model_fields))
    if unknown:
        raise ParameterError(
            [(k, values[k], "one of " + ", ".join(RunParams.model_fields)) for k in unknown]
        )
    merged: dict[str, Any] = {}
    for key, path in study_files(values.get("data_dir")).items():
        if values.get(key) is None:
            values = {**values, key: path}
    codebook = values.get("codebook_path") or DEFAULT_CODEBOOK
    if Path(codebook).is_file():
        from p3md.codebook import CodebookError

        try:
            merged.update(defaults_from_codebook(codebook))
        except CodebookError:
            raise  # already says where and what to change
        except Exception as exc:  # a broken codebook is reported as a bad parameter
            raise ParameterError(
                [("codebook_path", str(codebook), f"a valid codebook ({exc})")]
            ) from None
    merged.update({k: v for k, v in values.items() if v is not None})
    try:
        params = RunParams(**merged)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "?"
            problems.append(
                (name, merged.get(name, err.get("input")), ALLOWED.get(name, err["msg"]))
            )
        raise ParameterError(problems) from None
    params._explicit = frozenset(k for k, v in values.items() if v is not None)
    return params


# -- a notebook's own parameter values -----------------------------------------------------------

#: Parameters whose value in a notebook's cell is for a hand run only (paths relative to the
#: project, ``out_dir = None``): a run's differ by design and are not compared.
HAND_RUN_ONLY = frozenset(
    {"data_dir", "out_dir", "codebook_path", "published_path", "districts_dir"}
)
#: Where a study keeps its default of a parameter the codebook defines (``defaults_from_codebook``).
CODEBOOK_KEYS = {
    "alpha_validity": "alpha: validity",
    "alpha_correlation": "alpha: correlation",
    "alpha_difference": "alpha: difference",
    "reliability_threshold": "reliability_threshold",
    "max_missing_share": "missing_data: max_missing_share",
}


def parameters_cell(notebook: Path) -> dict[str, Any]:
    """The literal values a stage notebook's cell tagged ``parameters`` assigns.

    One ``name = literal`` per line, as papermill reads the cell; a name whose value is not a
    Python literal is left out. An ``.ipynb`` is read as JSON (no nbformat validation: this runs
    for every stage of every run), a jupytext percent ``.py`` through jupytext.
    """
    import ast
    import json

    notebook = Path(notebook)
    if notebook.suffix == ".py":
        import jupytext

        cells = [
            {"source": c.source, "metadata": dict(c.metadata), "cell_type": c.cell_type}
            for c in jupytext.read(notebook, fmt="py:percent").cells
        ]
    else:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return {}
        values: dict[str, Any] = {}
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                try:
                    values[node.targets[0].id] = ast.literal_eval(node.value)
                except (ValueError, SyntaxError, TypeError):
                    continue
        return values
    return {}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
    return a == b


def overridden_parameters(notebook: Path, params: RunParams) -> list[tuple[str, Any, Any]]:
    """``(name, notebook's value, run's value)`` for each parameter the notebook's cell sets to
    something else than the run injects. Paths and folders are left out (``HAND_RUN_ONLY``),
    and so are the values given explicitly for the run (``--set``): those were chosen."""
    cell = parameters_cell(notebook)
    run = params.model_dump()
    skip = HAND_RUN_ONLY | params._explicit
    return [
        (name, cell[name], run[name])
        for name in RunParams.model_fields
        if name not in skip and name in cell and not _same(cell[name], run[name])
    ]


def override_warnings(notebook: Path, params: RunParams, root: Path = PROJECT_ROOT) -> list[str]:
    """One line per parameter the run overrides in ``notebook``'s parameters cell.

    The runner injects every parameter, so an edited default in the cell is silently replaced
    by the run's value; the line names the notebook, the parameter, both values and how to run
    with the notebook's value instead.
    """
    try:
        shown = Path(notebook).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        shown = Path(notebook).name
    lines = []
    for name, mine, run in overridden_parameters(notebook, params):
        value = mine if isinstance(mine, str) else repr(mine)
        how = f'make report ARGS="--set {name}={value}"'
        if name in CODEBOOK_KEYS:
            where = f"{params.codebook_path.name} ({CODEBOOK_KEYS[name]})"
            how += f", or make it the study's default in {where}"
        lines.append(
            f"warning: {shown} sets {name} = {mine!r} in its parameters cell, but this run "
            f"uses {name} = {run!r} (the run's value is injected). To run with {value}: {how}."
        )
    return lines
