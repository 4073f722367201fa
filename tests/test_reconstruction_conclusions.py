"""Every published conclusion, re-checked on the committed reconstruction with scipy/pingouin.

These tests read data/raw through the readers and scoring, then compute the statistics
independently of p3md.reconstruction.calibration (which steered the seed search).
"""

from __future__ import annotations

import math

import numpy as np
import pingouin as pg
import pytest
from scipy import stats

from p3md.reconstruction.params import WIOI_TARGETS
from p3md.reconstruction.wioi import nearest_count


def _instrument(scored, var):
    p = scored.pilot_scored
    cols = [c for c in p.columns if c.startswith(f"{var}_") and c.split("_")[-1].isdigit()]
    return p[cols].astype(float)


TESTED = ["X2", "X3", "X4", "X6", "X7", "Y"]


@pytest.mark.parametrize("var", TESTED)
def test_all_pilot_items_valid(scored, cb, var):
    items = _instrument(scored, var)
    assert items.shape == (30, {"X2": 3, "X3": 9, "X4": 5, "X6": 3, "X7": 9, "Y": 29}[var])
    total = items.sum(axis=1)
    t = stats.t.ppf(1 - cb.alpha["validity"] / 2, 28)
    r_crit = t / math.sqrt(28 + t**2)
    for col in items:
        r, _ = stats.pearsonr(items[col], total)
        assert r >= r_crit, (col, r)


@pytest.mark.parametrize("var", TESTED)
def test_reliability_above_threshold(scored, cb, var):
    alpha, _ = pg.cronbach_alpha(data=_instrument(scored, var))
    assert alpha >= cb.reliability_threshold


def test_pld_baik_pdp_kurang_baik(scored, cb):
    fac = scored.facilitators_scored
    for role, label in (("PLD", "Baik"), ("PDP", "Kurang baik")):
        y = fac.loc[fac["role"] == role, "Y"].astype(float)
        assert cb.category("Y", int(math.floor(y.median()))) == label
        assert cb.category("Y", int(math.floor(y.mean()))) == label
        assert fac.loc[fac["role"] == role, "Y_cat"].mode().iloc[0] == label


@pytest.mark.parametrize(
    "var,related",
    [
        ("X1", False),
        ("X2", True),
        ("X3", False),
        ("X4", True),
        ("X5", True),
        ("X6", True),
        ("X7", True),
    ],
)
def test_spearman_with_performance(scored, cb, var, related):
    fac = scored.facilitators_scored
    assert len(fac) == 44
    rho, p = stats.spearmanr(fac[var].astype(float), fac["Y"].astype(float))
    if related:
        assert p <= cb.alpha["correlation"] and rho > 0
    else:
        assert p > cb.alpha["correlation"]


def test_kruskal_pdp_vs_pld(scored, cb):
    fac = scored.facilitators_scored.astype({"Y": float})
    res = pg.kruskal(data=fac, dv="Y", between="role")
    assert res["p_unc" if "p_unc" in res else "p-unc"].iloc[0] <= cb.alpha["difference"]
    h, p = stats.kruskal(*[g["Y"] for _, g in fac.groupby("role")])
    assert p <= cb.alpha["difference"]


def test_kruskal_across_village_status_with_rising_ranks(scored, cb):
    vr = scored.village_ratings_scored.astype({"Y": float})
    village = vr.groupby(["village_id", "status"], as_index=False)["Y"].mean()
    order = sorted(cb.statuses, key=lambda s: cb.statuses[s].rank)
    h, p = stats.kruskal(*[village.loc[village["status"] == s, "Y"] for s in order])
    assert p <= cb.alpha["difference"]
    ranks = village["Y"].rank().groupby(village["status"]).mean().reindex(order)
    assert (np.diff(ranks.to_numpy()) > 0).all(), ranks.to_dict()
    # The rating-level view (one row per official rating) agrees.
    h2, p2 = stats.kruskal(*[vr.loc[vr["status"] == s, "Y"] for s in order])
    assert p2 <= cb.alpha["difference"]


def test_wioi_means_print_as_published(scored):
    w = scored.wioi_scores
    assert (w.groupby("phase").size() == 16).all()
    for phase, printed in WIOI_TARGETS["mean"].items():
        assert f"{w.loc[w['phase'] == phase, 'score'].mean():.1f}" == f"{printed:.1f}"
    assert w["score"].between(0, 100).all()


def test_wioi_aspect_pass_counts_nearest_achievable(scored, cb):
    w = scored.wioi_scores
    for phase, shares in WIOI_TARGETS["aspect_pass_share"].items():
        sub = w[w["phase"] == phase]
        for aspect, share in shares.items():
            count = int(sub[f"{aspect}_pass"].sum())
            assert count == nearest_count(share, len(sub))
            # and no other count out of 16 is closer to the printed share
            assert abs(count / 16 - share) <= min(abs(k / 16 - share) for k in range(17)) + 1e-12


def test_wioi_satisfaction_shares(scored):
    s = scored.wioi_satisfaction
    shares = s.groupby("wave")["satisfied"].mean()
    assert f"{shares['before']:.0%}" == "65%" and f"{shares['after']:.0%}" == "82%"
    assert (s.groupby("wave").size() == 60).all()
