"""`sim.stations.Station` on a bare SimPy environment: opening hours, capacity changes, withdraw/readmit,
priorities, statistics, infinite capacity, zero service times. Every expected time below is worked out by hand
from the station's rules (see the module docstring of `sim.stations`)."""

from __future__ import annotations

import math

import pytest
import simpy

from sim.stations import Station

HOUR = 1.0 / 24.0
EVERY_DAY = frozenset(range(7))
MON_FRI = frozenset(range(5))


class Log:
    """Records when each case started and finished."""

    def __init__(self, env: simpy.Environment):
        self.env = env
        self.started: dict[int, float] = {}
        self.done: dict[int, float] = {}
        self.order: list[int] = []  # cases in the order they started

    def start(self, cid: int) -> None:
        self.started[cid] = self.env.now
        self.order.append(cid)

    def finish(self, cid: int) -> None:
        self.done[cid] = self.env.now


def at(env: simpy.Environment, t: float, fn) -> None:
    """Call `fn()` at simulation time `t` (scheduled now, so it runs in scheduling order among equal times)."""
    env.timeout(t - env.now).callbacks.append(lambda _ev: fn())


def put(st: Station, log: Log, cid: int, service: float, priority: int = 0) -> None:
    st.put(cid, service, log.finish, priority=priority, started=log.start)


# ------------------------------------------------------------------------------------------ opening hours


def test_case_put_after_closing_starts_at_next_opening():
    """Open 8-22 every day: a case handed in at 23:00 starts at 8:00 the next morning, not at once."""
    env = simpy.Environment()
    st = Station(env, "desk", [(0.0, 1.0)], hours=(8.0, 22.0, EVERY_DAY, 0))
    log = Log(env)
    assert not st.open  # midnight: closed
    at(env, 23 * HOUR, lambda: put(st, log, 1, 2 * HOUR))
    env.run(until=3.0)
    assert log.started[1] == pytest.approx(1.0 + 8 * HOUR, abs=1e-9)
    assert log.done[1] == pytest.approx(1.0 + 10 * HOUR, abs=1e-9)
    assert st.wait_total == pytest.approx(9 * HOUR, abs=1e-9)


def test_work_in_hand_is_finished_after_closing_but_nothing_new_starts():
    """A case started at 21:00 with 2 hours of work finishes at 23:00 (work in hand is finished); the case waiting
    behind it must not start then, while closed (a `_finish` that dispatched regardless of the hours would start it
    at 23:00)."""
    env = simpy.Environment()
    st = Station(env, "desk", [(0.0, 1.0)], hours=(8.0, 22.0, EVERY_DAY, 0))
    log = Log(env)
    at(env, 21 * HOUR, lambda: put(st, log, 1, 2 * HOUR))
    at(env, 21.5 * HOUR, lambda: put(st, log, 2, HOUR))
    env.run(until=2.0)
    assert log.started[1] == pytest.approx(21 * HOUR, abs=1e-9)
    assert log.done[1] == pytest.approx(23 * HOUR, abs=1e-9)
    assert log.started[2] == pytest.approx(1.0 + 8 * HOUR, abs=1e-9)


def test_nothing_starts_on_a_closed_weekday():
    """Open Monday to Friday 8-22; day 0 is a Friday. A case handed in on Saturday at 10:00 waits over the weekend
    and starts on Monday (day 3) at 8:00."""
    env = simpy.Environment()
    st = Station(env, "desk", [(0.0, 2.0)], hours=(8.0, 22.0, MON_FRI, 4))
    log = Log(env)
    at(env, 1.0 + 10 * HOUR, lambda: put(st, log, 1, HOUR))
    at(env, 2.0 + 12 * HOUR, lambda: put(st, log, 2, HOUR))  # Sunday noon
    probe = {}
    at(env, 2.0 + 23 * HOUR, lambda: probe.update(waiting=st.waiting, busy=st.busy, open=st.open))
    env.run(until=5.0)
    assert probe == {"waiting": 2, "busy": 0, "open": False}
    assert log.started[1] == pytest.approx(3.0 + 8 * HOUR, abs=1e-9)
    assert log.started[2] == pytest.approx(3.0 + 8 * HOUR, abs=1e-9)  # two servers: both at the opening
    assert log.order == [1, 2]


