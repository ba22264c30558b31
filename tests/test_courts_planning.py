"""Court planning as the courts do it (appointering, `sim.courts`): regular cases booked into the first free session
beyond the summons term inside a rolling planning horizon, adjournments planned months on, a roster limited by judge
dagdelen and courtrooms, snelrecht slots reserved for detained suspects, a minimum fill for fast sessions, on-call RC
sessions, and the courts' norm figures. One small district, a year or so; each test watches the planner's own
bookings (`Courts._book` is wrapped to record who was booked into which session when)."""

from __future__ import annotations

import math

import numpy as np
from conftest import small_scenario

from sim.domain import CourtQueue, HearingResult, SessionStatus, Stage
from sim.kpis import MK_NORM_DAYS, PR_NORM_DAYS, court_norm_kpis
from sim.model import Model

_REGULAR = (int(CourtQueue.REGULAR_PR), int(CourtQueue.REGULAR_MK))


def run(courts: dict | None = None, **top):
    """A run of the small one-district scenario with `courts` merged in; returns (model, result, bookings) with
    bookings as (case, session, time booked, queue) in the order they were made."""
    top = {"horizon_days": 300.0, "warmup_days": 0.0, "runout_days": 150.0, "replications": 1, **top}
    sc = small_scenario(extra={"courts": courts} if courts else None, **top)
    m = Model(sc)
    c = m.courts
    bookings: list[tuple[int, int, float, int]] = []
    book = c._book

    def recording(cid: int, session: int) -> None:
        bookings.append((cid, session, m.ctx.env.now, int(c.queue_of[cid])))
        book(cid, session)

    c._book = recording  # type: ignore[method-assign]
    res = m.run()
    return m, res, bookings


def _no_backlog_fill() -> dict:
    return {"sessions": {"snelrecht": {"fill_from_backlog": False}}}


def test_a_regular_case_is_never_heard_sooner_than_the_summons_term_after_it_was_booked():
    m, _, bookings = run(_no_backlog_fill())
    c = m.courts
    term = m.ctx.scenario.legal.summons_term_days
    regular = [(s, t) for _, s, t, q in bookings if q in _REGULAR]
    assert len(regular) > 1000
    assert all(c.s_time[s] - t >= term - 1e-9 for s, t in regular)


def test_a_ready_case_is_booked_at_once_into_the_first_free_session_not_pulled_at_a_fixed_lead():
    """With room in the roster, a case is booked the moment it is ready, into the first session beyond the summons
    term with a free slot; every session between was full. (The old backlog was pulled exactly `fill_lead_days`
    before each session.)"""
    sc = small_scenario(extra={"courts": _no_backlog_fill()}, horizon_days=300.0, warmup_days=0.0, runout_days=150.0)
    m = Model(sc)
    c = m.courts
    term = sc.legal.summons_term_days
    checked, gaps = [0], []
    book = c._book

    def checking(cid: int, session: int) -> None:
        q = int(c.queue_of[cid])
        now = m.ctx.env.now
        if q in _REGULAR and m.ctx.cases.adjournments[cid] == 0 and session in c.q_sessions[0][q]:
            sessions = c.q_sessions[0][q]
            between = [s for s in sessions if now + term - 1e-9 <= c.s_time[s] < c.s_time[session]]
            assert all(c.s_used[s] >= c.s_slots[s] for s in between)
            checked[0] += 1
            gaps.append(c.s_time[session] - now)
        book(cid, session)

    c._book = checking  # type: ignore[method-assign]
    m.run()
    assert checked[0] > 1000
    gaps_a = np.asarray(gaps)
    assert gaps_a.min() >= term - 1e-9
    assert np.mean(gaps_a > term + 0.5) > 0.5  # most are planned ahead, not at a fixed lead


