"""The Pesawaran files of the reconstruction: village frame, facilitators, ratings, pilot.

All arrays are drawn in one fixed order from one generator, so a seed fixes every byte. Item
columns follow the codebook; an item a role does not carry stays empty for that role.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from p3md.codebook import Codebook
from p3md.io.schema import file_schema
from p3md.reconstruction.answers import km_center, km_range, ordinal, raw_from_scores
from p3md.reconstruction.design import Design, build_design
from p3md.reconstruction.params import ModelParams


def _frame(cb: Codebook, file_key: str, data: dict[str, object], n: int) -> pd.DataFrame:
    """DataFrame in the schema's column order; absent item columns are all-missing."""
    schema = file_schema(cb, file_key)
    out = {}
    for col, kind in schema.columns.items():
        values = data.get(col)
        if kind == "string":
            out[col] = pd.array(values, dtype="string")
        elif kind == "integer":
            out[col] = pd.array(np.full(n, pd.NA) if values is None else values, dtype="Int64")
        else:
            out[col] = np.full(n, np.nan) if values is None else np.asarray(values, dtype=float)
    return pd.DataFrame(out)


def _std(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() or 1.0)


def _x_answers(
    cb: Codebook,
    p: ModelParams,
    rng: np.random.Generator,
    roles: np.ndarray,
    latent: dict[str, np.ndarray],
    noise: float,
    offsets: dict[str, float],
) -> dict[str, np.ndarray]:
    """Raw answers to every X item (all X items are shared by both roles)."""
    n = roles.size
    data: dict[str, np.ndarray] = {}
    for var in ("X1", "X2", "X3", "X4", "X5", "X6", "X7"):
        items = cb.items_for(var)
        cuts = p.x1_cuts if var == "X1" else p.x_cuts
        if var == "X6":
            # One typical distance per facilitator, three villages around it (same band mostly).
            score = ordinal(latent[var] + rng.normal(0, noise * 0.5, n), cuts)
            for item in items:
                data[item.id] = np.full(n, np.nan)
            for role in ("PLD", "PDP"):
                m = roles == role
                lo, hi = km_range(cb, items[0].id, role)
                centre = km_center(cb, items[0].id, role, score[m], rng)
                width = (hi - lo) / 3
                for item in items:
                    km = centre + rng.normal(0, p.km_item_sd * width, m.sum())
                    data[item.id][m] = np.round(np.clip(km, lo, hi), 1)
            continue
        single = len(items) == 1
        for item in items:
            lat = latent[var] + offsets[item.id] + (0 if single else rng.normal(0, noise, n))
            score = ordinal(lat, cuts)
            raw = np.zeros(n, dtype=np.int64)
            for role in ("PLD", "PDP"):
                m = roles == role
                raw[m] = raw_from_scores(cb, item, role, score[m], rng)
            data[item.id] = raw
    return data


def _y_answers(
    cb: Codebook,
    p: ModelParams,
    rng: np.random.Generator,
    roles: np.ndarray,
    latent: np.ndarray,
    variables: list[str],
    noise: float,
    offsets: dict[str, float],
) -> dict[str, np.ndarray]:
    """Raw answers to the Y items of ``variables``; other-role items stay missing (None)."""
    n = roles.size
    data: dict[str, np.ndarray] = {}
    for var in variables:
        for item in cb.items_for(var):
            lat = latent + offsets[item.id] + rng.normal(0, noise, n)
            score = ordinal(lat, p.y_cuts)
            raw = np.full(n, pd.NA, dtype=object)
            for role in item.roles:
                m = roles == role
                raw[m] = raw_from_scores(cb, item, role, score[m], rng)
            data[item.id] = raw
    return data


