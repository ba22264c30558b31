"""Each baseline against an independent reference: hand formulas, or statsmodels called directly."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t

from sim.forecast import Combination, DampedETS, Drift, Naive, Theta

Y = pd.Series([120.0, 126, 131, 129, 138, 142, 150, 149, 157, 163, 160, 171], index=range(2010, 2022))
Z = np.log(Y.to_numpy())


def test_naive_by_hand():
    f = Naive().fit(Y).predict(3, level=95)
    np.testing.assert_allclose(f.point, [171, 171, 171])
    sigma = np.sqrt(np.mean(np.diff(Z) ** 2))
    q = t.ppf(0.975, len(Y) - 1)
    np.testing.assert_allclose(f.upper(95), 171 * np.exp(q * sigma * np.sqrt([1, 2, 3])))
    np.testing.assert_allclose(f.lower(95), 171 * np.exp(-q * sigma * np.sqrt([1, 2, 3])))


def test_drift_by_hand():
    f = Drift().fit(Y).predict(3, level=80)
    T = len(Y)
    h = np.arange(1, 4)
    # geometric drift: last value times (last/first)^(h/(T-1))
    np.testing.assert_allclose(f.point, 171 * (171 / 120) ** (h / (T - 1)))
    sd = np.std(np.diff(Z), ddof=1) * np.sqrt(h * (1 + h / (T - 1)))
    np.testing.assert_allclose(f.upper(80), f.point * np.exp(t.ppf(0.9, T - 2) * sd))


def test_damped_ets_equals_statsmodels():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ETSModel(pd.Series(Z), error="add", trend="add", damped_trend=True).fit(disp=False)
        ref_pred = ref.get_prediction(start=len(Z), end=len(Z) + 3).summary_frame(alpha=0.05)
    f = DampedETS().fit(Y).predict(4, level=95)
    np.testing.assert_allclose(f.point, np.exp(ref_pred["mean"]), rtol=1e-6)
    np.testing.assert_allclose(f.lower(95), np.exp(ref_pred["pi_lower"]), rtol=1e-6)
    assert DampedETS().fit(Y).info()["params"]["damping_trend"] < 1


def test_theta_equals_statsmodels():
    from statsmodels.tsa.forecasting.theta import ThetaModel

    ref = ThetaModel(pd.Series(Z), period=1, deseasonalize=False).fit()
    f = Theta().fit(Y).predict(4, level=95)
    np.testing.assert_allclose(f.point, np.exp(np.asarray(ref.forecast(4))), rtol=1e-9)
    pi = np.asarray(ref.prediction_intervals(4, alpha=0.05))
    np.testing.assert_allclose(f.lower(95), np.exp(pi[:, 0]), rtol=1e-9)
    np.testing.assert_allclose(f.upper(95), np.exp(pi[:, 1]), rtol=1e-9)


def test_combination_is_the_geometric_mean_of_ets_and_theta():
    e = DampedETS().fit(Y).predict(4)
    t = Theta().fit(Y).predict(4)
    c = Combination().fit(Y).predict(4)
    np.testing.assert_allclose(c.point, np.sqrt(e.point * t.point), rtol=1e-9)
    np.testing.assert_allclose(c.lower(95), np.sqrt(e.lower(95) * t.lower(95)), rtol=1e-9)


@pytest.mark.long  # a coverage check over many simulated series: with the long tests, which CI runs
def test_drift_intervals_cover_95_percent_of_a_random_walk_with_drift():
    """On data from the model's own assumptions the 95% interval must hold about 95% of the outcomes."""
    rng = np.random.default_rng(2024)
    n_series, n, h = 1500, 25, 3
    hits = np.zeros(h)
    for _ in range(n_series):
        z = np.log(500) + np.cumsum(0.03 + 0.05 * rng.standard_normal(n + h))
        y = pd.Series(np.exp(z[:n]), index=range(n))
        f = Drift().fit(y).predict(h, level=95, n_paths=0)
        actual = np.exp(z[n:])
        hits += (actual >= f.lower(95)) & (actual <= f.upper(95))
    coverage = hits / n_series
    assert np.all(np.abs(coverage - 0.95) < 0.025), coverage


def test_simulated_paths_match_the_normal_forecast():
    m = Naive().fit(Y)
    paths = m.simulate(4, 20000, np.random.default_rng(3))
    f = m.predict(4, level=95, n_paths=0)
    lo, hi = np.quantile(paths, [0.025, 0.975], axis=0)
    np.testing.assert_allclose(lo, f.lower(95), rtol=0.01)
    np.testing.assert_allclose(hi, f.upper(95), rtol=0.01)
