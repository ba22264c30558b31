"""The forecaster contract shared by every model: ``fit(y, drivers=None) -> self``, ``predict(horizon, level)``.

All models work on the logarithm of the series. Counts of cases are positive and their changes are relative
(a 5% fall, not a fall of 5,000), so errors and intervals are multiplicative and intervals never go below zero.
A model states its forecast on the log scale either as a normal mean and standard deviation per horizon
(`_forecast_log`, the baselines) or as simulated paths (`_simulate_log`, the PMJ-style model); `predict` turns
either into point forecasts and central intervals in the original units.

Input is refused with a clear `ValueError` before anything is estimated: a series that is too short for the
model, has a missing year, or has a value <= 0. `predict` before `fit` raises `NotFittedError`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as t_dist

from .data import YearlySeries, _years_text

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

DEFAULT_LEVELS = (80, 95)


_BLAS_DEPTH = [0]


def one_blas_thread(fn):
    """Run ``fn`` with a single BLAS thread.

    The models multiply matrices of a few dozen rows. Multithreaded BLAS gains nothing there, and on a shared
    2-core machine its spinning threads made statsmodels' ETS and Theta fits eight times slower (measured).
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        # re-entrant: the selected forecast fits hundreds of members inside its own fit, and setting the limit
        # costs more than a naive fit (it inspects every loaded library)
        if threadpool_limits is None or _BLAS_DEPTH[0]:
            return fn(*args, **kwargs)
        _BLAS_DEPTH[0] += 1
        try:
            with threadpool_limits(limits=1, user_api="blas"):
                return fn(*args, **kwargs)
        finally:
            _BLAS_DEPTH[0] -= 1

    return wrapper


class NotFittedError(ValueError):
    """`predict` or `simulate` was called before `fit`."""


