"""Figures of the report: seaborn plots with Indonesian axis labels, saved as PNG and SVG.

Every plotting function takes a tidy DataFrame and the names of its columns, returns a
matplotlib ``Figure`` and computes nothing statistical (the counts/percentages come from
``p3md.stats``). :func:`save_figure` writes ``<out_dir>/figures/<label>.png`` (dpi 150) and
``.svg`` with fixed metadata, so a re-run gives the same files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.rcParams["svg.hashsalt"] = "p3md"  # stable element ids in the SVG
# Titles, tick labels and legends carry names from the codebook and the data; a `$` in them
# must print as a dollar sign, not start matplotlib's mathtext (a stray `$` stops the figure).
#: The figures' text is text: no mathtext (the report's figures use none).
NO_MATHTEXT = {"text.parse_math": False}
matplotlib.rcParams.update(NO_MATHTEXT)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from p3md.reporting.captions import validate_label  # noqa: E402

#: Colours of the groups (roles), given in sorted order of the groups present (ColorBrewer Dark2).
GROUP_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
PHASE_LABELS = {"pre": "Pre-test", "post": "Post-test"}
DPI = 150


def set_style() -> None:
    """The report's seaborn theme (white grid, readable fonts)."""
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95, rc=NO_MATHTEXT)


@dataclass(frozen=True)
class SavedFigure:
    """What :func:`save_figure` returns: the figure, and its saved PNG as the cell's output.

    Shown as the cell's value, it displays the PNG file just written instead of letting the
    notebook backend draw the figure a third time (a full render of a faceted figure costs
    about 0.7 s here), and readers see exactly the PNG they can download. The display size is
    that of a 100-dpi render, so the 150-dpi file is sharp without being shown larger.
    """

    figure: plt.Figure
    png: Path

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        from PIL import Image  # pillow, a matplotlib dependency

        with Image.open(self.png) as img:
            width, height = img.size
        scale = 100 / DPI
        size = {"width": round(width * scale), "height": round(height * scale)}
        return self.png.read_bytes(), size


