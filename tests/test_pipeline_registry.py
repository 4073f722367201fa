"""The stage registry (stages.yaml): loading and its messages, products and their owners, the
book's generated chapter list, and stages left out when their inputs are absent."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from p3md import PROJECT_ROOT
from p3md.pipeline.params import make_params
from p3md.pipeline.products import ProductError, check_written, claim, missing_products
from p3md.pipeline.runner import run_pipeline
from p3md.pipeline.stages import (
    Book,
    Part,
    Registry,
    RegistryError,
    Stage,
    book_chapters,
    default_registry,
    load_registry,
)
from pipeline_support import copy_notebooks, csv_reader, fixture_stage, write_data


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stages.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ loading
def test_the_projects_registry_gives_each_run_its_stages():
    reg = default_registry()
    single = [s.name for s in reg.for_run("single")]
    assert single == [
        "sampling",
        "scoring",
        "instrument",
        "descriptive",
        "hypotheses",
        "wioi",
        "reproduction",
        "audit",
    ]
    assert [s.name for s in reg.for_run("district")] == single[:5]
    assert [s.name for s in reg.for_run("top")] == ["wioi", "audit", "synthesis"]
    for s in reg.stages:
        assert s.notebook.is_file(), s.notebook
        assert s.notebook.parent == PROJECT_ROOT / "notebooks"


BASE = """
book:
  after: pages/metode.qmd
  parts:
    - {id: hasil, title: "Hasil"}
