"""Duration distributions know their mean and variance; samples agree with them."""

from __future__ import annotations

import numpy as np
import pytest

from sim import dists

ALL = [
    dists.Fixed(3.0),
    dists.Exponential(5.0),
    dists.Lognormal(12.0, 0.8),
    dists.Lognormal(0.25, 0.5),
    dists.Gamma(30.0, 0.6),
    dists.Uniform(2.0, 9.0),
    dists.Empirical((1.0, 2.0, 10.0), (0.5, 0.3, 0.2)),
]


@pytest.mark.parametrize("d", ALL)
def test_samples_match_mean_and_variance(d):
    x = d.sample(np.random.default_rng(3), 400_000)
    assert x.min() >= 0
    assert x.mean() == pytest.approx(d.mean, rel=0.01, abs=1e-12)
    assert x.var() == pytest.approx(d.variance, rel=0.05, abs=1e-12)


def test_zero_mean_is_zero():
    for d in (dists.Exponential(0.0), dists.Lognormal(0.0, 1.0), dists.Gamma(0.0, 1.0)):
        assert not d.sample(np.random.default_rng(0), 10).any()


class _Resampled(dists.Distribution):
    """A distribution with only `sample`: exercises the generic length-biased resampling."""

    def __init__(self, inner):
        self.inner = inner

    def sample(self, rng, size):
        return self.inner.sample(rng, size)


@pytest.mark.parametrize("d", [*ALL, _Resampled(dists.Lognormal(12.0, 0.8))])
def test_length_biased_samples_have_mean_plus_variance_over_mean(d):
    """What is in progress on a date (a sentence being served) is drawn with density x f(x): mean E[X^2] / E[X]."""
    inner = d.inner if isinstance(d, _Resampled) else d
    x = d.sample_length_biased(np.random.default_rng(5), 200_000)
    assert x.min() >= 0
    assert x.mean() == pytest.approx(inner.mean + inner.variance / inner.mean, rel=0.02)
