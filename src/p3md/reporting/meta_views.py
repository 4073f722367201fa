"""Display tables of the synthesis chapter (notebook 09): Indonesian column names, one row per
effect or district. Computes nothing statistical (that is :mod:`p3md.stats.meta` and
:mod:`p3md.stats.league`); it renames, orders and back-transforms for display. The study's
names (groups, outcome, characteristics) are arguments, from the run's codebook; the words
around them are data keyed by language (:data:`WORDS`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from p3md.stats.league import ABOVE, BELOW, WITHIN, level_key
from p3md.stats.meta import ALL_EFFECTS, FEW_NOTE, K2_NOTE, METHOD_NAMES

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
WORDS = {
    "id": {
        "role": "Beda {a} − {b} pada {y} (r rank-biserial)",
        "rs": "rs {name} dengan {y}",
        "all": "semua efek",
        "axis": "r rank-biserial ({a} − {b})",
        "pair": "Perbandingan",
        "n_first": "n kelompok pertama",
        "n_second": "n kelompok kedua",
        "failed": "semua (kabupaten gagal)",
        "cap_role": "Beda {outcome} {pairs} per kabupaten (korelasi rank-biserial) dan bobotnya "
        "dalam meta-analisis",
        "cap_spearman": "Korelasi Rank Spearman karakteristik {respondents} ({xs}) dengan "
        "{outcome} per kabupaten",
        "cap_league": "Peringkat kabupaten menurut persentase {respondents} berkategori {top} "
        "pada {outcome}, dengan batas kendali binomial",
        "one_pair": "antara {a} dan {b}",
        "pairs": "menurut pasangan kelompok ({pairs})",
        "first": "kelompok pertama",
        "second": "kelompok kedua",
        "role_note": "r_rb = P({a} > {b}) − P({a} < {b}); galat baku Brunner-Munzel; IK pada "
        "skala z, dikembalikan dengan tanh.",
    },
    "en": {
        "role": "Difference {a} − {b} in {y} (rank-biserial r)",
        "rs": "rs {name} with {y}",
        "all": "every effect",
        "axis": "rank-biserial r ({a} − {b})",
        "pair": "Comparison",
        "n_first": "n first group",
        "n_second": "n second group",
        "failed": "all (district failed)",
        "cap_role": "Difference in {outcome} {pairs} by district (rank-biserial correlation) "
        "and its weight in the meta-analysis",
        "cap_spearman": "Spearman rank correlation of the characteristics of {respondents} "
        "({xs}) with {outcome} by district",
        "cap_league": "Districts ranked by the share of {respondents} in category {top} of "
        "{outcome}, with binomial control limits",
        "one_pair": "between {a} and {b}",
        "pairs": "by pair of groups ({pairs})",
        "first": "first group",
        "second": "second group",
        "role_note": "r_rb = P({a} > {b}) − P({a} < {b}); Brunner-Munzel standard error; CI "
        "on the z scale, back-transformed with tanh.",
    },
}
POSITIONS = {
    "id": {ABOVE: "di atas batas", BELOW: "di bawah batas", WITHIN: "dalam batas"},
    "en": {ABOVE: "above the limits", BELOW: "below the limits", WITHIN: "within the limits"},
}


def effect_labels(
    names: Mapping[str, str],
    pairs: Mapping[str, tuple[str, str]],
    outcome: str,
    lang: str = "id",
) -> dict[str, str]:
    """Display name of every effect key: each group difference (``pairs``, from
    :func:`p3md.stats.meta.role_pairs`) and ``rs(X, outcome)`` per X (``names``: X -> name)."""
    w = WORDS[lang]
    out = {key: w["role"].format(y=outcome, a=a, b=b) for key, (a, b) in pairs.items()}
    out[ALL_EFFECTS] = w["all"]
    out.update({k: w["rs"].format(name=v, y=outcome) for k, v in names.items()})
    return out


def role_axis(pair: tuple[str, str], lang: str = "id") -> str:
    """The forest plot's axis of a group difference: ``r rank-biserial (a − b)``."""
    return WORDS[lang]["axis"].format(a=pair[0], b=pair[1])


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


