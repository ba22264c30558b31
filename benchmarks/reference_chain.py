"""The chain in plain SimPy, one generator process per case: the yardstick for the real model.

`sim/` moves cases with SimPy events and callbacks and pre-draws every random input from named streams. This module
does the same chain the way a SimPy textbook would: `env.process(case(...))` for every case, `yield env.timeout(...)`
for every delay, `simpy.Resource` / `PriorityResource` with ``with res.request() as req: yield req`` for every station,
and events for waiting on court sessions, the court backlog and advice reports. It is built from the same
`sim.scenario.Scenario` and writes the case columns `sim.kpis.case_kpis` needs, so the two can be compared
statistically (tests/test_reference.py) and for speed (`python -m benchmarks`). It is kept plain on purpose; do not
optimise it.

The logic follows docs/model.md stage by stage:

* **intake**: `sim.intake.generate` (plain numpy, no SimPy), so the offences are those of the real model's intake
  for the same seed; arrested and youth are drawn at registration;
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
* **courts**: the weekly calendar per region and session type (built as in `sim/courts.py`: sessions at 09:00, a
  fractional number per week carried over, an officier drawn per session); fast-track cases are booked into the
  first free session inside their legal window or fall back (`om.fallback`); regular cases wait in a FIFO backlog
  per region that sessions draw from `fill_lead_days` before they sit (fast-track sessions with `fill_from_backlog`
  too); adjourned regular cases go to the front; adjournments, the verdict mix (verzet cases by the `verzet` mix);
* **appeal**, then **execution**: delivery to CJIB (with returns), fines (paid, plan, unpaid → replacement
  detention), taakstraf (intake, a national reclassering place, work; failure → replacement detention), custodial
  with DJI cells as one national `PriorityResource` (aansluitend before arrestanten before zelfmelders; a zelfmelder
  holds the cell during the call-up; no-shows become arrestanten).

What it simplifies (none of it touches the figures `case_kpis` reports for the scenarios it is used on):

* random numbers come from one numpy Generator per replication (drawn in blocks), not from named streams: agreement
  with the real model is statistical, not case by case;
* station capacities must be constant (a schedule of capacities is refused), and `callup_share` must be constant;
  shares, durations and their `scale`, sessions per week, slots and officier shares may follow schedules;
* a desk's opening hours: a case that gets a server while the desk is closed keeps it and starts when the desk opens.
  The same number of cases start at the opening as in the real model (servers freed during the closure); only a
  high-priority case arriving at the ZSM desk during the night can no longer overtake a case that was granted a
  server before it;
* no backlog per stage, station statistics, session or hearing tables: only the case columns.
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_left, bisect_right
from collections import deque

import numpy as np
import simpy

from sim import intake as intake_mod
from sim.domain import Channel, ExecutionKind, Outcome, Route, Verdict, keys
from sim.records import CODE_COLUMNS, TIME_COLUMNS

CHANNELS = keys(Channel)
EXEC, OUTCOME = {k: i for i, k in enumerate(keys(ExecutionKind))}, {k: i for i, k in enumerate(keys(Outcome))}
ROUTE, VERDICT = {k: i for i, k in enumerate(keys(Route))}, {k: i for i, k in enumerate(keys(Verdict))}
from sim.scenario import COURT_QUEUES, FAST_TRACK, Scenario, Schedule
from sim.streams import Streams

Q = {name: i for i, name in enumerate(COURT_QUEUES)}
Q_SUPER, Q_DET, Q_NOT, Q_PR, Q_MK = (Q[n] for n in COURT_QUEUES)
FAST_Q = (Q_SUPER, Q_DET, Q_NOT)
QUEUE_ROUTE = (*FAST_TRACK, "regular", "regular")  # the route a case heard in each court queue is decided in
ZSM, REGULAR = CHANNELS.index("zsm"), CHANNELS.index("regular")
PRIO_AANSLUITEND, PRIO_ARRESTANT, PRIO_ZELFMELDER = 0, 1, 2
SESSION_HOUR = 9.0


class Desk:
    """A station with staff and opening hours (the ZSM desk, regular OM handling): work starts only while it is
    open; work in hand is finished."""

    def __init__(self, env: simpy.Environment, staff: float, desk, weekday0: int):
        self.env = env
        self.res = simpy.PriorityResource(env, capacity=staff)
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
    """One court session (zitting): its time, slots, and the event of its sitting."""

    __slots__ = ("time", "region", "slots", "used", "held", "pulls", "fill_at", "sits")

    def __init__(self, time, region, slots, held):
        self.time, self.region, self.slots, self.held = time, region, slots, held
        self.used = 0
        self.pulls: list[int] = []  # backlogs (0 politierechter, 1 meervoudige kamer) it takes cases from
        self.fill_at = time
        self.sits: simpy.Event | None = None


class Case:
    """What a case carries along the chain besides its columns."""

    __slots__ = ("cid", "r", "s", "sname", "ch", "t_offence", "youth", "u_mk", "verzet", "reports", "win_start",
                 "win_end")

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
        self.seed = sc.seed if seed is None else seed
        self.env = env = simpy.Environment()
        self.rng = np.random.default_rng([self.seed, replication, 0x5EF])
        self._uniforms: list[float] = []
        self._draws: dict[int, list[float]] = {}
        self._scheds: dict[int, tuple[list[float], list[float]]] = {}

        self.arrivals = intake_mod.generate(sc, Streams(self.seed, replication))
        n = self.n = len(self.arrivals.time)
        self.col = {name: np.full(n, np.nan) for name in TIME_COLUMNS}
        for name, dtype in CODE_COLUMNS.items():
            fill = -1 if name in ("route_initial", "route", "verdict", "execution") else 0
            self.col[name] = np.full(n, fill, dtype=dtype)
        self.col["region"][:] = self.arrivals.region
        self.col["stream"][:] = self.arrivals.stream
        self.col["t_offence"][:] = self.arrivals.time
        self.col["t_registration"][:] = self.arrivals.time

        self.region_names = list(sc.regions)
        self.stream_names = list(sc.intake.streams)
        self.chains = [sc.chain(r) for r in self.region_names]
        weekday0 = self.weekday0 = sc.start_date.weekday()
        legal = sc.legal
        self.custody_days = legal.ophouden_hours / 24.0 + legal.inverzekeringstelling_days
        self.window_days = {Q_SUPER: legal.supersnelrecht_window_days, Q_DET: legal.snelrecht_detained_window_days,
                            Q_NOT: legal.snelrecht_not_detained_window_days}

        # stations: per region, and national pools
        self.detectives = [simpy.Resource(env, self.capacity(ch.police.detectives)) for ch in self.chains]
        self.zsm = [Desk(env, self.capacity(ch.om.zsm.staff), ch.om.zsm, weekday0) for ch in self.chains]
        self.om_regular = [Desk(env, self.capacity(ch.om.regular.staff), ch.om.regular, weekday0)
                           for ch in self.chains]
        self.writers = {name: simpy.Resource(env, self.capacity(kind.capacity)) for name, kind in sc.advice.items()}
        self.reclassering = simpy.Resource(env, self.capacity(sc.execution.taakstraf.capacity))
        self.cells = simpy.PriorityResource(env, self.capacity(sc.execution.custodial.cells))
        if not sc.execution.custodial.callup_share.constant:
            raise NotImplementedError("the reference chain needs a constant execution.custodial.callup_share")
        self.callup_share = sc.execution.custodial.callup_share.first

        # courts: the calendar, and a backlog per region (politierechter, meervoudige kamer) of waiting cases
        self.backlog = [(deque(), deque()) for _ in self.chains]
        self._build_calendar()

    # ------------------------------------------------------------------ scenario values and random draws

    def capacity(self, schedule: Schedule) -> float:
        if not schedule.constant:
            raise NotImplementedError("the reference chain supports constant station capacities only")
        c = schedule.first
        return math.inf if math.isinf(c) else int(round(c))

    def at(self, schedule: Schedule, t: float | None = None) -> float:
        """The value of a scenario schedule in force now (or at day `t`)."""
        if schedule.constant:
            return schedule.first
        times, values = self._scheds.get(id(schedule)) or self._scheds.setdefault(
            id(schedule), ([self.sc.day_of(d) for d, _ in schedule.points], schedule.values()))
        i = bisect_right(times, self.env.now if t is None else t) - 1
        return values[max(i, 0)]

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

    # ------------------------------------------------------------------ running

    def run(self) -> dict[str, np.ndarray]:
        self.env.process(self.intake())
        self.env.process(self.clerk())
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

    def intake(self):
        env = self.env
        a = self.arrivals
        for cid, t in enumerate(a.time.tolist()):
            if t > env.now:
                yield env.timeout(t - env.now)
            r, s = int(a.region[cid]), int(a.stream[cid])
            case = Case(cid, r, s, self.stream_names[s], self.chains[r], t)
            env.process(self.case(case))

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
                yield env.timeout(self.draw(ch.police.investigation))
            yield env.timeout(self.draw(ch.police.file_completion))

        # OM: ZSM desk or regular handling, returns to the police
        om = ch.om
        col["t_om_intake"][cid] = env.now
        if arrested:
            channel = col["channel"][cid] = ZSM
            yield from self.zsm[c.r].work(self.draw(om.zsm.handling), priority=0)
        elif self.u() < self.at(om.zsm_share_not_arrested[c.sname]):
            channel = col["channel"][cid] = ZSM
            yield env.timeout(self.draw(om.info_wait))
            yield from self.zsm[c.r].work(self.draw(om.zsm.handling), priority=1)
        else:
            channel = col["channel"][cid] = REGULAR
            yield from self.om_regular[c.r].work(self.draw(om.regular.handling))
        returns = 0
        while self.u() < self.at((om.zsm if channel == ZSM else om.regular).return_share):
            returns = col["returns"][cid] = returns + 1
            yield env.timeout(self.draw(om.rework))
            channel = col["channel"][cid] = REGULAR
            yield from self.om_regular[c.r].work(self.draw(om.regular.handling))

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
                q = Q_MK if c.u_mk < self.at(ch.courts.mk_share[c.sname]) else Q_PR
            else:
                q = Q[route]
            yield from self.trial(c, q, env.now + ch.courts.preparation_days)

    # ------------------------------------------------------------------ advice reports

    def request_reports(self, c: Case, route: str) -> simpy.Event:
        """Start the reports the case needs; the event fires when all are in (at once if none)."""
        writing = []
        for name, kind in c.ch.advice.items():
            if (kind.applies_to == "youth" and not c.youth) or (kind.applies_to == "adult" and c.youth):
                continue
            if route in kind.routes and self.u() < self.at(kind.share[c.sname]):
                writing.append(self.env.process(self.write_report(name, self.draw(kind.duration))))
        return simpy.AllOf(self.env, writing)

    def write_report(self, kind: str, days: float):
        with self.writers[kind].request() as req:
            yield req
            yield self.env.timeout(days)

    # ------------------------------------------------------------------ courts

    def _build_calendar(self):
        """Sessions per region and type, as `sim/courts.py` builds them; per region and court queue the held
        sessions that serve it, in time order."""
        sc, env = self.sc, self.env
        total = sc.total_days
        sessions = []
        for r, ch in enumerate(self.chains):
            for st in ch.courts.sessions.values():
                weekdays = set(st.weekdays)
                acc = 0.5
                for d in range(math.ceil(total)):
                    if (self.weekday0 + d) % 7 not in weekdays:
                        continue
                    t = d + SESSION_HOUR / 24.0
                    if t >= total:
                        break
                    acc += self.at(st.per_week, d) / len(weekdays)
                    count = int(acc)
                    acc -= count
                    for _ in range(count):
                        s = Session(t, r, max(0, int(round(self.at(st.slots, d)))),
                                    self.rng.random() < self.at(st.officier_share, d))
                        s.pulls = [Q[q] - Q_PR for q in st.serves if q in ("regular_pr", "regular_mk")]
                        if st.fill_from_backlog and 0 not in s.pulls:
                            s.pulls.append(0)
                        s.fill_at = max(0.0, t - st.fill_lead_days)
                        sessions.append((s, st.serves))
        sessions.sort(key=lambda x: x[0].time)
        self.sessions = [s for s, _ in sessions if s.held]
        self.q_times = [[[] for _ in COURT_QUEUES] for _ in self.chains]
        self.q_sessions = [[[] for _ in COURT_QUEUES] for _ in self.chains]
        for s, serves in sessions:
            if s.held:
                s.sits = env.event()
                for q in serves:
                    self.q_times[s.region][Q[q]].append(s.time)
                    self.q_sessions[s.region][Q[q]].append(s)

    def clerk(self):
        """The court's planning office: fills each session from the backlog `fill_lead_days` before it sits, and
        opens each session at its time."""
        env = self.env
        FILL, SIT = 0, 1
        agenda = sorted([(s.fill_at, FILL, i) for i, s in enumerate(self.sessions) if s.pulls]
                        + [(s.time, SIT, i) for i, s in enumerate(self.sessions)])
        for t, what, i in agenda:
            if t > env.now:
                yield env.timeout(t - env.now)
            s = self.sessions[i]
            if what == FILL:
                free = s.slots - s.used
                for b in s.pulls:
                    waiting = self.backlog[s.region][b]
                    while free > 0 and waiting:
                        s.used += 1
                        free -= 1
                        waiting.popleft().succeed(s)
            else:
                s.sits.succeed()

    def plan_fast(self, c: Case, q: int, earliest: float) -> Session | None:
        """The first session serving queue `q` in the case's region, from `earliest` to the end of its window, that
        has a free slot and has not sat yet; booked, or None."""
        times, sessions = self.q_times[c.r][q], self.q_sessions[c.r][q]
        i = bisect_left(times, earliest)
        while i < len(times) and times[i] <= c.win_end:
            s = sessions[i]
            if s.used < s.slots and not s.sits.triggered:
                s.used += 1
                return s
            i += 1
        return None

    def fall_back(self, c: Case, q: int) -> tuple[int, float]:
        """The window cannot be met: the suspect is released and the case goes to the slower route."""
        self.col["fallbacks"][c.cid] += 1
        self.col["fell_back_from"][c.cid] |= 1 << q
        new = c.ch.om.fallback[COURT_QUEUES[q]]
        if not c.verzet:
            self.col["route"][c.cid] = ROUTE[new]
        now = self.env.now
        if new == "regular":
            return (Q_MK if c.u_mk < self.at(c.ch.courts.mk_share[c.sname]) else Q_PR), now
        return Q[new], now + c.ch.courts.preparation_days

    def court(self, c: Case, q: int, earliest: float):
        """Planning, hearings and adjournments until a hearing gives a verdict; returns the queue it was heard in."""
        env, courts = self.env, c.ch.courts
        new_queue, front = True, False
        while True:
            if q in FAST_Q:
                if new_queue:  # the legal window of this route
                    if q == Q_NOT:
                        c.win_start = env.now
                        earliest = max(earliest, env.now + self.sc.legal.snelrecht_not_detained_min_days)
                    else:
                        c.win_start = c.t_offence  # the arrest
                    c.win_end = c.win_start + self.window_days[q]
                session = self.plan_fast(c, q, earliest)
                if session is None:
                    q, earliest = self.fall_back(c, q)
                    new_queue = True
                    continue
            else:
                if not c.reports.triggered:
                    yield c.reports  # a regular case joins the backlog when its reports are in
                booked = env.event()
                waiting = self.backlog[c.r][q - Q_PR]
                if front:
                    waiting.appendleft(booked)
                else:
                    waiting.append(booked)
                session = yield booked
            new_queue = front = False

            yield session.sits  # the hearing
            if math.isnan(self.col["t_first_hearing"][c.cid]):
                self.col["t_first_hearing"][c.cid] = env.now
            if q in FAST_Q and env.now > c.win_end + 1e-9:
                raise AssertionError(f"case {c.cid} heard after its {COURT_QUEUES[q]} window")
            if not c.reports.triggered:  # a report is missing: adjourned until it arrives
                self.col["adjournments"][c.cid] += 1
                yield c.reports
                earliest = env.now
                continue
            if self.u() < self.at(courts.adjournment_share):
                self.col["adjournments"][c.cid] += 1
                if q in FAST_Q:
                    earliest = env.now + courts.adjournment_min_days
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
            yield env.timeout(self.draw(c.ch.appeal.duration))
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
            work = self.draw(ex.taakstraf.work)
            with self.reclassering.request() as req:
                yield req
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


def run_reference(scenario: Scenario, replication: int = 0, seed: int | None = None) -> dict[str, np.ndarray]:
    """One replication of the reference chain: the case columns (as `ReplicationResult.columns`, for `case_kpis`)."""
    return ReferenceChain(scenario, replication, seed).run()
