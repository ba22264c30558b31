"""Shared fixtures: small scenarios that run in seconds.

`small_overrides(scale)` turns the national baseline into one arrondissement of `scale` × the national intake and
capacity, so the full chain runs (every stage, every route) in a second or two. `mmc_scenario` builds a chain in
which one station (the detectives) is an M/M/c queue and everything else is instantaneous or unlimited.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from sim import scenario as S

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"


def scale_capacities(raw: dict, scale: float) -> dict:
    """Overrides multiplying every national capacity and every stream volume of `raw` by `scale`."""
    over: dict = {"intake": {"streams": {}}}
    for name, st in raw["intake"]["streams"].items():
        over["intake"]["streams"][name] = {"volume": st["volume"] * scale}
    over["police"] = {"detectives": max(1, round(raw["police"]["detectives"] * scale))}
    over["om"] = {
        "zsm": {"staff": max(1, round(raw["om"]["zsm"]["staff"] * scale))},
        "regular": {"staff": max(1, round(raw["om"]["regular"]["staff"] * scale))},
    }
    over["advice"] = {k: {"capacity": max(1, round(v["capacity"] * scale))} for k, v in raw["advice"].items()}
    over["courts"] = {
        "sessions": {k: {"per_week": v["per_week"] * scale} for k, v in raw["courts"]["sessions"].items()}
    }
    ex = raw["execution"]
    over["execution"] = {
        "taakstraf": {"capacity": max(1, round(ex["taakstraf"]["capacity"] * scale))},
        "custodial": {"cells": max(1, round(ex["custodial"]["cells"] * scale))},
    }
    return over


def small_overrides(scale: float = 0.05, **top) -> dict:
    """The baseline as one region with `scale` of national intake and capacity; `top` overrides top-level keys."""
    raw, _ = S.load_raw(BASELINE)
    over = scale_capacities(raw, scale)
    over["regions"] = {"_replace": True, "district": {"share": 1.0}}
    over.update({"horizon_days": 400.0, "warmup_days": 90.0, "runout_days": 200.0, "replications": 3})
    over.update(top)
    return over


def small_scenario(scale: float = 0.05, extra: dict | None = None, **top) -> S.Scenario:
    over = small_overrides(scale, **top)
    if extra:
        over = S.deep_merge(over, extra)
    return S.load(BASELINE, overrides=over)


@pytest.fixture(scope="session")
def small() -> S.Scenario:
    return small_scenario()


def mmc_raw(lam: float, mu: float, c: int, days: float = 4000.0, warmup: float = 300.0) -> dict:
    """A one-region chain where only the detectives queue: Poisson arrivals (rate `lam` per day, every case with a
    known suspect, nobody arrested), exponential investigation with mean 1/`mu` days, `c` detectives. Every later
    step takes no time and has unlimited capacity; every case is dismissed by the OM."""
    zero = 0.0
    mix_sepot = {"sepot": 1.0}
    return {
        "name": "mmc",
        "start_date": "2019-01-07",
        "horizon_days": days,
        "warmup_days": warmup,
        "replications": 5,
        "seed": 11,
        "intake": {
            "streams": {
                "only": {"volume": lam * 365.0, "known_suspect_share": 1.0, "arrested_share": 0.0},
            }
        },
        "police": {
            "detectives": c,
            "investigation": {"dist": "exponential", "mean": 1.0 / mu},
            "file_completion": zero,
            "arrest_processing": zero,
        },
        "om": {
            "zsm_share_not_arrested": {"only": 0.0},
            "info_wait": zero,
            "rework": zero,
            "zsm": {"staff": float("inf"), "handling": zero},
            "regular": {"staff": float("inf"), "handling": zero},
            "strafbeschikking": {"fine_share": 1.0},
            "decision_mix": {"only": {"zsm_arrested": mix_sepot, "zsm": mix_sepot, "regular": mix_sepot}},
        },
        "courts": {
            "mk_share": {"only": 0.0},
            "sessions": {
                "all": {
                    "per_week": 5,
                    "slots": 10,
                    "serves": ["supersnelrecht", "snelrecht_detained", "snelrecht_not_detained", "regular_pr",
                               "regular_mk"],
                }
            },
            "verdict_mix": {
                r: {"suspended": 1.0}
                for r in ("supersnelrecht", "snelrecht_detained", "snelrecht_not_detained", "regular")
            },
        },
        "appeal": {"share": {}, "duration": zero},
        "execution": {
            "delivery": zero,
            "fines": {"paid_share": 1.0, "plan_share": 0.0, "pay_time": zero, "plan_time": zero,
                      "replacement_detention": zero},
            "taakstraf": {"capacity": float("inf"), "intake": zero, "to_start": zero, "work": zero,
                          "failure_share": 0.0, "replacement_detention": zero},
            "custodial": {"cells": float("inf"), "length": {"only": zero}, "zelfmelder_share": 1.0, "callup": zero,
                          "find_time": zero},
        },
    }


def deep_copy(d: dict) -> dict:
    return copy.deepcopy(d)
