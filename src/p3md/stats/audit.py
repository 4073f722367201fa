"""Internal consistency of the published numbers: do the printed tables and text agree with
themselves, with each other and with the formulas they state?

Every check is one row: ``check`` (what), ``source``, ``computation`` (the arithmetic as text,
so a reader can redo it by hand), ``printed``, ``recomputed`` (both as text), ``consistent``.
Nothing here needs the raw data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from p3md.codebook import Codebook
from p3md.stats.grim import (
    grim_candidates,
    grim_consistent,
    grim_percent,
    nearest_possible_percents,
)
from p3md.stats.instrument import critical_r
from p3md.stats.published import Published, record, table8_frame, table_frame, value
from p3md.stats.sampling import allocate, slovin, slovin_n

STATUS_COLS = ["mandiri", "maju", "berkembang", "tertinggal", "sangat_tertinggal"]


def _id_num(x: float, decimals: int = 0) -> str:
    """Indonesian number formatting for the computation text (1.674; 0,5833)."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def _row(
    check: str, source: str, computation: str, printed: Any, recomputed: Any, ok: bool
) -> dict:
    return {
        "check": check,
        "source": source,
        "computation": computation,
        "printed": str(printed),
        "recomputed": str(recomputed),
        "consistent": bool(ok),
    }


def _table_sums(
    published: Published,
    table: str,
    source: str,
    row_total: str | None,
    col_total_row: str = "Jumlah",
) -> list[dict]:
    """Row sums (parts vs row_total column) and column sums (body vs the "Jumlah" row)."""
    wide = table_frame(published, table)
    body = wide.drop(index=col_total_row)
    rows = []
    if row_total is not None:
        parts = [c for c in wide.columns if c in STATUS_COLS]
        for name, r in wide.iterrows():
            total = int(r[parts].sum())
            rows.append(
                _row(
                    f"{table} row sum: {name}",
                    source,
                    " + ".join(str(int(r[c])) for c in parts) + f" = {total}",
                    int(r[row_total]),
                    total,
                    total == int(r[row_total]),
                )
            )
    numeric_cols = [c for c in wide.columns if c != "idm"]
    for c in numeric_cols:
        total = int(body[c].sum())
        printed = int(wide.loc[col_total_row, c])
        rows.append(
            _row(
                f"{table} column sum: {c}",
                source,
                " + ".join(str(int(v)) for v in body[c]) + f" = {_id_num(total)}",
                _id_num(printed),
                _id_num(total),
                total == printed,
            )
        )
    return rows


def _table1_extra(published: Published, cb: Codebook) -> list[dict]:
    t1 = table_frame(published, "T1")
    body = t1.drop(index="Jumlah")
    rows = []
    printed_idm = record(published, "t1_jumlah_idm")["printed"]
    simple = body["idm"].mean()
    weighted = (body["idm"] * body["jumlah_desa"]).sum() / body["jumlah_desa"].sum()
    rows.append(
        _row(
            "T1 Lampung IDM vs mean of the 13 kabupaten means",
            "Tesis, Tabel 1; Bab I",
            f"mean of 13 means = {_id_num(body['idm'].sum(), 4)} / 13 = {_id_num(simple, 4)}",
            printed_idm,
            _id_num(simple, 3),
            round(simple, 3) == value(published, "t1_jumlah_idm"),
        )
    )
    rows.append(
        _row(
            "T1 Lampung IDM vs village-weighted mean of the kabupaten means",
            "Tesis, Tabel 1; Bab I",
            f"sum(IDM_i x desa_i) / {int(body['jumlah_desa'].sum())} = {_id_num(weighted, 4)}",
            printed_idm,
            _id_num(weighted, 3),
            round(weighted, 3) == value(published, "t1_jumlah_idm"),
        )
    )
    top = body["mandiri"].idxmax()
    rows.append(
        _row(
            "Text: Pesawaran has the most desa mandiri",
            "Tesis, Bab I (teks setelah Tabel 1)",
            f"max(kolom a) = {int(body['mandiri'].max())} ({top})",
            "Pesawaran, 3 desa",
            f"{top}, {int(body['mandiri'].max())} desa",
            top == "Pesawaran" and (body["mandiri"] == body["mandiri"].max()).sum() == 1,
        )
    )
    codebook_counts = cb.design["status_counts"]
    pes = body.loc["Pesawaran"]
    same = all(int(pes[s.lower()]) == n for s, n in codebook_counts.items())
    rows.append(
        _row(
            "T1 Pesawaran row vs codebook design.status_counts",
            "Tesis, Tabel 1; codebook",
            ", ".join(f"{s} {int(pes[s.lower()])}" for s in codebook_counts),
            ", ".join(f"{s} {n}" for s, n in codebook_counts.items()),
            ", ".join(f"{s} {int(pes[s.lower()])}" for s in codebook_counts),
            same,
        )
    )
    return rows


