"""Intake volumes from a forecast: each forecast volume evaluated once per scenario, as a point forecast and
`FORECAST_PATHS` sampled intake paths (replication r uses path r mod `FORECAST_PATHS`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .problems import Problem, ScenarioError

if TYPE_CHECKING:
    from .scenario_model import Scenario


FORECAST_PATHS = 200  # intake paths sampled per forecast volume; replication r uses path r mod 200


def _forecasts(scenario: Scenario, file: str) -> dict[str, tuple]:
    """Evaluate every forecast volume once: the point forecast and sampled paths for the scenario's years."""
    out = {}
    problems = []
    for name, st in scenario.intake.streams.items():
        spec = st.forecast
        if spec is None:
            continue
        from ..forecast.intake import intake_paths  # only scenarios with a forecast pay for statsmodels

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
