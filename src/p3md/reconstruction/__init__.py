"""The seeded reconstruction of the raw data (the real data are not public).

``generate(out_dir, seed=20230616, scale=1)`` writes the seven raw CSV files of the codebook's
``files:`` section. How it works:

1. :mod:`.design` builds the Pesawaran design from ``cb.design`` (Tables 1, 2, 8).
2. :mod:`.pesawaran` draws answers from a latent-variable model (:mod:`.params`).
3. :mod:`.wioi` draws the Wioi test and survey answers and pins the printed summaries.
4. At ``scale=1`` draws are tried in a fixed order (attempt 0 uses ``PCG64(seed)``, attempt
   k uses ``PCG64([seed, k])``) until every published conclusion holds
   (:mod:`.calibration`); so the default seed always gives the same, calibrated files.
   ``scale=k`` reuses the attempt found at scale 1 with k copies of every kecamatan.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from p3md.codebook import Codebook, load_codebook
from p3md.codebook.provenance import write_provenance
from p3md.io.schema import file_schema
from p3md.reconstruction.calibration import conclusion_stats
from p3md.reconstruction.pesawaran import build_pesawaran
from p3md.reconstruction.wioi import build_wioi_satisfaction, build_wioi_tests

DEFAULT_SEED = 20230616
MAX_ATTEMPTS = 500

__all__ = ["DEFAULT_SEED", "build_frames", "calibrated_attempt", "generate", "write_frames"]


def _rng(seed: int, attempt: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed if attempt == 0 else [seed, attempt]))


def build_frames(
    cb: Codebook, seed: int = DEFAULT_SEED, scale: int = 1, attempt: int = 0
) -> dict[str, pd.DataFrame]:
    """All seven raw files as DataFrames, for one attempt of one seed."""
    frames = build_pesawaran(cb, _rng(seed, attempt), scale)
    # Wioi has its own stream so the Pesawaran search does not change it.
    wioi_rng = np.random.Generator(np.random.PCG64([seed, 0x5710]))
    frames["wioi_tests"] = build_wioi_tests(cb, wioi_rng)
    frames["wioi_satisfaction"] = build_wioi_satisfaction(cb, wioi_rng)
    return {key: frames[key] for key in cb.files}


@lru_cache(maxsize=4)
def _search(seed: int, codebook_path: str | None) -> tuple[int, dict[str, Any]]:
    from p3md.scoring import score_study  # local: scoring is only needed for the search

    cb = load_codebook(codebook_path)
    for attempt in range(MAX_ATTEMPTS):
        frames = build_frames(cb, seed, 1, attempt)
        result = conclusion_stats(score_study(frames, cb), cb)
        if result["all_ok"]:
            return attempt, result
    raise RuntimeError(
        f"no draw of seed {seed} reproduces the conclusions in {MAX_ATTEMPTS} attempts"
    )


def calibrated_attempt(
    seed: int = DEFAULT_SEED, codebook_path: str | None = None
) -> tuple[int, dict[str, Any]]:
    """First attempt of ``seed`` whose scale-1 data reproduce every published conclusion."""
    return _search(seed, codebook_path)


def write_frames(frames: dict[str, pd.DataFrame], cb: Codebook, out_dir: str | Path) -> list[Path]:
    """Write the frames as UTF-8, ``,``-separated, ``\\n``-terminated CSV; km with 1 decimal."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, frame in frames.items():
        schema = file_schema(cb, key)
        path = out / cb.files[key].path
        text = frame[schema.names].to_csv(index=False, lineterminator="\n", float_format="%.1f")
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


#: How ``provenance.yaml`` names this generator (see :mod:`p3md.codebook.provenance`).
RECONSTRUCTION_GENERATOR = "p3md.reconstruction (seeded reconstruction of the thesis's data)"


def generate(
    out_dir: str | Path,
    seed: int = DEFAULT_SEED,
    scale: int = 1,
    codebook_path: str | Path | None = None,
) -> list[Path]:
    """Write the seven reconstructed raw CSV files into ``out_dir`` and ``provenance.yaml``
    (``data_kind: reconstruction``); returns their paths.

    Byte-identical for a given seed at ``scale=1``. ``scale=k`` multiplies villages,
    facilitators and ratings by k (same schema; IDs widen beyond 3 digits when needed).
    """
    if scale < 1:
        raise ValueError("scale must be a positive integer")
    cb_path = None if codebook_path is None else str(Path(codebook_path).resolve())
    cb = load_codebook(cb_path)
    attempt, _ = calibrated_attempt(seed, cb_path)
    paths = write_frames(build_frames(cb, seed, scale, attempt), cb, out_dir)
    return [*paths, write_provenance(out_dir, "reconstruction", RECONSTRUCTION_GENERATOR)]
