"""The seeded reconstruction: byte identity, schema, design and role consistency."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from p3md import PROJECT_ROOT
from p3md.codebook import load_codebook
from p3md.io.readers import read_raw_dir
from p3md.io.schema import file_schema
from p3md.reconstruction import generate

RAW = PROJECT_ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


@pytest.fixture(scope="module")
def raw(cb):
    return read_raw_dir(RAW, cb)


def test_generate_is_byte_identical_to_committed_data(tmp_path, cb):
    paths = generate(tmp_path)
    expected = [f.path for f in cb.files.values()] + ["provenance.yaml"]
    assert sorted(p.name for p in paths) == sorted(expected)
    for path in paths:
        assert path.read_bytes() == (RAW / path.name).read_bytes(), path.name


def test_other_seed_differs(tmp_path):
    generate(tmp_path, seed=1)
    assert (tmp_path / "official_ratings.csv").read_bytes() != (
        RAW / "official_ratings.csv"
    ).read_bytes()


def test_files_are_plain_utf8_comma_lf(cb):
    for spec in cb.files.values():
        data = (RAW / spec.path).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        assert (
            data.split(b"\n")[0].decode().split(",")
            == file_schema(cb, [k for k, v in cb.files.items() if v is spec][0]).names
        )


def test_row_counts(raw, cb):
    for key, spec in cb.files.items():
        if spec.expected_rows is not None:
            assert len(raw[key]) == spec.expected_rows, key
    assert len(raw["official_ratings"]) == 59 * 2 - 4  # Way Khilau's 4 villages have no PDP
    assert len(raw["wioi_satisfaction"]) == 120


def test_village_frame_design(raw, cb):
    vf = raw["village_frame"]
    assert vf["status"].value_counts().to_dict() == cb.design["status_counts"]
    kec = vf.groupby("kecamatan").size()
    assert all(kec[k["name"]] == k["villages"] for k in cb.design["kecamatan"])
    s = vf[vf["sampled"] == 1]
    assert s.groupby("kecamatan").size().to_dict() == {
        "Padang Cermin": 4,
        "Way Ratai": 4,
        "Negeri Katon": 8,
        "Gedong Tataan": 8,
        "Tegineneng": 7,
        "Way Lima": 7,
        "Punduh Pidada": 4,
        "Marga Punduh": 4,
        "Kedondong": 5,
        "Way Khilau": 4,
        "Teluk Pandan": 4,
    }
    counts = s["status"].value_counts()
    assert counts["Mandiri"] == 3 and counts.min() >= 2 and len(counts) == 4


def test_ratings_link_villages_and_facilitators(raw, cb):
    r, fac, vf = raw["official_ratings"], raw["facilitators"], raw["village_frame"]
    assert not r.duplicated(["village_id", "facilitator_id"]).any()
    assert set(fac["facilitator_id"]) == set(r["facilitator_id"])  # everyone rated at least once
    assert set(r["village_id"]) == set(vf.loc[vf["sampled"] == 1, "village_id"])
    merged = r.merge(fac[["facilitator_id", "role", "kecamatan"]], on="facilitator_id").merge(
        vf[["village_id", "kecamatan"]], on="village_id", suffixes=("", "_v")
    )
    assert (merged["kecamatan"] == merged["kecamatan_v"]).all()
    per_village = merged.groupby("village_id")["role"].agg(sorted)
    wk = set(vf.loc[vf["kecamatan"] == "Way Khilau", "village_id"])
    for vid, roles in per_village.items():
        assert roles == (["PLD"] if vid in wk else ["PDP", "PLD"])
    assert r.groupby("village_id")["official_id"].nunique().eq(1).all()
    assert raw["expert_ratings"]["expert_id"].nunique() == 1


def test_role_specific_items_empty_for_other_role(raw, cb):
    r = raw["official_ratings"].merge(
        raw["facilitators"][["facilitator_id", "role"]], on="facilitator_id"
    )
    for item in cb.items_for("Y1") + cb.items_for("Y2"):
        for role in cb.roles:
            col = r.loc[r["role"] == role, item.id]
            assert col.notna().all() if role in item.roles else col.isna().all(), (item.id, role)


def test_x5_and_distances_consistent_with_role(raw):
    fac = raw["facilitators"]
    pld, pdp = fac[fac["role"] == "PLD"], fac[fac["role"] == "PDP"]
    assert pld["x5"].between(1, 6).all() and pdp["x5"].between(5, 19).all()
    km = ["x6_1", "x6_2", "x6_3"]
    assert pld[km].stack().between(1, 15).all() and pdp[km].stack().between(4, 35).all()
    assert pdp[km].to_numpy().mean() > pld[km].to_numpy().mean()


def test_ids_follow_codebook_patterns(raw, cb):
    for key, spec in cb.files.items():
        for col, c in spec.columns.items():
            if c.pattern:
                assert raw[key][col].str.fullmatch(c.pattern).all(), (key, col)


def test_scale_multiplies_units_and_keeps_schema(tmp_path, cb):
    generate(tmp_path, scale=3)
    big = read_raw_dir(tmp_path, cb)
    small = read_raw_dir(RAW, cb)
    for key in ("village_frame", "facilitators", "official_ratings", "expert_ratings"):
        assert len(big[key]) == 3 * len(small[key]), key
        assert list(big[key].columns) == list(small[key].columns)
    assert big["facilitators"]["facilitator_id"].is_unique
    assert len(big["pilot"]) == 30 and len(big["wioi_tests"]) == 32


def test_scale_1000_is_fast(tmp_path):
    import time

    start = time.perf_counter()
    generate(tmp_path, scale=1000)
    assert time.perf_counter() - start < 30
    n = sum(1 for _ in open(tmp_path / "facilitators.csv")) - 1
    assert n == 44_000
    km = pd.read_csv(tmp_path / "facilitators.csv", usecols=["role", "x6_1"])
    assert np.isfinite(km["x6_1"]).all()


def test_generator_declares_the_reconstruction(tmp_path):
    # The data notice follows the folder's declaration, never its name (issue 17).
    from p3md.codebook.provenance import data_kind
    from p3md.reporting.text import data_notice

    assert data_kind(RAW) == "reconstruction"
    assert "rekonstruksi" in data_notice(RAW, "id")
    assert data_kind(tmp_path) == "real" and data_notice(tmp_path, "id") == ""
    (tmp_path / "provenance.yaml").write_text("data_kind: synthetic\n", encoding="utf-8")
    assert "rekonstruksi" not in data_notice(tmp_path, "id")
    assert "sintetis" in data_notice(tmp_path, "id")
