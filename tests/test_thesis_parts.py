"""The thesis's parts written from a run (abstract, conclusions, lists), the primary banding of
the class tables, and the one rounding rule of the displays.

The hypotheses' wording is read from ``data/published.yaml`` here too (a thesis fact is data);
the tables are small hand-made run folders, so every decision can be checked by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from p3md.codebook import load_codebook
from p3md.reporting import views
from p3md.reporting.conclusions import decide, study_numbers
from p3md.reporting.formatting import format_frame, format_number
from p3md.reporting.views import hypotheses as hv
from p3md.site import thesis
from p3md.stats import intervals
from p3md.stats.published import load_published

ALPHAS = {"correlation": 0.10, "difference": 0.05}


def _write(run: Path, label: str, rows: list[dict]) -> None:
    (run / "tables").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(run / "tables" / f"{label}.csv", index=False)


def _kw_row(code: str, h: float, df: int, p: float, **extra) -> dict:
    return {
        "Variabel": f"Tingkat kinerja ({code})",
        "Kode": code,
        **extra,
        hv.KRUSKAL_COLUMNS["H"]: h,
        hv.KRUSKAL_COLUMNS["df"]: df,
        hv.KRUSKAL_COLUMNS["p"]: p,
    }


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    """A run folder with the tables the thesis parts read; p values chosen around alpha."""
    spearman = [
        ("X1", 0.04, 0.79),
        ("X2", 0.66, 9e-7),
        ("X3", 0.08, 0.100000001),  # just above alpha 0.10: H0 kept
        ("X4", 0.43, 0.10),  # exactly alpha: the thesis's rule "Sig <= alpha" rejects
    ]
    _write(
        tmp_path,
        "tbl-spearman",
        [
            {
                "No": i + 1,
                hv.SPEARMAN_NAME: f"Karakteristik {x}",
                "Kode": x,
                "n": 44,
                hv.spearman_column(hv.POOLED, "rs"): rs,
                hv.spearman_column(hv.POOLED, "p"): p,
            }
            for i, (x, rs, p) in enumerate(spearman)
        ],
    )
    _write(
        tmp_path, "tbl-beda-peran", [_kw_row("Y1", 9.0, 1, 0.003), _kw_row("Y", 15.068, 1, 0.0001)]
    )
    _write(tmp_path, "tbl-kw-status-pdp", [_kw_row("Y", 12.589, 3, 0.0056, n=55)])
    _write(tmp_path, "tbl-kw-status-pld", [_kw_row("Y", 4.2, 3, 0.24, n=59)])
    _write(
        tmp_path,
        "tbl-kelas-y",
        [
            {"Kategori": "Baik", "Gabungan (n)": 27, "PDP (n)": 5, "PLD (n)": 22},
            {"Kategori": "Kurang baik", "Gabungan (n)": 11, "PDP (n)": 6, "PLD (n)": 5},
            {"Kategori": "Tidak baik", "Gabungan (n)": 6, "PDP (n)": 5, "PLD (n)": 1},
            {"Kategori": "Jumlah", "Gabungan (n)": 44, "PDP (n)": 16, "PLD (n)": 28},
            {"Kategori": "Median skor", "Gabungan (n)": 73.5, "PDP (n)": 60.5, "PLD (n)": 78},
        ],
    )
    _write(
        tmp_path,
        "tbl-sampel-kecamatan",
        [
            {"Kecamatan": "A", "Desa sampel dalam data": 30},
            {"Kecamatan": "B", "Desa sampel dalam data": 29},
            {"Kecamatan": "Total", "Desa sampel dalam data": 59},
        ],
    )
    _write(
        tmp_path,
        "tbl-reproduksi-kesimpulan",
        [{"Status": "sesuai"}] * 13 + [{"Status": "tidak sesuai"}],
    )
    return tmp_path


@pytest.fixture(scope="module")
def published():
    return load_published()


def test_hypotheses_are_decided_from_the_tables_with_the_thesis_rule(run, published):
    h1, h2, h3 = decide(run, published, ALPHAS)
    assert [t.key for t in h1.rejected] == ["X2", "X4"]  # p <= alpha, X4 at the boundary
    assert [t.key for t in h1.kept] == ["X1", "X3"]
    assert h1.alpha == 0.10 and h2.alpha == 0.05
    assert [(t.key, t.value, t.df, t.rejected) for t in h2.tests] == [("Y", 15.068, 1, True)]
    assert [(t.key, t.n, t.rejected) for t in h3.tests] == [("PDP", 55, True), ("PLD", 59, False)]


def test_a_missing_table_leaves_its_hypothesis_undecided(run, published):
    (run / "tables" / "tbl-beda-peran.csv").unlink()
    _, h2, _ = decide(run, published, ALPHAS)
    assert not h2.decided
    assert "tidak dapat diputuskan" in thesis.hypothesis_sentence(h2, "id")


def test_study_numbers_from_the_tables(run):
    n = study_numbers(run)
    assert (n.total, n.groups, n.ratings) == (44, {"PDP": 16, "PLD": 28}, 59)
    assert n.category == {"PDP": "Kurang baik", "PLD": "Baik"}
    assert n.median == {"PDP": 60.5, "PLD": 78.0}
    assert n.agreement == (13, 14)


def test_conclusions_state_each_hypothesis_as_published_and_its_decision(run, published):
    decided = decide(run, published, ALPHAS)
    body = thesis.conclusions(study_numbers(run), decided, "id")
    for h in published["hypotheses"]:
        assert h["text"]["id"] in body and h["null_hypothesis"]["id"] in body
    assert "H0 ditolak pada α = 0,10" in body and "H0 diterima pada α = 0,10" in body
    assert "H0 ditolak pada α = 0,05" in body and "H0 diterima pada α = 0,05" in body
    assert "H = 15,068" in body and "p < 0,001" in body
    assert "{#tbl-kesimpulan-h1}" in body
    assert "dibaca dari @tbl-kw-status-pdp dan @tbl-kw-status-pld." in body
    assert not re.search(r"\d\.\d", re.sub(r"@tbl-[\w-]+|\{#[\w-]+\}", "", body))  # commas


def test_abstracts_carry_the_same_numbers_in_both_languages(run, published):
    decided = decide(run, published, ALPHAS)
    meta = load_codebook().meta.model_dump()
    numbers = study_numbers(run)
    ab_id = thesis.abstract(meta, numbers, decided, ALPHAS, "id")
    ab_en = thesis.abstract(meta, numbers, decided, ALPHAS, "en")
    for t in (
        "44",
        "16 PDP",
        "28 PLD",
        "59",
        "13 dari 14",
        "X2 (rs = 0,66)",
        "H0 ditolak pada α = 0,10",
        "H0 diterima untuk X1 dan X3",
    ):
        assert t in ab_id
    for t in ("44", "16 PDP", "28 PLD", "59", "13 of 14", "X2 (rs = 0.66)", "H0 rejected"):
        assert t in ab_en
    assert "dikalibrasi" in ab_id and "calibrated" in ab_en  # by construction, said plainly
    # at most one page: about 300 words
    assert len(ab_id.split()) < 320 and len(ab_en.split()) < 320
    summary = thesis.summary_results(numbers, decided, "en")
    assert "H2: H0 rejected at α = 0.05 (H = 15.068; df = 1; p < 0.001)" in summary


def test_lists_follow_book_order_and_skip_site_only_blocks(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "code", "source": '#| label: tbl-a\n#| tbl-cap: "Tabel A"\nx'},
            {"cell_type": "code", "source": ["#| label: fig-b\n", "#| fig-cap: Gambar B\n"]},
            {  # a table with a computed caption, shown as a div float (reporting.floats)
                "cell_type": "code",
                "source": "show_table(...)",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {
                            "text/markdown": [
                                "::: {#tbl-e}\n<table></table>\n\n",
                                "[Tabel E \\(Tabel 13 tesis\\)]{.p3md-float-caption}\n:::\n",
                            ]
                        },
                    }
                ],
            },
        ]
    }
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (tmp_path / "_generated").mkdir()
    (tmp_path / "_generated" / "part.qmd").write_text(
        "| a |\n|---|\n| 1 |\n\n: Tabel C {#tbl-c}\n\n"
        '::: {.content-visible when-format="html"}\n::: {.p3md-site-only}\n'
        "| b |\n|---|\n| 2 |\n\n: Hanya situs {#tbl-html}\n:::\n:::\n\n"
        '![Gambar D](x.png){#fig-d fig-alt="alt"}\n',
        encoding="utf-8",
    )
    (tmp_path / "p.qmd").write_text("# P\n\n{{< include /_generated/part.qmd >}}\n", "utf-8")
    floats = thesis.book_floats(["notebooks/01.ipynb", "p.qmd", "missing.qmd"], tmp_path)
    assert floats == [
        ("tbl-a", "Tabel A"),
        ("fig-b", "Gambar B"),
        ("tbl-e", "Tabel E (Tabel 13 tesis)"),
        ("tbl-c", "Tabel C"),
        ("fig-d", "Gambar D"),
    ]
    page = thesis.lists(floats)
    assert page.index("Daftar Tabel") < page.index("- @tbl-a: Tabel A") < page.index("@tbl-c")
    assert "Daftar Gambar" in page and "- @fig-d: Gambar D" in page


# -- banding, counts, rounding --------------------------------------------------------------
def test_band_classes_give_the_codebook_category_of_every_total():
    cb = load_codebook()
    for var, spec in cb.variables.items():
        lo, hi = spec.score_range
        totals = pd.Series(np.arange(lo, hi + 1), dtype=float)
        labels = views.category_labels_low_to_high(cb, var)
        classes = views.band_classes(cb, var)
        for total in totals:
            dist = intervals.class_distribution(pd.Series([total]), classes, labels)
            assert dist.loc[dist["count"] == 1, "label"].item() == cb.category(var, total), var


def test_class_view_counts_are_integers_and_comparison_sits_beside():
    cb = load_codebook()
    scores = pd.Series(
        [29, 50, 52, 53, 60, 69, 70, 71, 80, 87, 87, 75, 66, 40, 33, 71], dtype=float
    )
    labels = views.category_labels_low_to_high(cb, "Y")
    primary = {
        "Gabungan": intervals.class_distribution(scores, views.band_classes(cb, "Y"), labels)
    }
    equal = {
        "Gabungan": intervals.class_distribution(
            scores, intervals.interval_classes(*cb.variables["Y"].score_range, 3), labels
        )
    }
    summary = {"Gabungan": intervals.score_summary(scores)}
    table = views.class_view(primary, summary, groups=("Gabungan",), comparison=equal)
    counts = table["Gabungan (n)"]
    assert all(isinstance(v, int) for v in counts.iloc[:4])  # 3 classes + Jumlah
    assert counts.iloc[3] == 16
    shown = format_frame(table, 1)
    assert shown["Gabungan (n)"].iloc[3] == "16"  # not "16,0"
    assert shown["Gabungan (n)"].iloc[4] == "67,5"  # the median keeps its decimal
    cmp = [c for c in table.columns if c.startswith(views.descriptive.COMPARISON)]
    assert len(cmp) == 2 and table[cmp[1]].iloc[:3].sum() == 16
    # the two bandings differ on this data (a total of 68-70 is "Kurang baik" by the codebook)
    assert list(table["Gabungan (n)"].iloc[:3]) != list(table[cmp[1]].iloc[:3])
    csv = table.to_csv(index=False)
    assert ",16," in csv and "16.0" not in csv


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [(7 / 16 * 100, 1, "43,8"), (1 / 16 * 100, 1, "6,3"), (0.125, 2, "0,13"), (2.5, 0, "3")],
)
def test_one_rounding_rule_half_up(value, decimals, shown):
    assert format_number(value, decimals) == shown


def test_a_range_column_beside_summary_rows_is_not_a_row_group():
    from p3md.reporting.display import group_column

    ranges = pd.DataFrame(
        {
            "Kategori": ["Baik", "Kurang", "Tidak", "Jumlah", "Median", "Modus"],
            "Rentang": ["71–87", "53–70", "29–52", "", "", ""],
        }
    )
    assert group_column(ranges) is None
    blocks = pd.DataFrame({"Variabel": ["X1", "", "", "X2", "", ""], "Kategori": list("abcabc")})
    assert group_column(blocks) == "Variabel"


def test_only_the_reconstruction_says_agreement_is_by_construction(run, published):
    from p3md.reporting import text as sentences

    decided = decide(run, published, ALPHAS)
    meta = load_codebook().meta.model_dump()
    numbers = study_numbers(run)
    rec = thesis.abstract(meta, numbers, decided, ALPHAS, "id", "reconstruction")
    real = thesis.abstract(meta, numbers, decided, ALPHAS, "id", "real")
    assert "dikalibrasi" in rec and "data rekonstruksi" in rec
    assert "dikalibrasi" not in real and "rekonstruksi" not in real
    assert "13 dari 14 kesimpulan terbitan diperoleh kembali dari data ini" in real
    body = thesis.conclusions(numbers, decided, "id", "real")
    assert "rekonstruksi" not in body and "H0 ditolak" in body
    assert "rekonstruksi" in thesis.conclusions(numbers, decided, "id", "reconstruction")
    assert "sintetis" in thesis.abstract(meta, numbers, decided, ALPHAS, "id", "synthetic")
    assert sentences.construction_note(published, "id", "real") == ""
    assert "konstruksi" in sentences.construction_note(published, "id", "reconstruction")


# -- the real run (e2e) ---------------------------------------------------------------------
#: Raw keys and English words the Indonesian body must not show (issue 18).
RAW_WORDS = (
    "mixed",
    "largest_remainder",
    "proportional",
    "satisfied",
    "Fisher exact",
    "kruskal|",
    "x_table3_counts",
    "N_i/N",
    "status_rank",
)


def test_the_run_writes_the_thesis_parts_and_one_banding(pipeline_run, published):
    import html as html_lib

    out = pipeline_run.out_dir
    # Tabel 4.5 (codebook bands) and chapter 6 agree on every category count
    cats = pd.read_csv(out / "tables" / "tbl-skoring-kategori.csv")
    cats["Variabel"] = cats["Variabel"].replace("", np.nan).ffill()
    for var in load_codebook().variables:
        kelas = pd.read_csv(out / "tables" / f"tbl-kelas-{var.lower()}.csv").set_index("Kategori")
        rows = cats[cats["Variabel"].str.endswith(f"({var})")].set_index("Kategori")
        for label, row in rows.iterrows():
            for group in ("PDP", "PLD"):
                assert int(kelas.loc[label, f"{group} (n)"]) == int(row[group]), (var, label)
    gen = out / "_generated"
    kesimpulan = (gen / "kesimpulan.qmd").read_text(encoding="utf-8")
    for h in published["hypotheses"]:
        assert h["text"]["id"] in kesimpulan
    # H2 is decided from Tabel 30's Kruskal-Wallis p of Y, at the run's alpha
    role = pd.read_csv(out / "tables" / "tbl-beda-peran.csv").set_index("Kode")
    p = role.loc["Y", hv.KRUSKAL_COLUMNS["p"]]
    word = "H0 ditolak" if p <= 0.05 else "H0 diterima"
    assert f"H2: {word} pada α = 0,05" in (gen / "abstrak.qmd").read_text(encoding="utf-8")
    assert "@tbl-kelas-y" in (gen / "daftar-tabel-gambar.qmd").read_text(encoding="utf-8")
    for page in (
        "pages/kesimpulan.html",
        "pages/abstrak.html",
        "pages/metode.html",
        "pages/reproduksibilitas.html",
        "notebooks/08_audit.html",
    ):
        body = (out / "site" / page).read_text(encoding="utf-8")
        body = re.sub(r"<(script|style|code|pre|details)\b.*?</\1>", "", body, flags=re.S)
        shown = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
        for w in RAW_WORDS:
            assert w not in shown, (page, w)


def test_shares_keep_their_decimals_when_every_value_is_whole():
    shown = format_frame(pd.DataFrame({"PDP (n)": [4, 8, 4], "PDP (%)": [25.0, 50.0, 25.0]}), 1)
    assert shown["PDP (%)"].tolist() == ["25,0", "50,0", "25,0"]
    assert shown["PDP (n)"].tolist() == ["4", "8", "4"]


@pytest.mark.parametrize("kind", ["reconstruction", "synthetic", "real"])
def test_the_thesis_book_names_the_kind_of_data_it_reads(kind):
    """The thesis's own book (``_quarto.yml``) calls its data the reconstruction on its title
    page and in every footer; a run on the thesis's real data (``provenance.yaml``:
    ``data_kind: real``) must not, nor the reproduction chapter's sentences."""
    import yaml

    from p3md import PROJECT_ROOT
    from p3md.codebook.provenance import KIND_WORDS
    from p3md.reporting import text
    from p3md.site.study_pages import data_identity

    book = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    made = data_identity(book, kind)
    shown = f"{made['subtitle']} {made['page-footer']['center']}"
    if kind == "reconstruction":
        assert made == book and "rekonstruksi" in shown
    else:
        assert "rekonstruksi" not in shown and KIND_WORDS[kind]["id"] in made["subtitle"]
    status = pd.Series(["sesuai", "tidak sesuai", "tidak dapat dihitung"])
    sentence = text.status_sentence(status, "nilai", KIND_WORDS[kind]["id"], "id")
    assert sentence.endswith(f"1 tidak dapat dihitung dari {KIND_WORDS[kind]['id']}.")


@pytest.mark.parametrize("kind", ["reconstruction", "synthetic", "real"])
def test_the_title_pages_data_notice_follows_the_kind_of_data(kind):
    """The thesis's title page (``pages/index.qmd``) takes its notice about the data from the
    run (``_generated/pemberitahuan-data.qmd``): the reconstruction's or the synthetic
    example's, naming the study area from the codebook, and none on real data."""
    from p3md import PROJECT_ROOT

    index = (PROJECT_ROOT / "pages" / "index.qmd").read_text(encoding="utf-8")
    assert "{{< include /_generated/pemberitahuan-data.qmd >}}" in index
    assert "callout" not in index and "adalah rekonstruksi" not in index  # no notice of its own
    for lang in ("id", "en"):
        made = thesis.data_callout("Kabupaten Contoh", lang, kind)
        if kind == "real":
            assert made == ""
            continue
        assert made.startswith("::: {.callout-important}\n## ") and made.endswith(":::\n")
        assert "Kabupaten Contoh" in made
        word = {"reconstruction": "rekonstruksi", "synthetic": "sintetis"}[kind]
        if lang == "id":
            assert word in made and ("rekonstruksi" in made) == (kind == "reconstruction")
