"""One replication of the chain: a SimPy environment, the stages wired in chain order, and what it recorded.

The flow of a case, as wired in `Model.__init__`:

    police ──▶ prosecution (ZSM desk or regular OM) ──▶ sepot (ends) / strafbeschikking, transactie ──▶ execution
       ▲              │        └─ conditional sepot (ends; a breach ──▶ summons) └─ verzet ──▶ courts
       └─ returned ◀──┤
                      └─ summons ──▶ courts ◀──▶ advice (reports) ──▶ appeal ──▶ execution (CJIB, reclassering, DJI)
                                       ▲                                             └─ suspended part: probation
                                       └──────────── claim to execute it (snelrecht session) ◀──┘

Each stage is a class in its own module that holds its runtime state (stations, queues, calendars); it is built
from a `StageContext` (the environment, the case table, the random draws, the scenario's chains) and is handed
explicitly the neighbours it sends cases to, so a stage never reaches into the whole model. Cases are integers (rows
of the `CaseTable`); the stages move them with SimPy events and callbacks, so a case costs an event only when it
really waits for something.

Random inputs are pre-drawn per case from named streams (`inputs.CaseDraws`), so a case gets the same draws whatever
the order of events; repeated events (a second adjournment, a second return) draw in event order from their own
stream.
"""

from __future__ import annotations

import gc
import math
import time as _time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import simpy

from . import intake as intake_mod
from . import standing as standing_mod
from .advice import Advice
from .appeal import Appeal
from .courts import Courts
from .custody import Custody
from .domain import Stage
from .events import calendar, call_later, scheduler
from .execution import Execution
from .inputs import CaseDraws, DaySchedule, ShareMix, share_mix
from .police import Police
from .probation import Probation
from .prosecution import Prosecution
from .records import CaseTable
from .scenario import Scenario, Schedule
from .stations import Station
from .streams import Streams


class StageContext:
    """What every stage shares: the environment, the case table, the per-case draws and lookups, the scenario's
    chains per region. Built once per replication by `Model`; it knows no stage."""

    def __init__(self, scenario: Scenario, replication: int, seed: int):
        self.scenario = scenario
        self.streams = Streams(seed, replication)
        self.env = simpy.Environment()
        self.after = scheduler(self.env)  # after(delay, fn, cid): call fn(cid) in `delay` days
        self.region_names = list(scenario.regions)
        self.stream_names = list(scenario.intake.streams)
        self.chains = [scenario.chain(r) for r in self.region_names]
        self.weekday0 = scenario.start_date.weekday()

        arrivals = intake_mod.generate(scenario, self.streams)
        # the standing stocks on the start date become case rows after the intake's (sim/standing.py)
        self.standing = standing_mod.generate(scenario, self.streams)
        self.n_intake = len(arrivals.time)
        if len(self.standing):
            arrivals = standing_mod.appended(arrivals, self.standing)
        self.arrivals = arrivals
        self.n = len(arrivals.time)
        self.arr_region = arrivals.region  # numpy, for vectorised draws
        self.arr_stream = arrivals.stream
        self.region_of = arrivals.region.tolist()  # lists, for fast lookups per case in callbacks
        self.stream_of = arrivals.stream.tolist()
        self.cases = CaseTable(self.n)
        c = self.cases
        # shared, not copied: registration is on the day of the offence (see intake), and these never change
        c.region = arrivals.region
        c.stream = arrivals.stream
        c.t_offence = c.t_registration = arrivals.time
        self.draw = CaseDraws(self)
        c.suspect_found[:] = arrivals.suspect_found
        # a suspect found by investigation (selectiviteitskader) was not arrested at the offence
        c.arrested[:] = (self.draw.uniform("arrested") < self._share_at_arrival("arrested_share")) & ~c.suspect_found
        c.arrested[self.n_intake :] = False  # a standing case's arrest, if any, is over
        self.arrested_of = c.arrested.tolist()  # read on every step of an arrested case: a list is faster
        c.youth[:] = self.draw.uniform("youth") < self._share_at_arrival("youth_share")
        self._schedule_cache: dict[int, DaySchedule] = {}

    def _share_at_arrival(self, field: str) -> np.ndarray:
        """Each case's stream share `field` (a schedule) at its registration time."""
        p = np.zeros(self.n)
        for j, st in enumerate(self.scenario.intake.streams.values()):
            sel = self.arr_stream == j
            ts = DaySchedule(getattr(st, field), self.scenario)
            p[sel] = ts.const if ts.const is not None else [ts.at(t) for t in self.arrivals.time[sel]]
        return p

    def schedule(self, schedule: Schedule) -> DaySchedule:
        """`schedule` in simulation days (one `DaySchedule` per schedule object, shared by its users)."""
        key = id(schedule)
        ts = self._schedule_cache.get(key)
        if ts is None:
            ts = self._schedule_cache[key] = DaySchedule(schedule, self.scenario)
        return ts

    def mix(self, shares: Mapping[str, Schedule], code_of, default: int) -> ShareMix:
        """A `ShareMix` from a scenario's {name: schedule} shares; `code_of(name)` gives a name's code."""
        return share_mix(self.schedule, shares, code_of, default)


