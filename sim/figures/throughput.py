"""The throughput figure: events per calendar week (OM intake, OM decisions, verdicts, executions completed), the
median over replications with a band over replications.
"""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.figure import Figure

from ..labels import WEEKLY_EVENTS
from ..results import WeeklyTable
from .bands import START_NOTE, band_legend, band_panel, time_marks
from .style import PANEL_TITLE_PT, finish, panel_grid, style_axes


def throughput_figure(
    weekly: Mapping[str, WeeklyTable] | WeeklyTable,
    title: str,
    *,
    events: Mapping[str, str] = WEEKLY_EVENTS,
    note: str = "",
) -> Figure:
    """Events per calendar week (OM intake, OM decisions, verdicts, executions completed), one panel per event,
    the median over replications as a line with a band over replications, the end of the warm-up and of intake
    marked. `weekly` maps scenario -> `WeeklyTable` (or is one table)."""
    data = {"": weekly} if isinstance(weekly, WeeklyTable) else dict(weekly)
    keys = [e for e in events if any(e in t.counts for t in data.values())]
    fig, axes, _ = panel_grid(len(keys), 2)
    marks = time_marks(data)
    bands: set[tuple[int, int]] = set()
    for ax, key in zip(axes, keys):
        ax.set_title(events[key], fontsize=PANEL_TITLE_PT)
        style_axes(ax, ylabel="cases per week")
        # the last week is cut short by the end of the run: leave it out
        band_panel(
            ax,
            [(t.week_starts[:-1], None if t.counts.get(key) is None else t.counts[key][:, :-1]) for t in data.values()],
            marks,
            bands,
        )
    handles = band_legend(data, bands, marks)
    finish(
        fig,
        title,
        note
        or (
            "Cases per calendar week, all cases (not only the cohort). "
            + START_NOTE[any(t.warmup_end is not None for t in data.values())]
            + " Line: median over replications."
        ),
        legend=handles,
        legend_cols=4,
    )
    return fig
