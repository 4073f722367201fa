"""Readers: CSV dialects, BOM, xlsx, labels, personal fields and readable errors."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from p3md import PROJECT_ROOT
from p3md.codebook import load_codebook
from p3md.io.errors import RawDataError
from p3md.io.readers import read_raw_dir, read_raw_file

RAW = PROJECT_ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


@pytest.fixture(scope="module")
def original(cb):
    return read_raw_dir(RAW, cb)


@pytest.fixture()
def copy_dir(tmp_path):
    dst = tmp_path / "raw"
    shutil.copytree(RAW, dst)
    return dst


def _assert_same(a: dict, b: dict):
    assert a.keys() == b.keys()
    for key in a:
        pd.testing.assert_frame_equal(a[key], b[key], check_exact=True, obj=key)


def test_reads_all_files_with_codebook_keys_and_types(original, cb):
    assert list(original) == list(cb.files)
    fac = original["facilitators"]
    assert len(fac) == 44
    assert str(fac["x1"].dtype) == "Int64" and str(fac["x6_1"].dtype) == "float64"
    assert str(fac["role"].dtype) == "string"
    ratings = original["official_ratings"]
    pld_rows = ratings["pd09_pdp"].isna()
    assert ratings.loc[pld_rows, "pd09_pld"].notna().all()  # role-specific items stay NA


def test_semicolon_decimal_comma_copy_reads_identically(copy_dir, cb, original):
    for path in copy_dir.glob("*.csv"):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        path.unlink()
        df.apply(lambda s: s.str.replace(".", ",", regex=False)).to_csv(
            copy_dir / path.name, sep=";", index=False
        )
    assert ";" in (copy_dir / "facilitators.csv").read_text().splitlines()[0]
    assert "," in (copy_dir / "facilitators.csv").read_text().splitlines()[1]  # decimal commas
    _assert_same(read_raw_dir(copy_dir, cb), original)


def test_bom_crlf_and_padded_copy_reads_identically(copy_dir, cb, original):
    for path in copy_dir.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        header = ",".join(f"  {h} " for h in lines[0].split(","))  # stray spaces in headers
        path.write_bytes(("\r\n".join([header, *lines[1:]]) + "\r\n").encode("utf-8-sig"))
    assert (copy_dir / "pilot.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    _assert_same(read_raw_dir(copy_dir, cb), original)


def test_xlsx_copy_reads_identically(copy_dir, cb, original):
    for path in copy_dir.glob("*.csv"):
        df = pd.read_csv(path)
        path.unlink()
        with pd.ExcelWriter(copy_dir / f"{path.stem}.xlsx") as writer:
            pd.DataFrame({"catatan": ["cover sheet"]}).to_excel(
                writer, sheet_name="Info", index=False
            )
            df.to_excel(writer, sheet_name="Data", index=False)
    _assert_same(read_raw_dir(copy_dir, cb), original)


def test_xlsx_without_matching_sheet_names_sheets(copy_dir, cb):
    (copy_dir / "pilot.csv").unlink()
    pd.DataFrame({"a": [1]}).to_excel(copy_dir / "pilot.xlsx", sheet_name="Lembar1", index=False)
    with pytest.raises(RawDataError) as err:
        read_raw_file(copy_dir, cb, "pilot")
    assert "Lembar1" in str(err.value)


def test_label_variants_map_to_canonical(copy_dir, cb):
    fac = pd.read_csv(copy_dir / "facilitators.csv", dtype=str, keep_default_na=False)
    pld = fac.index[fac["role"] == "PLD"]
    pdp = fac.index[fac["role"] == "PDP"]
    fac.loc[pld[:3], "role"] = ["pld", "P.L.D.", " Pendamping Lokal Desa "]
    fac.loc[pdp[:2], "role"] = ["p d p", "Pendamping Desa Pemberdaya"]
    fac.to_csv(copy_dir / "facilitators.csv", index=False)
    vf = pd.read_csv(copy_dir / "village_frame.csv", dtype=str, keep_default_na=False)
    maju = vf.index[vf["status"] == "Maju"][0]
    vf.loc[maju, "status"] = "desa maju"
    vf.to_csv(copy_dir / "village_frame.csv", index=False)
    out = read_raw_file(copy_dir, cb, "facilitators")
    assert out.loc[pld[:3], "role"].tolist() == ["PLD"] * 3
    assert out.loc[pdp[:2], "role"].tolist() == ["PDP"] * 2
    assert read_raw_file(copy_dir, cb, "village_frame").loc[maju, "status"] == "Maju"


def test_unknown_label_names_file_column_rows(copy_dir, cb):
    fac = pd.read_csv(copy_dir / "facilitators.csv", dtype=str, keep_default_na=False)
    fac.loc[[4, 9], "role"] = ["Fasilitator", "TA"]
    fac.to_csv(copy_dir / "facilitators.csv", index=False)
    with pytest.raises(RawDataError) as err:
        read_raw_file(copy_dir, cb, "facilitators")
    e = err.value
    assert (e.file, e.column, e.rows, e.values) == (
        "facilitators.csv",
        "role",
        [6, 11],
        ["Fasilitator", "TA"],
    )
    msg = str(e)
    assert "\n" not in msg and "facilitators.csv" in msg and "'role'" in msg and "6, 11" in msg
    assert e.to_dict()["rows"] == [6, 11]


def test_text_in_numeric_column_is_not_coerced(copy_dir, cb):
    fac = pd.read_csv(copy_dir / "facilitators.csv", dtype=str, keep_default_na=False)
    fac.loc[0, "x2_1"] = "dua"
    fac.loc[1, "x2_1"] = "-"  # a missing-answer marker is fine
    fac.loc[2, "x2_1"] = "NA"
    fac.to_csv(copy_dir / "facilitators.csv", index=False)
    with pytest.raises(RawDataError) as err:
        read_raw_file(copy_dir, cb, "facilitators")
    assert err.value.column == "x2_1" and err.value.rows == [2] and err.value.values == ["dua"]
    fac.loc[0, "x2_1"] = ""
    fac.to_csv(copy_dir / "facilitators.csv", index=False)
    out = read_raw_file(copy_dir, cb, "facilitators")
    assert out["x2_1"].iloc[:3].isna().all() and out["x2_1"].iloc[3:].notna().all()


def test_personal_fields_never_appear_in_output(copy_dir, cb):
    fac = pd.read_csv(copy_dir / "facilitators.csv", dtype=str, keep_default_na=False)
    fac.insert(1, "Nama Lengkap", [f"Budi Santoso {i}" for i in range(len(fac))])
    fac["No HP"] = "0812-3456-7890"
    fac["catatan"] = "rumah dekat masjid"
    fac.to_csv(copy_dir / "facilitators.csv", index=False)
    out = read_raw_file(copy_dir, cb, "facilitators")
    text = out.to_csv(index=False)
    assert "Budi" not in text and "0812" not in text and "masjid" not in text
    assert set(out.attrs["personal_fields_dropped"]) == {"Nama Lengkap", "No HP", "catatan"}
    assert list(out.columns) == list(read_raw_file(RAW, cb, "facilitators").columns)


def test_never_writes_into_data_dir(copy_dir, cb):
    before = {p: p.stat().st_mtime_ns for p in copy_dir.iterdir()}
    read_raw_dir(copy_dir, cb)
    assert {p: p.stat().st_mtime_ns for p in copy_dir.iterdir()} == before


@pytest.mark.parametrize(
    "damage,rule",
    [
        (lambda p: p.unlink(), "missing"),
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text(p.read_text().splitlines()[0] + "\n"), "no data rows"),
        (lambda p: p.write_text(p.read_text().replace("wave,", "gelombang,")), "wave"),
        (lambda p: p.write_bytes(p.read_text().encode("utf-16")), "UTF-16"),
        (lambda p: p.write_bytes(p.read_bytes().replace(b"before", b"sebelum\xe9", 1)), "Latin-1"),
    ],
)
def test_structural_problems_raise(copy_dir, cb, damage, rule):
    damage(copy_dir / "wioi_satisfaction.csv")
    with pytest.raises(RawDataError) as err:
        read_raw_file(copy_dir, cb, "wioi_satisfaction")
    assert rule in str(err.value)
    assert "Fix:" in str(err.value)


def test_latin1_error_gives_line(copy_dir, cb):
    path = copy_dir / "wioi_satisfaction.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"before", b"b\xe9fore")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(RawDataError) as err:
        read_raw_file(copy_dir, cb, "wioi_satisfaction")
    assert err.value.rows == [5]


def test_error_to_dict_round_trip():
    e = RawDataError("a.csv", "x", [2, 3], ["q", 1.5], "must be a number", "correct it")
    d = e.to_dict()
    assert d["file"] == "a.csv" and d["values"] == ["q", 1.5] and d["message"] == str(e)
    assert "rows 2, 3 (header = row 1)" in str(e)
