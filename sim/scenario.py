"""Scenario files: TOML in, one immutable, validated `Scenario` out.

A scenario is data. It is read with `tomllib`, merged with the parent it `extends` (deep merge: a variant states
only what changes), and validated once with pydantic. Every problem is reported with the file, the key path and the
reason, all problems at once, as a `ScenarioError`; the CLI prints them and exits 2.

Two value shapes recur:

* a **schedule**: a plain number, or a list of ``[date, value]`` pairs, e.g. ``[[2019-01-01, 60], [2021-03-01, 75]]``;
  the value in force on a day is that of the last pair dated on or before it (before the first date, the first
  value). Every capacity and every share may be a schedule, so phased roll-outs and capacity drops are scenarios.
* a **duration**: a number (fixed, in days) or a table ``{ dist = "lognormal", mean = 12, cv = 0.8 }``; see
  `DurationSpec`. A duration may carry ``scale``, a schedule that multiplies it (a lever "reports 30% faster from
  March 2021" is ``scale = [[2019-01-01, 1.0], [2021-03-01, 0.7]]``).

Arrondissementen: ``[regions.<name>] share = …`` splits intake. National capacities (detectives, ZSM and OM staff,
court sessions) are split over regions by share; ``[regions.<name>.override]`` may replace any police, OM, advice,
court or execution parameter for one region, and a capacity given there is that region's own number.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from . import dists
from .domain import FAST_TRACK_ROUTES, CourtQueue, Route, Verdict, keys
from .rollout import RolloutError, diff, phase, resolve_before_path

# --------------------------------------------------------------------------------------------------- errors


@dataclass
class Problem:
    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}" if self.key else f"{self.file}: {self.reason}"


class ScenarioError(Exception):
    """A scenario file could not be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --------------------------------------------------------------------------------------------------- schedules

# the names scenario files use for routes, court queues and verdicts (the vocabulary itself is `sim.domain`)
ROUTES = keys(Route)
FAST_TRACK = tuple(r.key for r in FAST_TRACK_ROUTES)
COURT_QUEUES = keys(CourtQueue)
VERDICTS = keys(Verdict)


@dataclass(frozen=True)
class Schedule:
    """A value that changes on given dates: ``points`` are (from-date, value), sorted, the first one in force before
    its date too. A constant is a schedule with one point dated `date.min`."""

    points: tuple[tuple[dt.date, float], ...]

    @property
    def constant(self) -> bool:
        return len(self.points) == 1

    @property
    def first(self) -> float:
        return self.points[0][1]

    def values(self) -> list[float]:
        return [v for _, v in self.points]

    def at_date(self, day: dt.date) -> float:
        value = self.points[0][1]
        for d, v in self.points:
            if d <= day:
                value = v
        return value

    def map(self, fn) -> "Schedule":
        return Schedule(tuple((d, fn(v)) for d, v in self.points))

    def to_plain(self):
        if self.constant:
            return self.first
        return [[d, v] for d, v in self.points]


def _to_schedule(value: Any) -> Schedule:
    if isinstance(value, Schedule):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a number or a list of [date, value] pairs, got a boolean")
    if isinstance(value, (int, float)):
        return Schedule(((dt.date.min, float(value)),))
    if isinstance(value, list) and value:
        points = []
        for i, pair in enumerate(value):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ValueError(f"schedule item {i} must be a [date, value] pair, got {pair!r}")
            d, v = pair
            if isinstance(d, dt.datetime):
                d = d.date()
            if isinstance(d, str):
                try:
                    d = dt.date.fromisoformat(d)
                except ValueError:
                    raise ValueError(f"schedule item {i}: {d!r} is not a date (YYYY-MM-DD)") from None
            if not isinstance(d, dt.date):
                raise ValueError(f"schedule item {i}: first element must be a date, got {d!r}")
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"schedule item {i}: value must be a number, got {v!r}")
            points.append((d, float(v)))
        dates = [d for d, _ in points]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError("schedule dates must be strictly increasing")
        return Schedule(tuple(points))
    raise ValueError(f"expected a number or a non-empty list of [date, value] pairs, got {value!r}")


def _schedule_type(lo: float | None = None, hi: float | None = None, what: str = "value", allow_inf=False):
    def check(value: Any) -> Schedule:
        s = _to_schedule(value)
        for v in s.values():
            if math.isnan(v) or (math.isinf(v) and not allow_inf):
                raise ValueError(f"{what} must be finite, got {v}")
            if lo is not None and v < lo:
                raise ValueError(f"{what} must be >= {lo}, got {v:g}")
            if hi is not None and v > hi:
                raise ValueError(f"{what} must be <= {hi}, got {v:g}")
        return s

    return Annotated[Schedule, BeforeValidator(check), PlainSerializer(lambda s: s.to_plain())]


ShareSched = _schedule_type(0.0, 1.0, "a share")
CapacitySched = _schedule_type(0.0, None, "a capacity", allow_inf=True)  # inf = unlimited
ScaleSched = _schedule_type(0.0, None, "a scale factor")
SlotsSched = _schedule_type(1.0, None, "slots per session")
SessionsSched = _schedule_type(0.0, None, "sessions per week")  # finite: a calendar has countable sessions

PosFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1)]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


# --------------------------------------------------------------------------------------------------- durations


class _DurationBase(Base):
    scale: ScaleSched = 1.0  # type: ignore[assignment]


class FixedSpec(_DurationBase):
    dist: Literal["fixed"]
    value: NonNegFloat

    def build(self) -> dists.Distribution:
        return dists.Fixed(self.value)


class ExponentialSpec(_DurationBase):
    dist: Literal["exponential"]
    mean: NonNegFloat

    def build(self):
        return dists.Exponential(self.mean)


class LognormalSpec(_DurationBase):
    dist: Literal["lognormal"]
    mean: NonNegFloat
    cv: PosFloat

    def build(self):
        return dists.Lognormal(self.mean, self.cv)


class GammaSpec(_DurationBase):
    dist: Literal["gamma"]
    mean: NonNegFloat
    cv: PosFloat

    def build(self):
        return dists.Gamma(self.mean, self.cv)


class UniformSpec(_DurationBase):
    dist: Literal["uniform"]
    low: NonNegFloat
    high: NonNegFloat

    @model_validator(mode="after")
    def _order(self):
        if self.high < self.low:
            raise ValueError("high must be >= low")
        return self

    def build(self):
        return dists.Uniform(self.low, self.high)


class EmpiricalSpec(_DurationBase):
    dist: Literal["empirical"]
    values: list[NonNegFloat] = Field(min_length=1)
    weights: list[NonNegFloat] | None = None

    @model_validator(mode="after")
    def _weights(self):
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must have as many entries as values")
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self

    def build(self):
        w = self.weights or [1.0] * len(self.values)
        total = sum(w)
        return dists.Empirical(tuple(self.values), tuple(x / total for x in w))


