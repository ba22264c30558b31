"""Intake volumes for the simulator from a forecast: ``intake.streams.<name>.volume = { forecast = "...", ... }``.

A scenario stream's yearly volume (registered offences per year) can come from a forecast of a national series
instead of a fixed number. `intake_paths` reads the spec, fits the model on the series, and returns

- ``point``: one volume per requested year (the observed value times ``share`` for years already observed, the
  forecast's median times ``share`` after that), for a run without forecast uncertainty;
- ``paths``: ``n_paths`` sampled volume paths, shape (n_paths, len(years)), so that replication r of a run can
  use path r and the lead-time confidence intervals include the uncertainty of the intake itself;
- ``info``: what was done (model, specification, drivers used and why, breaks, policy, input files) for the
  run's provenance.

The spec keys (all paths relative to ``base_dir``, normally the scenario file's folder)::

    [intake.streams.vvc.volume]
    forecast = "../calibration/data/registered_crime.csv"    # required: a yearly CSV (year,value,...)
    series = "geregistreerde_misdrijven_totaal"            # which series, if the file holds several
    model = "selected"                                      # naive|drift|ets|theta|combination|pmj|selected
    share = 0.6                                             # fraction of the national series (> 0)
    start = 1990                                            # first year of history to fit on
    drivers = ["../calibration/data/population_total.csv"]  # "file.csv" or "file.csv:series" (pmj)
    parent = "../calibration/data/x.csv:series"             # chain parent: parent x ratio (pmj), optional
    policy = [{ name = "...", from = 2026, percent = -3, sd = 1.5 }]
    uncertainty = true                                      # false: every path is the point forecast

Every problem is a ValueError whose message starts with the key, e.g. ``share: must be a number > 0``.
The result is the same for the same seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import MODELS, make_model
from .data import SeriesError, read_series, split_file_series
from .policy import PolicyEffect, apply_policies

SPEC_KEYS = ("forecast", "series", "model", "share", "start", "drivers", "parent", "policy", "uncertainty")
MAX_YEARS_AHEAD = 10


def intake_paths(spec: dict, base_dir: Path, years: list[int], n_paths: int, seed: int):
    """Yearly intake volumes for ``years`` from a forecast spec: (point by year, paths, info). See module doc."""
    if not isinstance(spec, dict):
        raise ValueError("volume: a forecast volume must be a table with at least 'forecast'")
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown key (allowed: {', '.join(SPEC_KEYS)})")
    if "forecast" not in spec:
        raise ValueError("forecast: missing (the path of a yearly CSV file)")
    if not isinstance(spec["forecast"], str) or not spec["forecast"].strip():
        raise ValueError("forecast: must be the path of a yearly CSV file")
    base_dir = Path(base_dir)
    model_name = spec.get("model", "selected")
    if model_name not in MODELS:
        raise ValueError(f"model: unknown model '{model_name}' (choose from {', '.join(MODELS)})")
    share = spec.get("share", 1.0)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not np.isfinite(share) or share <= 0:
        raise ValueError(f"share: must be a number > 0 (got {share!r})")
    start = spec.get("start")
    if start is not None and (isinstance(start, bool) or not isinstance(start, int)):
        raise ValueError(f"start: must be a year (got {start!r})")
    series = spec.get("series")
    if series is not None and not isinstance(series, str):
        raise ValueError(f"series: must be a series name (got {series!r})")
    uncertainty = spec.get("uncertainty", True)
    if not isinstance(uncertainty, bool):
        raise ValueError(f"uncertainty: must be true or false (got {uncertainty!r})")
    if isinstance(n_paths, bool) or not isinstance(n_paths, (int, np.integer)) or n_paths < 1:
        raise ValueError(f"n_paths: must be a whole number >= 1 (got {n_paths!r})")
    if not years:
        raise ValueError("years: no years requested")
    years = [int(y) for y in years]

    try:
        y = read_series(base_dir / spec["forecast"], series, start=start)
    except SeriesError as e:
        raise ValueError(f"forecast: {e}") from None
    raw_drivers = spec.get("drivers", [])
    if not isinstance(raw_drivers, list):
        raise ValueError('drivers: must be a list of "file.csv" or "file.csv:series"')
    drivers = {}
    for i, d in enumerate(raw_drivers):
        name, s = _read_driver(d, base_dir, f"drivers[{i}]")
        drivers[name] = s
    parent = None
    if spec.get("parent") is not None:
        parent, s = _read_driver(spec["parent"], base_dir, "parent")
        drivers[parent] = s
        if model_name not in ("pmj", "selected"):
            raise ValueError('parent: a chain parent needs model = "selected" or "pmj"')
    if drivers and not MODELS[model_name].uses_drivers:
        raise ValueError(f"drivers: model '{model_name}' does not use drivers (use model = \"pmj\")")
    policies = spec.get("policy", [])
    if not isinstance(policies, list):
        raise ValueError("policy: must be a list of tables { name, from, percent, sd }")
    effects = [PolicyEffect.from_dict(p, f"policy[{i}]") for i, p in enumerate(policies)]

    first, last = y.first, y.last
    early = [yr for yr in years if yr < first]
    if early:
        raise ValueError(f"years: {early[0]} is before the first year of the series ({first})")
    if max(years) > last + MAX_YEARS_AHEAD:
        raise ValueError(
            f"years: {max(years)} is more than {MAX_YEARS_AHEAD} years after the last observed year "
            f"({last}); a forecast that far ahead is not meaningful"
        )
    gaps = y.gaps()
    if gaps:
        raise ValueError(
            f"forecast: {y.file}: series '{y.name}' has gaps ({', '.join(map(str, gaps))}); set 'start' "
            "after the last gap"
        )

    observed = dict(zip(y.years, y.values))
    horizon = max(years) - last
    info = {
        "forecast": y.provenance(),
        "model": model_name,
        "share": float(share),
        "seed": int(seed),
        "n_paths": int(n_paths),
        "uncertainty": uncertainty,
        "observed_years": [yr for yr in years if yr <= last],
        "forecast_years": [yr for yr in years if yr > last],
        "drivers": {k: v.provenance() for k, v in drivers.items()},
    }
    point = {}
    paths = np.empty((n_paths, len(years)))
    fc_point, fc_paths = None, None
    if horizon > 0:
        kwargs = {"parent": parent} if parent else {}
        model = make_model(model_name, **kwargs)
        try:
            model.fit(y, drivers or None)
        except ValueError as e:
            raise ValueError(f"forecast: {y.file}: {e}") from None
        f = model.predict(horizon, n_paths=n_paths, seed=seed)
        if effects:
            pr = apply_policies(f, effects, seed=seed)
            info["policy_effects"] = pr.effects.to_dict(orient="records")
            f = pr.with_policy
        info["model_info"] = f.info
        fc_point, fc_paths = f.point, f.paths
    for j, yr in enumerate(years):
        if yr <= last:
            if yr not in observed:
                raise ValueError(f"years: {yr} is not in the series")
            point[yr] = observed[yr] * share
            paths[:, j] = point[yr]
        else:
            k = yr - last - 1
            assert fc_point is not None and fc_paths is not None  # horizon > 0 when a year is past the last
            point[yr] = float(fc_point[k] * share)
            paths[:, j] = fc_paths[:, k] * share if uncertainty else point[yr]
    return point, paths, info


def _read_driver(d, base_dir: Path, where: str):
    if isinstance(d, dict):
        unknown = set(d) - {"file", "series"}
        if unknown or "file" not in d:
            raise ValueError(f"{where}: a driver table needs 'file' (and optionally 'series'), nothing else")
        file, series = d["file"], d.get("series")
    elif isinstance(d, str):
        file, series = split_file_series(d)
    else:
        raise ValueError(f'{where}: must be "file.csv", "file.csv:series" or a table {{ file, series }}')
    try:
        s = read_series(base_dir / file, series)
    except SeriesError as e:
        raise ValueError(f"{where}: {e}") from None
    return s.name, s
