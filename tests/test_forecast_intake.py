"""intake_paths: a scenario stream's yearly intake from a forecast, for the simulator."""

from pathlib import Path

import numpy as np
import pytest

from sim.forecast.intake import intake_paths

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios"
SPEC = {
    "forecast": "../calibration/data/registered_crime.csv",
    "series": "geregistreerde_misdrijven_totaal",
    "start": 1990,
    "share": 0.6,
}


def test_observed_years_use_data_and_later_years_the_forecast_scaled_by_share():
    point, paths, info = intake_paths(SPEC, SCEN, [2022, 2023, 2024, 2025], n_paths=50, seed=1)
    assert point[2022] == pytest.approx(0.6 * 809390)
    assert point[2023] == pytest.approx(0.6 * 807375)
    assert paths.shape == (50, 4)
    np.testing.assert_allclose(paths[:, 0], point[2022])
    assert np.std(paths[:, 3]) > np.std(paths[:, 2]) > 0
    assert 0.4 * 807375 < point[2025] < 0.8 * 807375
    assert info["forecast_years"] == [2024, 2025] and info["model"] == "selected"
    assert info["model_info"]["weights"]["naive"] >= 0 and info["model_info"]["reason"]


def test_same_seed_same_paths_other_seed_other_paths():
    a = intake_paths(SPEC, SCEN, [2024, 2025, 2026], 40, seed=7)[1]
    b = intake_paths(SPEC, SCEN, [2024, 2025, 2026], 40, seed=7)[1]
    c = intake_paths(SPEC, SCEN, [2024, 2025, 2026], 40, seed=8)[1]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_without_uncertainty_every_path_is_the_point_and_policy_applies():
    spec = dict(SPEC, uncertainty=False, model="naive", policy=[{"name": "snelrecht", "from": 2025, "percent": -10}])
    point, paths, info = intake_paths(spec, SCEN, [2024, 2025], 5, seed=0)
    assert point[2024] == pytest.approx(0.6 * 807375)
    assert point[2025] == pytest.approx(0.9 * 0.6 * 807375)
    assert np.all(paths == np.array([point[2024], point[2025]]))
    assert info["policy_effects"][0]["policy"] == "snelrecht"


@pytest.mark.parametrize(
    "change,msg",
    [
        ({"share": 0}, "^share: must be a number > 0"),
        ({"model": "arima"}, "^model: unknown model 'arima'"),
        ({"colour": "red"}, "^colour: unknown key"),
        ({"forecast": "../calibration/data/nope.csv"}, "^forecast: .*nope.csv: file not found"),
        ({"series": "x"}, "^forecast: .*series 'x' not found"),
        ({"drivers": "pop.csv"}, "^drivers: must be a list"),
        ({"drivers": ["../calibration/data/nope.csv"]}, r"^drivers\[0\]: .*file not found"),
        ({"policy": [{"name": "x", "percent": 3}]}, r"^policy\[0\].from: missing"),
        ({"start": "1990"}, "^start: must be a year"),
        ({"uncertainty": "yes"}, "^uncertainty: must be true or false"),
    ],
)
def test_bad_specs_name_the_key(change, msg):
    with pytest.raises(ValueError, match=msg):
        intake_paths(dict(SPEC, **change), SCEN, [2024], 5, seed=0)


def test_years_outside_what_can_be_forecast_are_refused():
    with pytest.raises(ValueError, match="^years: 1985 is before the first year"):
        intake_paths(SPEC, SCEN, [1985], 5, seed=0)
    with pytest.raises(ValueError, match="^years: 2040 is more than 10 years after"):
        intake_paths(SPEC, SCEN, [2040], 5, seed=0)
    with pytest.raises(ValueError, match="gaps"):
        intake_paths(
            dict(SPEC, start=None, series=None, forecast="../calibration/data/population_total.csv"), SCEN, [2024], 5, 0
        )
