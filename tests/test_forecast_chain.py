"""Chain consistency: registered crime -> OM intake -> routes, path by path, on the real series."""

from pathlib import Path

import numpy as np
import pytest

from sim.forecast import PMJModel, Spec, read_series
from sim.forecast.chain import ChainLink, RouteSplit, chain_forecast

DATA = Path(__file__).resolve().parents[1] / "calibration" / "data"


@pytest.fixture(scope="module")
def chain():
    crime = read_series(DATA / "registered_crime.csv", "geregistreerde_misdrijven_totaal", start=1990)
    om = read_series(DATA / "om_intake_history.csv", "om_instroom_misdrijfzaken_reeks")
    zsm = read_series(DATA / "om_intake.csv", "via_zsm")
    niet = read_series(DATA / "om_intake.csv", "niet_zsm")
    return chain_forecast(
        "registered_crime",
        crime,
        [ChainLink("om_intake", "registered_crime", om)],
        [RouteSplit("om_intake", {"via_zsm": zsm, "niet_zsm": niet})],
        horizon=5,
        n_paths=800,
        seed=3,
        top_model=PMJModel(Spec()),
    )


def test_ratios_multiply_out_on_every_path(chain):
    crime, om = chain.nodes["registered_crime"], chain.nodes["om_intake"]
    np.testing.assert_allclose(om.paths, crime.paths * om.ratio_paths, rtol=1e-12)
    np.testing.assert_allclose(om.point, crime.point * om.ratio_point, rtol=1e-12)


def test_routes_add_up_to_their_parent(chain):
    n = chain.nodes
    np.testing.assert_allclose(n["via_zsm"].paths + n["niet_zsm"].paths, n["om_intake"].paths, rtol=1e-12)
    np.testing.assert_allclose(n["via_zsm"].point + n["niet_zsm"].point, n["om_intake"].point, rtol=1e-12)


def test_ratios_are_estimated_from_the_data_and_plausible(chain):
    om = chain.nodes["om_intake"]
    # OM intake was 16-23% of registered crime in 2000-2022
    assert np.all((om.ratio_point > 0.16) & (om.ratio_point < 0.25))
    assert om.info["ratio_model"] == "constant + AR(1)"
    assert om.info["nowcast_years"] == [2023]  # OM series ends in 2022, crime in 2023
    share = chain.nodes["via_zsm"].ratio_point
    assert np.all((share > 0.6) & (share < 0.8))


def test_uncertainty_grows_down_the_chain(chain):
    rel = {k: np.log(v.interval(95)[1] / v.interval(95)[0]) for k, v in chain.nodes.items()}
    assert np.all(rel["om_intake"] > rel["registered_crime"])
    assert np.all(rel["niet_zsm"] > rel["om_intake"])
    frame = chain.to_frame()
    assert set(frame["node"]) == {"registered_crime", "om_intake", "via_zsm", "niet_zsm"}


def test_a_link_must_follow_its_parent():
    crime = read_series(DATA / "registered_crime.csv", "geregistreerde_misdrijven_totaal", start=1990)
    om = read_series(DATA / "om_intake_history.csv", "om_instroom_misdrijfzaken_reeks")
    with pytest.raises(ValueError, match="needs parent 'police'"):
        chain_forecast(
            "registered_crime",
            crime,
            [ChainLink("om", "police", om)],
            horizon=2,
            n_paths=50,
            top_model=PMJModel(Spec()),
        )
