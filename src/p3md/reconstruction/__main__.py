"""``python -m p3md.reconstruction --out data/raw [--seed 20230616] [--scale 1]``."""

from __future__ import annotations

import argparse
import sys
import time

from p3md.reconstruction import DEFAULT_SEED, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m p3md.reconstruction",
        description="Write the seeded reconstruction of the raw data.",
    )
    parser.add_argument("--out", default="data/raw", help="folder for the seven CSV files")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--scale", type=int, default=1, help="multiply villages/facilitators/ratings"
    )
    parser.add_argument(
        "--codebook", default=None, help="codebook YAML (default data/codebook.yaml)"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = generate(args.out, seed=args.seed, scale=args.scale, codebook_path=args.codebook)
    for path in paths:
        print(path)
    print(f"wrote {len(paths)} files in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
