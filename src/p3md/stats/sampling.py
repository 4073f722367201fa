"""Sample size (Slovin) and proportional allocation over kecamatan (thesis Chapter III B).

The thesis computes ``n = N / (1 + N e^2)`` for the 144 villages with e = 0.1 and spreads the
59 villages over kecamatan with ``n_i = (N_i / N) n`` without saying how the shares are
rounded. Rounding each share independently need not give parts that sum to n, so the default
here is the largest-remainder (Hamilton) method; "round" and "floor" are kept to show what the
other readings would have printed.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import numpy as np
import pandas as pd

from p3md.stats.errors import StatsInputError

Rounding = Literal["nearest", "ceil", "floor"]
AllocationRule = Literal["largest_remainder", "round", "floor"]


def _round_half_up(x: float) -> int:
    # Python's round() is half-to-even; hand calculations (and the thesis) round half up.
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def slovin(N: int, e: float) -> float:
    """Slovin's sample size ``N / (1 + N e^2)`` before rounding (Slovin 1960, via Noor 2011)."""
    if N <= 0:
        raise StatsInputError(f"Slovin: population size must be positive, got {N}")
    if not 0 < e < 1:
        raise StatsInputError(f"Slovin: error margin must be in (0, 1), got {e}")
    return N / (1 + N * e**2)


def slovin_n(N: int, e: float, rounding: Rounding = "nearest") -> int:
    """Slovin's n as a whole number: ``nearest`` (half up), ``ceil`` or ``floor``."""
    raw = slovin(N, e)
    if rounding == "nearest":
        return _round_half_up(raw)
    if rounding == "ceil":
        return math.ceil(raw - 1e-12)  # 59.0000000001 from float noise is 59, not 60
    if rounding == "floor":
        return math.floor(raw + 1e-12)
    raise StatsInputError(f"Slovin: unknown rounding {rounding!r}")


def allocate(sizes: pd.Series, n: int, rule: AllocationRule = "largest_remainder") -> pd.Series:
    """Allocate ``n`` units proportionally to ``sizes`` (index = stratum).

    ``largest_remainder`` floors every exact share ``N_i/N * n`` and gives the units left over
    to the largest remainders (Hamilton's method; Balinski & Young 1982), so the parts sum to
    ``n``. Ties in the remainder go to the larger stratum, then to the earlier one in ``sizes``,
    which keeps the result deterministic. ``round`` (half up) and ``floor`` round each share on
    its own and are for comparison only: their parts need not sum to ``n``.
    """
    sizes = pd.Series(sizes)
    if sizes.empty:
        raise StatsInputError("allocate: no strata given")
    if sizes.isna().any() or (sizes < 0).any():
        raise StatsInputError(
            f"allocate: stratum sizes must be non-negative numbers: {sizes.to_dict()}"
        )
    total = float(sizes.sum())
    if total <= 0:
        raise StatsInputError("allocate: stratum sizes sum to zero")
    if n < 0:
        raise StatsInputError(f"allocate: n must be non-negative, got {n}")
    exact = sizes.astype(float) / total * n
    if rule == "round":
        return exact.map(_round_half_up).astype(int)
    # Tiny epsilon: 10/144*144 must floor to 10 despite float noise.
    floors = np.floor(exact + 1e-9).astype(int)
    if rule == "floor":
        return floors
    if rule != "largest_remainder":
        raise StatsInputError(f"allocate: unknown rule {rule!r}")
    left = int(n - floors.sum())
    order = pd.DataFrame(
        {"rem": exact - floors, "size": sizes.astype(float), "pos": np.arange(len(sizes))},
        index=sizes.index,
    ).sort_values(["rem", "size", "pos"], ascending=[False, False, True])
    result = floors.copy()
    result.loc[order.index[:left]] += 1
    return result.astype(int)


def sampling_table(
    design: dict,
    published_table8: pd.DataFrame | None = None,
    *,
    include_total: bool = False,
) -> pd.DataFrame:
    """Per-kecamatan allocation of the Slovin sample next to the printed Table 8.

    ``design`` is the codebook's ``design`` section (``kecamatan`` list with ``name`` and
    ``villages``; ``sampling`` with ``population_villages``, ``error_margin``,
    ``sample_rounding``, ``allocation_rounding``). ``published_table8`` has columns
    ``kecamatan``, ``villages``, ``respondents`` as printed (see
    :func:`p3md.stats.published.table8_frame`).

    Columns: ``kecamatan``, ``villages`` (N_i), ``exact_share`` (N_i/N*n), ``allocated``
    (rule of the codebook), ``allocated_round``, ``allocated_floor``; with a published table also
    ``published_villages``, ``published_respondents``, ``villages_agree``,
    ``respondents_agree``. ``include_total`` appends a row ``kecamatan == "Total"``.
    """
    frame = pd.DataFrame(design["kecamatan"])
    if frame.empty or not {"name", "villages"} <= set(frame.columns):
        raise StatsInputError("sampling_table: design.kecamatan needs name and villages")
    sampling = design.get("sampling", {})
    sizes = pd.Series(frame["villages"].to_numpy(), index=frame["name"], dtype=float)
    N = int(sampling.get("population_villages", sizes.sum()))
    if N != int(sizes.sum()):
        raise StatsInputError(
            f"sampling_table: population_villages = {N} but the kecamatan sum to {int(sizes.sum())}"
        )
    n = slovin_n(
        N, float(sampling.get("error_margin", 0.1)), sampling.get("sample_rounding", "nearest")
    )
    rule = sampling.get("allocation_rounding", "largest_remainder")
    out = pd.DataFrame(
        {
            "kecamatan": sizes.index,
            "villages": sizes.astype(int).to_numpy(),
            "exact_share": (sizes / N * n).to_numpy(),
            "allocated": allocate(sizes, n, rule).to_numpy(),
            "allocated_round": allocate(sizes, n, "round").to_numpy(),
            "allocated_floor": allocate(sizes, n, "floor").to_numpy(),
        }
    )
    if published_table8 is not None:
        pub = published_table8.set_index("kecamatan")
        unknown = sorted(set(pub.index) - set(out["kecamatan"]))
        if unknown:
            raise StatsInputError(f"sampling_table: Table 8 names unknown kecamatan {unknown}")
        out["published_villages"] = out["kecamatan"].map(pub["villages"]).astype("Int64")
        out["published_respondents"] = out["kecamatan"].map(pub["respondents"]).astype("Int64")
        out["villages_agree"] = (
            (out["villages"] == out["published_villages"]).fillna(False).astype(bool)
        )
        out["respondents_agree"] = (
            (out["allocated"] == out["published_respondents"]).fillna(False).astype(bool)
        )
    if include_total:
        total: dict[str, object] = {"kecamatan": "Total"}
        for col in out.columns[1:]:
            if col.endswith("_agree"):
                total[col] = bool(out[col].all())
            else:
                total[col] = out[col].sum()
        out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    return out
