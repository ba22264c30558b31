"""The backlog figure: cases per stage (voorraad) over calendar time, a small panel per stage, the median over
replications with a band over replications.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from ..labels import STAGE_LABELS
from ..results import BacklogTable
from .bands import START_NOTE, band_legend, band_panel, time_marks
from .style import LABEL_PT, PANEL_TITLE_PT, finish, label_bottom_row, panel_grid, style_axes


def backlog_figure(
    backlogs: Mapping[str, BacklogTable] | BacklogTable,
    title: str,
    *,
    stages: Sequence[str] | None = None,
    note: str = "",
) -> Figure:
    """Backlog per stage over time: one small panel per stage, the median over replications as a line and a band
    over replications (10–90% with ten or more replications, else min–max), calendar dates on the x axis, the end
    of the warm-up and of intake (the horizon) marked.

    `backlogs` maps scenario -> `BacklogTable` (or is one table for one scenario).
    """
    data = {"": backlogs} if isinstance(backlogs, BacklogTable) else dict(backlogs)
    if stages is None:
        stages = list(dict.fromkeys(s for b in data.values() for s in b.cases))
    fig, axes, ncols = panel_grid(len(stages), 5)
    bands: set[tuple[int, int]] = set()
    marks = time_marks(data)
    for ax, stage in zip(axes, stages):
        ax.set_title(STAGE_LABELS.get(stage, stage), fontsize=PANEL_TITLE_PT)
        style_axes(ax)
        band_panel(ax, [(b.dates, b.cases.get(stage)) for b in data.values()], marks, bands)
    label_bottom_row(axes, len(stages), ncols)
    n_reps = max((b.cases[s].shape[0] for b in data.values() for s in b.cases), default=0)
    handles = band_legend(data, bands, marks)
    fig.supylabel("cases in the stage (start of day)", fontsize=LABEL_PT)
    finish(
        fig,
        title,
        note
        or (
            f"Cases in each stage at the start of every day ({n_reps} replications). "
            + START_NOTE[any(b.warmup_end is not None for b in data.values())]
        ),
        legend=handles,
        legend_cols=4,
    )
    return fig
