"""Any study on the pattern (issue 17), end to end: the example study's report speaks of its
own study only, a third study built from code runs every stage, and one missing answer among
44 respondents gives a report whose notes state the rows left out (the limit set with --set).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from p3md import PROJECT_ROOT
from p3md.pipeline.params import ParameterError, make_params
from test_examples import four_point_study

EXAMPLE = PROJECT_ROOT / "examples" / "penyuluh"
#: Words of the thesis that a report of another study must not contain (issue 17, acceptance).
THESIS_WORDS = (
    "Pesawaran",
    "PDP",
    "PLD",
    "X6",
    "X7",
    "29 butir",
    "29 items",
    "44 pendamping",
    "44 facilitators",
    "rekonstruksi",
)


def _report(data: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "p3md",
            "report",
            "--data",
            str(data),
            "--out",
            str(out),
            "--no-derived",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=1200,
    )


def _visible_text(html: str) -> str:
    """What a reader sees of a page: no scripts, styles, inline pictures or tags."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def test_missing_share_is_a_run_parameter_with_the_codebook_default():
    assert make_params().max_missing_share == 0.05  # data/codebook.yaml missing_data
    assert make_params(max_missing_share="0.1").max_missing_share == 0.1
    example = make_params(data_dir=EXAMPLE)
    assert example.codebook_path == (EXAMPLE / "codebook.yaml").resolve()
    assert example.max_missing_share == 0.10  # the example's own codebook
    with pytest.raises(ParameterError, match="max_missing_share"):
        make_params(max_missing_share="1.5")


@pytest.mark.e2e
def test_example_report_speaks_of_its_own_study(tmp_path):
    out = tmp_path / "r"
    done = _report(EXAMPLE, out)
    assert done.returncode == 0, done.stderr[-3000:]
    # the thesis layer is off: no Wioi, no reproduction, no audit chapter
    for stage in ("wioi", "reproduction", "audit"):
        assert f"{stage} ... left out" in done.stdout + done.stderr
    site = out / "site"
    pages = sorted(site.rglob("*.html"))
    assert not [p for p in pages if "wioi" in p.name or "reproduction" in p.name]
    for page in pages:
        text = _visible_text(page.read_text(encoding="utf-8", errors="replace"))
        found = [w for w in THESIS_WORDS if w in text]
        assert not found, f"{page.relative_to(site)}: {found}"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Nusa Makmur" in index and "data sintetis" in _visible_text(index)
    # the PDF has the codebook's name and none of the thesis's words
    pdf = site / "laporan-penyuluh-nusa-makmur.pdf"
    assert pdf.is_file()
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "Nusa Makmur" in text
    assert not [w for w in THESIS_WORDS if w in text]
    # one table per variable and per group, named from the codebook
    tables = {p.stem for p in (out / "tables").glob("*.csv")}
    assert {f"tbl-kelas-{v}" for v in ("x1", "x2", "x3", "x4", "y1", "y2", "y3", "y")} <= tables
    assert {"tbl-kw-status-pns", "tbl-kw-status-pppk", "tbl-kw-status-thl"} <= tables
    modes = (out / "tables" / "tbl-skoring-modus-x.csv").read_text(encoding="utf-8")
    assert "Sangat setuju (n)" in modes.splitlines()[0]  # one column per option, labelled
    # the notes say how many rows an analysis left out
    note = json.loads((out / "tables" / "tbl-spearman.json").read_text(encoding="utf-8"))["note"]
    assert re.search(r"\d+ dari 60 baris tidak diikutkan karena ada jawaban kosong", note)
    # ... the status tests too (Kruskal-Wallis per group and pooled, Dunn): rows of the
    # village ratings with an empty answer, counted over the rows each table analyses
    left_out = r"\d+ dari \d+ baris tidak diikutkan karena ada jawaban kosong"
    for label in ("tbl-kw-status-pns", "tbl-kw-status-gabungan", "tbl-dunn-status"):
        sidecar = json.loads((out / "tables" / f"{label}.json").read_text(encoding="utf-8"))
        ranks = label.replace("kw-status", "ranking-status")
        assert re.search(left_out, sidecar["note"]), (label, sidecar["note"])
        if (out / "tables" / f"{ranks}.json").is_file():  # the same rows as its mean ranks
            same = json.loads((out / "tables" / f"{ranks}.json").read_text(encoding="utf-8"))
            assert re.search(left_out, same["note"])[0] == re.search(left_out, sidecar["note"])[0]


@pytest.mark.e2e
def test_a_third_study_from_code_runs_every_stage(tmp_path):
    data = tmp_path / "studi"
    four_point_study(data)
    out = tmp_path / "r"
    done = _report(data, out, "--no-pdf")
    assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ran = {s["name"]: s["status"] for s in manifest["stages"]}
    assert {k for k, v in ran.items() if v == "ran"} == {
        "sampling",
        "scoring",
        "instrument",
        "descriptive",
        "hypotheses",
    }
    beda = (out / "tables" / "tbl-beda-peran.csv").read_text(encoding="utf-8")
    assert "Guru" in beda and "Kepala" in beda  # two groups: Mann-Whitney beside KW
    reliab = list(csv.DictReader((out / "tables" / "tbl-reliabilitas.csv").open()))
    assert len(reliab) == 2  # X1 and the composite Y (Y1 + Y2)