def test_ready_to_plan_cases_beyond_the_horizon_wait_and_are_booked_in_order_of_readiness_as_it_rolls():
    """Few politierechter sessions and a two-week roster: cases pile up ready to plan, nothing is booked beyond the
    horizon, and the waiting cases are booked as sessions enter the roster, first ready first booked."""
    courts = {
        "planning_horizon_weeks": 2.0,
        "adjournment_share": 0.0,
        "adjournment_min_days": 7.0,
        "sessions": {"snelrecht": {"fill_from_backlog": False}, "politierechter": {"per_week": 3.0}},
    }
    m, res, bookings = run(courts)
    c = m.courts
    horizon = 14.0
    assert all(c.s_time[s] - t <= horizon + 1e-9 for _, s, t, q in bookings if q in _REGULAR)
    ready = res.backlog[:, int(Stage.READY_TO_PLAN)]
    assert ready.max() > 100  # a real stock of cases ready to plan
    # cases booked exactly a horizon ahead came from the waiting list as the roster rolled: in order of readiness
    rolled = [
        (t, c.ready_at[cid])
        for cid, s, t, q in bookings
        if q == CourtQueue.REGULAR_PR and abs(c.s_time[s] - t - horizon) < 1e-6
    ]
    assert len(rolled) > 100
    ready_at = [r for _, r in rolled]
    assert ready_at == sorted(ready_at)
    assert any(t - r > 7 for t, r in rolled)  # they did wait


def test_an_adjourned_case_is_heard_no_sooner_than_the_minimum():
    m, res, _ = run({"adjournment_share": 0.3, "adjournment_min_days": 60.0, **_no_backlog_fill()})
    h = res.hearings
    substantive = h["result"] != HearingResult.PRO_FORMA  # a detained suspect's pro-forma hearings come in between
    order = np.lexsort((h["time"][substantive], h["case_id"][substantive]))
    case, t, queue, result = (h[k][substantive][order] for k in ("case_id", "time", "queue", "result"))
    same = case[1:] == case[:-1]
    after_adjournment = same & (result[:-1] == HearingResult.ADJOURNED) & np.isin(queue[:-1], _REGULAR)
    gaps = (t[1:] - t[:-1])[after_adjournment]
    assert gaps.size > 100
    assert gaps.min() >= 60.0 - 1e-9


def test_sessions_beyond_the_judges_dagdelen_or_the_courtrooms_are_not_held():
    m, res, _ = run({"judge_dagdelen_per_week": 15.0})
    c = m.courts
    sc = m.ctx.scenario
    judges = {k: sc.courts.sessions[name].judges for k, name in enumerate(c.type_names)}
    used: dict[int, float] = {}
    for t, k, status in zip(c.s_time, c.s_type, c.s_status):
        if status not in (SessionStatus.NO_JUDGES, SessionStatus.NO_COURTROOM):
            week = (m.ctx.weekday0 + math.floor(t)) // 7
            used[week] = used.get(week, 0) + judges[k]
    assert max(used.values()) <= 15
    mk = c.type_names.index("meervoudige_kamer")
    lost = [k for k, st in zip(c.s_type, c.s_status) if st == SessionStatus.NO_JUDGES]
    assert lost and set(lost) == {mk}  # the type listed last goes short first
    # and with one courtroom (two dagdelen a day) no day has more than two sessions
    m, _, _ = run({"courtrooms": 1.0})
    c = m.courts
    per_day: dict[int, int] = {}
    for t, st in zip(c.s_time, c.s_status):
        if st != SessionStatus.NO_COURTROOM:
            per_day[math.floor(t)] = per_day.get(math.floor(t), 0) + 1
    assert max(per_day.values()) <= 2
    assert SessionStatus.NO_COURTROOM in c.s_status


def test_a_snelrecht_slot_is_not_taken_by_a_case_not_detained_before_it_opens_to_others():
    m, _, bookings = run()
    c = m.courts
    k = c.type_names.index("snelrecht")
    opens = m.ctx.scenario.courts.sessions["snelrecht"].open_to_others_days
    others = [(s, t) for _, s, t, q in bookings if c.s_type[s] == k and q != CourtQueue.SNELRECHT_DETAINED]
    assert len(others) > 50
    assert all(t >= c.s_time[s] - opens - 1e-9 for s, t in others)
    detained = [(s, t) for _, s, t, q in bookings if c.s_type[s] == k and q == CourtQueue.SNELRECHT_DETAINED]
    assert any(t < c.s_time[s] - opens for s, t in detained)  # the reserved queue books earlier