def test_a_station_open_around_the_clock_needs_no_switch_events():
    """Hours covering the whole week are "always open": no opening/closing events are scheduled (a station that
    switched every midnight would cost an event a day for nothing)."""
    env = simpy.Environment()
    st = Station(env, "desk", [(0.0, 1.0)], hours=(0.0, 24.0, EVERY_DAY, 0))
    assert st.open
    assert env.peek() == math.inf


# ------------------------------------------------------------------------------------------ capacity


def test_capacity_cut_does_not_interrupt_work_in_hand():
    """2 servers busy (cases of 3 and 5 days), capacity cut to 1 at t=1: both finish at their own times; the third
    case starts only when fewer than 1 server is busy, i.e. when the second finishes at 5, not when the first does
    at 3."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 2.0), (1.0, 1.0)])
    log = Log(env)
    put(st, log, 1, 3.0)
    put(st, log, 2, 5.0)
    put(st, log, 3, 1.0)
    probe = {}
    at(env, 1.5, lambda: probe.update(capacity=st.capacity, busy=st.busy, waiting=st.waiting))
    at(env, 4.0, lambda: probe.update(busy_at_4=st.busy, waiting_at_4=st.waiting))
    env.run()
    assert probe == {"capacity": 1, "busy": 2, "waiting": 1, "busy_at_4": 1, "waiting_at_4": 1}
    assert log.done == {1: 3.0, 2: 5.0, 3: 6.0}
    assert log.started == {1: 0.0, 2: 0.0, 3: 5.0}


def test_capacity_rise_starts_waiting_work_at_once():
    """One server busy until 10; capacity 3 from t=2: the two waiting cases start at 2 exactly."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0), (2.0, 3.0)])
    log = Log(env)
    for cid, service in ((1, 10.0), (2, 1.0), (3, 1.0), (4, 1.0)):
        put(st, log, cid, service)
    env.run()
    # case 4 waits for the first free server among three: case 2's or 3's, both free at 3
    assert log.started == {1: 0.0, 2: 2.0, 3: 2.0, 4: 3.0}
    assert st.wait_total == 2.0 + 2.0 + 3.0


def test_capacity_is_rounded_to_whole_servers():
    """A capacity of 1.6 servers (a scaled scenario) is 2 servers, 0.4 is none: nothing starts until it rises."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 0.4), (5.0, 1.6)])
    log = Log(env)
    for cid in (1, 2, 3):
        put(st, log, cid, 1.0)
    env.run()
    assert st.capacity == 2
    assert log.started == {1: 5.0, 2: 5.0, 3: 6.0}


def test_infinite_capacity_never_queues():
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, math.inf)])
    log = Log(env)
    peak = []
    for i in range(1000):
        at(env, i * 0.01, lambda i=i: (put(st, log, i, 5.0), peak.append(st.waiting)))
    env.run()
    assert max(peak) == 0 and st.busy == 0
    assert all(log.started[i] == pytest.approx(i * 0.01) for i in range(1000))
    assert st.n_started == 1000 and st.wait_total == 0.0


def test_capacity_rising_to_infinite_starts_everything_waiting():
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0), (4.0, math.inf)])
    log = Log(env)
    for cid in range(6):
        put(st, log, cid, 10.0)
    env.run()
    assert log.started == {0: 0.0, **{cid: 4.0 for cid in range(1, 6)}}


# ------------------------------------------------------------------------------------------ withdraw / readmit


def test_withdraw_and_readmit_keep_arrival_order_and_count_the_full_wait():
    """One server busy until 10; cases 1..5 arrive at t=1..5. The even ones are withdrawn at 5.5 and readmitted at
    6: they go back to their place by arrival (not to the end: the order would be 1, 3, 5, 2, 4), and their wait is
    counted from their first arrival (not from the readmission: the total would be 45 - 2*4 = 37)."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)])
    log = Log(env)
    put(st, log, 0, 10.0)
    for cid in range(1, 6):
        at(env, float(cid), lambda cid=cid: put(st, log, cid, 1.0))
    held = {}

    def withdraw():
        held["jobs"] = st.withdraw(0, lambda cid: cid % 2 == 0)
        held["waiting"] = st.waiting

    at(env, 5.5, withdraw)
    at(env, 6.0, lambda: st.readmit(held["jobs"], 0))
    env.run()
    assert [job[0] for job in held["jobs"]] == [2, 4]
    assert held["waiting"] == 3
    assert log.order == [0, 1, 2, 3, 4, 5]
    assert log.started == {0: 0.0, 1: 10.0, 2: 11.0, 3: 12.0, 4: 13.0, 5: 14.0}
    assert st.wait_total == (10 - 1) + (11 - 2) + (12 - 3) + (13 - 4) + (14 - 5) == 45
    assert st.arrivals == 6


