"""The chain in plain SimPy, one generator process per case: the yardstick for the real model.

`sim/` moves cases with SimPy events and callbacks and pre-draws every random input from named streams. This module
does the same chain the way a SimPy textbook would: `env.process(case(...))` for every case, `yield env.timeout(...)`
for every delay, `simpy.Resource` / `PriorityResource` with ``with res.request() as req: yield req`` for every station,
and a process per court session. It is kept plain on purpose; do not optimise it.

**What it shares with the model, and why.** A yardstick that runs the model's own code cannot catch a bug in it, so
this module imports nothing of the model's logic (not `sim.intake`, `sim.model`, `sim.courts`, `sim.kpis`,
`sim.records.CaseTable`, `sim.events`, `sim.stations`, ...). It shares only:

* **scenario loading**: the validated `sim.scenario.Scenario` it reads its numbers from (including each region's
  chain with its share of national capacity, `Scenario.volume` for a stream's yearly volume, `Schedule.at_date`, and
  a duration spec's `build().sample` for random durations), because both must be run on the same input;
* **vocabulary**: the names of routes, court queues, verdicts, channels, outcomes and execution kinds, so that its
  case columns use the same codes as the model's and mean the same (one import block below).

It draws its own random numbers (Python's `random` for the intake, one numpy Generator for the rest, seeded from the
seed and replication, not from `sim.streams`): agreement with the real model is statistical, not case by case. Its
own parts, each written the simplest clear way from docs/model.md:

* **intake** (`arrivals`): per stream and region a Poisson process whose rate is constant within a day (yearly volume
  for the calendar year / days in that year × weekday factor / mean factor × region share); offences one by one with
  exponential gaps, each kept with the known-suspect share (the selectiviteitskader's investigation of offences
  without a suspect is not implemented: it must be off, `no_suspect_investigated_share = 0`); arrested and youth
  drawn at registration;
* **staff in fte** (`on_duty`): fte × hours per fte / opening hours a week are on duty, as whole servers at the
  speed that keeps the hours exact; a case's work hours take that many hours; standing stocks (`initial_stock`) are
  jobs without a case requested at day 0;
* **police**: an arrested suspect's PV reaches the ZSM desk after `arrest_processing`; other cases wait for a
  detective of their region (FIFO), are investigated, and the file is completed;
* **OM**: arrested suspects to the ZSM desk with priority, a share of the others to the ZSM desk after `info_wait`,
  the rest to regular handling; desks have staff and opening hours (nothing starts while closed); a share is returned
  to the police, reworked and handled again by regular OM; the decision mix per stream and channel, detained routes
  only for a suspect still held (ZSM decision within ophouden + inverzekeringstelling, never returned);
* **strafbeschikking**: fine or taakstraf; with verzet the case goes to court after `verzet_delay`;
* **advice reports** requested at the summons, written by a national pool per kind; a regular case joins the backlog
  only when its reports are in; a fast-track case whose report is missing at the hearing is adjourned until it
  arrives;
* **court calendar** (`build_calendar`): per region and session type, sessions at 09:00 on the type's weekdays, as
  many on each day as keep the number so far at the expected number (per_week / weekdays a day) rounded; slots
  rounded; an officier drawn per session, sessions without one left out;
* **legal windows and planning** (`open_window`, `book_fast`): supersnelrecht within 3 days of the arrest, snelrecht
  detained within 17 days of the arrest, not detained 14 to 28 days after the summons; a fast-track case is booked
  into the first session of its region that serves its queue, has a free slot, has not sat and lies inside its
  window (looked up day by day), or falls back (`om.fallback`); regular cases wait in a FIFO backlog per region that
  each session takes from as it enters the planning horizon (fast-track sessions with `fill_from_backlog` take
  politierechter cases `open_to_others_days` before they sit);
  adjourned regular cases go to the front; adjournments; the verdict mix (verzet cases by the `verzet` mix);
* **appeal** (preparation, the gerechtshof's raadsheren as one national resource, the decision), then **execution**: delivery to CJIB (with returns), fines (paid, plan, unpaid → replacement
  detention), taakstraf (intake, a national reclassering officer's hours, start and work; failure → replacement detention), custodial
  with DJI cells as one national `PriorityResource` (aansluitend before arrestanten before zelfmelders; a zelfmelder
  holds the cell during the call-up; no-shows become arrestanten);
* **key figures** (`reference_kpis`): the figures tests/test_reference.py compares, counted case by case in plain
  Python from the definitions in docs/model.md.

`run_reference` returns the case columns under the model's column names and codes (the subset it records), so
`sim.kpis.case_kpis` can also be run on them: the test does that to check the model's key-figure code against
`reference_kpis` on the same cases.

What it simplifies (none of it touches the figures compared for the scenarios it is used on):

* station capacities must be constant (a schedule of capacities is refused), and `callup_share` must be constant;
  shares, durations and their `scale`, volumes, sessions per week, slots and officier shares may follow schedules;
* a desk's opening hours: a case that gets a server while the desk is closed keeps it and starts when the desk opens.
  The same number of cases start at the opening as in the real model (servers freed during the closure); only a
  high-priority case arriving at the ZSM desk during the night can no longer overtake a case that was granted a
  server before it;
* no diverted counts, backlog per stage, station statistics, session or hearing tables: only the case columns.
"""

from __future__ import annotations

import calendar
import datetime as dt
import gc
import math
import random
import statistics
from collections import deque

