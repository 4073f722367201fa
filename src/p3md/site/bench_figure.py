"""The figure of the benchmark's scale series: wall time against n per stage, log–log.

Saved with :func:`p3md.reporting.figures.save_figure` as ``<run>/figures/fig-kinerja-skala``
(PNG and SVG), like the stages' figures, so the site links its downloads the same way.
matplotlib and seaborn are imported only when there is a series to draw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from p3md.site.bench_page import FIGURE_LABEL

TOTAL = "seluruh proses"


def scale_points(bench: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Long rows ``{stage, n, seconds}`` of the median wall times with n > 0 and time > 0."""
    rows = []
    for p in ((bench or {}).get("scale") or {}).get("series") or []:
        n = p.get("n_facilitators")
        if not isinstance(n, (int, float)) or n <= 0:
            continue
        items = [(name, s.get("wall")) for name, s in (p.get("stages") or {}).items()]
        items.append((TOTAL, p.get("wall")))
        for name, wall in items:
            t = (wall or {}).get("median") if isinstance(wall, dict) else None
            if isinstance(t, (int, float)) and t > 0:
                rows.append({"stage": name, "n": n, "seconds": t})
    return rows


def write_scale_figure(bench: dict[str, Any] | None, run_dir: Path) -> bool:
    """Draw and save the figure; remove a stale one and return ``False`` without a series."""
    rows = scale_points(bench)
    if not rows:
        for ext in ("png", "svg"):
            (Path(run_dir) / "figures" / f"{FIGURE_LABEL}.{ext}").unlink(missing_ok=True)
        return False
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns

    from p3md.reporting.figures import save_figure, set_style

    set_style()
    df = pd.DataFrame(rows)
    stages = df[df["stage"] != TOTAL]
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    if not stages.empty:
        sns.lineplot(
            data=stages,
            x="n",
            y="seconds",
            hue="stage",
            style="stage",
            markers=True,
            dashes=False,
            ax=ax,
            palette="tab10",
        )
    total = df[df["stage"] == TOTAL]
    ax.plot(total["n"], total["seconds"], "k--o", linewidth=2, label=TOTAL)
    if len(total) >= 2:  # slope 1 through the first point: where linear growth would be
        n0, t0 = total["n"].iloc[0], total["seconds"].iloc[0]
        ns = [n0, total["n"].iloc[-1]]
        ax.plot(ns, [t0 * n / n0 for n in ns], ":", color="grey", label="∝ n (acuan linier)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Jumlah pendamping n (skala log)")
    ax.set_ylabel("Waktu, median (detik, skala log)")
    ax.legend(
        title="Tahap",
        fontsize=8,
        title_fontsize=9,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        frameon=False,
    )
    fig.tight_layout()
    save_figure(fig, FIGURE_LABEL, run_dir)
    return True
