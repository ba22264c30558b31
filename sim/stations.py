"""A station: limited capacity working on cases, with a waiting line (a real queue).

Detectives, the ZSM desk, regular OM handling, advice-report writers, the reclassering and DJI cells are all
stations: `c` servers (a capacity that may follow a schedule, or be infinite), FIFO within priority classes, and
optional opening hours (the ZSM desk is staffed 14 hours a day). Work is only *started* while the station is open;
work in hand is finished. Capacity changes take effect at once for starting work; a cut does not interrupt work in hand.

Stations use SimPy events with callbacks instead of a generator process per case: a case costs one timeout event
for its service, nothing while it waits. `put` hands a case in with its service time and a callback `done(cid)`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import simpy
from simpy.events import NORMAL

from .events import Call


class Station:
    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        capacity: list[tuple[float, float]],
        priorities: int = 1,
        hours: tuple[float, float, frozenset[int], int] | None = None,
    ):
        """`capacity`: (from-time, servers) pairs in days, sorted. `hours`: (open_hour, close_hour, weekdays,
        weekday of day 0) or None for always open."""
        self.env = env
        self._schedule = env.schedule
        self.name = name
        self.queues: list[deque[tuple]] = [deque() for _ in range(priorities)]
        self.busy = 0
        self.capacity = _servers(capacity[0][1])
        self.open = True
        # statistics (since the last reset)
        self.arrivals = 0
        self.n_started = 0
        self.wait_total = 0.0
        self.service_total = 0.0
        self.busy_area = 0.0
        self._last_change = 0.0
        self.stats_start = env.now
        for t, c in capacity[1:]:
            env.timeout(max(0.0, t - env.now), _servers(c)).callbacks.append(self._set_capacity)
        if hours is not None and not (hours[0] <= 0 and hours[1] >= 24 and len(hours[2]) == 7):
            self._hours = hours
            self.open = self._is_open(env.now)
            env.timeout(self._next_switch(env.now) - env.now).callbacks.append(self._switch)

    # ------------------------------------------------------------------ public verbs

    def put(
        self,
        cid: int,
        service: float,
        done: Callable[[int], None],
        priority: int = 0,
        started: Callable[[int], None] | None = None,
    ) -> None:
        """Hand in case `cid` needing `service` days of work; `done(cid)` is called when it is finished and
        `started(cid)`, if given, when work on it begins. Lower `priority` numbers are served first."""
        self.arrivals += 1
        if self.open and self.busy < self.capacity:
            self._start(cid, service, done, self.env.now, started)
        else:
            self.queues[priority].append((cid, service, done, self.env.now, started))

    def withdraw(self, priority: int, keep_out: Callable[[int], bool]) -> list[tuple]:
        """Take the waiting cases of one priority class for which `keep_out(cid)` is true out of the queue (in
        order), e.g. zelfmelders whose call-up is stopped. They come back with `readmit`, keeping their arrival
        time, so their wait is counted in full."""
        q = self.queues[priority]
        out = [job for job in q if keep_out(job[0])]
        if out:
            self.queues[priority] = deque(job for job in q if not keep_out(job[0]))
        return out

    def readmit(self, jobs: list[tuple], priority: int) -> None:
        """Put withdrawn cases back into their class's queue, in order of their original arrival."""
        if jobs:
            self.queues[priority] = deque(sorted([*self.queues[priority], *jobs], key=lambda job: job[3]))
            self._dispatch()

    def hold(self, cid, service, done, started=None) -> tuple:
        """A job that is not queued yet (see `withdraw`): counted as an arrival now."""
        self.arrivals += 1
        return (cid, service, done, self.env.now, started)

    def occupy(self, cid: int) -> None:
        """A place taken at once for a stay of open length (a suspect on remand), even above capacity: a custody
        order is executed. `vacate` gives it back. Counted as an arrival and a start, without service time."""
        now = self.env.now
        self.arrivals += 1
        self.n_started += 1
        self.busy_area += self.busy * (now - self._last_change)
        self._last_change = now
        self.busy += 1

    def vacate(self, cid: int) -> None:
        """The place `occupy` took is free again: the next waiting case may start."""
        now = self.env.now
        self.busy_area += self.busy * (now - self._last_change)
        self._last_change = now
        self.busy -= 1
        self._dispatch()

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self.queues)

    def reset_stats(self) -> None:
        self.arrivals = self.n_started = 0
        self.wait_total = self.service_total = self.busy_area = 0.0
        self._last_change = self.stats_start = self.env.now

    def mean_busy(self) -> float:
        """Time-average number of busy servers since the last reset."""
        span = self.env.now - self.stats_start
        return (self.busy_area + self.busy * (self.env.now - self._last_change)) / span if span > 0 else math.nan

    # ------------------------------------------------------------------ internals

    def _start(self, cid, service, done, arrived, started):
        now = self.env.now
        self.busy_area += self.busy * (now - self._last_change)
        self._last_change = now
        self.busy += 1
        self.n_started += 1
        self.wait_total += now - arrived
        self.service_total += service
        # always an event, even for no service time: finishing at once would recurse through the queue
        self._schedule(Call(self._finish, (cid, done)), NORMAL, service if service > 0 else 0.0)
        if started is not None:
            started(cid)

    def _finish(self, job):
        cid, done = job
        now = self.env.now
        self.busy_area += self.busy * (now - self._last_change)
        self._last_change = now
        self.busy -= 1
        self._dispatch()
        done(cid)

    def _dispatch(self):
        if not self.open:
            return
        for q in self.queues:
            while q and self.busy < self.capacity:
                self._start(*q.popleft())
            if self.busy >= self.capacity:
                return

    def _set_capacity(self, ev):
        self.capacity = ev._value
        self._dispatch()

    # opening hours ------------------------------------------------------

    def _is_open(self, t: float) -> bool:
        open_h, close_h, weekdays, wd0 = self._hours
        day = math.floor(t)
        hour = (t - day) * 24.0
        return ((wd0 + day) % 7) in weekdays and open_h <= hour < close_h

    def _next_switch(self, t: float) -> float:
        open_h, close_h, weekdays, wd0 = self._hours
        day = math.floor(t)
        for d in range(day, day + 9):
            if ((wd0 + d) % 7) not in weekdays:
                continue
            for h in (open_h, close_h):
                s = d + h / 24.0
                if s > t + 1e-9:
                    return s
        return t + 1.0  # never open: look again tomorrow

    def _switch(self, ev):
        now = self.env.now
        self.open = self._is_open(now + 1e-9)
        if self.open:
            self._dispatch()
        self.env.timeout(self._next_switch(now) - now).callbacks.append(self._switch)


def _servers(c: float) -> float:
    return math.inf if math.isinf(c) else int(round(c))
