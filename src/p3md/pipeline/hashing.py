"""Content hashes and stage cache keys.

A stage is skipped only when nothing that can change its outputs changed: its notebook, the
parameters, its raw input files, the published values (if it reads them), the codebook, the
whole ``p3md`` source tree (a fix in ``stats`` must rerun the notebooks that import it; a
finer dependency analysis is not worth its risk) and its upstream stages' keys (so an upstream
change propagates downstream without extra bookkeeping).
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
    the package's ``bench/``, which only measures the pipeline (editing it must not invalidate
    every stage's cache)."""
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


def stage_key(
    *,
    notebook_sha: str,
    parameters: Mapping[str, Any],
    raw: Mapping[str, str],
    published_sha: str | None,
    codebook_sha: str,
    package_sha: str,
    upstream: Mapping[str, str],
) -> str:
    """The cache key of one stage (see the module docstring for what enters it)."""
    return sha256_json(
        {
            "notebook": notebook_sha,
            "parameters": dict(parameters),
            "raw": dict(raw),
            "published": published_sha,
            "codebook": codebook_sha,
            "package": package_sha,
            "upstream": dict(upstream),
            "version": 1,
        }
    )
