"""Views of stage 05 (hypotheses): Spearman, Kruskal-Wallis / Mann-Whitney, mean ranks, Dunn,
adjusted p."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from p3md.reporting.views.common import ROLE_ORDER, methods, no_column, rename
from p3md.stats.pvalues import method_label


def spearman_view(
    res: pd.DataFrame, names: dict[str, str], groups: Sequence[str] = ("all", *ROLE_ORDER)
) -> pd.DataFrame:
    """Table 29 wide: per X variable, rs / p / decision pooled and per role."""
    xs = list(dict.fromkeys(res["x"]))
    out = pd.DataFrame({"Karakteristik": [names.get(x, x) for x in xs], "Kode": xs})
    for g in groups:
        sub = res[res["group"].astype(str) == g].set_index("x").reindex(xs)
        if sub["rho"].isna().all():
            continue
        tag = "Gabungan" if g == "all" else g
        out[f"{tag}: rs"] = sub["rho"].to_numpy()
        out[f"{tag}: p"] = sub["p"].to_numpy()
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
    """Table 30: Kruskal-Wallis (H, df, p, eps^2, mean ranks) and Mann-Whitney (U, p, r_rb)."""
    out = pd.DataFrame(
        {"Variabel": [names.get(o, o) for o in kw["outcome"]], "Kode": kw["outcome"].to_numpy()}
    )
    for col in kw.columns:
        if col.startswith("mean_rank_"):
            out[f"Rata-rata ranking {col.removeprefix('mean_rank_')}"] = kw[col].to_numpy()
    out["H"] = kw["H"].to_numpy()
    out["df"] = kw["df"].to_numpy()
    out["p (KW)"] = kw["p"].to_numpy()
    out["Metode p (KW)"] = methods(kw["p_method"])
    out["ε²"] = kw["epsilon_squared"].to_numpy()
    if mw is not None:
        m = mw.set_index("outcome").reindex(kw["outcome"])
        out["U"] = m["U"].to_numpy()
        out["p (MW)"] = m["p"].to_numpy()
        out["Metode p (MW)"] = methods(m["p_method"])
        out["p asimtotik (MW)"] = m["p_asymptotic"].to_numpy()
        out["p eksak (MW)"] = m["p_exact"].to_numpy()
        out["Metode p eksak (MW)"] = methods(m["method_exact"])
        out["r rank-biserial"] = m["RBC"].to_numpy()
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
            "Kruskal-Wallis H": kw["H"].to_numpy(),
            "df": kw["df"].to_numpy(),
            "p (Asymp. Sig.)": kw["p_asymptotic"].to_numpy(),
            "Metode p": methods(kw["p_method"]),
            "ε²": kw["epsilon_squared"].to_numpy(),
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
        "mean_rank_diff": "Selisih rata-rata ranking",
        "p_unadjusted": "p (tanpa koreksi)",
        "method": "Metode p",
        "p_adjusted": "p (Holm)",
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
    roles: Sequence[str] = ROLE_ORDER,
) -> pd.DataFrame:
    """Table 35: ratings per category of ``variable`` by village status and role (n and %)."""
    col = f"{variable}_cat"
    cats = [c.label for c in sorted(cb.variables[variable].categories, key=lambda c: -c.min)]
    rows = []
    for r in roles:
        for s in statuses:
            sub = village[(village["role"] == r) & (village["status"] == s)]
            if sub.empty:
                continue
            row = {"Peran": r, "Status desa": s, "n": len(sub)}
            for c in cats:
                k = int((sub[col] == c).sum())
                row[f"{c} (n)"] = k
                row[f"{c} (%)"] = 100 * k / len(sub)
            rows.append(row)
    return pd.DataFrame(rows)


def status_pooled_view(kw: pd.DataFrame, sp: pd.DataFrame) -> pd.DataFrame:
    """Pooled Kruskal-Wallis across statuses and Spearman of status rank with Y (one row each)."""
    k = kw.iloc[0]
    s = sp.iloc[0]
    return pd.DataFrame(
        [
            {
                "Uji": "Kruskal-Wallis Y menurut status desa",
                "Kode": f"kruskal|{k['outcome']}|status",
                "n": int(k["n"]),
                "Statistik": k["H"],
                "df": int(k["df"]),
                "p": k["p"],
                "Metode p": method_label(k["p_method"]),
                "α": k["alpha"],
                "Keputusan": k["decision"],
            },
            {
                "Uji": "Spearman peringkat status desa dengan Y",
                "Kode": f"spearman|{s['x']}|{s['y']}|all",
                "n": int(s["n"]),
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
) -> list[pd.DataFrame]:
    """The families of p values adjusted together: pooled Spearman (X1-X7 ~ Y); differences
    (role on Y1-Y4, Y; status within each role on Y1-Y4, Y)."""
    pooled = spearman[spearman["group"].astype(str) == "all"]
    corr = pd.DataFrame(
        {
            "test": [f"Spearman {x} ~ {y}" for x, y in zip(pooled["x"], pooled["y"], strict=True)],
            "p": pooled["p"].to_numpy(),
            "p_method": pooled["p_method"].to_numpy(),
            "family": "Korelasi (Tabel 29)",
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
    diff = pd.concat(parts, ignore_index=True).assign(
        family="Uji beda (Tabel 30-34)", alpha=alpha_difference
    )
    return [corr.reset_index(drop=True), diff.reset_index(drop=True)]
