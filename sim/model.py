"""One replication of the chain: a SimPy environment, the stages wired in chain order, and what it recorded.

The wiring is police → prosecution (ZSM desk or regular OM) → courts (with advice reports) → appeal → execution.
Each stage is a class in its own module that holds its runtime state (stations, queues, calendars) and hands a case
on by calling the next stage. Cases are integers (rows of the `CaseTable`); the stages move them with SimPy events
and callbacks, so a case costs an event only when it really waits for something.

Random inputs are pre-drawn per case from named streams (`PerCase`), so a case gets the same draws whatever the
order of events; repeated events (a second adjournment, a second return) draw in event order from their own stream.
"""

from __future__ import annotations

import gc
import math
import time as _time
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np
import simpy

from . import intake as intake_mod
from .events import call_later, scheduler
from .records import STAGES, CaseTable
from .scenario import Scenario, Schedule
from .streams import Streams


class TimeSched:
    """A `Schedule` turned into simulation days, looked up fast (a constant is a plain attribute read)."""

    __slots__ = ("const", "times", "values")

    def __init__(self, schedule: Schedule, scenario: Scenario):
        if schedule.constant:
            self.const = schedule.first
            self.times = self.values = None
        else:
            self.const = None
            self.times = [scenario.day_of(d) for d, _ in schedule.points]
            self.values = [v for _, v in schedule.points]

    def at(self, t: float) -> float:
        if self.const is not None:
            return self.const
        i = bisect_right(self.times, t) - 1
        return self.values[max(i, 0)]

    def breakpoints(self) -> list[tuple[float, float]]:
        """(from-time, value) pairs from time 0 on, for stations."""
        if self.const is not None:
            return [(0.0, self.const)]
        out = [(0.0, self.at(0.0))]
        for t, v in zip(self.times, self.values):
            if t > 0:
                out.append((t, v))
        return out


class Mix:
    """A mix of shares (each a schedule) over codes: `pick(u, t)` gives the code whose slice of [0, 1) holds the
    uniform draw `u` at time `t`, or `default` if the shares in force leave it uncovered. Constant mixes keep their
    cumulative thresholds, so a pick is a short loop without lookups."""

    __slots__ = ("codes", "scheds", "thresholds", "default")

    def __init__(self, pairs: list[tuple[int, TimeSched]], default: int):
        self.codes = [code for code, _ in pairs]
        self.scheds = [ts for _, ts in pairs]
        self.default = default
        if all(ts.const is not None for ts in self.scheds):
            acc, self.thresholds = 0.0, []
            for ts in self.scheds:
                acc += ts.const
                self.thresholds.append(acc)
        else:
            self.thresholds = None

    def pick(self, u: float, t: float) -> int:
        thresholds = self.thresholds
        if thresholds is None:
            acc, thresholds = 0.0, []
            for ts in self.scheds:
                acc += ts.at(t)
                thresholds.append(acc)
        for code, th in zip(self.codes, thresholds):
            if u < th:
                return code
        return self.default


class Drawn:
    """One duration per case, pre-drawn (float32: half the memory, ample precision for days). `get(cid)` gives case
    `cid`'s value times the scale in force now; `again(cid)` draws a fresh value (for a repeated step) from the
    quantity's own repeat stream. Without a scale schedule `get` is the array's own `item`, the fastest lookup."""

    __slots__ = ("values", "scales", "dists", "region", "stream", "env", "rng", "get")

    def __init__(self, values, scales, dists, model, rng):
        self.values = values
        self.scales = scales  # [region][stream] -> TimeSched or None; None when no quantity is scaled
        self.dists = dists  # [region][stream] -> Distribution
        self.region = model.region_of
        self.stream = model.stream_of
        self.env = model.env
        self.rng = rng
        self.get = values.item if scales is None else self._scaled

    def _scaled(self, cid: int) -> float:
        return self._scale(cid, self.values.item(cid))

    def _scale(self, cid: int, d: float) -> float:
        if self.scales is None:
            return d
        sc = self.scales[self.region[cid]][self.stream[cid]]
        return d * sc.at(self.env.now) if sc is not None else d

    def again(self, cid: int) -> float:
        return self._scale(cid, float(self.dists[self.region[cid]][self.stream[cid]].sample(self.rng, 1)[0]))


class PerCase:
    """Pre-drawn random inputs, one value per case, each quantity from its own named stream (float32)."""

    def __init__(self, model: "Model"):
        self.m = model
        self.n = model.n
        # the cases of each (region, stream) group, found once for all quantities
        self.groups = [
            [np.nonzero((model.arr_region == r) & (model.arr_stream == s))[0] for s in range(len(model.stream_names))]
            for r in range(len(model.region_names))
        ]

    def uniform(self, name: str) -> np.ndarray:
        return self.m.streams(f"u:{name}").random(self.n, dtype=np.float32)

    def duration(self, name: str, spec_of) -> Drawn:
        """Durations for every case from `spec_of(chain, stream_name)`, drawn per (region, stream) group, each
        multiplied when used by its spec's `scale` schedule in force at that moment."""
        m = self.m
        values = np.zeros(self.n, dtype=np.float32)
        scales: list[list[TimeSched | None]] = []
        dists = []
        for r, rname in enumerate(m.region_names):
            chain = m.chains[r]
            specs = [spec_of(chain, sname) for sname in m.stream_names]
            dists.append([spec.build() for spec in specs])
            for s, sname in enumerate(m.stream_names):
                idx = self.groups[r][s]
                if idx.size:
                    rng = m.streams(f"d:{name}:{rname}:{sname}")
                    values[idx] = dists[r][s].sample(rng, idx.size)
            scales.append(
                [None if (sp.scale.constant and sp.scale.first == 1.0) else TimeSched(sp.scale, m.scenario)
                 for sp in specs]
            )
        if all(x is None for row in scales for x in row):
            scales = None  # the common case: no lookup per call
        return Drawn(values, scales, dists, m, m.streams(f"d:{name}:repeat"))


