"""The multi-district data: the generator, a district's own design, and layout detection."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from p3md import PROJECT_ROOT
from p3md.codebook import load_codebook
from p3md.pipeline.district import district_name
from p3md.pipeline.districts import district_folders, is_multi_district
from p3md.reconstruction.districts import (
    EFFECT_MAX,
    district_specs,
    sampled_status,
    table1_rows,
)

# Thesis, Table 1 (Kementerian Desa 2019), rows as printed: mandiri, maju, berkembang,
# tertinggal, sangat tertinggal, villages, mean IDM.
TABLE1_PRINTED = {
    "Lampung Barat": (2, 30, 85, 14, 0, 131, 0.5510),
    "Lampung Selatan": (0, 37, 206, 13, 0, 256, 0.6179),
    "Lampung Tengah": (0, 54, 221, 26, 0, 301, 0.6086),
    "Mesuji": (0, 14, 62, 26, 3, 105, 0.5658),
    "Pesawaran": (3, 12, 118, 11, 0, 144, 0.5833),
}


def test_table1_rows_are_the_printed_table():
    rows = {r["name"]: r for r in table1_rows()}
    assert len(rows) == 13 and "Jumlah" not in rows
    for name, (mandiri, maju, berk, tert, sangat, villages, idm) in TABLE1_PRINTED.items():
        r = rows[name]
        assert (r["mandiri"], r["maju"], r["berkembang"], r["tertinggal"]) == (
            mandiri,
            maju,
            berk,
            tert,
        )
        assert (r["sangat_tertinggal"], r["jumlah_desa"], r["idm"]) == (sangat, villages, idm)


def test_specs_follow_table1_and_extend_with_synthetic_districts():
    specs = district_specs(15)
    assert [s.synthetic for s in specs] == [False] * 13 + [True] * 2
    mesuji = next(s for s in specs if s.slug == "mesuji")
    # Sangat tertinggal counts as Tertinggal (the codebook's IDM scale has four classes).
    assert mesuji.status_counts == {"Maju": 14, "Berkembang": 62, "Tertinggal": 29}
    assert mesuji.villages == 105 == sum(mesuji.status_counts.values())
    assert all(abs(s.district_effect) <= EFFECT_MAX for s in specs)
    # Real heterogeneity: effects and gaps differ between districts.
    assert len({s.district_effect for s in specs}) >= 12  # a few are clipped at EFFECT_MAX
    assert len({s.pld_pdp_gap for s in specs}) == 15
    # The first districts do not depend on how many are asked for.
    assert district_specs(3) == specs[:3]
    assert len({s.slug for s in district_specs(434)}) == 434


def test_sampled_status_keeps_every_status_of_two_or_more_villages():
    counts = {"Mandiri": 1, "Maju": 3, "Berkembang": 200, "Tertinggal": 20}
    parts = sampled_status(counts, 67)
    assert parts["Mandiri"] == 0  # one village: a group of one cannot be tested
    assert parts["Maju"] == 2  # proportional share 1, raised to two
    assert "Berkembang" not in parts  # the largest status takes the rest
    assert parts["Tertinggal"] == round(20 * 67 / 224)


def test_generated_districts_have_their_own_frame_and_design(districts_data):
    folders = district_folders(districts_data)
    assert [f.name for f in folders] == ["lampung-barat", "lampung-selatan", "lampung-tengah"]
    index = yaml.safe_load((districts_data / "districts.yaml").read_text(encoding="utf-8"))
    assert [d["slug"] for d in index["districts"]] == [f.name for f in folders]
    for folder, truth in zip(folders, index["districts"], strict=True):
        cb = load_codebook(data_dir=folder)
        frame = pd.read_csv(folder / "village_frame.csv")
        facilitators = pd.read_csv(folder / "facilitators.csv")
        assert cb.design["district"] == district_name(folder) == truth["name"]
        assert len(frame) == cb.design["sampling"]["population_villages"] == truth["villages"]
        assert frame["status"].value_counts().to_dict() == cb.design["status_counts"]
        assert set(frame["kecamatan"]) == set(cb.kecamatan)
        assert len(facilitators) == cb.files["facilitators"].expected_rows
        # no switch: the printed Table 8 is compared only with the thesis's own kecamatan
        assert cb.design.get("compare_published") is None
    # Table 1's Lampung Barat row: 2 mandiri, 30 maju, 85 berkembang, 14 tertinggal.
    barat = load_codebook(data_dir=folders[0]).design["status_counts"]
    assert barat == {"Mandiri": 2, "Maju": 30, "Berkembang": 85, "Tertinggal": 14}


def test_generation_is_seeded(districts_data, tmp_path):
    from p3md.reconstruction.districts import generate_districts

    generate_districts(tmp_path / "again", n=1)
    for name in ("village_frame.csv", "facilitators.csv", "pilot.csv", "design.yaml"):
        a = (districts_data / "lampung-barat" / name).read_bytes()
        assert (tmp_path / "again" / "lampung-barat" / name).read_bytes() == a


def test_design_file_replaces_the_codebooks_design_only_there(tmp_path):
    folder = tmp_path / "kab"
    folder.mkdir()
    (folder / "design.yaml").write_text(
        "district: Kabupaten Contoh\n"
        "kecamatan:\n"
        "  - {name: A, villages: 7, PDP: 1, PLD: 2}\n"
        "  - {name: B, villages: 5, PDP: 0, PLD: 1}\n"
        "status_counts: {Berkembang: 12}\n"
        "expected_rows: {facilitators: 4}\n",
        encoding="utf-8",
    )
    cb = load_codebook(data_dir=folder)
    assert cb.kecamatan == ["A", "B"]
    assert cb.design["sampling"]["population_villages"] == 12  # from the kecamatan
    assert cb.design["sampling"]["error_margin"] == 0.10  # kept from the codebook
    assert cb.files["facilitators"].expected_rows == 4
    assert cb.allowed_values("design.kecamatan") == ["A", "B"]
    plain = load_codebook()
    assert plain.design["district"] == "Kabupaten Pesawaran" and len(plain.kecamatan) == 11
    assert load_codebook(data_dir=PROJECT_ROOT / "data" / "raw") is plain
    (folder / "design.yaml").write_text("kabupaten: salah\n", encoding="utf-8")
    with pytest.raises(ValueError, match="design.yaml.*unknown key .kabupaten.; allowed are"):
        load_codebook(data_dir=folder)


def test_layout_detection(districts_data, tmp_path):
    assert is_multi_district(districts_data)
    assert not is_multi_district(PROJECT_ROOT / "data" / "raw")
    assert not is_multi_district(districts_data / "mesuji")  # does not exist
    assert not is_multi_district(districts_data / "lampung-barat")  # one district's own folder
    mixed = tmp_path / "mixed"
    shutil.copytree(districts_data / "lampung-barat", mixed / "lampung-barat")
    (mixed / "notes").mkdir()  # a folder without raw files is not a district
    assert [f.name for f in district_folders(mixed)] == ["lampung-barat"]


def test_a_generated_district_passes_the_data_gates(districts_data):
    from p3md.pipeline.check import check_data_dir
    from p3md.pipeline.params import DEFAULT_CODEBOOK

    report = check_data_dir(districts_data / "lampung-tengah", DEFAULT_CODEBOOK)
    assert report.failure is None, str(report.failure)
