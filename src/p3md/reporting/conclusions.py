"""The thesis's hypotheses decided from a run's tables, and the study's main numbers.

The abstract, the English summary and the chapter *Kesimpulan dan Saran* state results; they
must be the run's results, not numbers typed into a page. Like :mod:`p3md.reporting.collect`,
this module reads them back from ``<run>/tables/<label>.csv`` (what the chapters show), and the
hypotheses themselves (their wording, what decides them, at which level) from
``data/published.yaml``'s ``hypotheses`` section: no thesis fact is written here.

A table that a run does not have (a stage that did not run, a district run without some
tables) leaves the part it feeds out: :func:`decide` returns no tests for that hypothesis and
the pages say that it could not be decided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from p3md.reporting.tables import read_table
from p3md.reporting.views import hypotheses as hv

#: Where each kind of test of a hypothesis is read: the table label (``{role}`` filled with
#: the lower-cased group of a ``by`` test) and the columns of :mod:`p3md.reporting.views`.
SOURCES = {
    "spearman": "tbl-spearman",
    ("kruskal", "role"): "tbl-beda-peran",
    ("kruskal", "status"): "tbl-kw-status-{role}",
}


@dataclass(frozen=True)
class TestResult:
    """One test that decides (part of) a hypothesis, as the run's table reports it."""

    key: str  # the variable (``X2``) or the group (``PDP``) the test is about
    name: str  # its words in the table (``Tingkat pendidikan non formal (X2)``)
    statistic: str  # ``rs`` or ``H``
    value: float
    df: float | None
    p: float
    n: int | None
    alpha: float
    table: str  # the label of the table it was read from

    @property
    def rejected(self) -> bool:
        """H0 rejected: p at or below the level (the thesis's rule, Bab III D.3)."""
        return bool(self.p <= self.alpha)


@dataclass
class HypothesisResult:
    id: str
    text: Mapping[str, str]
    null: Mapping[str, str]
    source: str
    alpha: float | None
    tests: list[TestResult] = field(default_factory=list)

    @property
    def decided(self) -> bool:
        return bool(self.tests)

    @property
    def rejected(self) -> list[TestResult]:
        return [t for t in self.tests if t.rejected]

    @property
    def kept(self) -> list[TestResult]:
        return [t for t in self.tests if not t.rejected]


def _try(run_dir: Path, label: str) -> pd.DataFrame | None:
    try:
        return read_table(run_dir, label)
    except FileNotFoundError:
        return None


