"""Views of stage 06 (Wioi training): pre/post descriptives, normality, paired tests, N-gain,
aspects, satisfaction."""

from __future__ import annotations

import pandas as pd

from p3md.reporting.formatting import format_number
from p3md.reporting.views.common import methods, rename
from p3md.stats.pvalues import method_label
from p3md.words import word

PHASE_ID = {"pre": "Pre-test", "post": "Post-test", "difference": "Selisih (post - pre)"}


def prepost_wide(
    scores: pd.DataFrame, value: str, *, subject: str = "participant_id", phase: str = "phase"
) -> pd.DataFrame:
    """One row per participant with columns ``pre`` and ``post`` of ``value``."""
    wide = scores.pivot(index=subject, columns=phase, values=value)
    wide.columns.name = None
    return wide[["pre", "post"]].astype(float)


def prepost_pass(scores: pd.DataFrame, aspect: str) -> tuple[pd.Series, pd.Series]:
    """(pre pass flags, post pass flags) of one aspect, aligned by participant."""
    wide = prepost_wide(scores, f"{aspect}_pass")
    return wide["pre"].astype(bool), wide["post"].astype(bool)


def prepost_describe_view(desc: pd.DataFrame) -> pd.DataFrame:
    return rename(
        desc.assign(phase=desc["phase"].map(PHASE_ID)),
        {
            "phase": "Tahap",
            "n": "n",
            "mean": "Rata-rata",
            "sd": "SD",
            "median": "Median",
            "min": "Min",
            "max": "Maks",
        },
    )


def shapiro_frame(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat([r.assign(phase=k) for k, r in results.items()], ignore_index=True)


def shapiro_view(res: pd.DataFrame) -> pd.DataFrame:
    out = rename(
        res.assign(phase=res["phase"].map(PHASE_ID), p_method=methods(res["p_method"])),
        {
            "phase": "Skor",
            "n": "n",
            "W": "W",
            "p": "p",
            "p_method": "Metode p",
            "normal": "Normal",
        },
    )
    return out


def paired_view(t_res: pd.DataFrame, w_res: pd.DataFrame, alpha: float) -> pd.DataFrame:
    t, w = t_res.iloc[0], w_res.iloc[0]
    return pd.DataFrame(
        [
            {
                "Uji": "t berpasangan",
                "n": int(t["n"]),
                "Statistik": t["T"],
                "Z": None,
                "df": t["dof"],
                "p": t["p"],
                "Metode p": method_label(t["p_method"]),
                "p asimtotik (Asymp. Sig.)": None,
                "p eksak (Exact Sig.)": None,
                "Metode p eksak": None,
                "Selisih rata-rata": t["mean_diff"],
                "IK 95% bawah": t["ci_low"],
                "IK 95% atas": t["ci_high"],
                "Ukuran efek": t["d_z"],
                "Jenis efek": "d_z",
                "Nyata": bool(t["p"] <= alpha),
            },
            {
                "Uji": "Wilcoxon bertanda",
                "n": int(w["n"]),
                "Statistik": w["statistic"],
                "Z": w["Z"],
                "df": None,
                "p": w["p"],
                "Metode p": method_label(w["p_method"]),
                "p asimtotik (Asymp. Sig.)": w["p_asymptotic"],
                "p eksak (Exact Sig.)": w["p_exact"],
                "Metode p eksak": method_label(w["method_exact"]),
                "Selisih rata-rata": None,
                "IK 95% bawah": None,
                "IK 95% atas": None,
                "Ukuran efek": w["rank_biserial"],
                "Jenis efek": "r rank-biserial",
                "Nyata": bool(w["p"] <= alpha),
            },
        ]
    )


def ngain_view(per: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Participants per N-gain class plus the class-level g."""
    counts = per["n_gain_class"].value_counts()
    rows = [
        {"Kelas N-gain": c, "Jumlah peserta": int(k), "%": 100 * k / len(per)}
        for c, k in counts.items()
    ]
    s = summary.iloc[0]
    rows.append(
        {
            "Kelas N-gain": f"<g> kelas = {format_number(s['g_class'], 3)} ({s['g_class_label']})",
            "Jumlah peserta": int(s["n"]),
            "%": None,
        }
    )
    rows.append(
        {
            "Kelas N-gain": f"rata-rata g individu = {format_number(s['g_mean_individual'], 3)} "
            f"({s['g_mean_individual_label']})",
            "Jumlah peserta": int(s["n"] - s["n_excluded"]),
            "%": None,
        }
    )
    return pd.DataFrame(rows)


def aspect_view(results: dict[str, pd.DataFrame], cb) -> pd.DataFrame:
    rows = []
    for aspect, res in results.items():
        r = res.iloc[0]
        rows.append(
            {
                "Aspek": cb.wioi["aspects"][aspect]["name_id"],
                "Kode": aspect,
                "n": int(r["n"]),
                "Lulus pre-test (%)": 100 * r["pass_before"] / r["n"],
                "Lulus post-test (%)": 100 * r["pass_after"] / r["n"],
                "Gagal→lulus": int(r["fail_to_pass"]),
                "Lulus→gagal": int(r["pass_to_fail"]),
                "p (McNemar eksak)": r["p"],
                "Metode p": method_label(r["p_method"]),
            }
        )
    return pd.DataFrame(rows)


def satisfaction_view(sat: pd.DataFrame) -> pd.DataFrame:
    s = sat.iloc[0]
    row = {
        "Uji": word(s["test"]),
        "n sebelum": int(s["n_before"]),
        "n sesudah": int(s["n_after"]),
        "Puas sebelum (%)": 100 * s["prop_before"],
        "Puas sesudah (%)": 100 * s["prop_after"],
        "Selisih (poin %)": 100 * s["diff"],
    }
    if "ci_low" in sat.columns:
        row["IK 95% bawah"] = s["ci_low"]
        row["IK 95% atas"] = s["ci_high"]
    row["p"] = s["p"]
    row["Metode p"] = method_label(s["p_method"])
    return pd.DataFrame([row])
