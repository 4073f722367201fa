"""Internal consistency of the published numbers: do the printed tables and text agree with
themselves, with each other and with the formulas they state?

Every check is one row: ``check`` (what), ``source``, ``computation`` (the arithmetic as text,
so a reader can redo it by hand), ``printed``, ``recomputed`` (both as text), ``consistent``.
Nothing here needs the raw data.

The words of the checks and computations are data keyed by language (:data:`WORDS`): the report
shows them in Indonesian, the English summary (``lang="en"``) in English.
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
from p3md.words import word

STATUS_COLS = ["mandiri", "maju", "berkembang", "tertinggal", "sangat_tertinggal"]

#: Every phrase of the audit table, by language; ``{...}`` are filled from the numbers.
WORDS: dict[str, dict[str, str]] = {
    "row_sum": {"id": "{table} jumlah baris: {name}", "en": "{table} row sum: {name}"},
    "column_sum": {"id": "{table} jumlah kolom: {name}", "en": "{table} column sum: {name}"},
    "idm_mean": {
        "id": "T1 IDM Lampung vs rata-rata {k} rata-rata kabupaten",
        "en": "T1 Lampung IDM vs mean of the {k} kabupaten means",
    },
    "idm_mean_calc": {
        "id": "rata-rata {k} rata-rata = {total} / {k} = {mean}",
        "en": "mean of {k} means = {total} / {k} = {mean}",
    },
    "idm_weighted": {
        "id": "T1 IDM Lampung vs rata-rata kabupaten berbobot jumlah desa",
        "en": "T1 Lampung IDM vs village-weighted mean of the kabupaten means",
    },
    "most_mandiri": {
        "id": "Teks: Pesawaran memiliki desa mandiri terbanyak",
        "en": "Text: Pesawaran has the most desa mandiri",
    },
    "status_counts": {
        "id": "Baris Pesawaran T1 vs design.status_counts buku kode",
        "en": "T1 Pesawaran row vs codebook design.status_counts",
    },
    "t8_vs_t2": {"id": "Desa T8 vs T2: {name}", "en": "T8 vs T2 villages: {name}"},
    "allocation": {"id": "Alokasi T8 ({rule}): {name}", "en": "T8 allocation ({rule}): {name}"},
    "allocation_total": {"id": "jumlah", "en": "total"},
    "allocation_source": {
        "id": "Tesis, Tabel 8; alokasi proporsional (desa kecamatan / desa kabupaten × sampel)",
        "en": "Thesis, Tabel 8; proportional allocation (kecamatan villages / villages × sample)",
    },
    "allocation_sum": {
        "id": "jumlah bagian yang dialokasikan = {n}",
        "en": "sum of allocated parts = {n}",
    },
    "design_vs_t2": {
        "id": "design.kecamatan buku kode vs desa T2",
        "en": "Codebook design.kecamatan vs T2 villages",
    },
    "design_vs_t2_calc": {
        "id": "jumlah desa per kecamatan dibandingkan satu per satu",
        "en": "villages per kecamatan compared one by one",
    },
    "codebook": {"id": "buku kode", "en": "codebook"},
    "slovin": {"id": "Ukuran sampel Slovin", "en": "Slovin sample size"},
    "respondents": {
        "id": "Responden = desa + tenaga ahli",
        "en": "Respondents = villages + experts",
    },
    "facilitators": {"id": "Pendamping = PDP + PLD", "en": "Facilitators = PDP + PLD"},
    "critical_r": {"id": "r tabel pada n = {n} ({id})", "en": "Critical r at n = {n} ({id})"},
    "range_low": {
        "id": "Batas bawah rentang dalam teks vs r terkecil Tabel 9-10",
        "en": "Text range lower end vs smallest r in Tables 9-10",
    },
    "range_high": {
        "id": "Batas atas rentang dalam teks vs r terbesar Tabel 9-10",
        "en": "Text range upper end vs largest r in Tables 9-10",
    },
    "all_valid": {
        "id": "Setiap r hitung tercetak melebihi r tabel (semua 'Valid')",
        "en": "Every printed r hitung exceeds r tabel (all 'Valid')",
    },
    "all_valid_calc": {
        "id": "{k} nilai dibandingkan dengan {r}; {below} sama atau di bawahnya",
        "en": "{k} values compared with {r}; {below} at or below",
    },
    "item_count": {
        "id": "Jumlah butir uji validitas {var}: Tabel {t} vs buku kode (Tabel {d})",
        "en": "Number of validity items of {var}: Table {t} vs codebook (Table {d})",
    },
    "item_count_calc": {
        "id": "Tabel {t} memuat {k} butir; Tabel {d} menetapkan {k_cb}",
        "en": "Tabel {t} lists {k} items; Tabel {d} defines {k_cb}",
    },
    "per_role": {"id": " per peran", "en": " per role"},
    "threshold": {
        "id": "Ambang Tabel 11 vs ambang dalam teks",
        "en": "Table 11 threshold vs the text's threshold",
    },
    "threshold_calc": {
        "id": "tabel memakai {t}; teks menyebut >= {x}; di bawah {x}: {below}",
        "en": "table uses {t}; text says >= {x}; below {x}: {below}",
    },
    "none": {"id": "tidak ada", "en": "none"},
    "decisions": {
        "id": "Keputusan Tabel 11 dengan ambang teks {x}",
        "en": "Table 11 decisions under the text's threshold {x}",
    },
    "decisions_calc": {
        "id": "{k} nilai alpha dibandingkan dengan {x}",
        "en": "{k} alphas compared with {x}",
    },
    "ratio": {"id": "Rasio pendamping : desa", "en": "Facilitator : village ratio"},
    "gain": {"id": "Kenaikan Wioi = post - pre", "en": "Wioi gain = post - pre"},
    "grim": {
        "id": "GRIM (Brown & Heathers 2016): {what}, n = {n}",
        "en": "GRIM (Brown & Heathers 2016): {what}, n = {n}",
    },
    "grim_calc": {
        "id": "total bulat yang dibulatkan menjadi {v}: {shown}",
        "en": "integer totals that round to {v}: {shown}",
    },
    "no_total": {"id": "tidak ada total bulat", "en": "no integer total"},
    "grim_joint": {
        "id": "GRIM gabungan: pre, post dan kenaikan dari total bulat yang sama",
        "en": "GRIM joint: pre, post and gain from the same integer totals",
    },
    "no_pair": {"id": "tidak ada pasangan", "en": "no pair"},
    "grim_percent": {
        "id": "GRIM persen: {what}, n = {n}",
        "en": "GRIM percent: {what}, n = {n}",
    },
    "grim_percent_calc": {
        "id": "k/{n} x 100 terdekat: {k_lo}/{n} = {lo} %, {k_hi}/{n} = {hi} %",
        "en": "k/{n} x 100 nearest: {k_lo}/{n} = {lo} %, {k_hi}/{n} = {hi} %",
    },
    "possible": {"id": "mungkin", "en": "possible"},
    "impossible": {"id": "tidak mungkin", "en": "impossible"},
    "cross_reference": {"id": "Rujukan silang: {id}", "en": "Cross-reference: {id}"},
}


def _w(key: str, lang: str, **values: Any) -> str:
    return WORDS[key][lang].format(**values)


def _id_num(x: float, decimals: int = 0) -> str:
    """Indonesian number formatting for the computation text (1.674; 0,5833)."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def _n(x: float, decimals: int, lang: str) -> str:
    """A number of the computation text in the report's language (``0,594`` / ``0.594``)."""
    return _id_num(x, decimals) if lang == "id" else f"{x:,.{decimals}f}"


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
    lang: str = "id",
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
                    _w("row_sum", lang, table=table, name=name),
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
                _w("column_sum", lang, table=table, name=c.replace("_", " ")),
                source,
                " + ".join(str(int(v)) for v in body[c]) + f" = {_id_num(total)}",
                _id_num(printed),
                _id_num(total),
                total == printed,
            )
        )
    return rows