@dataclass
class ReplicationResult:
    replication: int
    seed: int
    columns: dict[str, np.ndarray]
    backlog: np.ndarray  # [day, stage] cases in stage at the start of each day (+ advice reports in progress)
    sessions: dict[str, np.ndarray]  # one row per court session
    hearings: dict[str, np.ndarray]  # one row per hearing held
    stations: list[dict]  # one row per station
    diverted: np.ndarray  # [day, region, stream, intake.DIVERTED_COLUMNS]
    wall_seconds: float
    backlog_by_region: np.ndarray | None = None  # [day, region, stage] the same counts (no advice reports) per region


class Model:
    """The chain for one replication: the stages in chain order, wired to their neighbours."""

    def __init__(self, scenario: Scenario, replication: int = 0, seed: int | None = None):
        self.scenario = scenario
        self.replication = replication
        self.seed = scenario.seed if seed is None else seed
        ctx = self.ctx = StageContext(scenario, replication, self.seed)
        self.env = ctx.env
        self.cases = ctx.cases
        self.arrivals = ctx.arrivals
        self.n = ctx.n
        self.n_intake = ctx.n_intake  # the intake's cases; standing cases follow (sim/standing.py)

        # stages, in chain order (the order they are built in fixes the order of their start-up events)
        self.police = Police(ctx)
        self.om = Prosecution(ctx)
        self.advice = Advice(ctx)
        self.courts = Courts(ctx)
        self.appeal = Appeal(ctx)
        self.execution = Execution(ctx)
        self.custody = Custody(ctx, sentence_cells=self.execution.cells)  # the suspect's clock, police cells, remand
        self.probation = Probation(ctx)  # suspended sentences: probation periods and claims to execute them

        # where each stage sends its cases
        self.police.connect(
            to_om=self.om.receive, to_om_after=self.om.receive_after, returned_to_om=self.om.receive_returned
        )
        self.om.connect(
            return_to_police=self.police.rework_returned,
            summon=self.courts.summon,
            verzet_to_court=self.courts.receive_verzet,
            to_execution=self.execution.deliver,
        )
        self.advice.connect(reports_in=self.courts.report_arrived)
        self.courts.connect(advice=self.advice, to_appeal=self.appeal.consider)
        self.appeal.connect(final=self.execution.final)
        self.execution.connect_probation(start=self.probation.start)
        self.probation.connect(book_claim=self.courts.book_claim, execute_suspended=self.execution.execute_suspended)
        self.courts.connect_claims(heard=self.probation.heard)
        self.custody.connect(plan_pro_forma=self.courts.plan_pro_forma)
        for stage in (self.police, self.om, self.execution):
            stage.use_custody(self.custody)
        self.courts.connect_custody(self.custody)

        n_days = math.floor(scenario.total_days) + 1
        self.backlog = np.zeros((n_days, len(Stage) + 1), dtype=np.int64)  # + advice reports in progress

    # ------------------------------------------------------------------ running

    def release(self) -> None:
        """Break the model's reference cycles (stages and stations hold the context, the context the schedule, the
        schedule's events callbacks into the stages), so reference counting frees the model as soon as the result
        is taken. Otherwise, with the cyclic collector paused during runs, each finished model would linger until a
        full collection: about 4 MB per replication of a small scenario, found as memory creeping per replication.
        The model cannot run again afterwards."""
        self.env._queue.clear()  # the pending events (SimPy keeps them in this list; there is no public way)
        calendar(self.env).pending.clear()  # and those not yet moved onto it (sim.events.Calendar)
        stations = list(self.all_stations())
        for obj in (*stations, *self._stages(), self.ctx, self):
            vars(obj).clear()

    def _arrive_next(self, i: int) -> None:
        t = self.arrivals.time.item
        env = self.env
        n = self.n_intake
        register = self.police.register
        # register every case due now, then wait for the next one
        while i < n and t(i) <= env.now:
            register(i)
            i += 1
        if i < n:
            self.ctx.after(t(i) - env.now, self._arrive_next, i)

    def _sample_backlog(self):
        c = self.cases
        n_stages = len(Stage)
        day = 0
        while True:
            c.count_due(day)
            self.backlog[day, :n_stages] = c.in_stage
            self.backlog[day, n_stages] = self.advice.in_progress()
            day += 1
            if day >= len(self.backlog):
                return
            yield self.env.timeout(1.0)

    def _warmup(self):
        yield self.env.timeout(self.scenario.warmup_days)
        for st in self.all_stations():
            st.reset_stats()

    def _stages(self) -> tuple:
        return (self.police, self.om, self.advice, self.courts, self.appeal, self.execution, self.custody)

    def all_stations(self) -> Iterator[Station]:
        yield from self.police.stations()
        yield from self.om.stations()
        yield from self.advice.stations()
        yield from self.execution.stations()
        yield from self.custody.stations()
        yield from self.appeal.stations()

    def run(self) -> ReplicationResult:
        started = _time.perf_counter()
        env = self.env
        if self.n > self.n_intake:
            standing_mod.start(self, self.n_intake)
        if self.n_intake:
            call_later(env, self.arrivals.time.item(0), self._arrive_next, 0)
        env.process(self._sample_backlog())
        if self.scenario.warmup_days > 0:
            env.process(self._warmup())
        end = self.scenario.total_days
        # station statistics cover the intake window after the warm-up (as the key figures' cohort does): taken at
        # the end of the horizon, before the run-out without intake dilutes them
        stations: list[dict] = []
        horizon = self.scenario.horizon_days
        self.env.timeout(horizon).callbacks.append(
            lambda _: stations.extend(station_row(st, env.now) for st in self.all_stations())
        )
        # The cyclic garbage collector would spend about half the run scanning the millions of small, acyclic
        # event objects a national run creates; nothing here relies on it, so it is paused while SimPy runs.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        until = end + 1e-9
        try:
            env.run(until=until)
        finally:
            # the events still pending are never run: dropped before the collector is back, its first pass has
            # far fewer objects to scan (0.35 s against 0.06 s for a national year, as issue 16 measured it)
            pending = calendar(env).pending
            self.schedule_at_end = (len(env._queue), sum(len(b) for b in pending.values()))  # for the benchmark
            env._queue.clear()
            calendar(env).pending.clear()
            if gc_was_enabled:
                gc.enable()
        self.om.settle(until)  # the steps worked out ahead, as far as the run got
        self.execution.settle(until)
        self.cases.settle(until)
        self.cases.close_open_stages(env.now)
        if not stations:  # a run that ended before its horizon
            stations = [station_row(st, env.now) for st in self.all_stations()]
        by_region = self.cases.stage_counts(self.cases.region, len(self.scenario.regions), self.backlog.shape[0])
        return ReplicationResult(
            replication=self.replication,
            seed=self.seed,
            columns=self.cases.columns(),
            backlog=self.backlog,
            sessions=self.courts.session_table(),
            hearings=self.courts.hearing_table(),
            stations=stations,
            diverted=self.arrivals.diverted,
            wall_seconds=_time.perf_counter() - started,
            backlog_by_region=by_region,
        )


