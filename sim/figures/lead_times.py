"""Lead-time figures: the cumulative distribution of a lead time per route, one curve per scenario, p50 and p90
marked: registration → OM decision or verdict, and offence → end of execution. The fast-track panels mark their
legal window (Sv: supersnelrecht within 3 days of the arrest, snelrecht for a detained suspect within 17 days,
snelrecht otherwise 2–4 weeks after the summons), so a route's curve is read against its deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .. import formatting as fmt
from ..labels import ROUTE_LABELS
from .inputs import by_scenario, finite, years_of
from .style import (
    LIMIT_COLOUR,
    PANEL_TITLE_PT,
    TICK_PT,
    WINDOW_COLOUR,
    finish,
    line_width,
    no_cases,
    panel_grid,
    scenario_colour,
    stack_texts,
    style_axes,
)

# Day marks people reason in (a day, a week, two weeks, a month, a quarter, half a year, a year, two years).
LOG_DAY_TICKS = (0.1, 0.3, 1, 3, 7, 14, 30, 90, 180, 365, 730, 1460)


def lead_time_figure(
    lead_times: Mapping[str, Mapping[str, np.ndarray]] | Mapping[str, np.ndarray],
    title: str,
    *,
    groups: Sequence[str] | None = None,
    xlabel: str | Mapping[str, str] = "days from registration to decision",
    note: str = "",
    log_x: bool = True,
    windows: Mapping[str, tuple[float, float]] | None = None,
    window_starts: Mapping[str, str] | None = None,
    years: Mapping[str, float] | float | None = None,
) -> Figure:
    """Cumulative distribution of a lead time, one panel per group (route), one curve per scenario (the first, the
    reference, drawn thicker), p50 and p90 marked and written on the panel with the number of cases.

    `years` is how many simulated years each scenario's arrays pool (replications × cohort years, a number or
    scenario -> number; `simulated_years`): the number of cases is then written per year, as the tables count
    them, not pooled over replications and years. Without it the pooled count is written.

    `lead_times` maps scenario -> group -> days (or, for one scenario, group -> days). A group without cases shows
    "no cases". With `log_x` the axis is logarithmic with day marks (1 day, a week, a month, a year ...), because
    a route's lead times span from hours to years; otherwise it is linear and cut at the 99th percentile.

    `windows` maps a group (fast-track route) -> (earliest, latest) day of its legal window (`RunInfo.windows`),
    `window_starts` the event it counts from ("arrest", "summons"): the latest day is drawn as a dashed red line
    (gid ``legal-window``), labelled, and a window that opens later than day 0 is shaded from its earliest day.
    The window counts from the arrest or the summons, the lead time from registration, so the line is the
    deadline's place on the same day axis, not a test of each case.
    """
    data = by_scenario(lead_times)
    if groups is None:
        groups = list(dict.fromkeys(g for d in data.values() for g in d))
    # eight routes (the OM's four decisions, the four court routes) fit two rows of four; fewer, rows of three
    fig, axes, ncols = panel_grid(len(groups), 4 if len(groups) > 6 else 3)
    for i, (ax, group) in enumerate(zip(axes, groups)):
        series = {s: finite(d.get(group)) for s, d in data.items()}
        n_total = sum(v.size for v in series.values())
        ax.set_title(ROUTE_LABELS.get(group, group), fontsize=PANEL_TITLE_PT)
        label = xlabel.get(group, "days") if isinstance(xlabel, Mapping) else xlabel
        style_axes(ax, xlabel=label, ylabel="% of cases (cumulative)" if i % ncols == 0 else "")
        ax.set_ylim(0, 102)
        ax.yaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 90, 100]))
        if n_total == 0:
            no_cases(ax)
            continue
        pooled = np.concatenate([v for v in series.values() if v.size])
        if log_x:
            positive = pooled[pooled > 0]
            lo = float(np.min(positive)) if positive.size else 0.1
            hi = float(np.max(pooled)) if pooled.size else 1.0
            lo, hi = lo / 1.4, max(hi * 1.4, lo * 10)
            ax.set_xscale("log")
            ax.set_xlim(lo, hi)
            _day_ticks(ax, lo, hi)
        else:
            hi = float(np.percentile(pooled, 99)) * 1.05 or 1.0
            ax.set_xlim(0, hi)
        if windows and group in windows:
            _mark_window(ax, *windows[group], (window_starts or {}).get(group, "window start"), log_x)
        stats = []
        for k, (scen, days) in enumerate(series.items()):
            colour = scenario_colour(k)
            if days.size == 0:
                stats.append((colour, "no cases"))
                continue
            x, y = _ecdf(days, clip_low=ax.get_xlim()[0] if log_x else None)
            p50, p90 = np.percentile(days, [50, 90])
            stats.append((colour, f"p50 {fmt.days(p50)} · p90 {fmt.days(p90)} days"))
            ax.plot(
                x,
                y,
                color=colour,
                lw=line_width(k, len(series), 2.2),
                label=f"{stats[-1][1]}\n{cases_text(days.size, years_of(years, scen))}",
            )
            for p, q, marker in ((50, p50, "o"), (90, p90, "D")):
                xq = max(q, ax.get_xlim()[0]) if log_x else q
                ax.plot([xq, xq], [0, p], color=colour, lw=1.2, ls=":")
                ax.plot([xq], [p], marker=marker, ms=8, color=colour, mec="white", mew=1.2, zorder=5)
        for p in (50, 90):
            ax.axhline(p, color="0.6", lw=0.8, ls=":", zorder=0)
        if len(series) == 1:
            ax.legend(loc="best", fontsize=TICK_PT, frameon=True, framealpha=0.92, handlelength=1.2)
        else:  # scenario names go in the figure legend; the panel keeps one short coloured line per scenario
            stack_texts(ax, stats, boxed=False)
    legend = None
    if len(data) > 1:
        legend = [Line2D([], [], color=scenario_colour(k), lw=2.5, label=scen) for k, scen in enumerate(data)]
    finish(
        fig,
        title,
        note + ("" if not note else " ") + "Markers: ● p50 (median), ◆ p90.",
        legend=legend,
        legend_cols=len(data),
    )
    return fig


def cases_text(n: int, years: float | None) -> str:
    """The number of cases of a curve: per simulated year when the years the data pools are known."""
    if years is None or not years > 0:
        return f"{fmt.count(n)} cases"
    return f"{fmt.whole(n / years)} cases per year"


def _mark_window(ax, earliest: float, latest: float, start: str, log_x: bool) -> None:
    """The legal window on a lead-time panel: its latest day a dashed red line labelled "legal window ≤ 3 days"
    along it, the window shaded if it opens after day 0 (what it counts from goes in the figure's note)."""
    lo, hi = ax.get_xlim()
    if latest * 1.25 > hi:  # keep the line and its label inside the panel
        ax.set_xlim(lo, latest * 1.25 if log_x else latest * 1.1)
        if log_x:
            _day_ticks(ax, lo, latest * 1.25)
    if earliest > 0:
        ax.axvspan(earliest, latest, color=WINDOW_COLOUR, alpha=0.13, lw=0, zorder=0, gid="legal-window-span")
    ax.axvline(latest, color=LIMIT_COLOUR, lw=2.0, ls="--", zorder=4, gid="legal-window")
    ax.text(
        latest,
        0.42,
        f"legal window\n{fmt.window_span(earliest, latest)} ",
        transform=ax.get_xaxis_transform(),
        rotation=90,
        ha="right",
        va="center",
        fontsize=TICK_PT,
        color=LIMIT_COLOUR,
        bbox=dict(boxstyle="square,pad=0.15", fc="white", ec="none", alpha=0.85),  # legible over the curves
        zorder=6,
        gid="legal-window-label",
    )


def _ecdf(days: np.ndarray, clip_low: float | None = None, points: int = 1001) -> tuple[np.ndarray, np.ndarray]:
    """The empirical CDF in % as a step line; large samples are drawn from their quantiles (plenty for a figure,
    and a PNG of a million-point line is slow and heavy)."""
    if days.size <= points:
        x = np.sort(days)
        y = 100.0 * np.arange(1, x.size + 1) / x.size
        x, y = np.concatenate([[x[0]], x]), np.concatenate([[0.0], y])
    else:
        y = np.linspace(0, 100, points)
        x = np.percentile(days, y)
    if clip_low is not None:
        x = np.maximum(x, clip_low)
    return x, y


def _day_ticks(ax, lo: float, hi: float) -> None:
    ticks = [t for t in LOG_DAY_TICKS if lo <= t <= hi]
    if len(ticks) > 8:  # keep the labels apart on a wide range: a day, a week, a month, a quarter, a year
        ticks = [t for t in ticks if t in (0.1, 1, 7, 30, 90, 365, 1460)]
    if len(ticks) < 3:
        ticks = sorted(set(ticks) | {t for t in (0.25, 0.5, 1, 2, 3, 5) if lo <= t <= hi})
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.local(f"{v:g}") if v < 1000 else fmt.whole(v)))
