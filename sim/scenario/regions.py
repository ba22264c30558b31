"""Regions: a region's chain (national values, capacities split by its share, then its override), and the
roll-out, which turns a ``[rollout]`` table into the equivalent scenario with schedules (see `sim.rollout`)."""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from ..rollout import RolloutError, diff, phase
from .base import Base
from .files import deep_merge, load_raw
from .problems import Problem, ScenarioError, _problems_from
from .scenario_model import Scenario
from .schedules import _to_schedule
from .sections import CHAIN_KEYS, NATIONAL_ONLY, REGIONAL_CAPACITIES, ChainConfig


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
                    node[key] = _scale_schedule(node[key], share, integer=False)  # fte and stocks: exact
                except ValueError:
                    pass  # the national validation reports it
        for st in chain.get("courts", {}).get("sessions", {}).values():
            if isinstance(st, dict) and "per_week" in st:
                try:
                    st["per_week"] = _scale_schedule(st["per_week"], share, integer=False)
                except ValueError:
                    pass
    return deep_merge(chain, spec.get("override") or {})


class RolloutConfig(Base):
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
    from .build import from_dict  # from_dict applies the roll-out, and the roll-out validates both sides with it

    try:
        ro = RolloutConfig.model_validate(merged["rollout"])
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
        raise ScenarioError(
            [Problem(file, "rollout.before", f"{ro.before} has a rollout of its own; name a plain scenario")]
        )
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
            mine = phase(
                _regional_raw(before, name, before_regions[name], n),
                _regional_raw(after, name, spec, n),
                ro.dates[name],
                start,
                f"regions.{name}",
                _fixed_numbers(),
            )
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
    walk(ChainConfig)
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
        node: Any = override
        for p in path[:-1]:
            node = node.get(p) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)
    for kind in (override.get("advice") or {}).values():
        if isinstance(kind, dict):
            kind.pop("fte", None)

    def prune(d):
        if isinstance(d, dict):
            out = {k: prune(v) for k, v in d.items()}
            return {k: v for k, v in out.items() if v != {}}
        return d

    return prune(override) or None