def test_readmit_keeps_arrival_order_among_cases_that_arrived_at_the_same_time():
    """Cases 1, 2, 3 handed in at the same instant, in that order, behind a busy server: withdrawing 2 and
    readmitting it must give back 1, 2, 3: `readmit` sorts by arrival time and, among equal times, by the order the
    cases were handed in (sorting by time alone once put 2 behind 3)."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)])
    log = Log(env)
    put(st, log, 0, 10.0)
    for cid in (1, 2, 3):
        put(st, log, cid, 1.0)
    held = {}
    at(env, 1.0, lambda: held.update(jobs=st.withdraw(0, lambda cid: cid == 2)))
    at(env, 2.0, lambda: st.readmit(held["jobs"], 0))
    env.run()
    assert log.order == [0, 1, 2, 3]


def test_withdraw_of_nothing_changes_nothing():
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)], priorities=2)
    log = Log(env)
    put(st, log, 0, 1.0)
    put(st, log, 1, 1.0, priority=1)
    assert st.withdraw(0, lambda cid: True) == []  # class 0 has nobody waiting
    assert st.withdraw(1, lambda cid: False) == []
    assert st.waiting == 1


def test_held_job_counts_its_wait_from_when_it_was_held():
    """`hold` makes a job that is not queued yet (a zelfmelder whose call-up is stopped): an arrival at once; when
    readmitted into an idle station it starts at once and its wait runs from the hold."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)])
    log = Log(env)
    jobs = []
    at(env, 1.0, lambda: jobs.append(st.hold(7, 2.0, log.finish, started=log.start)))
    probe = {}
    at(env, 2.0, lambda: probe.update(arrivals=st.arrivals, waiting=st.waiting))
    at(env, 3.0, lambda: st.readmit(jobs, 0))
    env.run()
    assert probe == {"arrivals": 1, "waiting": 0}
    assert log.started == {7: 3.0} and log.done == {7: 5.0}
    assert st.wait_total == 2.0 and st.arrivals == 1


# ------------------------------------------------------------------------------------------ priorities


def test_lower_priority_number_is_served_first_fifo_within_a_class():
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)], priorities=3)
    log = Log(env)
    put(st, log, 0, 1.0)  # busy until 1
    for cid, prio in ((1, 2), (2, 0), (3, 1), (4, 0), (5, 2), (6, 1)):
        put(st, log, cid, 1.0, priority=prio)
    # a class 0 case arriving later still overtakes everyone waiting in classes 1 and 2
    at(env, 2.5, lambda: put(st, log, 7, 1.0, priority=0))
    env.run()
    assert log.order == [0, 2, 4, 7, 3, 6, 1, 5]
    assert log.started[7] == 3.0


