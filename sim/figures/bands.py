"""Counts over calendar time with a band over replications (backlogs, weekly throughput, monthly lead times per
region): the median line and its band, the end of the warm-up and of intake marked, a date axis, and the legend
that explains them.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping, Sequence

import matplotlib.dates as mdates
import numpy as np
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .. import formatting as fmt
from .style import SCENARIO_COLOURS, line_width, no_cases, scenario_colour


def band_panel(ax, series: Sequence[tuple[np.ndarray, np.ndarray | None]], marks, bands: set) -> None:
    """One panel of counts over calendar time: each scenario's (dates, [replication, date] counts) as a median line
    with a band, the time marks, a zero floor; "no cases" if no scenario has any. Adds the bands' percentiles to
    `bands` (for the legend)."""
    drawn = False
    for k, (dates, a) in enumerate(series):
        if a is None or a.size == 0:
            continue
        bands.add(draw_band(ax, dates, a, scenario_colour(k), line_width(k, len(series), 1.6)))
        drawn = True
    if not drawn:
        no_cases(ax)
        return
    draw_marks(ax, marks)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(fmt.thousands))
    date_axis(ax)


def draw_band(ax, dates: np.ndarray, a: np.ndarray, colour: str, lw: float, markers: bool = False) -> tuple:
    """The median over replications (rows of `a`) as a line with a band over replications: 10–90% with ten or
    more replications, else min–max. Returns the band's percentiles."""
    low_q, high_q = (10, 90) if a.shape[0] >= 10 else (0, 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a month without cases in any replication
        lo, mid, hi = np.nanpercentile(a, [low_q, 50, high_q], axis=0)
    ax.fill_between(dates, lo, hi, color=colour, alpha=0.25, lw=0)
    ax.plot(dates, mid, color=colour, lw=lw, marker="o" if markers else None, ms=4)
    return (low_q, high_q)


# How a band figure's note says where the run starts, by whether it has a warm-up (True) or starts from stocks
START_NOTE = {
    True: "The chain starts empty, so the warm-up is not representative; after the horizon no new cases arrive and "
    "the stages drain (run-out).",
    False: "The chain starts from its stocks on the start date; after the horizon no new cases arrive and the "
    "stages drain (run-out).",
}


def time_marks(data: Mapping) -> list[tuple[dt.date, str, str]]:
    """The end of the warm-up and of intake of the tables in `data` (anything with ``warmup_end`` and
    ``horizon_end``), as (date, label, line style)."""
    marks: dict[dt.date, tuple[str, str]] = {}
    for t in data.values():
        if getattr(t, "warmup_end", None) is not None:
            marks.setdefault(t.warmup_end, ("end of warm-up", ":"))
        if getattr(t, "horizon_end", None) is not None:
            marks.setdefault(t.horizon_end, ("end of intake (horizon)", "--"))
    return [(d, label, style) for d, (label, style) in sorted(marks.items())]


def draw_marks(ax, marks) -> None:
    for date, _, style in marks:
        ax.axvline(np.datetime64(date), color="0.25", lw=1.3, ls=style, zorder=0)


def date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def band_legend(data: Mapping, bands: set, marks, colours: Mapping[str, str] | None = None) -> list:
    """Legend of the banded time plots: a line per scenario (or "median over replications" for one scenario
    drawn in the first colour), the band, and the time marks. `colours` (scenario -> colour) names the scenarios
    even when there is only one."""
    band = "10–90%" if bands == {(10, 90)} else "min–max"
    names = list(data)
    colour = (lambda k, s: colours[s]) if colours else (lambda k, s: scenario_colour(k))
    if len(names) > 1 or colours:
        handles: list[Artist] = [
            Line2D([], [], color=colour(k, s), lw=2, label=f"{s} (median)") for k, s in enumerate(names)
        ]
        handles.append(Patch(color="0.6", alpha=0.4, label=f"band: {band} over replications"))
    else:
        handles = [
            Line2D([], [], color=SCENARIO_COLOURS[0], lw=2, label="median over replications"),
            Patch(color=SCENARIO_COLOURS[0], alpha=0.25, label=f"band: {band} over replications"),
        ]
    for date, label, style in marks:
        handles.append(Line2D([], [], color="0.25", lw=1.3, ls=style, label=f"{label} ({date})"))
    return handles
