"""Random-effects meta-analysis (``p3md.stats.meta``) against printed worked examples.

References (all printed; tolerances are stated per test):

- **BCG vaccine trials** (Colditz et al. 1994, JAMA 271:698-702; metafor's ``dat.bcg``), log
  risk ratios. Printed by metafor's own test suite, which checks ``rma.uni`` against Stata's
  ``metan`` (wviechtb/metafor, tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r):
  fixed effect -0.4303 [-0.5097, -0.3509], z = -10.6247, Q = 152.2330 (df 12);
  DerSimonian-Laird -0.7141 [-1.0644, -0.3638], z = -3.9952, tau^2 = 0.3088, I^2 = 92.1173%.
  metafor's default REML fit of the same data, ``rma(yi, vi, data=dat)`` (printed in
  Viechtbauer 2010, J Stat Softw 36(3), section 3, and metafor's ``rma.uni`` help example):
  tau^2 = 0.3132, estimate -0.7145, se 0.1798, z = -3.9744, CI [-1.0669, -0.3622],
  Q(df = 12) = 152.2330. (metafor's I^2 = 92.22% is tau^2 / (tau^2 + s^2); this module's I^2
  is Q-based, 92.12% whatever the estimator, as the module says.)
- **Kacker (2004)**, Metrologia 41:132-136, interlaboratory means, Table 1 first row: the
  Paule-Mandel tau = 0.8399; and metafor's PM and DL fits of the same data at full precision
  (``rma(y, v, method="PM"/"DL", control=list(tol=1e-9))``, recorded in statsmodels'
  statsmodels/stats/tests/results/results_meta.py, ``exk1_metafor`` / ``exk1_dl``).
- **Brunner & Munzel (2000)** pain-score example with the corrected variance of Neubert &
  Brunner (2007), as printed by R's ``lawstat::brunner.munzel.test`` / ``brunnermunzel``:
  statistic 3.1375, df 17.683, p = 0.005786, P(X<Y) + .5 P(X=Y) = 0.788961.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from p3md.stats import StatsInputError
from p3md.stats.meta import (
    ALL_EFFECTS,
    K2_NOTE,
    ROLE_EFFECT,
    district_effects,
    estimator_comparison,
    meta_summary,
    random_effects,
    role_difference,
    spearman_effect,
)

#: dat.bcg: tpos, tneg, cpos, cneg of the 13 trials (Aronson 1948 ... Comstock et al 1976).
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)
#: Printed to 4 decimals: the rounding error is at most 5e-5, so 1e-4 is the tolerance.
PRINTED_4 = 1e-4

KACKER_Y = np.array([61.00, 61.40, 62.21, 62.30, 62.34, 62.60, 62.70, 62.84, 65.90])
KACKER_V = np.array([0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225])


def _bcg_log_rr():
    a, b, c, d = BCG.T
    yi = np.log(a / (a + b)) - np.log(c / (c + d))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)  # metafor escalc(measure="RR")
    return yi, np.sqrt(vi)


def test_bcg_dersimonian_laird_matches_metafor_and_stata():
    res = random_effects(*_bcg_log_rr(), method="dl")
    assert res.k == 13 and res.df == 12
    assert res.estimate == pytest.approx(-0.7141, abs=PRINTED_4)
    assert res.ci_low == pytest.approx(-1.0644, abs=PRINTED_4)
    assert res.ci_high == pytest.approx(-0.3638, abs=PRINTED_4)
    assert res.z == pytest.approx(-3.9952, abs=PRINTED_4)
    assert res.tau2 == pytest.approx(0.3088, abs=PRINTED_4)
    assert 100 * res.i2 == pytest.approx(92.1173, abs=PRINTED_4)
    assert res.q == pytest.approx(152.2330, abs=PRINTED_4)
    assert res.p_q < 1e-20


def test_bcg_reml_matches_metafor_default():
    """metafor's default ``rma(yi, vi, data=dat)`` (REML), printed to 4 decimals."""
    res = random_effects(*_bcg_log_rr(), method="reml")
    assert res.method == "reml" and res.k == 13
    assert res.tau2 == pytest.approx(0.3132, abs=PRINTED_4)
    assert res.estimate == pytest.approx(-0.7145, abs=PRINTED_4)
    assert res.se == pytest.approx(0.1798, abs=PRINTED_4)
    assert res.z == pytest.approx(-3.9744, abs=PRINTED_4)
    assert res.ci_low == pytest.approx(-1.0669, abs=PRINTED_4)
    assert res.ci_high == pytest.approx(-0.3622, abs=PRINTED_4)
    assert res.q == pytest.approx(152.2330, abs=PRINTED_4)


