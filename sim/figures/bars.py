"""Grouped bars of key figures: one bar per scenario per group (route, session type), with the 95% interval over
replications as an error bar and the value written above.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .. import formatting as fmt
from ..kpis import KpiRow
from .style import TICK_PT, scenario_colour


def interval_bars(
    ax, k: int, n: int, scen: str, rows: Sequence[KpiRow], metric: str, groups: Sequence[str], factor: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bars of the k-th of `n` scenarios: `metric` per group (times `factor`) with its 95% error bar. Returns
    the bars' x positions, the values (NaN where missing) and the top of each interval (the value where there is
    none)."""
    width = 0.8 / n
    x = np.arange(len(groups))
    found = {r.group: r for r in rows if r.metric == metric}
    mean = factor * np.array([found[g].mean if g in found else np.nan for g in groups])
    low = factor * np.array([found[g].ci_low if g in found else np.nan for g in groups])
    high = factor * np.array([found[g].ci_high if g in found else np.nan for g in groups])
    xs = x - 0.4 + width * (k + 0.5)
    heights = np.nan_to_num(mean)
    ax.bar(xs, heights, width * 0.92, color=scenario_colour(k), label=scen or None)
    has_ci = ~np.isnan(low) & ~np.isnan(high)
    if has_ci.any():
        err = np.vstack(
            [np.clip(heights - np.nan_to_num(low), 0, None), np.clip(np.nan_to_num(high) - heights, 0, None)]
        )
        ax.errorbar(
            xs[has_ci],
            heights[has_ci],
            yerr=err[:, has_ci],
            fmt="none",
            ecolor="black",
            elinewidth=1.6,
            capsize=7,
            capthick=1.6,
        )
    return xs, mean, np.where(has_ci, high, mean)


def kpi_bars(
    ax, data: Mapping[str, Sequence[KpiRow]], metric: str, groups: Sequence[str], factor: float, percent: bool
) -> float:
    """Grouped bars of one key figure (one bar per scenario per group) with 95% error bars and the value written
    above; returns the highest point drawn."""
    n = max(len(data), 1)
    top = 0.0
    for k, (scen, rows) in enumerate(data.items()):
        xs, mean, tops = interval_bars(ax, k, n, scen, rows, metric, groups, factor)
        for xi, m, h in zip(xs, mean, tops):
            y = 0 if np.isnan(m) else max(h, m)
            if percent:
                y = min(y, 100.0)
            bar_label(ax, xi, y, fmt.bar_value(m, percent), n, colour="0.4" if np.isnan(m) else "black")
            if not np.isnan(m):
                top = max(top, h, m)
    return top


# From this many bars per group on, a bar is too narrow for its value written across it: the value is turned upright.
CROWDED_BARS = 3


def bar_label(ax, x: float, y: float, text: str, n: int, colour: str = "black") -> None:
    """The value of a bar, written above the point `y` (the top of its interval): across the bar for up to two
    scenarios, upright (one line) from `CROWDED_BARS` on, so that neighbouring values never run into each other."""
    crowded = n >= CROWDED_BARS
    ax.annotate(
        text.replace("\n", " ") if crowded else text,
        (x, y),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        rotation=90 if crowded else 0,
        fontsize=TICK_PT,
        color=colour,
    )


def headroom(n: int) -> float:
    """The factor above the highest bar that leaves room for its value (more when values are upright)."""
    return 1.45 if n >= CROWDED_BARS else 1.2
