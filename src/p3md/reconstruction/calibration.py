"""Does a drawn data set reproduce the thesis's published conclusions?

Used by the generator's seed search: the default seed yields the first draw (in a fixed order
of attempts) on which every check passes, so the committed data are deterministic and
calibrated. The checks mirror the thesis's analyses (Tables 9-11, the Spearman and
Kruskal-Wallis tests and the Kesimpulan); tests/test_reconstruction_conclusions.py re-checks
them independently on the committed files.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from p3md.codebook import Codebook
from p3md.scoring import ScoredStudy


def critical_r(n: int, alpha: float) -> float:
    """Two-sided critical Pearson r at ``alpha`` with df = n - 2 (0.361 at n = 30, 5%)."""
    t = stats.t.ppf(1 - alpha / 2, n - 2)
    return float(t / np.sqrt(n - 2 + t**2))


def cronbach_alpha(items: pd.DataFrame) -> float:
    items = items.dropna()
    k = items.shape[1]
    return float(k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1)))


def instrument_columns(cb: Codebook, pilot: pd.DataFrame) -> dict[str, list[str]]:
    """Instrument-test columns per variable (``X2_1``.., ``Y_1``..)."""
    return {
        v: [c for c in pilot.columns if c.rsplit("_", 1)[0] == v and c.rsplit("_", 1)[-1].isdigit()]
        for v, d in cb.variables.items()
        if d.in_instrument_test and d.group == "X" or v == "Y"
    }


def conclusion_stats(scored: ScoredStudy, cb: Codebook) -> dict[str, Any]:
    """The statistics behind each published conclusion, and whether each holds."""
    out: dict[str, Any] = {}
    ok: dict[str, bool] = {}
    pilot = scored.pilot_scored
    r_crit = critical_r(len(pilot), cb.alpha["validity"])
    r_min, alphas = {}, {}
    for var, cols in instrument_columns(cb, pilot).items():
        items = pilot[cols].astype(float)
        total = items.sum(axis=1)
        rs = [items[c].corr(total) for c in cols]
        r_min[var] = float(np.nanmin(rs)) if not np.isnan(rs).any() else float("nan")
        alphas[var] = cronbach_alpha(items)
    out["r_min"], out["alpha"], out["r_crit"] = r_min, alphas, r_crit
    ok["validity"] = all(r >= r_crit for r in r_min.values())
    ok["reliability"] = all(a >= cb.reliability_threshold for a in alphas.values())

    fac = scored.facilitators_scored
    med = fac.groupby("role")["Y"].median()
    mean = fac.groupby("role")["Y"].mean()
    out["Y_median"], out["Y_mean"] = med.to_dict(), mean.to_dict()
    ok["Y_categories"] = (
        cb.category("Y", int(np.floor(med["PLD"]))) == "Baik"
        and cb.category("Y", int(np.floor(med["PDP"]))) == "Kurang baik"
        and cb.category("Y", int(np.floor(mean["PLD"]))) == "Baik"
        and cb.category("Y", int(np.floor(mean["PDP"]))) == "Kurang baik"
    )

    a_corr = cb.alpha["correlation"]
    related = {"X2", "X4", "X5", "X6", "X7"}
    spearman = {}
    for var in [v for v, d in cb.variables.items() if d.group == "X"]:
        rho, p = stats.spearmanr(fac[var].astype(float), fac["Y"].astype(float))
        spearman[var] = (float(rho), float(p))
    out["spearman"] = spearman
    ok["spearman"] = all(
        (p <= a_corr and rho > 0) if v in related else p > a_corr
        for v, (rho, p) in spearman.items()
    )

    groups = [fac.loc[fac["role"] == r, "Y"].astype(float) for r in cb.roles]
    h, p = stats.kruskal(*groups)
    out["kw_role"] = (float(h), float(p))
    ok["kw_role"] = p <= cb.alpha["difference"]

    vr = scored.village_ratings_scored
    village = vr.groupby(["village_id", "status"], as_index=False)["Y"].mean()
    order = sorted(cb.statuses, key=lambda s: cb.statuses[s].rank)
    h, p = stats.kruskal(*[village.loc[village["status"] == s, "Y"] for s in order])
    ranks = village["Y"].rank().groupby(village["status"]).mean().reindex(order)
    out["kw_status"] = (float(h), float(p))
    out["status_mean_ranks"] = ranks.round(2).to_dict()
    ok["kw_status"] = p <= cb.alpha["difference"] and bool(np.all(np.diff(ranks.to_numpy()) > 0))
    out["ok"] = ok
    out["all_ok"] = all(ok.values())
    return out
