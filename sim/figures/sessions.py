"""The court-session figure: per session type, the fill rate of held sessions and the share of planned sessions
cancelled, as bars with their 95% intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator

from ..kpis import KpiRow
from ..labels import session_type_label
from .bars import CROWDED_BARS, headroom, kpi_bars
from .inputs import by_scenario_rows
from .style import DPI, PANEL_TITLE_PT, SLIDE, TICK_PT, finish, scenario_colour, style_axes


def session_fill_figure(
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow],
    title: str,
    *,
    session_types: Sequence[str] | None = None,
    note: str = "",
) -> Figure:
    """Per court session type: the fill rate (slots used of slots offered in held sessions) and the share of planned
    sessions cancelled, as bars with their 95% intervals, one bar per scenario."""
    data = by_scenario_rows(kpis)
    if session_types is None:
        session_types = list(
            dict.fromkeys(r.group for rows in data.values() for r in rows if r.metric == "session_fill_rate")
        )
    fig = Figure(figsize=SLIDE, dpi=DPI, layout="constrained")
    axes = fig.subplots(1, 2)
    panels = (
        ("session_fill_rate", "fill rate: slots used in held sessions", "% of slots offered"),
        ("sessions_cancelled_share", "cancelled: planned sessions not held", "% of planned sessions"),
    )
    x = np.arange(len(session_types))
    for ax, (metric, panel_title, ylabel) in zip(axes, panels):
        ax.set_title(panel_title, fontsize=PANEL_TITLE_PT)
        style_axes(ax, ylabel=ylabel)
        top = kpi_bars(ax, data, metric, session_types, 100.0, percent=True)
        ax.set_xticks(x, [session_type_label(s) for s in session_types], fontsize=TICK_PT)
        crowded = len(data) >= CROWDED_BARS
        ax.set_ylim(
            0, (125 if crowded else 112) if metric == "session_fill_rate" else max(top * headroom(len(data)), 5)
        )
        if metric == "session_fill_rate":
            ax.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
            ax.axhline(100, color="0.5", lw=0.8, ls=":")
    handles = [Patch(color=scenario_colour(k), label=s) for k, s in enumerate(data)] if len(data) > 1 else None
    finish(
        fig,
        title,
        note
        or "Court sessions planned between the end of the warm-up and the horizon. "
        "Error bars: 95% interval over replications.",
        legend=handles,
        legend_cols=len(data),
    )
    return fig
