"""Shared fixtures: small scenarios that run in seconds.

`small_overrides(scale)` turns the national baseline into one arrondissement of `scale` × the national intake and
capacity, so the full chain runs (every stage, every route) in a second or two. `mmc_scenario` builds a chain in
which one station (the detectives) is an M/M/c queue and everything else is instantaneous or unlimited.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import scenario as S
from sim.textbook import tandem_raw

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"


def scale_capacities(raw: dict, scale: float) -> dict:
    """Overrides multiplying every national capacity and every stream volume of `raw` by `scale`."""
    over: dict = {"intake": {"streams": {}}}
    for name, st in raw["intake"]["streams"].items():
        over["intake"]["streams"][name] = {"volume": st["volume"] * scale}

    def fte(section: dict) -> float:
        return round(section["fte"] * scale, 6)  # fte split exactly (a fractional fte works at its share of hours)

    def stock(section: dict) -> float:
        return float(round(section.get("initial_stock", 0) * scale))

    police = raw["police"]
    over["police"] = {
        "detective_fte": fte({"fte": police["detective_fte"]}),
        "initial_stock": stock(police),
    }
    om = raw["om"]
    over["om"] = {
        "zsm": {"fte": fte(om["zsm"]), "initial_stock": stock(om["zsm"])},
        "regular": {"fte": fte(om["regular"]), "initial_stock": stock(om["regular"])},
    }
    over["advice"] = {k: {"fte": fte(v)} for k, v in raw["advice"].items()}
    over["courts"] = {
        "sessions": {k: {"per_week": v["per_week"] * scale} for k, v in raw["courts"]["sessions"].items()}
    }
    over["appeal"] = {"fte": fte(raw["appeal"]), "initial_stock": stock(raw["appeal"])}
    ex = raw["execution"]
    over["execution"] = {
        "taakstraf": {"fte": fte(ex["taakstraf"])},
        "custodial": {"cells": max(1, round(ex["custodial"]["cells"] * scale))},
    }
    counts = {k: v for k, v in raw.get("start_stock", {}).items() if k != "age_days"}
    if counts:
        over["start_stock"] = {k: float(round(v * scale)) for k, v in counts.items()}
    return over


def small_overrides(scale: float = 0.05, stocks: bool = False, **top) -> dict:
    """The baseline as one region with `scale` of national intake and capacity; `top` overrides top-level keys.

    The small chain starts **empty** with a short warm-up unless `stocks` is true: the mechanism tests count and
    trace the cases of their own run, and the baseline's standing stocks (registered before the start, sim/
    standing.py) would be cases of no intake in them. The standing stocks have their own tests (test_standing.py,
    and the golden scenario, which starts from the scaled stocks like the shipped baseline)."""
    raw, _ = S.load_raw(BASELINE)
    over = scale_capacities(raw, scale)
    if not stocks and "start_stock" in over:
        over["start_stock"] = {k: 0.0 for k in over["start_stock"]}
    over["regions"] = {"_replace": True, "district": {"share": 1.0}}
    over.update({"horizon_days": 400.0, "warmup_days": 90.0, "runout_days": 200.0, "replications": 3})
    over.update(top)
    return over


def small_scenario(scale: float = 0.05, extra: dict | None = None, stocks: bool = False, **top) -> S.Scenario:
    over = small_overrides(scale, stocks, **top)
    if extra:
        over = S.deep_merge(over, extra)
    return S.load(BASELINE, overrides=over)


@pytest.fixture(scope="session")
def small() -> S.Scenario:
    return small_scenario()


def mmc_raw(lam: float, mu: float, c: int, days: float = 4000.0, warmup: float = 300.0) -> dict:
    """A one-region chain where only the detectives queue: an M/M/c station (see `sim.textbook`)."""
    return tandem_raw(lam, [(c, mu)], days, warmup, name="mmc")
