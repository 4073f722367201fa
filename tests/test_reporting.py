"""p3md.reporting: tables and figures are written where the run folder expects them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from p3md.reporting import (
    format_number,
    read_table,
    save_table,
    text,
)


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {"Variabel": ["X2", "X3"], "n": [30, 1200], "r": [0.3614, 0.9], "p": [0.0004, 0.25]}
    )


def test_save_table_writes_machine_readable_csv_and_sidecar(tmp_path, table):
    shown = save_table(table, "tbl-validitas-x", out_dir=tmp_path, note="Sumber: data rekonstruksi")
    csv = tmp_path / "tables" / "tbl-validitas-x.csv"
    assert csv.exists()
    raw = csv.read_text(encoding="utf-8")
    assert "0.3614" in raw and "0,3614" not in raw  # '.' decimals, full precision
    back = read_table(tmp_path, "tbl-validitas-x")
    pd.testing.assert_frame_equal(back, table, check_dtype=False)
    meta = json.loads((tmp_path / "tables" / "tbl-validitas-x.json").read_text(encoding="utf-8"))
    assert meta["caption"] is None  # outside a notebook cell there is no #| tbl-cap to read
    # display: Indonesian decimal comma, p below 0.001, thousands with '.'
    html = shown._repr_html_()
    assert "0,361" in html and "&lt;\u00a00,001" in html and "1.200" in html
    assert "<table" in html and "Sumber: data rekonstruksi" in html
    assert "<caption" not in html  # the caption comes from the cell's tbl-cap
    # HTML only: a Markdown output beside it would be what Quarto's Typst path prints.
    assert not hasattr(shown, "_repr_markdown_")


def test_save_table_flags_are_highlighted_and_recorded(tmp_path, table):
    flags = pd.DataFrame(False, index=table.index, columns=table.columns)
    flags.loc[1, "n"] = True
    shown = save_table(table, "tbl-validitas-x", out_dir=tmp_path, flags=flags)
    html = shown._repr_html_()
    assert "1.200 †" in html and "background-color: #fde2c8" in html
    assert html.count("†") == 1
    meta = json.loads((tmp_path / "tables" / "tbl-validitas-x.json").read_text(encoding="utf-8"))
    assert meta["flagged"] == [[1, "n"]]


@pytest.mark.parametrize("label", ["fig-x", "tbl_x", "Tbl-x", "tbl-", "tbl-a--b", "table-x", ""])
def test_save_table_rejects_invalid_labels(tmp_path, table, label):
    with pytest.raises(ValueError):
        save_table(table, label, "Tabel 1. x", out_dir=tmp_path)


def test_save_table_needs_out_dir(tmp_path, table):
    with pytest.raises(ValueError, match="out_dir"):
        save_table(table, "tbl-validitas-x")
    # any valid label with an explicit caption: no second list of captions to register in
    save_table(table, "tbl-tidak-terdaftar", "Contoh", out_dir=tmp_path)
    meta = json.loads((tmp_path / "tables" / "tbl-tidak-terdaftar.json").read_text("utf-8"))
    assert meta["caption"] == "Contoh"
    assert (tmp_path / "tables" / "tbl-tidak-terdaftar.csv").exists()


def test_save_figure_writes_png_and_svg(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from p3md.reporting import save_figure

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 2])
    fig.set_size_inches(4, 3)
    returned = save_figure(fig, "fig-wioi-berpasangan", tmp_path)
    assert returned.figure is fig
    png = tmp_path / "figures" / "fig-wioi-berpasangan.png"
    svg = tmp_path / "figures" / "fig-wioi-berpasangan.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The notebook shows the saved file (no third render), at the size of a 100-dpi render.
    data, size = returned._repr_png_()
    assert data == png.read_bytes()
    assert 0.8 * 400 <= size["width"] <= 400 and 0.8 * 300 <= size["height"] <= 300
    assert "<svg" in svg.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        save_figure(fig, "tbl-bukan-gambar", tmp_path)


def test_figure_functions_use_indonesian_labels(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from p3md.reporting import figures

    scores = pd.DataFrame(
        {"participant_id": ["W01", "W02", "W03"], "pre": [50, 60, 70], "post": [80, 85, 90]}
    )
    fig = figures.plot_paired_lines(scores)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Skor tes (0-100)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Pre-test", "Post-test"]
    figures.save_figure(fig, "fig-wioi-berpasangan", tmp_path)


def test_save_table_records_the_caption_of_the_cell_that_calls_it(tmp_path):
    """The caption is typed once, in the cell's ``#| tbl-cap:``; the sidecar reads it from the
    running cell (IPython's input history), and only for the cell's own label."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        cell = (
            "#| label: tbl-validitas-x\n"
            '#| tbl-cap: "Hasil uji validitas (Tabel 9 tesis)"\n'
            "import pandas as pd\n"
            "from p3md.reporting import save_table\n"
            f"save_table(pd.DataFrame({{'a': [1]}}),"
            f" 'tbl-validitas-x', out_dir={str(tmp_path)!r})\n"
            f"save_table(pd.DataFrame({{'a': [2]}}),"
            f" 'tbl-validitas-y', out_dir={str(tmp_path)!r})\n"
        )
        assert shell.run_cell(cell, store_history=True).success  # as a kernel runs a cell
    finally:
        InteractiveShell.clear_instance()
    meta = json.loads((tmp_path / "tables" / "tbl-validitas-x.json").read_text(encoding="utf-8"))
    assert meta["caption"] == "Hasil uji validitas (Tabel 9 tesis)"
    other = json.loads((tmp_path / "tables" / "tbl-validitas-y.json").read_text(encoding="utf-8"))
    assert other["caption"] is None


