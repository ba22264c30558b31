"""`sim.events`: light events mixed with SimPy's own. At equal times SimPy runs NORMAL-priority events in the order
they were scheduled (its heap key is (time, priority, event id)); the light events must keep that rule, or a
stage's callbacks would run in a different order than the same stage written with timeouts."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.events import calendar, call_later, scheduler


def _timeout(env, delay, log, label):
    env.timeout(delay).callbacks.append(lambda _ev: log.append((label, env.now)))


def test_light_events_and_timeouts_at_equal_times_run_in_scheduling_order():
    env = simpy.Environment()
    after = scheduler(env)
    log: list = []
    _timeout(env, 1.0, log, "timeout-1")
    call_later(env, 1.0, lambda cid: log.append((cid, env.now)), "call_later-1")
    after(1.0, lambda cid: log.append((cid, env.now)), "after-1")
    _timeout(env, 1.0, log, "timeout-2")
    after(1.0, lambda cid: log.append((cid, env.now)), "after-2")
    call_later(env, 1.0, lambda cid: log.append((cid, env.now)), "call_later-2")
    env.run()
    assert log == [
        ("timeout-1", 1.0),
        ("call_later-1", 1.0),
        ("after-1", 1.0),
        ("timeout-2", 1.0),
        ("after-2", 1.0),
        ("call_later-2", 1.0),
    ]


def test_equal_times_reached_by_different_delays_keep_scheduling_order():
    """Scheduled at 0 for 2, then at 1 for 1 more: both due at 2, the earlier-scheduled one first, whichever
    kind each is."""
    env = simpy.Environment()
    after = scheduler(env)
    log: list = []
    call_later(env, 2.0, log.append, "early light")
    _timeout(env, 2.0, log, "early timeout")

    def at_one(_ev):
        after(1.0, log.append, "late light")
        _timeout(env, 1.0, log, "late timeout")
        call_later(env, 1.0, log.append, "late call_later")

    env.timeout(1.0).callbacks.append(at_one)
    env.run()
    assert log == ["early light", ("early timeout", 2.0), "late light", ("late timeout", 2.0), "late call_later"]


def test_light_events_interleave_with_processes():
    """A generator process waiting on timeouts and light events scheduled around it: one clock, time order."""
    env = simpy.Environment()
    log: list = []

    def proc():
        for _ in range(3):
            yield env.timeout(1.0)
            log.append(("proc", env.now))

    env.process(proc())
    for t in (0.5, 1.5, 2.5):
        call_later(env, t, lambda cid: log.append((cid, env.now)), "light")
    env.run()
    assert log == [("light", 0.5), ("proc", 1.0), ("light", 1.5), ("proc", 2.0), ("light", 2.5), ("proc", 3.0)]


def test_after_with_zero_or_negative_delay_calls_at_once():
    """`after(0, fn, cid)` calls `fn` before it returns (no event: a zero-duration step simply goes on)."""
    env = simpy.Environment()
    after = scheduler(env)
    log: list = []
    after(0.0, log.append, "zero")
    assert log == ["zero"]
    after(-3.0, log.append, "negative")
    assert log == ["zero", "negative"]
    assert env.peek() == float("inf")  # nothing was scheduled


def test_call_later_with_zero_delay_runs_after_events_already_due_now():
    """`call_later(env, 0, ...)` does not call at once: it is an event due now, after the ones already due now."""
    env = simpy.Environment()
    log: list = []
    _timeout(env, 0.0, log, "timeout due now")
    call_later(env, 0.0, log.append, "call_later 0")
    assert log == []  # not called synchronously
    _timeout(env, 0.0, log, "timeout scheduled after")
    env.run()
    assert log == [("timeout due now", 0.0), "call_later 0", ("timeout scheduled after", 0.0)]


def test_call_later_with_negative_delay_runs_now_not_in_the_past():
    """A negative delay is due now: the clock never goes back, and it does not jump ahead of events already due
    (an unclamped delay of -1 at t=5 would be popped first, with env.now = 4)."""
    env = simpy.Environment()
    log: list = []

    def at_five(_ev):
        _timeout(env, 0.0, log, "timeout due now")
        call_later(env, -1.0, lambda cid: log.append((cid, env.now)), "negative")

    env.timeout(5.0).callbacks.append(at_five)
    env.run()
    assert log == [("timeout due now", 5.0), ("negative", 5.0)]


@pytest.mark.parametrize("delay", [np.float32(0.1), np.float64(1.5), np.int64(2), 3])
def test_call_later_schedules_a_python_float(delay):
    """The schedule heap holds a Python float whatever the delay's type (numpy scalars compare slowly, and a
    float32 time would carry its rounding into every later event time)."""
    env = simpy.Environment()
    seen = []
    call_later(env, delay, lambda cid: seen.append(env.now), 0)
    ((t, _prio, _eid, _event),) = env._queue  # SimPy's heap: (time, priority, event id, event)
    assert type(t) is float
    env.run()
    assert type(seen[0]) is float
    assert seen[0] == float(delay)


# ------------------------------------------------------------------------- the day buckets (events.Calendar)


def _chain_of_events(hold: bool, seed: int) -> tuple[list, int]:
    """A random web of light events, station-like `later` events and SimPy timeouts, each of which schedules more
    (delays from none to hundreds of days, many on equal times and on whole days): the order they ran in, and the
    longest the SimPy heap got."""
    from sim import events

    events.HOLD_FAR_EVENTS = hold  # read when the calendar is made
    try:
        env = simpy.Environment()
        cal = events.calendar(env)
    finally:
        events.HOLD_FAR_EVENTS = True
    rng = np.random.default_rng(seed)
    kinds = rng.integers(0, 3, 4000)
    delays = np.where(
        rng.random(4000) < 0.3,
        np.floor(rng.exponential(40.0, 4000)),  # whole days: many equal times, some on bucket edges
        rng.exponential(30.0, 4000) * (rng.random(4000) < 0.9),  # and some with no delay at all
    )
    log: list = []
    longest = [0]
    nxt = iter(range(1, 4000))

    def fire(i: int) -> None:
        log.append((i, env.now))
        longest[0] = max(longest[0], len(env._queue))
        for _ in range(2):
            j = next(nxt, None)
            if j is None:
                return
            d, k = float(delays[j]), int(kinds[j])
            if k == 0:
                cal.after(d, fire, j)
            elif k == 1:
                cal.later(d, fire, j)
            else:
                env.timeout(d).callbacks.append(lambda _ev, j=j: fire(j))

    cal.later(0.0, fire, 0)
    env.run()
    return log, longest[0]


@pytest.mark.parametrize("seed", range(5))
def test_held_back_events_run_in_exactly_the_order_of_the_heap_alone(seed):
    """The day buckets give each held event the heap entry SimPy would have given it at once, so a run with them
    calls the same events in the same order at the same times as a run with every event on the heap."""
    held, held_longest = _chain_of_events(True, seed)
    heap, heap_longest = _chain_of_events(False, seed)
    assert len(held) == 4000 and held == heap
    assert held_longest < heap_longest  # and the heap the loop pops from is shorter


def test_an_event_a_day_or_more_ahead_waits_off_the_heap_until_the_day_before():
    env = simpy.Environment()
    cal = calendar(env)
    assert scheduler(env) is cal.after  # one calendar per environment
    ran: list = []
    for d in (0.5, 1.5, 2.0, 30.25, 30.75, 400.0):
        cal.after(d, lambda cid: ran.append((cid, env.now)), d)
    # due today or tomorrow (0.5, 1.5): on the heap; day 2 and later held, with one feed event per day on the heap
    assert sorted(cal.pending) == [2, 30, 400]
    assert len(env._queue) == 2 + 3
    env.run(until=28.5)
    assert sorted(cal.pending) == [30, 400] and [c for c, _ in ran] == [0.5, 1.5, 2.0]
    env.run(until=29.5)  # the feed of day 30 ran on day 29: both events of day 30 are on the heap now
    assert sorted(cal.pending) == [400]
    env.run()
    assert ran == [(d, d) for d in (0.5, 1.5, 2.0, 30.25, 30.75, 400.0)] and cal.pending == {}


@pytest.mark.parametrize("hold", [True, False])
def test_at_calls_at_exactly_the_time_given_even_where_now_plus_its_difference_is_not(hold):
    """`Calendar.at(t)`: for a time worked out as a sum of steps, the event runs at `t` itself; `after(t - now)`
    would run at `now + (t - now)`, which is not always `t` in floating point."""
    from sim import events

    events.HOLD_FAR_EVENTS = hold
    try:
        env = simpy.Environment(initial_time=221.69166627303505)
        cal = events.calendar(env)
    finally:
        events.HOLD_FAR_EVENTS = True
    t = 501.80161678276187
    assert env.now + (t - env.now) != t  # the case this is for
    seen = []
    cal.at(t, lambda cid: seen.append((cid, env.now)), 7)
    env.run()
    assert seen == [(7, t)]