@dataclass(frozen=True)
class Forecast:
    """Point forecasts and central intervals for the years after the last observed year.

    ``intervals[level] = (lower, upper)``; ``paths`` (if the model simulated) are sample paths in the original
    units, one row per path. ``info`` says how the forecast was made (model specification, drivers used and why,
    breaks detected, policy effects applied).
    """

    model: str
    years: tuple[int, ...]
    point: np.ndarray
    intervals: dict[float, tuple[np.ndarray, np.ndarray]]
    info: dict = field(default_factory=dict)
    paths: np.ndarray | None = None

    def lower(self, level: float) -> np.ndarray:
        return self.intervals[level][0]

    def upper(self, level: float) -> np.ndarray:
        return self.intervals[level][1]

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per year with point, lo<L> and hi<L> for each interval level."""
        d = {"model": self.model, "year": list(self.years), "point": self.point}
        for level in sorted(self.intervals):
            d[f"lo{level}"] = self.intervals[level][0]
            d[f"hi{level}"] = self.intervals[level][1]
        return pd.DataFrame(d)


def as_year_series(y, what: str = "y") -> pd.Series:
    """A pandas Series of floats indexed by whole years, from a Series, a YearlySeries or a {year: value} dict."""
    if isinstance(y, YearlySeries):
        return y.to_pandas()
    if isinstance(y, dict):
        y = pd.Series(y, dtype=float)
    if not isinstance(y, pd.Series):
        raise TypeError(f"{what} must be a pandas Series indexed by year, a YearlySeries or a {{year: value}} dict")
    try:
        idx = np.asarray(y.index, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: the index must hold years (whole numbers)") from None
    if len(idx) and (np.any(idx != np.round(idx))):
        raise ValueError(f"{what}: the index must hold years (whole numbers)")
    s = pd.Series(np.asarray(y.values, dtype=float), index=pd.Index(idx.astype(int), name="year"), name=y.name)
    if s.index.has_duplicates:
        raise ValueError(f"{what}: year {int(s.index[s.index.duplicated()][0])} appears twice")
    return s.sort_index()


def check_y(y: pd.Series, min_years: int, model: str, what: str = "y") -> None:
    """Refuse a series a log model cannot use: missing values, missing years, too short, or values <= 0."""
    if y.isna().any():
        raise ValueError(
            f"{what}: no value for {_years_text([int(v) for v in y.index[y.isna()]])} (gaps are not allowed)"
        )
    years = y.index.to_numpy()
    if len(years) >= 2:
        missing = sorted(set(range(int(years[0]), int(years[-1]) + 1)) - set(years.tolist()))
        if missing:
            raise ValueError(f"{what}: gap in the years (no value for {_years_text(missing)})")
    if len(y) < min_years:
        raise ValueError(f"{what}: too short for model '{model}': {len(y)} years, at least {min_years} needed")
    if (y <= 0).any():
        bad = [int(v) for v in y.index[y <= 0]]
        raise ValueError(f"{what}: values must be > 0 to take logarithms (not so in {_years_text(bad)})")


def check_levels(level) -> tuple[float, ...]:
    levels = (level,) if np.isscalar(level) else tuple(level)
    for lv in levels:
        if not (0 < float(lv) < 100):
            raise ValueError(f"level: {lv} is not a percentage between 0 and 100")
    return tuple(int(lv) if float(lv).is_integer() else float(lv) for lv in levels)


def check_horizon(horizon) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon: must be a whole number of years >= 1 (got {horizon!r})")
    return int(horizon)


class Forecaster:
    """Base class: validation, the log transform, and turning log forecasts into points and intervals.

    Subclasses set ``name`` and ``min_years`` and implement `_fit(z)` on the log values ``z`` plus either
    `_forecast_log(h) -> (mean, sd)` (normal on the log scale) or `_simulate_log(h, n, rng)` and `_point_log(h)`.
    """

    name = "base"
    min_years = 3
    uses_drivers = False

    @one_blas_thread
    def fit(self, y, drivers=None) -> Forecaster:
        y = as_year_series(y)
        check_y(y, self.min_years, self.name)
        if drivers and not self.uses_drivers:
            raise ValueError(f"drivers: model '{self.name}' does not use drivers")
        self.y_ = y
        self.years_ = tuple(int(v) for v in y.index)
        self._fit(np.log(y.to_numpy()), drivers)
        self._fitted = True
        return self

    def _check_fitted(self):
        if not getattr(self, "_fitted", False):
            raise NotFittedError(f"model '{self.name}' is not fitted yet: call fit(y) before predict/simulate")

    # -- hooks ---------------------------------------------------------------------------------------------------
    def _fit(self, z: np.ndarray, drivers) -> None:
        raise NotImplementedError

    def _forecast_log(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _simulates(self) -> bool:
        return type(self)._simulate_log is not Forecaster._simulate_log

    def _simulate_log(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def _point_log(self, h: int) -> np.ndarray:
        raise NotImplementedError

    def info(self) -> dict:
        """How the fitted model works (specification, drivers and why); shown in the output."""
        return {}

    def _quantile(self, level: float) -> float:
        """The multiple of `_forecast_log`'s standard deviation that gives a central ``level``% interval.

        Student t when the model's sigma is a plain sample estimate with ``df_`` degrees of freedom, else normal.
        """
        df = getattr(self, "df_", None)
        return float(t_dist.ppf(0.5 + level / 200, df) if df else norm.ppf(0.5 + level / 200))

    # -- public --------------------------------------------------------------------------------------------------
    @one_blas_thread
    def predict(self, horizon: int, level=DEFAULT_LEVELS, *, n_paths: int = 2000, seed: int = 0) -> Forecast:
        """Point forecasts (the median on the log scale, so a median in the original units) and central intervals.

        Models that simulate use ``n_paths`` paths drawn from ``seed``; the result is the same for the same seed.
        The other models compute their intervals exactly and add ``n_paths`` sample paths (see `simulate`) for
        policy effects and the simulator's intake; ``n_paths=0`` leaves them out.
        """
        self._check_fitted()
        h = check_horizon(horizon)
        levels = check_levels(level)
        years = tuple(self.years_[-1] + k for k in range(1, h + 1))
        paths = None
        if self._simulates():
            paths_log = self._simulate_log(h, n_paths, np.random.default_rng(seed))
            point = np.exp(self._point_log(h))
            intervals = {}
            for lv in levels:
                a = (100 - lv) / 200
                lo, hi = np.quantile(paths_log, [a, 1 - a], axis=0)
                intervals[lv] = (np.exp(lo), np.exp(hi))
            paths = np.exp(paths_log)
        else:
            mean, sd = self._forecast_log(h)
            point = np.exp(mean)
            intervals = {}
            for lv in levels:
                q = self._quantile(lv)
                intervals[lv] = (np.exp(mean - q * sd), np.exp(mean + q * sd))
            if n_paths:
                paths = self.simulate(h, n_paths, np.random.default_rng(seed))
        return Forecast(self.name, years, point, intervals, info=self.info(), paths=paths)

    def simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Sample paths in the original units, shape (n_paths, horizon).

        Models with a normal forecast on the log scale get paths with independent increments whose variance
        makes each year's spread match the model's forecast standard deviation (the random-walk correlation
        structure); the PMJ-style model simulates its own equations.
        """
        self._check_fitted()
        h = check_horizon(horizon)
        if self._simulates():
            return np.exp(self._simulate_log(h, n_paths, rng))
        mean, sd = self._forecast_log(h)
        var = np.maximum.accumulate(sd**2)
        step_sd = np.sqrt(np.diff(np.concatenate([[0.0], var])))
        eps = rng.standard_normal((n_paths, h)) * step_sd
        df = getattr(self, "df_", None)
        if df:  # one sigma draw per path, so each year's spread is Student t like the intervals
            eps *= np.sqrt(df / rng.chisquare(df, n_paths))[:, None]
        return np.exp(mean + np.cumsum(eps, axis=1))