def test_a_session_below_the_minimum_fill_is_not_held_and_its_cases_are_rebooked_or_fall_back_never_late():
    courts = {"sessions": {"snelrecht": {"min_cases": 6, "min_cases_days": 2.0}}}
    sc = small_scenario(extra={"courts": courts}, horizon_days=300.0, warmup_days=0.0, runout_days=150.0)
    m = Model(sc)
    c = m.courts
    cancelled: dict[int, list[int]] = {}
    check = c._check_minimum_fill

    def recording(session: int) -> None:
        before = list(c.s_cases[session] or [])
        check(session)
        if c.s_status[session] == SessionStatus.LOW_FILL:
            cancelled[session] = before

    c._check_minimum_fill = recording  # type: ignore[method-assign]
    res = m.run()
    assert cancelled and any(cancelled.values())
    h = res.hearings
    low_fill = {s for s, st in enumerate(c.s_status) if st == SessionStatus.LOW_FILL}
    assert len(low_fill) == len(cancelled)
    cols = res.columns
    for session, cases in cancelled.items():
        for cid in cases:
            heard_later = (h["case_id"] == cid) & (h["time"] > c.s_time[session] - 2.0)
            assert heard_later.any() or cols["fallbacks"][cid] > 0 or cols["stage_at_end"][cid] >= 0, cid
    # no hearing in a cancelled session, and no fast-track case heard late
    hearing_sessions = set(np.frombuffer(c.hearings[1], dtype=np.int32).tolist())
    assert not (hearing_sessions & low_fill)
    held_times = {c.s_time[s] for s in low_fill}
    assert held_times  # sessions were cancelled
    heard = ~np.isnan(cols["t_verdict"]) & (cols["court_queue"] >= 0) & (cols["court_queue"] <= 2)
    wd = cols["t_verdict"][heard] - cols["t_window_start"][heard]
    assert wd.max() <= 28.0 + 1e-9
    statuses = res.sessions["status"]
    assert np.sum(statuses == SessionStatus.LOW_FILL) == len(low_fill)
    assert not np.any(res.sessions["held"][statuses == SessionStatus.LOW_FILL])


def test_an_on_call_rc_session_is_held_only_with_cases_booked():
    m, res, bookings = run({"sessions": {"rc_supersnelrecht": {"on_call": True, "per_week": 5.0}}})
    c = m.courts
    k = c.type_names.index("rc_supersnelrecht")
    booked = {s for _, s, _, _ in bookings}
    mine = [s for s, ty in enumerate(c.s_type) if ty == k]
    not_needed = [s for s in mine if c.s_status[s] == SessionStatus.ON_CALL_NOT_NEEDED]
    assert not_needed and all(s not in booked for s in not_needed)
    assert all(s in booked for s in mine if c.s_held[s])


def test_the_norm_figures_match_a_hand_computation():
    nan = math.nan
    pr, mk, det = int(CourtQueue.REGULAR_PR), int(CourtQueue.REGULAR_MK), int(CourtQueue.SNELRECHT_DETAINED)
    c = {
        # summons, first hearing, verdict, queue at the verdict, verzet
        "t_decision": np.array([0.0, 0.0, 10.0, 0.0, 0.0, 5.0, 0.0]),
        "t_first_hearing": np.array([20.0, 30.0, 40.0, 60.0, 100.0, 8.0, nan], np.float32),
        "t_verdict": np.array(
            [20.0, 30.0 + PR_NORM_DAYS + 1, 40.0 + PR_NORM_DAYS, 60.0, 100.0 + MK_NORM_DAYS + 1, 8.0, nan]
        ),
        "court_queue": np.array([pr, pr, pr, mk, mk, det, -1], np.int8),
        "verzet": np.array([False, False, True, False, False, False, False]),
    }
    out = court_norm_kpis(c, np.ones(7, bool))
    # politierechter: cases 0, 1, 2 and the snelrecht case 5; 0, 2 (exactly 5 weeks) and 5 within
    assert out[("pr_within_5_weeks_share", "all")] == 3 / 4
    assert out[("mk_within_6_months_share", "all")] == 1 / 2
    # summons -> first hearing, regular politierechter without verzet: cases 0 and 1 (20, 30 days)
    assert out[("days_summons_to_first_hearing_mean", "regular_pr")] == 25.0
    assert out[("days_summons_to_first_hearing_p50", "regular_pr")] == 25.0
    assert out[("days_summons_to_first_hearing_mean", "regular_mk")] == 80.0


