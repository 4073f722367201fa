"""Content hashes: files, JSON values, source trees, raw files by codebook key.

What enters a stage's cache key is decided in :mod:`p3md.pipeline.plan`; which ``p3md``
modules a stage runs, in :mod:`p3md.pipeline.code_deps`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def sha256_json(value: Any) -> str:
    """Hash of a JSON-serialisable value (sorted keys, so dict order does not matter)."""
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_hash(
    root: Path,
    suffixes: Iterable[str] = (".py", ".yaml", ".yml", ".json", ".txt", ".mplstyle"),
    exclude: Iterable[str] = ("bench/",),
) -> str:
    """Hash of the source files under ``root`` (relative names + contents, caches ignored);
    ``exclude`` lists relative paths (POSIX; ending in ``/``: a folder) left out: by default
    the package's ``bench/``. The manifest records the package's hash (which code made the
    report); the site hashes its hand-written pages with it."""
    wanted = tuple(suffixes)
    skip = set(exclude)
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file() or not path.name.endswith(wanted):
            continue
        rel = path.relative_to(root).as_posix()
        if rel in skip or any(rel.startswith(s) for s in skip if s.endswith("/")):
            continue
        h.update(rel.encode())
        h.update(b"\0")
        h.update(sha256_file(path).encode())
    return h.hexdigest()


def raw_files_by_key(
    data_dir: Path, file_stems: Mapping[str, str]
) -> tuple[dict[str, list[Path]], list[Path]]:
    """Files in ``data_dir`` per codebook file key, matched on the file stem (any extension,
    case-insensitive: ``facilitators.csv`` and ``Facilitators.xlsx`` both belong to
    ``facilitators``). Returns ``(by_key, unmatched)``; unmatched files are hashed into every
    stage that reads raw data, since the reader may still pick them up."""
    by_key: dict[str, list[Path]] = {k: [] for k in file_stems}
    unmatched: list[Path] = []
    stem_to_key = {stem.lower(): key for key, stem in file_stems.items()}
    for path in sorted(data_dir.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        key = stem_to_key.get(path.stem.lower())
        if key is None:
            unmatched.append(path)
        else:
            by_key[key].append(path)
    return by_key, unmatched
