"""How the figure functions take their data: keyed by scenario name, or for one scenario without that outer level;
KPI rows of the whole chain only; finite values only.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..kpis import KpiRow
from ..results import RunInfo


def by_scenario(data) -> dict:
    """scenario -> group -> values; a bare group -> values mapping is one unnamed scenario."""
    if isinstance(data, Mapping) and data and all(isinstance(v, Mapping) for v in data.values()):
        return dict(data)
    return {"": dict(data or {})}


def by_scenario_rows(kpis) -> dict[str, list[KpiRow]]:
    """scenario -> KPI rows of the whole chain (rows of a per-region or per-stream breakdown are left out)."""
    data = dict(kpis) if isinstance(kpis, Mapping) else {"": kpis}
    return {name: [r for r in rows if getattr(r, "breakdown", "all") == "all"] for name, rows in data.items()}


def finite(a) -> np.ndarray:
    if a is None:
        return np.empty(0)
    a = np.asarray(a, dtype=float).ravel()
    return a[np.isfinite(a)]


def simulated_years(info: RunInfo) -> float:
    """How many simulated years a run's pooled case tables hold: replications × the cohort's years (warm-up to the
    end of intake), so that a count drawn from them is written per year, in the unit of the key-figure tables."""
    return info.case_replications * (info.horizon_days - info.warmup_days) / 365.25


def years_of(years: Mapping[str, float] | float | None, scenario: str) -> float | None:
    """A scenario's simulated years from a figure's `years` argument: one number for all, or per scenario."""
    if years is None or isinstance(years, (int, float)):
        return years
    return years.get(scenario)
