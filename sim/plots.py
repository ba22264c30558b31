"""The old name of the figure entry points, kept only for `sim/cli.py` (``ketensim run``, ``plot`` and ``compare``
call `plot_results` and `plot_comparison` from here). It goes once the command line imports `sim.figures`.

What this module used to hold now lives in: `sim.results` (reading results and compare folders), `sim.catalogue`
(key figures: labels, units, themes), `sim.labels` (route, stage and session-type words), `sim.formatting`
(number formatters) and `sim.figures` (one module per theme of figures, `sim.figures.sets` for the figure sets).
"""

from .figures import (COMPARISON_FILES, FILES, comparison_figures, draw_standard_plots, plot_comparison, plot_results,
                      standard_figures)

__all__ = ["COMPARISON_FILES", "FILES", "comparison_figures", "draw_standard_plots", "plot_comparison",
           "plot_results", "standard_figures"]
