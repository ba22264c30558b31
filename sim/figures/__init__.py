"""Figures of a results folder, for capacity-planning workshops (shown on a projector), one module per theme:
`lead_times`, `windows`, `backlogs`, `routes` (route shares and the flow of cases), `sessions`, `throughput`,
`differences` (comparison figures); `style`, `bands`, `bars` and `inputs` are what they share, and `sets` assembles
the standard and comparison figure sets and writes them as PNGs.

Figure functions take tables and return figures (STYLE.md principle 5): each ``*_figure`` function takes plain
tables (numpy arrays of days, `KpiRow` lists, a `BacklogTable`, ...) keyed by scenario name and returns a
`matplotlib.figure.Figure`; the same functions draw one scenario or several side by side. A mapping with a single
unnamed scenario may be given without the outer level, e.g. ``lead_time_figure({"sepot": days, ...}, title)``.
The tables come from `sim.results`, which reads results folders; labels from `sim.labels` and `sim.catalogue`.
"""

from .sets import (
    COMPARISON_FILES,
    FILES,
    comparison_figures,
    draw_standard_plots,
    plot_comparison,
    plot_results,
    standard_figures,
    write_figures,
)

__all__ = [
    "COMPARISON_FILES",
    "FILES",
    "comparison_figures",
    "draw_standard_plots",
    "plot_comparison",
    "plot_results",
    "standard_figures",
    "write_figures",
]