def _table1_extra(published: Published, cb: Codebook, lang: str) -> list[dict]:
    t1 = table_frame(published, "T1")
    body = t1.drop(index="Jumlah")
    rows = []
    printed_idm = record(published, "t1_jumlah_idm")["printed"]
    simple = body["idm"].mean()
    weighted = (body["idm"] * body["jumlah_desa"]).sum() / body["jumlah_desa"].sum()
    rows.append(
        _row(
            _w("idm_mean", lang, k=len(body)),
            "Tesis, Tabel 1; Bab I",
            _w(
                "idm_mean_calc",
                lang,
                k=len(body),
                total=_id_num(body["idm"].sum(), 4),
                mean=_id_num(simple, 4),
            ),
            printed_idm,
            _id_num(simple, 3),
            round(simple, 3) == value(published, "t1_jumlah_idm"),
        )
    )
    rows.append(
        _row(
            _w("idm_weighted", lang),
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
            _w("most_mandiri", lang),
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
            _w("status_counts", lang),
            f"Tesis, Tabel 1; {_w('codebook', lang)}",
            ", ".join(f"{s} {int(pes[s.lower()])}" for s in codebook_counts),
            ", ".join(f"{s} {n}" for s, n in codebook_counts.items()),
            ", ".join(f"{s} {int(pes[s.lower()])}" for s in codebook_counts),
            same,
        )
    )
    return rows