def build_pesawaran(
    cb: Codebook, rng: np.random.Generator, scale: int = 1, p: ModelParams | None = None
) -> dict[str, pd.DataFrame]:
    """The five Pesawaran raw files as DataFrames (schema of ``cb.files``)."""
    p = p or ModelParams()
    d: Design = build_design(cb, rng, scale)
    kec = np.array(d.kecamatan, dtype=object)
    offsets = {i.id: float(rng.normal(0, p.item_offset_sd)) for i in cb.items}

    frames: dict[str, pd.DataFrame] = {}
    nv = d.village_id.size
    frames["village_frame"] = _frame(
        cb,
        "village_frame",
        {
            "village_id": d.village_id,
            "kecamatan": kec[d.village_kec],
            "status": d.village_status,
            "sampled": d.sampled.astype(np.int64),
        },
        nv,
    )

    # Facilitators: performance trait and characteristics.
    nf = d.fac_id.size
    theta = np.array([p.theta_mean[r] for r in d.fac_role]) + rng.normal(0, p.theta_sd, nf)
    z = _std(theta)
    latent = {
        v: lam * z + np.sqrt(1 - lam**2) * rng.normal(0, 1, nf) for v, lam in p.loading.items()
    }
    x = _x_answers(cb, p, rng, d.fac_role, latent, p.x_noise, offsets)
    frames["facilitators"] = _frame(
        cb,
        "facilitators",
        {"facilitator_id": d.fac_id, "role": d.fac_role, "kecamatan": kec[d.fac_kec], **x},
        nf,
    )

    # Official ratings: one official per sampled village rates its PLD and its PDP.
    vil = np.flatnonzero(d.sampled)
    official = np.arange(vil.size)
    fac = np.stack([d.village_pld[vil], d.village_pdp[vil]], axis=1)
    rv, rf = np.repeat(vil, 2), fac.ravel()
    ro = np.repeat(official, 2)
    keep = rf >= 0  # villages of a kecamatan without PDP rate only their PLD
    rv, rf, ro = rv[keep], rf[keep], ro[keep]
    order = np.lexsort((d.fac_id[rf], rv))
    rv, rf, ro = rv[order], rf[order], ro[order]
    leniency = rng.normal(0, p.official_leniency_sd, vil.size)[ro]
    shift = np.array([p.status_shift[s] for s in d.village_status[rv]])
    y = _y_answers(
        cb, p, rng, d.fac_role[rf], theta[rf] + shift + leniency, ["Y1", "Y2"], p.y_noise, offsets
    )
    width = max(3, len(str(vil.size)))
    positions = np.array(cb.official_positions, dtype=object)
    frames["official_ratings"] = _frame(
        cb,
        "official_ratings",
        {
            "official_id": np.array([f"O{i + 1:0{width}d}" for i in ro], dtype=object),
            "official_position": positions[rng.integers(0, positions.size, vil.size)][ro],
            "village_id": d.village_id[rv],
            "facilitator_id": d.fac_id[rf],
            **y,
        },
        rv.size,
    )

    # The district expert rates every facilitator on coordination and administration.
    ye = _y_answers(cb, p, rng, d.fac_role, theta, ["Y3", "Y4"], p.y_noise, offsets)
    frames["expert_ratings"] = _frame(
        cb,
        "expert_ratings",
        {"expert_id": np.full(nf, "E01", dtype=object), "facilitator_id": d.fac_id, **ye},
        nf,
    )

    frames["pilot"] = build_pilot(cb, rng, p, offsets)
    return frames


def build_pilot(
    cb: Codebook, rng: np.random.Generator, p: ModelParams, offsets: dict[str, float]
) -> pd.DataFrame:
    """The 30-respondent instrument try-out: every X and Y item, roles mixed."""
    roles = np.repeat(list(p.pilot_roles), list(p.pilot_roles.values())).astype(object)
    roles = rng.permutation(roles)
    n = roles.size
    theta = np.array([p.theta_mean[r] for r in roles]) + rng.normal(0, p.theta_sd, n)
    z = _std(theta)
    latent = {
        v: lam * z + np.sqrt(1 - lam**2) * rng.normal(0, 1, n) for v, lam in p.loading.items()
    }
    x = _x_answers(cb, p, rng, roles, latent, p.pilot_noise, offsets)
    y = _y_answers(cb, p, rng, roles, theta, ["Y1", "Y2", "Y3", "Y4"], p.pilot_noise, offsets)
    ids = np.array([f"P{i:03d}" for i in range(1, n + 1)], dtype=object)
    return _frame(cb, "pilot", {"respondent_id": ids, "role": roles, **x, **y}, n)
