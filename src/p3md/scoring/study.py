"""Score the whole study: facilitators, village ratings, pilot, modal answers, Wioi."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from p3md.codebook import Codebook
from p3md.io.tidy import write_tidy_csv
from p3md.scoring.aggregate import aggregate_items, modal_scores
from p3md.scoring.items import ScoringError, as_int, categories, score_items, variable_total
from p3md.scoring.wioi import score_wioi_satisfaction, score_wioi_tests


@dataclass
class ScoredStudy:
    """Tidy scored tables; :meth:`write` saves each as ``<field>.csv`` in a derived folder."""

    facilitators_scored: pd.DataFrame
    village_ratings_scored: pd.DataFrame
    pilot_scored: pd.DataFrame
    modes: pd.DataFrame
    #: Scored Wioi files, when the data folder has them (a district's folder does not).
    wioi_scores: pd.DataFrame | None = None
    wioi_satisfaction: pd.DataFrame | None = None

    def write(self, derived_dir: str | Path, cb: Codebook | None = None) -> list[Path]:
        """Write every table as UTF-8 CSV (``,``, ``\\n``) and, given the codebook, as an SPSS
        ``.sav`` with its variable and value labels; returns the paths written."""
        derived = Path(derived_dir)
        derived.mkdir(parents=True, exist_ok=True)
        paths = []
        for f in fields(self):
            if getattr(self, f.name) is None:
                continue
            path = derived / f"{f.name}.csv"
            write_tidy_csv(getattr(self, f.name), path, float_format="%.4g")
            paths.append(path)
            if cb is not None:
                from p3md.io.spss import write_scored_sav  # pyreadstat only when asked for

                paths.append(write_scored_sav(getattr(self, f.name), derived / f"{f.name}.sav", cb))
        return paths


def _vars(cb: Codebook, group: str) -> list[str]:
    return [
        v for v, d in cb.variables.items() if d.group == group and d.scoring != "sum_of_indicators"
    ]


def _by_rater(cb: Codebook, rater: str) -> list[str]:
    return [v for v, d in cb.variables.items() if d.rater == rater]


def _composites(cb: Codebook) -> list[str]:
    return [v for v, d in cb.variables.items() if d.scoring == "sum_of_indicators"]


def _add_totals(
    cb: Codebook,
    out: pd.DataFrame,
    scores: pd.DataFrame,
    roles: pd.Series,
    variables: list[str],
    raw: pd.DataFrame | None = None,
) -> None:
    for var in variables:
        out[var] = as_int(variable_total(cb, var, scores, roles, raw=raw))


def _add_composites_and_categories(cb: Codebook, out: pd.DataFrame, variables: list[str]) -> None:
    totals = out[variables].astype("float64")
    for comp in _composites(cb):
        if set(cb.variables[comp].indicators or []) <= set(variables):
            out[comp] = as_int(variable_total(cb, comp, totals, out["role"], totals=totals))
            variables = [*variables, comp]
    for var in variables:
        out[f"{var}_cat"] = categories(cb, var, out[var].astype("float64").to_numpy()).to_numpy()


def score_facilitators(
    raw: dict[str, pd.DataFrame], cb: Codebook
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per facilitator (X self-report, Y1/Y2 aggregated over officials, Y3/Y4 expert).

    Also returns the per-rating official item scores, reused for the village view and modes.
    """
    fac = raw["facilitators"].reset_index(drop=True)
    roles = fac["role"]
    x_vars = _vars(cb, "X")
    out = fac[["facilitator_id", "role", "kecamatan"]].copy()
    x_scores = score_items(cb, fac, roles, x_vars)

    ratings = raw["official_ratings"].reset_index(drop=True)
    role_of = dict(zip(fac["facilitator_id"], fac["role"], strict=True))
    r_roles = ratings["facilitator_id"].map(role_of)
    if r_roles.isna().any():
        unknown = sorted(set(ratings["facilitator_id"][r_roles.isna()]))
        raise ScoringError(f"official ratings name unknown facilitators {unknown[:5]}")
    off_vars = _by_rater(cb, "official")
    r_scores = score_items(cb, ratings, r_roles, off_vars)
    agg = aggregate_items(r_scores, ratings["facilitator_id"], cb.rater_aggregation["rule"])
    agg = agg.reindex(fac["facilitator_id"]).reset_index(drop=True)
    n_ratings = (
        ratings.groupby("facilitator_id").size().reindex(fac["facilitator_id"], fill_value=0)
    )

    exp_vars = _by_rater(cb, "expert")
    if exp_vars:
        expert = (
            raw["expert_ratings"]
            .set_index("facilitator_id")
            .reindex(fac["facilitator_id"])
            .reset_index()
        )
        e_scores = score_items(cb, expert, roles, exp_vars)
    else:  # a study without an expert's ratings (no expert_ratings file)
        e_scores = pd.DataFrame(index=fac.index)

    scores = pd.concat([x_scores, agg, e_scores], axis=1)
    out["n_ratings"] = n_ratings.to_numpy().astype(np.int64)
    for col in scores.columns:
        out[col] = as_int(scores[col].to_numpy())
    totals = [*x_vars, *off_vars, *exp_vars]
    _add_totals(cb, out, scores, roles, totals, raw=fac)
    _add_composites_and_categories(cb, out, totals)
    return out, r_scores.assign(_role=r_roles.to_numpy())