def pairs_phrase(pairs: Mapping[str, tuple[str, str]], lang: str = "id") -> str:
    """``antara PLD dan PDP`` for one pair of groups; ``menurut pasangan kelompok (PNS − PPPK,
    PNS − THL, PPPK − THL)`` for more."""
    if len(pairs) == 1:
        a, b = next(iter(pairs.values()))
        return WORDS[lang]["one_pair"].format(a=a, b=b)
    return WORDS[lang]["pairs"].format(pairs=", ".join(f"{a} − {b}" for a, b in pairs.values()))


def caption(key: str, lang: str = "id", **values: str) -> str:
    """A synthesis table's caption (``cap_role``, ``cap_spearman``, ``cap_league``) with the
    study's names; shown through :func:`p3md.reporting.floats.show_table`, which escapes it."""
    return WORDS[lang][f"cap_{key}"].format(**values)


def role_note(pairs: Mapping[str, tuple[str, str]], lang: str = "id") -> str:
    """The group-difference table's note: what r_rb is, in the groups' names when there is one
    pair."""
    w = WORDS[lang]
    a, b = next(iter(pairs.values())) if len(pairs) == 1 else (w["first"], w["second"])
    return w["role_note"].format(a=a, b=b)


def role_districts_view(
    effects: pd.DataFrame,
    weights: pd.DataFrame,
    pairs: Mapping[str, tuple[str, str]],
    alpha: float = 0.05,
    lang: str = "id",
) -> pd.DataFrame:
    """Per district: n of each group, r rank-biserial with CI, and its weight (%) in the
    pooling. One pair of groups: the columns are named ``n <group>``; several pairs: one block
    of rows per pair, named in a first column."""
    w = WORDS[lang]
    frames = []
    for key, (a, b) in pairs.items():
        sub = district_ci(effects[effects["effect"] == key], alpha)
        weight = weights[weights["effect"] == key].set_index("district")["weight"]
        n_a, n_b = (f"n {a}", f"n {b}") if len(pairs) == 1 else (w["n_first"], w["n_second"])
        frame = pd.DataFrame(
            {
                "Kabupaten": sub["district"].to_numpy(),
                n_a: sub["n_1"].astype(int).to_numpy(),
                n_b: sub["n_2"].astype(int).to_numpy(),
                "r_rb": sub["estimate"].to_numpy(),
                "IK 95%: bawah": sub["ci_low"].to_numpy(),
                "IK 95%: atas": sub["ci_high"].to_numpy(),
                "Bobot (%)": 100 * weight.reindex(sub["district"]).to_numpy(),
            }
        )
        if len(pairs) > 1:
            frame.insert(0, w["pair"], f"{a} − {b}")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


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


def league_view(
    league: pd.DataFrame, top: str, lang: str = "id", *, respondents: str
) -> pd.DataFrame:
    """The league table with the funnel's verdict at 95% and 99.8% (``respondents``: the
    codebook's word for who is counted, e.g. ``pendamping``)."""
    out = pd.DataFrame(
        {
            "Peringkat": league["rank"].to_numpy(),
            "Kabupaten": league["district"].to_numpy(),
            f"{respondents[:1].upper()}{respondents[1:]} (n)": league["n"].to_numpy(),
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
    excluded: pd.DataFrame,
    skipped: Sequence[Mapping[str, str]],
    labels: Mapping[str, str],
    lang: str = "id",
) -> pd.DataFrame:
    """Districts left out: whole districts that failed their run, and single effects."""
    failed = WORDS[lang]["failed"]
    rows = [
        {"Kabupaten": s["name"], "Efek": failed, "Alasan": s.get("message", "")} for s in skipped
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
