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

from p3md.codebook import Codebook
from p3md.scoring import ScoredStudy
from p3md.stats import StatsInputError
from p3md.stats.hypothesis import kruskal_table, spearman_table
from p3md.stats.instrument import critical_r, item_validity, reliability


def instrument_columns(cb: Codebook, pilot: pd.DataFrame) -> dict[str, list[str]]:
    """Instrument-test columns per variable (``X2_1``.., ``Y_1``..)."""
    return {
        v: [c for c in pilot.columns if c.rsplit("_", 1)[0] == v and c.rsplit("_", 1)[-1].isdigit()]
        for v, d in cb.variables.items()
        if d.in_instrument_test and d.group == "X" or v == "Y"
    }


def conclusion_stats(scored: ScoredStudy, cb: Codebook) -> dict[str, Any]:
    """The statistics behind each published conclusion, and whether each holds.

    Computed by the study's own analyses (:mod:`p3md.stats`: item validity and Cronbach's alpha,
    Spearman, Kruskal-Wallis), so the draw is checked with the methods the report uses. A draw
    they refuse (a constant item, say) fails the check it concerns.
    """
    out: dict[str, Any] = {}
    ok: dict[str, bool] = {}
    pilot = scored.pilot_scored
    miss = cb.max_missing_share
    r_crit = critical_r(len(pilot), cb.alpha["validity"])
    r_min, alphas = {}, {}
    for var, cols in instrument_columns(cb, pilot).items():
        items = pilot[cols].astype(float)
        try:
            validity = item_validity(items, cb.alpha["validity"], use="r", max_missing_share=miss)
            r_min[var] = float(validity["r"].min())
            alphas[var] = float(
                reliability(items, cb.reliability_threshold, max_missing_share=miss)["alpha"].iloc[
                    0
                ]
            )
        except StatsInputError:
            r_min[var], alphas[var] = float("nan"), float("nan")
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
    xs = [v for v, d in cb.variables.items() if d.group == "X"]
    data = fac[[*xs, "Y"]].astype(float)
    try:
        table = spearman_table(data, xs, "Y", alpha=a_corr, max_missing_share=miss)
        spearman = {
            r.x: (float(r.rho), float(r.p_asymptotic)) for r in table.itertuples(index=False)
        }
    except StatsInputError:
        spearman = {v: (float("nan"), float("nan")) for v in xs}
    out["spearman"] = spearman
    ok["spearman"] = all(
        (p <= a_corr and rho > 0) if v in related else p > a_corr
        for v, (rho, p) in spearman.items()
    )

    a_diff = cb.alpha["difference"]
    roles = fac[fac["role"].isin(list(cb.roles))].assign(Y=lambda d: d["Y"].astype(float))
    try:
        kw = kruskal_table(roles, "role", ["Y"], a_diff, max_missing_share=miss).iloc[0]
        out["kw_role"] = (float(kw["H"]), float(kw["p_asymptotic"]))
    except StatsInputError:
        out["kw_role"] = (float("nan"), float("nan"))
    ok["kw_role"] = out["kw_role"][1] <= a_diff

    vr = scored.village_ratings_scored
    village = vr.groupby(["village_id", "status"], as_index=False)["Y"].mean()
    order = sorted(cb.statuses, key=lambda s: cb.statuses[s].rank)
    village = village[village["status"].isin(order)]
    try:
        kw = kruskal_table(village, "status", ["Y"], a_diff, max_missing_share=miss).iloc[0]
        out["kw_status"] = (float(kw["H"]), float(kw["p_asymptotic"]))
        ranks = pd.Series({s: float(kw.get(f"mean_rank_{s}", np.nan)) for s in order})
    except StatsInputError:
        out["kw_status"] = (float("nan"), float("nan"))
        ranks = pd.Series({s: np.nan for s in order})
    out["status_mean_ranks"] = ranks.round(2).to_dict()
    ok["kw_status"] = out["kw_status"][1] <= a_diff and bool(np.all(np.diff(ranks.to_numpy()) > 0))
    out["ok"] = ok
    out["all_ok"] = all(ok.values())
    return out
