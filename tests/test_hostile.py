"""The hostile corpus (issue 19, Deliver 8), rendered: payloads in every string field of the
data, the design, the codebook and a form export's mapping, in as few pipeline runs as possible
(one single-district run with every rendering payload at once, one two-district run).

For each site: every page opened in headless Chromium, the site's search asked for the
payloads' word, no dialog (every payload calls ``alert``), no element carrying a payload's
event handler or ``javascript:`` URL, the payloads shown as literal text; every CSV/XLSX
download free of formula cells; the PDF and the Word copy made (a payload must not cost the
reader either) and holding the names as text. Payloads the input side
refuses by design (:data:`corpus.hostile.REFUSED`) must end in one clear message.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))
import hostile_support as hs  # noqa: E402
from corpus import hostile  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

if hs.CHROMIUM is None:
    pytest.skip("Chromium is not installed (make browser-deps)", allow_module_level=True)
pytest.importorskip("playwright.sync_api")


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """One run with every rendering payload (data folder with design.yaml, its own codebook,
    a form export with mapping.yaml)."""
    from p3md.pipeline.params import make_params
    from p3md.pipeline.runner import run_pipeline
    from p3md.pipeline.stages import DISTRICT_STAGES
    from p3md.site.step import SiteStep

    root = tmp_path_factory.mktemp("hostile")
    data, codebook = hostile.build_single(root)
    before = _digest(data)
    params = make_params(
        data_dir=str(data), out_dir=str(root / "reports"), codebook_path=str(codebook)
    )
    result = run_pipeline(params, stages=DISTRICT_STAGES, derived_dir=None, renderer=SiteStep())
    return result, data, before


@pytest.fixture(scope="module")
def multi(tmp_path_factory, districts_data):
    """Two districts whose design.yaml names, province and a kecamatan carry payloads."""
    from p3md.pipeline.districts import run_districts
    from p3md.site.step import SiteStep

    root = tmp_path_factory.mktemp("hostile-districts")
    data = hostile.build_districts(root / "data", districts_data)
    lines: list[str] = []
    result = run_districts(data, root / "reports", {}, renderer=SiteStep(), echo=lines.append)
    return result, root / "reports", lines


def test_single_run_renders_every_payload_safely(single, tmp_path):
    result, data, before = single
    assert result.success, result.message
    site = result.out_dir / "site"
    # no output lost: the PDF exists (a name such as <img src=x> once cost it)
    assert result.manifest["pdf"] and (result.out_dir / result.manifest["pdf"]["path"]).is_file()
    assert hs.formula_cells(site) == []
    # the run folder keeps the tidy values (stages and tests read them); the inputs untouched
    tidy = (result.out_dir / "tables" / "tbl-sampel-kecamatan.csv").read_text(encoding="utf-8")
    assert '"=HYPERLINK(""http://x.invalid"",""y"")"' in tidy
    assert _digest(data) == before
    shots = {"0/pages/metode.html": result.out_dir / "screenshots" / "hostile-metode.png"}
    shots["0/pages/metode.html"].parent.mkdir(exist_ok=True)
    visit = hs.browse([site], tmp_path / "profile", shots)
    assert len(visit.pages) >= 10
    assert visit.searched > 0  # the search box showed pages holding payloads, and ran none
    assert visit.dialogs == [], visit.dialogs
    assert visit.planted == [], visit.planted
    # the payloads are shown as the text they are (not run, not swallowed, not reformatted)
    method = visit.texts["0/pages/metode.html"]
    for name in ("script_tag", "img_onerror", "svg_onload", "formula_dde", "md_shortcode"):
        assert hostile._p(name) in method, name
    assert f"per kecamatan, {hostile._p('body_onload')}" in method
    everywhere = "\n".join(visit.texts.values())
    shown = " ".join(everywhere.split())  # a tab or line break shows as a space
    missing = [
        p.name
        for p in hostile.placements()
        if " ".join(p.text.split()) not in shown and p.name not in hostile.NOT_SHOWN
    ]
    assert missing == []


def test_single_run_pdf_holds_the_names_as_text(single):
    pdfplumber = pytest.importorskip("pdfplumber")
    result, _, _ = single
    with pdfplumber.open(result.out_dir / result.manifest["pdf"]["path"]) as pdf:
        words = " ".join(page.extract_text() or "" for page in pdf.pages)
    words = " ".join(words.split())
    assert "<script>alert(9001)</script>" in words
    assert "<img src=x onerror=alert(9002)>" in words


def test_single_run_word_copy_holds_the_names_as_text(single):
    docx = pytest.importorskip("docx")
    result, _, _ = single
    [path] = sorted((result.out_dir / "site").glob("*.docx"))
    doc = docx.Document(path)
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    words = " ".join(" ".join(texts).split())
    for name in ("script_tag", "img_onerror", "typst_eval", "md_shortcode", "md_citation"):
        assert hostile._p(name) in words, name


def test_multi_district_run_renders_payloads_safely(multi, tmp_path):
    result, reports, lines = multi
    assert result.success, result.message
    sites = [reports / "site"] + sorted((reports / "districts").glob("*/site"))
    assert len(sites) == 3
    for site in sites:
        assert hs.formula_cells(site) == [], site
    visit = hs.browse(sites, tmp_path / "profile")
    assert visit.dialogs == [], visit.dialogs
    assert visit.planted == [], visit.planted
    everywhere = "\n".join(visit.texts.values())
    assert "<script>alert(9001)</script> Kab A" in everywhere
    assert "<img src=x onerror=alert(9002)> Kab B" in everywhere
    assert not list((reports / "districts" / ".p3md-work").glob("staging-*"))


@pytest.mark.parametrize("case", hostile.REFUSED, ids=str)
def test_refused_payloads_end_in_one_clear_message(case, tmp_path):
    """The input side's refusals (secinput's lane): one message naming the file, no traceback,
    nothing of an outside file echoed."""
    import subprocess

    data = tmp_path / "data"
    shutil.copytree(hostile.RAW, data)
    secret = tmp_path / "secret.csv"
    secret.write_text("facilitator_id,role\nTOPSECRET-42,PLD\n", encoding="utf-8")
    if case.name == "nul_in_value":
        path = data / "village_frame.csv"
        path.write_text(path.read_text().replace("Padang Cermin", case.text, 1))
        file = "village_frame.csv"
    elif case.name.startswith("mapping_source"):
        target = case.text if case.name.endswith("absolute") else os.path.relpath(secret, data)
        if case.name.endswith("absolute"):
            target = str(secret)
        (data / "mapping.yaml").write_text(
            f"version: 1\nfiles:\n  facilitators:\n    source: {target}\n    columns: []\n"
        )
        file = "mapping.yaml"
    elif case.name == "codebook_cr_label":  # the data folder's own codebook
        cb = yaml.safe_load(hostile.CODEBOOK.read_text(encoding="utf-8"))
        cb["variables"]["X4"]["categories"][0]["label"] = case.text
        (data / "codebook.yaml").write_text(yaml.safe_dump(cb, allow_unicode=True))
        file = "codebook.yaml"
    else:
        (data / "design.yaml").write_text(f"district: {case.text}\n")
        file = "design.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "p3md", "check", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert file in out and "Traceback" not in out
    if case.name == "codebook_cr_label":
        assert "variables.X4.categories[0].label: the text holds a control character" in out
    assert "TOPSECRET" not in out
