"""Shared helpers of the pipeline tests: a fixture registry, a data folder, a plain reader."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from p3md.codebook import load_codebook
from p3md.pipeline.stages import Stage
from pipeline_frames import valid_frames

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"


#: What each fixture notebook writes (its products, as a registry entry declares them).
PRODUCTS: dict[str, dict[str, tuple[str, ...]]] = {
    "fx_a": {"tables": ("tbl-fx-a",), "files": ("derived/*.csv",)},
    "fx_b": {"tables": ("tbl-fx-b",)},
    "fx_c": {"tables": ("tbl-fx-c",)},
    "fx_bad_output": {"tables": ("tbl-fx-bad",)},
    "fx_raise": {},
    "fx_sleep": {"tables": ("tbl-fx-sleep",), "files": ("started.flag",)},
}


def fixture_stage(name: str, notebook: Path, **fields) -> Stage:
    """A registry entry for a fixture notebook, with the products it writes."""
    products = PRODUCTS.get(notebook.stem, {})
    return Stage(name, notebook, name.title(), chapter="hasil", **{**products, **fields})


def registry(
    nb_dir: Path, *, a: str = "fx_a", b: str = "fx_b", c: str = "fx_c"
) -> tuple[Stage, ...]:
    """a (reads village_frame) -> b (reads a's derived CSV); c independent (reads wioi)."""
    return (
        fixture_stage("alpha", nb_dir / f"{a}.ipynb", inputs=("village_frame",)),
        fixture_stage("beta", nb_dir / f"{b}.ipynb", upstream=("alpha",)),
        fixture_stage("gamma", nb_dir / f"{c}.ipynb", inputs=("wioi_satisfaction",)),
    )


def copy_notebooks(dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for nb in FIXTURES.glob("*.ipynb"):
        (dst / nb.name).write_bytes(nb.read_bytes())
    return dst


def write_data(data_dir: Path) -> dict[str, pd.DataFrame]:
    cb = load_codebook()
    frames = valid_frames(cb)
    data_dir.mkdir(parents=True, exist_ok=True)
    for key, df in frames.items():
        df.to_csv(data_dir / cb.files[key].path, index=False)
    return frames


def csv_reader(data_dir: Path, cb) -> dict[str, pd.DataFrame]:
    """A plain reader (the project's reader is written in parallel): one CSV per file key."""
    frames = {}
    for key, spec in cb.files.items():
        path = Path(data_dir) / spec.path
        if path.is_file():
            frames[key] = pd.read_csv(path)
    return frames


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder`` (for byte-identity checks)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
