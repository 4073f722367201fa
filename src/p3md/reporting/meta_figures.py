"""Figures of the synthesis chapter (notebook 09): forest plots and the league funnel plot.

Like :mod:`p3md.reporting.figures`, every function takes tidy tables already computed by
:mod:`p3md.stats.meta` / :mod:`p3md.stats.league`, draws with matplotlib in the report's
seaborn theme, returns a ``Figure`` and is saved with :func:`p3md.reporting.figures.save_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from p3md.reporting.figures import set_style
from p3md.reporting.text import num, pct

#: Above this many districts a forest panel drops the district names (a caterpillar plot).
MAX_LABELLED = 40
POOLED_COLOR = "#d95f02"
DISTRICT_COLOR = "#1b9e77"
LIMIT_STYLES = {0.95: "--", 0.998: ":"}
#: Words the figures show, by language (the study's names are arguments).
WORDS = {
    "id": {
        "pooled": "Gabungan (IK; interval prediksi)",
        "limit": "Batas {level}%",
        "overall": "Proporsi keseluruhan ({share})",
        "districts": "Kabupaten",
        "n": "Jumlah {respondents} (n)",
        "share": "{Respondents} berkategori {top} pada {outcome} (%)",
    },
    "en": {
        "pooled": "Pooled (CI; prediction interval)",
        "limit": "{level}% limits",
        "overall": "Overall share ({share})",
        "districts": "Districts",
        "n": "Number of {respondents} (n)",
        "share": "{Respondents} in category {top} of {outcome} (%)",
    },
}


def _forest_panel(
    ax: plt.Axes,
    districts: pd.DataFrame,
    pooled: Mapping[str, float],
    *,
    title: str,
    xlabel: str,
    lang: str = "id",
) -> None:
    """One forest plot: districts (point, CI, marker area ~ weight) and the pooled diamond."""
    d = districts.sort_values("estimate").reset_index(drop=True)
    k = len(d)
    y = np.arange(k, 0, -1) + 1.0  # districts from the top; the pooled rows below them
    weighted = "weight" in d and bool(d["weight"].notna().all())  # none when nothing pooled
    size = 8 + 50 * (d["weight"] / d["weight"].max()) if weighted else 25
    ax.hlines(y, d["ci_low"], d["ci_high"], color=DISTRICT_COLOR, lw=1)
    ax.scatter(d["estimate"], y, s=size, marker="s", color=DISTRICT_COLOR, zorder=3)
    mu = pooled.get("r", np.nan)
    pooled_row = bool(np.isfinite(mu))  # no pooled effect (fewer than 2 districts): no diamond
    if pooled_row:
        lo, hi = pooled["r_ci_low"], pooled["r_ci_high"]
        ax.fill([lo, mu, hi, mu], [0.5, 0.8, 0.5, 0.2], color=POOLED_COLOR, zorder=3)
    if np.isfinite(pooled.get("r_pi_low", np.nan)):
        ax.hlines(0.5, pooled["r_pi_low"], pooled["r_pi_high"], color=POOLED_COLOR, lw=1, ls="--")
    ax.axvline(0, color="0.4", lw=0.8)
    if pooled_row:
        ax.axvline(mu, color=POOLED_COLOR, lw=0.8, ls=":")
    labels = list(d["district"]) if k <= MAX_LABELLED else [""] * k
    pooled_tick = ([0.5], [WORDS[lang]["pooled"]]) if pooled_row else ([], [])
    ax.set_yticks([*y, *pooled_tick[0]], [*labels, *pooled_tick[1]], fontsize=7)
    ax.set_ylim(-0.2, k + 1.8)
    ax.set_xlim(-1, 1)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(xlabel)


def plot_forest(
    districts: pd.DataFrame,
    pooled: Mapping[str, float],
    *,
    title: str = "",
    xlabel: str = "r",
    lang: str = "id",
) -> plt.Figure:
    """A forest plot of one effect.

    ``districts``: ``district``, ``estimate``, ``ci_low``, ``ci_high`` (r scale) and optional
    ``weight``. ``pooled``: ``r``, ``r_ci_low``, ``r_ci_high``, ``r_pi_low``, ``r_pi_high``.
    """
    set_style()
    k = len(districts)
    fig, ax = plt.subplots(figsize=(6.5, min(1.6 + 0.22 * min(k, MAX_LABELLED * 3), 14)))
    _forest_panel(ax, districts, pooled, title=title, xlabel=xlabel, lang=lang)
    fig.tight_layout()
    return fig


def plot_forest_grid(
    districts: pd.DataFrame,
    pooled: pd.DataFrame,
    effects: Sequence[str],
    titles: Mapping[str, str],
    *,
    xlabel: str | Mapping[str, str] = "rs",
    ncols: int = 2,
    lang: str = "id",
) -> plt.Figure:
    """One forest panel per effect (``districts``/``pooled`` long, keyed by ``effect``);
    ``xlabel`` one axis title for all, or one per effect."""
    set_style()
    n = len(effects)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    k = max(districts.groupby("effect").size().max(), 1)
    height = min(1.4 + 0.2 * min(k, MAX_LABELLED), 9)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, height * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, effect in zip(axes.flat, effects, strict=False):
        row = pooled.set_index("effect").loc[effect]
        _forest_panel(
            ax,
            districts[districts["effect"] == effect],
            row,
            title=titles.get(effect, effect),
            xlabel=xlabel if isinstance(xlabel, str) else xlabel.get(effect, ""),
            lang=lang,
        )
    fig.tight_layout()
    return fig


def plot_funnel(
    league: pd.DataFrame,
    curves: pd.DataFrame,
    p0: float,
    *,
    top: str,
    outcome: str,
    respondents: str,
    lang: str = "id",
) -> plt.Figure:
    """Share in the top category ``top`` of ``outcome`` (%) against the number of
    ``respondents`` (the codebook's word), with the overall share and the binomial control
    limits (``curves`` from :func:`p3md.stats.league.funnel_curves`). Districts outside the
    99.8% limits are named."""
    set_style()
    w = WORDS[lang]
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for level, sub in curves.groupby("level"):
        style = LIMIT_STYLES.get(float(level), "-.")
        label = w["limit"].format(level=num(float(level) * 100, 1, lang))
        ax.step(
            sub["n"], 100 * sub["upper"], where="mid", color="0.35", ls=style, lw=1, label=label
        )
        ax.step(sub["n"], 100 * sub["lower"], where="mid", color="0.35", ls=style, lw=1)
    ax.axhline(
        100 * p0,
        color=POOLED_COLOR,
        lw=1,
        label=w["overall"].format(share=pct(100 * p0, 1, lang)),
    )
    ax.scatter(
        league["n"],
        100 * league["share"],
        color=DISTRICT_COLOR,
        s=22,
        zorder=3,
        label=w["districts"],
    )
    out_col = next((c for c in league.columns if c.startswith("position_99")), None)
    if out_col is not None:
        for r in league[league[out_col] != "within"].itertuples():
            ax.annotate(
                r.district,
                (r.n, 100 * r.share),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
    ax.set_xlim(0, max(curves["n"].max(), league["n"].max()) * 1.05)
    ax.set_ylim(0, 100)
    words = {"respondents": respondents, "Respondents": respondents[:1].upper() + respondents[1:]}
    ax.set_xlabel(w["n"].format(**words))
    ax.set_ylabel(w["share"].format(**words, top=top, outcome=outcome))
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    fig.tight_layout()
    return fig
