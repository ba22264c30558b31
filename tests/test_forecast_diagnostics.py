"""`sim.forecast.diagnostics` on forecasts whose answer is known."""

import numpy as np
import pandas as pd
import pytest

from sim.forecast.diagnostics import crime_long_horizon


def test_hindsight_combination_finds_the_exact_model_and_damping_moves_towards_naive():
    rng = np.random.default_rng(0)
    rows = []
    for o in range(2000, 2015):
        actual = 1000 * np.exp(0.1 * rng.standard_normal())
        last = 1000.0
        points = {"naive": last, "drift": last * 1.2, "pmj": actual}  # pmj is exact
        rows += [{"model": m, "origin": o, "horizon": 6, "actual": actual, "point": p} for m, p in points.items()]
    d = crime_long_horizon(pd.DataFrame(rows), horizons=(6,), damping=(0.0, 0.5)).iloc[0]
    assert d["hindsight best combination"] == pytest.approx(0.0, abs=1e-9)
    assert d["its weights"]["pmj"] == 1.0
    assert d["pmj damped 0"] == pytest.approx(d["naive"])  # fully damped is the naive forecast
    assert 0 < d["pmj damped 0.5"] < d["naive"]
