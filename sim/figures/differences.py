"""Figures of a comparison: each scenario's paired difference from the reference for the main key figures (a
forest plot), fast-track window attainment and fall-backs per route, and per arrondissement the monthly median
lead time of each scenario minus the reference, with the dates its schedules switch there marked.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter

from .. import formatting as fmt
from ..catalogue import MAIN_DIFFERENCES, better, describe_kpi, difference_unit
from ..kpis import KpiRow
from ..labels import ROUTE_LABELS, region_label
from ..results import FAST_TRACK, MIN_CASES_PER_MONTH, RegionMonthTable
from .bands import band_legend, date_axis, draw_band, draw_marks, time_marks
from .bars import kpi_bars
from .inputs import by_scenario_rows
from .style import (
    BETTER_COLOUR,
    DPI,
    LABEL_PT,
    PANEL_TITLE_PT,
    SLIDE,
    TICK_PT,
    WORSE_COLOUR,
    finish,
    label_bottom_row,
    no_cases,
    panel_grid,
    scenario_colour,
    style_axes,
)


def difference_figure(
    rows: Sequence,
    title: str,
    *,
    reference: str | None = None,
    panels: Sequence[tuple[str, str, Sequence[tuple[str, str]]]] = MAIN_DIFFERENCES,
    note: str = "",
    significant_only: bool = False,
    max_rows: int | None = None,
) -> Figure:
    """A forest plot of "scenario minus reference": per key figure, each scenario's paired difference from the
    reference with its 95% interval, a line at zero; differences whose interval excludes zero are filled and their
    value written, the others hollow. One panel per unit (days, percentage points, cases per year, cases).

    `rows` are comparison rows (``sim.compare.ComparisonRow`` or anything with metric, group, breakdown, scenario,
    diff, diff_ci_low, diff_ci_high); the reference is the first scenario unless named. Key figures that are
    identical in every scenario (difference 0 with an empty interval) are left out and listed in the note; with
    `significant_only`, so are those that differ significantly in no scenario, and with `max_rows` a panel keeps the
    rows with the largest differences (relative to the figure's size), so that a slide stays legible. The value of a
    significant difference is written in green where it is better, red where worse (`sim.catalogue.better`), grey
    where the figure has no clear direction.
    """
    rows = [r for r in rows if getattr(r, "breakdown", "all") == "all"]
    scenarios = list(dict.fromkeys(r.scenario for r in rows))
    reference = reference or (scenarios[0] if scenarios else "")
    others = [s for s in scenarios if s != reference]
    found = {(r.metric, r.group, r.scenario): r for r in rows}
    groups_of: dict[str, list[str]] = {}
    for r in rows:
        groups_of.setdefault(r.metric, list())
        if r.group not in groups_of[r.metric]:
            groups_of[r.metric].append(r.group)
    drawn: list[tuple[str, str, list[tuple[str, str]]]] = []
    unchanged: list[str] = []
    not_significant: list[str] = []
    smaller: list[str] = []
    for heading, unit, keys in panels:
        expanded = [(m, g2) for m, g in keys for g2 in (groups_of.get(m, []) if g == "*" else [g])]
        keep = []
        for m, g in expanded:
            cells: list[Any] = [found.get((m, g, s)) for s in others]
            cells = [c for c in cells if c is not None and not math.isnan(c.diff)]
            if not cells:
                continue
            if all(c.diff == 0 and (math.isnan(c.diff_ci_low) or c.diff_ci_low == c.diff_ci_high == 0) for c in cells):
                unchanged.append(describe_kpi(m, g)[0])
                continue
            if significant_only and not any(_significant(c) for c in cells):
                not_significant.append(describe_kpi(m, g)[0])
                continue
            keep.append((m, g))
        if max_rows is not None and len(keep) > max_rows:
            size = {k: max(_relative(found.get((k[0], k[1], s))) for s in others) for k in keep}
            top = set(sorted(keep, key=lambda k: -size[k])[:max_rows])
            smaller.extend(describe_kpi(m, g)[0] for m, g in keep if (m, g) not in top)
            keep = [k for k in keep if k in top]
        if keep:
            drawn.append((heading, unit, keep))
    heights = [max(len(k), 1) * (0.26 + 0.15 * len(others)) + 0.9 for _, _, k in drawn] or [2.0]
    fig = Figure(figsize=SLIDE, dpi=DPI, layout="constrained")
    axes = fig.subplots(len(heights), 1, squeeze=False, gridspec_kw={"height_ratios": heights}).ravel()
    if not drawn:
        axes[0].set_title("no differences", fontsize=PANEL_TITLE_PT)
        axes[0].set_axis_off()
        no_cases(axes[0])
    step = 0.7 / max(len(others), 1)
    for ax, (heading, unit, keys) in zip(axes, drawn):
        factor = 100.0 if unit == "%" else 1.0
        dunit = difference_unit(unit)
        ax.set_title(f"{heading}: difference from “{reference}” ({dunit})", fontsize=PANEL_TITLE_PT, loc="left")
        style_axes(ax, xlabel=f"{dunit} (scenario − {reference})")
        ax.axvline(0, color="0.2", lw=1.4, zorder=1)
        y = np.arange(len(keys))[::-1].astype(float)
        lo_all, hi_all = [0.0], [0.0]
        for k, scen in enumerate(others):
            colour = scenario_colour(scenarios.index(scen))
            ys = y + 0.35 - step * (k + 0.5)
            for yi, (m, g) in zip(ys, keys):
                c = found.get((m, g, scen))
                if c is None or math.isnan(c.diff):
                    continue
                d = c.diff * factor
                lo = c.diff_ci_low * factor if not math.isnan(c.diff_ci_low) else d
                hi = c.diff_ci_high * factor if not math.isnan(c.diff_ci_high) else d
                sig = not math.isnan(c.diff_ci_low) and (c.diff_ci_low > 0 or c.diff_ci_high < 0)
                ax.plot(
                    [lo, hi],
                    [yi, yi],
                    color=colour,
                    lw=2.4 if sig else 1.4,
                    alpha=1 if sig else 0.55,
                    solid_capstyle="butt",
                    zorder=3,
                )
                ax.plot(
                    [d],
                    [yi],
                    marker="o",
                    ms=9 if sig else 7,
                    color=colour,
                    mfc=colour if sig else "white",
                    mew=1.8,
                    zorder=4,
                    alpha=1 if sig else 0.8,
                )
                if sig:  # the value beside the interval, on the side away from zero; green better, red worse
                    direction = better(m) * (1 if d > 0 else -1)
                    ax.annotate(
                        fmt.signed_rounded(d),
                        (hi, yi) if d >= 0 else (lo, yi),
                        xytext=(6 if d >= 0 else -6, 0),
                        textcoords="offset points",
                        va="center",
                        ha="left" if d >= 0 else "right",
                        fontsize=TICK_PT,
                        color=BETTER_COLOUR if direction > 0 else WORSE_COLOUR if direction < 0 else "0.35",
                        fontweight="bold",
                        zorder=5,
                    )
                lo_all.append(lo)
                hi_all.append(hi)
        lo, hi = min(lo_all), max(hi_all)
        span = (hi - lo) or 1.0
        ax.set_xlim(lo - (0.22 if lo < 0 else 0.08) * span, hi + (0.22 if hi > 0 else 0.08) * span)
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.set_yticks(y, [describe_kpi(m, g)[0] for m, g in keys], fontsize=TICK_PT)
        ax.grid(True, axis="y", color="0.93", lw=0.6)
        ax.tick_params(axis="y", length=0)
    handles: list[Artist] = [
        Line2D([], [], color=scenario_colour(scenarios.index(s)), lw=2.4, marker="o", ms=9, label=s) for s in others
    ]
    handles += [
        Line2D([], [], color="0.3", lw=2.4, marker="o", ms=9, label="significant: 95% interval excludes 0"),
        Line2D([], [], color="0.3", lw=1.4, marker="o", ms=7, mfc="white", alpha=0.7, label="not significant"),
        Patch(color=BETTER_COLOUR, label="value in green: better"),
        Patch(color=WORSE_COLOUR, label="value in red: worse"),
    ]
    left_out = ""
    for what, names in (
        ("Identical in every scenario (left out)", unchanged),
        ("No significant difference in any scenario (left out)", not_significant),
        ("Smaller differences (left out; see the report's tables)", smaller),
    ):
        if names:
            left_out += (
                f" {what}: " + "; ".join(names[:8]) + (f" and {len(names) - 8} more." if len(names) > 8 else ".")
            )
    finish(
        fig,
        title,
        (
            note
            or (
                "Difference of each scenario from the reference, replication by replication (common random numbers), "
                "with the 95% interval of the paired difference. Shares in percentage points."
            )
        )
        + left_out,
        legend=handles,
        legend_cols=min(len(handles), 4),
    )
    return fig


def difference_rows_that_fit(scenarios: int) -> int:
    """How many key figures a one-panel difference plot of `scenarios` (other than the reference) shows on a
    16:9 slide: each row takes about 0.15 in plus 0.22 in per scenario of the 6.2 in left by title, legend and note."""
    return max(3, min(12, int(6.2 / (0.15 + 0.22 * max(scenarios, 1)))))


def _significant(c) -> bool:
    return not math.isnan(c.diff_ci_low) and (c.diff_ci_low > 0 or c.diff_ci_high < 0)


def _relative(c) -> float:
    """|difference| of a comparison row relative to the size of its figure (0 for a missing or insignificant row)."""
    if c is None or math.isnan(c.diff) or not _significant(c):
        return 0.0
    scale = max(abs(getattr(c, "mean", 0.0)), abs(getattr(c, "mean", 0.0) - c.diff))
    return abs(c.diff) / scale if scale > 0 else math.inf


def window_attainment_figure(
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow],
    title: str,
    *,
    windows: Mapping[str, tuple[float, float]] | None = None,
    note: str = "",
) -> Figure:
    """Per fast-track route: the share of the cases that started in the route that were heard inside the legal
    window (``within_window_share``) and the fall-backs per year (``fallbacks``), as bars with their 95% intervals,
    one bar per scenario. `windows` (route -> (earliest, latest) day) puts the legal window under each route."""
    data = by_scenario_rows(kpis)
    routes = list(FAST_TRACK)
    labels = []
    for r in routes:
        label = ROUTE_LABELS.get(r, r).replace(", ", ",\n")
        if windows and r in windows:
            label += f"\n(window {fmt.window_span(*windows[r])})"
        labels.append(label)
    fig = Figure(figsize=SLIDE, dpi=DPI, layout="constrained")
    axes = fig.subplots(1, 2)
    panels = (
        ("within_window_share", "heard within the legal window", "% of cases that started in the route", 100.0),
        ("fallbacks", "fall-backs to a slower route", "cases per year", 1.0),
    )
    for ax, (metric, panel_title, ylabel, factor) in zip(axes, panels):
        ax.set_title(panel_title, fontsize=PANEL_TITLE_PT)
        style_axes(ax, ylabel=ylabel)
        top = kpi_bars(ax, data, metric, routes, factor, percent=factor == 100.0)
        ax.set_xticks(np.arange(len(routes)), labels, fontsize=TICK_PT)
        if metric == "within_window_share":
            ax.set_ylim(0, 115)
            ax.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
            ax.axhline(100, color="0.5", lw=0.8, ls=":")
        else:
            ax.set_ylim(0, max(top * 1.25, 5))
            ax.yaxis.set_major_formatter(FuncFormatter(fmt.whole))
    handles = None
    if len(data) > 1:
        handles = [Patch(color=scenario_colour(k), label=s) for k, s in enumerate(data)]
    finish(
        fig,
        title,
        note
        or (
            "Within window: cases heard in the route / (those + cases that fell back out of it); a case that cannot be "
            "heard inside its legal window is released and falls back to a slower route. "
            "Error bars: 95% interval over replications."
        ),
        legend=handles,
        legend_cols=len(data),
    )
    return fig


def region_effect_figure(
    tables: Mapping[str, RegionMonthTable] | RegionMonthTable,
    title: str,
    *,
    change_dates: Mapping[str, Mapping[str, Sequence[dt.date]]] | None = None,
    paired: bool = True,
    note: str = "",
) -> Figure:
    """Per arrondissement (small multiples, one y scale), the monthly median lead time from registration to the
    OM decision or verdict, by month of registration. With several scenarios and `paired`, each scenario minus
    the first (the reference), replication by replication (the median over replications as a line, a band over
    replications, a line at zero); otherwise the levels. `change_dates` (scenario -> region -> dates, see
    `region_change_dates`) marks when the scenario's schedules switch in the region, so a phased roll-out shows
    one date per region. One region gives one panel."""
    data = {"": tables} if isinstance(tables, RegionMonthTable) else dict(tables)
    names = list(data)
    diff = paired and len(names) > 1
    reference = names[0] if names else ""
    regions = list(dict.fromkeys(r for t in data.values() for r in t.lead_days))
    fig, axes, ncols = panel_grid(
        len(regions),
        4 if len(regions) > 6 else 3,
        sharey=True,
    )
    marks = time_marks(data)
    bands = set()
    shown = names[1:] if diff else names
    switch_styles = set()
    for ax, region in zip(axes, regions):
        ax.set_title(region_label(region), fontsize=PANEL_TITLE_PT)
        style_axes(ax)
        drawn = False
        ref = data[reference].lead_days.get(region) if diff else None
        for scen in shown:
            k = names.index(scen)
            t = data[scen]
            a = t.lead_days.get(region)
            if a is None or a.size == 0:
                continue
            if diff:
                if ref is None or ref.shape != a.shape:
                    continue
                a = a - ref
            colour = scenario_colour(k)
            dates = t.months.astype("datetime64[D]") + np.timedelta64(14, "D")  # mid-month
            bands.add(draw_band(ax, dates, a, colour, 2.0, markers=True))
            drawn = True
            for d in (change_dates or {}).get(scen, {}).get(region, ()):
                ax.axvline(np.datetime64(d), color=colour, lw=2.0, ls=(0, (5, 2)), zorder=3)
                switch_styles.add(scen)
        if not drawn:
            no_cases(ax)
            continue
        if diff:
            ax.axhline(0, color="0.2", lw=1.2, zorder=1)
        draw_marks(ax, marks)
        if not diff:
            ax.set_ylim(bottom=0)
        date_axis(ax)
    label_bottom_row(axes, len(regions), ncols)
    if diff:
        fig.supylabel(f"days, scenario − “{reference}”", fontsize=LABEL_PT)
    else:
        fig.supylabel("median days: registration → OM decision or verdict", fontsize=LABEL_PT)
    handles = band_legend(
        {s: data[s] for s in shown}, bands, marks, colours={s: scenario_colour(names.index(s)) for s in shown}
    )
    for scen in shown:
        if scen in switch_styles:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=scenario_colour(names.index(scen)),
                    lw=2.0,
                    ls=(0, (5, 2)),
                    label=f"{scen}: schedule switches in the region",
                )
            )
    what = (
        "Difference of the monthly median lead time (registration → OM decision for sepot and strafbeschikking, "
        "→ verdict for court routes; by month of registration) from the reference, replication by replication "
        "(common random numbers)."
        if diff
        else "Monthly median lead time (registration → OM decision for sepot and strafbeschikking, → verdict for "
        "court routes), by month of registration."
    )
    finish(
        fig,
        title,
        note
        or (
            what + f" Months with fewer than {MIN_CASES_PER_MONTH} decided cases are left out; cases not decided by "
            "the end of the run are left out, so the last months lean to the fast cases."
        ),
        legend=handles,
        legend_cols=3,
    )
    return fig
