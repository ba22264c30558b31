"""The shared forecaster contract: fit(y, drivers=None) -> self, predict(horizon, level), clear errors."""

import numpy as np
import pandas as pd
import pytest

from sim.forecast import MODELS, NotFittedError, PMJModel, make_model


def series(n=15, start=2000, growth=0.02, seed=1):
    rng = np.random.default_rng(seed)
    z = np.log(1000) + np.cumsum(growth + 0.03 * rng.standard_normal(n))
    return pd.Series(np.exp(z), index=range(start, start + n))


@pytest.mark.parametrize("name", list(MODELS))
def test_fit_returns_self_and_predict_gives_ordered_intervals(name):
    m = make_model(name)
    assert m.fit(series()) is m
    f = m.predict(4, level=(80, 95))
    assert f.years == (2015, 2016, 2017, 2018)
    assert f.point.shape == (4,) and np.all(f.point > 0)
    lo80, hi80 = f.intervals[80]
    lo95, hi95 = f.intervals[95]
    assert np.all(lo95 <= lo80) and np.all(lo80 <= f.point * 1.0001) and np.all(f.point <= hi80 * 1.0001)
    assert np.all(hi80 <= hi95)
    assert set(f.to_frame().columns) >= {"model", "year", "point", "lo80", "hi80", "lo95", "hi95"}


@pytest.mark.parametrize("name", list(MODELS))
def test_predict_before_fit_is_refused(name):
    with pytest.raises(NotFittedError, match="not fitted"):
        make_model(name).predict(3)


@pytest.mark.parametrize("name", list(MODELS))
def test_too_short_series_is_refused(name):
    m = make_model(name)
    with pytest.raises(ValueError, match="too short"):
        m.fit(series(n=m.min_years - 1))


@pytest.mark.parametrize("name", list(MODELS))
def test_gaps_are_refused(name):
    y = series().drop(2005)
    with pytest.raises(ValueError, match=r"gap in the years \(no value for 2005\)"):
        make_model(name).fit(y)


@pytest.mark.parametrize("name", list(MODELS))
def test_non_positive_values_are_refused_because_of_logs(name):
    y = series()
    y[2003] = 0.0
    with pytest.raises(ValueError, match="must be > 0 to take logarithms"):
        make_model(name).fit(y)


def test_missing_values_are_refused():
    y = series()
    y[2004] = np.nan
    with pytest.raises(ValueError, match="no value for 2004"):
        make_model("naive").fit(y)


def test_bad_horizon_and_level_are_refused():
    m = make_model("naive").fit(series())
    with pytest.raises(ValueError, match="horizon"):
        m.predict(0)
    with pytest.raises(ValueError, match="level"):
        m.predict(2, level=(80, 120))


def test_baselines_refuse_drivers_the_pmj_model_takes_them():
    with pytest.raises(ValueError, match="does not use drivers"):
        make_model("drift").fit(series(), {"x": series(seed=2)})
    assert PMJModel().fit(series(20), {"x": series(20, seed=2)}).info()["drivers"]["x"]


def test_simulating_twice_with_the_same_seed_gives_the_same_forecast():
    a = PMJModel().fit(series(20)).predict(5, seed=7)
    b = PMJModel().fit(series(20)).predict(5, seed=7)
    np.testing.assert_array_equal(a.intervals[95][0], b.intervals[95][0])
    np.testing.assert_array_equal(a.paths, b.paths)
