"""Intake (instroom): offences per case stream and arrondissement, as a non-homogeneous Poisson process.

The rate on a day is the stream's yearly volume for that calendar year / days in the year × the weekday factor
(`intake.weekday_pattern`, normalised to mean 1) × the region's share. Offences are drawn per day and spread
uniformly over it. Of these, a share has a known suspect: each becomes a case (a case with a known suspect always goes
to the OM, Actieplan). Of the offences without a known suspect, the selectiviteitskader decides which share gets
detective capacity (`no_suspect_investigated_share`); of those investigated a share gets a suspect
(`no_suspect_solved_share`) and becomes a case too, entering the chain at the detectives like any case without an
arrest (`suspect_found`); the rest of the investigated offences are detective work without a case
(`Arrivals.investigations`). The others leave at once and are only counted. Cases are numbered in order of
registration; registration is taken to be on the day of the offence (the delay of an aangifte is not modelled).

All of it is drawn up front, vectorised, from named streams per (stream, region): the same seed gives the same
offences in every scenario that has the same intake, and the investigation of offences without a suspect draws from
its own streams, so a scenario that changes the selectiviteitskader keeps the same known-suspect cases.
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
    suspect_found: np.ndarray  # per case: an offence without a known suspect that the investigation solved
    diverted: np.ndarray  # [day, region, stream, (offences, no_suspect, investigated, solved)]
    # investigated offences without a known suspect that stay unsolved: detective work, no case (time, region, stream)
    investigations: tuple[np.ndarray, np.ndarray, np.ndarray]


DIVERTED_COLUMNS = ("offences", "no_suspect", "investigated", "solved")  # solved ones are cases (and in no_suspect)


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
    diverted = np.zeros((n_days, n_reg, n_str, len(DIVERTED_COLUMNS)), dtype=np.int64)
    times, regs, strs, found = [], [], [], []
    inv_t, inv_r, inv_s = [], [], []
    day_dates = [scenario.start_date + dt.timedelta(days=d) for d in range(n_days)]
    days = np.arange(n_days)

    def spread(day_of: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        frac = np.minimum(1.0, scenario.horizon_days - day_of)
        return day_of + rng.random(day_of.size) * frac

    for j, (sname, st) in enumerate(stream_specs):
        known_p = np.array([st.known_suspect_share.at_date(day) for day in day_dates])
        investigated_p = np.array([st.no_suspect_investigated_share.at_date(day) for day in day_dates])
        solved_p = np.array([st.no_suspect_solved_share.at_date(day) for day in day_dates])
        for i, rname in enumerate(region_names):
            rng = streams(f"intake:{sname}:{rname}")
            offences = rng.poisson(rates[:, i, j])
            known = rng.binomial(offences, known_p)
            t_known = spread(np.repeat(days, known), rng)
            rng_inv = streams(f"intake:investigated:{sname}:{rname}")
            investigated = rng_inv.binomial(offences - known, investigated_p)
            solved = rng_inv.binomial(investigated, solved_p)
            t_solved = spread(np.repeat(days, solved), rng_inv)
            t_unsolved = spread(np.repeat(days, investigated - solved), rng_inv)
            diverted[:, i, j, 0] = offences
            diverted[:, i, j, 1] = offences - known
            diverted[:, i, j, 2] = investigated
            diverted[:, i, j, 3] = solved
            n_cases = t_known.size + t_solved.size
            times += [t_known, t_solved]
            found += [np.zeros(t_known.size, np.bool_), np.ones(t_solved.size, np.bool_)]
            regs.append(np.full(n_cases, i, np.int16))
            strs.append(np.full(n_cases, j, np.int16))
            inv_t.append(t_unsolved)
            inv_r.append(np.full(t_unsolved.size, i, np.int16))
            inv_s.append(np.full(t_unsolved.size, j, np.int16))
    time = np.concatenate(times) if times else np.zeros(0)
    order = np.argsort(time, kind="stable")
    t_inv = np.concatenate(inv_t) if inv_t else np.zeros(0)
    inv_order = np.argsort(t_inv, kind="stable")
    return Arrivals(
        time=time[order],
        region=np.concatenate(regs)[order] if regs else np.zeros(0, np.int16),
        stream=np.concatenate(strs)[order] if strs else np.zeros(0, np.int16),
        suspect_found=np.concatenate(found)[order] if found else np.zeros(0, np.bool_),
        diverted=diverted,
        investigations=(
            t_inv[inv_order],
            (np.concatenate(inv_r) if inv_r else np.zeros(0, np.int16))[inv_order],
            (np.concatenate(inv_s) if inv_s else np.zeros(0, np.int16))[inv_order],
        ),
    )