import numpy as np
import simpy

# Vocabulary only: names whose positions are the codes in the case columns. Kept in this one block.
from sim.domain import (
    CHANNELS,
    COURT_QUEUES,
    EXECUTION_KINDS,
    FAST_TRACK,
    OUTCOMES,
    ROUTES,
    VERDICTS,
)
from sim.scenario import Scenario, Schedule

Q = {name: i for i, name in enumerate(COURT_QUEUES)}
# the queues cases are tried in (the reference has no claims to execute suspended sentences: queue "claim")
Q_SUPER, Q_DET, Q_NOT, Q_PR, Q_MK = (Q[n] for n in COURT_QUEUES if n != "claim")
FAST_Q = (Q_SUPER, Q_DET, Q_NOT)
BACKLOG = {"regular_pr": 0, "regular_mk": 1}  # index of a regular queue's backlog in a region's pair
QUEUE_ROUTE = (*FAST_TRACK, "regular", "regular")  # the route a case heard in each court queue is decided in
ROUTE = {name: i for i, name in enumerate(ROUTES)}
VERDICT = {name: i for i, name in enumerate(VERDICTS)}
EXEC = {name: i for i, name in enumerate(EXECUTION_KINDS)}
OUTCOME = {name: i for i, name in enumerate(OUTCOMES)}
NO_CHANNEL, ZSM, REGULAR = (CHANNELS.index(n) for n in ("none", "zsm", "regular"))
PRIO_AANSLUITEND, PRIO_ARRESTANT, PRIO_ZELFMELDER = 0, 1, 2
SESSION_HOUR = 9.0

# The case columns this module records, under the model's names (see `run_reference`).
TIME_COLUMNS = (
    "t_offence",
    "t_registration",
    "t_om_intake",
    "t_decision",
    "t_window_start",
    "t_first_hearing",
    "t_verdict",
    "t_final",
    "t_cjib",
    "t_exec_start",
    "t_exec_end",
    "t_end",
)  # nan: not reached
FLAG_COLUMNS = ("youth", "arrested", "custody_release", "verzet", "appealed", "replacement_detention")
COUNT_COLUMNS = ("fell_back_from", "fallbacks", "adjournments", "returns", "delivery_returns")
CODE_COLUMNS = ("region", "stream", "channel", "route_initial", "route", "verdict", "execution", "outcome")


class Desk:
    """A station with staff and opening hours (the ZSM desk, regular OM handling): work starts only while it is
    open; work in hand is finished."""

    def __init__(self, env: simpy.Environment, staff: float, desk, weekday0: int):
        self.env = env
        self.res = simpy.PriorityResource(env, capacity=staff)  # type: ignore[arg-type]  # simpy works with math.inf capacity (unlimited)
        self.open_hour, self.close_hour = desk.open_hour, desk.close_hour
        self.weekdays = set(desk.open_weekdays)
        self.weekday0 = weekday0
        self.always_open = self.open_hour <= 0 and self.close_hour >= 24 and len(self.weekdays) == 7
        self.is_open = True
        self.opened = env.event()
        if not self.always_open:
            self.is_open = self._open_at(env.now)
            env.process(self._hours())

    def work(self, days: float, priority: int = 0):
        with self.res.request(priority=priority) as req:
            yield req
            while not self.is_open:
                yield self.opened
            yield self.env.timeout(days)

    def _open_at(self, t: float) -> bool:
        day = math.floor(t)
        hour = (t - day) * 24.0
        return (self.weekday0 + day) % 7 in self.weekdays and self.open_hour <= hour < self.close_hour

    def _next_switch(self, t: float) -> float:
        day = math.floor(t)
        for d in range(day, day + 9):
            if (self.weekday0 + d) % 7 in self.weekdays:
                for h in (self.open_hour, self.close_hour):
                    if d + h / 24.0 > t + 1e-9:
                        return d + h / 24.0
        return t + 1.0

    def _hours(self):
        env = self.env
        while True:
            yield env.timeout(self._next_switch(env.now) - env.now)
            self.is_open = self._open_at(env.now + 1e-9)
            if self.is_open:
                self.opened.succeed()
                self.opened = env.event()


class Session:
    """One court session (zitting) that has an officier: when it sits, its slots, and the event of its sitting."""

    __slots__ = ("time", "region", "serves", "slots", "used", "pulls", "fill_at", "sits")

    def __init__(self, env, time, region, serves, slots, pulls, fill_at):
        self.time, self.region, self.slots = time, region, slots
        self.serves = serves  # court queues it hears
        self.pulls = pulls  # backlogs (0 politierechter, 1 meervoudige kamer) it takes cases from, in order
        self.fill_at = fill_at  # when it takes them
        self.used = 0
        self.sits = env.event()


class Case:
    """What a case carries along the chain besides its columns."""

    __slots__ = (
        "cid",
        "r",
        "s",
        "sname",
        "ch",
        "t_offence",
        "youth",
        "u_mk",
        "verzet",
        "reports",
        "win_start",
        "win_end",
    )

    def __init__(self, cid, r, s, sname, ch, t_offence):
        self.cid, self.r, self.s, self.sname, self.ch, self.t_offence = cid, r, s, sname, ch, t_offence
        self.youth = False
        self.u_mk = 0.0
        self.verzet = False
        self.reports = None
        self.win_start = self.win_end = math.nan


