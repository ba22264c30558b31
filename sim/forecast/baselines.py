"""Baseline forecasters in the shared contract: naive, drift, damped-trend exponential smoothing, Theta, and the
mean of damped ETS and Theta.

They are the yardstick the PMJ-style model has to beat, and the evaluations of PMJ itself compare it with exactly
such simple time-series models (docs/domain.md §5). All work on log values (see `base`), so "naive" is the last value,
"drift" is the average yearly growth rate since the first year, and the intervals are multiplicative.

Naive and drift are written out (the formulas are two lines; see Hyndman & Athanasopoulos, *Forecasting:
principles and practice*, 3rd ed., §5.5). Damped ETS and Theta are statsmodels' `ETSModel` and `ThetaModel`,
not rewritten here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import norm

from .base import Forecaster


class Naive(Forecaster):
    """Random walk: every future year equals the last observed one.

    The interval standard deviation on the log scale is sigma*sqrt(h), with sigma the root mean square of the
    yearly log changes (the one-step residuals of the naive model, which assumes they have mean zero). Intervals
    use Student's t with T-1 degrees of freedom, since sigma is estimated from few years.
    """

    name = "naive"
    min_years = 3

    def _fit(self, z, drivers):
        d = np.diff(z)
        self.last_ = z[-1]
        self.sigma_ = float(np.sqrt(np.mean(d**2)))
        self.df_ = len(d)

    def _forecast_log(self, h):
        steps = np.arange(1, h + 1)
        return np.full(h, self.last_), self.sigma_ * np.sqrt(steps)

    def info(self):
        return {"model": "naive (random walk on log values)", "sigma_log": self.sigma_}


class Drift(Forecaster):
    """Random walk with drift: the last value grown at the average yearly log change over the whole history.

    Interval sd on the log scale: sigma*sqrt(h*(1 + h/(T-1))), with T observations and sigma the standard deviation
    of the yearly log changes around their mean (the second term is the uncertainty of the drift itself).
    Intervals use Student's t with T-2 degrees of freedom.
    """

    name = "drift"
    min_years = 4

    def _fit(self, z, drivers):
        d = np.diff(z)
        self.n_ = len(z)
        self.last_ = z[-1]
        self.drift_ = float((z[-1] - z[0]) / (len(z) - 1))
        self.sigma_ = float(np.std(d, ddof=1))
        self.df_ = len(d) - 1

    def _forecast_log(self, h):
        steps = np.arange(1, h + 1)
        mean = self.last_ + self.drift_ * steps
        sd = self.sigma_ * np.sqrt(steps * (1 + steps / (self.n_ - 1)))
        return mean, sd

    def info(self):
        return {"model": "drift (random walk with drift on log values)", "drift_log_per_year": self.drift_}


class DampedETS(Forecaster):
    """Additive damped-trend exponential smoothing, ETS(A,Ad,N), on log values: statsmodels' `ETSModel`.

    The trend is damped (phi < 1), so forecasts level off instead of extrapolating a trend for ever, which is what
    made damped trend hard to beat in forecasting competitions of yearly data.
    """

    name = "ets"
    min_years = 8

    def _fit(self, z, drivers):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        # a RangeIndex: statsmodels' prediction tables need an index (numpy input fails in get_prediction)
        self.n_ = len(z)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.res_ = ETSModel(pd.Series(z), error="add", trend="add", damped_trend=True).fit(disp=False)

    def _forecast_log(self, h):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = self.res_.get_prediction(start=self.n_, end=self.n_ + h - 1)
        mean = np.asarray(pred.predicted_mean, float)
        sd = np.sqrt(np.asarray(pred.forecast_variance, float))
        return mean, sd

    def info(self):
        p = dict(zip(self.res_.param_names, np.asarray(self.res_.params, float)))
        return {
            "model": "damped-trend ETS(A,Ad,N) on log values (statsmodels ETSModel)",
            "params": {k: float(v) for k, v in p.items()},
        }


class Theta(Forecaster):
    """The Theta method (Assimakopoulos & Nikolopoulos 2000) on log values: statsmodels' `ThetaModel`, no seasons.

    It is simple exponential smoothing plus half the slope of a linear trend; its intervals are those of the
    smoothing model (statsmodels `prediction_intervals`), turned into a standard deviation on the log scale.
    """

    name = "theta"
    min_years = 5

    def _fit(self, z, drivers):
        from statsmodels.tsa.forecasting.theta import ThetaModel

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.res_ = ThetaModel(pd.Series(z), period=1, deseasonalize=False).fit()

    def _forecast_log(self, h):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = np.asarray(self.res_.forecast(h), float)
            pi = np.asarray(self.res_.prediction_intervals(h, alpha=0.05), float)
        sd = (pi[:, 1] - pi[:, 0]) / (2 * norm.ppf(0.975))
        return mean, sd

    def info(self):
        return {"model": "Theta method on log values (statsmodels ThetaModel)"}


class Combination(Forecaster):
    """The equally weighted mean of damped ETS and Theta on the log scale (a geometric mean of the forecasts).

    Combining simple methods is among the most robust choices for short yearly series (the M3/M4 competitions).
    The interval is the mean of the members' intervals (mean of their log-scale standard deviations); the members'
    errors are strongly correlated, so this is close to the interval of the combined forecast.
    """

    name = "combination"

    def __init__(self, members: tuple[Forecaster, ...] | None = None):
        self.members = members if members is not None else (DampedETS(), Theta())
        self.min_years = max(m.min_years for m in self.members)

    def _fit(self, z, drivers):
        for m in self.members:
            m.fit(self.y_)

    def _forecast_log(self, h):
        parts = [m._forecast_log(h) for m in self.members]
        return np.mean([p[0] for p in parts], axis=0), np.mean([p[1] for p in parts], axis=0)

    def info(self):
        return {"model": "mean of " + " and ".join(m.name for m in self.members) + " (log scale)"}