def test_format_number_is_indonesian_by_default():
    assert format_number(0.361) == "0,361"
    assert format_number(1234567) == "1.234.567"
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(0.0002, p_value=True) == "< 0,001"
    assert format_number(float("nan")) == "–"
    assert format_number(0.361, lang="en") == "0.361"


def test_sentences_are_computed_from_values():
    assert text.category_sentence("Kinerja PLD", "Baik", median=75.0) == (
        "Kinerja PLD termasuk kategori Baik (median 75)."
    )
    s = text.decision_sentence("antara X2 dan Y", 0.006, 0.10, statistic="rs = 0,41")
    assert s.startswith("Terdapat hubungan yang nyata") and "p = 0,006" in s and "α = 0,10" in s
    assert text.decision_sentence("antara X5 dan Y", 0.4, 0.10).startswith("Tidak terdapat")
    assert text.join_list(["X2", "X4", "X7"]) == "X2, X4 dan X7"
    assert "tidak mengubah" in text.adjustment_sentence([])
    assert "data rekonstruksi" in text.reconstruction_notice()


def _header_rows(html: str) -> list[list[tuple[str, str, str]]]:
    """(text, colspan, rowspan) of every header cell, row by row."""
    import re

    thead = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", thead, re.S):
        cells = re.findall(r'<th[^>]*rowspan="(\d+)" colspan="(\d+)"[^>]*>(.*?)</th>', tr, re.S)
        rows.append([(re.sub(r"<[^>]+>|\s+", " ", t).strip(), c, r) for r, c, t in cells])
    return rows