def _table8_checks(published: Published, cb: Codebook, lang: str) -> list[dict]:
    rows = []
    t2 = table_frame(published, "T2").drop(index="Jumlah")
    t8 = table8_frame(published).set_index("kecamatan")
    for name in t2.index:
        a, b = int(t2.loc[name, "villages"]), int(t8.loc[name, "villages"])
        rows.append(
            _row(
                _w("t8_vs_t2", lang, name=name),
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
                    _w("allocation", lang, rule=word(rule, lang), name=name),
                    _w("allocation_source", lang),
                    f"{int(sizes[name])}/{int(N)} x {n} = {_id_num(exact, 3)} -> {int(alloc[name])}",  # noqa: E501
                    printed,
                    int(alloc[name]),
                    printed == int(alloc[name]),
                )
            )
        rows.append(
            _row(
                _w("allocation", lang, rule=word(rule, lang), name=_w("allocation_total", lang)),
                "Tesis, Tabel 8",
                _w("allocation_sum", lang, n=int(alloc.sum())),
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
            _w("design_vs_t2", lang),
            f"{_w('codebook', lang)}; Tesis, Tabel 2",
            _w("design_vs_t2_calc", lang),
            "Tabel 2",
            _w("codebook", lang),
            design_ok,
        )
    )
    return rows


def _slovin_checks(published: Published, lang: str) -> list[dict]:
    N, e, n = (
        value(published, "slovin_N"),
        value(published, "slovin_e"),
        value(published, "slovin_n"),
    )
    raw = slovin(int(N), e)
    return [
        _row(
            _w("slovin", lang),
            "Tesis, Bab III B",
            f"{int(N)} / (1 + {int(N)} x {_id_num(e, 1)}^2) = {int(N)} / {_id_num(1 + N * e**2, 2)} = {_id_num(raw, 3)} -> {slovin_n(int(N), e)}",  # noqa: E501
            n,
            slovin_n(int(N), e),
            slovin_n(int(N), e) == n,
        ),
        _row(
            _w("respondents", lang),
            "Tesis, Bab III B",
            f"{int(n)} + {int(value(published, 'txt_experts'))} = {int(n + value(published, 'txt_experts'))}",  # noqa: E501
            value(published, "txt_respondents_total"),
            int(n + value(published, "txt_experts")),
            n + value(published, "txt_experts") == value(published, "txt_respondents_total"),
        ),
        _row(
            _w("facilitators", lang),
            "Tesis, Tabel 2; Bab III B",
            f"{int(value(published, 't2_jumlah_pdp'))} + {int(value(published, 't2_jumlah_pld'))}",
            value(published, "txt_facilitators_total"),
            int(value(published, "t2_jumlah_pdp") + value(published, "t2_jumlah_pld")),
            value(published, "t2_jumlah_pdp") + value(published, "t2_jumlah_pld")
            == value(published, "txt_facilitators_total"),
        ),
    ]


