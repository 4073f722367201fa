"""Read the districts' run folders of a multi-district run (what the synthesis stage pools).

Layout (written by the multi-district runner; see ARCHITECTURE.md, "Multi-district runs")::

    <districts_dir>/districts.json       {"districts": [{"slug", "name", "status", "message",
                                          "run_dir"}, ...]}
    <districts_dir>/<run_dir>/derived/facilitators_scored.csv

Only districts with ``status == "ok"`` are read; a failed district has no usable run folder for
this run and is returned in the ``skipped`` list with its message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from p3md.io.errors import RawDataError

INDEX = "districts.json"
SCORED = Path("derived") / "facilitators_scored.csv"


@dataclass
class DistrictScores:
    """The ``facilitators_scored`` table of every usable district, in index order."""

    scored: dict[str, pd.DataFrame]  # district name -> facilitators_scored
    slugs: dict[str, str]  # district name -> slug
    skipped: list[dict[str, str]] = field(default_factory=list)  # name, slug, message


def _fail(path: Path, rule: str, fix: str, column: str | None = None) -> RawDataError:
    return RawDataError(path, column, None, None, rule, fix)


def read_district_scores(districts_dir: str | Path) -> DistrictScores:
    """Read ``districts.json`` and the scored facilitators of every ``ok`` district.

    Raises :class:`~p3md.io.errors.RawDataError` naming the file when the index is missing or
    malformed, or when an ``ok`` district lacks its ``facilitators_scored.csv``.
    """
    root = Path(districts_dir)
    index = root / INDEX
    if not str(districts_dir) or not index.is_file():
        raise _fail(
            index,
            "the synthesis needs the index of a multi-district run",
            "run `python -m p3md report` on a data folder with one sub-folder per district "
            "(e.g. DATA=data/districts); the runner sets the districts_dir parameter",
        )
    try:
        entries = json.loads(index.read_text(encoding="utf-8"))["districts"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _fail(index, f"not a districts index ({exc})", 'write {"districts": [...]}') from None
    out = DistrictScores({}, {})
    for i, entry in enumerate(entries):
        for key in ("slug", "name", "status", "run_dir"):
            if key not in entry:
                raise _fail(index, f"entry {i} has no {key!r}", "rerun the multi-district run", key)
        if entry["status"] != "ok":
            out.skipped.append(
                {"name": entry["name"], "slug": entry["slug"], "message": entry.get("message", "")}
            )
            continue
        path = root / entry["run_dir"] / SCORED
        if not path.is_file():
            raise _fail(
                path,
                f"district {entry['name']} is 'ok' in {INDEX} but has no scored facilitators",
                "rerun the district (its scoring stage writes this file)",
            )
        out.scored[entry["name"]] = pd.read_csv(path, encoding="utf-8")
        out.slugs[entry["name"]] = entry["slug"]
    return out
