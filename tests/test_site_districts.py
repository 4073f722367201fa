"""The book of a partial run: a district's chapters only, its name in the title, and the
multi-district page that links every district's own site."""

from __future__ import annotations

import json
import shutil

import yaml

from p3md import PROJECT_ROOT
from p3md.site.pages import district_links
from p3md.site.render import book_pages, fit_book, load_config


def _run_folder(tmp_path, notebooks, parameters):
    run = tmp_path / "run"
    (run / "notebooks").mkdir(parents=True)
    (run / "pages").mkdir()
    shutil.copy2(PROJECT_ROOT / "_quarto.yml", run / "_quarto.yml")
    for name in notebooks:
        (run / "notebooks" / name).write_text("{}", encoding="utf-8")
    (run / "manifest.json").write_text(json.dumps({"parameters": parameters}), encoding="utf-8")
    return run


def test_a_district_book_keeps_its_own_chapters_and_names_the_district(tmp_path):
    data = tmp_path / "kab"
    data.mkdir()
    (data / "design.yaml").write_text("district: Kabupaten Mesuji\n", encoding="utf-8")
    run = _run_folder(tmp_path, ["01_sampling.ipynb", "02_scoring.ipynb"], {"data_dir": str(data)})
    fit_book(run)
    cfg = load_config(run / "_quarto.yml")
    chapters = [src for src, _ in book_pages(cfg, run)]
    assert "notebooks/01_sampling.ipynb" in chapters and "notebooks/02_scoring.ipynb" in chapters
    assert not any(c.startswith("notebooks/0") and c[10:12] > "02" for c in chapters)
    parts = [c.get("part") for c in cfg["book"]["chapters"] if isinstance(c, dict)]
    assert parts == ["Hasil Penelitian"]  # the Wioi and reproduction parts are empty: gone
    assert cfg["book"]["title"].endswith("di Kabupaten Mesuji")
    assert "pages/kabupaten.qmd" not in chapters


def test_the_multi_district_book_links_every_district(tmp_path):
    districts = tmp_path / "out" / "districts"
    districts.mkdir(parents=True)
    index = {
        "districts": [
            {"slug": "a", "name": "Kabupaten A", "status": "ok", "message": "", "run_dir": "a"},
            {
                "slug": "b",
                "name": "Kabupaten B",
                "status": "failed",
                "message": "file pilot.csv, column pd04: constant",
                "run_dir": "b",
            },
        ]
    }
    (districts / "districts.json").write_text(json.dumps(index), encoding="utf-8")
    run = _run_folder(
        tmp_path, ["06_wioi.ipynb", "08_audit.ipynb"], {"districts_dir": str(districts)}
    )
    fit_book(run)
    cfg = yaml.safe_load((run / "_quarto.yml").read_text(encoding="utf-8"))
    assert cfg["book"]["chapters"][:2] == ["index.qmd", "pages/kabupaten.qmd"]
    assert cfg["book"]["title"].endswith("Kabupaten Pesawaran")  # no design: the thesis's
    page = (run / "pages" / "kabupaten.qmd").read_text(encoding="utf-8")
    assert page == district_links(index)
    assert "[laporan kabupaten](../../districts/a/site/index.html)" in page
    assert "2 kabupaten; 1 berhasil dan 1 gagal" in page
    assert "gagal: file pilot.csv, column pd04: constant" in page
