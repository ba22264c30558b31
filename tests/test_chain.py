"""The whole chain on a small one-district scenario: legal windows, conservation, determinism, direction of change."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import small_scenario

from sim.domain import (
    FAST_TRACK_ROUTES,
    CourtQueue,
    HearingResult,
    Outcome,
    Route,
    Stage,
    WindowStart,
    fallback_bit,
    legal_windows,
)
from sim.model import run_replication
from sim.runner import kpis_of, run_replications


@pytest.fixture(scope="module")
def res(small):
    return run_replication(small, 0)


def test_every_route_is_used(res):
    route = res.columns["route"]
    for r in Route:
        assert (route == r).sum() > 0, r.key


def test_no_fast_track_hearing_outside_its_window(small, res):
    """Every hearing in a fast-track queue sits inside that queue's legal window (docs/domain.md §3)."""
    windows = legal_windows(small.legal)
    h = res.hearings
    c = res.columns
    assert h["case_id"].size > 0
    checked = 0
    for route, window in windows.items():
        if window.starts_at is not WindowStart.ARREST:
            # window starts at the summons: the OM decision, or the fall-back / verzet that sent the case here
            continue
        sel = h["queue"] == CourtQueue.of_fast_track(route)
        cases = h["case_id"][sel]
        times = h["time"][sel]
        arrest = c["t_offence"][cases]
        assert np.all(times - arrest <= window.latest_days + 1e-9), route.key
        checked += sel.sum()
    assert checked > 0
    # verdicts in a fast-track route: days from the window start never exceed the window
    for route in FAST_TRACK_ROUTES:
        window = windows[route]
        sel = (c["route"] == route) & ~np.isnan(c["t_verdict"]) & ~c["verzet"]
        assert sel.any(), route.key
        wd = c["t_verdict"][sel] - c["t_window_start"][sel]
        assert np.nanmax(wd) <= window.latest_days + 1e-9, route.key
        assert np.nanmin(wd) >= window.earliest_days - 1e-9, route.key


def test_fallbacks_are_counted_and_routed_slower(small):
    """Too few RC sessions: supersnelrecht cases fall back; each fall-back is counted and the case is decided in a
    slower route, never in the one it fell out of."""
    sc = small_scenario(extra={"courts": {"sessions": {"rc_supersnelrecht": {"per_week": 0.5}}}})
    r = run_replication(sc, 0)
    c = r.columns
    fell = (c["fell_back_from"] & fallback_bit(Route.SUPERSNELRECHT)) != 0
    assert fell.sum() > 10
    assert np.all(c["fallbacks"][fell] >= 1)
    decided = fell & ~np.isnan(c["t_verdict"])
    assert decided.any()
    assert not np.any(c["route"][decided] == Route.SUPERSNELRECHT)
    rows, _ = kpis_of(sc, [r])
    k = {(x.metric, x.group): x.mean for x in rows}
    assert k[("fallbacks", "supersnelrecht")] > 0
    assert k[("within_window_share", "supersnelrecht")] < 0.9
    assert k[("window_days_max", "supersnelrecht")] <= sc.legal.supersnelrecht_window_days + 1e-9


def test_conservation_of_cases(small, res):
    """Every case that entered is finished, or still in exactly one stage at the end; offences are cases + diverted."""
    c = res.columns
    n = c["t_registration"].size
    open_ = c["outcome"] == Outcome.OPEN
    stage = c["stage_at_end"]
    assert np.all(stage[open_] >= 0), "an open case is in no stage: lost"
    assert np.all(stage[~open_] == -1), "a finished case is still counted in a stage"
    assert np.all(~np.isnan(c["t_end"][~open_]))
    # the backlog sample at the end equals the open cases per stage
    last = res.backlog[-1, : len(Stage)]
    per_stage = np.bincount(stage[open_], minlength=len(Stage))
    assert np.array_equal(last, per_stage)
    # offences = cases + offences without a known suspect that did not become a case (no suspect - solved)
    div = res.diverted.sum(axis=(0, 1, 2))
    assert div[0] == div[1] - div[3] + n