def _table8_checks(published: Published, cb: Codebook) -> list[dict]:
    rows = []
    t2 = table_frame(published, "T2").drop(index="Jumlah")
    t8 = table8_frame(published).set_index("kecamatan")
    for name in t2.index:
        a, b = int(t2.loc[name, "villages"]), int(t8.loc[name, "villages"])
        rows.append(
            _row(
                f"T8 vs T2 villages: {name}",
                "Tesis, Tabel 2 dan Tabel 8",
                f"Tabel 2: {a}; Tabel 8: {b}",
                b,
                a,
                a == b,
            )
        )
    N, e = value(published, "slovin_N"), value(published, "slovin_e")
    n = slovin_n(int(N), e)
    sizes = t2["villages"].astype(float)
    for rule in ("largest_remainder", "round", "floor"):
        alloc = allocate(sizes, n, rule)
        for name in t2.index:
            exact = sizes[name] / N * n
            printed = int(t8.loc[name, "respondents"])
            rows.append(
                _row(
                    f"T8 allocation ({rule}): {name}",
                    "Tesis, Tabel 8; rumus n_i = (N_i/N) n",
                    f"{int(sizes[name])}/{int(N)} x {n} = {_id_num(exact, 3)} -> {int(alloc[name])}",  # noqa: E501
                    printed,
                    int(alloc[name]),
                    printed == int(alloc[name]),
                )
            )
        rows.append(
            _row(
                f"T8 allocation ({rule}): total",
                "Tesis, Tabel 8",
                f"sum of allocated parts = {int(alloc.sum())}",
                value(published, "t8_jumlah_respondents"),
                int(alloc.sum()),
                int(alloc.sum()) == value(published, "t8_jumlah_respondents"),
            )
        )
    design_ok = [k["villages"] for k in cb.design["kecamatan"]] == [
        int(t2.loc[k["name"], "villages"]) for k in cb.design["kecamatan"]
    ]
    rows.append(
        _row(
            "Codebook design.kecamatan vs T2 villages",
            "codebook; Tesis, Tabel 2",
            "villages per kecamatan compared one by one",
            "Tabel 2",
            "codebook",
            design_ok,
        )
    )
    return rows


def _slovin_checks(published: Published) -> list[dict]:
    N, e, n = (
        value(published, "slovin_N"),
        value(published, "slovin_e"),
        value(published, "slovin_n"),
    )
    raw = slovin(int(N), e)
    return [
        _row(
            "Slovin sample size",
            "Tesis, Bab III B",
            f"{int(N)} / (1 + {int(N)} x {_id_num(e, 1)}^2) = {int(N)} / {_id_num(1 + N * e**2, 2)} = {_id_num(raw, 3)} -> {slovin_n(int(N), e)}",  # noqa: E501
            n,
            slovin_n(int(N), e),
            slovin_n(int(N), e) == n,
        ),
        _row(
            "Respondents = villages + experts",
            "Tesis, Bab III B",
            f"{int(n)} + {int(value(published, 'txt_experts'))} = {int(n + value(published, 'txt_experts'))}",  # noqa: E501
            value(published, "txt_respondents_total"),
            int(n + value(published, "txt_experts")),
            n + value(published, "txt_experts") == value(published, "txt_respondents_total"),
        ),
        _row(
            "Facilitators = PDP + PLD",
            "Tesis, Tabel 2; Bab III B",
            f"{int(value(published, 't2_jumlah_pdp'))} + {int(value(published, 't2_jumlah_pld'))}",
            value(published, "txt_facilitators_total"),
            int(value(published, "t2_jumlah_pdp") + value(published, "t2_jumlah_pld")),
            value(published, "t2_jumlah_pdp") + value(published, "t2_jumlah_pld")
            == value(published, "txt_facilitators_total"),
        ),
    ]