def test_reml_solves_its_score_and_three_estimators_differ():
    """Invariant: the REML tau^2 is a stationary point of the restricted likelihood; on BCG the
    three estimators give three different tau^2 (DL 0.3088 < REML 0.3132 < PM)."""
    from p3md.stats.meta import _reml_score

    y, se = _bcg_log_rr()
    reml = random_effects(y, se, method="reml")
    assert abs(_reml_score(y, se**2, reml.tau2)) < 1e-9
    dl = random_effects(y, se, method="dl").tau2
    pm = random_effects(y, se, method="pm").tau2
    assert dl < reml.tau2 < pm


@pytest.mark.parametrize("method", ["reml"])
def test_reml_truncates_at_zero_for_a_homogeneous_set(method):
    res = random_effects([0.10, 0.11, 0.09, 0.10], [0.2, 0.2, 0.25, 0.3], method=method)
    assert res.tau2 == 0.0
    assert res.estimate == pytest.approx(res.estimate_fe)


def test_bcg_fixed_effect_matches_metafor_and_stata():
    res = random_effects(*_bcg_log_rr(), method="dl")
    crit = stats.norm.isf(0.025)
    assert res.estimate_fe == pytest.approx(-0.4303, abs=PRINTED_4)
    assert res.estimate_fe - crit * res.se_fe == pytest.approx(-0.5097, abs=PRINTED_4)
    assert res.estimate_fe + crit * res.se_fe == pytest.approx(-0.3509, abs=PRINTED_4)
    assert res.estimate_fe / res.se_fe == pytest.approx(-10.6247, abs=PRINTED_4)


def test_prediction_interval_is_higgins_t_with_k_minus_2_df():
    """Higgins, Thompson & Spiegelhalter (2009): mu +/- t_{k-2} sqrt(tau^2 + SE^2); here from
    the printed DL numbers (SE = estimate / z), so the tolerance covers their rounding."""
    res = random_effects(*_bcg_log_rr(), method="dl")
    se = -0.7141 / -3.9952
    half = stats.t.isf(0.025, 11) * np.sqrt(0.3088 + se**2)
    assert res.pi_low == pytest.approx(-0.7141 - half, abs=1e-3)
    assert res.pi_high == pytest.approx(-0.7141 + half, abs=1e-3)
    assert res.pi_note == ""


def test_kacker_paule_mandel_matches_the_paper_and_metafor():
    res = random_effects(KACKER_Y, np.sqrt(KACKER_V), method="pm")
    assert res.tau == pytest.approx(0.8399, abs=PRINTED_4)  # Kacker 2004, Table 1
    # metafor rma(method="PM", control=list(tol=1e-9)); full precision, so 1e-6
    assert res.tau2 == pytest.approx(0.705395309224248, abs=1e-6)
    assert res.estimate == pytest.approx(62.4076199113286, abs=1e-6)
    assert res.se == pytest.approx(0.338030602684471, abs=1e-6)
    assert res.ci_low == pytest.approx(61.7450921043947, abs=1e-6)
    assert res.ci_high == pytest.approx(63.0701477182625, abs=1e-6)
    assert res.q == pytest.approx(24.801897741835, abs=1e-6)
    assert res.p_q == pytest.approx(0.00167935146372742, abs=1e-9)


# Fisher-z PLD-PDP effects of the 13 seeded Lampung districts (make data-districts): statsmodels'
# own Paule-Mandel iteration overshoots the root here and returns tau^2 = 0 although
# Q_gen(0) = 37.98 > k - 1 = 12.
OVERSHOOT_Y = [
    1.262864322154,
    0.427155255923,
    0.81225678742,
    1.315714763783,
    2.591292898312,
    0.581575404903,
    0.601261238874,
    1.091530017284,
    0.70872476445,
    1.925073800855,
    0.617102131553,
    0.578726394346,
    0.596130324199,
]
OVERSHOOT_SE = [
    0.339475209084,
    0.18634103154,
    0.199689614509,
    0.279622587351,
    0.497721600384,
    0.255136686919,
    0.217826216934,
    0.266086987439,
    0.216422086187,
    0.352314550461,
    0.208983308477,
    0.231831009226,
    0.208690212258,
]