def test_every_case_finishes_with_a_long_run_out():
    """With a long run-out and no intake, cases drain: nothing is stuck for ever in a stage."""
    sc = small_scenario(horizon_days=200.0, warmup_days=0.0, runout_days=4000.0)
    r = run_replication(sc, 0)
    open_ = r.columns["outcome"] == Outcome.OPEN
    # arrestanten may be found after very long times (exponential find time); everything else finishes
    stuck = r.columns["stage_at_end"][open_]
    assert np.all(stuck == Stage.ARRESTANT_WAIT), np.bincount(stuck[stuck >= 0])
    assert open_.mean() < 0.001


def test_hearing_log_matches_case_records(res):
    c = res.columns
    h = res.hearings
    verdicts = h["result"] == HearingResult.VERDICT
    heard_cases = np.unique(h["case_id"][verdicts])
    assert np.array_equal(heard_cases, np.nonzero(~np.isnan(c["t_verdict"]))[0])
    claims = np.isin(h["result"], [HearingResult.CLAIM_GRANTED, HearingResult.CLAIM_REFUSED])
    assert np.count_nonzero(claims) == np.count_nonzero(~np.isnan(c["t_claim_hearing"]))
    # pro-forma hearings and claims to execute suspended sentences are counted apart
    adjourned = ~verdicts & (h["result"] != HearingResult.PRO_FORMA) & ~claims
    adj = np.bincount(h["case_id"][adjourned], minlength=c["adjournments"].size)
    assert np.array_equal(adj, c["adjournments"])
    pro_forma = np.bincount(h["case_id"][h["result"] == HearingResult.PRO_FORMA], minlength=adj.size)
    assert np.array_equal(pro_forma, c["pro_forma_hearings"])


def _same(a, b):
    assert a.columns.keys() == b.columns.keys()
    for k in a.columns:
        np.testing.assert_array_equal(a.columns[k], b.columns[k], err_msg=k)
    np.testing.assert_array_equal(a.backlog, b.backlog)
    for k in a.sessions:
        np.testing.assert_array_equal(a.sessions[k], b.sessions[k])


def test_same_seed_same_results(small, res):
    _same(res, run_replication(small, 0))
    other = run_replication(small, 1)
    assert other.columns["t_registration"].size != res.columns["t_registration"].size or not np.array_equal(
        other.columns["t_registration"], res.columns["t_registration"]
    )


def test_parallel_equals_serial(small):
    serial = run_replications(small, 2, seed=5, jobs=1)
    parallel = run_replications(small, 2, seed=5, jobs=2)
    for a, b in zip(serial, parallel):
        _same(a, b)


def _kpi(sc, metric, group, reps=3):
    rows, per_rep = kpis_of(sc, run_replications(sc, reps, seed=sc.seed))
    return np.array([r[(metric, group)] for r in per_rep])


def test_more_court_sessions_shorten_regular_lead_times():
    """Common random numbers: the same cases see fewer or more politierechter sessions; more is faster."""
    base = small_scenario(extra={"courts": {"sessions": {"politierechter": {"per_week": 3.6}}}})
    more = small_scenario(extra={"courts": {"sessions": {"politierechter": {"per_week": 6.0}}}})
    a = _kpi(base, "days_to_decision_p50", "regular")
    b = _kpi(more, "days_to_decision_p50", "regular")
    assert np.all(b < a), (a, b)
    assert b.mean() < 0.9 * a.mean()


def test_more_rc_sessions_mean_fewer_fallbacks():
    few = small_scenario(extra={"courts": {"sessions": {"rc_supersnelrecht": {"per_week": 1.0}}}})
    many = small_scenario(extra={"courts": {"sessions": {"rc_supersnelrecht": {"per_week": 10.0}}}})
    assert np.all(_kpi(many, "fallbacks", "supersnelrecht") < _kpi(few, "fallbacks", "supersnelrecht"))


