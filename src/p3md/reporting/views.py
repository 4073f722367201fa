"""Display views: turn the frames of ``p3md.stats`` / ``p3md.scoring`` into the report's tables.

Only selection, ordering, renaming to Indonesian headers and totals rows; no statistic is
computed here (the numbers come in computed). Each function returns ``(table, flags)`` or a
table, ready for :func:`p3md.reporting.save_table`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from p3md.stats.pvalues import method_label

ROLE_ORDER = ("PDP", "PLD")


def methods(keys, lang: str = "id") -> list[str]:
    """The words of p-value method keys (:mod:`p3md.stats.pvalues`) for a table column."""
    return [method_label(str(k), lang) for k in keys]


def no_column(df: pd.DataFrame) -> pd.DataFrame:
    """Prepend the thesis's running ``No`` column."""
    out = df.reset_index(drop=True).copy()
    out.insert(0, "No", range(1, len(out) + 1))
    return out


def empty_flags(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(False, index=df.index, columns=df.columns)


def sampling_view(
    st: pd.DataFrame, printed_totals: tuple[float, float] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table 8 with the recomputation beside the printed values.

    ``st`` is :func:`p3md.stats.sampling.sampling_table` with a published table and
    ``include_total=True``; optional column ``sampled_in_frame`` (villages flagged ``sampled``
    in the raw frame). Flags mark printed cells that differ from the recomputation.
    """
    cols = {
        "kecamatan": "Kecamatan",
        "villages": "Jumlah desa (Tabel 2)",
        "published_villages": "Jumlah desa (Tabel 8)",
        "exact_share": "Bagian proporsional N_i/N·n",
        "allocated": "Sampel (sisa terbesar)",
        "allocated_round": "Sampel (dibulatkan)",
        "published_respondents": "Jumlah responden (Tabel 8)",
        "sampled_in_frame": "Desa sampel dalam data",
    }
    st = st.copy()
    if printed_totals is not None and "published_villages" in st.columns:
        # The total row shows the printed "Jumlah", not the sum of the printed rows.
        last = st.index[-1]
        st["published_villages"] = st["published_villages"].astype("Float64")
        st["published_respondents"] = st["published_respondents"].astype("Float64")
        st.loc[last, "published_villages"] = printed_totals[0]
        st.loc[last, "published_respondents"] = printed_totals[1]
    present = [c for c in cols if c in st.columns]
    table = st[present].rename(columns=cols).reset_index(drop=True)
    flags = empty_flags(table)
    if "published_villages" in st.columns:
        flags["Jumlah desa (Tabel 8)"] = (
            (st["published_villages"].astype("Float64") != st["villages"].astype("Float64"))
            .fillna(False)
            .to_numpy(dtype=bool)
        )
    if "published_respondents" in st.columns:
        flags["Jumlah responden (Tabel 8)"] = (
            (st["published_respondents"].astype("Float64") != st["allocated"].astype("Float64"))
            .fillna(False)
            .to_numpy(dtype=bool)
        )
    return table, flags


def counts_by(
    df: pd.DataFrame, row: str, col: str, *, row_name: str, total: str = "Jumlah"
) -> pd.DataFrame:
    """Cross-tabulated counts with margins (a display of given rows, nothing estimated)."""
    tab = pd.crosstab(df[row], df[col], margins=True, margins_name=total)
    tab = tab.reset_index().rename(columns={row: row_name})
    tab.columns.name = None
    return tab


def validity_view(res: pd.DataFrame, variable_names: dict[str, str]) -> pd.DataFrame:
    """Tables 9-10: one row per item with r, r corrected, r crit and decision.

    ``res`` concatenates :func:`p3md.stats.instrument.item_validity` outputs with a
    ``variable`` column and an ``item_no`` column (position printed as "Item k").
    """
    out = pd.DataFrame(
        {
            "Variabel": [variable_names.get(v, v) for v in res["variable"]],
            "Pertanyaan": [f"Item {k}" for k in res["item_no"]],
            "Kode butir": res["item"].to_numpy(),
            "r hitung": res["r"].to_numpy(),
            "r terkoreksi": res["r_corrected"].to_numpy(),
            "r tabel": res["r_crit"].to_numpy(),
            "n": res["n"].to_numpy(),
            "Keputusan": res["decision"].to_numpy(),
        }
    )
    # Print the variable name only on its first row, as the thesis does.
    out.loc[out["Variabel"].duplicated(), "Variabel"] = ""
    return no_column(out)


def item_total_view(
    item_total: pd.DataFrame, validity: pd.DataFrame, variable_names: dict[str, str]
) -> pd.DataFrame:
    """SPSS's Item-Total Statistics per scale beside the thesis's r hitung / r tabel decision.

    ``item_total`` stacks :func:`p3md.stats.instrument.item_total_statistics` with a
    ``variable`` column; ``validity`` is :func:`validity_frame` of the same items.
    """
    val = validity.set_index(["variable", "item"])
    key = pd.MultiIndex.from_frame(item_total[["variable", "item"]])
    out = pd.DataFrame(
        {
            "Variabel": [variable_names.get(v, v) for v in item_total["variable"]],
            "Kode butir": item_total["item"].to_numpy(),
            "Rata-rata skala jika butir dihapus": item_total["scale_mean_if_deleted"].to_numpy(),
            "Varians skala jika butir dihapus": item_total["scale_variance_if_deleted"].to_numpy(),
            "r butir-total terkoreksi": item_total["r_corrected"].to_numpy(),
            "Korelasi ganda kuadrat": item_total["smc"].to_numpy(),
            "Alpha jika butir dihapus": item_total["alpha_if_deleted"].to_numpy(),
            "r hitung": val["r"].reindex(key).to_numpy(),
            "r tabel": val["r_crit"].reindex(key).to_numpy(),
            "Keputusan (r hitung > r tabel)": val["decision"].reindex(key).to_numpy(),
        }
    )
    out.loc[out["Variabel"].duplicated(), "Variabel"] = ""
    return out


def reliability_view(res: pd.DataFrame, variable_names: dict[str, str]) -> pd.DataFrame:
    """Table 11: alpha, standardised alpha, its 95% CI, number of items, threshold and decision
    per variable."""
    out = pd.DataFrame(
        {
            "Variabel": [variable_names.get(v, v) for v in res["variable"]],
            "Kode": res["variable"].to_numpy(),
            "Jumlah butir": res["k"].to_numpy(),
            "n": res["n"].to_numpy(),
            "Alpha Cronbach": res["alpha"].to_numpy(),
            "Alpha butir terstandar": res["alpha_standardized"].to_numpy(),
            "IK 95% bawah": res["ci_low"].to_numpy(),
            "IK 95% atas": res["ci_high"].to_numpy(),
            "Ambang": res["threshold"].to_numpy(),
            "Keputusan": res["decision"].to_numpy(),
        }
    )
    return no_column(out)


def class_view(
    dists: dict[str, pd.DataFrame],
    summaries: dict[str, pd.DataFrame],
    groups: Sequence[str] = ("Gabungan", *ROLE_ORDER),
) -> pd.DataFrame:
    """Tables 13-28: categories (rows) x groups (count and %) plus median and mode per group.

    ``dists[group]`` is :func:`p3md.stats.intervals.class_distribution` (lowest class first),
    ``summaries[group]`` is :func:`p3md.stats.intervals.score_summary`.
    """
    groups = [g for g in groups if g in dists]
    first = dists[groups[0]]
    rows = first.sort_values("class", ascending=False)
    out = pd.DataFrame(
        {
            "Kategori": rows["label"].to_numpy(),
            "Interval skor": [
                f"{lo}–{hi}" for lo, hi in zip(rows["lower"], rows["upper"], strict=True)
            ],
        }
    )
    for g in groups:
        d = dists[g].set_index("class").loc[rows["class"]]
        out[f"{g} (n)"] = d["count"].to_numpy()
        out[f"{g} (%)"] = d["percent_rounded"].to_numpy()
    total = {"Kategori": "Jumlah", "Interval skor": ""}
    for g in groups:
        total[f"{g} (n)"] = int(dists[g]["count"].sum())
        total[f"{g} (%)"] = float(dists[g]["percent_rounded"].sum())
    med = {"Kategori": "Median skor", "Interval skor": ""}
    mod = {"Kategori": "Modus skor", "Interval skor": ""}
    for g in groups:
        s = summaries[g].iloc[0]
        med[f"{g} (n)"], med[f"{g} (%)"] = float(s["median"]), None
        mod[f"{g} (n)"], mod[f"{g} (%)"] = float(s["mode"]), None
    return pd.concat([out, pd.DataFrame([total, med, mod])], ignore_index=True)


def rename(df: pd.DataFrame, mapping: dict[str, str], *, keep_only: bool = True) -> pd.DataFrame:
    """Select (if ``keep_only``) and rename columns in the order of ``mapping``."""
    cols = [c for c in mapping if c in df.columns]
    out = df[cols] if keep_only else df
    return out.rename(columns=mapping).reset_index(drop=True)


def sampled_per_stratum(
    frame: pd.DataFrame,
    strata: pd.Series,
    *,
    stratum: str = "kecamatan",
    flag: str = "sampled",
    total: str = "Total",
) -> list[int]:
    """Villages flagged ``sampled`` in the raw frame per stratum, in the order of ``strata``
    (the ``total`` row gets the sum)."""
    per = frame.groupby(stratum, observed=True)[flag].sum()
    values = [int(per.get(s, 0)) for s in strata if s != total]
    return [int(per.get(s, 0)) if s != total else int(sum(values)) for s in strata]


def flagged_rows(flags: pd.DataFrame, *, skip_last: bool = True) -> tuple[int, int]:
    """(rows with at least one flagged cell, rows) -- the total row excluded by default."""
    f = flags.iloc[:-1] if skip_last else flags
    return int(f.any(axis=1).sum()), int(len(f))


# -- instrument (notebook 03) ----------------------------------------------------------------
def item_matrix(scored: pd.DataFrame, cb, variable: str) -> pd.DataFrame:
    """Item scores of ``variable`` as columns in printed order (rows = respondents).

    Role-specific items that share a printed number (``pd09_pld``/``pd09_pdp``, Table 10
    numbers Y's 29 items across roles) are combined into one column named by their common stem
    (``pd09``): each respondent answered only the version of their role. Items absent from
    ``scored`` are skipped.
    """
    spec = cb.variables[variable]
    items = cb.items_for(variable)
    use_y = spec.group == "Y"
    by_pos: dict[int, list[str]] = {}
    for it in items:
        pos = it.y_position if use_y and it.y_position else it.position
        if it.id in scored.columns:
            by_pos.setdefault(pos, []).append(it.id)
    cols = {}
    for pos in sorted(by_pos):
        ids = by_pos[pos]
        name = ids[0] if len(ids) == 1 else ids[0].rsplit("_", 1)[0]
        cols[name] = scored[ids].bfill(axis=1).iloc[:, 0] if len(ids) > 1 else scored[ids[0]]
    return pd.DataFrame(cols)


def validity_frame(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack per-variable :func:`item_validity` results with ``variable`` and ``item_no``."""
    parts = []
    for var, res in results.items():
        part = res.copy()
        part.insert(0, "variable", var)
        part["item_no"] = range(1, len(part) + 1)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def reliability_frame(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = [res.assign(variable=var) for var, res in results.items()]
    return pd.concat(parts, ignore_index=True)


def variable_labels(cb, variables: Sequence[str] | None = None) -> dict[str, str]:
    """``{"X2": "Tingkat pendidikan non formal (X2)", ...}`` from the codebook."""
    names = {}
    for v, spec in cb.variables.items():
        if variables is None or v in variables:
            names[v] = f"{spec.name_id} ({v})"
    return names


# -- descriptive (notebook 04) --------------------------------------------------------------
def category_labels_low_to_high(cb, variable: str) -> list[str]:
    cats = sorted(cb.variables[variable].categories, key=lambda c: c.min)
    return [c.label for c in cats]


def median_class_label(dist: pd.DataFrame) -> str:
    """Label of the class that holds the median (from :func:`class_distribution`)."""
    return str(dist.loc[dist["is_median_class"], "label"].iloc[0])


def long_distribution(
    dists: dict[str, dict[str, pd.DataFrame]],
    names: dict[str, str] | None = None,
    roles: Sequence[str] = ROLE_ORDER,
) -> pd.DataFrame:
    """``{variable: {group: class_distribution}}`` -> long rows for the category figure."""
    rows = []
    for var, by_group in dists.items():
        for g in roles:
            if g not in by_group:
                continue
            for _, r in by_group[g].iterrows():
                rows.append(
                    {
                        "variable": (names or {}).get(var, var),
                        "role": g,
                        "category": r["label"],
                        "percent": float(r["percent"]),
                    }
                )
    return pd.DataFrame(rows)


def modes_view(modes: pd.DataFrame, cb, variable: str, role: str) -> pd.DataFrame:
    """Tables 21/22/24/25: sebaran modus of each sub-indicator of ``variable`` for one role.

    ``modes`` is ``ScoredStudy.modes``; columns show facilitators (n, %) per modal score with the
    scale's labels of the codebook.
    """
    sub = modes[(modes["variable"] == variable) & (modes["role"] == role)].sort_values("position")
    n = sub[["n_3", "n_2", "n_1"]].sum(axis=1)
    texts, labels = [], []
    for item_id in sub["item_id"]:
        item = cb.item(item_id)
        texts.append(item.text_pdp if role == "PDP" and item.text_pdp else item.text)
        scale = cb.scales.get(item.response.scale or "", {})
        labels.append(
            " / ".join(scale.get(k, str(k)) for k in (3, 2, 1)) if scale else "3 / 2 / 1 (pita)"
        )
    out = pd.DataFrame(
        {
            "Sub indikator": texts,
            "Skala (3 / 2 / 1)": labels,
            "Skor 3 (n)": sub["n_3"].to_numpy(),
            "Skor 3 (%)": (100 * sub["n_3"] / n).to_numpy(),
            "Skor 2 (n)": sub["n_2"].to_numpy(),
            "Skor 2 (%)": (100 * sub["n_2"] / n).to_numpy(),
            "Skor 1 (n)": sub["n_1"].to_numpy(),
            "Skor 1 (%)": (100 * sub["n_1"] / n).to_numpy(),
        }
    )
    return no_column(out)


# -- hypotheses (notebook 05) ---------------------------------------------------------------
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


# -- scoring (notebook 02) ------------------------------------------------------------------
def modes_table(modes: pd.DataFrame, cb, group: str) -> pd.DataFrame:
    """Sebaran modus of every item of the X or Y variables: facilitators per modal score 3/2/1.

    ``modes`` is ``ScoredStudy.modes`` (variable, item_id, position, role, n_3, n_2, n_1,
    n_missing).
    """
    variables = [
        v for v, d in cb.variables.items() if d.group == group and d.scoring != "sum_of_indicators"
    ]
    sub = modes[modes["variable"].isin(variables)].copy()
    sub["_v"] = sub["variable"].map({v: i for i, v in enumerate(variables)})
    sub = sub.sort_values(["_v", "position", "role"])
    n = sub[["n_3", "n_2", "n_1"]].sum(axis=1)
    out = pd.DataFrame(
        {
            "Variabel": sub["variable"].to_numpy(),
            "Butir": sub["item_id"].to_numpy(),
            "Sub indikator": [
                cb.item(i).text_pdp if r == "PDP" and cb.item(i).text_pdp else cb.item(i).text
                for i, r in zip(sub["item_id"], sub["role"], strict=True)
            ],
            "Peran": sub["role"].to_numpy(),
            "Skor 3 (n)": sub["n_3"].to_numpy(),
            "Skor 2 (n)": sub["n_2"].to_numpy(),
            "Skor 1 (n)": sub["n_1"].to_numpy(),
            "Skor 3 (%)": (100 * sub["n_3"] / n).to_numpy(),
            "Skor 2 (%)": (100 * sub["n_2"] / n).to_numpy(),
            "Skor 1 (%)": (100 * sub["n_1"] / n).to_numpy(),
        }
    )
    if "n_missing" in sub.columns and sub["n_missing"].sum() > 0:
        out["Kosong (n)"] = sub["n_missing"].to_numpy()
    return out


def category_counts(scored: pd.DataFrame, cb, roles: Sequence[str] = ROLE_ORDER) -> pd.DataFrame:
    """Facilitators per category of each variable's total (``<var>_cat`` columns), by role."""
    rows = []
    for var, spec in cb.variables.items():
        col = f"{var}_cat"
        if col not in scored.columns:
            continue
        for cat in sorted(spec.categories, key=lambda c: -c.min):
            row = {
                "Variabel": f"{spec.name_id} ({var})",
                "Kategori": cat.label,
                "Rentang skor": f"{cat.min}–{cat.max}",
            }
            for r in roles:
                row[r] = int(((scored["role"] == r) & (scored[col] == cat.label)).sum())
            row["Jumlah"] = int((scored[col] == cat.label).sum())
            rows.append(row)
    out = pd.DataFrame(rows)
    out.loc[out["Variabel"].duplicated(), "Variabel"] = ""
    return out


def instrument_columns(pilot: pd.DataFrame, variable: str) -> pd.DataFrame:
    """The instrument-test columns ``<variable>_<k>`` of ``pilot_scored`` in printed order."""
    import re

    pat = re.compile(rf"^{re.escape(variable)}_(\d+)$")
    cols = sorted((int(m.group(1)), c) for c in pilot.columns if (m := pat.match(c)))
    if not cols:
        raise KeyError(f"pilot_scored has no instrument columns {variable}_<k>")
    return pilot[[c for _, c in cols]]


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


# -- Wioi (notebook 06) ---------------------------------------------------------------------
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
            "Kelas N-gain": f"<g> kelas = {s['g_class']:.3f} ({s['g_class_label']})",
            "Jumlah peserta": int(s["n"]),
            "%": None,
        }
    )
    rows.append(
        {
            "Kelas N-gain": f"rata-rata g individu = {s['g_mean_individual']:.3f} "
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
        "Uji": s["test"],
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


# -- reproduction and audit (notebooks 07, 08) ----------------------------------------------
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