def _instrument_checks(published: Published, cb: Codebook, lang: str) -> list[dict]:
    rows = []
    n_pilot = int(value(published, "txt_pilot_n"))
    r_crit = critical_r(n_pilot, cb.alpha["validity"])
    for id_ in ("t9_r_table", "t10_r_table", "txt_r_critical"):
        rows.append(
            _row(
                _w("critical_r", lang, n=n_pilot, id=record(published, id_)["source"]),
                record(published, id_)["source"],
                f"t = t_{_n(0.975, 3, lang)}({n_pilot - 2}); r = t / sqrt({n_pilot - 2} + t^2) = "
                f"{_n(r_crit, 4, lang)}",
                record(published, id_)["printed"],
                _n(r_crit, 3, lang),
                round(r_crit, 3) == value(published, id_),
            )
        )
    recs = [r for r in published["values"] if r.get("table") in ("T9", "T10")]
    rs = pd.Series({r["id"]: r["value"] for r in recs})
    low = rs.idxmin()
    rows.append(
        _row(
            _w("range_low", lang),
            "Tesis, Bab III C.1.a; Tabel 10",
            f"min r hitung = {_n(rs.min(), 3, lang)} ({record(published, low)['description']})",
            record(published, "txt_r_range_min")["printed"],
            _id_num(rs.min(), 3),
            rs.min() == value(published, "txt_r_range_min"),
        )
    )
    rows.append(
        _row(
            _w("range_high", lang),
            "Tesis, Bab III C.1.a; Tabel 10",
            f"max r hitung = {_n(rs.max(), 3, lang)} "
            f"({record(published, rs.idxmax())['description']})",
            record(published, "txt_r_range_max")["printed"],
            _id_num(rs.max(), 3),
            rs.max() == value(published, "txt_r_range_max"),
        )
    )
    r_table = value(published, "t9_r_table")
    below = rs[rs <= r_table]
    rows.append(
        _row(
            _w("all_valid", lang),
            "Tesis, Tabel 9 dan 10",
            _w("all_valid_calc", lang, k=len(rs), r=_id_num(r_table, 3), below=len(below)),
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
                _w("item_count", lang, var=var, t=9, d=6),
                "Tesis, Tabel 9; Tabel 6",
                _w("item_count_calc", lang, t=9, d=6, k=k_pub, k_cb=k_cb),
                k_pub,
                k_cb,
                k_pub == k_cb,
            )
        )
    k_y = sum(1 for r in recs if r["table"] == "T10")
    k_cb = len(cb.items_for("Y", "PLD"))
    rows.append(
        _row(
            _w("item_count", lang, var="Y", t=10, d=7),
            "Tesis, Tabel 10; Tabel 7",
            _w("item_count_calc", lang, t=10, d=7, k=k_y, k_cb=k_cb) + _w("per_role", lang),
            k_y,
            k_cb,
            k_y == k_cb,
        )
    )
    thr_t, thr_x = value(published, "t11_threshold"), value(published, "txt_reliability_threshold")
    alphas = {r["row"]: r["value"] for r in published["values"] if r.get("table") == "T11"}
    fail_70 = [f"{k} ({_id_num(v, 3)})" for k, v in alphas.items() if v < thr_x]
    rows.append(
        _row(
            _w("threshold", lang),
            "Tesis, Tabel 11; Bab III C.1.b",
            _w(
                "threshold_calc",
                lang,
                t=_id_num(thr_t, 2),
                x=_id_num(thr_x, 3),
                below=", ".join(fail_70) or _w("none", lang),
            ),
            record(published, "txt_reliability_threshold")["printed"],
            record(published, "t11_threshold")["printed"],
            thr_t == thr_x,
        )
    )
    rows.append(
        _row(
            _w("decisions", lang, x=_id_num(thr_x, 3)),
            "Tesis, Tabel 11; Bab III C.1.b",
            _w("decisions_calc", lang, k=len(alphas), x=_id_num(thr_x, 3)),
            "Reliabel (semua)",
            "Reliabel (semua)" if not fail_70 else f"Tidak reliabel: {', '.join(fail_70)}",
            not fail_70,
        )
    )
    return rows


