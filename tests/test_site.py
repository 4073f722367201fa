"""The site module without a browser and without the pipeline: a fake run folder in tmp_path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from fixtures import fake_run
from fixtures.fake_run import make_fake_run
from p3md import PROJECT_ROOT
from p3md.pipeline.stages import book_chapters, default_registry
from p3md.site import choose_renderer, readers, render_site
from p3md.site import pages as P
from p3md.site.bib import cite_names, format_entry, parse_bib
from p3md.site.postprocess import add_download_links, resolve_references
from p3md.site.render import book_pages, fit_book, smalldocs_config, stage, write_generated


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    run = make_fake_run(root / "run", root / "data")
    result = render_site(PROJECT_ROOT, run, renderer="smalldocs")
    assert result.renderer == "smalldocs"
    return run


# ---------------------------------------------------------------- config and renderer choice
def test_quarto_config_is_a_real_quarto_book():
    cfg = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text())
    assert cfg["project"]["type"] == "book"
    assert cfg["lang"] == "id"
    assert cfg["execute"] == {"enabled": False}
    assert "freeze" not in json.dumps(cfg)
    assert cfg["number-sections"] is True
    assert "website" not in cfg  # book options live under book:
    chapters = [src for src, _ in book_pages(cfg, PROJECT_ROOT)]
    assert chapters[0] == "index.qmd"
    # Only the hand-written pages: the stages' chapters are generated from stages.yaml into
    # the run folder's copy (p3md.site.render.fit_book, p3md.pipeline.stages.book_chapters).
    assert not [c for c in chapters if c.startswith("notebooks/")]
    registry = default_registry()
    book = book_chapters(cfg["book"], registry.stages, registry)
    generated = [src for src, _ in book_pages({"book": book}, PROJECT_ROOT)]
    notebooks = [c for c in generated if c.startswith("notebooks/")]
    # The fake run (one folder) has the one-folder run's stages, the synthesis is multi-district.
    assert notebooks.index("notebooks/09_synthesis.ipynb") == 5
    notebooks.remove("notebooks/09_synthesis.ipynb")
    assert notebooks == [f"notebooks/{s}.ipynb" for s, _ in fake_run.STAGES]
    assert generated.index("notebooks/01_sampling.ipynb") == generated.index("pages/metode.qmd") + 1
    for src in chapters + [a for a in cfg["book"]["appendices"]]:
        if src.startswith("pages/") or src == "index.qmd":
            assert (PROJECT_ROOT / "pages" / Path(src).name).exists(), src
    assert (PROJECT_ROOT / cfg["bibliography"]).exists() and (PROJECT_ROOT / cfg["csl"]).exists()


def test_chapter_numbers_skip_index_and_unnumbered(tmp_path):
    run = make_fake_run(tmp_path / "run", tmp_path / "data")
    stage(PROJECT_ROOT, run)
    fit_book(run)
    numbers = dict(book_pages(yaml.safe_load((run / "_quarto.yml").read_text()), run))
    assert numbers["index.qmd"] == "" and numbers["pages/daftar-pustaka.qmd"] == ""
    assert numbers["pages/pendahuluan.qmd"] == "1" and numbers["notebooks/01_sampling.ipynb"] == "3"
    assert numbers["pages/kamus-data.qmd"] == "A" and numbers["pages/kinerja-komputasi.qmd"] == "D"
    assert numbers["pages/summary-en.qmd"] == "F"


def test_renderer_choice(monkeypatch):
    monkeypatch.delenv("P3MD_RENDERER", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert choose_renderer() == "smalldocs"
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/quarto")
    assert choose_renderer() == "quarto"
    monkeypatch.setenv("P3MD_RENDERER", "smalldocs")
    assert choose_renderer() == "smalldocs"
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="not on PATH"):
        choose_renderer("quarto")
    with pytest.raises(ValueError):
        choose_renderer("pandoc")


def test_smalldocs_config_lists_appendices_without_touching_the_book():
    cfg = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text())
    out = smalldocs_config(cfg)
    section = out["website"]["sidebar"]["contents"][-1]
    assert section["section"] == "Lampiran" and section["contents"] == cfg["book"]["appendices"]
    assert "website" not in cfg


# ---------------------------------------------------------------- generated pages
def test_generated_pages_go_to_render_folder_only(tmp_path):
    before = sorted(p.name for p in (PROJECT_ROOT / "pages").iterdir())
    run = make_fake_run(tmp_path / "run", tmp_path / "data")
    stage(PROJECT_ROOT, run)
    warnings = write_generated(PROJECT_ROOT, run, "smalldocs")
    assert sorted(p.name for p in (PROJECT_ROOT / "pages").iterdir()) == before
    gen = run / "_generated"
    info = (gen / "run-info.qmd").read_text()
    assert "0123456789abcdef" in info and "2026-11-23T10:01:05" in info
    valid = (gen / "validasi.qmd").read_text()
    assert "village_frame.csv" in valid and "derived/facilitators_scored.csv" in valid
    assert "144" in valid
    assert "Semua 3 pemeriksaan dari 2 gerbang lulus" in valid
    repro = (gen / "reproduksibilitas.qmd").read_text()
    assert " ".join(["ab" * 8] * 4) in repro and "pingouin" in repro and "08_audit" in repro
    assert str(tmp_path) not in info + valid + repro  # no path of this machine
    metode = (gen / "metode-kodebuku.qmd").read_text()
    assert "{#tbl-kodebuku-variabel}" in metode and "pd09_pdp" in metode
    kamus = (gen / "kamus-data.qmd").read_text()
    assert "village_frame.csv" in kamus and "../tables/tbl-reliabilitas.csv" in kamus
    # the raw file with names and phone numbers is not published
    assert (run / "downloads" / "raw" / "village_frame.csv").exists()
    assert not (run / "downloads" / "raw" / "contacts.csv").exists()
    assert any("contacts.csv" in w for w in warnings)


def _pipeline_gate(stage: str, file: str, kind: str, results: list[bool]) -> dict:
    """A gate file as the pipeline writes it (p3md.pipeline.gates)."""
    return {
        "stage": stage,
        "file": file,
        "kind": kind,
        "success": all(results),
        "records": [
            {
                "check": "ExpectColumnValuesToNotBeNull",
                "column": f"c{i}",
                "rule": "sel tidak boleh kosong",
                "severity": "error",
                "success": ok,
                "unexpected_count": 0 if ok else 2,
                "values": [] if ok else ["", ""],
            }
            for i, ok in enumerate(results)
        ],
    }


def test_validation_page_summarises_per_raw_file_and_stage_and_folds_details(tmp_path):
    """One line per raw file (over the stages that read it) and per stage; failures counted,
    bold and listed; every check in folded details that only the website shows; a CSV of all."""
    from p3md.site import pages, readers

    gates = tmp_path / "gates"
    gates.mkdir()
    files = {
        "sampling__village_frame.csv": _pipeline_gate(
            "sampling", "village_frame.csv", "input", [True] * 3
        ),
        "scoring__village_frame.csv": _pipeline_gate(
            "scoring", "village_frame.csv", "input", [True, False]
        ),
        "scoring__pilot.csv": _pipeline_gate("scoring", "pilot.csv", "input", [True]),
        "wioi__tables_tbl-wioi-aspek.csv": _pipeline_gate(
            "wioi", "tables/tbl-wioi-aspek.csv", "output", [True] * 4
        ),
    }
    for name, data in files.items():
        (gates / f"{name}.json").write_text(json.dumps(data))
    suites, _ = readers.load_gates(tmp_path)
    page = pages.validation(suites, [])
    summary, details = page.split('::: {.content-visible when-format="html"}')
    assert "**1 dari 10 pemeriksaan gagal.**" in summary
    assert (
        "| `village_frame.csv` | Sampel penelitian (Slovin, alokasi), Penskoran dan sebaran "
        "modus | 5 | 4 | **1** | **gagal** |" in summary
    )
    assert "| `pilot.csv` | Penskoran dan sebaran modus | 1 | 1 | 0 | lulus |" in summary
    assert "| Pelatihan aparatur Desa Wioi | 1 | 4 | 4 | 0 | lulus |" in summary
    assert "| Uji hipotesis | 0 | 0 | 0 | 0 | tanpa pemeriksaan |" in summary
    assert "- `village_frame.csv`, kolom `c1`: sel tidak boleh kosong" in summary
    assert summary.count("<details") == 0 and details.count("<details") == len(files)
    assert details.count("<details open>") == 1  # the failed gate is unfolded
    assert details.count("\n## ") == 1  # one heading, not one per gate
    pages.validation_csv(suites, tmp_path / "all.csv")
    import pandas as pd

    table = pd.read_csv(tmp_path / "all.csv")
    assert len(table) == 10 and (table["hasil"] == "gagal").sum() == 1


def test_gate_reader_reads_the_pipelines_files_and_names_the_others(tmp_path):
    """Gate files are read through the pipeline's model (GateResult.from_dict); a file the
    pipeline did not write (another tool's validation result, broken JSON) is named in a
    warning and shown raw, never dropped."""
    from p3md.pipeline.gates import CheckRecord, GateResult

    gates = tmp_path / "gates"
    GateResult(
        "scoring",
        "facilitators.csv",
        "input",
        [
            CheckRecord(
                "expect_column_values_to_be_in_set",
                "role",
                "role is one of PLD, PDP",
                "use PLD or PDP",
                "error",
                False,
                rows=[3, 9],
                values=["pendamping", "x"],
                unexpected_count=2,
                kwargs={"column": "role", "value_set": ["PLD", "PDP"]},
            )
        ],
    ).write(gates)
    (gates / "b.json").write_text("{not json")
    (gates / "c.json").write_text(
        json.dumps({"success": True, "suite_name": "s1", "results": [{"success": True}]})
    )
    suites, warnings = readers.load_gates(tmp_path)
    gate = next(s for s in suites if s.stage == "scoring")
    assert gate.name == "scoring / facilitators.csv" and gate.kind == "input"
    assert gate.success is False and gate.n_failed == 1
    assert "2 nilai tidak sesuai" in gate.expectations[0].observed
    assert "pendamping" in gate.expectations[0].observed
    assert gate.expectations[0].column == "role"
    assert any("b.json" in w for w in warnings)
    assert any("c.json" in w and "not a gate result" in w for w in warnings)
    assert next(s for s in suites if s.file == "c.json").extra["raw"]
    text = P.validation(suites, warnings)
    assert "**gagal**" in text and "pemeriksaan gagal" in text


def test_markdown_cells_are_escaped():
    assert P.cell("a|b\nc") == "a\\|b c"
    assert P.cell("mail@x") == "mail\\@x"
    assert P.cell("^V\\d{3}$", code=True) == "`^V\\d{3}$`"


# ---------------------------------------------------------------- bibliography
def test_bib_parse_and_format():
    bib = parse_bib((PROJECT_ROOT / "references.bib").read_text())
    assert {
        "yulistiani2023",
        "wioi",
        "tejada2012",
        "spearman1904",
        "kruskal1952",
        "dunn1964",
        "cronbach1951",
        "hake1998",
        "brown2017",
        "holm1979",
        "benjamini1995",
        "vallat2018",
        "virtanen2020",
    } <= set(bib)
    assert cite_names(bib["kruskal1952"]) == "Kruskal dan Wallis"
    assert cite_names(bib["virtanen2020"]) == "Virtanen dkk."
    assert cite_names(bib["wioi"]) == "Anonim" and bib["wioi"].year == "t.t."
    text = format_entry(bib["dunn1964"])
    assert text.startswith("Dunn, O. J. (1964).") and "241–252" in text
    assert "https://doi.org/10.1080/00401706.1964.10490181" in text


# ---------------------------------------------------------------- post-processing
def test_crossrefs_and_citations_become_links(tmp_path):
    site = tmp_path
    (site / "a.html").write_text(
        "<main><p>Lihat @tbl-x dan @fig-y, nomor -@tbl-x [@k1; @k2, hlm. 3] dan @k1.</p>"
        "<pre><code>@tbl-x</code></pre></main>"
    )
    (site / "b.html").write_text(
        '<div id="tbl-x" class="cell"><table><caption>Tabel 9. Uji</caption></table></div>'
        '<div id="fig-y"><figure><figcaption>Sebaran</figcaption></figure></div>'
        '<div id="tbl-x-caption-abc"></div>'
    )
    (site / "refs.html").write_text('<div id="refs"></div>')
    bib = parse_bib(
        "@article{k1, author={Satu, A. and Dua, B.}, title={T}, journal={J}, year={2001}}"
        "@misc{k2, author={{Lembaga}}, title={U}, year=1999}"
    )
    warnings = resolve_references(
        site,
        [(Path("a.html"), "1"), (Path("b.html"), "2"), (Path("refs.html"), "")],
        bib,
        Path("refs.html"),
    )
    a = (site / "a.html").read_text()
    assert '<a href="b.html#tbl-x" class="quarto-xref">Tabel&nbsp;9</a>' in a
    assert '<a href="b.html#fig-y" class="quarto-xref">Gambar&nbsp;2.1</a>' in a
    assert 'nomor <a href="b.html#tbl-x" class="quarto-xref">9</a>' in a
    assert ">Satu dan Dua, 2001</a>; <a" in a and ">Lembaga, 1999, hlm. 3</a>)" in a
    assert ">Satu dan Dua (2001)</a>." in a
    assert "<code>@tbl-x</code>" in a  # code is left alone
    assert "Gambar 2.1: Sebaran" in (site / "b.html").read_text()
    refs = (site / "refs.html").read_text()
    assert 'id="ref-k1"' in refs and 'id="ref-k2"' in refs
    assert warnings == []


def test_unresolved_crossref_is_reported(tmp_path):
    (tmp_path / "a.html").write_text("<p>@tbl-missing</p>")
    warnings = resolve_references(tmp_path, [(Path("a.html"), "1")], {}, None)
    assert "?@tbl-missing" in (tmp_path / "a.html").read_text()
    assert warnings and "tbl-missing" in warnings[0]


def test_download_links(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "tbl-x.csv").write_text("a\n1\n")
    (tmp_path / "ch").mkdir()
    (tmp_path / "ch" / "p.html").write_text(
        '<div id="tbl-x"><table></table></div><div id="tbl-z"></div>'
    )
    assert add_download_links(tmp_path) == 1
    doc = (tmp_path / "ch" / "p.html").read_text()
    assert '<a href="../tables/tbl-x.csv" download>CSV</a>' in doc
    assert add_download_links(tmp_path) == 0  # idempotent


# ---------------------------------------------------------------- the whole fake site
def test_fake_site_is_complete(built):
    site = built / "site"
    for page in [
        "index.html",
        "pages/metode.html",
        "pages/validasi.html",
        "pages/kamus-data.html",
        "pages/reproduksibilitas.html",
        "pages/kinerja-komputasi.html",
        "pages/menyesuaikan.html",
        "pages/summary-en.html",
        "notebooks/03_instrument.html",
        "notebooks/08_audit.html",
    ]:
        assert (site / page).exists(), page
    nb3 = (site / "notebooks" / "03_instrument.html").read_text()
    assert "Tabel&nbsp;11</a>" in nb3 and "@tbl-" not in nb3 and "[@" not in nb3
    assert 'href="../tables/tbl-reliabilitas.csv" download' in nb3
    nb4 = (site / "notebooks" / "04_descriptive.html").read_text()
    assert "Gambar&nbsp;D1</a>" in nb4 and "fig-sebaran-y.svg" in nb4
    assert (site / "tables" / "tbl-reliabilitas.csv").exists()
    assert (site / "figures" / "fig-sebaran-y.svg").exists()
    assert (site / "downloads" / "codebook.yaml").exists()
    index = (site / "index.html").read_text()
    assert "rekonstruksi" in index and "0123456789abcdef" in index
    sidebar = (site / "pages" / "summary-en.html").read_text()
    assert "Lampiran" in sidebar
    assert "Yulistiani, A. (2023)" in (site / "pages" / "daftar-pustaka.html").read_text()


def test_gate_reader_reads_the_pipeline_gate_files(tmp_path):
    """The shape of p3md.pipeline.gates (``gates/<stage>__<file>.json``, ``failures.json``)."""
    gates = tmp_path / "gates"
    gates.mkdir()
    record = {
        "check": "expect_column_values_to_match_regex",
        "engine": "great_expectations",
        "column": "village_id",
        "rule": "village_id cocok dengan pola ^V\\d{3}$",
        "fix": "perbaiki kode desa",
        "severity": "error",
        "success": False,
        "unexpected_count": 1,
        "rows": [4],
        "values": ["v12"],
        "observed": {"element_count": 144, "unexpected_count": 1},
        "kwargs": {"column": "village_id", "regex": "^V\\d{3}$"},
        "note": "",
    }
    warning = dict(record, severity="warning", check="row_count", column=None, success=False)
    (gates / "raw__village_frame.json").write_text(
        json.dumps(
            {
                "stage": "raw",
                "file": "village_frame.csv",
                "kind": "raw",
                "success": False,
                "cached": False,
                "seconds": 0.4,
                "checks": 2,
                "failed": 1,
                "warnings": 1,
                "records": [record, warning],
            }
        )
    )
    (gates / "failures.json").write_text(
        json.dumps(
            {
                "failures": [
                    {
                        "stage": "raw",
                        "file": "village_frame.csv",
                        "column": "village_id",
                        "rows": [4],
                        "values": ["v12"],
                        "count": 1,
                        "rule": "pola",
                        "fix": "perbaiki",
                        "check": "regex",
                        "message": "Baris 4: v12 bukan kode desa",
                    }
                ]
            }
        )
    )
    suites, warnings = readers.load_gates(tmp_path)
    raw = next(s for s in suites if s.file == "raw__village_frame.json")
    assert raw.name == "raw / village_frame.csv" and raw.success is False
    assert raw.n_failed == 1 and raw.expectations[1].verdict == "peringatan"
    assert raw.expectations[0].arguments.startswith("village_id cocok")
    assert "tidak sesuai: 1" in raw.expectations[0].observed
    assert "v12" in raw.expectations[0].observed
    fails = next(s for s in suites if s.file == "failures.json")
    assert fails.expectations[0].observed.startswith("Baris 4")
    assert fails.success is False and fails.n_failed == 1
    assert warnings == []


def test_runner_call_convention(tmp_path):
    """The runner calls render_site(project, <staging>/site, run_dir=<staging>)."""
    run = make_fake_run(tmp_path / "run", tmp_path / "data")
    result = render_site(PROJECT_ROOT, run / "site", run_dir=run, renderer="smalldocs", pdf=False)
    assert result.site_dir == (run / "site").resolve()
    assert (run / "site" / "index.html").exists()
    elsewhere = tmp_path / "copy"
    result = render_site(PROJECT_ROOT, elsewhere, run_dir=run, renderer="smalldocs", pdf=False)
    assert result.site_dir == elsewhere.resolve() and (elsewhere / "index.html").exists()


def test_gate_rules_read_in_indonesian_with_their_values():
    from p3md.site import rule_words

    cases = {
        "answers must be a count between 0 and 20.0 (kali)": (
            "jawaban harus berupa hitungan antara 0 dan 20 (kali)"
        ),
        "the percentages of a distribution must sum to 100 (within 0.25 for rounding)": (
            "persentase suatu sebaran harus berjumlah 100 (toleransi pembulatan 0,25)"
        ),
        "the combination village_id + facilitator_id is the key of official_ratings.csv and "
        "must be unique": "kombinasi village_id + facilitator_id adalah kunci "
        "official_ratings.csv dan harus unik",
        "facilitator_id is the key of facilitators.csv and must be unique": (
            "facilitator_id adalah kunci facilitators.csv dan harus unik"
        ),
    }
    for en, id_ in cases.items():
        assert rule_words.translate(en) == (id_, True)
    assert rule_words.translate("a rule nobody wrote") == ("a rule nobody wrote", False)
