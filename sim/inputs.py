"""Scenario values made fast to use during a run: schedules in simulation days, share mixes, pre-drawn durations.

A scenario gives capacities and shares as `Schedule`s of dates; a stage looks them up in simulation days, millions of
times, so `DaySchedule` keeps a constant as a plain attribute. A decision mix (the OM's decision per stream, a
verdict mix) is a `ShareMix`: a uniform draw picks the code whose slice of [0, 1) holds it. Random inputs are drawn
per case before the run, each quantity from its own named stream (`CaseDraws`), so a case gets the same draws
whatever the order of events (common random numbers between scenarios); a repeated step (a second adjournment, a
second return) draws in event order from the quantity's own repeat stream.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .model import StageContext
    from .scenario import Scenario, Schedule


class DaySchedule:
    """A `Schedule` turned into simulation days, looked up fast (a constant is a plain attribute read)."""

    __slots__ = ("const", "times", "values")

    def __init__(self, schedule: Schedule, scenario: Scenario):
        self.times: list[float] | None
        self.values: list[float] | None
        if schedule.constant:
            self.const: float | None = schedule.first
            self.times = self.values = None
        else:
            self.const = None
            self.times = [scenario.day_of(d) for d, _ in schedule.points]
            self.values = [v for _, v in schedule.points]

    def at(self, t: float) -> float:
        """The value in force at simulation day `t`."""
        if self.const is not None:
            return self.const
        assert self.times is not None and self.values is not None
        i = bisect_right(self.times, t) - 1
        return self.values[max(i, 0)]

    def breakpoints(self) -> list[tuple[float, float]]:
        """(from-day, value) pairs from day 0 on, for stations."""
        if self.const is not None:
            return [(0.0, self.const)]
        assert self.times is not None and self.values is not None
        out = [(0.0, self.at(0.0))]
        for t, v in zip(self.times, self.values):
            if t > 0:
                out.append((t, v))
        return out


class ShareMix:
    """A mix of shares (each a `DaySchedule`) over codes: `pick(u, t)` gives the code whose slice of [0, 1) holds the
    uniform draw `u` at day `t`, or `default` if the shares in force leave it uncovered. Constant mixes keep their
    cumulative thresholds, so a pick is a short loop without lookups."""

    __slots__ = ("codes", "schedules", "thresholds", "default")

    def __init__(self, pairs: Sequence[tuple[int, DaySchedule]], default: int):
        self.codes = [int(code) for code, _ in pairs]  # plain ints: codes are stored in numpy arrays
        self.schedules = [ts for _, ts in pairs]
        self.default = int(default)
        self.thresholds: list[float] | None
        if all(ts.const is not None for ts in self.schedules):
            acc, self.thresholds = 0.0, []
            for ts in self.schedules:
                assert ts.const is not None
                acc += ts.const
                self.thresholds.append(acc)
        else:
            self.thresholds = None

    def pick(self, u: float, t: float) -> int:
        thresholds = self.thresholds
        if thresholds is None:
            acc, thresholds = 0.0, []
            for ts in self.schedules:
                acc += ts.at(t)
                thresholds.append(acc)
        for code, th in zip(self.codes, thresholds):
            if u < th:
                return code
        return self.default


class CaseDurations:
    """One duration per case, pre-drawn (float32: half the memory, ample precision for days). `get(cid)` gives case
    `cid`'s value times the scale in force now; `again(cid)` draws a fresh value (for a repeated step) from the
    quantity's own repeat stream. Without a scale schedule `get` is the array's own `item`, the fastest lookup."""

    __slots__ = ("values", "scales", "dists", "region", "stream", "env", "rng", "get")

    def __init__(self, values: np.ndarray, scales, dists, ctx: StageContext, rng: np.random.Generator):
        self.values = values
        self.scales = scales  # [region][stream] -> DaySchedule or None; None when no quantity is scaled
        self.dists = dists  # [region][stream] -> Distribution
        self.region = ctx.region_of
        self.stream = ctx.stream_of
        self.env = ctx.env
        self.rng = rng
        self.get: Callable[[int], float] = values.item if scales is None else self._scaled

    def _scaled(self, cid: int) -> float:
        return self._scale(cid, self.values.item(cid))

    def get_at(self, cid: int, t: float) -> float:
        """Case `cid`'s value times the scale in force at day `t`: what `get` will give at `t` (for steps worked
        out ahead, sim/execution.py)."""
        return self._scale(cid, self.values.item(cid), t)

    def _scale(self, cid: int, d: float, t: float | None = None) -> float:
        if self.scales is None:
            return d
        sc = self.scales[self.region[cid]][self.stream[cid]]
        return d * sc.at(self.env.now if t is None else t) if sc is not None else d

    def again(self, cid: int) -> float:
        return self._scale(cid, float(self.dists[self.region[cid]][self.stream[cid]].sample(self.rng, 1)[0]))


class CaseDraws:
    """Pre-drawn random inputs, one value per case, each quantity from its own named stream (float32)."""

    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        self.n = ctx.n
        # the cases of each (region, case stream) group, found once for all quantities
        self.groups = [
            [
                np.nonzero((ctx.arr_region == region) & (ctx.arr_stream == stream))[0]
                for stream in range(len(ctx.stream_names))
            ]
            for region in range(len(ctx.region_names))
        ]

    def uniform(self, name: str) -> np.ndarray:
        return self.ctx.streams(f"u:{name}").random(self.n, dtype=np.float32)

    def duration(self, name: str, spec_of: Callable[[Any, str], Any]) -> CaseDurations:
        """Durations for every case from `spec_of(chain, stream_name)`, drawn per (region, case stream) group, each
        multiplied when used by its spec's `scale` schedule in force at that moment."""
        ctx = self.ctx
        values = np.zeros(self.n, dtype=np.float32)
        scales: list[list[DaySchedule | None]] | None = []
        dists = []
        assert scales is not None
        for r, rname in enumerate(ctx.region_names):
            chain = ctx.chains[r]
            specs = [spec_of(chain, sname) for sname in ctx.stream_names]
            dists.append([spec.build() for spec in specs])
            for s, sname in enumerate(ctx.stream_names):
                idx = self.groups[r][s]
                if idx.size:
                    rng = ctx.streams(f"d:{name}:{rname}:{sname}")
                    values[idx] = dists[r][s].sample(rng, idx.size)
            scales.append(
                [
                    None if (sp.scale.constant and sp.scale.first == 1.0) else DaySchedule(sp.scale, ctx.scenario)
                    for sp in specs
                ]
            )
        if all(x is None for row in scales for x in row):
            scales = None  # the common case: no lookup per call
        return CaseDurations(values, scales, dists, ctx, ctx.streams(f"d:{name}:repeat"))


def share_mix(
    schedules: Callable[[Schedule], DaySchedule],
    shares: Mapping[str, Schedule],
    code_of: Callable[[str], int],
    default: int,
) -> ShareMix:
    """A `ShareMix` from a scenario's {name: schedule} shares; `code_of` turns a name into its code."""
    return ShareMix([(code_of(k), schedules(v)) for k, v in shares.items()], default)