def _ratio_check(published: Published, lang: str) -> list[dict]:
    pd_, desa = value(published, "txt_pd_national"), value(published, "txt_villages_national")
    ratio = desa / pd_
    return [
        _row(
            _w("ratio", lang),
            "Tesis, Bab I",
            f"{_id_num(desa)} / {_id_num(pd_)} = {_id_num(ratio, 4)}",
            record(published, "txt_pd_ratio")["printed"],
            f"1:{_id_num(ratio, 1)}",
            round(ratio, 1) == value(published, "txt_pd_ratio"),
        )
    ]


def _wioi_checks(published: Published, lang: str) -> list[dict]:
    src = "Artikel Wioi, Hasil dan Diskusi"
    pre, post, gain = (value(published, k) for k in ("w_pre_mean", "w_post_mean", "w_gain_mean"))
    n = int(value(published, "w_participants"))
    rows = [
        _row(
            _w("gain", lang),
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
        shown = ", ".join(f"{t}/{n} = {_id_num(t / n, 4)}" for t in totals)
        rows.append(
            _row(
                _w("grim", lang, what=record(published, key)["description"], n=n),
                src,
                _w("grim_calc", lang, v=_id_num(v, 1), shown=shown or _w("no_total", lang)),
                record(published, key)["printed"],
                _w("possible" if totals else "impossible", lang),
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
            _w("grim_joint", lang),
            src,
            "; ".join(f"({b} - {a})/{n} = {_id_num((b - a) / n, 4)}" for a, b in pairs)
            or _w("no_pair", lang),
            f"{_id_num(pre, 1)} / {_id_num(post, 1)} / {_id_num(gain, 1)}",
            _w("possible" if pairs else "impossible", lang),
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
                _w("grim_percent", lang, what=record(published, key)["description"], n=n),
                src,
                _w(
                    "grim_percent_calc",
                    lang,
                    n=n,
                    k_lo=k_lo,
                    k_hi=k_lo + 1,
                    lo=_id_num(lo, 2),
                    hi=_id_num(hi, 2),
                ),
                record(published, key)["printed"],
                _w("possible" if ok else "impossible", lang),
                ok,
            )
        )
    return rows


def _cross_reference_rows(published: Published, lang: str) -> list[dict]:
    return [
        _row(
            _w("cross_reference", lang, id=f"{x.get('says', x['id'])} ({x.get('source', '')})"),
            x["source"],
            x["reason"][lang],
            x["says"],
            x["actual"],
            False,
        )
        for x in published.get("cross_references", [])
    ]


def audit_published(published: Published, cb: Codebook, lang: str = "id") -> pd.DataFrame:
    """All consistency checks of the printed numbers (see the module docstring for columns);
    ``lang`` chooses the language of the check and computation texts (:data:`WORDS`)."""
    rows: list[dict] = []
    rows += _table_sums(published, "T1", "Tesis, Tabel 1", "jumlah_desa", lang=lang)
    rows += _table1_extra(published, cb, lang)
    rows += _table_sums(published, "T2", "Tesis, Tabel 2", None, lang=lang)
    rows += _table_sums(published, "T8", "Tesis, Tabel 8", None, lang=lang)
    rows += _table8_checks(published, cb, lang)
    rows += _slovin_checks(published, lang)
    rows += _instrument_checks(published, cb, lang)
    rows += _ratio_check(published, lang)
    rows += _wioi_checks(published, lang)
    rows += _cross_reference_rows(published, lang)
    return pd.DataFrame(
        rows, columns=["check", "source", "computation", "printed", "recomputed", "consistent"]
    )
