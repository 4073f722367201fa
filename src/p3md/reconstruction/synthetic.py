"""A seeded synthetic study drawn from any codebook of the compendium's pattern.

The thesis's reconstruction (:mod:`p3md.reconstruction.pesawaran`) is calibrated to one
thesis's published conclusions. This generator knows no study: it reads the codebook's design
(kecamatan with their villages and respondents per role, village statuses, sampling), its
files and items, and draws answers from a small latent-variable model, so that an example
study (``examples/``) or a test's study in a temporary folder has data of the right shape:

- every respondent has a trait ``theta`` (mean ``role_effect[role]``, sd 1);
- a characteristic (group ``X``) is ``loading * z(theta) + noise``; an outcome (group ``Y``)
  is ``theta`` plus the village status shift for ratings made in a village;
- an item's latent value (variable latent + item noise) is cut at the standard normal's
  k-quantiles into the k options of its scale (or into the scores of its bands, then drawn as
  a count or distance inside the band); a reverse-keyed options item stores
  ``(min + max) - score``, so scoring the file gives back the drawn score;
- ``missing_cells`` answers are then blanked in chosen item columns (the study's missing data).

All draws come from one ``numpy`` generator seeded with ``seed``, in a fixed order, so a seed
fixes every byte. The folder gets ``provenance.yaml`` with ``data_kind: synthetic``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from p3md.codebook import Codebook, Item, load_codebook
from p3md.codebook.provenance import write_provenance
from p3md.io.schema import file_schema
from p3md.reconstruction.answers import _band_ranges
from p3md.reconstruction.design import largest_remainder, slovin

GENERATOR = "p3md.reconstruction.synthetic (seeded synthetic example study)"


@dataclass(frozen=True)
class SyntheticModel:
    """The effects the synthetic data carry (all optional; defaults give a plain study)."""

    #: Mean trait per role (missing roles: 0).
    role_effect: Mapping[str, float] = field(default_factory=dict)
    #: Loading of each characteristic on the standardised trait (missing: 0.5).
    loading: Mapping[str, float] = field(default_factory=dict)
    #: Shift of ratings made in a village of each status (missing: 0).
    status_effect: Mapping[str, float] = field(default_factory=dict)
    #: Sd of item noise around the variable's latent value.
    item_noise: float = 0.6
    #: (file key, item id, row number 0-based) of the answers left empty.
    missing_cells: Sequence[tuple[str, str, int]] = ()


def _std(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() or 1.0)


def _ids(prefix: str, n: int, width: int = 3) -> np.ndarray:
    width = max(width, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _scores(cb: Codebook, item: Item, role: str) -> list[int]:
    lo, hi = cb.item_score_range(item.id, role)
    return list(range(lo, hi + 1))


def _answers(
    cb: Codebook, item: Item, roles: np.ndarray, latent: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Raw answers of ``item`` for rows with ``roles`` and item latent values ``latent``;
    rows of a role that does not answer the item stay missing."""
    out = np.full(roles.size, np.nan)
    for role in item.roles:
        m = roles == role
        if not m.any():
            continue
        scores = _scores(cb, item, role)
        k = len(scores)
        cuts = norm.ppf(np.arange(1, k) / k)  # equal shares of a standard normal latent
        drawn = np.asarray(scores)[np.searchsorted(cuts, latent[m])]
        if item.response.type == "options":
            lo, hi = scores[0], scores[-1]
            out[m] = (lo + hi) - drawn if item.reverse else drawn
            continue
        step = 1.0 if item.response.type == "count" else 0.1
        ranges = _band_ranges(cb.bands_for(item.id, role), step, 0.0)
        low = np.array([ranges[int(s)][0] for s in drawn])
        high = np.array([ranges[int(s)][1] for s in drawn])
        if item.response.type == "count":
            out[m] = rng.integers(low.astype(np.int64), high.astype(np.int64) + 1)
        else:
            out[m] = np.round(low + (high - low) * rng.random(low.size), 1)
    return out


