"""The intake forecaster: PMJ-style yearly forecasts of the chain's intake, backtested against simple models.

It stands beside the chain simulator and never imports SimPy. `data` reads yearly CSV series with their
provenance; `base` is the contract every model follows (``fit(y, drivers=None) -> self``, ``predict(horizon,
level)``); `baselines` holds naive, drift, damped ETS, Theta and their combination; `pmj` the PMJ-style regression
with AR(1) errors and projected drivers; `breaks` the trend-break test; `backtest` and `metrics` the rolling-origin
evaluation; `chain` links registered crime to OM intake and routes; `policy` adds named policy effects on top of
the policy-neutral base; `intake` turns a scenario's ``volume = { forecast = ... }`` into yearly intake paths for
the simulator; `plots` draws; `workflow` reads, fits and writes a forecast results folder for the ``ketensim
forecast`` command (`sim/cli/forecast.py`). See docs/forecasting.md.
"""

from .base import DEFAULT_LEVELS, Forecast, Forecaster, NotFittedError
from .baselines import Combination, DampedETS, Drift, Naive, Theta
from .data import SeriesError, YearlySeries, read_series
from .pmj import PMJModel, Spec
from .select import Selected

MODELS = {
    "naive": Naive,
    "drift": Drift,
    "ets": DampedETS,
    "theta": Theta,
    "combination": Combination,
    "pmj": PMJModel,
    "selected": Selected,
}


def make_model(name: str, **kwargs) -> Forecaster:
    """A fresh, unfitted model by name (see MODELS)."""
    if name not in MODELS:
        raise ValueError(f"model: unknown model '{name}' (choose from {', '.join(MODELS)})")
    return MODELS[name](**kwargs)


__all__ = [
    "DEFAULT_LEVELS",
    "Forecast",
    "Forecaster",
    "NotFittedError",
    "Combination",
    "DampedETS",
    "Drift",
    "Naive",
    "Theta",
    "PMJModel",
    "Selected",
    "Spec",
    "SeriesError",
    "YearlySeries",
    "read_series",
    "MODELS",
    "make_model",
]
