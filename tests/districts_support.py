"""Build a small multi-district run folder for the synthesis tests, without the runner.

Each district is the seeded reconstruction (``p3md.reconstruction``) with its own seed and its
own PLD-PDP gap in the latent performance, scored with ``p3md.scoring.score_study``; its
``derived/facilitators_scored.csv`` and the ``districts.json`` index are written in the layout
the multi-district runner writes (ARCHITECTURE.md, "Multi-district runs").
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from p3md.codebook import load_codebook
from p3md.reconstruction import build_frames
from p3md.reconstruction.params import ModelParams
from p3md.reconstruction.pesawaran import build_pesawaran
from p3md.scoring import score_study

#: (slug, name, seed, PLD-PDP gap of the latent performance; the thesis's model uses 1.0)
DISTRICTS = (
    ("alpha", "Kabupaten Alpha", 11, 1.0),
    ("beta", "Kabupaten Beta", 12, 0.3),
    ("gamma", "Kabupaten Gamma", 13, 1.6),
    ("delta", "Kabupaten Delta", 14, 0.8),
)


def scored_district(seed: int, gap: float):
    """The scored facilitators of one seeded district with latent PLD-PDP gap ``gap``."""
    cb = load_codebook()
    frames = build_frames(cb, seed)  # Wioi frames and the schema; the Pesawaran part is redrawn
    params = replace(ModelParams(), theta_mean={"PLD": gap, "PDP": 0.0})
    frames.update(build_pesawaran(cb, np.random.Generator(np.random.PCG64(seed)), 1, params))
    return score_study(frames, cb).facilitators_scored


def write_districts_dir(
    root: Path,
    districts=DISTRICTS,
    failed: tuple[tuple[str, str, str], ...] = (),
) -> Path:
    """Write ``<root>/districts.json`` and every district's scored facilitators; ``failed``
    adds (slug, name, message) entries with status ``failed`` and no folder."""
    root.mkdir(parents=True, exist_ok=True)
    index = []
    for slug, name, seed, gap in districts:
        derived = root / slug / "derived"
        derived.mkdir(parents=True, exist_ok=True)
        scored_district(seed, gap).to_csv(derived / "facilitators_scored.csv", index=False)
        index.append({"slug": slug, "name": name, "status": "ok", "message": "", "run_dir": slug})
    for slug, name, message in failed:
        index.append(
            {"slug": slug, "name": name, "status": "failed", "message": message, "run_dir": slug}
        )
    (root / "districts.json").write_text(json.dumps({"districts": index}), encoding="utf-8")
    return root
