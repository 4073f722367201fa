"""No output lost silently (issue 19, Deliver 5): a PDF that cannot be made fails the run with
its cause named (exit != 0, the last good report kept), unless the website alone was asked
for (``--no-pdf``). Runs the small fixture registry with a stand-in for the site module, so
that the failure is the PDF's and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

import p3md.pipeline.runner as runner_mod
import p3md.site.render
from p3md.pipeline.params import make_params
from p3md.pipeline.runner import run_pipeline
from p3md.site.step import SiteStep
from pipeline_support import copy_notebooks, csv_reader, registry, tree_digest, write_data

CAUSE = "typst could not compile book.typ: file not found (searched at _pdf/x)"


@dataclass
class Made:
    site: Path
    pdf_wanted: bool
    fail: bool
    renderer: str = "smalldocs"
    warnings: list[str] = field(default_factory=list)
    pdf: Path | None = None
    pdf_engine: str | None = "pandoc-typst"
    pdf_seconds: float = 0.1


def fake_site(fail: bool, calls: list):
    def render_site(project_dir, target, *, run_dir=None, renderer=None, pdf=True):
        target = target / "site" if run_dir is None else target  # into <run>/site
        target.mkdir(parents=True, exist_ok=True)
        (target / "index.html").write_text("<html></html>")
        calls.append(pdf)
        made = Made(target, pdf, fail)
        if pdf and fail:
            made.warnings.append(f"pdf: {CAUSE}")
        elif pdf:
            made.pdf = target / "book.pdf"
            made.pdf.write_bytes(b"%PDF-1.7\n")
        return made

    return render_site


@pytest.fixture
def project(tmp_path, monkeypatch):
    nb = copy_notebooks(tmp_path / "notebooks")
    write_data(tmp_path / "data")
    out = tmp_path / "site-root" / "reports"
    params = make_params(
        data_dir=tmp_path / "data", out_dir=out, published_path=tmp_path / "published.yaml"
    )
    return {"root": tmp_path, "nb": nb, "out": out, "params": params}


def run(project, renderer, lines=None, force=False):
    return run_pipeline(
        project["params"],
        stages=registry(project["nb"]),
        renderer=renderer,
        reader=csv_reader,
        project_root=project["root"],
        echo=(lines.append if lines is not None else (lambda s: None)),
        force=force,
    )


def test_a_pdf_that_cannot_be_made_fails_the_run(project, monkeypatch):
    calls: list = []
    monkeypatch.setattr(p3md.site.render, "render_site", fake_site(False, calls))
    good = run(project, SiteStep())
    assert good.success and good.manifest["pdf"]["path"] == "site/book.pdf"
    before = tree_digest(project["out"])

    monkeypatch.setattr(p3md.site.render, "render_site", fake_site(True, calls))
    lines: list[str] = []
    bad = run(project, SiteStep(), lines, force=True)
    assert not bad.success and bad.exit_code != 0
    assert "the book's PDF could not be made" in bad.message and CAUSE in bad.message
    assert "--no-pdf" in bad.message and "Traceback" not in bad.message
    assert tree_digest(project["out"]) == before  # the last good report (with its PDF) stays
    assert bad.failed_dir is not None and (bad.failed_dir / "site" / "index.html").is_file()

    # the next run tries again (it is not "unchanged": the failed run was never swapped in)
    monkeypatch.setattr(p3md.site.render, "render_site", fake_site(False, calls))
    again = run(project, SiteStep())
    assert again.success and again.manifest["pdf"] is not None


def test_html_only_is_not_a_failure(project, monkeypatch):
    calls: list = []
    monkeypatch.setattr(p3md.site.render, "render_site", fake_site(True, calls))
    result = run(project, SiteStep(pdf=False))
    assert result.success and calls == [False]


def test_cli_no_pdf_asks_for_the_website_only(monkeypatch, tmp_path):
    from p3md import cli

    seen = {}

    def fake_run_pipeline(params, **kw):
        seen.update(kw)
        return runner_mod.RunResult(True, 0, tmp_path, [], message="ok")

    monkeypatch.setattr(runner_mod, "run_pipeline", fake_run_pipeline)
    data = tmp_path / "data"
    write_data(data)
    assert cli.main(["report", "--data", str(data), "--out", str(tmp_path / "r"), "--no-pdf"]) == 0
    assert seen["renderer"] == SiteStep(pdf=False)
    assert cli.main(["report", "--data", str(data), "--out", str(tmp_path / "r")]) == 0
    assert seen["renderer"] == SiteStep()
