"""Where cases go: cases per year per route (route shares), and the flow of cases over the chain from OM intake
through the OM's decision and the route the case was decided in (fall-backs in red) to how it ended.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter

from .. import formatting as fmt
from ..kpis import KpiRow
from ..labels import CHANNEL_LABELS, END_LABELS, FALLBACK_ROUTE_LABELS, FLOW_ROUTE_LABELS, ROUTE_LABELS
from ..results import END_KINDS, FAST_TRACK, FLOW_CHANNELS, ROUTES, UNDECIDED
from .bars import bar_label, headroom, interval_bars
from .inputs import by_scenario_rows
from .style import (
    DPI,
    FALLBACK_COLOUR,
    PANEL_TITLE_PT,
    ROUTE_COLOURS,
    SLIDE,
    TICK_PT,
    finish,
    scenario_colour,
    style_axes,
)

# The title (and axes label) of the route-share figure's panel that draws the fast-track routes on their own scale.
SMALL_ROUTES_PANEL = "fast-track routes, own scale"
# Column headings of the flow diagram.
FLOW_HEADINGS = ("OM intake", "handled by", "OM decision", "decided in\n(after fall-backs)", "how the case ended")


def route_share_figure(
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow],
    title: str,
    *,
    routes: Sequence[str] = ROUTES,
    note: str = "",
    small: Sequence[str] = FAST_TRACK,
) -> Figure:
    """Cases per year per route (``cases`` in the KPI table) as bars with their 95% intervals, one bar per scenario
    per route, each labelled with the number and the route's share of all decided cases.

    The fast-track routes (`small`) are a few percent of the cases, the ones the levers move, and on the scale of
    the big routes they are slivers: a second, narrower panel (label `SMALL_ROUTES_PANEL`) draws them again on
    their own scale."""
    data = by_scenario_rows(kpis)
    small = [r for r in small if r in routes]
    fig = Figure(figsize=SLIDE, dpi=DPI, layout="constrained")
    if small:
        ax, zoom = fig.subplots(1, 2, width_ratios=[len(routes), 0.8 * len(small) + 0.5])
    else:
        ax, zoom = fig.subplots(), None
    style_axes(ax, ylabel="cases per year")
    n = len(data)
    totals = {
        scen: np.nansum([r.mean for r in rows if r.metric == "cases" and r.group in routes])
        for scen, rows in data.items()
    }
    _route_bars(ax, data, routes, totals)
    if zoom is not None:
        zoom.set_label(SMALL_ROUTES_PANEL)
        style_axes(zoom)
        zoom.set_title(SMALL_ROUTES_PANEL, fontsize=PANEL_TITLE_PT)
        _route_bars(zoom, data, small, totals)
    handles = [Patch(color=scenario_colour(k), label=s) for k, s in enumerate(data)] if n > 1 else None
    finish(
        fig,
        title,
        note or "Error bars: 95% interval over replications. Percentages: share of all decided cases.",
        legend=handles,
        legend_cols=n,
    )
    return fig


def _route_bars(ax, data: Mapping[str, Sequence[KpiRow]], routes: Sequence[str], totals: Mapping[str, float]) -> None:
    """Cases per year per route, one bar per scenario, each labelled with its number and its share of `totals`."""
    n = len(data)
    top = 0.0
    for k, (scen, rows) in enumerate(data.items()):
        xs, mean, tops = interval_bars(ax, k, n, scen, rows, "cases", routes)
        total = totals[scen]
        for xi, m, h in zip(xs, mean, tops):
            if np.isnan(m):
                ax.text(xi, 0, "no data", ha="center", va="bottom", fontsize=TICK_PT, color="0.4")
                continue
            share = f"\n{fmt.percent(100 * m / total, 1)}" if total > 0 else ""
            bar_label(ax, xi, max(h, m), f"{fmt.whole(m)}{share}", n)
            top = max(top, h, m)
    ax.set_xticks(
        np.arange(len(routes)),
        [_tick_label(r) for r in routes],
        fontsize=TICK_PT,
    )
    ax.set_ylim(0, top * headroom(n) if top > 0 else 1)
    ax.yaxis.set_major_formatter(FuncFormatter(fmt.whole))


def _tick_label(route: str) -> str:
    """A route's name under its bars, a word or two a line ("OM-\nstrafbeschikking"), in the current language
    (the label table answers in it)."""
    text = textwrap.fill(ROUTE_LABELS.get(route, route), 12, break_long_words=False)
    return text.replace("strafbeschikking", "straf-\nbeschikking")  # the one word too long for its bars


def route_flow_figure(
    flows: Mapping[str, Mapping[tuple[str, str, str, str], float]] | Mapping[tuple[str, str, str, str], float],
    title: str,
    *,
    note: str = "",
    show: Sequence[str] | None = None,
) -> Figure:
    """The flow of cases over the chain, one panel per scenario in `show` (default: all; one panel makes a 16:9
    slide): OM intake → ZSM desk or regular OM → the OM's
    decision → the route the case was decided in (fall-backs as dark red bands) → how it ended (sepot, acquittal,
    suspended, or the execution kind). Node and band heights are cases per year on one scale for all panels;
    labels give the number, and in the other panels the difference from the first (the reference). The route a
    case was decided in (fourth column) has the same rows as the OM's decision beside it, so its labels are the
    numbers alone.

    `flows` maps scenario -> (channel, OM decision, decided in, end) -> cases per year (`ChainTables.flows`).
    Very small nodes are drawn at a minimum height so that they stay visible (their numbers are exact).
    """
    data = cast(
        dict[str, Mapping[tuple[str, str, str, str], float]],
        {"": dict(flows)} if flows and all(isinstance(k, tuple) for k in flows) else dict(flows or {}),
    )
    route_nodes = list(ROUTES) + [UNDECIDED]
    columns = [["intake"], list(FLOW_CHANNELS), route_nodes, route_nodes, list(END_KINDS)]

    def path_of(key):
        ch, ini, fin, end = key
        return ("intake", ch, ini, fin, end)

    def colour_of(i, key):
        ch, ini, fin, end = key
        if i == 2 and ini != fin:
            return "fallback"
        return ini if i < 3 else fin

    values = {}  # scenario -> column -> node -> cases per year
    for scen, fl in data.items():
        v = [dict.fromkeys(col, 0.0) for col in columns]
        for key, n in fl.items():
            for i, node in enumerate(path_of(key)):
                if node in v[i]:
                    v[i][node] += n
        values[scen] = v
    # nodes: those with cases in any scenario
    shown = [[n for n in col if any(values[s][i][n] > 0 for s in data)] for i, col in enumerate(columns)]
    gap, h_min = 0.03, 0.014

    def fits(scale):
        worst = 0.0
        for s in data:
            for i, col in enumerate(shown):
                used = sum(max(values[s][i][n] * scale, h_min) for n in col) + gap * (len(col) - 1)
                worst = max(worst, used)
        return worst <= 1.0

    total = max((sum(values[s][0].values()) for s in data), default=0.0) or 1.0
    lo, hi = 0.0, 1.0 / total
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    scale = lo
    drawn = [s for s in data if show is None or s in show]
    n = max(len(drawn), 1)
    fig = Figure(figsize=SLIDE if n == 1 else (16, 6.4 * n + 1.9), dpi=DPI, layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False).ravel()
    # columns placed for their labels: the OM's decision (names and numbers) needs the widest gap, the route
    # decided in (numbers only) the narrowest, how the case ended its names on the right
    xs = [0.0, 0.85, 1.75, 2.95, 3.5]
    node_w = 0.05
    reference = next(iter(data)) if data else ""
    for ax, scen in zip(axes, drawn):
        v = values[scen]
        ax.set_xlim(-0.72, 4.9)
        ax.set_ylim(-0.01, 1.09)
        ax.set_axis_off()
        intake = sum(v[0].values())
        ax.set_title(
            f"{scen + ': ' if scen else ''}OM intake {fmt.whole(intake)} cases per year",
            fontsize=PANEL_TITLE_PT,
            loc="left",
            fontweight="bold",
            pad=TICK_PT * 1.7,
        )
        fell: dict[tuple[str, str], float] = {}
        for (_ch, ini, fin, _end), cases in data[scen].items():
            if ini != fin and ini in FAST_TRACK:
                fell[(ini, fin)] = fell.get((ini, fin), 0.0) + cases
        if fell:
            short = FALLBACK_ROUTE_LABELS
            parts = []
            for src in FAST_TRACK:
                outs = [
                    f"→ {short[b]} {fmt.flow_count(n)}"
                    for (a, b), n in sorted(fell.items(), key=lambda kv: route_nodes.index(kv[0][1]))
                    if a == src
                ]
                if outs:
                    parts.append(f"{short[src]} " + ", ".join(outs))
            ann = ax.annotate(
                "fall-backs per year (red bands): " + " · ".join(parts),
                (0, 1),
                xycoords="axes fraction",
                xytext=(0, 3),
                textcoords="offset points",
                ha="left",
                va="bottom",
                fontsize=TICK_PT,
                color=FALLBACK_COLOUR,
            )
            ann.set_in_layout(False)
        for x, heading in zip(xs, FLOW_HEADINGS):
            ax.text(
                x + node_w / 2, 1.085, heading, ha="center", va="top", fontsize=TICK_PT, color="0.3", style="italic"
            )
        # node positions, top to bottom, the column centred
        pos = []  # column -> node -> (top, height)
        for i, col in enumerate(shown):
            heights = [max(v[i][nd] * scale, h_min) for nd in col]
            used = sum(heights) + gap * (len(col) - 1)
            y = 0.5 + used / 2 - 0.04
            p = {}
            for nd, h in zip(col, heights):
                p[nd] = (y, h)
                y -= h + gap
            pos.append(p)
        # bands between adjacent columns
        for i in range(4):
            agg: dict[tuple[str, str, str], float] = {}
            for key, cases in data[scen].items():
                path = path_of(key)
                k = (path[i], path[i + 1], colour_of(i, key))
                agg[k] = agg.get(k, 0.0) + cases
            src_order = {nd: j for j, nd in enumerate(shown[i])}
            dst_order = {nd: j for j, nd in enumerate(shown[i + 1])}
            colour_order = {c: j for j, c in enumerate(["fallback"] + route_nodes)}
            out_off = {nd: 0.0 for nd in shown[i]}
            in_off = {nd: 0.0 for nd in shown[i + 1]}
            out_bands = sorted(
                agg.items(), key=lambda kv: (src_order[kv[0][0]], dst_order[kv[0][1]], colour_order.get(kv[0][2], 99))
            )
            starts = {}
            for (a, b, c), cases in out_bands:
                top, h = pos[i][a]
                th = cases / v[i][a] * h if v[i][a] else 0.0
                starts[(a, b, c)] = (top - out_off[a], th)
                out_off[a] += th
            in_bands = sorted(
                agg.items(), key=lambda kv: (dst_order[kv[0][1]], src_order[kv[0][0]], colour_order.get(kv[0][2], 99))
            )
            for (a, b, c), cases in in_bands:
                top, h = pos[i + 1][b]
                th = cases / v[i + 1][b] * h if v[i + 1][b] else 0.0
                y0, t0 = starts[(a, b, c)]
                y1 = top - in_off[b]
                in_off[b] += th
                colour = FALLBACK_COLOUR if c == "fallback" else ROUTE_COLOURS[c]
                _flow_band(
                    ax,
                    xs[i] + node_w,
                    y0,
                    t0,
                    xs[i + 1],
                    y1,
                    th,
                    colour,
                    alpha=0.85 if c == "fallback" else 0.55,
                    edge=c == "fallback",
                )
        # nodes and labels
        for i, col in enumerate(shown):
            labels = []
            for nd in col:
                top, h = pos[i][nd]
                ax.add_patch(
                    Rectangle((xs[i], top - h), node_w, h, color="0.25" if v[i][nd] > 0 else "0.75", lw=0, zorder=3)
                )
                name = (
                    "OM intake"
                    if i == 0
                    else CHANNEL_LABELS.get(nd, nd)
                    if i == 1
                    else END_LABELS.get(nd, nd)
                    if i == 4
                    else FLOW_ROUTE_LABELS.get(nd, nd)
                )
                text = f"{name}  {fmt.flow_count(v[i][nd])}" if i != 3 else fmt.flow_count(v[i][nd])
                if scen != reference:
                    d = v[i][nd] - values[reference][i][nd]
                    if round(d) != 0:
                        text += f" ({fmt.signed_rounded(d, 0)})"
                labels.append((top - h / 2, text))
            _flow_labels(ax, fig, labels, x_node=xs[i], node_w=node_w, left=(i == 0))
    handles = [
        Patch(color=ROUTE_COLOURS[r], alpha=0.7, label=FLOW_ROUTE_LABELS[r])
        for r in route_nodes
        if any(r in col for col in shown[2:4])
    ]
    handles.append(Patch(color=FALLBACK_COLOUR, alpha=0.85, label="fall-back (legal window missed)"))
    finish(
        fig,
        title,
        note
        or (
            "Cases registered after the warm-up and before the end of intake that reached the OM, per year (mean over "
            "replications). Band colour: the OM's decision; dark red: a fast-track case that fell back to a slower "
            "route. Execution kinds include sentences still being executed at the end of the run. In brackets: the "
            "difference from the first scenario. Very small nodes are drawn at a minimum height."
        ),
        legend=handles,
        legend_cols=4,
    )
    return fig


def _flow_band(
    ax, x0: float, y0: float, t0: float, x1: float, y1: float, t1: float, colour: str, alpha: float, edge: bool = False
) -> None:
    """A band from (x0, top y0, thickness t0) to (x1, top y1, thickness t1) with S-shaped edges; with `edge` it
    is outlined too, so that a thin band stays visible."""
    if t0 <= 0 and t1 <= 0:
        return
    xm = (x0 + x1) / 2
    verts = [
        (x0, y0),
        (xm, y0),
        (xm, y1),
        (x1, y1),
        (x1, y1 - t1),
        (xm, y1 - t1),
        (xm, y0 - t0),
        (x0, y0 - t0),
        (x0, y0),
    ]
    codes = [
        MplPath.MOVETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.LINETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CLOSEPOLY,
    ]
    ax.add_patch(
        PathPatch(
            MplPath(verts, codes),
            facecolor=colour,
            edgecolor=colour if edge else "none",
            lw=1.6 if edge else 0,
            alpha=alpha,
            zorder=2.5 if edge else 2,
        )
    )


def _flow_labels(ax, fig: Figure, labels: list[tuple[float, str]], *, x_node: float, node_w: float, left: bool) -> None:
    """Node labels beside their nodes, pushed apart vertically where nodes are close (with a leader line)."""
    if not labels:
        return
    height_pt = ax.get_position().height * fig.get_figheight() * 72 or 300.0
    step = 1.45 * TICK_PT / height_pt * 1.09  # one label line in data units (y runs over 1.1)
    order = sorted(range(len(labels)), key=lambda k: -labels[k][0])
    ys = [labels[k][0] for k in order]
    for j in range(1, len(ys)):
        ys[j] = min(ys[j], ys[j - 1] - step)
    if ys and ys[-1] < 0.0:
        ys[-1] = 0.0
        for j in range(len(ys) - 2, -1, -1):
            ys[j] = max(ys[j], ys[j + 1] + step)
    for j, k in enumerate(order):
        y_node, text = labels[k]
        x_text = x_node - 0.03 if left else x_node + node_w + 0.03
        if abs(ys[j] - y_node) > step * 0.3:
            x_edge = x_node if left else x_node + node_w
            ax.plot([x_edge, x_text], [y_node, ys[j]], color="0.35", lw=0.8, zorder=4)
        ax.text(
            x_text,
            ys[j],
            text,
            ha="right" if left else "left",
            va="center",
            fontsize=TICK_PT,
            zorder=6,
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8),
        )