def test_unlimited_capacity_removes_waits():
    """Every station unlimited: nobody waits at a station; waits that remain are legal terms and calendars."""
    inf = math.inf
    sc = small_scenario(
        extra={
            "police": {"detective_fte": inf, "initial_stock": 0},
            "om": {
                "zsm": {"fte": inf, "open_hour": 0, "close_hour": 24},
                "regular": {
                    "fte": inf,
                    "initial_stock": 0,
                    "open_hour": 0,
                    "close_hour": 24,
                    "open_weekdays": [0, 1, 2, 3, 4, 5, 6],
                },
            },
            "advice": {k: {"fte": inf} for k in ("reclassering", "rvdk", "nifp")},
            "appeal": {"fte": inf, "initial_stock": 0},
            "execution": {"taakstraf": {"fte": inf}, "custodial": {"cells": inf}},
            # every suspect not decided within ophouden is held on: a release can then only come from a wait
            "custody": {"inverzekeringstelling_share": 1.0},
        }
    )
    r = run_replication(sc, 0)
    for st in r.stations:
        if st["started"]:
            assert st["mean_wait_days"] == 0.0, st["station"]
    # nobody released from custody because the ZSM desk was busy
    c = r.columns
    assert not np.any(c["custody_release"] & (c["returns"] == 0))


def test_stopped_callup_piles_up_zelfmelders_and_they_drain_after():
    """Cell shortage lever: DJI stops calling up zelfmelders for 150 days; they wait on hold and are called when
    the call-up resumes. Same cases (common random numbers) as the run without the stop."""
    stop = [["2019-01-01", 1.0], ["2019-06-01", 0.0], ["2019-11-01", 1.0]]
    base = small_scenario(horizon_days=400.0, warmup_days=30.0, runout_days=900.0)
    stopped = small_scenario(
        horizon_days=400.0,
        warmup_days=30.0,
        runout_days=900.0,
        extra={"execution": {"custodial": {"callup_share": stop}}},
    )
    a, b = run_replication(base, 0), run_replication(stopped, 0)
    z = Stage.ZELFMELDER_WAIT
    day_stop, day_resume = 151, 304  # 2019-06-01, 2019-11-01
    # the day before the call-up resumes: on the day itself DJI calls the pile up at once where places are free
    # (a call-up holds no cell), so they are no longer "not yet called up"
    assert b.backlog[day_resume - 1, z] > 2.5 * a.backlog[day_resume - 1, z] + 10
    assert np.array_equal(a.backlog[:day_stop, z], b.backlog[:day_stop, z])
    # the pile drains after the call-up resumes, and nobody is lost
    assert b.backlog[-1, z] <= a.backlog[-1, z] + 2
    zelf = b.columns["execution"] == 3
    assert (
        np.sum(zelf & (b.columns["outcome"] == 0))
        <= np.sum((a.columns["execution"] == 3) & (a.columns["outcome"] == 0)) + 2
    )


def test_per_region_backlogs_add_up_to_the_sampled_backlog_and_sessions_split_by_region():
    """Each arrondissement's backlog is rebuilt from the stage log after the run ([day, region, stage]); summed over
    the regions it is the backlog the run sampled each day, but for the few cases that moved at the instant of a
    count. With `by="region"` the key figures hold each region's backlogs and its own court sessions."""
    from sim.kpis import STAGES
    from sim.runner import replication_kpis_of

    regions = {"_replace": True, "north": {"share": 0.6}, "south": {"share": 0.4}}
    sc = small_scenario(stocks=True, horizon_days=200.0, warmup_days=0.0, runout_days=60.0, regions=regions)
    res = run_replication(sc, 0, 11)
    per = res.backlog_by_region
    assert per.shape == (res.backlog.shape[0], 2, len(STAGES))
    total = per.sum(axis=1)
    sampled = res.backlog[:, : len(STAGES)]
    assert np.abs(total - sampled).max() <= max(3, 0.002 * sampled.max())
    assert (per[:, 1].sum(axis=1) > 0).all() and (per[:, 0].sum() > per[:, 1].sum())  # 60% against 40%
    k = replication_kpis_of(sc, res, by="region")
    for stage in STAGES:
        parts = k[("backlog_end", stage, "region=north")] + k[("backlog_end", stage, "region=south")]
        assert abs(parts - k[("backlog_end", stage)]) <= 3, stage
    fills = [v for (m, _g, *b), v in k.items() if m == "session_fill_rate" and b]
    assert len(fills) >= 2 and all(0.0 < f <= 1.0 for f in fills if f == f)
    held = res.sessions["held"]
    for i, name in enumerate(("north", "south")):
        mine = held & (res.sessions["region"] == i) & (res.sessions["time"] < sc.horizon_days)
        assert mine.any(), name