def _closure(share: float = 1.0, **extra) -> dict:
    import datetime as dt

    return {
        "closures": [
            {
                "from": dt.date(2019, 9, 1),
                "until": dt.date(2019, 10, 15),
                "announced": dt.date(2019, 8, 20),
                "share": share,
                "session_types": ["politierechter", "meervoudige_kamer"],
                **extra,
            }
        ]
    }


def test_a_closure_strikes_planned_sessions_and_postpones_their_booked_cases_beyond_it():
    """Corona spring 2020: sessions the roster had already filled are struck on the day it is announced; the cases
    booked into them are planned again (a new summons term), none is heard in the closed period, and each session
    counts the cases it postponed."""
    m, res, bookings = run(_closure())
    c = m.courts
    lo, hi, at = 243.0, 287.0, 231.0  # 1 September, 15 October and 20 August 2019 in days since 1 January
    kinds = {c.type_names.index("politierechter"), c.type_names.index("meervoudige_kamer")}
    in_period = [s for s, t in enumerate(c.s_time) if c.s_type[s] in kinds and lo <= t < hi]
    assert in_period and all(c.s_status[s] == SessionStatus.CLOSURE for s in in_period)
    booked_before = {cid for cid, s, t, _ in bookings if s in set(in_period) and t < at}
    assert len(booked_before) > 20
    assert sum(c.s_postponed[s] for s in in_period) == len(booked_before)
    h = res.hearings
    struck_type = np.isin(h["session_type"], list(kinds)) & (h["result"] != HearingResult.PRO_FORMA)
    assert not np.any(struck_type & (h["time"] >= lo) & (h["time"] < hi))  # no case tried in a struck session
    rebooked = [(cid, s, t) for cid, s, t, _ in bookings if cid in booked_before and t >= at]
    assert {cid for cid, _, _ in rebooked} == booked_before  # every postponed case was planned again
    term = m.ctx.scenario.legal.summons_term_days
    for _, s, t in rebooked:  # outside the closure, with a new summons term (or in a fast session taking backlog)
        assert s not in in_period and c.s_time[s] >= t
        if c.s_type[s] in kinds:
            assert c.s_time[s] >= t + term - 1e-9 and not lo <= c.s_time[s] < hi
    assert res.sessions["postponed"].sum() == len(booked_before)
    assert np.all(res.sessions["status"][in_period] == SessionStatus.CLOSURE)


def test_a_closure_of_a_share_strikes_about_that_share_and_one_of_nothing_changes_nothing():
    m, _, _ = run(_closure(share=0.5))
    c = m.courts
    kinds = {c.type_names.index("politierechter"), c.type_names.index("meervoudige_kamer")}
    period = [s for s, t in enumerate(c.s_time) if c.s_type[s] in kinds and 243.0 <= t < 287.0 and c.s_held[s]]
    struck = [s for s, t in enumerate(c.s_time) if c.s_status[s] == SessionStatus.CLOSURE]
    n = len(period) + len(struck)
    assert n > 40 and abs(len(struck) / n - 0.5) < 3 * math.sqrt(0.25 / n)
    # a closure striking nothing draws from a stream of its own: every other draw, and so every case, is the same
    _, with_none, _ = run(_closure(share=0.0))
    _, without, _ = run()
    for k, v in without.columns.items():
        assert np.array_equal(v, with_none.columns[k], equal_nan=True), k


def test_a_closure_naming_an_unknown_session_type_or_ending_before_it_starts_is_refused():
    import datetime as dt

    import pytest

    from sim.scenario import ScenarioError

    with pytest.raises(ScenarioError) as e:
        small_scenario(extra={"courts": _closure(session_types=["kantonrechter"])})
    assert "courts.closures[0].session_types" in str(e.value) and "kantonrechter" in str(e.value)
    with pytest.raises(ScenarioError) as e:
        small_scenario(extra={"courts": _closure(until=dt.date(2019, 4, 1))})
    assert "until" in str(e.value) and "courts.closures" in str(e.value)
