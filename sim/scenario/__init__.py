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

Arrondissementen: ``[regions.<name>] share = …`` splits intake. National capacities (detective, ZSM and OM fte and stocks,
court sessions) are split over regions by share; ``[regions.<name>.override]`` may replace any police, OM, advice,
court or execution parameter for one region, and a capacity given there is that region's own number.

The package, by job (everything below is importable from `sim.scenario` itself):

* the route, court-queue and verdict names (`ROUTES`, `FAST_TRACK`, `COURT_QUEUES`, `VERDICTS`) are `sim.domain`'s, re-exported here;
* `problems` — `Problem`, `ScenarioError`, pydantic errors turned into problems;
* `schedules` — `Schedule` and the schedule types of the format;
* `base` — the pydantic base of every section and the plain number types;
* `durations` — `DurationSpec` and the distribution specs;
* `sections` — the chain's sections and `ChainConfig`, one region's stage parameters;
* `checks` — cross-checks between sections and on regional overrides;
* `scenario_model` — legal limits, intake, regions, and `Scenario`: these run settings plus the chain's sections;
* `files` — reading TOML, ``extends``, ``include``, deep merge, `load_raw`;
* `regions` — a region's resolved chain and the roll-out;
* `build` — `from_dict` and `load`: merged data to a validated `Scenario`;
* `forecast_volumes` — intake volumes from a forecast;
* `toml_out` — `dump_toml`.
"""

from ..domain import COURT_QUEUES, FAST_TRACK, ROUTES, VERDICTS
from .base import Base, NonNegFloat, PosFloat, Share
from .build import from_dict, load
from .checks import chain_problems
from .durations import (
    DurationSpec,
    EmpiricalSpec,
    ExponentialSpec,
    FixedSpec,
    GammaSpec,
    LognormalSpec,
    UniformSpec,
)
from .files import OWN_KEYS, _read_toml, deep_merge, load_raw
from .forecast_volumes import FORECAST_PATHS
from .problems import Problem, ScenarioError
from .regions import RolloutConfig
from .scenario_model import IntakeConfig, LegalConfig, RegionSpec, RunConfig, Scenario, StreamSpec
from .schedules import (
    CapacitySched,
    ScaleSched,
    Schedule,
    SessionsSched,
    ShareSched,
    SlotsSched,
    _to_schedule,
)
from .sections import (
    CHAIN_KEYS,
    NATIONAL_ONLY,
    REGIONAL_CAPACITIES,
    AdviceKindConfig,
    AppealConfig,
    ChainConfig,
    CourtsConfig,
    CustodialConfig,
    DecisionMixConfig,
    DeskConfig,
    ExecutionConfig,
    FinesConfig,
    PoliceConfig,
    ProsecutionConfig,
    SessionTypeConfig,
    StrafbeschikkingConfig,
    TaakstrafConfig,
)
from .toml_out import dump_toml

__all__ = [
    # reading and writing scenarios
    "load",
    "load_raw",
    "from_dict",
    "deep_merge",
    "dump_toml",
    "OWN_KEYS",
    "FORECAST_PATHS",
    # problems
    "Problem",
    "ScenarioError",
    # values
    "Schedule",
    "ShareSched",
    "CapacitySched",
    "ScaleSched",
    "SlotsSched",
    "SessionsSched",
    "Base",
    "PosFloat",
    "NonNegFloat",
    "Share",
    "DurationSpec",
    "FixedSpec",
    "ExponentialSpec",
    "LognormalSpec",
    "GammaSpec",
    "UniformSpec",
    "EmpiricalSpec",
    # sections
    "Scenario",
    "RunConfig",
    "LegalConfig",
    "IntakeConfig",
    "StreamSpec",
    "RegionSpec",
    "RolloutConfig",
    "ChainConfig",
    "PoliceConfig",
    "ProsecutionConfig",
    "DeskConfig",
    "DecisionMixConfig",
    "StrafbeschikkingConfig",
    "AdviceKindConfig",
    "CourtsConfig",
    "SessionTypeConfig",
    "AppealConfig",
    "ExecutionConfig",
    "FinesConfig",
    "TaakstrafConfig",
    "CustodialConfig",
    "CHAIN_KEYS",
    "REGIONAL_CAPACITIES",
    "NATIONAL_ONLY",
    "chain_problems",
    # names from sim.domain
    "ROUTES",
    "FAST_TRACK",
    "COURT_QUEUES",
    "VERDICTS",
    # internals the tests use
    "_to_schedule",
    "_read_toml",
]