stages:
"""


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "  - {name: a, notebook: a.ipynb, title: A, chapter: hasil, colour: red}",
            "stage a: unknown field(s) colour",
        ),
        ("  - {name: a, notebook: a.ipynb, title: A}", "stage a has no `chapter`"),
        (
            "  - {name: a, notebook: a.ipynb, title: A, chapter: lampiran}",
            "stage a has chapter 'lampiran', which is no book part",
        ),
        (
            "  - {name: a, notebook: a.ipynb, title: A, chapter: hasil, runs: [everywhere]}",
            "`runs` takes single, district, top",
        ),
        (
            "  - {name: a, notebook: a.ipynb, title: A, chapter: hasil, upstream: [b]}",
            "stage a depends on unknown stages ['b']",
        ),
        (
            "  - {name: a, notebook: a.ipynb, title: A, chapter: hasil,"
            " products: {tables: [fig-x]}}",
            "table label 'fig-x' must start with 'tbl-'",
        ),
        (
            "  - {name: a, notebook: a.ipynb, title: A, chapter: hasil, only_if: [published]}",
            "`only_if` names published, which are not among its inputs",
        ),
        (
            "  - {name: a, notebook: a.ipynb, title: A, chapter: hasil,"
            " products: {tables: [tbl-x]}}\n"
            "  - {name: b, notebook: b.ipynb, title: B, chapter: hasil,"
            " products: {tables: [tbl-x]}}",
            "tables/tbl-x.csv is declared by both a and b",
        ),
        ("  - {name: a, notebook: a.R, title: A, chapter: hasil}", "an .ipynb or a percent .py"),
    ],
)
def test_a_wrong_entry_is_refused_with_the_stage_and_the_field(tmp_path, entry, message):
    with pytest.raises(RegistryError, match=re.escape(message)):
        load_registry(_yaml(tmp_path, BASE + entry + "\n"))


def test_notebook_paths_are_relative_to_the_registry_file(tmp_path):
    reg = load_registry(_yaml(tmp_path, BASE + "  - {name: a, notebook: nb/a.py, title: A, "
                              "chapter: hasil}\n"))  # fmt: skip
    (stage,) = reg.stages
    assert stage.notebook == (tmp_path / "nb" / "a.py").resolve()
    assert stage.executed_notebook == "notebooks/a.ipynb"  # a percent script runs as .ipynb
    assert stage.runs == ("single",) and stage.output_gates == ("statistics", "distributions")


# ------------------------------------------------------------------------------ products
def _stage(**fields) -> Stage:
    return Stage("desc", Path("04_desc.ipynb"), "Desc", chapter="hasil", **fields)


def test_patterns_own_a_studys_tables_and_must_match_one():
    s = _stage(tables=("tbl-kelas-*",), figures=("fig-sebaran",), files=("derived/*.csv",))
    assert s.owns("tables/tbl-kelas-x1.csv") and s.owns("tables/tbl-kelas-x1.json")
    assert s.owns("figures/fig-sebaran.svg") and s.owns("notebooks/04_desc.ipynb")
    assert not s.owns("tables/tbl-lain.csv")
    written = ["notebooks/04_desc.ipynb", "tables/tbl-kelas-y.csv", "figures/fig-sebaran.png"]
    assert missing_products(s, written) == [("derived/*.csv", "derived/*.csv")]
    with pytest.raises(ProductError, match=r"Stage desc: the registry declares the file"):
        check_written(s, written)
    check_written(s, [*written, "derived/a.csv"])


def test_a_file_no_stage_declares_names_the_stage_and_the_file():
    a, b = _stage(tables=("tbl-a",)), Stage("b", Path("b.ipynb"), "B", tables=("tbl-b",))
    assert claim(a, ["tables/tbl-a.csv", "tables/tbl-b.csv", "gates/x.json"], [a, b], ["a"]) == [
        "tables/tbl-a.csv"
    ]
    with pytest.raises(ProductError) as err:
        claim(a, ["tables/extra.csv"], [a, b], ["desc", "b"])
    assert err.value.stage == "desc" and err.value.file == "tables/extra.csv"
    assert "or b, which ran at the same time" in str(err.value)
    assert "stages.yaml" in err.value.fix
    twice = Stage("c", Path("c.ipynb"), "C", tables=("tbl-*",))
    with pytest.raises(ProductError, match="declared by desc and c"):
        claim(a, ["tables/tbl-a.csv"], [a, twice], ["desc"])


# ------------------------------------------------------------------------------ the book
REG = Registry(
    (
        Stage("s1", Path("01_s1.ipynb"), "S1", chapter="hasil"),
        Stage("s2", Path("02_s2.ipynb"), "S2", chapter="lain"),
        Stage("s3", Path("03_s3.ipynb"), "S3", chapter="hasil"),
        Stage("pre", Path("00_pre.py"), "Pre", chapter="front"),
        Stage("app", Path("99_app.ipynb"), "App", chapter="appendix"),
    ),
    Book("pages/metode.qmd", (Part("hasil", "Hasil"), Part("lain", "Lain"))),
)
SOURCE = {
    "chapters": ["index.qmd", "pages/pendahuluan.qmd", "pages/metode.qmd", "pages/pustaka.qmd"],
    "appendices": ["pages/kamus.qmd"],
}


def test_chapters_are_generated_in_parts_in_registry_order():
    book = book_chapters(SOURCE, REG.stages, REG)
    assert book["chapters"] == [
        "index.qmd",
        "notebooks/00_pre.ipynb",
        "pages/pendahuluan.qmd",
        "pages/metode.qmd",
        {"part": "Hasil", "chapters": ["notebooks/01_s1.ipynb", "notebooks/03_s3.ipynb"]},
        {"part": "Lain", "chapters": ["notebooks/02_s2.ipynb"]},
        "pages/pustaka.qmd",
    ]
    assert book["appendices"] == ["notebooks/99_app.ipynb", "pages/kamus.qmd"]
    assert SOURCE["chapters"][1] == "pages/pendahuluan.qmd"  # the source is not modified
    # A stage left out of the run: no chapter, and a part left empty is gone.
    some = book_chapters(SOURCE, [REG.stages[0]], REG)
    assert some["chapters"][2:4] == [
        "pages/metode.qmd",
        {"part": "Hasil", "chapters": ["notebooks/01_s1.ipynb"]},
    ]
    assert "appendices" not in some or some["appendices"] == SOURCE["appendices"]


def test_a_stage_chapter_in_quarto_yml_is_refused_with_a_message():
    listed = {**SOURCE, "chapters": [*SOURCE["chapters"], "notebooks/01_s1.ipynb"]}
    with pytest.raises(RegistryError, match="of stage s1; stage chapters are generated"):
        book_chapters(listed, REG.stages, REG)
    orphan = {**SOURCE, "chapters": [*SOURCE["chapters"], {"part": "X", "chapters": [
        "notebooks/50_regresi.ipynb"]}]}  # fmt: skip
    with pytest.raises(RegistryError, match="50_regresi.ipynb, which has no entry in stages"):
        book_chapters(orphan, REG.stages, REG)


# ------------------------------------------------------------------------------ runs
@pytest.fixture
def project(tmp_path):
    nb = copy_notebooks(tmp_path / "notebooks")
    write_data(tmp_path / "data")
    params = make_params(
        data_dir=tmp_path / "data",
        out_dir=tmp_path / "out" / "reports",
        published_path=tmp_path / "published.yaml",
    )
    return {"root": tmp_path, "nb": nb, "params": params}


def _run(project, stages, lines):
    return run_pipeline(
        project["params"],
        stages=stages,
        renderer=None,
        reader=csv_reader,
        project_root=project["root"],
        echo=lines.append,
    )


def test_a_declared_product_not_written_or_a_file_not_declared_stops_the_run(project):
    nb = project["nb"]
    lines: list[str] = []
    missing = fixture_stage("gamma", nb / "fx_c.ipynb", tables=("tbl-fx-c", "tbl-fx-lain"))
    result = _run(project, (missing,), lines)
    assert not result.success and isinstance(result.failure, ProductError)
    assert "Stage gamma" in result.message and "tables/tbl-fx-lain.csv" in result.message
    assert not (project["params"].out_dir / "manifest.json").exists()  # nothing swapped in
    undeclared = Stage("sleepy", nb / "fx_sleep.ipynb", "Sleepy", tables=("tbl-fx-sleep",))
    result = _run(project, (undeclared,), lines)
    assert not result.success and isinstance(result.failure, ProductError)
    assert result.failure.stage == "sleepy" and result.failure.file == "started.flag"


def test_a_stage_whose_only_if_input_is_absent_is_left_out_with_what_depends_on_it(project):
    nb = project["nb"]
    (project["root"] / "data" / "wioi_satisfaction.csv").unlink()
    stages = (
        fixture_stage("alpha", nb / "fx_a.ipynb", inputs=("village_frame",)),
        fixture_stage(
            "gamma",
            nb / "fx_c.ipynb",
            inputs=("wioi_satisfaction",),
            only_if=("wioi_satisfaction",),
        ),
        fixture_stage("beta", nb / "fx_b.ipynb", upstream=("alpha", "gamma")),
    )
    lines: list[str] = []
    result = _run(project, stages, lines)
    assert result.success, result.message
    assert {s.name: s.status for s in result.stages} == {
        "alpha": "ran",
        "gamma": "omitted",
        "beta": "omitted",
    }
    assert "gamma ... left out: no wioi_satisfaction file in" in "\n".join(lines)
    assert any(line.startswith("beta ... left out: it needs gamma") for line in lines)
    out = project["params"].out_dir
    assert not (out / "tables" / "tbl-fx-c.csv").exists()
    manifest = result.manifest
    assert [s["status"] for s in manifest["stages"]] == ["ran", "omitted", "omitted"]
