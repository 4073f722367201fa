"""Views of stage 05 (hypotheses): Spearman, Kruskal-Wallis / Mann-Whitney, mean ranks, Dunn,
adjusted p."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from p3md.reporting.views.common import methods, no_column, rename
from p3md.stats.pvalues import method_label

#: The pooled group's name in the tables (``group == "all"``).
POOLED = "Gabungan"
#: Column of the characteristic's words in the Spearman table.
SPEARMAN_NAME = "Karakteristik"
#: The Kruskal-Wallis columns, as SPSS's "Test Statistics" names them (Kruskal-Wallis H is
#: SPSS's "Chi-Square"), shared by Tabel 30 and Tabel 33/34 and read back by
#: :mod:`p3md.reporting.conclusions`.
KW = "Kruskal-Wallis"
KRUSKAL_COLUMNS = {
    "H": f"{KW}: H (khi-kuadrat)",
    "df": f"{KW}: df",
    "p": f"{KW}: Asymp. Sig.",
    "eps": f"{KW}: ε²",
}
MW = "Mann-Whitney"


def group_tag(group: str) -> str:
    """The tables' name of a group key (``all`` is the pooled group)."""
    return POOLED if group == "all" else group


def spearman_column(tag: str, what: str) -> str:
    """``Gabungan: rs`` -- a Spearman table column of one group."""
    return f"{tag}: {what}"


def spearman_view(res: pd.DataFrame, names: dict[str, str], groups: Sequence[str]) -> pd.DataFrame:
    """Table 29 wide: per X variable, rs / p / decision pooled and per role."""
    xs = list(dict.fromkeys(res["x"]))
    out = pd.DataFrame({SPEARMAN_NAME: [names.get(x, x) for x in xs], "Kode": xs})
    for g in groups:
        sub = res[res["group"].astype(str) == g].set_index("x").reindex(xs)
        if sub["rho"].isna().all():
            continue
        tag = group_tag(g)
        out[spearman_column(tag, "rs")] = sub["rho"].to_numpy()
        out[spearman_column(tag, "p")] = sub["p"].to_numpy()
        out[f"{tag}: metode p"] = methods(sub["p_method"])
        if sub["p_exact"].notna().any():
            out[f"{tag}: p eksak"] = sub["p_exact"].to_numpy()
        out[f"{tag}: keputusan"] = sub["decision"].to_numpy()
    out.insert(
        2,
        "n",
        [int(res[(res["x"] == x) & (res["group"].astype(str) == "all")]["n"].iloc[0]) for x in xs],
    )
    return no_column(out)


def difference_view(
    kw: pd.DataFrame, mw: pd.DataFrame | None, names: dict[str, str]
) -> pd.DataFrame:
    """Table 30 as SPSS prints it: mean ranks; Kruskal-Wallis H (SPSS's Chi-Square), df,
    Asymp. Sig.; Mann-Whitney U, Wilcoxon W, Z, Asymp. Sig. (2-tailed), Exact Sig.; plus the
    effect sizes (eps^2, rank-biserial r) and the p that decides, with its method."""
    out = pd.DataFrame(
        {"Variabel": [names.get(o, o) for o in kw["outcome"]], "Kode": kw["outcome"].to_numpy()}
    )
    for col in kw.columns:
        if col.startswith("mean_rank_"):
            out[f"Rata-rata ranking {col.removeprefix('mean_rank_')}"] = kw[col].to_numpy()
    out[KRUSKAL_COLUMNS["H"]] = kw["H"].to_numpy()
    out[KRUSKAL_COLUMNS["df"]] = kw["df"].to_numpy()
    out[KRUSKAL_COLUMNS["p"]] = kw["p_asymptotic"].to_numpy()
    out[KRUSKAL_COLUMNS["eps"]] = kw["epsilon_squared"].to_numpy()
    if mw is not None:
        m = mw.set_index("outcome").reindex(kw["outcome"])
        out[f"{MW}: U"] = m["U_spss"].to_numpy()
        out[f"{MW}: Wilcoxon W"] = m["W_wilcoxon"].to_numpy()
        out[f"{MW}: Z"] = m["Z"].to_numpy()
        out[f"{MW}: Asymp. Sig. (2-tailed)"] = m["p_asymptotic"].to_numpy()
        out[f"{MW}: Exact Sig."] = m["p_exact"].to_numpy()
        out[f"{MW}: metode Exact Sig."] = methods(m["method_exact"])
        out[f"{MW}: r rank-biserial"] = m["RBC"].to_numpy()
    out["p penentu keputusan"] = kw["p"].to_numpy()
    out["Metode p penentu"] = methods(kw["p_method"])
    out["Keputusan"] = kw["decision"].to_numpy()
    return no_column(out)


def mean_rank_view(kw: pd.DataFrame, groups: Sequence[str], names: dict[str, str]) -> pd.DataFrame:
    """Tables 31/32: n and mean rank per village status (rows) for each outcome (columns)."""
    rows = []
    for g in groups:
        if f"mean_rank_{g}" not in kw.columns:
            continue
        row = {"Status desa": g, "n": int(kw[f"n_{g}"].iloc[0])}
        for _, r in kw.iterrows():
            row[f"Rata-rata ranking {names.get(r['outcome'], r['outcome'])}"] = r[f"mean_rank_{g}"]
        rows.append(row)
    return no_column(pd.DataFrame(rows))