class ReferenceChain:
    """One replication of the chain in process style; `run()` returns the case columns."""

    def __init__(self, scenario: Scenario, replication: int = 0, seed: int | None = None):
        sc = self.sc = scenario
        self.replication = replication
        self.seed = sc.seed if seed is None else seed
        self.env = env = simpy.Environment()
        self.rng = np.random.default_rng([self.seed, replication, 0x5EF])
        self._uniforms: list[float] = []
        self._draws: dict[int, list[float]] = {}

        self.region_names = list(sc.regions)
        self.stream_names = list(sc.intake.streams)
        self.chains = [sc.chain(r) for r in self.region_names]
        self.weekday0 = sc.start_date.weekday()

        self.arrivals = self.make_arrivals()
        n = self.n = len(self.arrivals)
        self.col = {name: np.full(n, np.nan) for name in TIME_COLUMNS}
        self.col.update({name: np.zeros(n, bool) for name in FLAG_COLUMNS})
        self.col.update({name: np.zeros(n, np.int16) for name in COUNT_COLUMNS})
        self.col.update({name: np.full(n, -1, np.int16) for name in CODE_COLUMNS})
        self.col["channel"][:] = NO_CHANNEL
        self.col["outcome"][:] = OUTCOME["open"]

        legal = sc.legal
        self.custody_days = legal.ophouden_hours / 24.0 + legal.inverzekeringstelling_days

        # stations: per region, and national pools
        # staff in fte: (servers on duty, days a work hour takes) per station; see `on_duty`
        self.detective_staff = [
            self.on_duty(ch.police.detective_fte, ch.police.hours_per_fte_per_week) for ch in self.chains
        ]
        self.detectives = [simpy.Resource(env, n) for n, _ in self.detective_staff]  # type: ignore[arg-type]  # simpy works with math.inf capacity (unlimited)
        self.zsm_staff = [
            self.on_duty(ch.om.zsm.fte, ch.om.zsm.hours_per_fte_per_week, ch.om.zsm) for ch in self.chains
        ]
        self.zsm = [Desk(env, n, ch.om.zsm, self.weekday0) for (n, _), ch in zip(self.zsm_staff, self.chains)]
        self.regular_staff = [
            self.on_duty(ch.om.regular.fte, ch.om.regular.hours_per_fte_per_week, ch.om.regular) for ch in self.chains
        ]
        self.om_regular = [
            Desk(env, n, ch.om.regular, self.weekday0) for (n, _), ch in zip(self.regular_staff, self.chains)
        ]
        self.writer_staff = {name: self.on_duty(k.fte, k.hours_per_fte_per_week) for name, k in sc.advice.items()}
        self.writers = {
            name: simpy.Resource(env, n)  # type: ignore[arg-type]  # simpy works with math.inf capacity (unlimited)
            for name, (n, _) in self.writer_staff.items()
        }
        taak = sc.execution.taakstraf
        self.reclassering_staff = self.on_duty(taak.fte, taak.hours_per_fte_per_week)
        self.reclassering = simpy.Resource(env, self.reclassering_staff[0])  # type: ignore[arg-type]  # simpy works with math.inf capacity (unlimited)
        self.hof_staff = self.on_duty(sc.appeal.fte, sc.appeal.hours_per_fte_per_week)
        self.hof = simpy.Resource(env, self.hof_staff[0])  # type: ignore[arg-type]  # simpy works with math.inf capacity (unlimited)
        # standing stocks at day 0: work waiting, without cases, requested before any case arrives
        for r, ch in enumerate(self.chains):
            for _ in range(round(ch.police.initial_stock)):
                env.process(self.stock_job(self.detectives[r], ch.police.investigation_hours, self.detective_staff[r]))
            for _ in range(round(ch.om.regular.initial_stock)):
                env.process(self.stock_desk_job(self.om_regular[r], ch.om.regular.work_hours, self.regular_staff[r]))
            for _ in range(round(ch.om.zsm.initial_stock)):
                env.process(self.stock_desk_job(self.zsm[r], ch.om.zsm.work_hours, self.zsm_staff[r]))
        for _ in range(round(sc.appeal.initial_stock)):
            env.process(self.stock_job(self.hof, sc.appeal.work_hours, self.hof_staff))
        self.cells = simpy.PriorityResource(
            env,
            self.capacity(sc.execution.custodial.cells),  # type: ignore[arg-type]  # simpy works with math.inf capacity (unlimited)
        )
        if not sc.execution.custodial.callup_share.constant:
            raise NotImplementedError("the reference chain needs a constant execution.custodial.callup_share")
        self.callup_share = sc.execution.custodial.callup_share.first

        # courts: the calendar, and a backlog per region (politierechter, meervoudige kamer) of waiting cases
        self.backlog: list[tuple[deque[simpy.Event], deque[simpy.Event]]] = [(deque(), deque()) for _ in self.chains]
        self.build_calendar()

    # ------------------------------------------------------------------ scenario values and random draws

    def on_duty(self, fte: Schedule, hours_per_fte: float, desk=None) -> tuple[float, float]:
        """Staff in fte as the model's docs define it: fte x hours per fte a week spread over the opening hours a
        week gives the number on duty; whole servers, each at the speed that keeps the hours exact. Returns
        (servers, days one hour of work takes)."""
        open_hours = 168.0 if desk is None else (desk.close_hour - desk.open_hour) * len(set(desk.open_weekdays))
        x = self.capacity(fte, whole=False) * hours_per_fte / open_hours
        if math.isinf(x):
            return math.inf, 1.0 / 24.0
        servers = max(1, round(x)) if x > 0 else 0
        return servers, (servers / x / 24.0 if x > 0 else 1.0 / 24.0)

    def stock_job(self, resource, hours, staff):
        with resource.request() as req:
            yield req
            yield self.env.timeout(self.draw(hours) * staff[1])

    def stock_desk_job(self, desk, hours, staff):
        yield from desk.work(self.draw(hours) * staff[1])

    def capacity(self, schedule: Schedule, whole: bool = True) -> float:
        if not schedule.constant:
            raise NotImplementedError("the reference chain supports constant station capacities only")
        c = schedule.first
        return math.inf if math.isinf(c) else (int(round(c)) if whole else c)

    def date(self, t: float) -> dt.date:
        """The calendar date of simulation time `t` (days since 00:00 on the start date)."""
        return self.sc.start_date + dt.timedelta(days=math.floor(t))

    def at(self, schedule: Schedule, t: float | None = None) -> float:
        """The value of a scenario schedule in force now (or at time `t`): the one for that calendar date."""
        if schedule.constant:
            return schedule.first
        return schedule.at_date(self.date(self.env.now if t is None else t))

    def u(self) -> float:
        """A uniform draw on [0, 1)."""
        if not self._uniforms:
            self._uniforms = self.rng.random(4096).tolist()
        return self._uniforms.pop()

    def draw(self, spec) -> float:
        """A duration in days from a scenario duration spec, times its `scale` in force now."""
        buf = self._draws.get(id(spec))
        if not buf:
            buf = self._draws[id(spec)] = spec.build().sample(self.rng, 1024).tolist()
        return buf.pop() * self.at(spec.scale)

    def pick(self, mix: dict[str, Schedule], default: str) -> str:
        """A name drawn from a mix of shares (shares in force now)."""
        u, acc = self.u(), 0.0
        for name, share in mix.items():
            acc += self.at(share)
            if u < acc:
                return name
        return default

    # ------------------------------------------------------------------ intake

    def make_arrivals(self) -> list[tuple[float, int, int]]:
        """The cases that enter the chain, (registration time, region, stream), in time order.

        Offences of a stream in a region form a Poisson process with a rate that is constant during each day: the
        stream's volume for that calendar year / the days in that year × the weekday's factor / the mean factor ×
        the region's share. Within a day the gaps between offences are exponential with that rate; at midnight the
        next gap is drawn from the new day's rate (the exponential is memoryless, so starting afresh is exact).
        Intake stops at `horizon_days`. An offence becomes a case if it has a known suspect (`known_suspect_share`
        that day) and that suspect is not screened out (`screened_out_share`); registration is at the offence."""
        sc = self.sc
        rnd = random.Random(f"reference-intake:{self.seed}:{self.replication}")
        pattern = sc.intake.weekday_pattern
        mean_factor = sum(pattern) / len(pattern)
        horizon = sc.horizon_days
        out = []
        for s, (sname, stream) in enumerate(sc.intake.streams.items()):
            for r, region in enumerate(sc.regions.values()):
                for day in range(math.ceil(horizon)):
                    date = self.date(day)
                    days_in_year = 366 if calendar.isleap(date.year) else 365
                    per_day = sc.volume(sname, date.year, self.replication) / days_in_year
                    rate = per_day * pattern[date.weekday()] / mean_factor * region.share
                    if rate <= 0:
                        continue
                    known = stream.known_suspect_share.at_date(date)
                    if stream.no_suspect_investigated_share.at_date(date) > 0:
                        raise NotImplementedError("the reference chain does not investigate offences without a suspect")
                    end = min(day + 1.0, horizon)
                    t = day + rnd.expovariate(rate)
                    while t < end:
                        if rnd.random() < known:
                            out.append((t, r, s))
                        t += rnd.expovariate(rate)
        out.sort()
        return out

    def intake(self):
        env, col = self.env, self.col
        for cid, (t, r, s) in enumerate(self.arrivals):
            yield env.timeout(t - env.now)
            col["region"][cid], col["stream"][cid] = r, s
            col["t_offence"][cid] = col["t_registration"][cid] = t
            env.process(self.case(Case(cid, r, s, self.stream_names[s], self.chains[r], t)))

    # ------------------------------------------------------------------ running

    def run(self) -> dict[str, np.ndarray]:
        self.env.process(self.intake())
        for s in self.all_sessions:
            self.env.process(self.session(s))
        # The cyclic garbage collector is paused while SimPy runs, as in sim/model.py, so that a speed ratio
        # compares the two designs and not a GC setting (with it on, a national year takes about 1.8 times as long).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self.env.run(until=self.sc.total_days + 1e-9)
        finally:
            if gc_was_enabled:
                gc.enable()
        return self.col

    # ------------------------------------------------------------------ one case, police to decision

    def case(self, c: Case):
        env, col, ch, cid = self.env, self.col, c.ch, c.cid
        stream = self.sc.intake.streams[c.sname]
        arrested = self.u() < self.at(stream.arrested_share)
        c.youth = self.u() < self.at(stream.youth_share)
        col["arrested"][cid] = arrested
        col["youth"][cid] = c.youth

        # police
        if arrested:
            yield env.timeout(self.draw(ch.police.arrest_processing))
        else:
            with self.detectives[c.r].request() as req:
                yield req
                yield env.timeout(self.draw(ch.police.investigation_hours) * self.detective_staff[c.r][1])
            yield env.timeout(self.draw(ch.police.file_completion))

        # OM: ZSM desk or regular handling, returns to the police
        om = ch.om
        col["t_om_intake"][cid] = env.now
        if arrested:
            channel = col["channel"][cid] = ZSM
            yield from self.zsm[c.r].work(self.draw(om.zsm.work_hours) * self.zsm_staff[c.r][1], priority=0)
            yield env.timeout(self.draw(om.zsm.lead_time))
        elif self.u() < self.at(om.zsm_share_not_arrested[c.sname]):
            channel = col["channel"][cid] = ZSM
            yield env.timeout(self.draw(om.info_wait))
            yield from self.zsm[c.r].work(self.draw(om.zsm.work_hours) * self.zsm_staff[c.r][1], priority=1)
            yield env.timeout(self.draw(om.zsm.lead_time))
        else:
            channel = col["channel"][cid] = REGULAR
            yield from self.om_regular[c.r].work(self.draw(om.regular.work_hours) * self.regular_staff[c.r][1])
            yield env.timeout(self.draw(om.regular.lead_time))
        returns = 0
        while self.u() < self.at((om.zsm if channel == ZSM else om.regular).return_share):
            returns = col["returns"][cid] = returns + 1
            yield env.timeout(self.draw(om.rework))
            channel = col["channel"][cid] = REGULAR
            yield from self.om_regular[c.r].work(self.draw(om.regular.work_hours) * self.regular_staff[c.r][1])
            yield env.timeout(self.draw(om.regular.lead_time))

        # the decision
        held = arrested and channel == ZSM and returns == 0 and env.now <= c.t_offence + self.custody_days
        col["custody_release"][cid] = arrested and not held
        mix = om.decision_mix[c.sname]
        route = self.pick(mix.zsm_arrested if held else (mix.zsm if channel == ZSM else mix.regular), "regular")
        if route in ("supersnelrecht", "snelrecht_detained") and not held:
            route = "snelrecht_not_detained"
        col["route_initial"][cid] = col["route"][cid] = ROUTE[route]
        col["t_decision"][cid] = env.now

        if route == "sepot":
            self.end(c, "sepot")
        elif route == "transactie":  # paid to CJIB like a fine, never in court
            col["verdict"][cid] = VERDICT["fine"]
            col["t_final"][cid] = env.now
            yield from self.execute(c, "fine", detained=False)
        elif route == "conditional_sepot":
            cs = om.conditional_sepot
            probation = self.draw(cs.probation)
            self.end(c, "conditional_sepot")
            if self.u() < self.at(cs.breach_share):  # breached within the probation: summoned after all
                yield env.timeout(self.u() * probation)
                col["outcome"][cid] = OUTCOME["open"]
                col["t_end"][cid] = math.nan
                col["route"][cid] = ROUTE["regular"]
                c.u_mk = self.u()
                c.reports = self.request_reports(c, "regular")
                yield from self.trial(c, self.regular_queue(c), env.now + ch.courts.preparation_days)
        elif route == "strafbeschikking":
            sanction = "fine" if self.u() < self.at(om.strafbeschikking.fine_share) else "taakstraf"
            col["verdict"][cid] = VERDICT[sanction]
            if self.u() < self.at(om.strafbeschikking.verzet_share):
                c.verzet = True
                col["verzet"][cid] = True
                c.reports = simpy.AllOf(env, [])  # no reports for verzet
                yield env.timeout(self.draw(om.strafbeschikking.verzet_delay))
                yield from self.trial(c, Q[om.verzet_queue], env.now)
            else:
                col["t_final"][cid] = env.now
                yield from self.execute(c, sanction, detained=False)
        else:
            c.u_mk = self.u()
            c.reports = self.request_reports(c, route)
            if route == "regular":
                q = self.regular_queue(c)
            else:
                q = Q[route]
            yield from self.trial(c, q, env.now + ch.courts.preparation_days)

    def regular_queue(self, c: Case) -> int:
        """A regular summons goes to the meervoudige kamer with the stream's `mk_share`, else the politierechter
        (one draw per case, so a case that falls back to regular later goes the same way it would have)."""
        return Q_MK if c.u_mk < self.at(c.ch.courts.mk_share[c.sname]) else Q_PR

    # ------------------------------------------------------------------ advice reports

    def request_reports(self, c: Case, route: str) -> simpy.Event:
        """Start the reports the case needs; the event fires when all are in (at once if none)."""
        writing = []
        for name, kind in c.ch.advice.items():
            if (kind.applies_to == "youth" and not c.youth) or (kind.applies_to == "adult" and c.youth):
                continue
            if route in kind.routes and self.u() < self.at(kind.share[c.sname]):
                work = self.draw(kind.work_hours) * self.writer_staff[name][1]
                writing.append(self.env.process(self.write_report(name, work, self.draw(kind.duration))))
        return simpy.AllOf(self.env, writing)

    def write_report(self, kind: str, work_days: float, lead_days: float):
        with self.writers[kind].request() as req:
            yield req
            yield self.env.timeout(work_days)
        yield self.env.timeout(lead_days)

    # ------------------------------------------------------------------ the court calendar

    def build_calendar(self):
        """The sessions that will sit, per region and calendar day (`self.sessions_on[(region, day)]`).

        For each region and session type: on each of the type's weekdays the expected number of sessions so far
        grows by per_week / (number of weekdays), with per_week in force that day, and that day gets as many
        sessions as it takes for the number made so far to be the expected number rounded to the nearest whole.
        All sit at 09:00, before the end of the run. Each has `slots` places (rounded) and sits only if an officier
        is available (drawn per session with `officier_share`); a session without one is cancelled and left out.
        A session that serves a regular queue takes cases from that backlog when it enters the planning horizon
        (`planning_horizon_weeks` before it sits); one with `fill_from_backlog` takes politierechter cases
        `open_to_others_days` before it sits. (This is the model's planning only when the horizon equals the summons
        term, slots are not reserved, adjourned cases wait no minimum and judges, courtrooms and minimum fill do not
        bind: the reference test's scenario says so; the planning itself is tested in tests/test_courts_planning.py.)"""
        total = self.sc.total_days
        self.sessions_on: dict[tuple[int, int], list[Session]] = {}
        self.all_sessions: list[Session] = []
        for r, ch in enumerate(self.chains):
            for st in ch.courts.sessions.values():
                weekdays = set(st.weekdays)
                pulls = [BACKLOG[q] for q in st.serves if q in BACKLOG]
                # a session serving a regular queue is filled as it enters the planning horizon; a fast one that
                # takes backlog cases when it opens its free slots to others
                fill_lead = ch.courts.planning_horizon_weeks * 7.0 if pulls else st.open_to_others_days
                if st.fill_from_backlog and BACKLOG["regular_pr"] not in pulls:
                    pulls.append(BACKLOG["regular_pr"])
                expected, made = 0.0, 0
                for day in range(math.ceil(total)):
                    t = day + SESSION_HOUR / 24.0
                    if t >= total:
                        break
                    date = self.date(day)
                    if date.weekday() not in weekdays:
                        continue
                    expected += st.per_week.at_date(date) / len(weekdays)
                    while made < math.floor(expected + 0.5):
                        made += 1
                        if self.u() >= st.officier_share.at_date(date):
                            continue  # no officier: cancelled
                        s = Session(
                            self.env,
                            t,
                            r,
                            {Q[q] for q in st.serves},
                            max(0, round(st.slots.at_date(date))),
                            pulls,
                            max(0.0, t - fill_lead),
                        )
                        self.sessions_on.setdefault((r, day), []).append(s)
                        self.all_sessions.append(s)

    def session(self, s: Session):
        """A session's own process: it takes cases from the backlog at its fill time, then sits."""
        env = self.env
        if s.pulls:
            yield env.timeout(max(0.0, s.fill_at - env.now))
            free = s.slots - s.used
            for b in s.pulls:
                waiting = self.backlog[s.region][b]
                while free > 0 and waiting:
                    s.used += 1
                    free -= 1
                    waiting.popleft().succeed(s)
        yield env.timeout(s.time - env.now)
        s.sits.succeed()

    # ------------------------------------------------------------------ legal windows and planning

    def open_window(self, c: Case, q: int, earliest: float) -> float:
        """The case enters court queue `q` now. A fast-track queue has a hard legal window: supersnelrecht within
        `supersnelrecht_window_days` of the arrest, snelrecht for detained suspects within
        `snelrecht_detained_window_days` of the arrest, snelrecht for suspects not detained between
        `snelrecht_not_detained_min_days` and `snelrecht_not_detained_window_days` after the summons (now). Sets the
        window on the case; returns the earliest hearing time."""
        legal, now = self.sc.legal, self.env.now
        if q == Q_SUPER:
            c.win_start, c.win_end = c.t_offence, c.t_offence + legal.supersnelrecht_window_days
        elif q == Q_DET:
            c.win_start, c.win_end = c.t_offence, c.t_offence + legal.snelrecht_detained_window_days
        elif q == Q_NOT:
            c.win_start, c.win_end = now, now + legal.snelrecht_not_detained_window_days
            earliest = max(earliest, now + legal.snelrecht_not_detained_min_days)
        return earliest

    def book_fast(self, c: Case, q: int, earliest: float) -> Session | None:
        """Book the case into the first session of its region, from `earliest` to the end of its window, that serves
        queue `q`, has not sat yet and has a free slot; None if there is none. Looked up day by day."""
        for day in range(math.floor(earliest), math.floor(c.win_end) + 1):
            for s in self.sessions_on.get((c.r, day), ()):
                if q in s.serves and earliest <= s.time <= c.win_end and s.used < s.slots and not s.sits.triggered:
                    s.used += 1
                    return s
        return None

    def fall_back(self, c: Case, q: int) -> tuple[int, float]:
        """The window cannot be met: the suspect is released and the case goes to the slower route in
        `om.fallback`; returns its new queue and earliest hearing."""
        self.col["fallbacks"][c.cid] += 1
        self.col["fell_back_from"][c.cid] |= 1 << q
        new = c.ch.om.fallback[COURT_QUEUES[q]]
        if not c.verzet:
            self.col["route"][c.cid] = ROUTE[new]
        now = self.env.now
        if new == "regular":
            return self.regular_queue(c), now
        return Q[new], now + c.ch.courts.preparation_days

    def court(self, c: Case, q: int, earliest: float):
        """Planning, hearings and adjournments until a hearing gives a verdict; returns the queue it was heard in."""
        env, courts = self.env, c.ch.courts
        earliest = self.open_window(c, q, earliest)
        front = False
        while True:
            if q in FAST_Q:
                session = self.book_fast(c, q, earliest)
                if session is None:
                    q, earliest = self.fall_back(c, q)
                    earliest = self.open_window(c, q, earliest)
                    continue
            else:
                if not c.reports.triggered:
                    yield c.reports  # a regular case joins the backlog when its reports are in
                booked = env.event()
                waiting = self.backlog[c.r][BACKLOG[COURT_QUEUES[q]]]
                if front:
                    waiting.appendleft(booked)
                else:
                    waiting.append(booked)
                front = False
                session = yield booked

            yield session.sits  # the hearing
            if math.isnan(self.col["t_first_hearing"][c.cid]):
                self.col["t_first_hearing"][c.cid] = env.now
            if q in FAST_Q and not (c.win_start <= env.now <= c.win_end + 1e-9):
                raise AssertionError(f"case {c.cid} heard outside its {COURT_QUEUES[q]} window")
            if not c.reports.triggered:  # a report is missing: adjourned until it arrives
                self.col["adjournments"][c.cid] += 1
                yield c.reports
                earliest = env.now
                continue
            if self.u() < self.at(courts.adjournment_share):
                self.col["adjournments"][c.cid] += 1
                if q in FAST_Q:
                    earliest = env.now + courts.fast_track_adjournment_min_days
                else:
                    yield env.timeout(courts.adjournment_min_days)
                    front = True
                continue
            return q

    def trial(self, c: Case, q: int, earliest: float):
        """Court, verdict, appeal, execution."""
        env, col, cid = self.env, self.col, c.cid
        q = yield from self.court(c, q, earliest)
        col["t_verdict"][cid] = env.now
        if q in FAST_Q:
            col["t_window_start"][cid] = c.win_start
        mixes = c.ch.courts.verdict_mix
        if c.verzet:
            mix = mixes.get("verzet") or mixes["regular"]
        else:
            col["route"][cid] = ROUTE[QUEUE_ROUTE[q]]
            mix = mixes[QUEUE_ROUTE[q]]
        verdict = self.pick(mix, "suspended")
        col["verdict"][cid] = VERDICT[verdict]

        share = c.ch.appeal.share.get(verdict)
        if share is not None and self.u() < self.at(share):
            col["appealed"][cid] = True
            yield env.timeout(self.draw(c.ch.appeal.preparation))
            with self.hof.request() as req:
                yield req
                yield env.timeout(self.draw(c.ch.appeal.work_hours) * self.hof_staff[1])
            yield env.timeout(self.draw(c.ch.appeal.decision))
        col["t_final"][cid] = env.now
        yield from self.execute(c, verdict, detained=q in (Q_SUPER, Q_DET))

    # ------------------------------------------------------------------ execution

    def execute(self, c: Case, verdict: str, detained: bool):
        env, col, cid, ex = self.env, self.col, c.cid, c.ch.execution
        if verdict in ("acquittal", "suspended"):
            self.end(c, verdict)
            return
        if verdict == "custodial" and detained:  # aansluitend: straight on from detention
            col["t_cjib"][cid] = env.now
            col["execution"][cid] = EXEC["aansluitend"]
            yield from self.serve(c, self.draw(ex.custodial.length[c.sname]), PRIO_AANSLUITEND)
            return

        # delivery to CJIB
        delay = self.draw(ex.delivery)
        if self.u() < self.at(ex.delivery_return_share):
            col["delivery_returns"][cid] += 1
            delay += self.draw(ex.delivery_rework)
        yield env.timeout(delay)
        col["t_cjib"][cid] = env.now

        if verdict == "fine":
            col["execution"][cid] = EXEC["fine"]
            col["t_exec_start"][cid] = env.now
            u, paid = self.u(), self.at(ex.fines.paid_share)
            if u < paid:
                yield env.timeout(self.draw(ex.fines.pay_time))
            elif u < paid + self.at(ex.fines.plan_share):
                yield env.timeout(self.draw(ex.fines.plan_time))
            else:  # unpaid: replacement detention
                length = self.draw(ex.fines.replacement_detention)
                yield env.timeout(self.draw(ex.fines.pay_time))
                yield from self.arrest(c, replacement=length)
                return
            self.end(c, "executed")
        elif verdict == "taakstraf":
            col["execution"][cid] = EXEC["taakstraf"]
            yield env.timeout(self.draw(ex.taakstraf.intake))
            with self.reclassering.request() as req:
                yield req
                yield env.timeout(self.draw(ex.taakstraf.work_hours) * self.reclassering_staff[1])
            work = self.draw(ex.taakstraf.work)
            yield env.timeout(self.draw(ex.taakstraf.to_start) + work)
            col["t_exec_start"][cid] = env.now - work
            if self.u() < self.at(ex.taakstraf.failure_share):
                yield from self.arrest(c, replacement=self.draw(ex.taakstraf.replacement_detention))
                return
            self.end(c, "executed")
        else:  # custodial, not detained at the verdict: zelfmelder or arrestant
            cu = ex.custodial
            if self.u() < self.at(cu.zelfmelder_share):
                col["execution"][cid] = EXEC["zelfmelder"]
                no_show = self.u() < self.at(cu.no_show_share)
                callup = self.draw(cu.callup)
                length = self.draw(cu.length[c.sname])
                if self.u() >= self.callup_share:
                    yield env.event()  # never called up (DJI calls up only `callup_share`)
                with self.cells.request(priority=PRIO_ZELFMELDER) as req:
                    yield req
                    yield env.timeout(callup)  # the cell is held for the zelfmelder until they report
                    if not no_show:
                        col["t_exec_start"][cid] = env.now
                        yield env.timeout(length)
                        self.end(c, "executed")
                        return
                col["execution"][cid] = EXEC["arrestant"]  # did not report
            else:
                col["execution"][cid] = EXEC["arrestant"]
            yield from self.arrest(c, replacement=None)

    def arrest(self, c: Case, replacement: float | None):
        """An arrestant (or replacement detention): found by the police, then a cell with priority over
        zelfmelders."""
        ex = c.ch.execution
        if replacement is not None:
            self.col["replacement_detention"][c.cid] = True
        yield self.env.timeout(self.draw(ex.custodial.find_time))
        length = replacement if replacement is not None else self.draw(ex.custodial.length[c.sname])
        yield from self.serve(c, length, PRIO_ARRESTANT)

    def serve(self, c: Case, length: float, priority: int):
        with self.cells.request(priority=priority) as req:
            yield req
            if math.isnan(self.col["t_exec_start"][c.cid]):
                self.col["t_exec_start"][c.cid] = self.env.now
            yield self.env.timeout(length)
        self.end(c, "executed")

    def end(self, c: Case, outcome: str) -> None:
        now = self.env.now
        self.col["outcome"][c.cid] = OUTCOME[outcome]
        self.col["t_end"][c.cid] = now
        if outcome == "executed":
            self.col["t_exec_end"][c.cid] = now


