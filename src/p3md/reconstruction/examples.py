"""The example studies under ``examples/``: which codebook, seed and effects each is drawn with.

``python -m p3md.reconstruction.examples NAME`` rewrites ``examples/NAME/`` (its raw CSV files
and ``provenance.yaml``; the hand-written ``codebook.yaml`` and ``README.md`` stay), byte for
byte the committed files for the same seed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from p3md import PROJECT_ROOT
from p3md.reconstruction.synthetic import SyntheticModel, generate_study

EXAMPLES_DIR = PROJECT_ROOT / "examples"

#: name -> (seed, model). The effects are the example's story: PNS and PPPK workers perform
#: better than THL ones, motivation and communication go with performance, IT use weakly,
#: organisational support not at all; ratings are higher in more developed villages.
EXAMPLES: dict[str, tuple[int, SyntheticModel]] = {
    "penyuluh": (
        20250301,
        SyntheticModel(
            role_effect={"PNS": 0.6, "PPPK": 0.3, "THL": -0.4},
            loading={"X1": 0.6, "X2": 0.55, "X3": 0.0, "X4": 0.3},
            status_effect={"Swadaya": -0.4, "Swakarya": 0.0, "Swasembada": 0.4},
            missing_cells=(
                ("facilitators", "x2_2", 7),
                ("facilitators", "x3_1", 31),
                ("official_ratings", "y1_3", 20),
                ("expert_ratings", "y3_2", 12),
            ),
        ),
    ),
}


def generate_example(name: str, out_dir: str | Path | None = None) -> list[Path]:
    """Write example ``name``'s data into ``out_dir`` (default ``examples/NAME``), using the
    codebook in ``examples/NAME``."""
    if name not in EXAMPLES:
        raise ValueError(f"unknown example {name!r}; known: {', '.join(EXAMPLES)}")
    seed, model = EXAMPLES[name]
    folder = Path(out_dir) if out_dir is not None else EXAMPLES_DIR / name
    folder.mkdir(parents=True, exist_ok=True)
    return generate_study(folder, EXAMPLES_DIR / name / "codebook.yaml", seed, model)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m p3md.reconstruction.examples")
    parser.add_argument("name", choices=sorted(EXAMPLES))
    parser.add_argument("--out", type=Path, help="folder to write (default examples/NAME)")
    args = parser.parse_args(argv)
    for path in generate_example(args.name, args.out):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
