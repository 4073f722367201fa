"""The synthesis stage: league table and funnel limits, the districts' run-folder reader, the
display views and sentences, and notebook 09 executed with papermill on a seeded districts
folder (built here with the reconstruction and the scoring, without the runner)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from p3md import PROJECT_ROOT
from p3md.io.district_runs import read_district_scores
from p3md.io.errors import RawDataError
from p3md.reporting import meta_views, text
from p3md.stats import StatsInputError
from p3md.stats.league import binomial_limits, funnel_curves, league_table

sys.path.insert(0, str(Path(__file__).parent))
from districts_support import DISTRICTS, write_districts_dir  # noqa: E402


def _cats(n: int, n_top: int) -> pd.DataFrame:
    return pd.DataFrame({"Y_cat": ["Baik"] * n_top + ["Kurang baik"] * (n - n_top)})


# -- league table ---------------------------------------------------------------------------
def test_binomial_limits_are_the_binomial_quantiles_and_approach_the_normal_ones():
    p0 = 0.6
    lo, hi = binomial_limits(p0, [50], 0.95)
    assert lo[0] == stats.binom.ppf(0.025, 50, p0) / 50
    assert hi[0] == stats.binom.ppf(0.975, 50, p0) / 50
    # large n: within one count of p0 +/- 1.96 sqrt(p0 (1 - p0) / n)
    n = 10_000
    lo, hi = binomial_limits(p0, [n], 0.95)
    half = stats.norm.isf(0.025) * np.sqrt(p0 * (1 - p0) / n)
    assert abs(lo[0] - (p0 - half)) <= 1 / n and abs(hi[0] - (p0 + half)) <= 1 / n
    with pytest.raises(StatsInputError, match="strictly"):
        binomial_limits(1.0, [10], 0.95)


def test_league_table_ranks_and_flags_districts_outside_the_limits():
    scored = {
        "Tinggi": _cats(200, 190),  # 95%: far above p0
        "Rendah": _cats(200, 60),  # 30%: far below
        "Biasa": _cats(200, 125),
        "Kecil": _cats(8, 8),  # 100% with n = 8: above the 95% limit (7/8), within the 99.8%
    }
    table, p0 = league_table(scored)
    assert p0 == pytest.approx((190 + 60 + 125 + 8) / 608)
    assert table["district"].tolist() == ["Kecil", "Tinggi", "Biasa", "Rendah"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    pos = table.set_index("district")
    assert pos.loc["Tinggi", "position_95"] == "above"
    assert pos.loc["Rendah", "position_95"] == "below"
    assert pos.loc["Biasa", "position_99_8"] == "within"
    assert pos.loc["Kecil", "position_95"] == "above"
    assert pos.loc["Kecil", "position_99_8"] == "within"
    assert (table["lower_95"] <= p0).all() and (table["upper_95"] >= p0).all()
    assert (table["lower_99_8"] <= table["lower_95"]).all()
    sentence = text.league_sentence(
        table, p0, "Baik", "95", respondents="pendamping", outcome="kinerja (Y)"
    )
    assert sentence.startswith("Secara keseluruhan ")
    assert "pendamping dari 4 kabupaten berkategori Baik pada kinerja (Y)." in sentence
    assert "Di atas batas 95%: Kecil dan Tinggi." in sentence
    assert "Di bawah batas 95%: Rendah." in sentence


def test_funnel_curves_cover_every_n():
    curves = funnel_curves(0.5, 30)
    assert sorted(curves["level"].unique()) == [0.95, 0.998]
    assert curves.groupby("level")["n"].apply(list).iloc[0] == list(range(1, 31))
    assert (curves["lower"] <= 0.5).all() and (curves["upper"] >= 0.5).all()


def test_league_table_refuses_a_district_without_categories():
    with pytest.raises(StatsInputError, match="no categorised"):
        league_table({"A": pd.DataFrame({"Y_cat": [None, None]})})


# -- reading the districts' run folders ----------------------------------------------------
def test_reader_names_the_missing_index(tmp_path):
    with pytest.raises(RawDataError, match="districts.json"):
        read_district_scores(tmp_path)
    with pytest.raises(RawDataError, match="districts.json"):
        read_district_scores("")


def test_reader_skips_failed_districts_and_requires_ok_ones(tmp_path):
    (tmp_path / "a" / "derived").mkdir(parents=True)
    _cats(5, 3).to_csv(tmp_path / "a" / "derived" / "facilitators_scored.csv", index=False)
    index = [
        {"slug": "a", "name": "Kabupaten A", "status": "ok", "message": "", "run_dir": "a"},
        {"slug": "b", "name": "Kabupaten B", "status": "failed", "message": "gate", "run_dir": "b"},
    ]
    (tmp_path / "districts.json").write_text(json.dumps({"districts": index}), encoding="utf-8")
    runs = read_district_scores(tmp_path)
    assert list(runs.scored) == ["Kabupaten A"] and runs.slugs == {"Kabupaten A": "a"}
    assert runs.skipped == [{"name": "Kabupaten B", "slug": "b", "message": "gate"}]
    index[1]["status"] = "ok"
    (tmp_path / "districts.json").write_text(json.dumps({"districts": index}), encoding="utf-8")
    with pytest.raises(RawDataError, match="Kabupaten B"):
        read_district_scores(tmp_path)


# -- views and sentences --------------------------------------------------------------------
def test_meta_sentence_states_k2_without_prediction_interval():
    row = {
        "k": 2,
        "r": 0.3,
        "r_ci_low": 0.1,
        "r_ci_high": 0.5,
        "p": 0.01,
        "tau2": 0.0,
        "i2": 0.0,
        "q": 0.5,
        "df": 1,
        "p_q": 0.48,
        "r_pi_low": np.nan,
        "r_pi_high": np.nan,
    }
    sentence = text.meta_sentence("X", row)
    assert "r = 0,30" in sentence and "IK 95% 0,10; 0,50" in sentence
    assert "k = 2 interval prediksi tidak terdefinisi" in sentence
    assert "berbeda nyata" in sentence and "sangat rendah" in sentence


def test_excluded_view_lists_failed_districts_and_effects():
    excluded = pd.DataFrame([{"district": "A", "effect": "role", "reason": "0 PDP"}])
    view = meta_views.excluded_view(excluded, [{"name": "B", "message": "gate"}], {"role": "Beda"})
    assert view.values.tolist() == [
        ["B", "semua (kabupaten gagal)", "gate"],
        ["A", "Beda", "0 PDP"],
    ]


# -- the stage notebook ---------------------------------------------------------------------
def test_synthesis_notebook_runs_on_a_seeded_districts_folder(tmp_path):
    import papermill as pm

    districts = write_districts_dir(
        tmp_path / "run" / "districts",
        DISTRICTS[:3],
        failed=(("rusak", "Kabupaten Rusak", "gate facilitators: column role"),),
    )
    out = tmp_path / "run"
    pm.execute_notebook(
        str(PROJECT_ROOT / "notebooks" / "09_synthesis.ipynb"),
        str(out / "09_synthesis.ipynb"),
        parameters={"out_dir": str(out), "districts_dir": str(districts)},
        kernel_name="p3md",
        progress_bar=False,
        cwd=str(PROJECT_ROOT),
    )
    summary = pd.read_csv(out / "tables" / "tbl-sintesis-ringkasan.csv")
    assert summary["k"].tolist() == [3] * 8
    role = summary.iloc[0]
    assert role["IK 95%: bawah"] < role["r gabungan"] < role["IK 95%: atas"]
    # the declared gaps (1.0, 0.3, 1.6) differ: the PLD-PDP effect is heterogeneous and positive
    assert role["r gabungan"] > 0 and role["Heterogenitas: τ² (skala z)"] > 0
    # the sensitivity table: three estimators per effect, Paule-Mandel's row = the summary's
    est = pd.read_csv(out / "tables" / "tbl-sintesis-penaksir.csv")
    assert est["Penaksir τ²"].tolist()[:3] == ["Paule-Mandel", "REML", "DerSimonian-Laird"]
    assert len(est) == 3 * 8
    assert est["r gabungan"].iloc[0] == pytest.approx(role["r gabungan"], rel=1e-12)
    per_district = pd.read_csv(out / "tables" / "tbl-sintesis-beda-peran.csv")
    assert per_district["Bobot (%)"].sum() == pytest.approx(100)
    assert per_district["Kabupaten"].tolist() == [d[1] for d in DISTRICTS[:3]]
    league = pd.read_csv(out / "tables" / "tbl-sintesis-liga.csv")
    assert sorted(league["Kabupaten"]) == sorted(d[1] for d in DISTRICTS[:3])
    excluded = pd.read_csv(out / "tables" / "tbl-sintesis-dikecualikan.csv")
    assert excluded["Kabupaten"].tolist() == ["Kabupaten Rusak"]
    for label in ("fig-forest-beda-peran", "fig-forest-spearman", "fig-funnel-baik"):
        assert (out / "figures" / f"{label}.png").stat().st_size > 10_000


def test_synthesis_with_one_district_says_there_is_nothing_to_pool(tmp_path):
    """One district read (a multi-district folder with one kabupaten, or all but one failed):
    the stage once stopped with KeyError 'effect'. Nothing is pooled, the chapter says so in
    words, and every table and figure shows the district's own effects."""
    import papermill as pm

    from p3md.stats import meta

    districts = write_districts_dir(
        tmp_path / "run" / "districts",
        DISTRICTS[:1],
        failed=(("rusak", "Kabupaten Rusak", "gate facilitators: column role"),),
    )
    out = tmp_path / "run"
    executed = out / "09_synthesis.ipynb"
    pm.execute_notebook(
        str(PROJECT_ROOT / "notebooks" / "09_synthesis.ipynb"),
        str(executed),
        parameters={"out_dir": str(out), "districts_dir": str(districts), "lang": "en"},
        kernel_name="p3md",
        progress_bar=False,
        cwd=str(PROJECT_ROOT),
    )
    shown = [
        "".join(o["data"]["text/markdown"])
        for c in json.loads(executed.read_text(encoding="utf-8"))["cells"]
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    name = DISTRICTS[0][1]
    assert text.nothing_pooled_sentence([name], 1, "en") in shown
    assert f"Only 1 district could be read ({name}): there is nothing to pool" in "".join(shown)
    assert "1 other district(s) failed" in "".join(shown)
    summary = pd.read_csv(out / "tables" / "tbl-sintesis-ringkasan.csv")
    assert summary["k"].tolist() == [1] * 8
    assert summary["r gabungan"].isna().all()
    estimators = pd.read_csv(out / "tables" / "tbl-sintesis-penaksir.csv")
    assert estimators.empty and "r gabungan" in estimators.columns
    role = pd.read_csv(out / "tables" / "tbl-sintesis-beda-peran.csv")
    assert role["Kabupaten"].tolist() == [name] and role["Bobot (%)"].isna().all()
    assert -1 < role["r_rb"].iloc[0] < 1
    for label in ("fig-forest-beda-peran", "fig-forest-spearman", "fig-funnel-baik"):
        assert (out / "figures" / f"{label}.png").stat().st_size > 5_000
    # the library side: no effect with two districts gives the comparison's columns, no rows
    effects = pd.DataFrame({"district": ["A"], "effect": ["role"], "z": [0.5], "se_z": [0.2]})
    comparison = meta.estimator_comparison(effects)
    assert comparison.empty and {"effect", "method", "r", "p"} <= set(comparison.columns)
    assert meta_views.estimator_view(comparison, {}).empty
    # a district's name is data: escaped like every name in a sentence
    assert text.nothing_pooled_sentence(["A <b>"], 0, "id").startswith(
        "Hanya 1 kabupaten yang hasilnya terbaca (A &lt;b&gt;): tidak ada yang dapat digabung."
    )


def _other_study_districts(root: Path) -> Path:
    """A multi-district folder of the example study (``examples/penyuluh``: groups PNS, PPPK
    and THL, characteristics X1-X4): each district seeded from the study's codebook with its
    own group effects (``reconstruction.synthetic``) and scored, in the runner's layout."""
    from p3md.codebook import load_codebook
    from p3md.reconstruction.synthetic import SyntheticModel, build_study
    from p3md.scoring import score_study

    cb = load_codebook(PROJECT_ROOT / "examples" / "penyuluh" / "codebook.yaml")
    index = []
    for seed, (slug, name, gap) in enumerate(
        (
            ("utara", "Kabupaten Utara", 0.9),
            ("tengah", "Kabupaten Tengah", 0.2),
            ("selatan", "Kabupaten Selatan", 1.4),
        ),
        start=31,
    ):
        model = SyntheticModel(
            role_effect={"PNS": gap, "PPPK": 0.0, "THL": -gap / 2},
            loading={"X1": 0.6, "X2": 0.4, "X3": 0.0, "X4": 0.3},
        )
        scored = score_study(build_study(cb, seed, model), cb).facilitators_scored
        (root / slug / "derived").mkdir(parents=True)
        scored.to_csv(root / slug / "derived" / "facilitators_scored.csv", index=False)
        index.append({"slug": slug, "name": name, "status": "ok", "message": "", "run_dir": slug})
    (root / "districts.json").write_text(json.dumps({"districts": index}), encoding="utf-8")
    return root


def test_synthesis_of_another_study_speaks_of_its_own_groups_and_variables(tmp_path):
    """Notebook 09 on a multi-district folder of a study with other groups (three of them) and
    other characteristics: its chapter (text, captions, notes, tables) names the study's own
    groups, variables and respondents, and none of the thesis's (PLD, PDP, X5-X7, pendamping,
    "rekonstruksi"); each pair of groups gets its difference, first minus second as declared."""
    import papermill as pm

    from p3md.codebook import load_codebook

    districts = _other_study_districts(tmp_path / "run" / "districts")
    out = tmp_path / "run"
    executed = out / "09_synthesis.ipynb"
    example = PROJECT_ROOT / "examples" / "penyuluh"
    pm.execute_notebook(
        str(PROJECT_ROOT / "notebooks" / "09_synthesis.ipynb"),
        str(executed),
        parameters={
            "out_dir": str(out),
            "districts_dir": str(districts),
            "codebook_path": str(example / "codebook.yaml"),
            "data_dir": str(example),
            "published_path": str(example / "published.yaml"),  # none: no thesis layer
        },
        kernel_name="p3md",
        progress_bar=False,
        cwd=str(PROJECT_ROOT),
    )
    nb = json.loads(executed.read_text(encoding="utf-8"))
    shown = ["".join(c["source"]) if c["cell_type"] == "markdown" else "" for c in nb["cells"]] + [
        "".join(o["data"][kind])
        for c in nb["cells"]
        for o in c.get("outputs", [])
        for kind in ("text/markdown", "text/html", "text/plain")
        if kind in o.get("data", {})
    ]
    tables = sorted((out / "tables").glob("tbl-sintesis-*"))
    assert len(tables) == 2 * 6  # CSV + JSON sidecar (caption, note) of each table
    chapter = "\n".join(shown + [t.read_text(encoding="utf-8") for t in tables])
    for thesis_word in ("PLD", "PDP", "X5", "X6", "X7", "endamping", "rekonstruksi"):
        assert thesis_word not in chapter, thesis_word
    for own in ("PNS", "PPPK", "THL", "X4", "penyuluh", "status kepegawaian"):
        assert own in chapter, own
    assert (
        "antara setiap pasangan status kepegawaian (PNS − PPPK, PNS − THL dan PPPK − THL)"
        in chapter
    )
    assert "menurut pasangan kelompok (PNS − PPPK, PNS − THL, PPPK − THL) per kabupaten" in chapter
    role = pd.read_csv(out / "tables" / "tbl-sintesis-beda-peran.csv")
    assert role["Perbandingan"].unique().tolist() == ["PNS − PPPK", "PNS − THL", "PPPK − THL"]
    assert len(role) == 3 * 3
    for _, block in role.groupby("Perbandingan"):
        assert block["Bobot (%)"].sum() == pytest.approx(100)
    summary = pd.read_csv(out / "tables" / "tbl-sintesis-ringkasan.csv")
    assert summary["Efek"].tolist()[:3] == [
        "Beda PNS − PPPK pada Y (r rank-biserial)",
        "Beda PNS − THL pada Y (r rank-biserial)",
        "Beda PPPK − THL pada Y (r rank-biserial)",
    ]
    assert len(summary) == 3 + 4  # three group differences, X1-X4
    # PNS are drawn highest and THL lowest in every district: the pooled PNS − THL is positive
    assert summary.loc[1, "r gabungan"] > 0
    spearman = pd.read_csv(out / "tables" / "tbl-sintesis-spearman.csv")
    assert [c for c in spearman.columns if c.startswith("rs ")] == [
        "rs X1",
        "rs X2",
        "rs X3",
        "rs X4",
    ]
    caption = json.loads((out / "tables" / "tbl-sintesis-liga.json").read_text(encoding="utf-8"))
    top = max(
        load_codebook(example / "codebook.yaml").variables["Y"].categories, key=lambda c: c.max
    )
    top = top.label
    assert f"penyuluh berkategori {top} pada" in json.dumps(caption, ensure_ascii=False)
    for label in ("fig-forest-beda-peran", "fig-forest-spearman", "fig-funnel-baik"):
        assert (out / "figures" / f"{label}.png").stat().st_size > 10_000


# -- figures --------------------------------------------------------------------------------
def test_forest_plot_names_districts_up_to_the_limit_only():
    from p3md.reporting import meta_figures

    pooled = {"r": 0.3, "r_ci_low": 0.2, "r_ci_high": 0.4, "r_pi_low": 0.0, "r_pi_high": 0.6}

    def districts(k):
        est = np.linspace(-0.2, 0.8, k)
        return pd.DataFrame(
            {
                "district": [f"K{i}" for i in range(k)],
                "estimate": est,
                "ci_low": est - 0.1,
                "ci_high": est + 0.1,
                "weight": 1.0 / k,
            }
        )

    few = meta_figures.plot_forest(districts(5), pooled)
    labels = [t.get_text() for t in few.axes[0].get_yticklabels()]
    assert labels[:5] == ["K0", "K1", "K2", "K3", "K4"] and labels[-1].startswith("Gabungan")
    many = meta_figures.plot_forest(districts(meta_figures.MAX_LABELLED + 1), pooled)
    labels = [t.get_text() for t in many.axes[0].get_yticklabels()]
    assert set(labels[:-1]) == {""} and labels[-1].startswith("Gabungan")
    k2 = meta_figures.plot_forest(districts(2), {**pooled, "r_pi_low": np.nan, "r_pi_high": np.nan})
    assert len(k2.axes[0].collections) >= 2  # district lines and markers, no PI line needed


def test_funnel_plot_names_only_districts_outside_the_998_limits():
    from p3md.reporting import meta_figures

    table, p0 = league_table(
        {"Tinggi": _cats(200, 198), "Biasa": _cats(200, 120), "Rendah": _cats(200, 70)}
    )
    fig = meta_figures.plot_funnel(
        table, funnel_curves(p0, 220), p0, top="Baik", outcome="Y", respondents="pendamping"
    )
    names = sorted(t.get_text() for t in fig.axes[0].texts)
    assert names == sorted(table.loc[table["position_99_8"] != "within", "district"])
    assert "Biasa" not in names
    axis = fig.axes[0]
    assert axis.get_ylabel() == "Pendamping berkategori Baik pada Y (%)"
    assert axis.get_xlabel() == "Jumlah pendamping (n)"
