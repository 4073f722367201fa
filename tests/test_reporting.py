"""p3md.reporting: tables and figures are written where the run folder expects them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from p3md.reporting import (
    CAPTIONS,
    FIGURE_CAPTIONS,
    TABLE_CAPTIONS,
    format_number,
    read_table,
    save_table,
    text,
    validate_label,
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
    assert meta["caption"] == CAPTIONS["tbl-validitas-x"]
    assert meta["caption"].endswith("(Tabel 9 tesis)")  # thesis number kept as a reference
    # display: Indonesian decimal comma, p below 0.001, thousands with '.'
    md = shown._repr_markdown_()
    assert "0,361" in md and "< 0,001" in md and "1.200" in md
    html = shown._repr_html_()
    assert "<table" in html and "&lt; 0,001" in html and "Sumber: data rekonstruksi" in html
    assert "<caption" not in html  # the caption comes from the cell's tbl-cap


def test_save_table_flags_are_highlighted_and_recorded(tmp_path, table):
    flags = pd.DataFrame(False, index=table.index, columns=table.columns)
    flags.loc[1, "n"] = True
    shown = save_table(table, "tbl-validitas-x", out_dir=tmp_path, flags=flags)
    assert "1.200 †" in shown._repr_markdown_()
    assert "background-color" in shown._repr_html_()
    meta = json.loads((tmp_path / "tables" / "tbl-validitas-x.json").read_text(encoding="utf-8"))
    assert meta["flagged"] == [[1, "n"]]


@pytest.mark.parametrize("label", ["fig-x", "tbl_x", "Tbl-x", "tbl-", "tbl-a--b", "table-x", ""])
def test_save_table_rejects_invalid_labels(tmp_path, table, label):
    with pytest.raises(ValueError):
        save_table(table, label, "Tabel 1. x", out_dir=tmp_path)


def test_save_table_needs_out_dir_and_a_matching_caption(tmp_path, table):
    with pytest.raises(ValueError, match="out_dir"):
        save_table(table, "tbl-validitas-x")
    with pytest.raises(ValueError, match="differs"):
        save_table(table, "tbl-validitas-x", "Tabel 99. Salah", out_dir=tmp_path)
    with pytest.raises(KeyError):
        save_table(table, "tbl-tidak-terdaftar", out_dir=tmp_path)
    # an unregistered label is fine with an explicit caption
    save_table(table, "tbl-tidak-terdaftar", "Tabel X1. Contoh", out_dir=tmp_path)
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


def test_registered_labels_are_valid_unique_and_numbered():
    for label, caption in {**TABLE_CAPTIONS, **FIGURE_CAPTIONS}.items():
        validate_label(label)
        kind = "Tabel" if label.startswith("tbl-") else "Gambar"
        assert caption.startswith(f"{kind} "), caption
        # The cell caption drops the number the renderer adds itself (no "Tabel 3.1: Tabel 9.").
        assert not CAPTIONS[label].startswith(kind), CAPTIONS[label]
    assert set(TABLE_CAPTIONS).isdisjoint(FIGURE_CAPTIONS)
    numbers = [c.split(".")[0] for c in TABLE_CAPTIONS.values()]
    assert len(numbers) == len(set(numbers)), "two tables share a number"
    thesis = {int(n.split()[1]) for n in numbers if n.split()[1].isdigit()}
    assert thesis == {8, 9, 10, 11, *range(13, 36)}


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
