"""The codebook: items, scales, bands, categories and the study design, as validated data."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from p3md import PROJECT_ROOT
from p3md.codebook.model import Band, Category, Codebook, FileSpec, Item, Variable

DEFAULT_CODEBOOK = PROJECT_ROOT / "data" / "codebook.yaml"

__all__ = ["Band", "Category", "Codebook", "FileSpec", "Item", "Variable", "load_codebook"]


@lru_cache(maxsize=8)
def _load(path: str) -> Codebook:
    with open(path, encoding="utf-8") as fh:
        return Codebook.model_validate(yaml.safe_load(fh))


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate the codebook (cached per path; the model is immutable)."""
    return _load(str(Path(path or DEFAULT_CODEBOOK).resolve()))
