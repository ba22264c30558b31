"""Plots of forecasts and backtests. Each function takes tables or forecasts and returns a matplotlib Figure.

Like `sim.figures`, figures are built on `matplotlib.figure.Figure` directly, never through pyplot, so no backend is
chosen for whoever imports this module and a figure is freed when it goes out of scope.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .base import Forecast

_COLOURS = {
    "naive": "#7f7f7f",
    "drift": "#bcbd22",
    "ets": "#1f77b4",
    "theta": "#17becf",
    "combination": "#9467bd",
    "pmj": "#d62728",
}


def plot_forecast(
    history: pd.Series,
    forecasts: list[Forecast],
    *,
    highlight: str | None = None,
    title: str = "",
    unit: str = "",
    flags: dict | None = None,
):
    """History as a line, each model's point forecast, and the 80%/95% bands of the highlighted model."""
    fig = Figure(figsize=(9, 5))
    ax = fig.subplots()
    ax.plot(history.index, history.values, color="black", lw=1.8, label="observed")
    for year in (flags or {}).get("provisional", []):
        if year in history.index:
            ax.plot([year], [history[year]], "o", mfc="white", mec="black", ms=5)
    for f in forecasts:
        colour = _COLOURS.get(f.model.split("+")[0], None)
        main = f.model == highlight
        x = [history.index[-1]] + list(f.years)
        y = [history.iloc[-1]] + list(f.point)
        ax.plot(x, y, color=colour, lw=2.2 if main else 1.0, ls="-" if main else "--", label=f.model)
        if main:
            for lv, alpha in ((95, 0.15), (80, 0.3)):
                if lv in f.intervals:
                    lo, hi = f.intervals[lv]
                    ax.fill_between(f.years, lo, hi, color=colour, alpha=alpha, lw=0, label=f"{f.model} {lv}%")
    ax.set_title(title)
    ax.set_xlabel("year")
    ax.set_ylabel(unit or "value")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    if (flags or {}).get("provisional"):
        ax.text(0.01, 0.01, "open circles: provisional values", transform=ax.transAxes, fontsize=7)
    fig.tight_layout()
    return fig


def plot_backtest(summary: pd.DataFrame, *, title: str = ""):
    """MASE and MAPE by horizon per model, and the share of actuals inside the 80% and 95% intervals."""
    fig = Figure(figsize=(13, 4.2))
    axes = fig.subplots(1, 3)
    for model, g in summary.groupby("model", sort=False):
        c = _COLOURS.get(model)
        lw = 2.2 if model == "pmj" else 1.2
        axes[0].plot(g["horizon"], g["mase"], marker="o", color=c, lw=lw, label=model)
        axes[1].plot(g["horizon"], g["mape"], marker="o", color=c, lw=lw, label=model)
        if "coverage95" in g:
            axes[2].plot(g["horizon"], g["coverage95"], marker="o", color=c, lw=lw, label=f"{model} 95%")
        if "coverage80" in g:
            axes[2].plot(g["horizon"], g["coverage80"], marker=".", color=c, lw=0.8, ls=":")
    axes[0].set_title("MASE (lower is better)")
    axes[1].set_title("MAPE, %")
    horizons = np.arange(1, int(summary["horizon"].max()) + 1)
    pmj = {1: 5, 3: 11, 6: 17}
    axes[1].plot(
        [h for h in pmj if h in horizons], [pmj[h] for h in pmj if h in horizons], "k*", ms=10, label="PMJ published"
    )
    axes[2].axhspan(85, 99, color="green", alpha=0.08)
    axes[2].axhline(95, color="black", lw=0.6)
    axes[2].axhline(80, color="black", lw=0.6, ls=":")
    axes[2].set_title("inside interval, % (95% solid, 80% dotted)")
    axes[2].set_ylim(0, 102)
    for ax in axes:
        ax.set_xlabel("horizon, years")
        ax.set_xticks(horizons)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
