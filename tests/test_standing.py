"""Standing stocks on the start date as cases (`[start_stock]`, sim/standing.py; issue 9 §6)."""

import numpy as np
import pytest
from conftest import small_scenario

from sim.domain import Outcome, Stage
from sim.kpis import cohort_mask
from sim.model import Model
from sim.scenario import ScenarioError
from sim.scenario.scenario_model import STOCK_KINDS

STOCK = {
    "police": 250,
    "fines": 120,
    "taakstraf": 90,
    "om_regular": 300,
    "court_pr": 200,
    "court_mk": 50,
    "appeal": 40,
    "zelfmelders": 60,
    "unfindable": 400,
}


def _run(stock: dict, **top):
    sc = small_scenario(0.05, extra={"start_stock": stock}, **top)
    m = Model(sc, 0, 1)
    n_intake = m.n_intake
    return sc, m, m.run(), n_intake


@pytest.fixture(scope="module")
def standing():
    sc = small_scenario(0.05)
    cells = sc.execution.custodial.cells.at_date(sc.start_date)
    return _run({**STOCK, "prison": int(cells * 0.8)})


def test_each_stock_stands_in_its_stage_on_the_start_date(standing):
    sc, m, res, n0 = standing
    day0 = res.backlog[0]
    assert len(res.columns["t_registration"]) - n0 == sum(STOCK.values()) + sc.start_stock.prison
    assert day0[Stage.POLICE] == STOCK["police"]
    assert day0[Stage.OM_REGULAR] == STOCK["om_regular"]
    assert day0[Stage.FINE] == STOCK["fines"]
    assert day0[Stage.TAAKSTRAF] == STOCK["taakstraf"]
    assert day0[Stage.READY_TO_PLAN] + day0[Stage.COURT] == STOCK["court_pr"] + STOCK["court_mk"]
    assert day0[Stage.COURT] > 0  # planned at once into the sessions within the planning horizon
    assert day0[Stage.APPEAL] == STOCK["appeal"]
    assert day0[Stage.ZELFMELDER_WAIT] + day0[Stage.ZELFMELDER_CALLED_UP] == STOCK["zelfmelders"]
    assert day0[Stage.ARRESTANT_WAIT] == STOCK["unfindable"]
    assert day0[Stage.DETENTION] == sc.start_stock.prison


def test_standing_cases_are_never_in_the_cohort_and_go_on_downstream(standing):
    sc, m, res, n0 = standing
    c = res.columns
    assert (c["t_registration"][n0:] < 0).all()
    assert not cohort_mask(c, sc)[n0:].any()
    # they move on: the OM's stock is decided, the courts' stock is heard, the appeals end in execution or acquittal
    kinds = m.ctx.standing.kind
    codes = {k: i for i, k in enumerate(STOCK_KINDS)}
    for kind in ("police", "om_regular"):
        assert np.isfinite(c["t_decision"][n0:][kinds == codes[kind]]).mean() > 0.9, kind
    court = (kinds == codes["court_pr"]) | (kinds == codes["court_mk"])
    assert np.isfinite(c["t_verdict"][n0:][court]).mean() > 0.9
    assert (c["outcome"][n0:] != Outcome.OPEN).mean() > 0.7


def test_every_case_is_counted_once(standing):
    """Conservation: the stocks at the end plus the cases that left equal all cases, standing ones included."""
    sc, m, res, n0 = standing
    c = res.columns
    open_cases = int((c["outcome"] == Outcome.OPEN).sum())
    assert res.backlog[-1, : len(Stage)].sum() <= open_cases <= len(c["t_registration"])


def test_prisoners_serve_a_length_biased_rest():
    """A prisoner present on a date serves a long sentence more often than a new one: the rest still to serve has
    mean E[L^2] / (2 E[L]), not E[L] / 2 (the two differ by the factor 1 + cv^2)."""
    sc = small_scenario(0.05)
    cells = sc.execution.custodial.cells.at_date(sc.start_date)
    n = int(cells * 0.9)
    _, m, res, n0 = _run({"prison": n}, horizon_days=200.0, warmup_days=0.0, runout_days=4000.0)
    rest = res.columns["t_exec_end"][n0:]
    assert (res.columns["t_detention_start"][n0:] == 0).all()  # in a place from the start
    names = list(sc.intake.streams)
    lengths = [sc.execution.custodial.length[names[s]].build() for s in res.columns["stream"][n0:]]
    biased = np.mean([(d.mean + d.variance / d.mean) / 2 for d in lengths])
    naive = np.mean([d.mean / 2 for d in lengths])
    assert biased > 1.5 * naive  # the check can tell the two apart
    assert np.isfinite(rest).mean() > 0.99
    assert np.nanmean(rest) == pytest.approx(biased, rel=0.2)


def test_more_prisoners_than_places_is_refused():
    sc = small_scenario(0.05)
    cells = sc.execution.custodial.cells.at_date(sc.start_date)
    with pytest.raises(ScenarioError, match=r"start_stock\.prison"):
        small_scenario(0.05, extra={"start_stock": {"prison": cells + 10}})


def test_no_stock_adds_no_cases():
    sc = small_scenario(0.05)
    m = Model(sc, 0, 1)
    assert m.n == m.n_intake


@pytest.mark.long
def test_the_baselines_stocks_hold_their_level_through_its_first_year():
    """Issue 9 §6: the baseline starts from the chain's stocks, and they do not drift in the first simulated year
    unless a lever moves them: every stock it starts with is within 20% of its start a year later (one national
    replication, about a minute)."""
    from conftest import BASELINE

    from sim import scenario as S
    from sim.kpis import BACKLOG_STAGES

    sc = S.load(BASELINE, overrides={"horizon_days": 366.0, "runout_days": 0.0})
    res = Model(sc, 0, sc.seed).run()
    col = {name: i for i, name in enumerate(BACKLOG_STAGES)}

    def stock(day: int, *stages: str) -> float:
        return float(sum(res.backlog[day, col[s]] for s in stages))

    for stages in (("police",), ("om_regular",), ("ready_to_plan", "court"), ("appeal",), ("fine",),
                   ("taakstraf",), ("arrestant_wait",), ("detention",)):  # fmt: skip
        start, after = stock(0, *stages), stock(365, *stages)
        assert start > 0, stages
        assert abs(after / start - 1) <= 0.20, (stages, start, after)
