"""The forecast chosen by evidence (`sim.forecast.select.Selected`) on synthetic series whose right answer is known.

Each test targets one mechanism and would fail without it: the inner backtest (a random walk must not be beaten by
a fancier model in sample and lost out of sample; a trend must be found), the level-shift term (a step is not
growth), and the intervals calibrated on the inner backtest's own errors (they hold what they say). The candidate
lists are cut to the cheap models where the test is about the mechanism, not about ETS, to keep each test short;
the `long` versions use every candidate.
"""

import numpy as np
import pandas as pd
import pytest

from sim.forecast import Naive, Selected
from sim.forecast.backtest import rolling_origin

FAST = ("naive", "drift", "theta")


def rw(n, seed, drift=0.0, sigma=0.03):
    rng = np.random.default_rng(seed)
    z = np.log(1000) + np.cumsum(drift + sigma * rng.standard_normal(n))
    return pd.Series(np.exp(z), index=range(1990, 1990 + n))


def mase_ratio(series_list, make, horizons=(1, 2, 3), min_train=16):
    """Mean over series of the selected forecast's MASE / naive's MASE at each horizon, averaged over horizons."""
    num, den = np.zeros(len(horizons)), np.zeros(len(horizons))
    for y in series_list:
        s = rolling_origin(y, {"naive": Naive, "selected": make}, horizon=max(horizons), min_train=min_train, n_paths=0)
        t = s.summary.set_index(["model", "horizon"])["mase"]
        num += [t[("selected", h)] for h in horizons]
        den += [t[("naive", h)] for h in horizons]
    return float(np.mean(num / den))


def test_on_a_random_walk_the_chosen_forecast_is_within_5_percent_of_naive():
    series = [rw(26, seed) for seed in range(100, 120)]
    ratio = mase_ratio(series, lambda: Selected(("naive", "drift")))
    assert ratio <= 1.05, ratio


def test_on_a_trend_with_noise_it_clearly_beats_naive():
    rng = np.random.default_rng(3)
    series = []
    for _ in range(4):
        z = np.log(1000) + 0.05 * np.arange(26) + 0.02 * rng.standard_normal(26)
        series.append(pd.Series(np.exp(z), index=range(1990, 2016)))
    ratio = mase_ratio(series, lambda: Selected(FAST))
    assert ratio < 0.6, ratio
    w = Selected(FAST).fit(series[0]).info()["weights"]
    assert w["naive"] < 0.5  # the trend models earned the weight


def level_shift_series(seed, n=30, at=22, step=0.6):
    rng = np.random.default_rng(seed)
    z = (
        np.log(1000)
        + 0.03 * np.arange(n + 3)
        + 0.01 * rng.standard_normal(n + 3)
        + np.where(np.arange(n + 3) >= at, step, 0.0)
    )
    return pd.Series(np.exp(z[:n]), index=range(1990, 1990 + n)), np.exp(z[n:])


@pytest.mark.long  # many backtests: with the long tests, which CI runs
def test_after_a_level_shift_the_forecast_recovers():
    """A series growing 3% a year with an 82% step in 2012 (8 years before the end): the step is found, dated and
    taken out of the history, so the inner backtest sees the growth and no model reads the step as growth; the
    forecast follows the new level and the old growth. Without the level-shift term the step dominates the inner
    errors, naive wins, and the forecast lags the growth.
    """
    err_with, err_without = [], []
    for seed in range(4):
        y, future = level_shift_series(seed)
        m = Selected(FAST).fit(y)
        info = m.info()["break"]
        assert info["level_shift"] is not None and info["level_shift"]["year"] == 2012
        f = m.predict(3, n_paths=0)
        err_with.append(np.mean(np.abs(np.log(f.point / future))))
        g = Selected(FAST, breaks=False).fit(y).predict(3, n_paths=0)
        err_without.append(np.mean(np.abs(np.log(g.point / future))))
    assert np.mean(err_with) < 0.03  # noise is 1%: back on the new level, growing
    assert np.mean(err_with) < 0.6 * np.mean(err_without), (np.mean(err_with), np.mean(err_without))


def test_no_level_shift_is_seen_in_a_steady_random_walk():
    found = sum(Selected(("naive",)).fit(rw(30, seed)).info()["break"]["level_shift"] is not None for seed in range(40))
    assert found <= 2


