"""From merged data to a validated `Scenario`: the roll-out applied, the whole file validated, every region's chain
resolved and checked, forecast volumes evaluated; `load` does it for a file."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .checks import chain_problems
from .files import deep_merge, load_raw
from .forecast_volumes import _forecasts
from .problems import Problem, ScenarioError, _problems_from
from .regions import _apply_rollout, _regional_raw
from .scenario_model import Scenario
from .sections import ChainConfig


def load(path: str | Path, overrides: dict | None = None) -> Scenario:
    """Load, merge and validate a scenario file; raise ScenarioError listing every problem."""
    merged, files = load_raw(path)
    if overrides:
        merged = deep_merge(merged, overrides)
    return from_dict(merged, str(path))


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
            chains[name] = ChainConfig.model_validate(raw)
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
