"""The fast-track window figure: per fast-track route, the days from the start of its legal window to the
verdict hearing, with the legal window shaded and its limits drawn, and the share heard within the window and the
fall-backs per year written on the panel.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import formatting as fmt
from ..kpis import KpiRow
from ..labels import ROUTE_LABELS
from ..results import FAST_TRACK
from .inputs import by_scenario, by_scenario_rows, finite
from .style import (
    DPI,
    LIMIT_COLOUR,
    PANEL_TITLE_PT,
    SLIDE,
    WINDOW_COLOUR,
    finish,
    no_cases,
    scenario_colour,
    stack_texts,
    style_axes,
)


def window_figure(
    window_days: Mapping[str, Mapping[str, np.ndarray]] | Mapping[str, np.ndarray],
    windows: Mapping[str, tuple[float, float]],
    title: str,
    *,
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow] | None = None,
    starts: Mapping[str, str] | None = None,
    note: str = "",
) -> Figure:
    """Days from the window start to the verdict hearing per fast-track route, with the legal window shaded and its
    limits drawn as vertical lines; the within-window share and the fall-backs per year (from `kpis`) are written
    on the panel.

    `window_days` maps scenario -> route -> days (or route -> days for one scenario); `windows` maps route ->
    (earliest, latest) day of the legal window; the earliest is drawn only when it is above zero. `starts` maps
    route -> the event its window runs from ("arrest", "summons"; `RunInfo.window_starts`), "window start" where
    not given.
    """
    data = by_scenario(window_days)
    rows = by_scenario_rows(kpis) if kpis is not None else {}
    routes = [r for r in FAST_TRACK if r in windows] + [r for r in windows if r not in FAST_TRACK]
    fig = Figure(figsize=SLIDE, dpi=DPI, layout="constrained")
    axes = fig.subplots(1, len(routes), squeeze=False).ravel()
    for ax, route in zip(axes, routes):
        lo, hi = windows[route]
        start = (starts or {}).get(route, "window start")
        ax.set_title(
            f"{ROUTE_LABELS.get(route, route)}\nlegal window {fmt.window_span(lo, hi)} from {start}",
            fontsize=PANEL_TITLE_PT,
        )
        style_axes(ax, xlabel=f"days from {start} to verdict hearing", ylabel="% of cases heard in the route")
        series = {s: finite(d.get(route)) for s, d in data.items()}
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
        for k, (_scen, days) in enumerate(series.items()):
            if days.size == 0:
                continue
            colour = scenario_colour(k)
            w = np.full(days.size, 100.0 / days.size)
            h, _, _ = ax.hist(
                days,
                bins=bins,
                weights=w,
                histtype="stepfilled",
                color=colour,
                alpha=0.35 if len(series) > 1 else 0.6,
                lw=0,
            )
            ax.hist(days, bins=bins, weights=w, histtype="step", color=colour, lw=1.8)
            top = max(top, float(h.max()))
        if not pooled.size:
            no_cases(ax)
            ax.set_ylim(0, 100)
            continue
        named = len(series) > 1
        boxes = [
            (
                scenario_colour(k) if named else "black",
                _window_text(scen, route, rows.get(scen, ()), series[scen].size, named),
            )
            for k, scen in enumerate(series)
        ]
        # headroom above the bars for the boxes: about 6% of the axes per line of text, plus padding per box
        n_lines = sum(text.count("\n") + 1 for _, text in boxes)
        ax.set_ylim(0, top / max(0.25, 1 - 0.062 * n_lines - 0.04 * len(boxes) - 0.04))
        stack_texts(ax, boxes)
    handles = [
        Patch(color=WINDOW_COLOUR, alpha=0.25, label="legal window"),
        Line2D([], [], color=LIMIT_COLOUR, lw=2.2, ls="--", label="legal limit"),
    ]
    if len(data) > 1:
        handles += [Patch(color=scenario_colour(k), alpha=0.6, label=scen) for k, scen in enumerate(data)]
    finish(fig, title, note, legend=handles, legend_cols=len(handles))
    return fig


def _window_text(scen: str, route: str, rows: Sequence[KpiRow], n: int, named: bool) -> str:
    """The attainment of one route in one scenario; compact when several scenarios share a panel."""
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
                f"{min(100.0, 100 * share.ci_high):.0f}%)"
            )
        )
        within = f"{100 * share.mean:.0f}%{ci}"
    fallbacks = "" if fb is None or math.isnan(fb.mean) else fmt.whole(fb.mean)
    if named:
        parts = [
            scen,
            f"within window {within}" if within else "",
            " · ".join(p for p in (f"{fallbacks} fall-backs/yr" if fallbacks else "", f"{fmt.count(n)} heard") if p),
        ]
    else:
        parts = [
            f"heard within the window: {within}" if within else "",
            f"fall-backs: {fallbacks} per year" if fallbacks else "",
            f"{fmt.count(n)} cases heard in the route",
        ]
    return "\n".join(p for p in parts if p)


def _bin_width(window_end: float) -> float:
    return 0.125 if window_end <= 5 else 0.5 if window_end <= 10 else 1.0