def test_paule_mandel_solves_its_equation_where_statsmodels_iteration_overshoots():
    y, v = np.array(OVERSHOOT_Y), np.array(OVERSHOOT_SE) ** 2
    res = random_effects(OVERSHOOT_Y, OVERSHOOT_SE, method="pm")
    # statsmodels' Newton iteration returned tau^2 = 0 on these effects in an earlier build of
    # the stack (the failure random_effects guards against); where it converges, both agree.
    plain = combine_effects(y, v, method_re="iterated", use_t=False, atol=1e-10, maxiter=500)
    if plain.tau2 > 0:
        assert res.tau2 == pytest.approx(plain.tau2, rel=1e-6)
    w = 1 / (v + res.tau2)
    mu = w @ y / w.sum()
    assert res.tau2 > 0
    assert w @ (y - mu) ** 2 == pytest.approx(len(y) - 1, rel=1e-9)  # Q_gen(tau^2) = k - 1
    assert res.estimate == pytest.approx(mu, rel=1e-12)
    # Paule-Mandel lies between 0 and the data's spread; DL's one-step moment estimate is
    # below it when heterogeneity is large (Veroniki et al. 2016)
    assert random_effects(OVERSHOOT_Y, OVERSHOOT_SE, method="dl").tau2 < res.tau2 < np.var(y)


def test_kacker_dersimonian_laird_matches_metafor():
    res = random_effects(KACKER_Y, np.sqrt(KACKER_V), method="dl")
    assert res.tau2 == pytest.approx(0.288049246973751, abs=1e-9)
    assert res.estimate == pytest.approx(62.3901386044504, abs=1e-9)
    assert res.se == pytest.approx(0.245749668040304, abs=1e-9)
    # metafor's DL I^2 is tau^2 / (tau^2 + s^2), which for DL equals (Q - df) / Q
    assert 100 * res.i2 == pytest.approx(67.744403741711, abs=1e-9)


@pytest.mark.parametrize("method", ["dl", "pm"])
def test_homogeneous_set_truncates_tau2_at_zero(method):
    y = np.array([0.10, 0.12, 0.11, 0.09])
    se = np.array([0.10, 0.14, 0.12, 0.11])
    with np.errstate(invalid="ignore"):  # statsmodels takes sqrt of the negative variance
        raw = combine_effects(y, se**2, method_re="dl")
    assert raw.tau2 < 0  # statsmodels' DL is not truncated; the module must truncate it
    with np.errstate(all="raise"):  # and without numpy warnings reaching the report
        res = random_effects(y, se, method=method)
    w = 1 / se**2
    fe = float(w @ y / w.sum())
    assert res.tau2 == 0.0 and res.i2 == 0.0
    assert res.q < res.df
    assert res.estimate == pytest.approx(fe, abs=1e-12)
    assert res.se == pytest.approx(np.sqrt(1 / w.sum()), abs=1e-12)
    assert res.weights == pytest.approx(w / w.sum(), abs=1e-12)
    half = stats.t.isf(0.025, 2) * res.se  # PI with tau^2 = 0
    assert (res.pi_low, res.pi_high) == pytest.approx((fe - half, fe + half), abs=1e-12)


def test_two_districts_pool_but_have_no_prediction_interval():
    y, se = np.array([0.1, 0.5]), np.array([0.1, 0.14])
    res = random_effects(y, se, method="dl")
    w = 1 / se**2
    q = float(w @ (y - w @ y / w.sum()) ** 2)
    tau2 = (q - 1) / (w.sum() - (w**2).sum() / w.sum())  # DerSimonian & Laird 1986, eq. 8
    w_re = 1 / (se**2 + tau2)
    assert res.k == 2 and res.df == 1
    assert res.tau2 == pytest.approx(tau2, abs=1e-12)
    assert res.estimate == pytest.approx(w_re @ y / w_re.sum(), abs=1e-12)
    assert np.isnan(res.pi_low) and np.isnan(res.pi_high)
    assert res.pi_note == K2_NOTE
    assert np.isfinite(res.ci_low) and np.isfinite(res.ci_high)
    assert random_effects(y, se, method="pm").k == 2  # PM also handles k = 2


@pytest.mark.parametrize(
    ("y", "se", "message"),
    [
        ([0.3], [0.1], "at least 2"),
        ([0.3, 0.2], [0.1, 0.0], "positive"),
        ([0.3, np.nan], [0.1, 0.1], "finite"),
    ],
)
def test_invalid_inputs_are_refused(y, se, message):
    with pytest.raises(StatsInputError, match=message):
        random_effects(y, se)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        random_effects([0.1, 0.2], [0.1, 0.1], method="ml")


# -- per-district effects ------------------------------------------------------------------
PAIN_X = [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 1, 1]
PAIN_Y = [3, 3, 4, 3, 1, 2, 3, 1, 1, 5, 4]


