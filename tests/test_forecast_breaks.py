"""The trend-break detector on synthetic series with and without a break, and what the PMJ model does with one."""

import numpy as np
import pandas as pd

from sim.forecast import PMJModel, Spec
from sim.forecast.breaks import detect_break


def growth_series(n, growth, sigma=0.02, seed=0):
    rng = np.random.default_rng(seed)
    g = np.asarray(growth, float) if np.ndim(growth) else np.full(n, growth)
    z = np.log(1000) + np.cumsum(g + sigma * rng.standard_normal(n))
    return pd.Series(np.exp(z), index=range(1990, 1990 + n))


def test_detects_a_shift_in_growth_and_dates_it():
    g = np.where(np.arange(34) < 20, 0.04, -0.04)  # growth turns from +4% to -4% in 2010
    y = growth_series(34, g, seed=1)
    d = np.diff(np.log(y.to_numpy()))
    r = detect_break(d, y.index[1:], alpha=0.05, recent_years=15)
    assert r.detected and r.p_value < 0.01
    assert abs(r.year - 2010) <= 2
    assert r.recent


def test_no_break_in_a_steady_series_most_of_the_time():
    found = 0
    for seed in range(100):
        y = growth_series(30, 0.01, seed=seed)
        d = np.diff(np.log(y.to_numpy()))
        found += detect_break(d, y.index[1:]).detected
    assert found <= 12  # a 5% test with an asymptotic critical value: about 5-10 false alarms in 100


def test_pmj_reports_a_recent_break_and_reestimates_after_it():
    g = np.where(np.arange(35) < 25, 0.05, -0.05)  # a break in 2015, 10 years before the end
    y = growth_series(35, g, sigma=0.01, seed=3)
    m = PMJModel(Spec(trend=True)).fit(y)
    info = m.info()
    assert info["break"]["detected"] and info["break"]["recent"]
    start = info["estimation_years"][0]
    assert 2013 <= start <= 2017
    assert "re-estimated" in info["break"]["action"]
    # re-estimated on the post-break years, the trend is the new (falling) one
    assert info["coefficients"]["trend"] < 0
    steady = PMJModel(Spec(trend=True)).fit(growth_series(35, 0.02, sigma=0.01, seed=4)).info()
    assert not steady["break"]["detected"] and steady["break"]["action"] == "none"
