"""The shipped baseline reproduces the published orders of magnitude (scenarios/baseline.toml, its header).

One replication of the national chain (11 arrondissementen) with one year of intake after the warm-up.
"""

from __future__ import annotations

import pytest
from conftest import BASELINE

from sim import scenario as S
from sim.runner import kpis_of, run_replications

# Two national years (about 75 s on CI's machine): with the long tests, which CI runs, so the default suite stays
# near 10 minutes. docs/validation.md compares these volumes with the published figures (`ketensim validate-data`).
pytestmark = pytest.mark.long


@pytest.fixture(scope="module")
def kpi():
    sc = S.load(BASELINE, overrides={"horizon_days": 365.0 + 365.0, "runout_days": 120.0})
    rows, _ = kpis_of(sc, run_replications(sc, 1, seed=sc.seed))
    return {(r.metric, r.group): r.mean for r in rows}


def test_om_intake_about_180000_a_year(kpi):
    # cal:om_intake.csv instroom_eerste_aanleg 2018-2022: 169,800-188,600
    assert 165_000 <= kpi[("om_intake", "all")] <= 195_000


def test_about_70_percent_via_zsm(kpi):
    # cal:om_intake.csv via_zsm 2019-2022: 65-74%
    assert 0.64 <= kpi[("via_zsm_share", "all")] <= 0.75


def test_about_2000_supersnelrecht_cases_a_year(kpi):
    # cal:supersnelrecht_zaken_2009_2015, about 2,150 a year
    assert 1_200 <= kpi[("cases", "supersnelrecht")] <= 3_000


def test_about_20000_custodial_sentences_a_year(kpi):
    # cal:vrijheidsstraffen_per_jaar 2019
    assert 16_000 <= kpi[("sentences", "custodial")] <= 24_000


def test_fast_track_routes_stay_inside_their_windows(kpi):
    assert kpi[("window_days_max", "supersnelrecht")] <= 3.0
    assert kpi[("window_days_max", "snelrecht_detained")] <= 17.0
    assert kpi[("window_days_max", "snelrecht_not_detained")] <= 28.0
