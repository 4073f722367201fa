"""Raw answers -> item scores -> variable totals, all driven by the codebook.

Item scores are floats with NaN for "not answered / not carried by this role", so sums can
propagate missingness; totals are returned as nullable integers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from p3md.codebook import Band, Codebook, Item


class ScoringError(ValueError):
    """A raw value cannot be scored (should have been stopped by the gates)."""


def band_scores(values: np.ndarray, bands: list[Band]) -> np.ndarray:
    """Score of the first band whose ``upto`` the value does not exceed (NaN stays NaN).

    ``searchsorted(side='left')`` returns the first limit >= value, which is exactly the
    codebook's rule, including values on a limit (5.6 km -> the 5.6 band) and values in a
    printed gap (5.65 km -> the next band).
    """
    limits = np.array([np.inf if b.upto is None else float(b.upto) for b in bands])
    scores = np.array([b.score for b in bands], dtype=float)
    values = np.asarray(values, dtype=float)
    out = np.full(values.shape, np.nan)
    ok = ~np.isnan(values)
    out[ok] = scores[np.searchsorted(limits, values[ok], side="left")]
    return out


def score_item(cb: Codebook, item: Item, raw: pd.Series, roles: pd.Series) -> np.ndarray:
    """Scores of one item (the scale's codes, reverse keys flipped, or band scores) for
    respondents with the given roles (NaN if not applicable)."""
    values = pd.to_numeric(raw, errors="raise").astype("float64").to_numpy()
    role_arr = roles.astype(str).to_numpy()
    out = np.full(values.shape, np.nan)
    for role in item.roles:
        m = role_arr == role
        if not m.any():
            continue
        v = values[m]
        if item.response.type == "options":
            codes = set(cb.scales[item.response.scale or ""])
            bad = ~np.isnan(v) & ~np.isin(v, list(codes))
            if bad.any():
                raise ScoringError(
                    f"item {item.id}: codes {sorted(set(v[bad]))} are not in {sorted(codes)}"
                )
            # Reverse-keyed option items store the questionnaire's order: (min + max) - code.
            lo, hi = min(codes), max(codes)
            out[m] = (lo + hi) - v if item.reverse else v
        else:
            # Count/km items: the bands already encode direction (x4_5: more sanctions = 1).
            out[m] = band_scores(v, cb.bands_for(item.id, role))
    return out


def score_items(
    cb: Codebook, raw: pd.DataFrame, roles: pd.Series, variables: list[str]
) -> pd.DataFrame:
    """``s_<item_id>`` columns for every item of ``variables`` present in ``raw``."""
    cols = {}
    for item_id in cb.columns_for(variables):
        if item_id in raw.columns:
            cols[f"s_{item_id}"] = score_item(cb, cb.item(item_id), raw[item_id], roles)
    return pd.DataFrame(cols, index=raw.index)


def _complete_sum(frame: pd.DataFrame) -> np.ndarray:
    # Missing-data rule complete_items_required: one missing item -> missing total.
    return frame.sum(axis=1, min_count=frame.shape[1]).where(frame.notna().all(axis=1)).to_numpy()


def variable_total(
    cb: Codebook,
    var_id: str,
    scores: pd.DataFrame,
    roles: pd.Series,
    raw: pd.DataFrame | None = None,
    totals: pd.DataFrame | None = None,
) -> np.ndarray:
    """Total of ``var_id`` per row, by the variable's ``scoring`` rule and the row's role."""
    if cb.missing_data.rule != "complete_items_required":
        raise ScoringError(f"missing-data rule {cb.missing_data.rule!r} is not implemented")
    var = cb.variables[var_id]
    role_arr = roles.astype(str).to_numpy()
    out = np.full(len(scores), np.nan)
    if var.scoring == "sum_of_indicators":
        if totals is None:
            raise ScoringError(f"{var_id} needs the indicator totals")
        parts = totals[var.indicators or []]
        return _complete_sum(parts)
    for role in cb.roles:
        m = role_arr == role
        if not m.any():
            continue
        items = cb.items_for(var_id, role)
        cols = [f"s_{i.id}" for i in items]
        if var.scoring in ("sum", "single"):
            out[m] = _complete_sum(scores.loc[m, cols])
        elif var.scoring == "subscale_bands":
            sub_totals = []
            for sub in (var.subscales or {}).values():
                s = _complete_sum(scores.loc[m, [f"s_{i}" for i in sub.items]])
                sub_totals.append(band_scores(s, sub.bands))
            out[m] = _complete_sum(pd.DataFrame(np.column_stack(sub_totals)))
        elif var.scoring == "band_of_mean":
            if raw is None:
                raise ScoringError(f"{var_id} is scored from raw values; pass raw")
            km = raw.loc[m, [i.id for i in items]].astype("float64")
            # Mean of the answered distances; every required (non-optional) item must be there.
            required = [i.id for i in items if not i.optional]
            mean = km.mean(axis=1).where(km[required].notna().all(axis=1)).to_numpy()
            out[m] = band_scores(mean, cb.bands_for(items[0].id, role))
        else:  # pragma: no cover - the codebook model restricts the values
            raise ScoringError(f"unknown scoring rule {var.scoring}")
    return out


def categories(cb: Codebook, var_id: str, totals: np.ndarray) -> pd.Series:
    """Category labels of ``var_id`` (missing total -> missing label)."""
    totals = pd.Series(np.asarray(totals, dtype=float))
    # Look up each distinct total once: the scaled benchmark has ~10^5 rows.
    lookup = {t: cb.category(var_id, int(t)) for t in totals.dropna().unique()}
    return totals.map(lookup).astype("string")


def as_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Float array of whole numbers with NaN -> nullable Int64."""
    return pd.array(pd.Series(values, dtype="float64").round(), dtype="Int64")