def kruskal_view(kw: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Tables 33/34: H (Chi-square), df, p (Asymp. Sig.), eps^2, decision per outcome."""
    out = pd.DataFrame(
        {
            "Variabel": [names.get(o, o) for o in kw["outcome"]],
            "Kode": kw["outcome"].to_numpy(),
            "n": kw["n"].to_numpy(),
            KRUSKAL_COLUMNS["H"]: kw["H"].to_numpy(),
            KRUSKAL_COLUMNS["df"]: kw["df"].to_numpy(),
            KRUSKAL_COLUMNS["p"]: kw["p_asymptotic"].to_numpy(),
            KRUSKAL_COLUMNS["eps"]: kw["epsilon_squared"].to_numpy(),
            "Metode p": methods(kw["p_method"]),
            "Keputusan": kw["decision"].to_numpy(),
        }
    )
    return no_column(out)


def dunn_view(dunn: pd.DataFrame) -> pd.DataFrame:
    cols = {
        "role": "Peran",
        "outcome": "Variabel",
        "group_1": "Status 1",
        "group_2": "Status 2",
        "mean_rank_diff": "Statistik uji (selisih rata-rata ranking)",
        "se": "Galat baku",
        "z": "Statistik uji terbakukan (z)",
        "p_unadjusted": "Sig. (tanpa koreksi)",
        "method": "Metode p",
        "p_adjusted": "Sig. terkoreksi (Holm)",
        "significant": "Berbeda nyata",
    }
    return rename(dunn.assign(method=methods(dunn["method"])), cols)


def adjusted_view(adj: pd.DataFrame) -> pd.DataFrame:
    cols = {
        "family": "Kelompok uji",
        "test": "Uji",
        "alpha": "α",
        "p": "p",
        "p_method": "Metode p",
        "p_holm": "p (Holm)",
        "p_fdr_bh": "p (BH)",
        "significant": "Nyata (tanpa koreksi)",
        "significant_holm": "Nyata (Holm)",
        "significant_fdr_bh": "Nyata (BH)",
        "decision_changes": "Keputusan berubah",
    }
    if "p_method" in adj.columns:
        adj = adj.assign(p_method=methods(adj["p_method"]))
    return rename(adj, cols)


def status_category_view(
    village: pd.DataFrame,
    cb,
    variable: str,
    statuses: Sequence[str],
    roles: Sequence[str],
) -> pd.DataFrame:
    """Table 35: ratings per category of ``variable`` by village status and role (n and %)."""
    col = f"{variable}_cat"
    cats = [c.label for c in sorted(cb.variables[variable].categories, key=lambda c: -c.min)]
    rows = []
    for r in roles:
        for s in statuses:
            sub = village[(village["role"] == r) & (village["status"] == s)]
            sub = sub[sub[col].notna()]  # a rating with an empty answer has no category
            if sub.empty:
                continue
            row = {"Peran": r, "Status desa": s, "n": len(sub)}
            for c in cats:
                k = int((sub[col] == c).sum())
                row[f"{c} (n)"] = k
                row[f"{c} (%)"] = 100 * k / len(sub)
            rows.append(row)
    return pd.DataFrame(rows)


#: The statistic column of the pooled status table: its kind ("H" Kruskal-Wallis, "rs"
#: Spearman), read back by :func:`p3md.reporting.collect.conclusion_inputs`.
STAT_KIND = "Jenis statistik"


def status_pooled_view(kw: pd.DataFrame, sp: pd.DataFrame) -> pd.DataFrame:
    """Pooled Kruskal-Wallis across statuses and Spearman of status rank with Y (one row each)."""
    k = kw.iloc[0]
    s = sp.iloc[0]
    return pd.DataFrame(
        [
            {
                "Uji": f"Kruskal-Wallis {k['outcome']} menurut status desa",
                "Kode": str(k["outcome"]),
                "n": int(k["n"]),
                STAT_KIND: "H",
                "Statistik": k["H"],
                "df": int(k["df"]),
                "p": k["p"],
                "Metode p": method_label(k["p_method"]),
                "α": k["alpha"],
                "Keputusan": k["decision"],
            },
            {
                "Uji": f"Spearman peringkat status desa dengan {s['y']}",
                "Kode": str(s["y"]),
                "n": int(s["n"]),
                STAT_KIND: "rs",
                "Statistik": s["rho"],
                "df": None,
                "p": s["p"],
                "Metode p": method_label(s["p_method"]),
                "α": s["alpha"],
                "Keputusan": s["decision"],
            },
        ]
    )


def test_families(
    spearman: pd.DataFrame,
    kw_role: pd.DataFrame,
    kw_status: dict[str, pd.DataFrame],
    alpha_correlation: float,
    alpha_difference: float,
    families: tuple[str, str] = ("Korelasi", "Uji beda"),
) -> list[pd.DataFrame]:
    """The families of p values adjusted together: pooled Spearman (each characteristic with
    the outcome); differences (group on each outcome; status within each group)."""
    pooled = spearman[spearman["group"].astype(str) == "all"]
    corr = pd.DataFrame(
        {
            "test": [f"Spearman {x} ~ {y}" for x, y in zip(pooled["x"], pooled["y"], strict=True)],
            "p": pooled["p"].to_numpy(),
            "p_method": pooled["p_method"].to_numpy(),
            "family": families[0],
            "alpha": alpha_correlation,
        }
    )
    parts = [
        pd.DataFrame(
            {
                "test": [f"KW peran: {o}" for o in kw_role["outcome"]],
                "p": kw_role["p"].to_numpy(),
                "p_method": kw_role["p_method"].to_numpy(),
            }
        )
    ]
    for r, kw in kw_status.items():
        parts.append(
            pd.DataFrame(
                {
                    "test": [f"KW status ({r}): {o}" for o in kw["outcome"]],
                    "p": kw["p"].to_numpy(),
                    "p_method": kw["p_method"].to_numpy(),
                }
            )
        )
    diff = pd.concat(parts, ignore_index=True).assign(family=families[1], alpha=alpha_difference)
    return [corr.reset_index(drop=True), diff.reset_index(drop=True)]