@dataclass
class ReplicationResult:
    replication: int
    seed: int
    columns: dict[str, np.ndarray]
    backlog: np.ndarray  # [day, stage] cases in stage at the start of each day
    sessions: dict[str, np.ndarray]  # one row per court session
    hearings: dict[str, np.ndarray]  # one row per hearing held
    stations: list[dict]  # one row per station
    diverted: np.ndarray  # [day, region, stream, (offences, no_suspect, screened_out)]
    wall_seconds: float


class Model:
    def __init__(self, scenario: Scenario, replication: int = 0, seed: int | None = None):
        from .advice import Advice
        from .appeal import Appeal
        from .courts import Courts
        from .execution import Execution
        from .police import Police
        from .prosecution import Prosecution

        self.scenario = scenario
        self.replication = replication
        self.seed = scenario.seed if seed is None else seed
        self.streams = Streams(self.seed, replication)
        self.env = simpy.Environment()
        self.after = scheduler(self.env)  # after(delay, fn, cid): call fn(cid) in `delay` days
        self.region_names = list(scenario.regions)
        self.stream_names = list(scenario.intake.streams)
        self.chains = [scenario.chain(r) for r in self.region_names]
        self.weekday0 = scenario.start_date.weekday()

        arrivals = intake_mod.generate(scenario, self.streams)
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
        self.draw = PerCase(self)
        c.arrested[:] = self.draw.uniform("arrested") < self._share_at_arrival("arrested_share")
        self.arrested_of = c.arrested.tolist()  # read on every step of an arrested case: a list is faster
        c.youth[:] = self.draw.uniform("youth") < self._share_at_arrival("youth_share")

        self._sched_cache: dict[int, TimeSched] = {}
        # stages, in chain order
        self.police = Police(self)
        self.om = Prosecution(self)
        self.advice = Advice(self)
        self.courts = Courts(self)
        self.appeal = Appeal(self)
        self.execution = Execution(self)

        n_days = math.floor(scenario.total_days) + 1
        self.backlog = np.zeros((n_days, len(STAGES) + 1), dtype=np.int64)  # + advice reports in progress

    def _share_at_arrival(self, field: str) -> np.ndarray:
        """Each case's stream share `field` (a schedule) at its registration time."""
        p = np.zeros(self.n)
        for j, st in enumerate(self.scenario.intake.streams.values()):
            sel = self.arr_stream == j
            ts = TimeSched(getattr(st, field), self.scenario)
            p[sel] = ts.const if ts.const is not None else [ts.at(t) for t in self.arrivals.time[sel]]
        return p

    # ------------------------------------------------------------------ helpers for stages

    def sched(self, schedule: Schedule) -> TimeSched:
        key = id(schedule)
        ts = self._sched_cache.get(key)
        if ts is None:
            ts = self._sched_cache[key] = TimeSched(schedule, self.scenario)
        return ts

    def mix(self, shares: dict, codes: dict[str, int], default: int) -> Mix:
        """A `Mix` from a scenario's {name: schedule} shares."""
        return Mix([(codes[k], self.sched(v)) for k, v in shares.items()], default)


    # ------------------------------------------------------------------ running

    def _arrive_next(self, i: int) -> None:
        t = self.arrivals.time.item
        env = self.env
        n = self.n
        # register every case due now, then wait for the next one
        while i < n and t(i) <= env.now:
            self.police.register(i)
            i += 1
        if i < n:
            self.after(t(i) - env.now, self._arrive_next, i)

    def _sample_backlog(self):
        c = self.cases
        day = 0
        while True:
            self.backlog[day, : len(STAGES)] = c.in_stage
            self.backlog[day, len(STAGES)] = self.advice.in_progress()
            day += 1
            if day >= len(self.backlog):
                return
            yield self.env.timeout(1.0)

    def _warmup(self):
        yield self.env.timeout(self.scenario.warmup_days)
        for st in self.all_stations():
            st.reset_stats()

    def all_stations(self):
        yield from self.police.stations()
        yield from self.om.stations()
        yield from self.advice.stations()
        yield from self.execution.stations()

    def run(self) -> ReplicationResult:
        started = _time.perf_counter()
        env = self.env
        if self.n:
            call_later(env, self.arrivals.time.item(0), self._arrive_next, 0)
        env.process(self._sample_backlog())
        if self.scenario.warmup_days > 0:
            env.process(self._warmup())
        end = self.scenario.total_days
        # The cyclic garbage collector would spend about half the run scanning the millions of small, acyclic
        # event objects a national run creates; nothing here relies on it, so it is paused while SimPy runs.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            env.run(until=end + 1e-9)
        finally:
            if gc_was_enabled:
                gc.enable()
        self.cases.close_open_stages(env.now)
        stations = [
            dict(
                station=st.name,
                arrivals=st.arrivals,
                started=st.n_started,
                waiting_end=st.waiting,
                mean_wait_days=(st.wait_total / st.n_started) if st.n_started else float("nan"),
                mean_service_days=(st.service_total / st.n_started) if st.n_started else float("nan"),
                busy_servers_mean=st.mean_busy(),
                capacity_end=st.capacity,
            )
            for st in self.all_stations()
        ]
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
        )


def run_replication(scenario: Scenario, replication: int, seed: int | None = None) -> ReplicationResult:
    return Model(scenario, replication, seed).run()
