"""Views of stage 01 (sampling): Table 8 beside its recomputation, counts per stratum."""

from __future__ import annotations

import pandas as pd

from p3md.reporting.views.common import empty_flags


def sampling_view(
    st: pd.DataFrame,
    printed_totals: tuple[float, float] | None = None,
    villages_column: str = "Jumlah desa",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table 8 with the recomputation beside the printed values.

    ``st`` is :func:`p3md.stats.sampling.sampling_table` with a published table and
    ``include_total=True``; optional column ``sampled_in_frame`` (villages flagged ``sampled``
    in the raw frame). Flags mark printed cells that differ from the recomputation.
    """
    cols = {
        "kecamatan": "Kecamatan",
        "villages": villages_column,
        "published_villages": "Jumlah desa (Tabel 8)",
        "exact_share": "Bagian proporsional (desa kecamatan / desa kabupaten × sampel)",
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