def _float(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if out != out else out


def _spearman(run_dir: Path, test: Mapping[str, Any], alpha: float) -> list[TestResult]:
    label = SOURCES["spearman"]
    table = _try(run_dir, label)
    if table is None:
        return []
    group = hv.group_tag(str(test.get("group", "all")))
    rs, p = hv.spearman_column(group, "rs"), hv.spearman_column(group, "p")
    if rs not in table.columns or p not in table.columns:
        return []
    return [
        TestResult(
            key=str(r["Kode"]),
            name=str(r[hv.SPEARMAN_NAME]),
            statistic="rs",
            value=float(r[rs]),
            df=None,
            p=float(r[p]),
            n=int(r["n"]) if "n" in table.columns and pd.notna(r["n"]) else None,
            alpha=alpha,
            table=label,
        )
        for _, r in table.iterrows()
    ]


def _kruskal(run_dir: Path, test: Mapping[str, Any], alpha: float) -> list[TestResult]:
    group_col = str(test["group_col"])
    template = SOURCES.get(("kruskal", group_col))
    if template is None:
        return []
    by: Sequence[str] = test.get("by") or [""]
    out = []
    for group in by:
        label = template.format(role=str(group).lower())
        table = _try(run_dir, label)
        if table is None:
            continue
        cols = hv.KRUSKAL_COLUMNS
        rows = table[table["Kode"].astype(str) == str(test["outcome"])]
        if rows.empty or not {cols["H"], cols["df"], cols["p"]} <= set(table.columns):
            continue
        r = rows.iloc[0]
        n = _float(r["n"]) if "n" in table.columns else None
        out.append(
            TestResult(
                key=str(group) or str(test["outcome"]),
                name=f"{group}: {r['Variabel']}" if group else str(r["Variabel"]),
                statistic="H",
                value=float(r[cols["H"]]),
                df=_float(r[cols["df"]]),
                p=float(r[cols["p"]]),
                n=int(n) if n is not None else None,
                alpha=alpha,
                table=label,
            )
        )
    return out


def decide(
    run_dir: str | Path, published: Mapping[str, Any], alphas: Mapping[str, float]
) -> list[HypothesisResult]:
    """Every hypothesis of ``published["hypotheses"]`` with the tests that decide it.

    ``alphas`` are the run's levels without the ``alpha_`` prefix (``{"correlation": 0.1,
    "difference": 0.05}``, from the manifest's parameters).
    """
    run_dir = Path(run_dir)
    results = []
    for h in published.get("hypotheses", []) or []:
        alpha = alphas.get(str(h.get("alpha", "")))
        test = h.get("test") or {}
        tests: list[TestResult] = []
        if alpha is not None:
            if test.get("kind") == "spearman":
                tests = _spearman(run_dir, test, alpha)
            elif test.get("kind") == "kruskal":
                tests = _kruskal(run_dir, test, alpha)
        results.append(
            HypothesisResult(
                id=str(h["id"]),
                text=h.get("text") or {"id": h.get("printed", "")},
                null=h.get("null_hypothesis") or {},
                source=str(h.get("source", "")),
                alpha=alpha,
                tests=tests,
            )
        )
    return results


# ------------------------------------------------------------------------- main numbers
@dataclass
class StudyNumbers:
    """The main numbers of a run for the abstract: who was rated, and the overall category."""

    groups: dict[str, int] = field(default_factory=dict)  # facilitators per role
    total: int | None = None
    ratings: int | None = None  # village officials' ratings (sampled villages)
    category: dict[str, str] = field(default_factory=dict)  # modal category of Y per role
    median: dict[str, float] = field(default_factory=dict)  # median Y per role
    agreement: tuple[int, int] | None = None  # published conclusions reproduced, of all


def study_numbers(run_dir: str | Path, outcome_table: str = "tbl-kelas-y") -> StudyNumbers:
    """Counts, categories and medians of the overall outcome from the descriptive table,
    the number of ratings from the sample table, agreement from the reproduction table."""
    from p3md.reporting.collect import modal_category
    from p3md.reporting.views.descriptive import (
        COUNT,
        MEDIAN_ROW,
        TOTAL_ROW,
        group_of,
    )

    run_dir = Path(run_dir)
    out = StudyNumbers()
    t = _try(run_dir, outcome_table)
    if t is not None:
        total_row = t[t["Kategori"] == TOTAL_ROW]
        median_row = t[t["Kategori"] == MEDIAN_ROW]
        for col in t.columns:
            group = group_of(col, COUNT)
            if group is None or total_row.empty:
                continue
            n = int(float(total_row[col].iloc[0]))
            if group == hv.group_tag("all"):
                out.total = n
                continue
            out.groups[group] = n
            if (cat := modal_category(t, group)) is not None:
                out.category[group] = cat
            if not median_row.empty and (m := _float(median_row[col].iloc[0])) is not None:
                out.median[group] = m
    sample = _try(run_dir, "tbl-sampel-kecamatan")
    if sample is not None and "Desa sampel dalam data" in sample.columns:
        body = sample[sample["Kecamatan"] != "Total"]
        out.ratings = int(pd.to_numeric(body["Desa sampel dalam data"]).sum())
    repro = _try(run_dir, "tbl-reproduksi-kesimpulan")
    if repro is not None and "Status" in repro.columns:
        out.agreement = (int((repro["Status"] == "sesuai").sum()), int(len(repro)))
    return out
