"""Views of stages 07 and 08: published vs reproduced values and conclusions, the audit."""

from __future__ import annotations

import pandas as pd

from p3md.reporting.views.common import empty_flags, rename


def reproduction_view(values: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = rename(
        values,
        {
            "id": "Kode",
            "source": "Sumber",
            "description": "Keterangan",
            "printed": "Dicetak",
            "published": "Nilai terbitan",
            "reproduced": "Hitung ulang",
            "difference": "Selisih",
            "tolerance": "Toleransi",
            "status": "Status",
        },
    )
    flags = empty_flags(table)
    flags["Status"] = (values["status"] == "tidak sesuai").to_numpy()
    flags["Hitung ulang"] = flags["Status"]
    return table, flags


def conclusion_view(conc: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = conc.assign(implied=conc["implied"].map({True: "tersirat", False: "tersurat"}))
    table = rename(
        data,
        {
            "claim_id": "Kesimpulan",
            "source": "Sumber",
            "claim": "Pernyataan terbitan",
            "check": "Pemeriksaan",
            "implied": "Jenis",
            "expected": "Diharapkan",
            "reproduced": "Hitung ulang",
            "status": "Status",
        },
    )
    flags = empty_flags(table)
    flags["Status"] = (conc["status"] == "tidak sesuai").to_numpy()
    return table, flags


def audit_view(
    audit: pd.DataFrame, *, only_inconsistent: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = audit[~audit["consistent"].astype(bool)] if only_inconsistent else audit
    table = rename(
        data,
        {
            "check": "Pemeriksaan",
            "source": "Sumber",
            "computation": "Perhitungan",
            "printed": "Dicetak",
            "recomputed": "Hitung ulang",
            "consistent": "Konsisten",
        },
    )
    flags = empty_flags(table)
    flags["Konsisten"] = ~data["consistent"].astype(bool).to_numpy()
    return table, flags


def audit_summary(audit: pd.DataFrame) -> pd.DataFrame:
    ok = audit["consistent"].astype(bool)
    g = pd.DataFrame({"source": audit["source"], "ok": ok}).groupby("source", sort=False)["ok"]
    out = pd.DataFrame(
        {
            "Sumber": g.size().index,
            "Pemeriksaan": g.size().to_numpy(),
            "Konsisten": g.sum().to_numpy().astype(int),
        }
    )
    out["Tidak konsisten"] = out["Pemeriksaan"] - out["Konsisten"]
    total = {
        "Sumber": "Jumlah",
        "Pemeriksaan": int(out["Pemeriksaan"].sum()),
        "Konsisten": int(out["Konsisten"].sum()),
        "Tidak konsisten": int(out["Tidak konsisten"].sum()),
    }
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)