def save_figure(fig: plt.Figure, label: str, out_dir: str | Path) -> SavedFigure:
    """Write ``<out_dir>/figures/<label>.png`` (dpi 150) and ``.svg``; return what the notebook
    shows (:class:`SavedFigure`).

    The figure is closed from pyplot's registry, so the notebook shows it once (as the cell's
    value) instead of twice.
    """
    validate_label(label, "fig")
    figures = Path(out_dir) / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    png = figures / f"{label}.png"
    fig.savefig(png, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    with matplotlib.rc_context({"svg.hashsalt": label}):
        fig.savefig(
            figures / f"{label}.svg", bbox_inches="tight", metadata={"Date": None, "Creator": None}
        )
    plt.close(fig)
    return SavedFigure(fig, png)


#: panels per row of a multi-panel figure: two fit the text width of a portrait A4 page and the
#: site's main column without shrinking the labels below reading size (issue 18)
PANEL_COLUMNS = 2


def _grid(n: int, ncols: int = PANEL_COLUMNS, size: tuple[float, float] = (3.4, 2.5)):
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def plot_categories_by_role(
    dist: pd.DataFrame,
    *,
    variable: str = "variable",
    category: str = "category",
    role: str = "role",
    percent: str = "percent",
    titles: dict[str, str] | None = None,
    orders: dict[str, Sequence[str]] | None = None,
    ncols: int = PANEL_COLUMNS,
) -> plt.Figure:
    """Bars of the percentage of facilitators per category, one panel per variable, hue = role.

    ``dist`` is long: one row per (variable, role, category) with the percentage.
    """
    set_style()
    variables = list(dict.fromkeys(dist[variable]))
    fig, axes = _grid(len(variables), ncols)
    for ax, var in zip(axes, variables, strict=True):
        sub = dist[dist[variable] == var]
        order = (
            list(orders[var]) if orders and var in orders else list(dict.fromkeys(sub[category]))
        )
        sns.barplot(
            data=sub,
            x=category,
            y=percent,
            hue=role,
            order=order,
            ax=ax,
            palette=_palette(_roles_present(dist[role])),
            hue_order=_roles_present(sub[role]),
            errorbar=None,  # one percentage per bar: nothing to bootstrap
        )
        ax.set_title((titles or {}).get(var, var), fontsize=10)
        ax.set_xlabel("Kategori")
        ax.set_ylabel("Persentase responden (%)")
        ax.set_ylim(0, 100)
        ax.tick_params(axis="x", labelrotation=15, labelsize=8)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    handles, labels = axes[0].get_legend_handles_labels()
    # one legend for every panel, above them in one row, inside the figure's width
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.legend(
        handles,
        labels,
        title="Kelompok",
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=max(len(labels), 1),
        frameon=False,
    )
    return fig


def _roles_present(roles: pd.Series) -> list[str]:
    """The groups that occur in ``roles``, sorted (stable colours, see :func:`_palette`)."""
    return sorted({str(r) for r in roles.dropna()})


def _palette(roles: Sequence[str]) -> dict[str, str]:
    """Group -> colour, by the group's place among the sorted groups."""
    return {r: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, r in enumerate(sorted(roles))}


def plot_scores_by_role(
    scores: pd.DataFrame,
    variables: Sequence[str],
    *,
    role: str = "role",
    titles: dict[str, str] | None = None,
    ncols: int = PANEL_COLUMNS,
) -> plt.Figure:
    """Box plot with the individual points of each variable's total score, by role."""
    set_style()
    fig, axes = _grid(len(variables), ncols)
    roles = _roles_present(scores[role])
    for ax, var in zip(axes, variables, strict=True):
        sns.boxplot(
            data=scores,
            x=role,
            y=var,
            order=roles,
            hue=role,
            hue_order=roles,
            palette=_palette(roles),
            ax=ax,
            width=0.5,
            fliersize=0,
            legend=False,
        )
        sns.stripplot(
            data=scores, x=role, y=var, order=roles, color="0.25", size=3, jitter=0.15, ax=ax
        )
        ax.set_title((titles or {}).get(var, var), fontsize=10)
        ax.set_xlabel("Kelompok")
        ax.set_ylabel("Skor total")
    fig.tight_layout()
    return fig


def plot_scores_by_status(
    data: pd.DataFrame,
    value: str,
    *,
    status: str = "status",
    role: str = "role",
    status_order: Sequence[str] | None = None,
    ylabel: str = "Skor total",
) -> plt.Figure:
    """Box plot of a score by village status, side by side for each group."""
    set_style()
    roles = _roles_present(data[role])
    order = list(status_order) if status_order else list(dict.fromkeys(data[status]))
    order = [s for s in order if s in set(data[status])]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    sns.boxplot(
        data=data,
        x=status,
        y=value,
        hue=role,
        order=order,
        hue_order=roles,
        palette=_palette(roles),
        ax=ax,
        fliersize=2,
    )
    ax.set_xlabel("Status desa")
    ax.set_ylabel(ylabel)
    ax.legend(title="Kelompok", frameon=False)
    fig.tight_layout()
    return fig


def plot_paired_lines(
    scores: pd.DataFrame,
    *,
    subject: str = "participant_id",
    pre: str = "pre",
    post: str = "post",
    ylabel: str = "Skor tes (0-100)",
) -> plt.Figure:
    """One grey line per participant from pre-test to post-test, the means in colour."""
    set_style()
    fig, ax = plt.subplots(figsize=(5.2, 4.2))
    x = [0, 1]
    for _, row in scores.iterrows():
        ax.plot(
            x,
            [row[pre], row[post]],
            color="0.6",
            linewidth=0.9,
            marker="o",
            markersize=3.5,
            alpha=0.8,
        )
    ax.plot(
        x,
        [scores[pre].mean(), scores[post].mean()],
        color="#d95f02",
        linewidth=2.6,
        marker="D",
        markersize=7,
        label="Rata-rata",
    )
    ax.set_xticks(x, [PHASE_LABELS["pre"], PHASE_LABELS["post"]])
    ax.set_xlim(-0.3, 1.3)
    ax.set_xlabel("Tahap pengukuran")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, loc="lower right")
    fig.tight_layout()
    return fig
