"""Queueing theory for three stages in a row: the chain reduced to a tandem of M/M/c queues (detectives, regular
OM, reclassering) has the analytic mean sojourn (Erlang C per station, added up by Burke's theorem), and agrees with
the same tandem in plain SimPy. The scenario and the plain-SimPy tandem live in benchmarks/tandem.py."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import tandem  # noqa: E402
from sim import scenario as S
from sim.kpis import cohort_mask, mean_ci
from sim.model import run_replication

DAYS = 4000.0
REPLICATIONS = 5


def _covers(means, value, slack=0.02) -> bool:
    """The 95% interval over replications covers `value`, allowing 2% of it for the calendar-year intake rates
    (as tests/test_queueing.py)."""
    _, lo, hi, _ = mean_ci(means)
    return lo - slack * value <= value <= hi + slack * value


@pytest.fixture(scope="module")
def ketensim_run():
    return tandem.run_ketensim(DAYS, REPLICATIONS)


def test_the_scenario_is_the_tandem():
    """Every customer passes the three stations and nothing else takes time: the sojourn is waits plus services."""
    sc = tandem.ketensim_scenario(400.0)
    res = run_replication(sc, 0)
    c = res.columns
    assert np.all(c["route"] == 1) and np.all(c["verdict"] == 2)  # strafbeschikking, taakstraf
    assert not c["arrested"].any() and np.all(c["channel"] == 2) and not c["returns"].any()
    names = {s["station"].split(":")[0]: s for s in res.stations if s["started"]}
    assert set(names) == {"detectives", "om_regular", "reclassering"}
    for station, (servers, mu) in zip(("detectives", "om_regular", "reclassering"), tandem.STATIONS):
        assert names[station]["capacity_end"] == servers
        assert names[station]["mean_service_days"] == pytest.approx(1.0 / mu, rel=0.1)
    done = cohort_mask(c, sc)
    assert not np.isnan(c["t_exec_end"][done]).any()


def test_ketensim_tandem_mean_sojourn_matches_erlang_c(ketensim_run):
    expected = tandem.analytic_sojourn()
    assert ketensim_run["customers"] > 150_000
    assert _covers(ketensim_run["means"], expected), (expected, mean_ci(ketensim_run["means"]))


def test_ketensim_tandem_agrees_with_plain_simpy(ketensim_run):
    simpy_run = tandem.run_simpy(DAYS / 2, REPLICATIONS)
    a, lo_a, hi_a, _ = mean_ci(ketensim_run["means"])
    b, lo_b, hi_b, _ = mean_ci(simpy_run["means"])
    assert lo_a <= hi_b and lo_b <= hi_a, ((a, lo_a, hi_a), (b, lo_b, hi_b))
    assert _covers(simpy_run["means"], tandem.analytic_sojourn())


@pytest.mark.long  # a mutation check of the comparison itself: with the long tests, which CI runs
def test_the_check_notices_a_slower_station():
    """Work at the reclassering 7% slower than the analytic value assumes (μ = 2.8 instead of 3 a day): the
    interval no longer covers the analytic sojourn."""
    raw = tandem.ketensim_raw(DAYS)
    raw["execution"]["taakstraf"]["work_hours"]["mean"] = 24.0 / 2.8
    sc = S.from_dict(raw)
    means = []
    for rep in range(REPLICATIONS):
        c = run_replication(sc, rep).columns
        cohort = cohort_mask(c, sc)
        means.append(float(np.mean(c["t_exec_end"][cohort] - c["t_registration"][cohort])))
    assert not _covers(means, tandem.analytic_sojourn()), mean_ci(means)
