"""Display tables of the synthesis chapter (notebook 09): Indonesian column names, one row per
effect or district. Computes nothing statistical (that is :mod:`p3md.stats.meta` and
:mod:`p3md.stats.league`); it renames, orders and back-transforms for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from p3md.stats.league import ABOVE, BELOW, WITHIN, level_key
from p3md.stats.meta import ALL_EFFECTS, FEW_NOTE, K2_NOTE, METHOD_NAMES, ROLE_EFFECT

NOTES = {
    "id": {
        K2_NOTE: "k = 2: interval prediksi (t dengan k − 2 = 0 derajat bebas) tidak terdefinisi",
        FEW_NOTE: "kurang dari 2 kabupaten: tidak digabung",
        "": "",
    },
    "en": {
        K2_NOTE: "k = 2: prediction interval (t with k − 2 = 0 df) undefined",
        FEW_NOTE: "fewer than 2 districts: not pooled",
        "": "",
    },
}
POSITIONS = {
    "id": {ABOVE: "di atas batas", BELOW: "di bawah batas", WITHIN: "dalam batas"},
    "en": {ABOVE: "above the limits", BELOW: "below the limits", WITHIN: "within the limits"},
}


def effect_labels(names: Mapping[str, str], lang: str = "id") -> dict[str, str]:
    """Display name of every effect key: the role difference and ``rs(X, Y)`` per X."""
    role = (
        "Beda kinerja PLD − PDP (r rank-biserial)"
        if lang == "id"
        else "PLD − PDP difference in performance (rank-biserial r)"
    )
    out = {ROLE_EFFECT: role, ALL_EFFECTS: "semua efek" if lang == "id" else "every effect"}
    out.update(
        {k: f"rs {v} dengan Y" if lang == "id" else f"rs {v} with Y" for k, v in names.items()}
    )
    return out


def summary_view(
    summary: pd.DataFrame, labels: Mapping[str, str], lang: str = "id"
) -> pd.DataFrame:
    """One row per effect: k, pooled r with CI and prediction interval, tau^2, I^2, Q test."""
    pct = 100 * summary["i2"] if "i2" in summary else np.nan
    out = pd.DataFrame(
        {
            "Efek": [labels.get(e, e) for e in summary["effect"]],
            "k": summary["k"].astype(int).to_numpy(),
            "r gabungan": summary.get("r"),
            "IK 95%: bawah": summary.get("r_ci_low"),
            "IK 95%: atas": summary.get("r_ci_high"),
            "Interval prediksi: bawah": summary.get("r_pi_low"),
            "Interval prediksi: atas": summary.get("r_pi_high"),
            "p": summary.get("p"),
            "Heterogenitas: τ² (skala z)": summary.get("tau2"),
            "Heterogenitas: I² (%)": pct,
            "Heterogenitas: Q": summary.get("q"),
            "Heterogenitas: df": summary.get("df"),
            "p (Q)": summary.get("p_q"),
            "Catatan": [
                NOTES[lang].get(n, n) if isinstance(n, str) else ""
                for n in summary.get("note", [""] * len(summary))
            ],
        }
    )
    return out


def district_ci(effects: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Each district's effect with its (1 - alpha) CI on the r scale (z +/- crit SE_z, tanh)."""
    crit = float(stats.norm.isf(alpha / 2))
    out = effects.copy()
    out["ci_low"] = np.tanh(out["z"] - crit * out["se_z"])
    out["ci_high"] = np.tanh(out["z"] + crit * out["se_z"])
    return out


