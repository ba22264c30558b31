"""The fast-track window figure: per fast-track route, the days from the start of its legal window to the
verdict hearing, with the legal window shaded and its limits drawn, and the share heard within the window and the
fall-backs per year written on the panel.

A case that cannot be heard inside its window falls back to a slower route and has no day in that route's window,
so the histogram alone would show every case in time. With the key figures given, the bars are therefore a share
of the cases that *started* in the route, and a narrow panel beside each route draws the share that fell back
(hatched red): the bars and the fall-back bar add up to 100%.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter

from .. import formatting as fmt
from ..kpis import KpiRow
from ..labels import ROUTE_LABELS
from ..results import FAST_TRACK
from .bars import bar_label
from .inputs import by_scenario, by_scenario_rows, finite, years_of
from .style import (
    DPI,
    FALLBACK_COLOUR,
    LIMIT_COLOUR,
    PANEL_TITLE_PT,
    SLIDE,
    TICK_PT,
    WINDOW_COLOUR,
    finish,
    line_width,
    no_cases,
    scenario_colour,
    stack_texts,
    style_axes,
)

# The narrow panel beside each route that draws the cases that fell back (its axes' label), its bars' gid.
FELL_BACK_PANEL = "fell back"
FELL_BACK_GID = "fell-back"
HATCH = "//"


def window_figure(
    window_days: Mapping[str, Mapping[str, np.ndarray]] | Mapping[str, np.ndarray],
    windows: Mapping[str, tuple[float, float]],
    title: str,
    *,
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow] | None = None,
    starts: Mapping[str, str] | None = None,
    note: str = "",
    years: Mapping[str, float] | float | None = None,
) -> Figure:
    """Days from the window start to the verdict hearing per fast-track route, with the legal window shaded and its
    limits drawn as vertical lines; the within-window share and the fall-backs per year (from `kpis`) are written
    on the panel, in a box kept above the bars.

    `window_days` maps scenario -> route -> days (or route -> days for one scenario); `windows` maps route ->
    (earliest, latest) day of the legal window; the earliest is drawn only when it is above zero. `starts` maps
    route -> the event its window runs from ("arrest", "summons"; `RunInfo.window_starts`), "window start" where
    not given. `years` is how many simulated years the days pool (replications × cohort years, a number or per
    scenario; `simulated_years`), so that the cases heard are counted per year, like the fall-backs.

    With `kpis` the bars are % of the cases that started in the route (heard in it, or fell back out of it) and a
    narrow panel (label `FELL_BACK_PANEL`) beside each route draws the share that fell back; without them the bars
    are % of the cases heard in the route.
    """
    data = by_scenario(window_days)
    rows = by_scenario_rows(kpis) if kpis is not None else {}
    routes = [r for r in FAST_TRACK if r in windows] + [r for r in windows if r not in FAST_TRACK]
    fig = Figure(figsize=SLIDE, dpi=DPI, layout="constrained")
    with_fallbacks = kpis is not None
    if with_fallbacks:
        grid = fig.subplots(1, 2 * len(routes), squeeze=False, width_ratios=[4.2, 1] * len(routes)).ravel()
        mains, sides = list(grid[0::2]), list(grid[1::2])
    else:
        mains, sides = list(fig.subplots(1, len(routes), squeeze=False).ravel()), [None] * len(routes)
    placed: list[tuple[Axes, float, list]] = []
    for ax, side, route in zip(mains, sides, routes):
        lo, hi = windows[route]
        start = (starts or {}).get(route, "window start")
        ax.set_title(
            f"{ROUTE_LABELS.get(route, route)}\nlegal window {fmt.window_span(lo, hi)} from {start}",
            fontsize=PANEL_TITLE_PT,
        )
        ylabel = "% of cases that started in the route" if with_fallbacks else "% of cases heard in the route"
        style_axes(ax, xlabel=f"days from {start} to verdict hearing", ylabel=ylabel)
        series = {s: finite(d.get(route)) for s, d in data.items()}
        shares = {s: _share(rows.get(s, ()), route) for s in series}
        pooled = np.concatenate([v for v in series.values() if v.size] or [np.empty(0)])
        x_max = max(hi * 1.12, float(pooled.max()) * 1.03 if pooled.size else 0.0)
        ax.set_xlim(0, x_max)
        ax.axvspan(lo, hi, color=WINDOW_COLOUR, alpha=0.13, lw=0, zorder=0)
        ax.axvline(hi, color=LIMIT_COLOUR, lw=2.2, ls="--", zorder=4)
        if lo > 0:
            ax.axvline(lo, color=LIMIT_COLOUR, lw=2.2, ls="--", zorder=4)
        width = _bin_width(hi)
        bins = np.arange(0.0, x_max + width, width)
        top = 0.0
        for k, (scen, days) in enumerate(series.items()):
            if days.size == 0:
                continue
            colour = scenario_colour(k)
            # a share of the cases that started in the route: the heard ones are `share` of them
            heard = shares[scen] if with_fallbacks and not math.isnan(shares[scen]) else 1.0
            w = np.full(days.size, 100.0 * heard / days.size)
            h, _, _ = ax.hist(
                days,
                bins=bins,
                weights=w,
                histtype="stepfilled",
                color=colour,
                alpha=0.35 if len(series) > 1 else 0.6,
                lw=0,
            )
            # the reference's outline thicker, drawn first: a scenario on top that does not differ leaves it seen
            ax.hist(days, bins=bins, weights=w, histtype="step", color=colour, lw=line_width(k, len(series), 1.8))
            top = max(top, float(h.max()))
        if side is not None:
            _fell_back_panel(side, shares)
        if not pooled.size:
            no_cases(ax)
            ax.set_ylim(0, 100)
            continue
        named = len(series) > 1
        boxes = [
            (
                scenario_colour(k) if named else "black",
                _window_text(scen, route, rows.get(scen, ()), series[scen].size, named, years_of(years, scen)),
            )
            for k, scen in enumerate(series)
        ]
        ax.set_ylim(0, top * 1.1 or 1.0)
        texts = stack_texts(ax, boxes)
        for t in texts:  # inside the panel: the layout need not make room for them
            t.set_in_layout(False)
        placed.append((ax, top, texts))
    handles = [
        Patch(color=WINDOW_COLOUR, alpha=0.25, label="legal window"),
        Line2D([], [], color=LIMIT_COLOUR, lw=2.2, ls="--", label="legal limit"),
    ]
    if with_fallbacks:
        handles.append(Patch(facecolor=FALLBACK_COLOUR, alpha=0.8, hatch=HATCH, edgecolor="white", label="fell back"))
    if len(data) > 1:
        handles += [Patch(color=scenario_colour(k), alpha=0.6, label=scen) for k, scen in enumerate(data)]
    finish(fig, title, note, legend=handles, legend_cols=len(handles))
    _boxes_above_the_bars(fig, placed)
    return fig


def _share(rows: Sequence[KpiRow], route: str) -> float:
    """The within-window share of a route in one scenario's key figures; NaN where it has none."""
    found = [r.mean for r in rows if r.metric == "within_window_share" and r.group == route]
    return float(found[0]) if found else math.nan


