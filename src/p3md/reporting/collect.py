"""Read the tables written by stages 1-6 back into the ids of ``data/published.yaml``.

Stage 07 compares published with reproduced values without recomputing anything: every
reproduced number is read from ``<out_dir>/tables/<label>.csv`` (machine-readable, '.'
decimals), so the comparison shows exactly what the chapters show. A table that is missing
(its stage did not run) leaves its ids out, and :func:`p3md.stats.published.compare_values`
reports them as "tidak dapat dihitung" when asked.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from p3md.reporting.tables import read_table

_WIOI_ASPECT_IDS = {"administrasi": "admin", "sop": "sop", "komunikasi": "comm"}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _try(out_dir: Path, label: str) -> pd.DataFrame | None:
    try:
        return read_table(out_dir, label)
    except FileNotFoundError:
        return None


#: Published ids the stages set out to reproduce; those not found are reported as not computable.
TARGET_PREFIXES = ("slovin_n", "t8_", "t9_", "t10_", "t11_", "txt_r_", "txt_pilot_n", "w_")


def reproduced_values(
    out_dir: str | Path, known_ids: set[str], targets: tuple[str, ...] = TARGET_PREFIXES
) -> dict[str, float | None]:
    """Map published ids to the values reproduced in the saved tables (only ids in ``known_ids``).

    Ids starting with one of ``targets`` that no table provides map to ``None`` (e.g. Table 9's
    items 10-15 of X3, which the codebook's 9-item instrument does not have).
    """
    out_dir = Path(out_dir)
    got: dict[str, float] = {}

    t8 = _try(out_dir, "tbl-sampel-kecamatan")
    if t8 is not None:
        for _, r in t8.iterrows():
            key = "jumlah" if r["Kecamatan"] == "Total" else _slug(r["Kecamatan"])
            got[f"t8_{key}_villages"] = float(r["Jumlah desa (Tabel 2)"])
            got[f"t8_{key}_respondents"] = float(r["Sampel (sisa terbesar)"])
        got["slovin_n"] = float(
            t8.loc[t8["Kecamatan"] == "Total", "Sampel (sisa terbesar)"].iloc[0]
        )
        got["slovin_N"] = float(t8.loc[t8["Kecamatan"] == "Total", "Jumlah desa (Tabel 2)"].iloc[0])

    for label in ("tbl-validitas-x", "tbl-validitas-y"):
        t = _try(out_dir, label)
        if t is None:
            continue
        for _, r in t.iterrows():
            var, k = str(r["Kode butir"]).rsplit("_", 1)
            prefix = "t9" if label.endswith("-x") else "t10"
            got[f"{prefix}_{var.lower()}_item{int(k):02d}"] = float(r["r hitung"])
        crit = float(t["r tabel"].iloc[0])
        got["t10_r_table"] = crit
        got["txt_r_critical"] = crit
        got["txt_pilot_n"] = float(t["n"].iloc[0])
    vx, vy = _try(out_dir, "tbl-validitas-x"), _try(out_dir, "tbl-validitas-y")
    if vx is not None and vy is not None:
        both = pd.concat([vx, vy])
        got["txt_r_range_min"] = float(both["r hitung"].min())
        got["txt_r_range_max"] = float(both["r hitung"].max())

    rel = _try(out_dir, "tbl-reliabilitas")
    if rel is not None:
        for _, r in rel.iterrows():
            got[f"t11_{str(r['Kode']).lower()}_alpha"] = float(r["Alpha Cronbach"])
        got["t11_threshold"] = float(rel["Ambang"].iloc[0])

    desc = _try(out_dir, "tbl-wioi-deskriptif")
    if desc is not None:
        by = desc.set_index("Tahap")
        got["w_pre_mean"] = float(by.loc["Pre-test", "Rata-rata"])
        got["w_post_mean"] = float(by.loc["Post-test", "Rata-rata"])
        got["w_gain_mean"] = float(by.loc["Selisih (post - pre)", "Rata-rata"])
        got["w_participants"] = float(by.loc["Pre-test", "n"])
    asp = _try(out_dir, "tbl-wioi-aspek")
    if asp is not None:
        for _, r in asp.iterrows():
            key = _WIOI_ASPECT_IDS.get(r["Kode"], r["Kode"])
            got[f"w_{key}_pre_pct"] = float(r["Lulus pre-test (%)"])
            got[f"w_{key}_post_pct"] = float(r["Lulus post-test (%)"])
    sat = _try(out_dir, "tbl-wioi-kepuasan")
    if sat is not None:
        got["w_satisfaction_before_pct"] = float(sat["Puas sebelum (%)"].iloc[0])
        got["w_satisfaction_after_pct"] = float(sat["Puas sesudah (%)"].iloc[0])
    result: dict[str, float | None] = {k: v for k, v in got.items() if k in known_ids}
    for k in sorted(known_ids):
        if k not in result and k.startswith(targets):
            result[k] = None
    return result


def modal_category(table: pd.DataFrame, group: str) -> str | None:
    """The category with the most members of ``group`` in a class table (stage 04)."""
    from p3md.reporting.views.descriptive import COUNT, SUMMARY_ROWS

    col = f"{group} ({COUNT})"
    cats = table[~table["Kategori"].isin(SUMMARY_ROWS)]
    if col not in cats.columns or cats.empty:
        return None
    counts = pd.to_numeric(cats[col])
    return str(cats.loc[counts.idxmax(), "Kategori"])


def conclusion_inputs(out_dir: str | Path) -> dict[str, Any]:
    """Keyword arguments for :func:`p3md.stats.published.conclusion_results`, from saved tables."""
    out_dir = Path(out_dir)
    kwargs: dict[str, Any] = {}
    ty = _try(out_dir, "tbl-kelas-y")
    if ty is not None:
        kwargs["categories"] = {("Y", g): c for g in ("PLD", "PDP") if (c := modal_category(ty, g))}
    sp = _try(out_dir, "tbl-spearman")
    rows = []
    if sp is not None:
        for _, r in sp.iterrows():
            rows.append(
                {
                    "x": r["Kode"],
                    "y": "Y",
                    "group": "all",
                    "rho": float(r["Gabungan: rs"]),
                    "significant": r["Gabungan: keputusan"] == "Berhubungan nyata",
                }
            )
    pooled = _try(out_dir, "tbl-kw-status-gabungan")
    kruskal: dict[str, pd.DataFrame] = {}
    if pooled is not None:
        from p3md.reporting.views.hypotheses import STAT_KIND

        # The pooled status table (stage 05): Kruskal-Wallis of the outcome across the village
        # status, and Spearman of the status rank (``status_rank``, the notebook's column) with it.
        for _, r in pooled.iterrows():
            sig = str(r["Keputusan"]) in ("Berbeda nyata", "Berhubungan nyata")
            if r[STAT_KIND] == "rs":
                rows.append(
                    {
                        "x": "status_rank",
                        "y": str(r["Kode"]),
                        "group": "all",
                        "rho": float(r["Statistik"]),
                        "significant": sig,
                    }
                )
            elif r[STAT_KIND] == "H":
                kruskal["status"] = pd.DataFrame([{"outcome": str(r["Kode"]), "significant": sig}])
    if rows:
        kwargs["spearman"] = pd.DataFrame(rows)
    role = _try(out_dir, "tbl-beda-peran")
    if role is not None:
        kruskal["role"] = pd.DataFrame(
            {"outcome": role["Kode"], "significant": role["Keputusan"] == "Berbeda nyata"}
        )
    if kruskal:
        kwargs["kruskal"] = kruskal
    paired = _try(out_dir, "tbl-wioi-uji-berpasangan")
    if paired is not None:
        kwargs["prepost_p"] = float(paired.loc[paired["Uji"] == "t berpasangan", "p"].iloc[0])
    sat = _try(out_dir, "tbl-wioi-kepuasan")
    if sat is not None:
        kwargs["satisfaction_p"] = float(sat["p"].iloc[0])
        kwargs["satisfaction_diff"] = float(sat["Selisih (poin %)"].iloc[0])
    return kwargs