# --------------------------------------------------------------------------------------------------- key figures


def reference_kpis(c: dict[str, np.ndarray], scenario: Scenario) -> dict[tuple[str, str], float]:
    """The key figures tests/test_reference.py compares, counted case by case from the definitions in docs/model.md
    (written here, not taken from `sim.kpis`). Keys are (metric, group) as in `kpis.csv`.

    The cohort is the cases registered from the end of the warm-up to the end of the horizon; "per year" divides by
    the cohort period in years of 365.25 days. Routes are final routes (after fall-backs).

    * ``cases[route]``: cohort cases decided in the route, per year;
    * ``days_to_decision_p50[route]``: median days from registration to the OM decision (sepot, strafbeschikking)
      or to the verdict (court routes), over the route's cases that got there before the run ended;
    * ``within_window_share[fast-track route]``: cases heard and decided in the route (verzet cases aside) /
      (those + cases that fell back out of it);
    * ``om_intake``: cohort cases that reached the OM, per year; ``via_zsm_share``: the share of those whose
      channel (the last desk that handled them) is ZSM;
    * ``sentences[verdict]``: court verdicts per year (a strafbeschikking is not a court verdict).
    """
    years = (scenario.horizon_days - scenario.warmup_days) / 365.25
    cols = {
        name: c[name].tolist()
        for name in (
            "t_registration",
            "t_om_intake",
            "t_decision",
            "t_verdict",
            "channel",
            "route",
            "verdict",
            "verzet",
            "fell_back_from",
        )
    }
    cases = dict.fromkeys(ROUTES, 0)
    lead: dict[str, list[float]] = {name: [] for name in ROUTES}
    decided_in = dict.fromkeys(FAST_TRACK, 0)
    fell_out_of = dict.fromkeys(FAST_TRACK, 0)
    sentences = dict.fromkeys(VERDICTS, 0)
    om_intake = via_zsm = 0
    for reg, om, decision, verdict_time, channel, route, verdict, verzet, fell in zip(*cols.values()):
        if not scenario.warmup_days <= reg < scenario.horizon_days:
            continue
        if not math.isnan(om):
            om_intake += 1
            via_zsm += channel == ZSM
        heard = not math.isnan(verdict_time)
        if heard:
            sentences[VERDICTS[verdict]] += 1
        for name in FAST_TRACK:
            if fell & (1 << Q[name]):
                fell_out_of[name] += 1
        if route < 0:
            continue  # not decided yet
        name = ROUTES[route]
        cases[name] += 1
        end = decision if name in ("sepot", "strafbeschikking", "transactie", "conditional_sepot") else verdict_time
        if not math.isnan(end):
            lead[name].append(end - reg)
        if name in FAST_TRACK and heard and not verzet:
            decided_in[name] += 1
    out: dict[tuple[str, str], float] = {}
    for name in ROUTES:
        out[("cases", name)] = cases[name] / years
        out[("days_to_decision_p50", name)] = statistics.median(lead[name]) if lead[name] else math.nan
    for name in FAST_TRACK:
        total = decided_in[name] + fell_out_of[name]
        out[("within_window_share", name)] = decided_in[name] / total if total else math.nan
    out[("om_intake", "all")] = om_intake / years
    out[("via_zsm_share", "all")] = via_zsm / om_intake if om_intake else math.nan
    for name in VERDICTS:
        out[("sentences", name)] = sentences[name] / years
    return out


def run_reference(scenario: Scenario, replication: int = 0, seed: int | None = None) -> dict[str, np.ndarray]:
    """One replication of the reference chain: its case columns, one row per case in order of registration, under
    the names and codes of the model's case records (`ReplicationResult.columns`, the subset recorded here)."""
    return ReferenceChain(scenario, replication, seed).run()