def _fell_back_panel(ax: Axes, shares: Mapping[str, float]) -> None:
    """The narrow panel beside a route: per scenario, the % of the cases that started in the route that fell back
    to a slower route, as a hatched red bar on a 0–100% scale (edged in the scenario's colour)."""
    ax.set_label(FELL_BACK_PANEL)
    style_axes(ax, xlabel=FELL_BACK_PANEL)
    n = max(len(shares), 1)
    for k, share in enumerate(shares.values()):
        if math.isnan(share):
            bar_label(ax, k, 0.0, "n/a", n, colour="0.4")
            continue
        fell = 100.0 * max(0.0, 1.0 - share)
        ax.bar(
            k,
            fell,
            0.8,
            facecolor=FALLBACK_COLOUR,
            alpha=0.8,
            hatch=HATCH,
            edgecolor=scenario_colour(k) if n > 1 else "white",
            lw=2.0 if n > 1 else 0.0,
            gid=FELL_BACK_GID,
        )
        bar_label(ax, k, fell, fmt.percent(fell), n)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_xticks([])
    ax.set_ylim(0, 100 * (1.45 if n >= 3 else 1.15))
    ax.yaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.percent(v)))
    ax.tick_params(axis="y", labelsize=TICK_PT)


def _boxes_above_the_bars(fig: Figure, placed: Sequence[tuple[Axes, float, list]]) -> None:
    """Raise each panel's y limit until its highest bar stays under the lowest of its text boxes (measured after
    a layout pass): a box never hides a bar, whatever the lengths of its lines in the current language. The boxes
    hang from the top of the axes, so changing the limits does not move them."""
    if not placed:
        return
    fig.draw_without_rendering()
    for ax, top, texts in placed:
        if not texts or top <= 0:
            continue
        to_axes = ax.transAxes.inverted()
        bottoms = []
        for t in texts:
            patch = t.get_bbox_patch()
            extent = (patch if patch is not None else t).get_window_extent()
            bottoms.append(float(to_axes.transform((extent.x0, extent.y0))[1]))
        room = max(min(bottoms) - 0.04, 0.2)  # the bars' part of the axes' height, a small gap under the boxes
        ax.set_ylim(0, top / room)


def _window_text(scen: str, route: str, rows: Sequence[KpiRow], n: int, named: bool, years: float | None) -> str:
    """The attainment of one route in one scenario; compact when several scenarios share a panel. `years`: the
    simulated years the `n` cases heard pool, to count them per year like the fall-backs."""
    found = {(r.metric, r.group): r for r in rows}
    share = found.get(("within_window_share", route))
    fb = found.get(("fallbacks", route))
    within = ""
    if share is not None and not math.isnan(share.mean):
        ci = (
            ""
            if math.isnan(share.ci_low)
            else (
                f" ({'' if named else '95% '}CI {max(0.0, 100 * share.ci_low):.0f}–"
                f"{fmt.percent(min(100.0, 100 * share.ci_high))})"
            )
        )
        within = f"{fmt.percent(100 * share.mean)}{ci}"
    fallbacks = "" if fb is None or math.isnan(fb.mean) else fmt.whole(fb.mean)
    per_year = years is not None and years > 0
    heard = fmt.whole(n / years) if per_year and years else fmt.count(n)
    if named:
        parts = [
            scen,
            f"within window {within}" if within else "",
            " · ".join(
                p
                for p in (
                    f"{fallbacks} fall-backs/yr" if fallbacks else "",
                    f"{heard} heard" + ("/yr" if per_year else ""),
                )
                if p
            ),
        ]
    else:
        parts = [
            f"heard within the window: {within.replace(' (', chr(10) + '(')}" if within else "",
            f"fall-backs: {fallbacks} per year" if fallbacks else "",
            f"heard in the route: {heard}" + (" per year" if per_year else ""),
        ]
    return "\n".join(p for p in parts if p)


def _bin_width(window_end: float) -> float:
    return 0.125 if window_end <= 5 else 0.5 if window_end <= 10 else 1.0
