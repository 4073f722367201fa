"""End to end: the whole study on the shipped data, as a new user runs it with `make report`."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from p3md import PROJECT_ROOT
from p3md.pipeline import atomic
from p3md.pipeline.stages import STAGES

pytestmark = pytest.mark.e2e


def _source(notebook) -> str:
    """The code of a stage notebook (an .ipynb, or a jupytext percent .py), one cell after
    another."""
    path = PROJECT_ROOT / notebook
    if path.suffix == ".py":
        return path.read_text(encoding="utf-8")
    cells = nbformat.read(path, as_version=4).cells
    return "\n".join(c.source for c in cells if c.cell_type == "code")


def _labels(source: str, kind: str) -> list[str]:
    return re.findall(rf"^#\| label: ({kind}-[a-z0-9-]+)$", source, flags=re.M)


def test_every_stage_ran_and_wrote_its_notebook_tables_and_figures(pipeline_run):
    out = pipeline_run.out_dir
    assert {s.status for s in pipeline_run.stages} == {"ran"}
    assert [s.name for s in pipeline_run.stages] and len(pipeline_run.stages) == len(STAGES)
    for stage in STAGES:
        executed = out / "notebooks" / stage.notebook.name
        assert executed.exists(), executed
        source = _source(stage.notebook)
        for label in _labels(source, "tbl"):
            assert (out / "tables" / f"{label}.csv").exists(), f"{stage.name}: {label}"
        for label in _labels(source, "fig"):
            for ext in ("png", "svg"):
                assert (out / "figures" / f"{label}.{ext}").exists(), f"{stage.name}: {label}"
    assert (out / "manifest.json").exists()


def test_site_has_a_page_per_chapter_showing_its_tables(pipeline_run):
    site = pipeline_run.out_dir / "site"
    assert pipeline_run.renderer in ("quarto", "smalldocs")
    assert (site / "index.html").exists()
    for stage in STAGES:
        pages = list(site.rglob(f"{stage.notebook.stem}.html"))
        assert pages, f"no page for {stage.notebook.name}"
        html = pages[0].read_text(encoding="utf-8")
        source = _source(stage.notebook)
        for label in _labels(source, "tbl") + _labels(source, "fig"):
            assert f'id="{label}"' in html, f"{stage.name}: {label} not on its page"


def test_reconstruction_reproduces_every_published_conclusion(pipeline_run):
    table = pd.read_csv(pipeline_run.out_dir / "tables" / "tbl-reproduksi-kesimpulan.csv")
    status = table.filter(regex="(?i)status").iloc[:, 0]
    assert len(table) >= 14
    assert (status == "sesuai").all(), table[status != "sesuai"].to_string()


def test_second_run_with_nothing_changed_reexecutes_nothing(pipeline_run):
    from p3md.pipeline.params import make_params
    from p3md.pipeline.runner import run_pipeline
    from p3md.site.step import SiteStep

    params = make_params(
        data_dir=str(PROJECT_ROOT / "data" / "raw"), out_dir=str(pipeline_run.out_dir)
    )
    again = run_pipeline(params, renderer=SiteStep(), derived_dir=None)
    assert again.success, again.message
    assert {s.status for s in again.stages} == {"skipped"}


def test_cross_references_in_the_text_resolve_to_numbered_tables(pipeline_run):
    site = pipeline_run.out_dir / "site"
    links = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"@(tbl|fig)-[a-z0-9]", html), f"unresolved reference in {page.name}"
        for href in re.findall(r'href="([^"]*#(?:tbl|fig)-[a-z0-9-]+)"', html):
            path, anchor = href.split("#")
            target = (page.parent / path) if path else page
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (page.name, href)
            links += 1
    assert links >= 20  # every chapter's introduction refers to its tables and figures


def test_chapters_hide_the_run_plumbing(pipeline_run):
    # The parameter cells are tagged remove-cell in executed copies: no staging path shows.
    for page in (pipeline_run.out_dir / "site").rglob("*.html"):
        assert atomic.WORK_DIR not in page.read_text(encoding="utf-8"), page.name


def test_csv_downloads_carry_full_precision(pipeline_run):
    """Rounding happens only in the display: the CSV keeps every digit (issue 13)."""
    tables = pipeline_run.out_dir / "tables"
    rel = pd.read_csv(tables / "tbl-reliabilitas.csv")
    for col in ("Alpha Cronbach", "Alpha butir terstandar", "IK 95% bawah", "IK 95% atas"):
        values = rel[col].astype(float)
        assert (values.round(6) != values.round(3)).any(), f"{col} is rounded in the CSV"
    item_total = pd.read_csv(tables / "tbl-butir-total.csv")
    codes = {str(c).split("_")[0] for c in item_total["Kode butir"]}
    assert codes == set(rel["Kode"]), "an item-total table for every scale"
    for col in ("Varians skala jika butir dihapus", "r butir-total terkoreksi"):
        values = item_total[col].astype(float)
        assert (values.round(6) != values.round(3)).any(), f"{col} is rounded in the CSV"


def test_every_p_in_the_hypotheses_and_wioi_chapters_names_its_method(pipeline_run):
    """Issue 13: a p value never appears without the method that computed it."""
    tables = pipeline_run.out_dir / "tables"
    checked = 0
    from p3md.pipeline.stages import by_name, default_registry

    stages = by_name(default_registry().stages)
    for name in ("hypotheses", "wioi"):
        # the stage's declared tables (patterns included: one table per codebook variable)
        paths = {p for pattern in stages[name].tables for p in tables.glob(f"{pattern}.csv")}
        assert paths, f"{name}: no table of the stage in the run"
        for path in sorted(paths):
            label = path.stem
            table = pd.read_csv(path)
            # a p under its own name or under SPSS's ("Asymp. Sig.", "Exact Sig.")
            p_cols = [c for c in table.columns if re.search(r"(^|: )p( |$)|Sig\.", str(c))]
            if not p_cols:
                continue
            methods = [c for c in table.columns if "metode p" in str(c).lower()]
            assert methods, f"{label}: p columns {p_cols} without a method column"
            for col in methods:
                assert (
                    table[col].notna().any()
                    and not table[col].astype(str).str.fullmatch(r"[a-z_]+").all()
                ), f"{label}: {col} holds keys, not words"
            checked += 1
    assert checked >= 8


def test_the_report_speaks_indonesian_and_states_the_run(pipeline_run):
    """Every gate rule of a real run has its Indonesian sentence; the chapters state the run's
    parameters by value, never by name; no page shows a path of this machine."""
    import json

    from p3md.site import rule_words

    out = pipeline_run.out_dir
    rules = {
        r["rule"]
        for f in (out / "gates").glob("*.json")
        for r in json.loads(f.read_text(encoding="utf-8")).get("records", [])
    }
    untranslated = sorted(r for r in rules if not rule_words.translate(r)[1])
    assert rules and not untranslated, untranslated
    site = out / "site"
    hyp = (site / "notebooks" / "05_hypotheses.html").read_text(encoding="utf-8")
    assert "alpha_correlation" not in hyp.split("Tampilkan kode")[0]
    assert "α = 0,10" in hyp and "α = 0,05" in hyp
    metode = (site / "pages" / "metode.html").read_text(encoding="utf-8")
    assert "α = 0,10" in metode and "n = 59,02" in metode
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert str(PROJECT_ROOT) not in html and str(out) not in html, page.name
    valid = (site / "pages" / "validasi.html").read_text(encoding="utf-8")
    assert "must" not in valid and "element_count" not in valid
    audit = (site / "notebooks" / "08_audit.html").read_text(encoding="utf-8")
    notice = "Data pada bab ini adalah"
    assert notice in hyp and notice not in audit  # the audit uses no data
