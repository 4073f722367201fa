"""Render the site of an existing run folder: ``python -m p3md.site [RUN_DIR] [--renderer R]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from p3md import PROJECT_ROOT
from p3md.site import render_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m p3md.site", description=__doc__)
    parser.add_argument("run_dir", nargs="?", default=str(PROJECT_ROOT / "reports"))
    parser.add_argument("--project", default=str(PROJECT_ROOT))
    parser.add_argument("--renderer", choices=["quarto", "smalldocs"], default=None)
    parser.add_argument("--no-pdf", action="store_true", help="the website only, no PDF")
    args = parser.parse_args(argv)
    result = render_site(
        Path(args.project), Path(args.run_dir), renderer=args.renderer, pdf=not args.no_pdf
    )
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"site rendered by {result.renderer} in {result.seconds:.2f} s: {result.site_dir}")
    if result.pdf is not None:
        print(f"PDF ({result.pdf_engine}, {result.pdf_seconds:.2f} s): {result.pdf}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
