"""Forecast accuracy measures: MAPE, MASE and interval coverage.

MASE is the standard form of Hyndman & Koehler (2006): an absolute forecast error divided by the in-sample mean
absolute one-step error of the naive forecast, ``mean(|y_t - y_{t-1}|)`` over the training years of that forecast
origin. A value of 1 means "as large as a typical year-to-year change", so models and horizons compare on one
scale, and the naive model's own MASE at horizon 1 is close to (not exactly) 1 out of sample.
"""

from __future__ import annotations

import numpy as np


def naive_scale(train) -> float:
    """In-sample mean absolute one-step naive error of the training values (original units)."""
    y = np.asarray(train, float)
    if len(y) < 2:
        raise ValueError("naive_scale: needs at least 2 training values")
    return float(np.mean(np.abs(np.diff(y))))


def ape(actual, forecast) -> np.ndarray:
    """Absolute percentage errors, in percent."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    return 100 * np.abs(a - f) / np.abs(a)


def mape(actual, forecast) -> float:
    return float(np.mean(ape(actual, forecast)))


def mase(actual, forecast, train) -> float:
    """MASE of forecasts from one origin, scaled by that origin's training values."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    return float(np.mean(np.abs(a - f)) / naive_scale(train))


def covered(actual, lower, upper) -> np.ndarray:
    a = np.asarray(actual, float)
    return (a >= np.asarray(lower, float)) & (a <= np.asarray(upper, float))
