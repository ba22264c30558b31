"""The court session calendar (`sim.courts.Courts._build_calendar`), exactly: how many sessions of a type, on which
days, at what time, held or cancelled, with how many slots. A one-region small scenario of 10 weeks (70 days from
Tuesday 2019-01-01, no run-out) and one session type, the politierechter's, set by hand; only the calendar is built
(a `Model` is constructed, not run)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from conftest import small_scenario

from sim.courts import SESSION_HOUR
from sim.domain import CourtQueue
from sim.model import Model

START_WEEKDAY = dt.date(2019, 1, 1).weekday()  # Tuesday
CHANGE = "2019-02-05"  # a Tuesday, day 35: the start of week 6
CHANGE_DAY = 35


def calendar(session: dict, days: float = 70.0, regions: dict | None = None, kind: str = "politierechter"):
    """The sessions of type `kind` as (time, held, slots, region) tuples, for a small scenario whose `kind`
    sessions are `session` (merged over the baseline's)."""
    top = {"horizon_days": days, "warmup_days": 0.0, "runout_days": 0.0, "replications": 1}
    if regions is not None:
        top["regions"] = {"_replace": True, **regions}
    sc = small_scenario(extra={"courts": {"sessions": {kind: session}}}, **top)
    c = Model(sc).courts
    k = c.type_names.index(kind)
    assert c.s_time == sorted(c.s_time)  # one calendar in time order, all types together
    return [(t, h, s, r) for t, ty, h, s, r in zip(c.s_time, c.s_type, c.s_held, c.s_slots, c.s_region) if ty == k], c


def weekday(t: float) -> int:
    return (START_WEEKDAY + math.floor(t)) % 7


def per_day(sessions) -> dict[int, int]:
    out: dict[int, int] = {}
    for t, *_ in sessions:
        out[math.floor(t)] = out.get(math.floor(t), 0) + 1
    return out


def test_two_and_a_half_a_week_on_weekdays_is_25_in_ten_weeks_on_every_other_weekday():
    """2.5 a week over 5 weekdays is half a session a day: the running fraction (starting at 1/2) gives one on the
    1st, 3rd, 5th, ... weekday of the run, so every two weeks exactly 5, all at 9:00."""
    sessions, _ = calendar({"per_week": 2.5, "weekdays": [0, 1, 2, 3, 4], "officier_share": 1.0, "slots": 7})
    assert len(sessions) == 25
    weekdays_of_run = [d for d in range(70) if weekday(d) < 5]
    assert len(weekdays_of_run) == 50
    assert [math.floor(t) for t, *_ in sessions] == weekdays_of_run[::2]
    assert all(t - math.floor(t) == SESSION_HOUR / 24.0 == 0.375 for t, *_ in sessions)
    for fortnight in range(5):
        assert sum(1 for t, *_ in sessions if 14 * fortnight <= t < 14 * (fortnight + 1)) == 5
    assert all(held and slots == 7 for _, held, slots, _ in sessions)


def test_sessions_fall_only_on_the_configured_weekdays():
    """Monday, Wednesday, Friday: 2.5 a week is still 25 in ten weeks, none on another day."""
    sessions, _ = calendar({"per_week": 2.5, "weekdays": [0, 2, 4], "officier_share": 1.0})
    assert len(sessions) == 25
    assert {weekday(t) for t, *_ in sessions} == {0, 2, 4}
    assert max(per_day(sessions).values()) == 1  # 5/6 of a session a day never makes two


def test_weekend_sessions():
    sessions, _ = calendar({"per_week": 4.0, "weekdays": [5, 6], "officier_share": 1.0})
    assert len(sessions) == 40 and {weekday(t) for t, *_ in sessions} == {5, 6}
    assert set(per_day(sessions).values()) == {2}


def test_a_per_week_schedule_that_changes_on_a_date_gives_the_new_rate_from_that_date():
    """5 a week (one each weekday) until 2019-02-05, 10 a week (two each weekday) from then on."""
    sessions, _ = calendar({"per_week": [["2019-01-01", 5.0], [CHANGE, 10.0]], "officier_share": 1.0})
    days = per_day(sessions)
    for d in range(70):
        expected = 0 if weekday(d) >= 5 else (1 if d < CHANGE_DAY else 2)
        assert days.get(d, 0) == expected, d
    assert len(sessions) == 25 + 50


def test_no_sessions_a_week_means_none():
    sessions, _ = calendar({"per_week": 0.0})
    assert sessions == []


def test_no_session_at_or_after_the_end_of_the_run():
    """The run ends at day 69 at 9:00 (a Monday): that morning's session would sit at the end, so it is not
    planned; with the end an hour later it is."""
    base = {"per_week": 5.0, "officier_share": 1.0}
    assert weekday(69) == 0
    at_nine, _ = calendar(base, days=69.375)
    at_ten, _ = calendar(base, days=69.375 + 1 / 24)
    assert len(at_nine) == 49 and len(at_ten) == 50
    assert max(t for t, *_ in at_ten) == 69.375


def test_officier_share_zero_cancels_every_session_and_one_holds_every_session():
    none_held, courts = calendar({"per_week": 5.0, "officier_share": 0.0})
    assert len(none_held) == 50 and not any(held for _, held, _, _ in none_held)
    # cancelled sessions take no cases: the politierechter queue has no session to be planned into
    assert courts.q_times[0][CourtQueue.REGULAR_PR] == []
    k = courts.type_names.index("politierechter")
    assert not any(courts.s_type[s] == k for _, _, s in courts.events)  # and none is in the planner's moments
    all_held, courts = calendar({"per_week": 5.0, "officier_share": 1.0})
    assert len(all_held) == 50 and all(held for _, held, _, _ in all_held)
    assert courts.q_times[0][CourtQueue.REGULAR_PR] == [t for t, *_ in all_held]


def test_officier_share_that_changes_on_a_date():
    """No officier before 2019-02-05, always one from then on: held exactly from that date."""
    sessions, _ = calendar({"per_week": 5.0, "officier_share": [["2019-01-01", 0.0], [CHANGE, 1.0]]})
    assert len(sessions) == 50
    assert all(held == (t >= CHANGE_DAY) for t, held, _, _ in sessions)


def test_half_the_sessions_held_with_an_officier_share_of_one_half():
    """A share in between is a draw per session: 20 a week for 10 weeks is 200 sessions, Binomial(200, 1/2) held,
    inside 5 standard errors (sqrt(200 / 4) = 7.1) of 100."""
    sessions, _ = calendar({"per_week": 20.0, "officier_share": 0.5})
    assert len(sessions) == 200
    held = sum(h for _, h, _, _ in sessions)
    assert abs(held - 100) <= 5 * math.sqrt(200 * 0.25)


def test_slots_schedule_is_honoured_and_rounded_to_whole_slots():
    sessions, _ = calendar({"per_week": 5.0, "officier_share": 1.0, "slots": [["2019-01-01", 3.0], [CHANGE, 8.0]]})
    assert all(slots == (3 if t < CHANGE_DAY else 8) for t, _, slots, _ in sessions)
    rounded, _ = calendar({"per_week": 5.0, "slots": 2.6})
    assert {slots for _, _, slots, _ in rounded} == {3}


@pytest.mark.parametrize("share_a", [0.25, 0.5])
def test_sessions_per_week_are_national_and_split_over_regions_by_share(share_a):
    """4 a week nationally on weekdays: a region with a quarter of the capacity gets 1 a week (10 in ten weeks),
    the other 3 a week (30); with halves, 20 each."""
    regions = {"a": {"share": share_a}, "b": {"share": 1.0 - share_a}}
    sessions, courts = calendar({"per_week": 4.0, "officier_share": 1.0}, regions=regions)
    by_region = [sum(1 for *_, r in sessions if r == i) for i in range(2)]
    assert by_region == [round(40 * share_a), round(40 * (1.0 - share_a))]