# ------------------------------------------------------------------------------------------ statistics


def _stats_run(reset_at: float | None = None):
    """Two servers: A (4 days) at 0, B (2 days) at 1, C (3 days) at 2 waits until B finishes at 3, ends at 6.
    Busy servers: 1 on [0,1), 2 on [1,4), 1 on [4,6), 0 on [6,8): 1 + 6 + 2 + 0 = 9 server-days in 8 days."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 2.0)])
    log = Log(env)
    put(st, log, 1, 4.0)
    at(env, 1.0, lambda: put(st, log, 2, 2.0))
    at(env, 2.0, lambda: put(st, log, 3, 3.0))
    probe = {}
    at(env, 5.0, lambda: probe.update(mean_busy_at_5=st.mean_busy()))
    if reset_at is not None:
        at(env, reset_at, st.reset_stats)
    env.run(until=8.0)
    return st, log, probe


def test_statistics_on_a_hand_computed_sequence():
    st, log, probe = _stats_run()
    assert log.started == {1: 0.0, 2: 1.0, 3: 3.0}
    assert (st.arrivals, st.n_started) == (3, 3)
    assert st.wait_total == 1.0
    assert st.service_total == 9.0
    # at 5: 1 + 4 (two busy on [1,3)) + 2 (two on [3,4)) + 1 = 8 server-days in 5 days, counting A-and-C in hand
    assert probe["mean_busy_at_5"] == 8.0 / 5.0
    assert st.mean_busy() == 9.0 / 8.0


def test_reset_stats_counts_from_the_reset_only():
    """Reset at 3.5 while A and C are busy: from then on 2 servers on [3.5,4), 1 on [4,6), 0 on [6,8) is 3
    server-days in 4.5 days; no case starts after the reset, so nothing is counted as started or waiting."""
    st, _, probe = _stats_run(reset_at=3.5)
    assert (st.arrivals, st.n_started, st.wait_total, st.service_total) == (0, 0, 0.0, 0.0)
    assert st.stats_start == 3.5
    assert st.mean_busy() == 3.0 / 4.5
    assert probe["mean_busy_at_5"] == (1.0 + 1.0) / 1.5  # 2 on [3.5,4), 1 on [4,5)


def test_mean_busy_over_no_time_is_nan():
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)])
    assert math.isnan(st.mean_busy())


# ------------------------------------------------------------------------------------------ zero service time


def test_zero_service_time_does_not_recurse():
    """10,000 zero-time jobs queued behind a busy server: each finish is an event, not a nested call, so the queue
    drains at t=1 without a RecursionError (a `_start` that finished a zero-time job at once would recurse through
    `_finish` -> `_dispatch` -> `_start` once per queued job)."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)])
    log = Log(env)
    put(st, log, -1, 1.0)
    n = 10_000
    for cid in range(n):
        put(st, log, cid, 0.0)
    env.run()
    assert log.order == [-1, *range(n)]
    assert all(t == 1.0 for cid, t in log.done.items() if cid >= 0)
    assert st.n_started == n + 1 and st.busy == 0


def test_zero_time_job_put_back_from_its_own_done_callback():
    """A case that comes straight back (its `done` hands it in again, zero service) 5,000 times: no recursion, the
    clock does not move, and the station sees 5,000 arrivals."""
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)])
    times = []

    def again(cid):
        times.append(env.now)
        if cid < 4_999:
            st.put(cid + 1, 0.0, again)

    at(env, 2.0, lambda: st.put(0, 0.0, again))
    env.run()
    assert len(times) == 5_000 and set(times) == {2.0}
    assert st.arrivals == 5_000


def test_negative_service_time_is_treated_as_zero():
    env = simpy.Environment()
    st = Station(env, "s", [(0.0, 1.0)])
    log = Log(env)
    at(env, 1.0, lambda: put(st, log, 1, -0.5))
    env.run()
    assert log.done == {1: 1.0}
