"""Schedules: values that change on given dates (a plain number, or a list of ``[date, value]`` pairs), and the
pydantic types that read and check them (shares, capacities, scale factors, slots, sessions per week)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer


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

    def map(self, fn) -> Schedule:
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