def _instrument_checks(published: Published, cb: Codebook) -> list[dict]:
    rows = []
    n_pilot = int(value(published, "txt_pilot_n"))
    r_crit = critical_r(n_pilot, 0.05)
    for id_ in ("t9_r_table", "t10_r_table", "txt_r_critical"):
        rows.append(
            _row(
                f"Critical r at n = {n_pilot} ({id_})",
                record(published, id_)["source"],
                f"t = t_0.975({n_pilot - 2}); r = t / sqrt({n_pilot - 2} + t^2) = {r_crit:.4f}",
                record(published, id_)["printed"],
                f"{r_crit:.3f}",
                round(r_crit, 3) == value(published, id_),
            )
        )
    recs = [r for r in published["values"] if r.get("table") in ("T9", "T10")]
    rs = pd.Series({r["id"]: r["value"] for r in recs})
    low = rs.idxmin()
    rows.append(
        _row(
            "Text range lower end vs smallest r in Tables 9-10",
            "Tesis, Bab III C.1.a; Tabel 10",
            f"min r hitung = {rs.min():.3f} ({record(published, low)['description']})",
            record(published, "txt_r_range_min")["printed"],
            _id_num(rs.min(), 3),
            rs.min() == value(published, "txt_r_range_min"),
        )
    )
    rows.append(
        _row(
            "Text range upper end vs largest r in Tables 9-10",
            "Tesis, Bab III C.1.a; Tabel 10",
            f"max r hitung = {rs.max():.3f} ({record(published, rs.idxmax())['description']})",
            record(published, "txt_r_range_max")["printed"],
            _id_num(rs.max(), 3),
            rs.max() == value(published, "txt_r_range_max"),
        )
    )
    below = rs[rs <= value(published, "t9_r_table")]
    rows.append(
        _row(
            "Every printed r hitung exceeds r tabel (all 'Valid')",
            "Tesis, Tabel 9 dan 10",
            f"{len(rs)} values compared with 0.361; {len(below)} at or below",
            "Valid (semua)",
            "Valid (semua)" if below.empty else f"{len(below)} tidak valid",
            below.empty,
        )
    )
    # Item counts per variable: Table 9/10 vs the codebook (Table 6/7).
    for var in ("X2", "X3", "X4", "X6", "X7"):
        k_pub = sum(1 for r in recs if r["table"] == "T9" and r["row"].startswith(f"{var} "))
        k_cb = len(cb.items_for(var, "PLD"))
        rows.append(
            _row(
                f"Number of validity items of {var}: Table 9 vs codebook (Table 6)",
                "Tesis, Tabel 9; Tabel 6",
                f"Tabel 9 lists {k_pub} items; Tabel 6 defines {k_cb}",
                k_pub,
                k_cb,
                k_pub == k_cb,
            )
        )
    k_y = sum(1 for r in recs if r["table"] == "T10")
    k_cb = len(cb.items_for("Y", "PLD"))
    rows.append(
        _row(
            "Number of validity items of Y: Table 10 vs codebook (Table 7)",
            "Tesis, Tabel 10; Tabel 7",
            f"Tabel 10 lists {k_y} items; Tabel 7 defines {k_cb} per role",
            k_y,
            k_cb,
            k_y == k_cb,
        )
    )
    thr_t, thr_x = value(published, "t11_threshold"), value(published, "txt_reliability_threshold")
    alphas = {r["row"]: r["value"] for r in published["values"] if r.get("table") == "T11"}
    fail_70 = [f"{k} ({v})" for k, v in alphas.items() if v < thr_x]
    rows.append(
        _row(
            "Table 11 threshold vs the text's threshold",
            "Tesis, Tabel 11; Bab III C.1.b",
            f"table uses {thr_t}; text says >= {thr_x}; below {thr_x}: {', '.join(fail_70) or 'none'}",  # noqa: E501
            record(published, "txt_reliability_threshold")["printed"],
            record(published, "t11_threshold")["printed"],
            thr_t == thr_x,
        )
    )
    rows.append(
        _row(
            "Table 11 decisions under the text's threshold 0.700",
            "Tesis, Tabel 11; Bab III C.1.b",
            f"{len(alphas)} alphas compared with {thr_x}",
            "Reliabel (semua)",
            "Reliabel (semua)" if not fail_70 else f"Tidak reliabel: {', '.join(fail_70)}",
            not fail_70,
        )
    )
    return rows


