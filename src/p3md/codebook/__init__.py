"""The codebook: items, scales, bands, categories and the study design, as validated data."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from p3md import PROJECT_ROOT
from p3md.codebook.model import Band, Category, Codebook, FileSpec, Item, Variable

DEFAULT_CODEBOOK = PROJECT_ROOT / "data" / "codebook.yaml"

__all__ = [
    "Band",
    "Category",
    "Codebook",
    "FileSpec",
    "Item",
    "Variable",
    "load_codebook",
    "read_yaml",
]


def read_yaml(path: str | Path) -> Any:
    """A YAML file as plain data, with PyYAML's safe loader; its C version (libyaml, in the
    PyYAML wheels) when present: 9x faster on the codebook, which every run reads first."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader, C or Python


#: A district's own design, in its data folder (multi-district data, see ARCHITECTURE.md).
DESIGN_FILE = "design.yaml"
#: Keys of a district's ``design.yaml``; ``expected_rows`` overrides ``files.<key>.expected_rows``.
DESIGN_KEYS = (
    "district",
    "province",
    "kecamatan",
    "status_counts",
    "sampled_status",
    "sampling",
    "expected_rows",
    "compare_published",
    "survey_period",
    "officials_per_village",
    "experts",
    "pilot_respondents",
)


@lru_cache(maxsize=8)
def _load(path: str) -> Codebook:
    return Codebook.model_validate(read_yaml(path))


@lru_cache(maxsize=64)
def _with_design(path: str, design_path: str, mtime_ns: int) -> Codebook:
    cb = _load(path)
    design = read_yaml(design_path) or {}
    unknown = sorted(set(design) - set(DESIGN_KEYS))
    if not isinstance(design, dict) or unknown:
        raise ValueError(
            f"{design_path}: unknown design keys {unknown}; allowed are {', '.join(DESIGN_KEYS)}"
        )
    merged = dict(cb.design)
    for key, value in design.items():
        if key == "sampling":
            merged[key] = {**cb.design.get("sampling", {}), **value}
        elif key != "expected_rows":
            merged[key] = value
    if "kecamatan" in design and "population_villages" not in design.get("sampling", {}):
        merged["sampling"] = {
            **merged.get("sampling", {}),
            "population_villages": sum(int(k["villages"]) for k in design["kecamatan"]),
        }
    files = dict(cb.files)
    for key, rows in (design.get("expected_rows") or {}).items():
        if key not in files:
            raise ValueError(f"{design_path}: expected_rows names unknown file {key!r}")
        files[key] = files[key].model_copy(update={"expected_rows": rows})
    # Re-validated: a design that contradicts the instrument is refused here, not in a stage.
    data = cb.model_dump()
    data["design"], data["files"] = merged, {k: v.model_dump() for k, v in files.items()}
    return Codebook.model_validate(data)


def load_codebook(path: str | Path | None = None, data_dir: str | Path | None = None) -> Codebook:
    """Load and validate the codebook (cached per path; the model is immutable).

    With ``data_dir``, a ``design.yaml`` in that folder (a district's own design: kecamatan,
    status counts, sampling frame size, expected rows) replaces the matching keys of the
    codebook's ``design`` section; without one the codebook is returned as it is.
    """
    resolved = str(Path(path or DEFAULT_CODEBOOK).resolve())
    if data_dir is not None:
        design = Path(data_dir) / DESIGN_FILE
        if design.is_file():
            return _with_design(resolved, str(design.resolve()), design.stat().st_mtime_ns)
    return _load(resolved)
