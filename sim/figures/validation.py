"""The validation figure: every target, the model's figure as a share of the published one, with the tolerance band
around the published value (1.0) and the model's 95% interval over replications. Volumes on the left; shares, lead
times and stocks on the right. Green: within tolerance; red: outside.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import formatting as fmt
from ..validation import ValidationRow
from .style import DPI, PANEL_TITLE_PT, TICK_PT, finish, style_axes

MET_COLOUR = "#009E73"
MISSED_COLOUR = "#D55E00"
BAND_COLOUR = "#D9E6F2"
X_MAX = 2.2  # ratios beyond are drawn at the edge with their value


def validation_figure(rows: Sequence[ValidationRow], title: str, note: str = "") -> Figure:
    """One marker per target (status ``target``) that has a model value: model / published, with its 95% interval
    and the tolerance band; slide-sized (16:9)."""
    shown = [r for r in rows if r.target.status == "target" and not math.isnan(r.mean)]
    volumes = [r for r in shown if r.target.kind == "volume"]
    others = [r for r in shown if r.target.kind != "volume"]
    fig = Figure(figsize=(16, 9), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, panel, these in (
        (axes[0], "volumes a year", volumes),
        (axes[1], "shares, lead times and stocks", others),
    ):
        _panel(ax, panel, these)
    legend = [
        Patch(facecolor=BAND_COLOUR, edgecolor="0.6", label="tolerance around the published value"),
        Line2D([], [], color=MET_COLOUR, marker="o", lw=2, label="model within tolerance (95% interval)"),
        Line2D([], [], color=MISSED_COLOUR, marker="o", lw=2, label="model outside tolerance"),
    ]
    finish(
        fig,
        title,
        note
        or "Model figure divided by the published one (1 = equal); the band is the target's tolerance (volumes ±5%, "
        "shares ±5 percentage points, lead times ±20%, stocks ±25% unless the targets file says why). Definitions and "
        "sources: calibration/targets.csv.",
        legend=legend,
        legend_cols=3,
    )
    return fig


def _panel(ax, title: str, rows: Sequence[ValidationRow]) -> None:
    ax.set_title(title, fontsize=PANEL_TITLE_PT)
    style_axes(ax, xlabel="model / published")
    n = len(rows)
    if n == 0:
        ax.text(0.5, 0.5, "no targets", transform=ax.transAxes, ha="center", va="center", color="0.45")
        ax.set_yticks([])
        return
    y = np.arange(n)[::-1]
    for yi, r in zip(y, rows):
        p = r.target.value
        lo, hi = r.target.band()
        ax.barh(yi, (hi - lo) / p, left=lo / p, height=0.7, color=BAND_COLOUR, edgecolor="0.75", lw=0.6, zorder=1)
        colour = MET_COLOUR if r.met else MISSED_COLOUR
        ratio = r.mean / p
        if not math.isnan(r.ci_low):
            a, b = max(r.ci_low / p, 0.0), min(r.ci_high / p, X_MAX)
            ax.plot([a, b], [yi, yi], color=colour, lw=2.2, zorder=3)
        if ratio > X_MAX:
            ax.plot(X_MAX, yi, marker=">", color=colour, ms=10, zorder=4)
            ax.annotate(
                f"×{fmt.local(f'{ratio:.1f}')}",
                (X_MAX, yi),
                xytext=(-8, 6),
                textcoords="offset points",
                ha="right",
                fontsize=TICK_PT - 1,
                color=colour,
            )
        else:
            ax.plot(ratio, yi, marker="o", color=colour, ms=8, zorder=4)
    ax.axvline(1.0, color="0.3", lw=1.0, ls="--", zorder=2)
    ax.set_yticks(y, [_label(r) for r in rows], fontsize=TICK_PT - 1)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, X_MAX * 1.02)


def _label(r: ValidationRow) -> str:
    return f"{r.target.key.replace('_', ' ')} {r.target.year}"