def station_row(st: Station, now: float) -> dict:
    """One station's statistics from the warm-up to the end of the horizon (the intake window of the key figures): what stations.csv holds and the capacity key figures are read
    from. The station kind (`group`) and region come from its name ("kind:region", or "kind" for a national pool);
    capacity is in its planning unit (fte for staffed stations, otherwise servers such as cells)."""
    kind, _, region = st.name.partition(":")
    if kind == "advice":  # "advice:<kind>" is a national pool of report writers
        kind, region = st.name, ""
    span_weeks = max(now - st.stats_start, 0.0) / 7.0
    return dict(
        station=st.name,
        group=kind,
        region=region or "national",
        unit=st.unit,
        arrivals=st.arrivals,
        started=st.n_started,
        waiting_end=st.waiting,
        mean_wait_days=(st.wait_total / st.n_started) if st.n_started else float("nan"),
        mean_service_days=(st.service_total / st.n_started) if st.n_started else float("nan"),
        busy_servers_mean=st.mean_busy(),
        capacity_end=st.capacity,
        capacity_mean=st.mean_planned(),
        hours_per_fte_per_week=st.hours_per_fte_per_week,
        work_hours_per_week=(st.service_total / st.days_per_work_hour / span_weeks) if span_weeks > 0 else math.nan,
        utilisation=st.utilisation(),
        mean_stock=st.mean_stock(),
    )


def run_replication(scenario: Scenario, replication: int, seed: int | None = None) -> ReplicationResult:
    model = Model(scenario, replication, seed)
    try:
        return model.run()
    finally:
        model.release()
