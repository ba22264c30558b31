"""Durations: a number (fixed, in days) or a table ``{ dist = "lognormal", mean = 12, cv = 0.8 }``, each with an
optional ``scale`` schedule; every spec builds its `sim.dists` distribution."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from .. import dists
from .base import Base, NonNegFloat, PosFloat
from .schedules import ScaleSched


class _DurationBase(Base):
    scale: ScaleSched = 1.0


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
    FixedSpec | ExponentialSpec | LognormalSpec | GammaSpec | UniformSpec | EmpiricalSpec,
    Field(discriminator="dist"),
    BeforeValidator(_plain_number_is_fixed),
]
