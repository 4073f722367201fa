"""``python -m p3md``: see :mod:`p3md.cli`."""

from p3md.cli import main

raise SystemExit(main())