def test_display_groups_headers_rows_and_hides_repeated_keys(tmp_path):
    """Spanners from "Group: label" / "Group (label)" names, row groups from a first-row-only
    column, a Kode column left out when the name already carries it; the CSV keeps all."""
    table = pd.DataFrame(
        {
            "Variabel": ["Umur (X1)", "", "", "Motivasi (X3)", ""],
            "Kode": ["X1", "X1", "X1", "X3", "X3"],
            "n": [44, 44, 44, 44, 44],
            "Gabungan: rs": [0.1, 0.25, 0.2, -0.3, 0.0],
            "Gabungan: p": [0.01, 0.0001, 0.2, 0.5, 1.0],
            "PDP (n)": [3, 4, 5, 6, 7],
            "PDP (%)": [10.0, 20.5, 30.25, 1.0, 2.0],
            "Lulus pre-test (%)": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    shown = save_table(table, "tbl-spearman", out_dir=tmp_path)
    html = shown._repr_html_()
    top, sub = _header_rows(html)
    assert ("Gabungan", "2", "1") in top and ("PDP", "2", "1") in top
    assert ("n", "1", "2") in top and ("Lulus pre-test (%)", "1", "2") in top
    assert [t for t, _, _ in sub] == ["rs", "p", "n", "%"]
    assert "Kode" not in html.split("<tbody", 1)[0] and ">X1<" not in html
    assert "Variabel" not in html.split("<tbody", 1)[0]  # became group rows
    assert html.count("Umur (X1)") == 1 and "gt_group_heading" in html
    assert "-0,300" in html and "20,500" in html
    back = read_table(tmp_path, "tbl-spearman")
    assert list(back.columns) == list(table.columns)  # tidy CSV: every column, full precision
    assert back.loc[2, "PDP (%)"] == 30.25


def test_display_css_is_scoped_to_its_table(tmp_path, table):
    import re

    html = save_table(table, "tbl-validitas-x", out_dir=tmp_path)._repr_html_()
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    selectors = [
        s.strip() for rule in css.split("}") if "{" in rule for s in rule.split("{")[0].split(",")
    ]
    assert selectors and all(
        s.startswith("#tbl_validitas_x") for s in selectors if not s.startswith("@")
    )


def test_wide_table_states_repeated_and_constant_columns_once_in_its_note(tmp_path):
    """Only wide tables fold: a column equal to an earlier one at full precision and a column
    with one value on every row go to the note; the decision (last column) never folds."""
    n = 3
    table = pd.DataFrame(
        {
            "Variabel": ["Y1", "Y2", "Y"],
            "H": [15.0, 12.8, 11.7],
            "df": [1, 1, 1],
            "p (KW)": [0.0001074, 0.00034, 0.0009],
            "Metode p (KW)": ["asimtotik"] * n,
            "U": [66.5, 78.5, 84.5],
            "p (MW)": [0.0001075, 0.00035, 0.0008],
            "p asimtotik (MW)": [0.0001075, 0.00035, 0.0008],
            "p eksak (MW)": [0.00004, 0.0002, 0.0007],
            "r": [-0.7, -0.65, -0.62],
            "ε²": [0.35, 0.3, 0.27],
            "Keputusan": ["Berbeda nyata"] * n,
        }
    )
    html = save_table(table, "tbl-beda-peran", out_dir=tmp_path, note="Catatan.")._repr_html_()
    head = html.split("<tbody", 1)[0]
    assert ">df<" not in head and "Metode p (KW)" not in head and "p asimtotik (MW)" not in head
    assert ">p (MW)<" in head and ">p (KW)<" in head and ">Keputusan<" in head
    foot = html.split("<tfoot", 1)[1]
    assert "Catatan. Sama pada semua baris: df: 1; Metode p (KW): asimtotik." in foot
    assert "p asimtotik (MW) sama dengan p (MW)." in foot
    narrow = save_table(table.iloc[:, :6], "tbl-beda-peran", out_dir=tmp_path)._repr_html_()
    assert ">df<" in narrow.split("<tbody", 1)[0]  # a table that fits keeps every column
    assert list(read_table(tmp_path, "tbl-beda-peran").columns) == list(table.columns[:6])


def test_wide_table_of_two_rows_is_printed_transposed(tmp_path):
    """Two tests side by side with many statistics: the tests become the columns."""
    table = pd.DataFrame(
        {
            "Uji": ["t berpasangan", "Wilcoxon bertanda"],
            **{f"Statistik {i}": [float(i), float(i) + 0.5] for i in range(12)},
        }
    )
    flags = pd.DataFrame(False, index=table.index, columns=table.columns)
    flags.loc[1, "Statistik 3"] = True
    html = save_table(
        table, "tbl-wioi-uji-berpasangan", out_dir=tmp_path, flags=flags
    )._repr_html_()
    head = html.split("<tbody", 1)[0]
    assert ">t berpasangan<" in head and ">Wilcoxon bertanda<" in head and ">Uji<" in head
    assert ">Statistik 3<" in html.split("<tbody", 1)[1]
    assert "3,500 †" in html and html.count("background-color: #fde2c8") == 1
    assert list(read_table(tmp_path, "tbl-wioi-uji-berpasangan").columns) == list(table.columns)
