"""Duration distributions, in days.

Every duration in a scenario is one of these. Each knows its own mean and variance (tests check samples against
them) and draws many values at once from a numpy Generator, because the model pre-draws one value per case from a
named stream (see `streams`): that keeps draws independent of event order, which is what makes common random numbers
work between scenarios.

Parameterisations follow what planners know: lognormal and gamma by mean and coefficient of variation (cv = sd/mean),
exponential by mean, empirical by observed values with optional weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


class Distribution:
    """A non-negative duration distribution in days."""

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def mean(self) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def variance(self) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def sample_length_biased(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draws with density proportional to x·f(x): the duration of whatever is in progress at a given moment
        (a sentence being served on a date is more often a long one). Its mean is mean + variance / mean. Exact
        for every distribution here; this fallback resamples 256 draws each in proportion to their length."""
        k = 256
        draws = self.sample(rng, size * k).reshape(size, k)
        totals = draws.sum(axis=1, keepdims=True)
        p = np.divide(draws, totals, out=np.full_like(draws, 1.0 / k), where=totals > 0)
        pick = (p.cumsum(axis=1) < rng.random((size, 1))).sum(axis=1).clip(0, k - 1)
        return draws[np.arange(size), pick]


@dataclass(frozen=True)
class Fixed(Distribution):
    value: float

    def sample(self, rng, size):
        return np.full(size, self.value, dtype=float)

    def sample_length_biased(self, rng, size):
        return self.sample(rng, size)

    @property
    def mean(self):
        return self.value

    @property
    def variance(self):
        return 0.0


@dataclass(frozen=True)
class Exponential(Distribution):
    mean_days: float

    def sample(self, rng, size):
        if self.mean_days == 0:
            return np.zeros(size)
        return rng.exponential(self.mean_days, size)

    def sample_length_biased(self, rng, size):
        return rng.gamma(2.0, self.mean_days, size) if self.mean_days else np.zeros(size)

    @property
    def mean(self):
        return self.mean_days

    @property
    def variance(self):
        return self.mean_days**2


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal with the given mean and coefficient of variation (not the parameters of the underlying normal)."""

    mean_days: float
    cv: float

    @property
    def _sigma(self) -> float:
        return math.sqrt(math.log1p(self.cv**2))

    @property
    def _mu(self) -> float:
        return math.log(self.mean_days) - 0.5 * self._sigma**2

    def sample(self, rng, size):
        if self.mean_days == 0:
            return np.zeros(size)
        return rng.lognormal(self._mu, self._sigma, size)

    def sample_length_biased(self, rng, size):
        if self.mean_days == 0:
            return np.zeros(size)
        return rng.lognormal(self._mu + self._sigma**2, self._sigma, size)

    @property
    def mean(self):
        return self.mean_days

    @property
    def variance(self):
        return (self.cv * self.mean_days) ** 2


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma with the given mean and coefficient of variation: shape = 1/cv², scale = mean·cv²."""

    mean_days: float
    cv: float

    def sample(self, rng, size):
        if self.mean_days == 0:
            return np.zeros(size)
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean_days / shape, size)

    def sample_length_biased(self, rng, size):
        if self.mean_days == 0:
            return np.zeros(size)
        shape = 1.0 / self.cv**2
        return rng.gamma(shape + 1.0, self.mean_days / shape, size)

    @property
    def mean(self):
        return self.mean_days

    @property
    def variance(self):
        return (self.cv * self.mean_days) ** 2


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float

    def sample(self, rng, size):
        return rng.uniform(self.low, self.high, size)

    def sample_length_biased(self, rng, size):
        lo2, hi2 = self.low**2, self.high**2
        return np.sqrt(lo2 + rng.random(size) * (hi2 - lo2))

    @property
    def mean(self):
        return 0.5 * (self.low + self.high)

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12.0


@dataclass(frozen=True)
class Empirical(Distribution):
    """Resamples observed durations, each with its weight (equal weights if none are given)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]

    def sample(self, rng, size):
        return rng.choice(np.asarray(self.values, float), size=size, p=np.asarray(self.weights, float))

    def sample_length_biased(self, rng, size):
        v = np.asarray(self.values, float)
        w = v * np.asarray(self.weights, float)
        return rng.choice(v, size=size, p=w / w.sum()) if w.sum() > 0 else self.sample(rng, size)

    @property
    def mean(self):
        return float(np.dot(self.values, self.weights))

    @property
    def variance(self):
        v = np.asarray(self.values, float)
        return float(np.dot((v - self.mean) ** 2, self.weights))
