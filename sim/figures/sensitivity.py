"""Figures of a sensitivity study (`sim.sensitivity`): a tornado per key figure (each assumption's paired change of
the figure at the low and the high end of its range, the largest swing on top) and a bar chart of Morris' mu* with
its 95% half-width per key figure. Both are slides that say which numbers the chain partners should supply first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import formatting as fmt
from ..catalogue import describe_kpi, difference_unit
from .style import DPI, SLIDE, TICK_PT, finish, no_cases, style_axes

LOW_COLOUR = "#E69F00"  # the parameter at the low end of its range (Okabe-Ito orange)
HIGH_COLOUR = "#0072B2"  # at the high end (Okabe-Ito blue)
MU_COLOUR = "#0072B2"
SIGMA_COLOUR = "#D55E00"
MAX_ROWS = 12  # parameters drawn on one slide; the rest are named in the note


def tornado_figure(rows: Sequence, scenario: str = "", max_rows: int = MAX_ROWS) -> Figure:
    """A tornado of one key figure: per parameter (`sim.sensitivity.TornadoRow`, in rank order) a bar from zero to
    the change at its low value and one to the change at its high value, each with its 95% interval and its value
    written at the end; the largest swing on top."""
    fig, ax, rows, (label, unit, scale) = _slide(rows)
    if not rows:
        return fig
    dunit = difference_unit(unit)
    shown, rest = rows[:max_rows], rows[max_rows:]
    style_axes(ax, xlabel=f"change in {label} from the reference ({dunit})")
    ax.axvline(0, color="0.2", lw=1.4, zorder=1)
    y = np.arange(len(shown))[::-1].astype(float)
    edges = [0.0]
    for yi, r in zip(y, shown):
        for (mean, lo, hi), offset, colour in ((r.at_low, 0.19, LOW_COLOUR), (r.at_high, -0.19, HIGH_COLOUR)):
            if math.isnan(mean):
                continue
            d = mean * scale
            ax.barh(yi + offset, d, height=0.36, color=colour, zorder=2)
            if not math.isnan(lo):
                ax.errorbar(
                    d,
                    yi + offset,
                    xerr=[[d - lo * scale], [hi * scale - d]],
                    fmt="none",
                    ecolor="black",
                    elinewidth=1.4,
                    capsize=5,
                    zorder=3,
                )
                edges += [lo * scale, hi * scale]
            end = (
                max(d, hi * scale) if d >= 0 and not math.isnan(hi) else min(d, lo * scale) if not math.isnan(lo) else d
            )
            ax.annotate(
                fmt.signed_rounded(d),
                (end, yi + offset),
                xytext=(6 if d >= 0 else -6, 0),
                textcoords="offset points",
                va="center",
                ha="left" if d >= 0 else "right",
                fontsize=TICK_PT - 1,
                color="0.2",
            )
            edges.append(d)
    lo_x, hi_x = min(edges), max(edges)
    span = (hi_x - lo_x) or 1.0
    ax.set_xlim(lo_x - (0.14 if lo_x < 0 else 0.04) * span, hi_x + (0.14 if hi_x > 0 else 0.04) * span)
    _assumptions_axis(
        ax,
        y,
        [f"{r.param.key}\n{r.low_value:.4g} – {r.high_value:.4g} (reference {r.reference_value:.4g})" for r in shown],
    )
    ref = rows[0].reference[0] * scale
    note = (
        f"Each assumption at the low and the high end of its range, the others at the scenario's values. The bars are "
        f"the change from the reference ({label}: {ref:.4g} {unit}), mean over {rows[0].replications} "
        "paired replications (common random numbers: the same seed for every run) with its 95% interval; ranked by "
        "the bar's length."
    )
    if rest:
        note += f" Smaller swings not drawn: {', '.join(r.param.key for r in rest)}."
    legend = [
        Patch(color=LOW_COLOUR, label="assumption at its low value"),
        Patch(color=HIGH_COLOUR, label="assumption at its high value"),
        Line2D([], [], color="black", lw=1.4, label="95% interval of the paired change"),
    ]
    finish(fig, f"Which assumptions move {label} most" + (f" — {scenario}" if scenario else ""), note, legend)
    return fig


def morris_figure(rows: Sequence, scenario: str = "", max_rows: int = MAX_ROWS) -> Figure:
    """Morris' mu* of one key figure per parameter (`sim.sensitivity.MorrisRow`, in rank order) as bars with the
    95% half-width of mu*, and sigma (the spread of the elementary effects) as a marker beside each bar."""
    fig, ax, rows, (label, unit, scale) = _slide(rows)
    if not rows:
        return fig
    dunit = difference_unit(unit)
    shown, rest = rows[:max_rows], rows[max_rows:]
    style_axes(ax, xlabel=f"effect on {label} over the assumption's range ({dunit})")
    y = np.arange(len(shown))[::-1].astype(float)
    mu = np.array([r.mu_star for r in shown], float) * scale
    conf = np.array([r.mu_star_conf for r in shown], float) * scale
    sigma = np.array([r.sigma for r in shown], float) * scale
    ax.barh(y, np.nan_to_num(mu), height=0.55, color=MU_COLOUR, zorder=2)
    ok = ~np.isnan(mu) & ~np.isnan(conf)
    ax.errorbar(mu[ok], y[ok], xerr=conf[ok], fmt="none", ecolor="black", elinewidth=1.4, capsize=5, zorder=3)
    ax.plot(sigma, y, "D", color=SIGMA_COLOUR, ms=8, zorder=4)
    for yi, m, c in zip(y, mu, conf):
        if not math.isnan(m):
            ax.annotate(
                f"{m:.3g}",
                (m + (0 if math.isnan(c) else c), yi),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=TICK_PT - 1,
                color="0.2",
            )
    top = np.nanmax(np.concatenate([mu + np.nan_to_num(conf), sigma, [0.0]]))
    ax.set_xlim(0, (top or 1.0) * 1.15)
    _assumptions_axis(ax, y, [f"{r.param.key}\n{r.param.low:.4g} – {r.param.high:.4g}" for r in shown])
    note = (
        f"Morris elementary effects (SALib): {rows[0].points} points on {rows[0].points // (len(rows) + 1)} "
        f"trajectories through the ranges, each the mean of {rows[0].replications} replication(s) with the same seed. "
        "mu* is the mean absolute change of the figure when one assumption moves, scaled to its whole range; sigma "
        "large beside mu* means the effect depends on the other assumptions or is not linear."
    )
    if rest:
        note += f" Smaller effects not drawn: {', '.join(r.param.key for r in rest)}."
    legend = [
        Patch(color=MU_COLOUR, label="mu*: mean absolute effect"),
        Line2D([], [], color="black", lw=1.4, label="95% interval of mu* (bootstrap)"),
        Line2D([], [], color=SIGMA_COLOUR, marker="D", ls="none", ms=8, label="sigma: spread of the effects"),
    ]
    finish(fig, f"Which assumptions matter most for {label}" + (f" — {scenario}" if scenario else ""), note, legend)
    return fig


def _slide(rows: Sequence) -> tuple[Figure, Axes, list, tuple[str, str, float]]:
    """The slide with its one panel, the rows in rank order, and the key figure's label, unit and factor (the
    panel says "no cases" when there are no rows)."""
    rows = sorted(rows, key=lambda r: r.rank)
    fig = Figure(figsize=SLIDE, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    if not rows:
        no_cases(ax)
        return fig, ax, rows, ("", "", 1.0)
    return fig, ax, rows, describe_kpi(rows[0].kpi.metric, rows[0].kpi.group)


def _assumptions_axis(ax: Axes, y: np.ndarray, labels: Sequence[str]) -> None:
    """One row per assumption, the first on top, named with its range; no grid lines across the bars."""
    ax.set_ylim(-0.6, len(y) - 0.4)
    ax.set_yticks(y, labels, fontsize=TICK_PT)
    ax.grid(False, axis="y")
    ax.tick_params(axis="y", length=0)