def _plain_number_is_fixed(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


DurationSpec = Annotated[
    Union[FixedSpec, ExponentialSpec, LognormalSpec, GammaSpec, UniformSpec, EmpiricalSpec],
    Field(discriminator="dist"),
    BeforeValidator(_plain_number_is_fixed),
]


# --------------------------------------------------------------------------------------------------- mixes


def _check_mix(mix: dict[str, Schedule], allowed: tuple[str, ...], what: str) -> dict[str, Schedule]:
    unknown = sorted(set(mix) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; allowed: {list(allowed)}")
    dates = sorted({d for s in mix.values() for d, _ in s.points})
    for d in dates:
        total = sum(s.at_date(d) for s in mix.values())
        if abs(total - 1.0) > 1e-6:
            when = "" if d == dt.date.min else f" from {d.isoformat()}"
            raise ValueError(f"shares must sum to 1, they sum to {total:.6g}{when}")
    return mix


class DecisionMix(Base):
    """OM decision shares for one stream: at the ZSM desk for arrested suspects (the only ones who can be tried
    while detained), at the ZSM desk for other suspects, and in regular OM handling. Where a mix for suspects who
    are not held names a detained route, those cases get snelrecht for suspects who are not detained."""

    zsm_arrested: dict[str, ShareSched]
    zsm: dict[str, ShareSched]
    regular: dict[str, ShareSched]

    @field_validator("zsm_arrested", "zsm", "regular")
    @classmethod
    def _sums(cls, v):
        return _check_mix(v, ROUTES, "routes")


# --------------------------------------------------------------------------------------------------- sections


class Legal(Base):
    """Legal time limits (DOMAIN.md §3). Windows are hard: a fast-track case is never heard after its window."""

    ophouden_hours: PosFloat = 9.0  # art. 56a Sv
    inverzekeringstelling_days: PosFloat = 3.0  # art. 58 Sv
    supersnelrecht_window_days: PosFloat = 3.0  # from arrest
    snelrecht_detained_window_days: PosFloat = 17.0  # 3 days inverzekeringstelling + 14 bewaring (art. 64 Sv)
    snelrecht_not_detained_window_days: PosFloat = 28.0  # 2-4 weeks from the summons
    snelrecht_not_detained_min_days: NonNegFloat = 14.0  # earliest hearing after the summons
    summons_term_days: NonNegFloat = 10.0  # art. 265 Sv


class StreamSpec(Base):
    volume: Any  # offences registered per year: a number, or {"2019" = n, ...}; checked in _volume
    known_suspect_share: ShareSched
    screened_out_share: ShareSched = 0.0  # selectiviteitskader: known suspect, but not sent into the chain
    arrested_share: ShareSched  # of the cases that enter the chain
    youth_share: ShareSched = 0.0

    @field_validator("volume")
    @classmethod
    def _volume(cls, v):
        if isinstance(v, bool):
            raise ValueError("volume must be a number of offences per year or a table of year = number")
        if isinstance(v, (int, float)):
            if v < 0:
                raise ValueError("volume must be >= 0")
            return float(v)
        if isinstance(v, dict) and "forecast" in v:
            return dict(v)  # a forecast spec: checked and evaluated once the scenario is complete (`_forecasts`)
        if isinstance(v, dict) and v:
            out = {}
            for year, n in v.items():
                try:
                    y = int(year)
                except ValueError:
                    raise ValueError(f"volume key {year!r} is not a year") from None
                if isinstance(n, bool) or not isinstance(n, (int, float)) or n < 0:
                    raise ValueError(f"volume for {year} must be a number >= 0")
                out[str(y)] = float(n)
            return dict(sorted(out.items()))
        raise ValueError("volume must be a number of offences per year or a table of year = number")

    @property
    def forecast(self) -> dict | None:
        """The forecast spec, if this stream's volume comes from a forecast (see sim/forecast/intake.py)."""
        return self.volume if isinstance(self.volume, dict) and "forecast" in self.volume else None

    def volume_in(self, year: int) -> float:
        if self.forecast is not None:
            raise ValueError("a forecast volume depends on the replication: use Scenario.volume(stream, year, rep)")
        if isinstance(self.volume, float):
            return self.volume
        years = sorted(int(y) for y in self.volume)
        use = years[0]
        for y in years:
            if y <= year:
                use = y
        return self.volume[str(use)]


class Intake(Base):
    """Offences per case stream, spread over the week by `weekday_pattern` (Monday first)."""

    weekday_pattern: list[PosFloat] = Field(default=[1.0] * 7, min_length=7, max_length=7)
    streams: dict[str, StreamSpec] = Field(min_length=1)


class RegionSpec(Base):
    share: Share
    capacity_share: Share | None = None  # share of national capacity; defaults to `share`
    override: dict[str, Any] = Field(default_factory=dict)


class Police(Base):
    detectives: CapacitySched  # concurrent investigations (national; split over regions)
    investigation: DurationSpec  # detective work per case without arrest
    file_completion: DurationSpec  # finishing the PV and case file, after the investigation
    arrest_processing: DurationSpec  # arrest to PV at the ZSM desk (inside ophouden)


class Desk(Base):
    staff: CapacitySched  # cases handled at once (national; split over regions)
    handling: DurationSpec  # work per case
    return_share: ShareSched = 0.0  # returned to police for more investigation
    open_hour: Annotated[float, Field(ge=0, le=24)] = 0.0
    close_hour: Annotated[float, Field(ge=0, le=24)] = 24.0
    open_weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default=[0, 1, 2, 3, 4, 5, 6], min_length=1)

    @model_validator(mode="after")
    def _hours(self):
        if self.close_hour <= self.open_hour:
            raise ValueError("close_hour must be after open_hour")
        return self


class Strafbeschikking(Base):
    fine_share: ShareSched  # rest is taakstraf
    verzet_share: ShareSched = 0.0
    verzet_delay: DurationSpec = 14.0  # decision to verzet reaching the court


class Prosecution(Base):
    zsm: Desk
    regular: Desk
    zsm_share_not_arrested: dict[str, ShareSched]  # per stream; arrested suspects always go to ZSM
    info_wait: DurationSpec  # ZSM: waiting for information before deciding a case without a held suspect
    rework: DurationSpec  # police rework of a returned case
    decision_mix: dict[str, DecisionMix]  # per stream
    strafbeschikking: Strafbeschikking
    # verzet cases are heard by a route whose window does not run from an arrest long past
    verzet_queue: Literal["snelrecht_not_detained", "regular_pr", "regular_mk"] = "regular_pr"
    fallback: dict[str, Literal["snelrecht_detained", "snelrecht_not_detained", "regular"]] = Field(
        default_factory=lambda: {
            "supersnelrecht": "snelrecht_detained",
            "snelrecht_detained": "regular",
            "snelrecht_not_detained": "regular",
        }
    )

    @field_validator("fallback")
    @classmethod
    def _fallback(cls, v):
        if set(v) != set(FAST_TRACK):
            raise ValueError(f"fallback must name a slower route for each of {list(FAST_TRACK)}")
        order = {"supersnelrecht": 0, "snelrecht_detained": 1, "snelrecht_not_detained": 2, "regular": 3}
        for a, b in v.items():
            if order[b] <= order[a]:
                raise ValueError(f"fallback of {a} must be a slower route, got {b}")
        return v


class AdviceKind(Base):
    applies_to: Literal["adult", "youth", "all"] = "all"
    share: dict[str, ShareSched]  # per stream: share of court cases needing this report
    capacity: CapacitySched  # reports in progress at once (national)
    duration: DurationSpec
    routes: list[Literal["supersnelrecht", "snelrecht_detained", "snelrecht_not_detained", "regular"]] = Field(
        default=["snelrecht_detained", "snelrecht_not_detained", "regular"]
    )  # court routes whose cases may need this report


class SessionType(Base):
    per_week: SessionsSched  # sessions per week (national; split over regions)
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default=[0, 1, 2, 3, 4], min_length=1)
    slots: SlotsSched  # cases per session (rounded to whole slots)
    officier_share: ShareSched = 1.0  # share of sessions with an officier available; others are cancelled
    serves: list[Literal[COURT_QUEUES]] = Field(min_length=1)  # type: ignore[valid-type]
    fill_from_backlog: bool = False  # fill empty slots from the regular backlog
    fill_lead_days: NonNegFloat = 10.0  # how many days before the session regular cases are put on it