def test_rank_biserial_matches_brunner_munzel_printed_example():
    """r_rb = 2 A - 1 with A = P(X<Y) + .5 P(X=Y) = 0.788961 (group 1 = Y, the higher one);
    SE(r_rb) = 2 SE(A) = 2 (A - 1/2) / statistic with the printed statistic 3.1375."""
    data = pd.DataFrame(
        {"role": ["PDP"] * len(PAIN_X) + ["PLD"] * len(PAIN_Y), "Y": PAIN_X + PAIN_Y}
    )
    eff = role_difference(data, "Y", "role", ("PLD", "PDP"))
    assert (eff["n_1"], eff["n_2"]) == (11, 14)
    assert eff["estimate"] == pytest.approx(2 * 0.788961 - 1, abs=2e-6)
    assert eff["se"] == pytest.approx(2 * (0.788961 - 0.5) / 3.1375, abs=1e-5)
    r = eff["estimate"]
    assert eff["z"] == pytest.approx(np.arctanh(r), abs=1e-12)
    assert eff["se_z"] == pytest.approx(eff["se"] / (1 - r**2), abs=1e-12)
    # the same effect as stage 05's Mann-Whitney RBC (CLES from U), PLD as group 1
    u = stats.mannwhitneyu(PAIN_Y, PAIN_X).statistic
    assert eff["estimate"] == pytest.approx(2 * u / (11 * 14) - 1, abs=1e-12)


def test_spearman_effect_uses_bonett_wright_se():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, 40)
    data = pd.DataFrame({"X2": x, "Y": x + rng.integers(0, 4, 40)})
    eff = spearman_effect(data, "X2", "Y")
    rho = stats.spearmanr(data["X2"], data["Y"]).statistic
    assert eff["estimate"] == pytest.approx(rho, abs=1e-12)
    assert eff["z"] == pytest.approx(np.arctanh(rho), abs=1e-12)
    assert eff["se_z"] == pytest.approx(np.sqrt((1 + rho**2 / 2) / 37), abs=1e-12)
    assert eff["se_z"] > 1 / np.sqrt(37)  # wider than Fisher's 1/sqrt(n - 3) for rho != 0