def coverage(n_series, candidates, h=3, n=30, seed=0):
    rng = np.random.default_rng(seed)
    hits = {80: np.zeros(h), 95: np.zeros(h)}
    for _ in range(n_series):
        z = np.log(1000) + np.cumsum(0.01 + 0.03 * rng.standard_normal(n + h))
        y = pd.Series(np.exp(z[:n]), index=range(2000, 2000 + n))
        f = Selected(candidates).fit(y).predict(h, n_paths=0)
        a = np.exp(z[n:])
        for lv in hits:
            hits[lv] += (a >= f.lower(lv)) & (a <= f.upper(lv))
    return {lv: v / n_series for lv, v in hits.items()}


@pytest.mark.long  # a second proof of the selection (CI runs the long tests)
def test_intervals_from_the_inner_backtest_hold_their_nominal_coverage():
    """300 simulated random walks with drift, forecast 1-3 years from the end: the intervals, built only from the
    inner backtest's own errors, hold within 3 points of 80% and 95% at every horizon."""
    c = coverage(300, ("naive",))
    assert np.all(np.abs(c[95] - 0.95) <= 0.03), c
    assert np.all(np.abs(c[80] - 0.80) <= 0.03), c


@pytest.mark.long
def test_intervals_hold_with_every_cheap_candidate_long():
    c = coverage(300, FAST, seed=1)
    assert np.all(np.abs(c[95] - 0.95) <= 0.03), c
    assert np.all(np.abs(c[80] - 0.80) <= 0.03), c


def test_naive_must_be_a_candidate_and_the_output_says_why():
    with pytest.raises(ValueError, match="naive"):
        Selected(("drift", "theta"))
    info = Selected(FAST).fit(rw(25, 1)).info()
    assert set(info["weights"]) == set(FAST) and abs(sum(info["weights"].values()) - 1) < 1e-9
    assert "inner backtest" in info["reason"] and info["intervals"]["n_errors"][0] > 0
    short = Selected(FAST).fit(rw(9, 1)).info()
    assert {c for c, w in short["weights"].items() if w > 0} == {"naive"} and "too little evidence" in short["reason"]


@pytest.mark.long  # a second proof of the selection (CI runs the long tests)
def test_after_a_trend_break_the_inner_backtest_scores_the_new_regime():
    """Growth turns from +5% to -3% a year in 2013, 8 years before the end: the sup-F test finds the break and the
    inner backtest scores only the origins since, so the models that follow the new regime earn the weight. Scored
    on every origin, the years of the old regime still count, and the forecast is clearly worse."""
    err_with, err_without = [], []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        g = np.where(np.arange(34) < 23, 0.05, -0.03) + 0.01 * rng.standard_normal(34)
        z = np.log(1000) + np.cumsum(g)
        y, future = pd.Series(np.exp(z[:31]), index=range(1990, 2021)), np.exp(z[31:])
        m = Selected(FAST).fit(y)
        assert m.info()["break"]["trend_break"] is not None and "scored on" in m.info()["break"]["action"]
        err_with.append(np.mean(np.abs(np.log(m.predict(3, n_paths=0).point / future))))
        g_ = Selected(FAST, breaks=False).fit(y).predict(3, n_paths=0)
        err_without.append(np.mean(np.abs(np.log(g_.point / future))))
    assert np.mean(err_with) < 0.8 * np.mean(err_without), (np.mean(err_with), np.mean(err_without))


def test_conformal_intervals_use_the_finite_sample_quantile_of_the_pooled_inner_errors():
    """The split-conformal multiplier is the ceil((N+1)p)-th smallest pooled scaled inner error, so the interval
    moves with the errors themselves; below N = p / (1 - p) errors (19 at 95%) there is no such order statistic
    and Student t is used."""
    m = Selected(FAST, intervals="conformal").fit(rw(30, 4))
    n = len(m.scores_)
    assert n > 40 and np.all(np.diff(m.scores_) >= 0)
    for lv in (80, 95):
        assert m._quantile(lv) == m.scores_[int(np.ceil((n + 1) * lv / 100)) - 1]
    t = Selected(FAST).fit(rw(30, 4))
    assert t._quantile(95) != m._quantile(95)  # Student t on the same errors: a different multiplier
    f, g = m.predict(3, n_paths=0), t.predict(3, n_paths=0)
    np.testing.assert_allclose(f.point, g.point)  # only the intervals differ
    m.scores_ = m.scores_[:10]  # too few errors for a 95% order statistic
    assert m._quantile(95) == t._quantile(95) and m._quantile(80) == m.scores_[8]
    with pytest.raises(ValueError, match="intervals"):
        Selected(intervals="bootstrap")
