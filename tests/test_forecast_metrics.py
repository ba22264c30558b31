"""MASE, MAPE and coverage against hand computation; the rolling-origin backtest's bookkeeping."""

import numpy as np
import pandas as pd
import pytest

from sim.forecast import Naive
from sim.forecast.backtest import check_targets, rolling_origin
from sim.forecast.metrics import mape, mase, naive_scale


def test_mase_by_hand():
    train = [100, 110, 105, 120]  # one-step naive errors 10, 5, 15 -> scale 10
    assert naive_scale(train) == pytest.approx(10.0)
    assert mase([130, 118], [125, 120], train) == pytest.approx(((5 + 2) / 2) / 10)
    assert mape([100, 200], [110, 190]) == pytest.approx((10 + 5) / 2)


def test_backtest_rows_by_hand():
    y = pd.Series([100.0, 110, 105, 120, 126, 119], index=range(2000, 2006))
    r = rolling_origin(y, {"naive": Naive}, horizon=2, min_train=4)
    fc = r.forecasts
    # origins 2003 (forecasts 2004, 2005) and 2004 (forecast 2005)
    assert list(zip(fc["origin"], fc["year"])) == [(2003, 2004), (2003, 2005), (2004, 2005)]
    np.testing.assert_allclose(fc["point"], [120, 120, 126])
    scale_2003 = np.mean([10, 5, 15])
    scale_2004 = np.mean([10, 5, 15, 6])
    expected = [6 / scale_2003, 1 / scale_2003, 7 / scale_2004]
    np.testing.assert_allclose(fc["scaled_error"], expected)
    s = r.summary.set_index("horizon")
    assert s.loc[1, "mase"] == pytest.approx((6 / scale_2003 + 7 / scale_2004) / 2)
    assert s.loc[2, "mape"] == pytest.approx(100 * 1 / 119)
    assert s.loc[1, "n"] == 2 and s.loc[2, "n"] == 1
    assert set(r.summary.columns) >= {"model", "horizon", "mape", "mase", "coverage80", "coverage95"}


def test_drivers_are_cut_at_the_origin():
    """Nothing from after the origin may reach the model: a driver that 'knows' the future is cut."""
    seen = []

    class Spy(Naive):
        uses_drivers = True

        def _fit(self, z, drivers):
            seen.append((self.years_[-1], max(drivers["x"].index)))
            super()._fit(z, None)

    y = pd.Series(np.linspace(100, 130, 12), index=range(2000, 2012))
    x = pd.Series(np.linspace(1, 2, 20), index=range(2000, 2020))
    rolling_origin(y, {"spy": Spy}, horizon=3, min_train=8, drivers={"x": x})
    assert seen and all(last_y == last_x for last_y, last_x in seen)


def test_targets_report_met_and_not_met():
    s = pd.DataFrame(
        {
            "model": ["naive", "pmj"],
            "horizon": [1, 1],
            "mape": [6.0, 4.0],
            "mase": [1.0, 0.9],
            "coverage80": [80, 80],
            "coverage95": [90.0, 100.0],
        }
    )
    t = {d["target"]: d["met"] for d in check_targets(s, horizons=(1,))}
    assert t["MASE below naive at horizon 1"] is True
    assert t["MAPE below PMJ's 5% at horizon 1"] is True
    assert t["95% interval holds 85-99% at horizon 1"] is False
