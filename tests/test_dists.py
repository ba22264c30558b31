"""Duration distributions know their mean and variance; samples agree with them."""

from __future__ import annotations

import numpy as np
import pytest

from sim import dists


@pytest.mark.parametrize(
    "d",
    [
        dists.Fixed(3.0),
        dists.Exponential(5.0),
        dists.Lognormal(12.0, 0.8),
        dists.Lognormal(0.25, 0.5),
        dists.Gamma(30.0, 0.6),
        dists.Uniform(2.0, 9.0),
        dists.Empirical((1.0, 2.0, 10.0), (0.5, 0.3, 0.2)),
    ],
)
def test_samples_match_mean_and_variance(d):
    x = d.sample(np.random.default_rng(3), 400_000)
    assert x.min() >= 0
    assert x.mean() == pytest.approx(d.mean, rel=0.01, abs=1e-12)
    assert x.var() == pytest.approx(d.variance, rel=0.05, abs=1e-12)


def test_zero_mean_is_zero():
    for d in (dists.Exponential(0.0), dists.Lognormal(0.0, 1.0), dists.Gamma(0.0, 1.0)):
        assert not d.sample(np.random.default_rng(0), 10).any()