class Courts(Base):
    sessions: dict[str, SessionType] = Field(min_length=1)
    mk_share: dict[str, ShareSched]  # per stream: share of regular summons to the meervoudige kamer
    adjournment_share: ShareSched = 0.0  # per hearing: file incomplete, defence not ready
    adjournment_min_days: NonNegFloat = 1.0  # earliest next hearing after an adjournment
    preparation_days: NonNegFloat = 0.0  # decision to earliest fast-track hearing
    verdict_mix: dict[str, dict[str, ShareSched]]  # per route

    @field_validator("verdict_mix")
    @classmethod
    def _verdicts(cls, v):
        missing = [r for r in ROUTES[2:] if r not in v]
        if missing:
            raise ValueError(f"verdict_mix needs a mix for every court route; missing {missing}")
        extra = sorted(set(v) - set(ROUTES[2:]) - {"verzet"})
        if extra:
            raise ValueError(f"unknown routes {extra}")
        for route, mix in v.items():
            try:
                _check_mix(mix, VERDICTS, "verdicts")
            except ValueError as e:
                raise ValueError(f"{route}: {e}") from None
        return v


class Appeal(Base):
    share: dict[str, ShareSched]  # per verdict: share appealed
    duration: DurationSpec

    @field_validator("share")
    @classmethod
    def _verdicts(cls, v):
        extra = sorted(set(v) - set(VERDICTS))
        if extra:
            raise ValueError(f"unknown verdicts {extra}; allowed {list(VERDICTS)}")
        return v


class Fines(Base):
    paid_share: ShareSched
    plan_share: ShareSched  # rest is unpaid -> replacement detention
    pay_time: DurationSpec
    plan_time: DurationSpec
    replacement_detention: DurationSpec

    @model_validator(mode="after")
    def _at_most_one(self):
        dates = sorted({d for sch in (self.paid_share, self.plan_share) for d, _ in sch.points})
        for d in dates:
            total = self.paid_share.at_date(d) + self.plan_share.at_date(d)
            if total > 1.0 + 1e-9:
                when = "" if d == dt.date.min else f" from {d.isoformat()}"
                raise ValueError(f"paid_share + plan_share must be at most 1 (the rest is unpaid), got {total:.6g}{when}")
        return self


class Taakstraf(Base):
    capacity: CapacitySched  # reclassering: community-service orders supervised at once (national)
    intake: DurationSpec  # delivery to intake
    to_start: DurationSpec  # intake to start of work
    work: DurationSpec  # start to completion
    failure_share: ShareSched
    replacement_detention: DurationSpec


class Custodial(Base):
    cells: CapacitySched  # DJI cells available to this chain's convicts (national)
    length: dict[str, DurationSpec]  # per stream: days actually served
    zelfmelder_share: ShareSched  # of convicts not detained at verdict; rest are arrestanten
    callup: DurationSpec  # cell free to reporting
    no_show_share: ShareSched = 0.0  # zelfmelders who do not report -> arrestant
    # share of zelfmelders DJI calls up when a cell is free; 0 = call-up stopped (cell shortage, December 2023)
    callup_share: ShareSched = 1.0
    find_time: DurationSpec  # arrestant: time to be found


class Execution(Base):
    delivery: DurationSpec  # decision final to delivered at CJIB (aanlevering ter executie)
    delivery_return_share: ShareSched = 0.0
    delivery_rework: DurationSpec = 0.0
    fines: Fines
    taakstraf: Taakstraf
    custodial: Custodial


class Chain(Base):
    """The stage parameters for one region (national values with that region's overrides)."""

    police: Police
    om: Prosecution
    advice: dict[str, AdviceKind] = Field(default_factory=dict)
    courts: Courts
    appeal: Appeal
    execution: Execution


CHAIN_KEYS = tuple(Chain.model_fields)

# Capacities that are split over regions by capacity share: (section path, key).
REGIONAL_CAPACITIES = (("police",), "detectives"), (("om", "zsm"), "staff"), (("om", "regular"), "staff")


