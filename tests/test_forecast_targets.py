"""The issue's targets, measured on the real series, so that a regression is caught.

Registered crime from 1990 (CBS 83723NED) with the PMJ-style model as configured in docs/forecasting.md, and OM
intake 2000-2022 (calibration/data/om_intake_history.csv) as a chain link of registered crime. The numbers are
the ones reported in docs/forecasting.md; targets that are not met there are not asserted here - what is true
instead is (see the docs for why).
"""

from pathlib import Path

import pytest

from sim.forecast import Naive, PMJModel, Selected, diagnostics, read_series
from sim.forecast.backtest import rolling_origin

DATA = Path(__file__).resolve().parents[1] / "calibration" / "data"
CRIME = "geregistreerde_misdrijven_totaal"


@pytest.fixture(scope="module")
def crime():
    y = read_series(DATA / "registered_crime.csv", CRIME, start=1990)
    drivers = {
        "population": read_series(DATA / "population_total.csv"),
        "unemployment": read_series(DATA / "unemployment_rate.csv", "werkloosheidspercentage_12uur_afgeleid"),
    }
    r = rolling_origin(
        y,
        {"naive": Naive, "pmj": PMJModel, "selected": Selected},
        horizon=6,
        min_train=10,
        drivers=drivers,
        n_paths=1000,
    )
    s = r.summary.set_index(["model", "horizon"])
    s.attrs["forecasts"] = r.forecasts
    return s


@pytest.fixture(scope="module")
def om():
    y = read_series(DATA / "om_intake_history.csv", "om_instroom_misdrijfzaken_reeks")
    parent = read_series(DATA / "registered_crime.csv", CRIME)
    r = rolling_origin(
        y,
        {"naive": Naive, "pmj": lambda: PMJModel(parent=CRIME), "selected": lambda: Selected(parent=CRIME)},
        horizon=4,
        min_train=9,
        drivers={CRIME: parent},
        n_paths=1000,
    )
    return r.summary.set_index(["model", "horizon"])


@pytest.mark.parametrize("h", [1, 2, 3, 4])
def test_crime_beats_naive_at_every_horizon(crime, h):
    assert crime.loc[("pmj", h), "mase"] < crime.loc[("naive", h), "mase"]


def test_crime_mape_below_pmj_published(crime):
    assert crime.loc[("pmj", 1), "mape"] < 5.0  # measured 3.5%
    assert crime.loc[("pmj", 3), "mape"] < 11.0  # measured 8.8%


def test_crime_95_intervals_hold_at_least_85_percent(crime):
    # measured 88, 100, 100, 95%: never too narrow; at horizons 2-3 every actual fell inside (above the 99% target)
    for h in (1, 2, 3, 4):
        assert crime.loc[("pmj", h), "coverage95"] >= 85


@pytest.mark.parametrize("h", [1, 2, 3, 4])
def test_om_intake_beats_naive_at_every_horizon(om, h):
    assert om.loc[("pmj", h), "mase"] < om.loc[("naive", h), "mase"]


def test_om_intake_mape(om):
    assert om.loc[("pmj", 3), "mape"] < 11.0  # measured 6.8%
    # one year ahead the 5% target is NOT met (measured 6.4%); it is still below the naive forecast's 6.6%
    assert om.loc[("pmj", 1), "mape"] < om.loc[("naive", 1), "mape"]


def test_om_intake_95_intervals_hold_at_least_85_percent(om):
    for h in (1, 2, 3, 4):
        assert om.loc[("pmj", h), "coverage95"] >= 85  # measured 93, 100, 100, 100%


# The forecast the tool reports (issue 15): chosen by the inner backtest, never clearly worse than naive, and the
# targets as docs/forecasting.md reports them (OM one year ahead: not met, 6.6%).


@pytest.mark.parametrize("name", ["crime", "om"])
def test_selected_is_never_clearly_worse_than_naive(name, request):
    s = request.getfixturevalue(name)
    ratio = sum(s.loc[("selected", h), "mase"] / s.loc[("naive", h), "mase"] for h in (1, 2, 3)) / 3
    assert ratio <= 1.05  # measured 0.96 (crime), 0.93 (OM)


def test_selected_targets(crime, om):
    assert crime.loc[("selected", 1), "mape"] < 5.0  # measured 3.7%
    assert crime.loc[("selected", 3), "mape"] < 11.0  # measured 9.2%
    assert om.loc[("selected", 3), "mape"] < 11.0  # measured 7.6%
    assert om.loc[("selected", 1), "mape"] >= 5.0  # NOT met (6.6%): if this fails, update docs/forecasting.md


def test_selected_95_intervals_are_never_far_too_narrow(crime, om):
    for h in (1, 2, 3, 4):  # measured crime 92, 100, 95, 86; OM 100 at every horizon
        assert crime.loc[("selected", h), "coverage95"] >= 85
        assert om.loc[("selected", h), "coverage95"] >= 85


def test_crime_six_years_ahead_misses_pmj_published_17_percent_even_in_hindsight(crime):
    """NOT met (docs/forecasting.md, Targets): 20.5% selected, 20.3% pmj; and no weighting of naive and pmj, even
    one chosen on the test years themselves, gets below 17%. If this fails, update the docs."""
    assert crime.loc[("selected", 6), "mape"] >= 17.0
    d = diagnostics.crime_long_horizon(crime.attrs["forecasts"], horizons=(6,)).iloc[0]
    assert d["hindsight best combination"] >= 17.0
    assert d["hindsight best combination"] <= min(d["naive"], d["pmj"]) + 1e-9  # an optimum over a grid with both


def test_om_one_year_ahead_is_out_of_reach_of_every_form_tried():
    """NOT met: no form of the OM forecast tried gets below 5% one year ahead, not with the 2019 registration
    change as an intervention, not even if the year's registered crime were known (the ratio's own yearly noise).
    The re-implemented chain link must equal the model's own, or the step comparison means nothing."""
    y = read_series(DATA / "om_intake_history.csv", "om_instroom_misdrijfzaken_reeks").to_pandas()
    t = diagnostics.om_one_year(y, read_series(DATA / "registered_crime.csv", CRIME), CRIME).set_index("model")["h1"]
    assert t["chain link, re-implemented (check)"] == pytest.approx(t["chain link (ratio, AR(1))"], abs=0.1)
    assert t.min() >= 5.0, t  # measured: 5.1% at best (oracle crime), 6.4% chain link, 6.6% naive