def role_districts_view(
    effects: pd.DataFrame, weights: pd.DataFrame, alpha: float = 0.05
) -> pd.DataFrame:
    """Per district: n PLD/PDP, r rank-biserial with CI, and its weight (%) in the pooling."""
    sub = district_ci(effects[effects["effect"] == ROLE_EFFECT], alpha)
    w = weights[weights["effect"] == ROLE_EFFECT].set_index("district")["weight"]
    return pd.DataFrame(
        {
            "Kabupaten": sub["district"].to_numpy(),
            "n PLD": sub["n_1"].astype(int).to_numpy(),
            "n PDP": sub["n_2"].astype(int).to_numpy(),
            "r_rb": sub["estimate"].to_numpy(),
            "IK 95%: bawah": sub["ci_low"].to_numpy(),
            "IK 95%: atas": sub["ci_high"].to_numpy(),
            "Bobot (%)": 100 * w.reindex(sub["district"]).to_numpy(),
        }
    )


def spearman_districts_view(effects: pd.DataFrame, x_vars: Sequence[str]) -> pd.DataFrame:
    """Per district (rows) the Spearman rs of each X with Y (columns), and n."""
    sub = effects[effects["effect"].isin(list(x_vars))]
    wide = sub.pivot(index="district", columns="effect", values="estimate")
    wide = wide.reindex(columns=[x for x in x_vars if x in wide.columns])
    n = sub.groupby("district")["n"].max()
    order = list(dict.fromkeys(sub["district"]))
    out = pd.DataFrame({"Kabupaten": order, "n": n.reindex(order).astype(int).to_numpy()})
    for x in wide.columns:
        out[f"rs {x}"] = wide[x].reindex(order).to_numpy()
    return out


def league_view(league: pd.DataFrame, top: str = "Baik", lang: str = "id") -> pd.DataFrame:
    """The league table with the funnel's verdict at 95% and 99.8%."""
    out = pd.DataFrame(
        {
            "Peringkat": league["rank"].to_numpy(),
            "Kabupaten": league["district"].to_numpy(),
            "Pendamping (n)": league["n"].to_numpy(),
            f"{top} (n)": league["n_top"].to_numpy(),
            f"{top} (%)": 100 * league["share"].to_numpy(),
        }
    )
    for level in (0.95, 0.998):
        key = level_key(level)
        if f"position_{key}" not in league:
            continue
        tag = f"{level * 100:g}%".replace(".", ",") if lang == "id" else f"{level * 100:g}%"
        out[f"Batas {tag}: bawah (%)"] = 100 * league[f"lower_{key}"].to_numpy()
        out[f"Batas {tag}: atas (%)"] = 100 * league[f"upper_{key}"].to_numpy()
        out[f"Batas {tag}: posisi"] = [POSITIONS[lang][p] for p in league[f"position_{key}"]]
    return out


def excluded_view(
    excluded: pd.DataFrame, skipped: Sequence[Mapping[str, str]], labels: Mapping[str, str]
) -> pd.DataFrame:
    """Districts left out: whole districts that failed their run, and single effects."""
    rows = [
        {"Kabupaten": s["name"], "Efek": "semua (kabupaten gagal)", "Alasan": s.get("message", "")}
        for s in skipped
    ]
    rows += [
        {"Kabupaten": r.district, "Efek": labels.get(r.effect, r.effect), "Alasan": r.reason}
        for r in excluded.itertuples()
    ]
    return pd.DataFrame(rows, columns=["Kabupaten", "Efek", "Alasan"])


def estimator_view(comparison: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The pooled r and tau^2 of every effect under each estimator, side by side
    (:func:`p3md.stats.meta.estimator_comparison`)."""
    return pd.DataFrame(
        {
            "Efek": [labels.get(e, e) for e in comparison["effect"]],
            "Penaksir τ²": [METHOD_NAMES.get(m, m) for m in comparison["method"]],
            "k": comparison["k"].astype(int).to_numpy(),
            "τ²": comparison["tau2"].to_numpy(),
            "r gabungan": comparison["r"].to_numpy(),
            "IK 95%: bawah": comparison["r_ci_low"].to_numpy(),
            "IK 95%: atas": comparison["r_ci_high"].to_numpy(),
            "p": comparison["p"].to_numpy(),
        }
    )