class Scenario(Base):
    name: str
    description: str = ""
    extends: str | None = None
    start_date: dt.date
    horizon_days: PosFloat
    warmup_days: NonNegFloat = 0.0
    runout_days: NonNegFloat = 0.0  # keep simulating without new intake so cases can finish
    seed: Annotated[int, Field(ge=0)] = 1
    replications: Annotated[int, Field(ge=1)] = 5
    legal: Legal = Legal()
    intake: Intake
    regions: dict[str, RegionSpec] = Field(default_factory=lambda: {"national": RegionSpec(share=1.0)})
    police: Police
    om: Prosecution
    advice: dict[str, AdviceKind] = Field(default_factory=dict)
    courts: Courts
    appeal: Appeal
    execution: Execution

    _chains: dict[str, Chain] = PrivateAttr(default_factory=dict)
    # streams whose volume is a forecast: (first year, point by year, sampled paths [path, year], info)
    _forecasts: dict[str, tuple] = PrivateAttr(default_factory=dict)

    @field_validator("start_date", mode="before")
    @classmethod
    def _date(cls, v):
        if isinstance(v, dt.datetime):
            return v.date()
        return v

    @field_validator("regions")
    @classmethod
    def _regions(cls, v):
        if not v:
            raise ValueError("at least one region is needed")
        total = sum(r.share for r in v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"region shares must sum to 1, they sum to {total:.6g}")
        caps = [r.capacity_share for r in v.values() if r.capacity_share is not None]
        if caps and len(caps) != len(v):
            raise ValueError("give capacity_share for every region or for none")
        if caps and abs(sum(caps) - 1.0) > 1e-6:
            raise ValueError(f"region capacity shares must sum to 1, they sum to {sum(caps):.6g}")
        for name, r in v.items():
            bad = sorted(set(r.override) - set(CHAIN_KEYS))
            if bad:
                raise ValueError(f"{name}.override: unknown sections {bad}; allowed {list(CHAIN_KEYS)}")
        return v

    @model_validator(mode="after")
    def _consistency(self):
        problems = chain_problems(self, set(self.intake.streams))
        for name, r in self.regions.items():
            problems += _override_problems(name, r.override, set(self.advice))
        if self.warmup_days >= self.horizon_days:
            problems.append("warmup_days: must be shorter than horizon_days")
        term = self.legal.summons_term_days
        for name, st in self.courts.sessions.items():
            if {"regular_pr", "regular_mk"} & set(st.serves) and st.fill_lead_days < term:
                problems.append(
                    f"courts.sessions.{name}.fill_lead_days: {st.fill_lead_days:g} days is shorter than the summons "
                    f"term ({term:g} days, art. 265 Sv) for the regular cases this session type serves"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # ------------------------------------------------------------------ derived views

    @property
    def total_days(self) -> float:
        return self.horizon_days + self.runout_days

    def day_of(self, date: dt.date) -> float:
        """Simulation time (days since start_date) of a calendar date; dates before the start give <= 0."""
        if date == dt.date.min:
            return -math.inf
        return float((date - self.start_date).days)

    def chain(self, region: str) -> Chain:
        return self._chains[region]

    def volume(self, stream: str, year: int, replication: int = 0) -> float:
        """Offences a year for `stream` in calendar `year`. A forecast volume gives replication r the r-th sampled
        intake path (cycling), so the replications together carry the forecast's uncertainty."""
        fc = self._forecasts.get(stream)
        if fc is None:
            return self.intake.streams[stream].volume_in(year)
        first, _, paths, _ = fc
        i = min(max(year - first, 0), paths.shape[1] - 1)
        return float(paths[replication % paths.shape[0], i])

    def forecast_info(self) -> dict:
        """What each forecast volume used (model, drivers and why, breaks, files), for provenance."""
        return {name: {"point": {str(y): v for y, v in fc[1].items()}, **fc[3]} for name, fc in self._forecasts.items()}

    def years(self) -> list[int]:
        """Calendar years the intake covers."""
        end = self.start_date + dt.timedelta(days=max(self.horizon_days - 1, 0))
        return list(range(self.start_date.year, end.year + 1))

    def resolved_dict(self) -> dict:
        """The fully resolved scenario (defaults filled, extends applied) as plain data, for `show` and provenance."""
        data = self.model_dump(mode="python", exclude={"extends"})
        return _plain(data)


def _plain(obj):
    if isinstance(obj, Schedule):
        return obj.to_plain()
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


# National capacities: one station for the whole country, so a region cannot set its own.
NATIONAL_ONLY = (
    ("execution", "taakstraf", "capacity"),
    ("execution", "custodial", "cells"),
    ("execution", "custodial", "callup_share"),
)


def chain_problems(chain, streams: set[str]) -> list[str]:
    """Cross-section checks that hold for the national chain and for every region's resolved chain: every
    per-stream table names exactly the intake streams, every court queue has a session type that serves it, and
    regular cases get at least the summons term (art. 265 Sv) before a session they are put on."""
    problems = []

    def need_streams(mapping: dict, where: str):
        missing = sorted(streams - set(mapping))
        extra = sorted(set(mapping) - streams)
        if missing:
            problems.append(f"{where}: missing streams {missing}")
        if extra:
            problems.append(f"{where}: unknown streams {extra} (intake has {sorted(streams)})")

    need_streams(chain.om.decision_mix, "om.decision_mix")
    need_streams(chain.om.zsm_share_not_arrested, "om.zsm_share_not_arrested")
    need_streams(chain.courts.mk_share, "courts.mk_share")
    need_streams(chain.execution.custodial.length, "execution.custodial.length")
    for name, kind in chain.advice.items():
        need_streams(kind.share, f"advice.{name}.share")
    served = {q for st in chain.courts.sessions.values() for q in st.serves}
    for q in COURT_QUEUES:
        if q not in served:
            problems.append(f"courts.sessions: no session type serves {q!r}")
    return problems


def _override_problems(region: str, override: dict, advice_kinds: set[str]) -> list[str]:
    problems = []
    where = f"regions.{region}.override"
    for path in NATIONAL_ONLY:
        node = override
        for p in path:
            node = node.get(p) if isinstance(node, dict) else None
        if node is not None:
            problems.append(f"{where}.{'.'.join(path)}: a national capacity; set it in [{'.'.join(path[:-1])}]")
    advice = override.get("advice")
    if isinstance(advice, dict):
        for kind, spec in advice.items():
            if kind not in advice_kinds:
                problems.append(f"{where}.advice.{kind}: unknown advice kind; a kind must be defined nationally "
                                f"(known: {sorted(advice_kinds)})")
            elif isinstance(spec, dict) and "capacity" in spec:
                problems.append(f"{where}.advice.{kind}.capacity: a national capacity; set it in [advice.{kind}]")
    return problems


# --------------------------------------------------------------------------------------------------- loading


def deep_merge(base: dict, over: dict) -> dict:
    """`over` on top of `base`: tables merge key by key, everything else (numbers, lists, schedules) replaces.
    A table in `over` with ``_replace = true`` replaces the parent's table whole (e.g. a one-region variant)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and v.get("_replace") is True:
            out[k] = {kk: copy.deepcopy(vv) for kk, vv in v.items() if kk != "_replace"}
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _read_toml(path: Path, origin: str) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ScenarioError([Problem(origin, "extends" if origin != str(path) else "", f"file not found: {path}")])
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError([Problem(str(path), "", f"not valid TOML: {e}")]) from None
    except OSError as e:
        raise ScenarioError([Problem(str(path), "", f"cannot read: {e.strerror}")]) from None


OWN_KEYS = ("name", "description", "extends", "include")  # what an included file does not pass on


def _flat(d: dict, prefix: str = "") -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and v.get("_replace") is not True:
            out.update(_flat(v, key))
        else:
            out[key] = v
    return out


def _with_includes(data: dict, path: Path) -> dict:
    """A file's ``include = [...]``: the listed files' own tables (not their parents', not their name, description,
    extends or include) are merged in order under this file's own keys. Two included files that set the same key to
    different values are refused: the combination would depend on the order."""
    inc = data["include"]
    if not (isinstance(inc, list) and all(isinstance(x, str) and x for x in inc)):
        raise ScenarioError([Problem(str(path), "include", "must be a list of file names")])
    merged: dict = {}
    seen: dict[str, tuple[str, Any]] = {}
    problems = []
    for name in inc:
        f = path.parent / name
        if not f.exists():
            raise ScenarioError([Problem(str(path), "include", f"file not found: {f}")])
        layer = _read_toml(f, str(path))
        if "include" in layer:
            problems.append(Problem(str(path), "include", f"{name} has an include of its own; include plain files"))
            continue
        if "rollout" in layer:
            resolve_before_path(layer["rollout"], f.parent)
        own = {k: v for k, v in layer.items() if k not in OWN_KEYS}
        for key, value in _flat(own).items():
            if key in seen and seen[key][1] != value:
                problems.append(Problem(str(path), "include",
                                        f"{seen[key][0]} and {name} both set {key} to different values"))
            seen[key] = (name, value)
        merged = deep_merge(merged, own)
    if problems:
        raise ScenarioError(problems)
    return deep_merge(merged, {k: v for k, v in data.items() if k != "include"})


def _absolute_forecast_paths(data: dict, base: Path) -> None:
    """Forecast volumes name CSV files relative to the scenario file that says so: make them absolute while that
    file is known (a variant in another folder may inherit them)."""

    def absolute(ref):
        if not isinstance(ref, str) or not ref:
            return ref
        path, sep, series = ref.partition(":")
        p = Path(path)
        return ref if p.is_absolute() else str((base / p).resolve()) + sep + series

    streams = ((data.get("intake") or {}).get("streams") or {}) if isinstance(data.get("intake"), dict) else {}
    for st in streams.values():
        vol = st.get("volume") if isinstance(st, dict) else None
        if not (isinstance(vol, dict) and "forecast" in vol):
            continue
        fc = vol["forecast"]
        if isinstance(fc, str) and fc and not Path(fc).is_absolute():
            vol["forecast"] = str((base / fc).resolve())
        if "parent" in vol:
            vol["parent"] = absolute(vol["parent"])
        if isinstance(vol.get("drivers"), list):
            vol["drivers"] = [
                absolute(d) if isinstance(d, str)
                else ({**d, "file": absolute(d["file"])} if isinstance(d, dict) and "file" in d else d)
                for d in vol["drivers"]
            ]


def load_raw(path: str | Path) -> tuple[dict, list[str]]:
    """Read a scenario file and all its parents; return the merged data and the chain of files (child first)."""
    path = Path(path)
    chain: list[Path] = []
    layers: list[dict] = []
    current, origin = path, str(path)
    while True:
        resolved = current.resolve()
        if resolved in chain:
            cycle = " -> ".join(str(p) for p in chain + [resolved])
            raise ScenarioError([Problem(origin, "extends", f"circular extends: {cycle}")])
        data = _read_toml(current, origin)
        if "rollout" in data:
            resolve_before_path(data["rollout"], current.parent)
        if "include" in data:
            data = _with_includes(data, current)
        _absolute_forecast_paths(data, current.parent)
        chain.append(resolved)
        layers.append(data)
        parent = data.get("extends")
        if parent is None:
            break
        if not isinstance(parent, str) or not parent:
            raise ScenarioError([Problem(str(current), "extends", "must be a file name (string)")])
        origin = str(current)
        current = (current.parent / parent)
        if not current.exists():
            raise ScenarioError([Problem(str(resolved), "extends", f"parent file not found: {current}")])
    merged: dict = {}
    for layer in reversed(layers):
        merged = deep_merge(merged, layer)
    merged["extends"] = layers[0].get("extends")
    return merged, [str(p) for p in chain]


def _problems_from(e: ValidationError, file: str, prefix: str = "") -> list[Problem]:
    out = []
    for err in e.errors():
        loc = [str(x) for x in err["loc"]]
        # drop pydantic's union-member tags ("fixed", "lognormal", ...) and validator names from the path
        loc = [x for x in loc if not x.startswith("function-") and x not in _UNION_TAGS]
        key = ".".join(([prefix] if prefix else []) + loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not part of the scenario format; check spelling)"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if not loc and err["type"] == "value_error":
            # a whole-scenario check: several "key.path: reason" problems joined by "; "
            for part in msg.split("; "):
                k, sep, reason = part.partition(": ")
                if sep and " " not in k:
                    out.append(Problem(file, ".".join(([prefix] if prefix else []) + [k]), reason))
                else:
                    out.append(Problem(file, key, part))
            continue
        out.append(Problem(file, key, msg))
    return out


_UNION_TAGS = {"fixed", "exponential", "lognormal", "gamma", "uniform", "empirical"}


def _scale_schedule(value: Any, factor: float, integer: bool) -> Any:
    s = _to_schedule(value)

    def f(v):
        x = v * factor
        if math.isinf(x) or not integer or v <= 0:
            return x
        return float(max(1, round(x)))

    return s.map(f).to_plain()


def _regional_raw(merged: dict, region: str, spec: dict, n_regions: int) -> dict:
    """The chain parameters of one region: national values, capacities split by share, then its override."""
    share = spec.get("capacity_share", spec.get("share", 1.0))
    chain = {k: copy.deepcopy(merged[k]) for k in CHAIN_KEYS if k in merged}
    if n_regions > 1:
        for path, key in REGIONAL_CAPACITIES:
            node = chain
            for p in path:
                node = node.get(p, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict) and key in node:
                try:
                    node[key] = _scale_schedule(node[key], share, integer=True)
                except ValueError:
                    pass  # the national validation reports it
        for st in chain.get("courts", {}).get("sessions", {}).values():
            if isinstance(st, dict) and "per_week" in st:
                try:
                    st["per_week"] = _scale_schedule(st["per_week"], share, integer=False)
                except ValueError:
                    pass
    return deep_merge(chain, spec.get("override") or {})


def load(path: str | Path, overrides: dict | None = None) -> Scenario:
    """Load, merge and validate a scenario file; raise ScenarioError listing every problem."""
    merged, files = load_raw(path)
    if overrides:
        merged = deep_merge(merged, overrides)
    return from_dict(merged, str(path))


class Rollout(Base):
    """See `sim.rollout`: the values of `before` hold in a region until its date, this scenario's from then."""

    before: str
    dates: dict[str, dt.date] = Field(min_length=1)
    national: dt.date | None = None  # national pools and intake; default: the last regional date

    @field_validator("dates", mode="before")
    @classmethod
    def _dates(cls, v):
        if isinstance(v, dict):
            return {k: (d.date() if isinstance(d, dt.datetime) else d) for k, d in v.items()}
        return v


def _apply_rollout(merged: dict, file: str) -> dict:
    """Turn a scenario with a ``[rollout]`` table into the equivalent scenario with schedules (see `sim.rollout`)."""
    try:
        ro = Rollout.model_validate(merged["rollout"])
    except ValidationError as e:
        raise ScenarioError(_problems_from(e, file, "rollout")) from None
    regions = merged.get("regions") or {"national": {"share": 1.0}}
    unknown = sorted(set(ro.dates) - set(regions))
    missing = sorted(set(regions) - set(ro.dates))
    problems = []
    if unknown:
        problems.append(Problem(file, "rollout.dates", f"unknown regions {unknown}; regions are {sorted(regions)}"))
    if missing:
        problems.append(Problem(file, "rollout.dates", f"no date for regions {missing}"))
    if problems:
        raise ScenarioError(problems)
    before_raw, _ = load_raw(ro.before)
    if "rollout" in before_raw:
        raise ScenarioError([Problem(file, "rollout.before", f"{ro.before} has a rollout of its own; name a plain scenario")])
    # both sides validated on their own and with every default filled in, so a key one side leaves out is compared
    # at its default value
    before = from_dict(before_raw, ro.before).resolved_dict()
    before_regions = before.get("regions") or {"national": {"share": 1.0}}
    start = merged.get("start_date")
    start = start.date() if isinstance(start, dt.datetime) else start
    if not isinstance(start, dt.date):
        raise ScenarioError([Problem(file, "start_date", "a date is needed for a rollout")])
    national_date = ro.national or max(ro.dates.values())
    after = from_dict({k: v for k, v in merged.items() if k != "rollout"}, file).resolved_dict()
    try:
        phased = copy.deepcopy(after)
        for key in (*CHAIN_KEYS, "intake"):
            if key in after and key in before:
                phased[key] = phase(before[key], after[key], national_date, start, key, _fixed_numbers())
        new_regions = {}
        n = len(regions)
        for name, spec in regions.items():
            if name not in before_regions:
                raise RolloutError("regions", f"{name!r} is not a region of rollout.before ({ro.before})")
            mine = phase(_regional_raw(before, name, before_regions[name], n), _regional_raw(after, name, spec, n),
                         ro.dates[name], start, f"regions.{name}", _fixed_numbers())
            plain = _regional_raw(phased, name, {k: v for k, v in spec.items() if k != "override"}, n)
            spec = {k: v for k, v in spec.items() if k != "override"}
            override = _drop_national(diff(mine, plain))
            if override:
                spec["override"] = override
            new_regions[name] = spec
    except RolloutError as e:
        raise ScenarioError([Problem(file, f"rollout: {e.key}", e.reason)]) from None
    phased["regions"] = new_regions
    return phased


def _fixed_numbers() -> frozenset[str]:
    """Names of number fields that are not schedules, in every section of the format."""
    seen, names = set(), set()

    def walk(model):
        if model in seen:
            return
        seen.add(model)
        for name, f in model.model_fields.items():
            if f.annotation in (float, int) or (f.annotation is Any and name == "volume"):
                names.add(name)
            for sub in _models_in(f.annotation):
                walk(sub)

    walk(Scenario)
    walk(Chain)
    return frozenset(names)


def _models_in(annotation) -> list[type]:
    import typing

    out = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for arg in typing.get_args(annotation):
        out += _models_in(arg)
    return out


def _drop_national(override: dict | None) -> dict | None:
    """National pools follow the national date, not a region's: keep them out of a region's override."""
    if not override:
        return override
    for path in NATIONAL_ONLY:
        node = override
        for p in path[:-1]:
            node = node.get(p) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)
    for kind in (override.get("advice") or {}).values():
        if isinstance(kind, dict):
            kind.pop("capacity", None)

    def prune(d):
        if isinstance(d, dict):
            out = {k: prune(v) for k, v in d.items()}
            return {k: v for k, v in out.items() if v != {}}
        return d

    return prune(override) or None


