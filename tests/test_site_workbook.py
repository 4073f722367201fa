"""The one workbook of every table (issue 18, Deliver 8): one sheet per table with its caption,
the data notice, numbers as numbers, notes under the table, and no formula cell (issue 19)."""

import json

import openpyxl

from p3md.site.downloads import is_formula, write_workbook


def _table(run, label, rows, caption, note=""):
    (run / "tables").mkdir(parents=True, exist_ok=True)
    (run / "tables" / f"{label}.csv").write_text(
        "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8"
    )
    (run / "tables" / f"{label}.json").write_text(
        json.dumps({"label": label, "caption": caption, "note": note}), encoding="utf-8"
    )


def test_every_table_is_a_sheet_with_caption_notice_numbers_and_note(tmp_path):
    run = tmp_path / "run"
    _table(
        run,
        "tbl-kelas-x1",
        [["Kategori", "n", "%"], ["=HYPERLINK(1)", "7", "43.75"], ["Rendah", "-0.5", ""]],
        "Sebaran X1",
        note="Persentase dibulatkan.",
    )
    _table(run, "tbl-spearman", [["Kode", "rs"], ["X1", "1e-05"]], "Spearman")
    out = tmp_path / "site" / "downloads" / "tabel.xlsx"
    assert write_workbook(run, out, notice="Data rekonstruksi.") == 2
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["kelas-x1", "spearman"]
    ws = wb["kelas-x1"]
    assert ws["A1"].value == "Sebaran X1"
    assert ws["A2"].value == "Data rekonstruksi."
    assert [c.value for c in ws[4]] == ["Kategori", "n", "%"]
    # a formula-like label is text with a leading quote; numbers stay numbers, full precision
    assert ws["A5"].value == "'=HYPERLINK(1)" and ws["A5"].data_type == "s"
    assert ws["B5"].value == 7 and ws["C5"].value == 43.75
    assert ws["B6"].value == -0.5 and ws["C6"].value is None
    assert ws["A8"].value == "Persentase dibulatkan."
    assert wb["spearman"]["B5"].value == 1e-05
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f" and not is_formula(c.value)


def test_no_tables_no_workbook(tmp_path):
    assert write_workbook(tmp_path, tmp_path / "tabel.xlsx") == 0
    assert not (tmp_path / "tabel.xlsx").exists()


def test_sheet_names_stay_unique_within_excels_limit(tmp_path):
    run = tmp_path / "run"
    long = "tbl-" + "a" * 40
    _table(run, long, [["x"], ["1"]], "A")
    _table(run, long + "b", [["x"], ["2"]], "B")
    out = tmp_path / "t.xlsx"
    write_workbook(run, out)
    names = openpyxl.load_workbook(out).sheetnames
    assert len(names) == 2 and len(set(names)) == 2 and all(len(n) <= 31 for n in names)
