"""The backtest tables' coverage check (`sim.forecast.tables.coverage_check`) against hand-computed values."""

import pandas as pd
import pytest
from scipy.stats import binom

from sim.forecast.tables import coverage_check


def table(rows):
    return pd.DataFrame(
        [{"model": "selected", "horizon": h, "n": n, "coverage80": c80, "coverage95": c95} for h, n, c80, c95 in rows]
    )


def test_coverage_check_counts_bands_attainability_and_binomial_p_values():
    t = table([(1, 24, 100 * 19 / 24, 100 * 22 / 24), (2, 23, 100 * 15 / 23, 100.0), (3, 8, 75.0, 100.0)])
    c = coverage_check(t, horizons=(1, 2, 3)).set_index(["level", "horizon"])
    assert c.loc[(80, 1), "inside"] == 19 and c.loc[(80, 1), "in_band"]  # 79% in 72-88
    assert not c.loc[(80, 2), "in_band"]  # 65%
    # two-sided exact binomial p-value of 15 of 23 inside an 80% interval, by hand: the counts no more likely
    pk = binom.pmf(15, 23, 0.8)
    expected = sum(binom.pmf(j, 23, 0.8) for j in range(24) if binom.pmf(j, 23, 0.8) <= pk)
    assert c.loc[(80, 2), "p_value"] == pytest.approx(expected) and 0.05 < expected < 0.2
    assert c.loc[(95, 2), "inside"] == 23 and not c.loc[(95, 2), "in_band"] and c.loc[(95, 2), "band_attainable"]
    # 8 forecasts: 7/8 = 87.5% and 8/8 = 100%, so no count lands in 88-98%; 6/8 = 75% does land in 72-88%
    assert not c.loc[(95, 3), "band_attainable"] and c.loc[(80, 3), "in_band"]