def from_dict(merged: dict, file: str = "<scenario>") -> Scenario:
    if "rollout" in merged:
        merged = _apply_rollout(merged, file)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as e:
        raise ScenarioError(_problems_from(e, file)) from None
    problems: list[Problem] = []
    chains = {}
    regions = merged.get("regions") or {"national": {"share": 1.0}}
    for name, spec in regions.items():
        raw = _regional_raw(merged, name, spec, len(regions))
        try:
            chains[name] = Chain.model_validate(raw)
        except ValidationError as e:
            problems += _problems_from(e, file, f"regions.{name}(resolved)")
            continue
        if spec.get("override"):
            streams = set(scenario.intake.streams)
            for text in chain_problems(chains[name], streams):
                key, _, reason = text.partition(": ")
                problems.append(Problem(file, f"regions.{name}(resolved).{key}", reason))
    if problems:
        raise ScenarioError(problems)
    scenario._chains.update(chains)
    scenario._forecasts.update(_forecasts(scenario, file))
    return scenario


FORECAST_PATHS = 200  # intake paths sampled per forecast volume; replication r uses path r mod 200


def _forecasts(scenario: Scenario, file: str) -> dict[str, tuple]:
    """Evaluate every forecast volume once: the point forecast and sampled paths for the scenario's years."""
    out = {}
    problems = []
    for name, st in scenario.intake.streams.items():
        spec = st.forecast
        if spec is None:
            continue
        from .forecast.intake import intake_paths  # only scenarios with a forecast pay for statsmodels

        years = scenario.years()
        try:
            point, paths, info = intake_paths(spec, Path("."), years, FORECAST_PATHS, scenario.seed)
        except ValueError as e:
            key, _, reason = str(e).partition(": ")
            problems.append(Problem(file, f"intake.streams.{name}.volume.{key}", reason or str(e)))
            continue
        out[name] = (years[0], {int(y): float(v) for y, v in point.items()}, np.asarray(paths, float), info)
    if problems:
        raise ScenarioError(problems)
    return out


def dump_toml(scenario: Scenario) -> str:
    """The resolved scenario as TOML, with short arrays (schedules, weekdays) kept on one line."""
    import re

    import tomli_w

    text = tomli_w.dumps(scenario.resolved_dict())
    inner = re.compile(r"\[\n((?:[ ]+[^\[\]\n]+,\n)+)[ ]*\]")
    outer = re.compile(r"\[\n((?:[ ]+(?:\[[^\[\]\n]*\]|[^\[\]\n]+),\n)+)[ ]*\]")

    def one_line(m: re.Match) -> str:
        items = [x.strip().rstrip(",") for x in m.group(1).splitlines()]
        line = "[" + ", ".join(items) + "]"
        return line if len(line) <= 110 else m.group(0)

    for pattern in (inner, outer):
        text = pattern.sub(one_line, text)
    return text
