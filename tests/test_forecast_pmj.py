"""The PMJ-style model: estimation, drivers used only where they help, driver uncertainty, chain (ratio) form."""

import numpy as np
import pandas as pd
import pytest

from sim.forecast import PMJModel, Spec
from sim.forecast.pmj import _gls_ar1


def ar1(n, phi, sigma, rng):
    u = np.zeros(n)
    for t in range(1, n):
        u[t] = phi * u[t - 1] + sigma * rng.standard_normal()
    return u


def test_regression_with_ar1_errors_recovers_the_truth():
    rng = np.random.default_rng(5)
    n = 400
    x = np.cumsum(rng.standard_normal(n))
    w = 2.0 + 0.7 * x + ar1(n, 0.6, 0.5, rng)
    beta, cov, phi, sigma2, _, _ = _gls_ar1(w, np.column_stack([np.ones(n), x]), 0.98)
    assert beta[1] == pytest.approx(0.7, abs=0.05)
    assert phi == pytest.approx(0.6, abs=0.08)
    assert np.sqrt(sigma2) == pytest.approx(0.5, abs=0.05)
    assert np.sqrt(cov[1, 1]) < 0.05


def driven(n=30, seed=0):
    """A target whose growth is its driver's growth (elasticity 1) plus a little noise; driver wanders."""
    rng = np.random.default_rng(seed)
    years = range(1990, 1990 + n)
    x = np.log(100) + np.cumsum(0.05 * rng.standard_normal(n))
    z = np.log(50) + (x - x[0]) + np.cumsum(0.005 * rng.standard_normal(n))
    return pd.Series(np.exp(z), index=years), pd.Series(np.exp(x), index=years)


def test_a_driver_that_drives_the_target_is_used_and_noise_is_not():
    """The target's growth is a smooth cycle (its driver's growth) plus noise: knowing the driver helps."""
    rng = np.random.default_rng(0)
    n, t = 35, np.arange(35)
    g = 0.04 * np.sin(2 * np.pi * t / 30) + 0.002 * rng.standard_normal(n)
    years = range(1990, 1990 + n)
    x = pd.Series(100 * np.exp(np.cumsum(g)), index=years)
    y = pd.Series(50 * np.exp(np.cumsum(g + 0.02 * rng.standard_normal(n))), index=years)
    noise = pd.Series(np.exp(np.cumsum(0.03 * rng.standard_normal(n))), index=years)
    info = PMJModel().fit(y, {"driver": x, "noise": noise}).info()
    assert info["drivers"]["driver"]["used"] is True
    assert "lowered the inner backtest error" in info["drivers"]["driver"]["why"]
    assert info["drivers"]["noise"]["used"] is False
    assert info["drivers"]["noise"]["why"].startswith("not used")


def test_a_driver_that_ends_too_early_is_excluded_with_the_reason():
    y, x = driven()
    m = PMJModel().fit(y, {"old": x[x.index <= 2013]})
    assert "ends in 2013, before the last target year 2019" in m.info()["drivers"]["old"]["why"]


def test_given_future_driver_values_are_scenario_values():
    """Values of a driver beyond the target's last year are used as given: the forecast follows them."""
    y, x = driven()
    up = pd.concat([x, pd.Series(x.iloc[-1] * 1.1 ** np.arange(1, 5), index=range(2020, 2024))])
    down = pd.concat([x, pd.Series(x.iloc[-1] * 0.9 ** np.arange(1, 5), index=range(2020, 2024))])
    spec = Spec(drivers=("x",))
    f_up = PMJModel(spec).fit(y, {"x": up}).predict(4)
    f_down = PMJModel(spec).fit(y, {"x": down}).predict(4)
    growth_up = f_up.point[-1] / y.iloc[-1]
    assert growth_up == pytest.approx(1.1**4, rel=0.05)
    assert f_down.point[-1] / y.iloc[-1] == pytest.approx(0.9**4, rel=0.05)


def test_driver_uncertainty_reaches_the_intervals():
    """A projected driver (uncertain) gives wider intervals than the same driver given as a fixed path."""
    y, x = driven()
    spec = Spec(drivers=("x",))
    projected = PMJModel(spec).fit(y, {"x": x})
    pt = projected.predict(5, seed=1)
    point_path = np.exp(projected._driver_future("x", 5, None, None)[1][0])  # the driver's own point projection
    given = pd.concat([x, pd.Series(point_path, index=range(2020, 2025))])
    fg = PMJModel(spec).fit(y, {"x": given}).predict(5, seed=1)
    np.testing.assert_allclose(fg.point, pt.point, rtol=1e-9)  # same centre, only the driver's spread differs
    width_projected = np.log(pt.upper(95) / pt.lower(95))
    width_given = np.log(fg.upper(95) / fg.lower(95))
    assert np.all(width_projected[1:] > 1.5 * width_given[1:])


def test_chain_parent_ratio_form():
    """With a parent the forecast is parent x ratio; the ratio reverts to its estimated mean."""
    rng = np.random.default_rng(2)
    years = range(2000, 2023)
    parent = pd.Series(1000 * np.exp(np.cumsum(0.03 * rng.standard_normal(23))), index=years)
    ratio = 0.2 * np.exp(ar1(23, 0.5, 0.02, rng))
    child = parent * ratio
    future = pd.Series(parent.iloc[-1] * np.array([1.0, 1.2, 1.2, 1.2]), index=range(2023, 2027))
    m = PMJModel(parent="p").fit(child, {"p": pd.concat([parent, future])})
    info = m.info()
    assert info["specification"] == "ratio+p" and "chain link" in info["selection"]["reason"]
    f = m.predict(4)
    implied = f.point / future.to_numpy()
    assert np.all(np.abs(implied / 0.2 - 1) < 0.06)
    with pytest.raises(ValueError, match="parent: the chain parent 'q' cannot be used"):
        PMJModel(parent="q").fit(child, {"p": parent})


def test_interval_coverage_on_data_from_the_model():
    """On series simulated from the plain growth model, the 95% interval holds about 95% (80%: about 80%)."""
    rng = np.random.default_rng(11)
    hits95, hits80, n_rep, h = np.zeros(3), np.zeros(3), 250, 3
    for _ in range(n_rep):
        g = 0.5 * ar1(33, 0.5, 0.03, rng)[-28:] / 0.5
        z = np.log(1000) + np.cumsum(g)
        y = pd.Series(np.exp(z[:25]), index=range(25))
        f = PMJModel(Spec()).fit(y).predict(h, n_paths=1000, seed=int(rng.integers(1 << 30)))
        a = np.exp(z[25:28])
        hits95 += (a >= f.lower(95)) & (a <= f.upper(95))
        hits80 += (a >= f.lower(80)) & (a <= f.upper(80))
    assert np.all(np.abs(hits95 / n_rep - 0.95) < 0.04), hits95 / n_rep
    assert np.all(np.abs(hits80 / n_rep - 0.80) < 0.07), hits80 / n_rep
