"""Light SimPy events: "call `fn(cid)` in `delay` days".

A case that only waits for time to pass (a report being written, a fine being paid) needs no generator process and
no full `Timeout`: `call_later` puts a minimal event on the environment's schedule with SimPy's public
`Environment.schedule`. The event follows SimPy's event protocol (a `callbacks` list, `_ok`, `_value`), which is all
`Environment.step` uses, so these events mix freely with SimPy's own processes and timeouts.
"""

from __future__ import annotations

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


def scheduler(env: simpy.Environment):
    """A fast `call_later` bound to `env`, for the hot paths: `after(delay, fn, cid)`. The delay must already be a
    Python float (durations from `CaseDurations.get` and differences of event times are). A step that takes no time (a
    zero duration in a scenario) is done at once, without an event: the case simply goes on."""
    schedule = env.schedule

    def after(delay: float, fn, cid) -> None:
        if delay > 0:
            schedule(Call(fn, cid), NORMAL, delay)  # type: ignore[arg-type]  # Event protocol
        else:
            fn(cid)

    return after
