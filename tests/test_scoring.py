"""Scoring rules: bands and their edges, reverse keys, subscales, aggregation, missing data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from p3md.scoring import score_item, variable_total
from p3md.scoring.aggregate import aggregate_items, modal_scores, round_half_up
from p3md.scoring.items import score_items


def _score(cb, item_id, values, role):
    return score_item(
        cb, cb.item(item_id), pd.Series(values, dtype="float64"), pd.Series([role] * len(values))
    )


def test_pld_distance_band_edges(cb):
    # 5.6 is the last km of band 3; 5.65 sits in the printed gap and goes to the next band.
    got = _score(cb, "x6_1", [1.0, 5.6, 5.65, 5.7, 10.3, 10.35, 15.0, 40.0, np.nan], "PLD")
    np.testing.assert_array_equal(got, [3, 3, 2, 2, 2, 1, 1, 1, np.nan])


def test_pdp_distance_bands_run_the_other_way(cb):
    got = _score(cb, "x6_1", [4, 14, 14.5, 24, 24.5, 35, 50], "PDP")
    np.testing.assert_array_equal(got, [1, 1, 2, 2, 3, 3, 3])


def test_village_count_bands_by_role(cb):
    np.testing.assert_array_equal(_score(cb, "x5", [1, 2, 3, 4, 5, 6], "PLD"), [1, 1, 2, 2, 3, 3])
    np.testing.assert_array_equal(
        _score(cb, "x5", [5, 9, 10, 14, 15, 19], "PDP"), [1, 1, 2, 2, 3, 3]
    )


def test_reverse_keys(cb):
    # ko05: questionnaire order 1 Tidak pernah .. 3 Sering -> score 4 - code.
    np.testing.assert_array_equal(_score(cb, "ko05", [1, 2, 3], "PLD"), [3, 2, 1])
    # x4_5 sanctions: a count where more is worse; its bands carry the direction.
    np.testing.assert_array_equal(_score(cb, "x4_5", [0, 1, 2, 3, 7], "PDP"), [3, 2, 2, 1, 1])
    np.testing.assert_array_equal(_score(cb, "pd01", [1, 2, 3], "PDP"), [1, 2, 3])


def test_invalid_option_code_raises(cb):
    with pytest.raises(ValueError, match="pd01"):
        _score(cb, "pd01", [4], "PLD")


def test_role_specific_item_is_missing_for_other_role(cb):
    assert np.isnan(_score(cb, "pd09_pld", [3], "PDP")).all()


def test_round_half_up_and_median_aggregation_with_ties(cb):
    np.testing.assert_array_equal(round_half_up([1.5, 2.5, 2.4999, 2.0]), [2, 3, 2, 2])
    scores = pd.DataFrame(
        {"s_a": [2, 3, 1, 2, 3, 3, np.nan], "s_b": [1, 2, 3, 3, 1, np.nan, np.nan]}
    )
    by = pd.Series(["F1", "F1", "F2", "F2", "F2", "F3", "F3"])
    agg = aggregate_items(scores, by, cb.rater_aggregation["rule"])
    assert agg.loc["F1"].tolist() == [3, 2]  # medians 2.5 -> 3, 1.5 -> 2
    assert agg.loc["F2"].tolist() == [2, 3]  # medians 2, 3
    assert agg.loc["F3", "s_a"] == 3 and np.isnan(agg.loc["F3", "s_b"])  # unanswered stays missing
    modes = modal_scores(scores, by)
    assert modes.loc["F1"].tolist() == [2, 1]  # ties -> lowest score (SPSS)


def test_x3_subscale_bands(cb):
    items = [i.id for i in cb.items_for("X3")]
    rows = [
        [1] * 5 + [1] * 4,
        [2, 2, 2, 2, 1] + [2, 2, 2, 1],
        [3, 3, 3, 2, 2] + [3, 3, 3, 3],
        [3] * 9,
    ]
    scores = pd.DataFrame(rows, columns=[f"s_{i}" for i in items], dtype=float)
    roles = pd.Series(["PLD"] * 4)
    # intrinsic sums 5, 9, 13, 15 -> 1, 2, 3, 3; extrinsic 4, 7, 12, 12 -> 1, 1, 3, 3.
    np.testing.assert_array_equal(variable_total(cb, "X3", scores, roles), [2, 3, 6, 6])


def test_x6_total_is_band_of_mean_km(cb):
    raw = pd.DataFrame(
        {
            "x6_1": [5.0, 5.0, 20.0, np.nan],
            "x6_2": [5.0, 6.0, 30.0, 3.0],
            "x6_3": [6.0, 6.0, np.nan, 3.0],
        }
    )
    roles = pd.Series(["PLD", "PLD", "PDP", "PLD"])
    scores = score_items(cb, raw, roles, ["X6"])
    # means 5.33 (band 3) and 5.67 (gap -> band 2); a PDP serving two villages: mean of the
    # answered distances 25 km (band 3); the required first distance missing -> no total.
    got = variable_total(cb, "X6", scores, roles, raw=raw)
    np.testing.assert_array_equal(got, [3, 2, 3, np.nan])


def test_missing_item_gives_missing_total(cb):
    items = [f"s_{i.id}" for i in cb.items_for("X7")]
    scores = pd.DataFrame([[3.0] * 9, [3.0] * 8 + [np.nan]], columns=items)
    got = variable_total(cb, "X7", scores, pd.Series(["PLD", "PDP"]))
    np.testing.assert_array_equal(got, [27, np.nan])


def test_facilitator_table(scored, cb):
    fac = scored.facilitators_scored
    assert len(fac) == 44 and fac["facilitator_id"].is_unique
    for var in cb.variables:
        lo, hi = cb.variables[var].score_range
        assert fac[var].between(lo, hi).all(), var
        assert (fac[f"{var}_cat"] == [cb.category(var, int(t)) for t in fac[var]]).all()
    assert (fac["Y"] == fac[["Y1", "Y2", "Y3", "Y4"]].sum(axis=1)).all()
    assert (fac["n_ratings"] >= 1).all() and fac["n_ratings"].sum() == 114
    assert fac.loc[fac["role"] == "PLD", "s_pd09_pdp"].isna().all()


def test_facilitator_y1_is_sum_of_aggregated_items(scored, cb):
    fac = scored.facilitators_scored
    for role in cb.roles:
        m = fac["role"] == role
        cols = [f"s_{i.id}" for i in cb.items_for("Y1", role)]
        assert (fac.loc[m, cols].sum(axis=1) == fac.loc[m, "Y1"]).all()


def test_village_ratings_combine_official_and_expert(scored):
    vr, fac = scored.village_ratings_scored, scored.facilitators_scored.set_index("facilitator_id")
    assert len(vr) == 114
    assert (vr["Y3"].to_numpy() == fac.loc[vr["facilitator_id"], "Y3"].to_numpy()).all()
    assert (vr["Y"] == vr[["Y1", "Y2", "Y3", "Y4"]].sum(axis=1)).all()
    assert vr["status"].notna().all()


def test_pilot_instrument_columns(scored, cb):
    p = scored.pilot_scored
    ycols = [f"Y_{k}" for k in range(1, 30)]
    assert p[ycols].notna().all().all()
    pdp = p["role"] == "PDP"
    assert (p.loc[pdp, "Y_9"] == p.loc[pdp, "s_pd09_pdp"]).all()
    assert (p.loc[~pdp, "Y_9"] == p.loc[~pdp, "s_pd09_pld"]).all()
    assert [c for c in p.columns if c.startswith("X3_")][:9] == [f"X3_{k}" for k in range(1, 10)]
    assert "X1_1" not in p.columns  # X1 is not in the instrument test


def test_modes_count_every_facilitator(scored, cb):
    m = scored.modes
    n_role = scored.facilitators_scored["role"].value_counts()
    assert ((m["n_3"] + m["n_2"] + m["n_1"] + m["n_missing"]) == m["role"].map(n_role)).all()
    assert set(m["variable"]) == {
        v for v, d in cb.variables.items() if d.scoring != "sum_of_indicators"
    }


def test_wioi_scores(scored):
    w = scored.wioi_scores
    assert (w["score"] == 2 * w["mc_correct"] + w["case_study"]).all()
    assert w["score"].between(0, 100).all()
    adm = w["administrasi_correct"]
    assert ((adm >= 7) == (w["administrasi_pass"] == 1)).all()


def test_write_derived(tmp_path, scored):
    paths = scored.write(tmp_path)
    assert {p.name for p in paths} == {
        "facilitators_scored.csv",
        "village_ratings_scored.csv",
        "pilot_scored.csv",
        "modes.csv",
        "wioi_scores.csv",
        "wioi_satisfaction.csv",
    }
    back = pd.read_csv(tmp_path / "facilitators_scored.csv")
    assert len(back) == 44 and "Y_cat" in back