def _ratio_check(published: Published) -> list[dict]:
    pd_, desa = value(published, "txt_pd_national"), value(published, "txt_villages_national")
    ratio = desa / pd_
    return [
        _row(
            "Facilitator : village ratio",
            "Tesis, Bab I",
            f"{_id_num(desa)} / {_id_num(pd_)} = {_id_num(ratio, 4)}",
            record(published, "txt_pd_ratio")["printed"],
            f"1:{_id_num(ratio, 1)}",
            round(ratio, 1) == value(published, "txt_pd_ratio"),
        )
    ]


def _wioi_checks(published: Published) -> list[dict]:
    src = "Artikel Wioi, Hasil dan Diskusi"
    pre, post, gain = (value(published, k) for k in ("w_pre_mean", "w_post_mean", "w_gain_mean"))
    n = int(value(published, "w_participants"))
    rows = [
        _row(
            "Wioi gain = post - pre",
            src,
            f"{_id_num(post, 1)} - {_id_num(pre, 1)} = {_id_num(post - pre, 1)}",
            record(published, "w_gain_mean")["printed"],
            _id_num(post - pre, 1),
            round(post - pre, 1) == gain,
        )
    ]
    for key in ("w_pre_mean", "w_post_mean", "w_gain_mean"):
        v = value(published, key)
        totals = grim_candidates(v, n, 1)
        shown = ", ".join(f"{t}/{n} = {t / n:g}" for t in totals) or "no integer total"
        rows.append(
            _row(
                f"GRIM (Brown & Heathers 2016): {record(published, key)['description']}, n = {n}",
                src,
                f"integer totals that round to {_id_num(v, 1)}: {shown}",
                record(published, key)["printed"],
                "mungkin" if totals else "tidak mungkin",
                grim_consistent(v, n, 1),
            )
        )
    # Joint GRIM: some pair of possible totals must also reproduce the printed gain.
    pairs = [
        (a, b)
        for a in grim_candidates(pre, n, 1)
        for b in grim_candidates(post, n, 1)
        if grim_consistent((b - a) / n, n, 1) and round((b - a) / n + 1e-9, 1) == gain
    ]
    rows.append(
        _row(
            "GRIM joint: pre, post and gain from the same integer totals",
            src,
            "; ".join(f"({b} - {a})/{n} = {(b - a) / n:g}" for a, b in pairs) or "no pair",
            f"{_id_num(pre, 1)} / {_id_num(post, 1)} / {_id_num(gain, 1)}",
            "mungkin" if pairs else "tidak mungkin",
            bool(pairs),
        )
    )
    for key in (
        "w_admin_pre_pct",
        "w_admin_post_pct",
        "w_sop_pre_pct",
        "w_sop_post_pct",
        "w_comm_pre_pct",
        "w_comm_post_pct",
        "w_confident_pct",
    ):
        v = value(published, key)
        ok = grim_percent(v, n, 0)
        lo, hi = nearest_possible_percents(v, n)
        k_lo = round(lo * n / 100)
        rows.append(
            _row(
                f"GRIM percent: {record(published, key)['description']}, n = {n}",
                src,
                f"k/{n} x 100 nearest: {k_lo}/{n} = {_id_num(lo, 2)} %, {k_lo + 1}/{n} = {_id_num(hi, 2)} %",  # noqa: E501
                record(published, key)["printed"],
                "mungkin" if ok else "tidak mungkin",
                ok,
            )
        )
    return rows


def _cross_reference_rows(published: Published) -> list[dict]:
    return [
        _row(f"Cross-reference: {x['id']}", x["source"], x["reason"], x["says"], x["actual"], False)
        for x in published.get("cross_references", [])
    ]


def audit_published(published: Published, cb: Codebook) -> pd.DataFrame:
    """All consistency checks of the printed numbers (see the module docstring for columns)."""
    rows: list[dict] = []
    rows += _table_sums(published, "T1", "Tesis, Tabel 1", "jumlah_desa")
    rows += _table1_extra(published, cb)
    rows += _table_sums(published, "T2", "Tesis, Tabel 2", None)
    rows += _table_sums(published, "T8", "Tesis, Tabel 8", None)
    rows += _table8_checks(published, cb)
    rows += _slovin_checks(published)
    rows += _instrument_checks(published, cb)
    rows += _ratio_check(published)
    rows += _wioi_checks(published)
    rows += _cross_reference_rows(published)
    return pd.DataFrame(
        rows, columns=["check", "source", "computation", "printed", "recomputed", "consistent"]
    )