def score_village_ratings(
    raw: dict[str, pd.DataFrame], cb: Codebook, fac_scored: pd.DataFrame, r_scores: pd.DataFrame
) -> pd.DataFrame:
    """One row per official rating: the official's Y1/Y2 plus the facilitator's expert Y3/Y4."""
    ratings = raw["official_ratings"].reset_index(drop=True)
    frame = raw["village_frame"].set_index("village_id")
    out = pd.DataFrame(
        {
            "official_id": ratings["official_id"],
            "village_id": ratings["village_id"],
            "kecamatan": ratings["village_id"].map(frame["kecamatan"]).astype("string"),
            "status": ratings["village_id"].map(frame["status"]).astype("string"),
            "facilitator_id": ratings["facilitator_id"],
            "role": pd.Series(r_scores["_role"].to_numpy(), dtype="string"),
        }
    )
    off_vars = _by_rater(cb, "official")
    _add_totals(cb, out, r_scores.drop(columns="_role"), out["role"], off_vars)
    by_fac = fac_scored.set_index("facilitator_id")
    exp_vars = _by_rater(cb, "expert")
    for var in exp_vars:
        out[var] = out["facilitator_id"].map(by_fac[var]).astype("Int64")
    _add_composites_and_categories(cb, out, [*off_vars, *exp_vars])
    return out


def score_pilot(pilot: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Pilot item scores, totals, and instrument-test columns ``<var>_<position>``.

    Instrument columns number the items as Tables 9-10 do: X variables by ``position``, the
    composite Y by ``y_position`` across its indicators, so PLD and PDP answers to the
    role-specific item at the same place share a column.
    """
    pilot = pilot.reset_index(drop=True)
    roles = pilot["role"]
    variables = [v for v, d in cb.variables.items() if d.scoring != "sum_of_indicators"]
    scores = score_items(cb, pilot, roles, variables)
    out = pilot[["respondent_id", "role"]].copy()
    for col in scores.columns:
        out[col] = as_int(scores[col].to_numpy())
    role_arr = roles.astype(str).to_numpy()
    for var, d in cb.variables.items():
        if not d.in_instrument_test:
            continue
        key = "y_position" if d.scoring == "sum_of_indicators" else "position"
        slots: dict[int, np.ndarray] = {}
        for role in cb.roles:
            m = role_arr == role
            for k, item in enumerate(cb.items_for(var, role), start=1):
                # A composite numbers its items across indicators (``y_position``, else in order).
                pos = getattr(item, key) or k
                col = slots.setdefault(pos, np.full(len(pilot), np.nan))
                col[m] = scores[f"s_{item.id}"].to_numpy()[m]
        for pos in sorted(slots):
            out[f"{var}_{pos}"] = as_int(slots[pos])
    _add_totals(cb, out, scores, roles, variables, raw=pilot)
    _add_composites_and_categories(cb, out, variables)
    return out


def modal_distribution(
    cb: Codebook, fac_scored: pd.DataFrame, r_scores: pd.DataFrame, ratings: pd.DataFrame
) -> pd.DataFrame:
    """The thesis's "sebaran modus": per variable, item and role, respondents by modal score
    (``n_<score>`` for every score of the codebook's scales and bands, highest first)."""
    modes = modal_scores(r_scores.drop(columns="_role"), ratings["facilitator_id"])
    modes = modes.reindex(fac_scored["facilitator_id"]).reset_index(drop=True)
    rows = []
    roles = fac_scored["role"].astype(str).to_numpy()
    # One count column per score any item can take (n_3, n_2, n_1 on a 1-3 scale).
    all_scores = cb.option_scores([i.id for i in cb.items])
    for var, d in cb.variables.items():
        if d.scoring == "sum_of_indicators":
            continue
        for role in cb.roles:
            m = roles == role
            for item in cb.items_for(var, role):
                col = f"s_{item.id}"
                source = modes[col] if col in modes.columns else fac_scored[col].astype("float64")
                values = source.to_numpy(dtype=float)[m]
                rows.append(
                    {
                        "variable": var,
                        "item_id": item.id,
                        "position": item.position,
                        "role": role,
                        **{f"n_{k}": int((values == k).sum()) for k in all_scores},
                        "n_missing": int(np.isnan(values).sum()),
                    }
                )
    return pd.DataFrame(rows)


def score_study(raw: dict[str, pd.DataFrame], cb: Codebook) -> ScoredStudy:
    """Score every raw file read by :func:`p3md.io.readers.read_raw_dir`."""
    fac_scored, r_scores = score_facilitators(raw, cb)
    return ScoredStudy(
        facilitators_scored=fac_scored,
        village_ratings_scored=score_village_ratings(raw, cb, fac_scored, r_scores),
        pilot_scored=score_pilot(raw["pilot"], cb),
        modes=modal_distribution(
            cb, fac_scored, r_scores, raw["official_ratings"].reset_index(drop=True)
        ),
        wioi_scores=score_wioi_tests(raw["wioi_tests"], cb) if "wioi_tests" in raw else None,
        wioi_satisfaction=(
            score_wioi_satisfaction(raw["wioi_satisfaction"], cb)
            if "wioi_satisfaction" in raw
            else None
        ),
    )