def _district(seed: int, n_pld: int = 12, n_pdp: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_pld + n_pdp
    x = rng.integers(5, 15, n)
    return pd.DataFrame(
        {
            "role": ["PLD"] * n_pld + ["PDP"] * n_pdp,
            "X1": x,
            "Y": x + rng.integers(0, 10, n) + np.r_[np.full(n_pld, 3), np.zeros(n_pdp, int)],
        }
    )


def test_undefined_effects_are_excluded_with_a_reason():
    no_pdp = _district(2).assign(role="PLD")
    constant = _district(3).assign(Y=40)
    scored = {"A": _district(1), "B": no_pdp, "C": constant, "D": _district(4)}
    effects, excluded = district_effects(scored, ["X1"], "Y", groups=("PLD", "PDP"))
    got = {(r.district, r.effect): r.reason for r in excluded.itertuples()}
    assert set(got) == {("B", ROLE_EFFECT), ("C", ROLE_EFFECT), ("C", "X1")}
    assert "0 PDP" in got[("B", ROLE_EFFECT)]
    assert "same Y" in got[("C", ROLE_EFFECT)]
    assert "constant" in got[("C", "X1")]
    assert set(effects.loc[effects["effect"] == ROLE_EFFECT, "district"]) == {"A", "D"}
    summary, weights = meta_summary(effects, order=[ROLE_EFFECT, "X1"])
    assert summary.set_index("effect").loc[ROLE_EFFECT, "k"] == 2
    assert summary.set_index("effect").loc["X1", "k"] == 3
    assert weights.groupby("effect")["weight"].sum().to_numpy() == pytest.approx([1, 1])


def test_a_district_with_a_missing_or_non_numeric_column_is_excluded_whole():
    scored = {"A": _district(1), "B": _district(2).drop(columns="X1"), "C": _district(3)}
    scored["C"]["Y"] = scored["C"]["Y"].astype(object)
    scored["C"].loc[0, "Y"] = "tinggi"
    effects, excluded = district_effects(scored, ["X1"], "Y", groups=("PLD", "PDP"))
    assert excluded[["district", "effect"]].values.tolist() == [
        ["B", ALL_EFFECTS],
        ["C", ALL_EFFECTS],
    ]
    assert "X1" in excluded["reason"].iloc[0] and "non-numeric" in excluded["reason"].iloc[1]
    assert set(effects["district"]) == {"A"}


def test_complete_separation_is_excluded():
    data = pd.DataFrame({"role": ["PLD"] * 3 + ["PDP"] * 3, "Y": [9, 8, 7, 3, 2, 1]})
    with pytest.raises(StatsInputError, match="separation|variance"):
        role_difference(data, "Y", "role", ("PLD", "PDP"))


def test_summary_back_transforms_with_tanh():
    effects, _ = district_effects(
        {k: _district(k) for k in range(5)}, ["X1"], "Y", groups=("PLD", "PDP")
    )
    summary, _ = meta_summary(effects)
    row = summary.set_index("effect").loc[ROLE_EFFECT]
    assert row["r"] == pytest.approx(np.tanh(row["estimate"]), abs=1e-12)
    assert row["r_ci_low"] < row["r"] < row["r_ci_high"]
    assert -1 < row["r_pi_low"] <= row["r_ci_low"] and row["r_ci_high"] <= row["r_pi_high"] < 1


def test_estimator_comparison_pools_each_effect_with_each_method():
    y, se = _bcg_log_rr()
    effects = pd.DataFrame({"effect": "bcg", "district": range(len(y)), "z": y, "se_z": se})
    out = estimator_comparison(effects)
    assert out["method"].tolist() == ["pm", "reml", "dl"]
    reml = out[out["method"] == "reml"].iloc[0]
    assert reml["tau2"] == pytest.approx(0.3132, abs=PRINTED_4)  # metafor's default fit
    assert reml["r"] == pytest.approx(np.tanh(-0.7145), abs=PRINTED_4)


def test_district_effects_use_the_runs_max_missing_share():
    """A district with 2 of 20 facilitators missing Y (10 %): every effect left out (with the
    reason) at the default 5 %, computed on the 18 complete rows at the run's 10 %, equal to
    scipy's Spearman on those rows."""
    from p3md.stats.meta import district_effects

    rng = np.random.default_rng(7)
    x = rng.integers(1, 20, 20).astype(float)
    y = x + rng.normal(0, 4, 20)
    y[[3, 11]] = np.nan
    table = pd.DataFrame({"X1": x, "Y": y, "role": ["PLD", "PDP"] * 10})
    effects, excluded = district_effects({"A": table}, ["X1"], "Y", groups=("PLD", "PDP"))
    assert effects.empty and set(excluded["effect"]) == {"role", "X1"}
    assert excluded["reason"].str.contains("max_missing_share").all()
    effects, excluded = district_effects(
        {"A": table}, ["X1"], "Y", groups=("PLD", "PDP"), max_missing_share=0.1
    )
    assert excluded.empty
    rs = effects.set_index("effect").loc["X1"]
    keep = ~np.isnan(y)
    assert rs["n"] == 18
    assert rs["estimate"] == pytest.approx(stats.spearmanr(x[keep], y[keep]).statistic, rel=1e-12)


def test_three_groups_give_one_difference_per_pair_in_declared_order():
    """A study with three groups (the codebook's roles, in declared order): one rank-biserial
    effect per pair, first minus second, each equal to its two-group computation; with two
    groups the one effect keeps the key ``role``."""
    from p3md.stats.meta import is_role_effect, role_pairs

    assert role_pairs(["PLD", "PDP"]) == {ROLE_EFFECT: ("PLD", "PDP")}
    assert role_pairs(["A"]) == {}
    pairs = role_pairs(["PNS", "PPPK", "THL"])
    assert list(pairs.values()) == [("PNS", "PPPK"), ("PNS", "THL"), ("PPPK", "THL")]
    assert all(is_role_effect(k) for k in pairs) and not is_role_effect("X1")
    rng = np.random.default_rng(3)
    table = pd.DataFrame(
        {
            "role": ["PNS"] * 10 + ["PPPK"] * 9 + ["THL"] * 8,
            "X1": rng.integers(1, 9, 27).astype(float),
            "Y": np.r_[rng.integers(6, 18, 10), rng.integers(3, 15, 9), rng.integers(0, 12, 8)],
        }
    )
    effects, excluded = district_effects({"A": table}, ["X1"], "Y", groups=["PNS", "PPPK", "THL"])
    assert excluded.empty
    got = effects.set_index("effect")
    for key, pair in pairs.items():
        alone = role_difference(table, "Y", "role", pair)
        assert got.loc[key, "estimate"] == pytest.approx(alone["estimate"], rel=1e-12)
        assert (got.loc[key, "n_1"], got.loc[key, "n_2"]) == (alone["n_1"], alone["n_2"])
    # PNS score highest, THL lowest: every difference first minus second is positive
    assert (got.loc[list(pairs), "estimate"] > 0).all()
