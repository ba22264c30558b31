"""`sim.events`: light events mixed with SimPy's own. At equal times SimPy runs NORMAL-priority events in the order
they were scheduled (its heap key is (time, priority, event id)); the light events must keep that rule, or a
stage's callbacks would run in a different order than the same stage written with timeouts."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.events import call_later, scheduler


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
