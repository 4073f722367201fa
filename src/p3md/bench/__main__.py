"""``python -m p3md.bench``."""

from p3md.bench.cli import main

raise SystemExit(main())
