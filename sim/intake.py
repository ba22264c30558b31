"""Intake (instroom): offences per case stream and arrondissement, as a non-homogeneous Poisson process.

The rate on a day is the stream's yearly volume for that calendar year / days in the year × the weekday factor
(`intake.weekday_pattern`, normalised to mean 1) × the region's share. Offences are drawn per day and spread
uniformly over it. Of these, a share has a known suspect, and of those a share is screened out before the chain
(selectiviteitskader); both leave the chain at once and are only counted. The rest become cases, numbered in order of
registration. Registration is taken to be on the day of the offence (the delay of an aangifte is not modelled).

All of it is drawn up front, vectorised, from named streams per (stream, region): the same seed gives the same
offences in every scenario that has the same intake.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from .scenario import Scenario
from .streams import Streams


@dataclass
class Arrivals:
    time: np.ndarray  # registration time, days since start
    region: np.ndarray
    stream: np.ndarray
    diverted: np.ndarray  # [day, region, stream, (offences, no_suspect, screened_out)]


def daily_rates(scenario: Scenario, replication: int = 0) -> np.ndarray:
    """Expected offences per [day, region, stream] over the horizon (a forecast volume: replication's path)."""
    n_days = math.ceil(scenario.horizon_days)
    pattern = np.asarray(scenario.intake.weekday_pattern, float)
    pattern = pattern / pattern.mean()
    regions = list(scenario.regions.values())
    streams = list(scenario.intake.streams)
    rates = np.zeros((n_days, len(regions), len(streams)))
    for d in range(n_days):
        date = scenario.start_date + dt.timedelta(days=d)
        ndays_year = 366 if calendar.isleap(date.year) else 365
        wd = pattern[date.weekday()]
        frac = min(1.0, scenario.horizon_days - d)  # a partial last day
        for j, name in enumerate(streams):
            per_day = scenario.volume(name, date.year, replication) / ndays_year * wd * frac
            for i, reg in enumerate(regions):
                rates[d, i, j] = per_day * reg.share
    return rates


def generate(scenario: Scenario, streams: Streams) -> Arrivals:
    rates = daily_rates(scenario, streams.replication)
    n_days, n_reg, n_str = rates.shape
    region_names = list(scenario.regions)
    stream_specs = list(scenario.intake.streams.items())
    diverted = np.zeros((n_days, n_reg, n_str, 3), dtype=np.int64)
    times, regs, strs = [], [], []
    day_dates = [scenario.start_date + dt.timedelta(days=d) for d in range(n_days)]
    for j, (sname, st) in enumerate(stream_specs):
        screen = np.array([st.screened_out_share.at_date(day) for day in day_dates])
        known_p = np.array([st.known_suspect_share.at_date(day) for day in day_dates])
        for i, rname in enumerate(region_names):
            rng = streams(f"intake:{sname}:{rname}")
            offences = rng.poisson(rates[:, i, j])
            known = rng.binomial(offences, known_p)
            screened = rng.binomial(known, screen)
            cases = known - screened
            diverted[:, i, j, 0] = offences
            diverted[:, i, j, 1] = offences - known
            diverted[:, i, j, 2] = screened
            day_of_case = np.repeat(np.arange(n_days), cases)
            frac = np.minimum(1.0, scenario.horizon_days - day_of_case)
            times.append(day_of_case + rng.random(day_of_case.size) * frac)
            regs.append(np.full(day_of_case.size, i, np.int16))
            strs.append(np.full(day_of_case.size, j, np.int16))
    time = np.concatenate(times) if times else np.zeros(0)
    order = np.argsort(time, kind="stable")
    return Arrivals(
        time=time[order],
        region=np.concatenate(regs)[order] if regs else np.zeros(0, np.int16),
        stream=np.concatenate(strs)[order] if strs else np.zeros(0, np.int16),
        diverted=diverted,
    )
