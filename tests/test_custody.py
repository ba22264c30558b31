"""The custody clock, remand places, pro-forma hearings, the zelfmelder call-up, the custodial stocks on a date and
the verkeerstoren allocation (sim/custody.py, sim/execution.py, the pro-forma block of sim/courts.py).

Each test would fail without its mechanism: a detained route tried after release, a custody step past its legal
limit, remand that takes no place, remand not deducted, a gap of more than 90 days between pro-forma hearings, a cell
held for a called-up convict, a stock that does not match the case records, a verkeerstoren that changes the find
time instead of the allocation.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from conftest import BASELINE, small_scenario

from sim import scenario as S
from sim.custody import ophouden_end
from sim.domain import CustodyStep, ExecutionKind, HearingResult, Outcome, Route, Stage
from sim.kpis import custody_kpis, prison_population_at, unfindable_convicts_at
from sim.model import Model

DETAINED = (int(Route.SUPERSNELRECHT), int(Route.SNELRECHT_DETAINED))
# much remand, and long regular cases (adjourned for months), so every mechanism has cases in a small run
REMAND = {
    "courts": {"adjournment_share": 0.4, "adjournment_min_days": 60},
    "custody": {
        "regular_remand_share": {"vvc": 0.5, "hic": 0.8, "other": 0.6},
        "gevangenhouding_share": 1.0,
        "gevangenhouding_extension_share": 1.0,
        "pro_forma_continue_share": 0.95,
    },
}


def _run(sc: S.Scenario, probe=None):
    m = Model(sc, 0)
    if probe is not None:
        m.env.process(probe(m))
    return m, m.run()


@pytest.fixture(scope="module")
def remand_run():
    return _run(small_scenario(extra=REMAND))


# ------------------------------------------------------------------ the clock


def test_ophouden_does_not_count_the_night_hours():
    h = 1 / 24
    assert ophouden_end(10 * h, 9, 0, 9) == pytest.approx(19 * h)  # 10:00 -> 19:00
    assert ophouden_end(20 * h, 9, 0, 9) == pytest.approx(1 + 14 * h)  # 4 h to midnight, 5 h from 9:00
    assert ophouden_end(23 * h, 9, 0, 9) == pytest.approx(1 + 17 * h)
    assert ophouden_end(3 * h, 9, 0, 9) == pytest.approx(18 * h)  # arrested at night: counts from 9:00
    assert ophouden_end(5 + 10 * h, 9, 0, 0) == pytest.approx(5 + 19 * h)  # no night: plain 9 hours


def test_nobody_is_tried_in_a_detained_route_after_release(remand_run):
    _, r = remand_run
    c = r.columns
    tried = np.isin(c["route"], DETAINED) & ~np.isnan(c["t_verdict"]) & ~c["verzet"]
    assert tried.sum() > 50
    end = c["t_custody_end"][tried]
    assert np.all(np.isnan(end) | (end >= c["t_verdict"][tried] - 1e-6))
    assert np.all(c["custody_step"][tried] >= CustodyStep.OPHOUDEN)
    # and released suspects were decided by the `zsm` mix: no detained route among them
    released = c["arrested"] & c["custody_release"]
    assert released.any() and not np.any(np.isin(c["route_initial"][released], DETAINED))


def test_custody_steps_never_exceed_their_legal_limits(remand_run):
    m, r = remand_run
    c = r.columns
    legal = m.scenario.legal
    end, arrest = c["t_custody_end"], c["t_offence"]
    released = ~np.isnan(end) & ~(end >= c["t_verdict"] - 1e-9)  # released by the clock, not held by a judgment
    step = c["custody_step"]
    for cid in np.nonzero(released & (step == CustodyStep.OPHOUDEN))[0][:2000]:
        assert end[cid] <= ophouden_end(float(arrest[cid]), 9, 0, 9) + 1e-6
    ivs = released & (step == CustodyStep.INVERZEKERINGSTELLING)
    assert ivs.sum() > 20
    longest_ophouden = 18 / 24  # 9 hours counted, at most 9 night hours between
    assert np.all(end[ivs] - arrest[ivs] <= longest_ophouden + 6 + 1e-6)
    remanded = ~np.isnan(c["t_remand_start"]) & (step >= CustodyStep.BEWARING)
    assert remanded.sum() > 20
    by_rc = remanded & (c["t_remand_start"] - arrest <= legal.voorgeleiding_days + 1e-3)
    to_verdict = remanded & (c["t_remand_start"] >= c["t_verdict"] - 1e-6)  # police custody, then the judgment
    assert np.all((by_rc | to_verdict)[remanded])
    bew = released & (step == CustodyStep.BEWARING) & ~to_verdict
    assert np.all(end[bew] - c["t_remand_start"][bew] <= legal.bewaring_days + 1e-3)
    gh = released & (step == CustodyStep.GEVANGENHOUDING) & (c["pro_forma_hearings"] == 0)
    assert np.all(end[gh] - c["t_remand_start"][gh] <= legal.bewaring_days + legal.gevangenhouding_max_days + 1e-3)


def test_every_suspect_held_at_the_end_is_within_a_title(remand_run):
    """Conservation: cases with a custody end are exactly those whose custody began and ended."""
    _, r = remand_run
    c = r.columns
    assert np.all(np.isnan(c["t_custody_end"][~c["arrested"]]))
    assert np.all(c["remand_days"][~c["arrested"]] == 0)


# ------------------------------------------------------------------ places


def test_remand_occupies_places_and_police_cells_hold_police_custody():
    seen = []

    def probe(m):
        while True:
            yield m.env.timeout(7.3)
            cu = m.custody
            police = sum(1 for s in cu.step if s in (CustodyStep.OPHOUDEN, CustodyStep.INVERZEKERINGSTELLING))
            seen.append((cu.remand.busy, cu.on_remand(), sum(st.busy for st in cu.police_cells), police))

    _run(small_scenario(extra=REMAND, runout_days=0.0), probe)
    assert len(seen) > 40
    assert all(a == b and p == q for a, b, p, q in seen)
    assert max(a for a, *_ in seen) > 10


def test_remand_in_the_sentence_cells_takes_them_from_sentences():
    """With one pool, remand uses the sentence places: the cells station holds remand and sentences together."""
    seen = []

    def probe(m):
        cells, stage_of = m.execution.cells, m.cases._stage_of
        while True:
            yield m.env.timeout(9.1)
            # convicts whose sentence began at the final judgment, still waiting for a free place
            queued = sum(1 for job in cells.queues[0] if stage_of[job[0]] == Stage.DETENTION)
            in_a_place = m.cases.in_stage[Stage.DETENTION] - queued
            # (and suspended parts served on a granted claim, which are no stage of their case)
            seen.append(
                (cells.busy, in_a_place + m.custody.on_remand() + m.execution.claims_in_cells, len(cells.queues[1]))
            )

    m, _ = _run(small_scenario(extra=S.deep_merge(REMAND, {"custody": {"remand_in_sentence_cells": True}})), probe)
    assert m.custody.remand is m.execution.cells
    assert all(a == b for a, b, _ in seen) and max(a for a, *_ in seen) > 20
    assert max(w for *_, w in seen) > 0  # the pool is full of remand: arrestanten wait


def test_remand_days_are_deducted_from_the_sentence(remand_run):
    m, r = remand_run
    c = r.columns
    length = m.execution.length.values
    aansl = (c["execution"] == ExecutionKind.AANSLUITEND) & (c["outcome"] == Outcome.EXECUTED)
    assert aansl.sum() > 20 and np.all(c["remand_days"][aansl] > 0)
    served = c["t_detention_end"][aansl] - c["t_detention_start"][aansl]  # (a taakstraf part may follow the stay)
    expected = np.maximum(0.0, length[aansl] - c["remand_days"][aansl])
    assert np.allclose(served, expected, atol=0.01)  # the cells are not full: no wait for a place
    # remand ends where the sentence begins, so nobody is out of a place in between
    assert np.allclose(c["t_custody_end"][aansl], c["t_detention_start"][aansl], atol=1e-3)


def test_a_convict_on_remand_continues_and_one_released_does_not(remand_run):
    _, r = remand_run
    c = r.columns
    aansl = c["execution"] == ExecutionKind.AANSLUITEND
    # aansluitend follows from being held at the final decision, whatever the route
    assert np.any(aansl & (c["route"] == Route.REGULAR))
    assert np.all(np.isnan(c["t_custody_end"][aansl]) | (c["t_custody_end"][aansl] >= c["t_final"][aansl] - 1e-3))
    others = np.isin(c["execution"], (ExecutionKind.ZELFMELDER, ExecutionKind.ARRESTANT))
    assert np.all(np.isnan(c["t_custody_end"][others]) | (c["t_custody_end"][others] <= c["t_verdict"][others] + 1e-6))


# ------------------------------------------------------------------ pro-forma hearings


def test_a_pro_forma_hearing_falls_within_every_90_days_of_gevangenhouding(remand_run):
    m, r = remand_run
    c = r.columns
    legal = m.scenario.legal
    h = r.hearings
    pf = h["result"] == HearingResult.PRO_FORMA
    assert pf.sum() > 20
    times: dict[int, list[float]] = {}
    for cid, t in zip(h["case_id"][pf], h["time"][pf]):
        times.setdefault(int(cid), []).append(float(t))
    assert all(c["pro_forma_hearings"][cid] == len(ts) for cid, ts in times.items())
    checked = 0
    for cid in np.nonzero(c["custody_step"] == CustodyStep.GEVANGENHOUDING)[0]:
        start = c["t_remand_start"][cid]
        end = np.nanmin([c["t_custody_end"][cid], c["t_verdict"][cid], m.scenario.total_days])
        points = [start] + [t for t in times.get(int(cid), []) if t <= end] + [end]
        limits = [legal.bewaring_days + legal.gevangenhouding_max_days] + [legal.pro_forma_interval_days] * (
            len(points) - 2
        )
        for a, b, limit in zip(points, points[1:], limits):
            assert b - a <= limit + 1e-6, (cid, points)
        checked += len(points) > 2
    assert checked > 10
    # pro-forma hearings decide nothing: they come before the case's verdict hearing
    verdict_time = c["t_verdict"][h["case_id"][pf]]
    assert np.all(np.isnan(verdict_time) | (h["time"][pf] <= verdict_time))


# ------------------------------------------------------------------ zelfmelders and the cells


def test_a_call_up_reserves_no_cell():
    seen = []

    def probe(m):
        while True:
            yield m.env.timeout(5.7)
            ex = m.execution
            seen.append((ex.cells.busy, m.cases.in_stage[Stage.DETENTION] + ex.claims_in_cells, ex.called_up))

    _run(small_scenario(), probe)
    # cells hold only those serving (a suspended part served on a granted claim included)
    assert all(busy == detained for busy, detained, _ in seen)
    assert sum(called for *_, called in seen) > 100  # while convicts were called up and not yet reported


def test_zelfmelders_are_called_up_only_when_a_place_is_expected():
    """Few cells: the call-up waits for expected places, so the stock "not yet called up" grows."""
    tight = small_scenario(
        extra={"execution": {"custodial": {"cells": 80}}}
    )  # about 120 in detention with ample places
    loose = small_scenario(extra={"execution": {"custodial": {"cells": 2000}}})
    z = Stage.ZELFMELDER_WAIT
    _, a = _run(tight)
    _, b = _run(loose)
    assert a.backlog[300:, z].mean() > 1.5 * b.backlog[300:, z].mean() + 20


# ------------------------------------------------------------------ stocks on a date


def test_unfindable_stock_and_prison_population_agree_with_a_hand_count():
    sc = small_scenario(horizon_days=800.0, warmup_days=90.0, runout_days=0.0)
    m, r = _run(sc)
    c = r.columns
    k = custody_kpis(c, sc)
    years = [g for (metric, g) in k if metric == "prison_population_30sep"]
    assert years == ["2019", "2020"]
    for year in years:
        t = sc.day_of(dt.date(int(year), 9, 30))
        remand = detention = 0
        for cid in range(len(c["t_offence"])):
            s, e = c["t_remand_start"][cid], c["t_custody_end"][cid]
            remand += bool(s <= t and not (e <= t))
            s, e = c["t_detention_start"][cid], c["t_detention_end"][cid]
            detention += bool(s <= t and not (e <= t))
        assert k[("prison_population_30sep", year)] == remand + detention == prison_population_at(c, t)
        assert detention == r.backlog[int(t), Stage.DETENTION]  # the same as the stage counts
        assert remand > 0
    years = [g for (metric, g) in k if metric == "unfindable_convicts"]
    assert years == ["2019", "2020"]
    for year in years:
        t = sc.day_of(dt.date(int(year) + 1, 1, 1))  # at the end of 31 December
        sought = sum(
            bool(c["t_sought"][cid] <= t and not (c["t_found"][cid] <= t)) for cid in range(len(c["t_offence"]))
        )
        assert k[("unfindable_convicts", year)] == sought == unfindable_convicts_at(c, t) > 10
        # the cells are not full, so everyone sought and not found is in the arrestant stage, and only they
        assert sought == r.backlog[int(t), Stage.ARRESTANT_WAIT]


# ------------------------------------------------------------------ the verkeerstoren


def test_the_verkeerstoren_changes_the_allocation_not_the_find_time():
    tight = {"execution": {"custodial": {"cells": 90}}}  # places bind: about 120 in detention with ample places
    prio = small_scenario(extra=tight)
    tower = small_scenario(extra=S.deep_merge(tight, {"execution": {"custodial": {"verkeerstoren_share": 1.0}}}))
    _, a = _run(prio)
    _, b = _run(tower)
    ca, cb = a.columns, b.columns
    both = ~np.isnan(ca["t_found"]) & ~np.isnan(cb["t_found"]) & ~ca["replacement_detention"]
    assert both.sum() > 50
    find_a = ca["t_found"][both] - ca["t_sought"][both]
    find_b = cb["t_found"][both] - cb["t_sought"][both]
    assert np.allclose(find_a, find_b, atol=1e-3)  # the police search is the same
    placed = both & ~np.isnan(ca["t_detention_start"]) & ~np.isnan(cb["t_detention_start"])
    wait_a = np.mean(ca["t_detention_start"][placed] - ca["t_found"][placed])
    wait_b = np.mean(cb["t_detention_start"][placed] - cb["t_found"][placed])
    assert wait_b < wait_a - 1.0  # found arrestanten get a place sooner


def test_the_verkeerstoren_scenario_is_an_allocation_rule():
    sc = S.load(BASELINE.parent / "verkeerstoren.toml")
    base = S.load(BASELINE)
    assert sc.execution.custodial.verkeerstoren_share.first == 1.0
    assert sc.execution.custodial.find_time == base.execution.custodial.find_time


# ------------------------------------------------------------------ the scenario format


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"custody": {"consent_share": 1.5}}, "custody.consent_share"),
        ({"custody": {"regular_remand_share": {"drugs": 0.1}}}, "custody.regular_remand_share"),
        ({"legal": {"gevangenhouding_max_days": 20}}, "gevangenhouding_max_days"),
        ({"execution": {"custodial": {"verkeerstoren_share": 2}}}, "verkeerstoren_share"),
        ({"regions": {"district": {"override": {"custody": {"remand_places": 5}}}}}, "remand_places"),
    ],
)
def test_bad_custody_keys_are_refused_by_name(extra, words):
    with pytest.raises(Exception) as err:
        small_scenario(extra=extra)
    assert words in str(err.value)


def test_neutral_defaults_hold_every_undecided_suspect_for_inverzekeringstelling():
    sc = S.load(BASELINE, overrides={"custody": {"_replace": True}})
    assert sc.custody.inverzekeringstelling_share.first == 1.0
    assert math.isinf(sc.custody.remand_places.first) and not sc.custody.regular_remand_share
