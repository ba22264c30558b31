"""Textbook queueing networks as ketensim scenarios, and the queueing theory to check them against.

The chain can be reduced to a tandem of up to three M/M/c stations: the police detectives (station 1), regular OM
handling (station 2: nobody arrested, nobody to ZSM, open every day around the clock, nothing returned) and the
reclassering (station 3: every case a strafbeschikking that is a taakstraf, no verzet, no delivery time,
exponential reclassering work). Each station's capacity is c fte working 168 hours a week, so one fte is one server
and μ per day means a mean of 24/μ hours of work. Every other step takes no time and has unlimited capacity; a station left out is unlimited with
no service time. Arrivals are Poisson (the intake's daily Poisson counts spread uniformly over each day, weekday
pattern flat). The time through the network is `t_exec_end - t_registration` in the case records.

Used by the analytic tests (Erlang C, Little's law) and by the benchmark against plain SimPy and Ciw.
"""

from __future__ import annotations

import math


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C), in the time unit of the rates; infinite if the queue is unstable."""
    a = lam / mu
    rho = a / c
    if rho >= 1:
        return math.inf
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def tandem_sojourn(lam: float, stations) -> float:
    """Mean time through a tandem of M/M/c stations: the sum of Wq + 1/μ (Burke: each sees Poisson arrivals)."""
    return sum(erlang_c_wait(lam, mu, c) + 1.0 / mu for c, mu in stations)


def tandem_raw(
    lam: float,
    stations,
    days: float,
    warmup: float,
    runout: float = 0.0,
    seed: int = 11,
    replications: int = 5,
    name: str = "tandem-mmc",
) -> dict:
    """A scenario (plain data for `sim.scenario.from_dict`) whose chain is a tandem of 1 to 3 M/M/c stations,
    `stations` = [(c, μ), ...] with μ per day; `lam` arrivals per day."""
    if not 1 <= len(stations) <= 3:
        raise ValueError("a tandem of 1 to 3 stations")
    zero, inf = 0.0, float("inf")

    def station(i):
        # an fte working 168 hours a week on an always-open station is a server: one hour of work, one hour of time
        if i < len(stations):
            c, mu = stations[i]
            return c, {"dist": "exponential", "mean": 24.0 / mu}
        return inf, zero

    (c1, s1), (c2, s2), (c3, s3) = station(0), station(1), station(2)
    strafbeschikking = {"strafbeschikking": 1.0}
    routes = ("supersnelrecht", "snelrecht_detained", "snelrecht_not_detained", "regular")
    return {
        "name": name,
        "start_date": "2019-01-07",
        "horizon_days": days,
        "warmup_days": warmup,
        "runout_days": runout,
        "replications": replications,
        "seed": seed,
        # volume per year: 365.25 days a year on average; the intake divides by the days of each calendar year
        "intake": {"streams": {"only": {"volume": lam * 365.25, "known_suspect_share": 1.0, "arrested_share": 0.0}}},
        "police": {
            "detective_fte": c1,
            "hours_per_fte_per_week": 168.0,
            "investigation_hours": s1,
            "file_completion": zero,
            "arrest_processing": zero,
        },
        "om": {
            "zsm_share_not_arrested": {"only": 0.0},
            "info_wait": zero,
            "rework": zero,
            "zsm": {"fte": inf, "hours_per_fte_per_week": 168.0, "work_hours": zero, "return_share": 0.0},
            "regular": {
                "fte": c2,
                "hours_per_fte_per_week": 168.0,
                "work_hours": s2,
                "return_share": 0.0,
                "open_hour": 0,
                "close_hour": 24,
                "open_weekdays": [0, 1, 2, 3, 4, 5, 6],
            },
            "strafbeschikking": {"fine_share": 0.0, "verzet_share": 0.0},  # every one a taakstraf, no verzet
            "decision_mix": {
                "only": {"zsm_arrested": strafbeschikking, "zsm": strafbeschikking, "regular": strafbeschikking}
            },
        },
        "courts": {  # never used: nobody is summoned
            "mk_share": {"only": 0.0},
            "sessions": {"all": {"per_week": 5, "slots": 10, "serves": [*routes[:3], "regular_pr", "regular_mk"]}},
            "verdict_mix": {r: {"suspended": 1.0} for r in routes},
        },
        "appeal": {
            "share": {},
            "preparation": zero,
            "fte": inf,
            "hours_per_fte_per_week": 168.0,
            "work_hours": zero,
            "decision": zero,
        },
        "execution": {
            "delivery": zero,
            "delivery_return_share": 0.0,
            "fines": {
                "paid_share": 1.0,
                "plan_share": 0.0,
                "pay_time": zero,
                "plan_time": zero,
                "replacement_detention": zero,
            },
            "taakstraf": {
                "fte": c3,
                "hours_per_fte_per_week": 168.0,
                "work_hours": s3,
                "intake": zero,
                "to_start": zero,
                "work": zero,
                "failure_share": 0.0,
                "replacement_detention": zero,
            },
            "custodial": {
                "cells": inf,
                "length": {"only": zero},
                "zelfmelder_share": 1.0,
                "callup": zero,
                "find_time": zero,
            },
        },
    }