@pytest.mark.e2e
def test_one_missing_answer_among_44_is_stated_and_the_limit_is_a_parameter(tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(PROJECT_ROOT / "data" / "raw", data)
    path = data / "facilitators.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    col = rows[0].index("x7_3")
    rows[5][col] = ""  # one unanswered item: facilitator 5's X7 total is missing
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    out = tmp_path / "r"
    done = _report(data, out, "--only", "hypotheses", "--no-site")
    assert done.returncode == 0, done.stderr[-3000:]
    note = json.loads((out / "tables" / "tbl-spearman.json").read_text(encoding="utf-8"))["note"]
    assert "1 dari 44 baris tidak diikutkan karena ada jawaban kosong (X7" in note
    # a stricter limit refuses the analysis and says how to set it for the run
    strict = _report(
        data,
        tmp_path / "strict",
        "--only",
        "hypotheses",
        "--no-site",
        "--set",
        "max_missing_share=0.01",
    )
    # the run's limit reaches the input gate, which names the file, column and row
    assert strict.returncode == 1
    assert "facilitators.csv" in strict.stderr and "'x7_3': row 6" in strict.stderr
    assert "at most 1% of the answers may be missing" in strict.stderr


def test_a_refused_analysis_says_how_to_raise_the_limit():
    import pandas as pd

    from p3md.stats._checks import drop_incomplete
    from p3md.stats.errors import StatsInputError

    data = pd.DataFrame({"x": [1.0, None, 3.0, 4.0], "y": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(StatsInputError, match=r"--set max_missing_share=0\.26"):
        drop_incomplete(data, "spearman x ~ y", 0.05)
    assert len(drop_incomplete(data, "spearman x ~ y", 0.3)) == 3


GUIDE = PROJECT_ROOT / "pages" / "menyesuaikan.qmd"


def _guide_block(marker: str) -> str:
    """The fenced block right after ``<!-- guide-test: marker -->`` in the student guide."""
    after = GUIDE.read_text(encoding="utf-8").split(f"<!-- guide-test: {marker}", 1)[1]
    return after.split("```", 2)[1].split("\n", 1)[1]


def test_guide_codebook_excerpt_is_the_example_s():
    import yaml

    from p3md.codebook import read_yaml

    excerpt = yaml.safe_load(_guide_block("own-study-codebook"))
    example = read_yaml(EXAMPLE / "codebook.yaml")
    assert excerpt and all(example[key] == value for key, value in excerpt.items())


def test_guide_commands_run(tmp_path, capsys):
    import shlex

    from p3md.cli import main

    lines = [ln for ln in _guide_block("own-study-commands").splitlines() if ln.strip()]
    for line in lines:
        words = shlex.split(line)
        if words[:3] == ["python", "-m", "p3md"]:
            words = [str(tmp_path / w) if w.endswith(".xlsx") else w for w in words]
            assert main(words[3:]) == 0, capsys.readouterr().err
        else:  # run end to end by test_example_report_speaks_of_its_own_study
            assert words == ["make", "report", "DATA=examples/penyuluh", "OUT=reports-penyuluh"]
    assert (tmp_path / "isian-penyuluh.xlsx").is_file()


def test_a_computed_caption_goes_to_its_own_table_only():
    """smalldocs: the marked caption paragraph of a div float becomes its table's <caption>;
    a cell float before it (captioned by tbl-cap, also a div with an id) keeps its own."""
    from p3md.reporting.floats import TableFloat
    from p3md.site.postprocess import div_float_captions

    class Shown:
        label = "tbl-kelas-x1"

        def _repr_html_(self):
            table = "<table class='gt'><tr><td>1</td></tr></table>"
            return f"<div>\n<style>\n\n.t{{}}</style>{table}\n</div>"

    markdown = TableFloat(Shown(), "Sebaran [X1] *a*")._repr_markdown_()
    assert markdown.startswith("::: {#tbl-kelas-x1}\n") and "\n\n" not in markdown.split("\n\n[")[0]
    assert "[Sebaran \\[X1\\] \\*a\\*]{.p3md-float-caption}" in markdown
    html = (
        '<div class="cell" id="tbl-butir-total"><table><caption>Butir</caption></table></div>'
        '<div id="tbl-kelas-x1"><table class="gt"></table>'
        '<p><span class="p3md-float-caption">Sebaran X1</span></p></div>'
    )
    out = div_float_captions(html)
    assert "<table><caption>Butir</caption></table>" in out
    assert '<table class="gt"><caption>Sebaran X1</caption></table>' in out


def test_check_does_not_ask_for_the_wioi_files_a_study_lacks(tmp_path):
    """`p3md check` on the thesis's codebook and a folder without the Wioi files: the files
    a stage reads only when present (stages.yaml only_if) are not asked for."""
    from p3md.pipeline.check import check_data_dir

    for name in ("village_frame", "facilitators", "official_ratings", "expert_ratings", "pilot"):
        shutil.copy2(PROJECT_ROOT / "data" / "raw" / f"{name}.csv", tmp_path)
    report = check_data_dir(tmp_path, PROJECT_ROOT / "data" / "codebook.yaml")
    assert report.failure is None, report.failure
    assert "wioi_tests.csv: absent (optional: its chapter is left out)" in report.lines
