"""The seeded multi-district reconstruction: one data folder per kabupaten (a reconstruction).

``generate_districts(out_dir, n=None)`` writes Lampung's kabupaten of the thesis's Table 1 by
default (13 rows; the two kota have kelurahan, not desa, and are not in the table), or the first
``n`` of them, and beyond 13 synthetic kabupaten drawn from the Table 1 rows, up to any ``n``
(434 is the number of kabupaten in the national programme, used for scale).

Per district:

- **frame**: the number of villages and the status mix are Table 1's row (``Sangat
  tertinggal`` counts as ``Tertinggal``: the codebook's IDM scale has four classes); villages
  are split over kecamatan of about 13 villages each (Pesawaran: 144 in 11). Pesawaran keeps
  its Table 2 kecamatan and facilitators.
- **sample and facilitators**: Slovin's sample of the district's frame with the codebook's
  error margin; facilitators in the Pesawaran proportions to the sample (28 PLD and 16 PDP to
  59 sampled villages), at least one PLD per kecamatan.
- **performance**: the latent model of :mod:`p3md.reconstruction.params` with a declared,
  seeded district effect ``u`` on every facilitator's performance (``0.25 * z(IDM) + N(0,
  0.2)``: more developed districts do a little better) and a district's own PLD-PDP gap
  ``g ~ N(1.0, 0.4)`` (the Pesawaran model's gap is 1.0). The truth is written to
  ``districts.yaml`` so the synthesis can be checked against it.

District ``i`` draws from ``PCG64([seed, 0xD15, i, ...])``; the same ``seed`` and ``n`` give the
same bytes, and the first k districts of a larger ``n`` are the same as those of ``n = k``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from p3md.codebook import DESIGN_FILE, Codebook, load_codebook
from p3md.reconstruction.design import largest_remainder, slovin
from p3md.reconstruction.params import ModelParams

#: Index of the districts and their declared effects, at the top of the data folder.
INDEX_FILE = "districts.yaml"
#: Kecamatan of about this many villages (Pesawaran: 144 villages in 11 kecamatan).
VILLAGES_PER_KECAMATAN = 13
#: Facilitators per sampled village in Pesawaran (Tables 2 and 8: 28 PLD, 16 PDP, 59 villages).
PLD_PER_SAMPLED, PDP_PER_SAMPLED = 28 / 59, 16 / 59
#: District effect: IDM slope on the standardised IDM, and the spread around it.
EFFECT_IDM_SLOPE, EFFECT_SD = 0.25, 0.2
#: PLD-PDP gap of the latent performance: mean (the Pesawaran model's) and spread.
GAP_MEAN, GAP_SD = 1.0, 0.4
#: Largest district effect (a larger one makes most answers the top score).
EFFECT_MAX = 0.6
#: Draws tried per district (see ``_draw``).
MAX_ATTEMPTS = 50
TABLE1_STATUS = {
    "mandiri": "Mandiri",
    "maju": "Maju",
    "berkembang": "Berkembang",
    "tertinggal": "Tertinggal",
    "sangat_tertinggal": "Tertinggal",
}


@dataclass(frozen=True)
class DistrictSpec:
    """One district of the multi-district set (the generator's declared truth)."""

    slug: str
    name: str
    villages: int
    status_counts: dict[str, int]
    idm: float
    synthetic: bool
    district_effect: float = 0.0
    pld_pdp_gap: float = GAP_MEAN


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def table1_rows(published_path: str | Path | None = None) -> list[dict[str, Any]]:
    """Lampung's kabupaten as printed in Table 1 (villages by status, mean IDM), table order."""
    from p3md.stats.published import load_published

    rows: dict[str, dict[str, Any]] = {}
    for v in load_published(published_path)["values"]:
        if v.get("table") == "T1" and v.get("row") != "Jumlah":
            rows.setdefault(v["row"], {})[v["column"]] = v["value"]
    return [{"name": name, **cols} for name, cols in rows.items()]


def district_specs(n: int | None = None, seed: int = 20230616) -> list[DistrictSpec]:
    """The first ``n`` districts (default: Lampung's 13), with their declared effects."""
    rows = table1_rows()
    n = len(rows) if n is None else n
    if n < 1:
        raise ValueError("the number of districts must be at least 1")
    idm = np.array([float(r["idm"]) for r in rows])
    idm_mean, idm_sd = float(idm.mean()), float(idm.std())
    shares = np.array(
        [
            sum(float(r[c]) for c in TABLE1_STATUS if TABLE1_STATUS[c] == s)
            for r in rows
            for s in ("Mandiri", "Maju", "Berkembang", "Tertinggal")
        ]
    ).reshape(len(rows), 4)
    shares = shares.sum(axis=0) / shares.sum()
    specs: list[DistrictSpec] = []
    for i in range(n):
        rng = np.random.Generator(np.random.PCG64([seed, 0xD15, i]))
        if i < len(rows):
            r = rows[i]
            counts: dict[str, int] = {}
            for col, status in TABLE1_STATUS.items():
                counts[status] = counts.get(status, 0) + int(r[col])
            name, villages, d_idm, synthetic = (
                f"Kabupaten {r['name']}",
                int(r["jumlah_desa"]),
                (float(r["idm"])),
                False,
            )
        else:
            # A synthetic kabupaten: size of a random Table 1 row with jitter, status mix drawn
            # around Lampung's total mix, IDM around Lampung's mean.
            base = rows[int(rng.integers(0, len(rows)))]
            villages = max(40, int(round(int(base["jumlah_desa"]) * rng.lognormal(0, 0.25))))
            mix = rng.dirichlet(shares * 60 + 0.5)
            parts = largest_remainder([int(round(m * 10_000)) for m in mix], villages)
            counts = dict(zip(("Mandiri", "Maju", "Berkembang", "Tertinggal"), parts, strict=True))
            d_idm = float(rng.normal(idm_mean, idm_sd))
            name, synthetic = f"Kabupaten Sintetis {i + 1:03d}", True
        z = (d_idm - idm_mean) / (idm_sd or 1.0)
        effect = float(
            np.clip(EFFECT_IDM_SLOPE * z + rng.normal(0, EFFECT_SD), -EFFECT_MAX, EFFECT_MAX)
        )
        gap = float(np.clip(rng.normal(GAP_MEAN, GAP_SD), -0.2, 2.2))
        specs.append(
            DistrictSpec(
                slug=slugify(name.removeprefix("Kabupaten ")),
                name=name,
                villages=villages,
                status_counts={s: c for s, c in counts.items() if c > 0},
                idm=d_idm,
                synthetic=synthetic,
                district_effect=round(effect, 4),
                pld_pdp_gap=round(gap, 4),
            )
        )
    return specs


def district_design(spec: DistrictSpec, cb: Codebook, rng: np.random.Generator) -> dict[str, Any]:
    """The district's ``design.yaml``: kecamatan with villages and facilitators, status mix,
    frame size and expected rows (what replaces the codebook's Pesawaran design)."""
    error = float(cb.design["sampling"]["error_margin"])
    n_sample = slovin(spec.villages, error)
    if spec.slug == "pesawaran" and spec.villages == cb.design["sampling"]["population_villages"]:
        kecamatan = [dict(k) for k in cb.design["kecamatan"]]  # Table 2, as printed
    else:
        k = max(3, int(round(spec.villages / VILLAGES_PER_KECAMATAN)))
        weights = rng.dirichlet(np.full(k, 8.0))
        sizes = largest_remainder([int(w * 10_000) + 1 for w in weights], spec.villages - 5 * k)
        sizes = [s + 5 for s in sizes]  # at least 5 villages per kecamatan
        alloc = largest_remainder(sizes, n_sample)
        pld = largest_remainder(alloc, max(k, int(round(n_sample * PLD_PER_SAMPLED))))
        pdp = largest_remainder(alloc, int(round(n_sample * PDP_PER_SAMPLED)))
        kecamatan = [
            {
                "name": f"Kecamatan {j + 1:02d}",
                "villages": int(sizes[j]),
                "PDP": int(min(pdp[j], alloc[j])),
                "PLD": int(min(max(pld[j], 1), alloc[j])),
            }
            for j in range(k)
        ]
    n_fac = sum(k["PDP"] + k["PLD"] for k in kecamatan)
    return {
        "district": spec.name,
        "province": "Lampung" if not spec.synthetic else "Sintetis",
        "kecamatan": kecamatan,
        "status_counts": dict(spec.status_counts),
        "sampling": {"population_villages": spec.villages},
        "expected_rows": {
            "village_frame": spec.villages,
            "facilitators": n_fac,
            "expert_ratings": n_fac,
        },
        # No compare_published: the sampling chapter compares the thesis's printed Table 8
        # only when the design names the thesis's kecamatan (a district's never does).
    }


def sampled_status(counts: dict[str, int], n_sample: int) -> dict[str, int]:
    """Sampled villages per status: proportional (Hamilton), every status present in the
    frame with at least two villages sampled at least twice (the Kruskal-Wallis test across
    statuses needs groups, as in the thesis, which samples all four), a status of one village
    not sampled; the largest status takes what is left."""
    names = list(counts)
    parts = dict(zip(names, largest_remainder([counts[s] for s in names], n_sample), strict=True))
    largest = max(counts, key=lambda s: counts[s])
    for s in names:
        if s == largest:
            continue
        parts[s] = 0 if counts[s] < 2 else min(counts[s], max(parts[s], 2))
    parts[largest] = n_sample - sum(v for s, v in parts.items() if s != largest)
    return {s: v for s, v in parts.items() if s != largest}


def _pilot_items_vary(cb: Codebook, pilot: Any) -> bool:
    """The gate's rule for the pilot: every item takes at least two answers."""
    columns = [c for c in cb.columns_for(cb.files["pilot"].item_columns) if c in pilot]
    return all(pilot[c].dropna().nunique() >= 2 for c in columns)


def _draw(cb: Codebook, params: ModelParams, seed: int, i: int) -> dict[str, Any]:
    """The district's raw files: attempts ``PCG64([seed, 0xD15, i, 1 + k])`` in order until the
    pilot's items all vary (a district with a large effect can draw a constant pilot item,
    which the data gate refuses; the real try-out would have been repeated too)."""
    from p3md.reconstruction.pesawaran import build_pesawaran

    for attempt in range(1, MAX_ATTEMPTS + 1):
        rng = np.random.Generator(np.random.PCG64([seed, 0xD15, i, attempt]))
        frames = build_pesawaran(cb, rng, 1, params)
        if _pilot_items_vary(cb, frames["pilot"]):
            return frames
    raise RuntimeError(f"district {i}: no draw with varying pilot items in {MAX_ATTEMPTS} tries")


def generate_districts(
    out_dir: str | Path, n: int | None = None, seed: int = 20230616
) -> list[Path]:
    """Write ``n`` district folders (default: Lampung's 13) plus the Wioi files and the index
    ``districts.yaml`` into ``out_dir``; returns the district folders."""
    from p3md.codebook.provenance import write_provenance
    from p3md.reconstruction import RECONSTRUCTION_GENERATOR, build_frames, write_frames

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cb = load_codebook()
    wioi = build_frames(cb, seed)  # the Wioi files of the thesis's reconstruction (same seed)
    write_frames({k: wioi[k] for k in ("wioi_tests", "wioi_satisfaction")}, cb, out)
    write_provenance(out, "reconstruction", RECONSTRUCTION_GENERATOR)
    folders, index = [], []
    for i, spec in enumerate(district_specs(n, seed)):
        rng = np.random.Generator(np.random.PCG64([seed, 0xD15, i, 0]))
        design = district_design(spec, cb, rng)
        folder = out / spec.slug
        folder.mkdir(exist_ok=True)
        (folder / DESIGN_FILE).write_text(
            "# The design of this district (a reconstruction, see data/README.md).\n"
            + yaml.safe_dump(design, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        d_cb = load_codebook(data_dir=folder)
        n_sample = slovin(spec.villages, float(d_cb.design["sampling"]["error_margin"]))
        gen_cb = d_cb.model_copy(
            update={
                "design": {
                    **d_cb.design,
                    "sampled_status": sampled_status(spec.status_counts, n_sample),
                }
            }
        )
        base = ModelParams()
        mid = (base.theta_mean["PLD"] + base.theta_mean["PDP"]) / 2 + spec.district_effect
        params = ModelParams(
            theta_mean={"PLD": mid + spec.pld_pdp_gap / 2, "PDP": mid - spec.pld_pdp_gap / 2}
        )
        frames = _draw(gen_cb, params, seed, i)
        write_frames(frames, d_cb, folder)
        write_provenance(folder, "reconstruction", RECONSTRUCTION_GENERATOR)
        folders.append(folder)
        index.append(
            {
                "slug": spec.slug,
                "name": spec.name,
                "villages": spec.villages,
                "idm": round(spec.idm, 4),
                "synthetic": spec.synthetic,
                "facilitators": int(len(frames["facilitators"])),
                "district_effect": spec.district_effect,
                "pld_pdp_gap": spec.pld_pdp_gap,
                "seed": [seed, 0xD15, i],
            }
        )
    (out / INDEX_FILE).write_text(
        "# Declared truth of the multi-district reconstruction (p3md.reconstruction.districts):\n"
        "# district_effect shifts every facilitator's latent performance, pld_pdp_gap is the\n"
        "# latent PLD-PDP difference (Pesawaran model: 1.0). Not read by the analysis.\n"
        + yaml.safe_dump({"seed": seed, "districts": index}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return folders
