"""Light SimPy events: "call `fn(cid)` in `delay` days".

A case that only waits for time to pass (a report being written, a fine being paid) needs no generator process and
no full `Timeout`: `call_later` puts a minimal event on the environment's schedule with SimPy's public
`Environment.schedule`. The event follows SimPy's event protocol (a `callbacks` list, `_ok`, `_value`), which is all
`Environment.step` uses, so these events mix freely with SimPy's own processes and timeouts.

`calendar` also keeps SimPy's schedule short. Most of a national run's pending events are long pure delays (a
fine being paid, an appeal being prepared, a sentence being served): by day 365 the heap holds about 69,000 of
them, and every pop and push pays for its depth. A light event due at least a full day ahead is therefore held in a
bucket per day and moved onto SimPy's heap on the day before it falls due, with the heap entry SimPy would have
given it at once: the same time, priority and sequence number (`Environment._eid`). SimPy orders its heap by
exactly that triple, so every event runs in the same order as if it had been on the heap all along, and the
results are identical; only the heap the loop pops from is smaller. This uses SimPy 4's heap layout
(``Environment._queue`` of ``(time, priority, eid, event)``, pinned in pyproject.toml).
"""

from __future__ import annotations

from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL


class Call:
    __slots__ = ("callbacks", "_ok", "_value")

    def __init__(self, fn, cid):
        self.callbacks = [_run]
        self._ok = True
        self._value = (fn, cid)


def _run(event: Call) -> None:
    fn, cid = event._value
    fn(cid)


def call_later(env: simpy.Environment, delay: float, fn, cid) -> None:
    """Call `fn(cid)` after `delay` days (at once if `delay` <= 0, after events already due now)."""
    # a Python float, not a numpy scalar: the schedule heap compares times, and numpy scalars compare slowly
    env.schedule(Call(fn, cid), NORMAL, float(delay) if delay > 0 else 0.0)  # type: ignore[arg-type]  # Event protocol


# Hold far light events back in day buckets (`calendar`). False puts every event straight on SimPy's heap, the
# implementation before the buckets, kept as the benchmark's reference (same results, deeper heap).
HOLD_FAR_EVENTS = True


# Work out steps that are pure delays ahead, with no event (`CaseTable.enter_at`; sim/prosecution.py and
# sim/execution.py say which). False runs every step as an event, the implementation before, kept as the reference:
# same results (tests/test_execution_ahead.py), more events (benchmarks part 1).
WORK_OUT_AHEAD = True


class Calendar:
    """The light-event schedule of one environment (`calendar(env)`): `after(delay, fn, cid)` calls `fn(cid)` in
    `delay` days, or at once for no delay (a step that takes no time is simply done: the case goes on); `later` is
    the same but always through an event, also for no delay (a station finishing a job, whose queue would otherwise
    recurse); `at(t, fn, cid)` calls it at day `t` (not before now), for a time worked out ahead as a sum of steps
    (`now + d1 + d2` is not always `now + (d1 + d2)` in floating point). Delays must already be Python floats
    (durations from `CaseDurations.get` and differences of event times are). An event due on day `d`, with `d` at
    least two days after today's whole day, waits in `pending[d]` until day `d - 1` (see the module docstring);
    `Model.release` empties `pending`."""

    __slots__ = ("after", "later", "at", "pending")

    def __init__(self, env: simpy.Environment):
        queue: list[Any] = env._queue
        eids = env._eid
        far: dict[int, list] = {}
        self.pending = far

        def feed(day: int) -> None:
            for entry in far.pop(day):
                heappush(queue, entry)

        def held(delay: float, fn, cid) -> None:
            at(env._now + delay, fn, cid)

        def at(t: float, fn, cid) -> None:
            now = env._now
            day = int(t)
            if day >= int(now) + 2:
                bucket = far.get(day)
                if bucket is None:
                    far[day] = bucket = []
                    heappush(queue, (float(day - 1), NORMAL, next(eids), Call(feed, day)))
                bucket.append((t, NORMAL, next(eids), Call(fn, cid)))
            else:
                heappush(queue, (t, NORMAL, next(eids), Call(fn, cid)))

        schedule = env.schedule

        def on_heap(delay: float, fn, cid) -> None:  # the reference: straight onto SimPy's heap
            schedule(Call(fn, cid), NORMAL, delay)  # type: ignore[arg-type]  # Event protocol

        def at_on_heap(t: float, fn, cid) -> None:  # `at` for the reference (SimPy's schedule would add t - now)
            heappush(queue, (t, NORMAL, next(eids), Call(fn, cid)))

        later = held if HOLD_FAR_EVENTS else on_heap

        def after(delay: float, fn, cid) -> None:
            if delay > 0:
                later(delay, fn, cid)
            else:
                fn(cid)

        self.after = after
        self.later = later
        self.at = at if HOLD_FAR_EVENTS else at_on_heap


def calendar(env: simpy.Environment) -> Calendar:
    """The environment's light-event calendar, made on first use: every stage and station of a model shares it."""
    cal = env.__dict__.get("_ketensim_calendar")
    if cal is None:
        cal = env.__dict__["_ketensim_calendar"] = Calendar(env)
    return cal


def scheduler(env: simpy.Environment):
    """The fast `call_later` bound to `env`, for the hot paths: `after(delay, fn, cid)` (`Calendar.after`)."""
    return calendar(env).after