def _item_columns(
    cb: Codebook,
    key: str,
    roles: np.ndarray,
    latent: Mapping[str, np.ndarray],
    noise: float,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Every item column of file ``key``, from each variable's latent value per row."""
    data = {}
    for var in cb.files[key].item_columns:
        for item in [i for i in cb.items if i.variable == var]:
            lat = latent[var] + rng.normal(0, noise, roles.size)
            data[item.id] = _answers(cb, item, roles, lat, rng)
    return data


def _frame(cb: Codebook, key: str, data: Mapping[str, object], n: int) -> pd.DataFrame:
    """A DataFrame in the schema's column order and types."""
    out = {}
    for col, kind in file_schema(cb, key).columns.items():
        values = data.get(col)
        if values is None:
            values = np.full(n, np.nan)
        if kind == "string":
            out[col] = pd.array(values, dtype="string")
        elif kind == "integer":
            out[col] = pd.array(pd.Series(values, dtype="float64").round(), dtype="Int64")
        else:
            out[col] = np.asarray(values, dtype=float)
    return pd.DataFrame(out)


def build_study(
    cb: Codebook, seed: int, model: SyntheticModel | None = None
) -> dict[str, pd.DataFrame]:
    """The raw files of the codebook's survey (not the Wioi files) as DataFrames."""
    model = model or SyntheticModel()
    rng = np.random.Generator(np.random.PCG64(seed))
    design = cb.design
    kec = design["kecamatan"]
    names = np.array([k["name"] for k in kec], dtype=object)
    roles = list(cb.roles)

    # Villages: statuses shuffled over the district, a proportional Slovin sample per kecamatan.
    n_vil = np.array([int(k["villages"]) for k in kec])
    village_kec = np.repeat(np.arange(len(kec)), n_vil)
    status = rng.permutation(
        np.repeat(list(design["status_counts"]), list(design["status_counts"].values()))
    ).astype(object)
    if status.size != village_kec.size:
        raise ValueError(
            f"design.status_counts sum to {status.size} villages but design.kecamatan has "
            f"{village_kec.size}; make them agree"
        )
    sampling = design["sampling"]
    n_sample = slovin(int(sampling["population_villages"]), float(sampling["error_margin"]))
    alloc = np.array(largest_remainder(list(n_vil), n_sample))
    order = np.lexsort((rng.random(village_kec.size), village_kec))
    starts = np.r_[0, np.cumsum(n_vil)[:-1]]
    rank = np.empty(village_kec.size, dtype=np.int64)
    rank[order] = np.arange(village_kec.size) - np.repeat(starts, n_vil)
    sampled = rank < alloc[village_kec]
    village_id = _ids("V", village_kec.size)

    # Respondents: per kecamatan, the design's count of each role.
    fac_kec = np.repeat(np.arange(len(kec)), [sum(int(k.get(r, 0)) for r in roles) for k in kec])
    fac_role = np.array(
        [r for k in kec for r in roles for _ in range(int(k.get(r, 0)))], dtype=object
    )
    n_fac = fac_role.size
    fac_id = _ids("F", n_fac)
    theta = np.array([model.role_effect.get(r, 0.0) for r in fac_role]) + rng.normal(0, 1, n_fac)

    def person_latent(th: np.ndarray) -> dict[str, np.ndarray]:
        z = _std(th)
        out = {}
        for var, spec in cb.variables.items():
            if spec.group == "X":
                lam = float(model.loading.get(var, 0.5))
                out[var] = lam * z + np.sqrt(max(0.0, 1 - lam**2)) * rng.normal(0, 1, th.size)
            else:
                out[var] = _std(th)
        return out

    frames: dict[str, pd.DataFrame] = {}
    frames["village_frame"] = _frame(
        cb,
        "village_frame",
        {
            "village_id": village_id,
            "kecamatan": names[village_kec],
            "status": status,
            "sampled": sampled.astype(np.int64),
        },
        village_kec.size,
    )
    lat = person_latent(theta)
    frames["facilitators"] = _frame(
        cb,
        "facilitators",
        {
            "facilitator_id": fac_id,
            "role": fac_role,
            "kecamatan": names[fac_kec],
            **_item_columns(cb, "facilitators", fac_role, lat, model.item_noise, rng),
        },
        n_fac,
    )

    # Ratings in villages: each sampled village rates one respondent of every role serving its
    # kecamatan (round robin, so every respondent is rated when villages suffice).
    if "official_ratings" in cb.files:
        rv, rf = [], []
        for k in range(len(kec)):
            vil = np.flatnonzero(sampled & (village_kec == k))
            for role in roles:
                members = np.flatnonzero((fac_kec == k) & (fac_role == role))
                if members.size == 0:
                    continue
                offset = int(rng.integers(0, members.size))
                for j, v in enumerate(vil):
                    rv.append(v)
                    rf.append(members[(j + offset) % members.size])
        rv_a, rf_a = np.array(rv, dtype=np.int64), np.array(rf, dtype=np.int64)
        order = np.lexsort((fac_id[rf_a], rv_a))
        rv_a, rf_a = rv_a[order], rf_a[order]
        shift = np.array([model.status_effect.get(s, 0.0) for s in status[rv_a]])
        r_theta = theta[rf_a] + shift + rng.normal(0, 0.3, rv_a.size)
        officials = {v: i for i, v in enumerate(sorted(set(rv_a.tolist())))}
        positions = np.array(cb.official_positions, dtype=object)
        frames["official_ratings"] = _frame(
            cb,
            "official_ratings",
            {
                "official_id": _ids("O", len(officials))[[officials[v] for v in rv_a]],
                "official_position": positions[
                    rng.integers(0, positions.size, len(officials))[[officials[v] for v in rv_a]]
                ],
                "village_id": village_id[rv_a],
                "facilitator_id": fac_id[rf_a],
                **_item_columns(
                    cb,
                    "official_ratings",
                    fac_role[rf_a],
                    person_latent(r_theta),
                    model.item_noise,
                    rng,
                ),
            },
            rv_a.size,
        )
    if "expert_ratings" in cb.files:
        e_theta = theta + rng.normal(0, 0.3, n_fac)
        frames["expert_ratings"] = _frame(
            cb,
            "expert_ratings",
            {
                "expert_id": np.full(n_fac, "E01", dtype=object),
                "facilitator_id": fac_id,
                **_item_columns(
                    cb, "expert_ratings", fac_role, person_latent(e_theta), model.item_noise, rng
                ),
            },
            n_fac,
        )
    if "pilot" in cb.files:
        n_pilot = int(design.get("pilot_respondents", 30))
        p_role = rng.permutation(np.resize(np.array(roles, dtype=object), n_pilot))
        p_theta = np.array([model.role_effect.get(r, 0.0) for r in p_role]) + rng.normal(
            0, 1, n_pilot
        )
        frames["pilot"] = _frame(
            cb,
            "pilot",
            {
                "respondent_id": _ids("P", n_pilot),
                "role": p_role,
                **_item_columns(cb, "pilot", p_role, person_latent(p_theta), model.item_noise, rng),
            },
            n_pilot,
        )
    for key, item_id, row in model.missing_cells:
        frames[key].loc[row, item_id] = pd.NA
    return frames


def generate_study(
    out_dir: str | Path,
    codebook_path: str | Path,
    seed: int,
    model: SyntheticModel | None = None,
) -> list[Path]:
    """Write the codebook's raw files (CSV, UTF-8, ``\\n``) and ``provenance.yaml``
    (``data_kind: synthetic``) into ``out_dir``; returns the paths written."""
    from p3md.reconstruction import write_frames

    cb = load_codebook(codebook_path)
    frames = build_study(cb, seed, model)
    paths = write_frames(frames, cb, out_dir)
    return [*paths, write_provenance(out_dir, "synthetic", f"{GENERATOR}, seed {seed}")]
