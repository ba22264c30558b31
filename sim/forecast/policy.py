"""Policy effects on top of the policy-neutral base forecast.

PMJ's base forecast is policy-neutral (beleidsneutraal): it extrapolates what the drivers and the history imply.
The expected effect of a new law or policy is then added on top, separately, so a reader can see both the base
and what the policy is assumed to do (docs/domain.md §5). Here a policy effect is a named percentage change of the
forecast series from a given year on, with its own uncertainty:

    PolicyEffect("supersnelrecht uitbreiding", start=2026, percent=-3, sd=1.5)

means "from 2026 on, 3% fewer cases than the base, give or take 1.5 percentage points (one standard deviation)".
Each simulated path draws its own effect size once, so a path with a large effect keeps it in every year.
`apply_policies` never changes the base forecast; it returns the base, the forecast with the policies and a
table of the effects per policy and year.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .base import Forecast


@dataclass(frozen=True)
class PolicyEffect:
    name: str
    start: int  # first year in which the effect applies
    percent: float  # change of the series from ``start`` on, in percent of the base (-5 = 5% fewer)
    sd: float = 0.0  # standard deviation of ``percent``, in percentage points

    def __post_init__(self):
        if not str(self.name).strip():
            raise ValueError("policy.name: must not be empty")
        if isinstance(self.start, bool) or int(self.start) != self.start:
            raise ValueError(f"policy '{self.name}'.from: must be a year (got {self.start!r})")
        if not np.isfinite(self.percent) or self.percent <= -100:
            raise ValueError(f"policy '{self.name}'.percent: must be a number above -100 (got {self.percent!r})")
        if not np.isfinite(self.sd) or self.sd < 0:
            raise ValueError(f"policy '{self.name}'.sd: must be a number >= 0 (got {self.sd!r})")

    @classmethod
    def parse(cls, text: str) -> PolicyEffect:
        """From the command-line form ``NAME:YEAR:PERCENT[:SD]``, e.g. ``snelrecht:2026:-3:1.5``."""
        parts = text.rsplit(":", 3) if text.count(":") >= 3 else text.rsplit(":", 2)
        if len(parts) < 3:
            raise ValueError(f"policy '{text}': expected NAME:YEAR:PERCENT[:SD], e.g. snelrecht:2026:-3:1.5")
        try:
            name, start, percent = parts[0], int(parts[1]), float(parts[2])
            sd = float(parts[3]) if len(parts) == 4 else 0.0
        except ValueError:
            raise ValueError(f"policy '{text}': YEAR must be a whole year and PERCENT and SD numbers") from None
        return cls(name, start, percent, sd)

    @classmethod
    def from_dict(cls, d: dict, where: str = "policy") -> PolicyEffect:
        """From a scenario table ``{ name = "...", from = 2026, percent = -3, sd = 1.5 }``."""
        if not isinstance(d, dict):
            raise ValueError(f"{where}: must be a table with name, from, percent (and optionally sd)")
        unknown = set(d) - {"name", "from", "percent", "sd"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (allowed: name, from, percent, sd)")
        for k in ("name", "from", "percent"):
            if k not in d:
                raise ValueError(f"{where}.{k}: missing")
        try:
            return cls(str(d["name"]), d["from"], float(d["percent"]), float(d.get("sd", 0.0)))
        except (TypeError, ValueError) as e:
            raise ValueError(f"{where}: {e}") from None

    def factors(self, years, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Multiplicative factors (n_paths, len(years)): 1 before ``start``, 1 + percent/100 (drawn) after."""
        pct = self.percent + self.sd * rng.standard_normal(n_paths) if self.sd > 0 else np.full(n_paths, self.percent)
        f = np.maximum(1 + pct / 100, 0.0)
        on = np.asarray(years) >= self.start
        return np.where(on[None, :], f[:, None], 1.0)


@dataclass(frozen=True)
class PolicyResult:
    base: Forecast
    with_policy: Forecast
    effects: pd.DataFrame  # policy, year, base_point, percent, cases (difference from the base), lo95, hi95


def apply_policies(base: Forecast, effects: list[PolicyEffect], *, seed: int = 0) -> PolicyResult:
    """The base forecast with the policy effects applied on top; the base itself is left unchanged.

    Needs the base's sample paths (every model's `predict` adds them unless ``n_paths=0``). Effects multiply:
    two effects of -10% give 0.9 * 0.9 of the base.
    """
    if base.paths is None:
        raise ValueError("apply_policies: the base forecast has no sample paths (predict with n_paths > 0)")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x9011C7]))
    n = base.paths.shape[0]
    years = np.asarray(base.years)
    total = np.ones((n, len(years)))
    rows = []
    for e in effects:
        f = e.factors(years, n, rng)
        total = total * f
        diff_paths = base.paths * (f - 1)
        for k, y in enumerate(years):
            if y < e.start:
                continue
            rows.append(
                {
                    "policy": e.name,
                    "year": int(y),
                    "base_point": float(base.point[k]),
                    "percent": e.percent,
                    "percent_sd": e.sd,
                    "cases": float(base.point[k] * e.percent / 100),
                    "cases_lo95": float(np.quantile(diff_paths[:, k], 0.025)),
                    "cases_hi95": float(np.quantile(diff_paths[:, k], 0.975)),
                }
            )
    paths = base.paths * total
    point = (
        base.point * np.prod([np.where(years >= e.start, 1 + e.percent / 100, 1.0) for e in effects], axis=0)
        if effects
        else base.point.copy()
    )
    intervals = {}
    for lv in base.intervals:
        a = (100 - lv) / 200
        lo, hi = np.quantile(paths, [a, 1 - a], axis=0)
        intervals[lv] = (lo, hi)
    info = dict(base.info)
    info["policy"] = [{"name": e.name, "from": e.start, "percent": e.percent, "sd": e.sd} for e in effects]
    with_policy = replace(base, model=f"{base.model}+policy", point=point, intervals=intervals, info=info, paths=paths)
    cols = ["policy", "year", "base_point", "percent", "percent_sd", "cases", "cases_lo95", "cases_hi95"]
    return PolicyResult(base, with_policy, pd.DataFrame(rows, columns=cols))
