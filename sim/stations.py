"""A station: limited capacity working on cases, with a waiting line (a real queue).

Detectives, the ZSM desk, regular OM handling, advice-report writers, the reclassering and DJI cells are all
stations: `c` servers (a capacity that may follow a schedule, or be infinite), FIFO within priority classes, and
optional opening hours (the ZSM desk is staffed 14 hours a day). Work is only *started* while the station is open;
work in hand is finished. Capacity changes take effect at once for starting work; a cut does not interrupt work in hand.

Stations use SimPy events with callbacks instead of a generator process per case: a case costs one timeout event
for its service, nothing while it waits. `put` hands a case in with its service time and a callback `done(cid)`.

**Capacity in planning units** (`staffed_station`): a chain partner plans in fte, not in "servers". Each fte works
`hours_per_fte_per_week` productive hours spread over the station's opening hours, so the staff on duty while it is
open is fte × hours per fte / opening hours a week (270 ZSM fte of 27 hours over 98 opening hours: 74 on duty); each
of them works on one case at a time, an hour of work taking an hour. The utilisation is then what a planner computes,
work arriving / hours available (arrivals × mean hours / (fte × hours per fte)). Time that is not work (waiting for
information, post, a lawyer) is a separate pure delay in the stage, never held at the station.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import simpy

from .events import calendar


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
        self._later = calendar(env).later
        self.name = name
        self.queues: list[deque[tuple]] = [deque() for _ in range(priorities)]
        self.waiting = 0  # jobs in the queues, kept as they change (summed over the queues it cost 4% of a run)
        self.busy = 0
        self._order = 0  # jobs queued so far: keeps FIFO among jobs that arrived at the same instant
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
        self.stock_area = 0.0  # cases waiting or in work, integrated over time
        self._stock_change = env.now
        self.capacity_area = 0.0  # capacity (servers) integrated over time
        self.planned_area = 0.0  # capacity in its planning unit (fte of a staffed station) integrated over time
        self._capacity_change = env.now
        # planning units (see `staffed_station`): a plain station counts servers, always available
        self.unit = "servers"
        self.hours_per_fte_per_week = math.nan
        self.open_share = 1.0  # share of the week in which the capacity's hours are spread
        self.days_per_work_hour = 1.0 / 24.0
        self.planned = float(self.capacity)  # capacity in its planning unit now (fte of a staffed station)
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
        self._count_stock()
        if self.open and self.busy < self.capacity:
            self._start(cid, service, done, self.env.now, started)
        else:
            self._order += 1
            self.queues[priority].append((cid, service, done, self.env.now, started, self._order))
            self.waiting += 1

    def preload(self, services: list[float]) -> None:
        """Start with a standing stock: work already waiting (no case rows: the chain's cases queue behind it),
        one job per service time in `services` (days)."""
        for service in services:
            self.put(-1, service, _nothing)

    def withdraw(self, priority: int, keep_out: Callable[[int], bool]) -> list[tuple]:
        """Take the waiting cases of one priority class for which `keep_out(cid)` is true out of the queue (in
        order), e.g. zelfmelders whose call-up is stopped. They come back with `readmit`, keeping their arrival
        time, so their wait is counted in full."""
        self._count_stock()
        q = self.queues[priority]
        out = [job for job in q if keep_out(job[0])]
        if out:
            self.queues[priority] = deque(job for job in q if not keep_out(job[0]))
            self.waiting -= len(out)
        return out

    def readmit(self, jobs: list[tuple], priority: int) -> None:
        """Put withdrawn cases back into their class's queue, in order of their original arrival."""
        if jobs:
            self._count_stock()
            # by arrival time, and among cases that arrived at the same instant by the order they were handed in
            self.queues[priority] = deque(sorted([*self.queues[priority], *jobs], key=lambda job: (job[3], job[5])))
            self.waiting += len(jobs)
            self._dispatch()

    def hold(self, cid, service, done, started=None) -> tuple:
        """A job that is not queued yet (see `withdraw`): counted as an arrival now."""
        self.arrivals += 1
        self._order += 1
        return (cid, service, done, self.env.now, started, self._order)

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

    def reset_stats(self) -> None:
        self.arrivals = self.n_started = 0
        self.wait_total = self.service_total = self.busy_area = 0.0
        self.stock_area = self.capacity_area = self.planned_area = 0.0
        self._last_change = self.stats_start = self._stock_change = self._capacity_change = self.env.now

    def mean_stock(self) -> float:
        """Time-average number of cases at the station (waiting or in work) since the last reset."""
        self._count_stock()
        span = self.env.now - self.stats_start
        return self.stock_area / span if span > 0 else math.nan

    def mean_capacity(self) -> float:
        """Time-average capacity in servers since the last reset."""
        self._count_capacity()
        span = self.env.now - self.stats_start
        return self.capacity_area / span if span > 0 else float(self.capacity)

    def mean_planned(self) -> float:
        """Time-average capacity in its planning unit (fte of a staffed station; servers otherwise)."""
        self._count_capacity()
        span = self.env.now - self.stats_start
        return self.planned_area / span if span > 0 else self.planned

    def utilisation(self) -> float:
        """Work done / capacity available since the last reset: busy servers over the servers there were, counted
        over the hours the capacity works (a staffed station's fte work only within its opening hours)."""
        cap = self.mean_capacity()
        if math.isinf(cap):
            return 0.0
        return self.mean_busy() / (cap * self.open_share) if cap > 0 else math.nan

    def mean_busy(self) -> float:
        """Time-average number of busy servers since the last reset."""
        span = self.env.now - self.stats_start
        return (self.busy_area + self.busy * (self.env.now - self._last_change)) / span if span > 0 else math.nan

    # ------------------------------------------------------------------ internals

    def _start(self, cid, service, done, arrived, started, order=0):
        now = self.env.now
        self.busy_area += self.busy * (now - self._last_change)
        self._last_change = now
        self.busy += 1
        self.n_started += 1
        self.wait_total += now - arrived
        self.service_total += service
        # always an event, even for no service time: finishing at once would recurse through the queue
        self._later(service if service > 0 else 0.0, self._finish, (cid, done))
        if started is not None:
            started(cid)

    def _count_stock(self) -> None:
        now = self.env.now
        self.stock_area += (self.busy + self.waiting) * (now - self._stock_change)
        self._stock_change = now

    def _count_capacity(self) -> None:
        now = self.env.now
        if now > self._capacity_change:
            self.capacity_area += self.capacity * (now - self._capacity_change)
            self.planned_area += self.planned * (now - self._capacity_change)
        self._capacity_change = now

    def _finish(self, job):
        cid, done = job
        now = self.env.now
        self._count_stock()
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
                self.waiting -= 1
                self._start(*q.popleft())
            if self.busy >= self.capacity:
                return

    def _set_capacity(self, ev):
        self._count_capacity()
        if self.unit != "fte":
            self.planned = float(ev._value)
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


def _nothing(_: int) -> None:
    """Work of a standing stock is done: no case to move on."""


def staffed_station(
    env: simpy.Environment,
    name: str,
    fte: list[tuple[float, float]],
    hours_per_fte_per_week: float,
    priorities: int = 1,
    hours: tuple[float, float, frozenset[int], int] | None = None,
) -> Station:
    """A station whose capacity is staff in fte (see the module docstring): `fte` as (from-time, fte) pairs, each
    fte working `hours_per_fte_per_week` within the opening `hours` (always open if None). Hand it a case's work in
    hours × `station.days_per_work_hour` (read when the case is handed in: it follows the fte schedule).

    A fractional number on duty (a district's share of national staff) is served by whole servers working at the
    matching speed: 6.8 on duty are 7 servers each at 6.8/7 speed, so the hours available are exact."""
    open_hours = 168.0 if hours is None else (hours[1] - hours[0]) * len(hours[2])
    on_duty_per_fte = hours_per_fte_per_week / open_hours

    def servers(f: float) -> float:
        x = f * on_duty_per_fte
        return x if math.isinf(x) or x <= 0 else max(1, round(x))

    def days_per_hour(f: float) -> float:
        x = f * on_duty_per_fte
        return servers(f) / x / 24.0 if 0 < x < math.inf else 1.0 / 24.0

    st = Station(env, name, [(t, servers(f)) for t, f in fte], priorities=priorities, hours=hours)
    st.unit = "fte"
    st.hours_per_fte_per_week = hours_per_fte_per_week
    st.open_share = open_hours / 168.0
    st.days_per_work_hour = days_per_hour(fte[0][1])
    st.planned = fte[0][1]

    def change(ev) -> None:
        st._count_capacity()
        st.planned = ev._value
        st.days_per_work_hour = days_per_hour(ev._value)

    for t, f in fte[1:]:
        env.timeout(max(0.0, t - env.now), f).callbacks.append(change)
    return st


def _servers(c: float) -> float:
    return math.inf if math.isinf(c) else int(round(c))
