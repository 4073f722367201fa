"""The study design of the reconstruction: villages, sample, facilitators and who rates whom.

Everything is built from ``cb.design`` (Tables 1, 2 and 8) with numpy arrays, so ``scale=k``
(k copies of every kecamatan's villages and facilitators) costs the same code path as the
real-size data set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from p3md.codebook import Codebook

#: Sampled villages per status at scale 1. The thesis samples proportionally by kecamatan only
#: and does not report the status mix; it does test all four statuses, so the reconstruction
#: keeps all 3 Mandiri villages and a status-proportional share of Maju and Tertinggal
#: (12 * 59/144 = 4.9 -> 5, 11 * 59/144 = 4.5 -> 5); Berkembang takes the rest.
SAMPLED_STATUS = {"Mandiri": 3, "Maju": 5, "Tertinggal": 5}


def slovin(population: int, error: float) -> int:
    """Slovin's sample size n = N / (1 + N e^2), rounded to the nearest integer."""
    return int(math.floor(population / (1 + population * error**2) + 0.5))


def largest_remainder(sizes: list[int], n: int) -> list[int]:
    """Hamilton allocation of ``n`` proportional to ``sizes``; ties go to the earlier stratum."""
    total = sum(sizes)
    quotas = [s * n / total for s in sizes]
    parts = [math.floor(q) for q in quotas]
    order = sorted(range(len(sizes)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[: n - sum(parts)]:
        parts[i] += 1
    return parts


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    # The codebook patterns have 3 digits (V001); wider IDs only appear at scale > 1.
    width = max(width, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


@dataclass
class Design:
    """Arrays describing the reconstructed Pesawaran study (one entry per unit)."""

    village_id: np.ndarray
    village_kec: np.ndarray  # kecamatan index
    village_status: np.ndarray  # status name
    sampled: np.ndarray  # bool
    village_pld: np.ndarray  # facilitator index of the village's PLD
    village_pdp: np.ndarray  # facilitator index of the village's PDP, -1 if none
    fac_id: np.ndarray
    fac_role: np.ndarray  # "PLD"/"PDP"
    fac_kec: np.ndarray  # kecamatan index
    kecamatan: list[str]


def _round_robin(
    groups: np.ndarray,
    members_start: np.ndarray,
    members_count: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """For units sorted by group, give the j-th unit of each group member j mod count.

    Returns ``-1`` where the group has no members. Members are the facilitator indices
    ``start .. start+count-1`` of the unit's kecamatan.
    """
    # Position of each unit within its group (units are already grouped contiguously).
    change = np.r_[True, groups[1:] != groups[:-1]]
    first = np.maximum.accumulate(np.where(change, np.arange(groups.size), 0))
    pos = np.arange(groups.size) - first
    count = members_count[groups]
    # Random start per group, so the first member is not always the one with most villages.
    offset = rng.integers(0, np.maximum(members_count, 1))[groups]
    member = members_start[groups] + (pos + offset) % np.maximum(count, 1)
    return np.where(count > 0, member, -1)


def build_design(cb: Codebook, rng: np.random.Generator, scale: int = 1) -> Design:
    """Villages (with status and sample flag), facilitators and the village-facilitator links."""
    kec = cb.design["kecamatan"]
    names = [k["name"] for k in kec]
    n_vil = np.array([k["villages"] for k in kec]) * scale
    sampling = cb.design["sampling"]
    n_sample_1 = slovin(int(sampling["population_villages"]), float(sampling["error_margin"]))
    # Allocation is computed once at real size and multiplied: Slovin's n saturates at 1/e^2,
    # which would freeze the number of ratings instead of scaling it.
    alloc = np.array(largest_remainder([k["villages"] for k in kec], n_sample_1)) * scale

    village_kec = np.repeat(np.arange(len(kec)), n_vil)
    n_villages = village_kec.size
    # Sample flag: the first `alloc` villages of a random order within each kecamatan.
    order = np.lexsort((rng.random(n_villages), village_kec))
    rank_in_kec = np.empty(n_villages, dtype=np.int64)
    starts = np.r_[0, np.cumsum(n_vil)[:-1]]
    rank_in_kec[order] = np.arange(n_villages) - np.repeat(starts, n_vil)
    sampled = rank_in_kec < alloc[village_kec]

    # Status: shuffle a multiset of labels over sampled and non-sampled villages separately.
    counts = {s: int(c) * scale for s, c in cb.design["status_counts"].items()}
    n_sampled = int(sampled.sum())
    # A district of the multi-district reconstruction brings its own mix (``.districts``).
    per_status = cb.design.get("sampled_status", SAMPLED_STATUS)
    in_sample = {s: per_status.get(s, 0) * scale for s in counts}
    rest_status = max(counts, key=counts.get)  # Berkembang: takes what is left of the sample
    in_sample[rest_status] = n_sampled - sum(v for s, v in in_sample.items() if s != rest_status)
    sample_labels = np.repeat(list(in_sample), list(in_sample.values()))
    other_labels = np.repeat(list(counts), [counts[s] - in_sample[s] for s in counts])
    status = np.empty(n_villages, dtype=object)
    status[sampled] = rng.permutation(sample_labels)
    status[~sampled] = rng.permutation(other_labels)

    # Facilitators: per kecamatan the PDPs then the PLDs (Table 2).
    n_pdp = np.array([k["PDP"] for k in kec]) * scale
    n_pld = np.array([k["PLD"] for k in kec]) * scale
    per_kec = n_pdp + n_pld
    fac_kec = np.repeat(np.arange(len(kec)), per_kec)
    fac_start = np.r_[0, np.cumsum(per_kec)[:-1]]
    within = np.arange(fac_kec.size) - np.repeat(fac_start, per_kec)
    fac_role = np.where(within < n_pdp[fac_kec], "PDP", "PLD").astype(object)

    # Links: sampled villages first (so every facilitator gets a sampled village as long as the
    # kecamatan has at least as many sampled villages as facilitators of a role), then the rest.
    link_order = np.lexsort((rank_in_kec, village_kec))
    kec_sorted = village_kec[link_order]
    pld = np.empty(n_villages, dtype=np.int64)
    pdp = np.empty(n_villages, dtype=np.int64)
    pld[link_order] = _round_robin(kec_sorted, fac_start + n_pdp, n_pld, rng)
    pdp[link_order] = _round_robin(kec_sorted, fac_start, n_pdp, rng)
    return Design(
        village_id=_ids("V", n_villages, 3),
        village_kec=village_kec,
        village_status=status,
        sampled=sampled,
        village_pld=pld,
        village_pdp=pdp,
        fac_id=_ids("F", fac_kec.size, 3),
        fac_role=fac_role,
        fac_kec=fac_kec,
        kecamatan=names,
    )
