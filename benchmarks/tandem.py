"""A textbook tandem of three M/M/c queues, simulated three ways and checked against queueing theory.

Customers arrive as a Poisson process (`LAM` per day) and pass three stations in turn:

    station 1: c = 3, μ = 4 per day      station 2: c = 2, μ = 6 per day      station 3: c = 4, μ = 3 per day

* **ketensim**: the real model with a scenario that reduces the chain to these three stations — the police
  detectives (station 1), regular OM handling (station 2; nobody arrested, nobody to ZSM, open every day 0–24 h,
  nothing returned) and the reclassering (station 3; every case gets a strafbeschikking that is a taakstraf, no
  verzet, no delivery time, work exponential). Every other step takes no time and has unlimited capacity. The
  sojourn is `t_exec_end - t_registration` from the case records.
* **plain SimPy**: one generator process per customer, a `simpy.Resource` per station.
* **Ciw**: the same network in Ciw (optional: `pip install ciw`; skipped if it is not importable).

The analytic mean sojourn is the sum of the three M/M/c mean sojourn times, W = Wq + 1/μ with Wq from Erlang C:
the departures of an M/M/c queue with Poisson arrivals are Poisson (Burke's theorem), so each station sees Poisson
arrivals at rate `LAM` and the stations add up in the mean.

Each function returns the customers counted (registered after the warm-up, before the horizon) and their mean
sojourn per replication, and the wall time of the simulation alone (building the scenario is not timed). All three
run with the cyclic garbage collector paused, as ketensim's `Model.run` does, so the timings compare the designs.
"""

from __future__ import annotations

import contextlib
import gc
import random
import time
from typing import Any

import numpy as np

from sim.kpis import mean_ci
from sim.textbook import tandem_raw, tandem_sojourn

LAM = 10.0  # arrivals per day
STATIONS = ((3, 4.0), (2, 6.0), (4, 3.0))  # (servers c, service rate μ per day)
WARMUP_DAYS = 100.0
RUNOUT_DAYS = 20.0  # no new arrivals: lets the cohort finish (sojourns are well under a day)


@contextlib.contextmanager
def _gc_paused():
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# ------------------------------------------------------------------------------------------ theory


def analytic_sojourn(lam: float = LAM, stations=STATIONS) -> float:
    """Mean time through the tandem: the sum over stations of Wq + 1/μ (Burke: every station sees Poisson arrivals)."""
    return tandem_sojourn(lam, stations)


# ------------------------------------------------------------------------------------------ ketensim


def ketensim_raw(days: float, lam: float = LAM, stations=STATIONS, seed: int = 11) -> dict:
    """The scenario (as a dict for `sim.scenario.from_dict`) that reduces the chain to the three-station tandem."""
    return tandem_raw(lam, stations, days, WARMUP_DAYS, RUNOUT_DAYS, seed=seed)


def ketensim_scenario(days: float, seed: int = 11):
    from sim import scenario as S

    return S.from_dict(ketensim_raw(days, seed=seed))


def run_ketensim(days: float, replications: int, seed: int = 11) -> dict:
    """Mean sojourn per replication of the real model on the tandem scenario."""
    from sim.kpis import cohort_mask
    from sim.model import Model

    sc = ketensim_scenario(days, seed)
    means, counted, seconds = [], 0, 0.0
    for rep in range(replications):
        t0 = time.perf_counter()
        res = Model(sc, rep).run()
        seconds += time.perf_counter() - t0
        c = res.columns
        cohort = cohort_mask(c, sc)
        sojourn = c["t_exec_end"][cohort] - c["t_registration"][cohort]
        if np.isnan(sojourn).any():
            raise RuntimeError("a tandem customer did not finish: lengthen RUNOUT_DAYS")
        means.append(float(sojourn.mean()))
        counted += int(cohort.sum())
    return {"means": means, "customers": counted, "seconds": seconds}


# ------------------------------------------------------------------------------------------ plain SimPy


def run_simpy(days: float, replications: int, seed: int = 11) -> dict:
    """The textbook SimPy model: a source process and one process per customer, a `simpy.Resource` per station."""
    import simpy

    means, counted, seconds = [], 0, 0.0
    for rep in range(replications):
        rnd = random.Random(seed * 1000 + rep)
        env = simpy.Environment()
        stations = [(simpy.Resource(env, capacity=c), mu) for c, mu in STATIONS]
        sojourns = []

        def customer(env):
            arrived = env.now
            for res, mu in stations:
                with res.request() as req:
                    yield req
                    yield env.timeout(rnd.expovariate(mu))
            if WARMUP_DAYS <= arrived < days:
                sojourns.append(env.now - arrived)

        def source(env):
            while True:
                yield env.timeout(rnd.expovariate(LAM))
                if env.now >= days:
                    return
                env.process(customer(env))

        t0 = time.perf_counter()
        env.process(source(env))
        with _gc_paused():
            env.run(until=days + RUNOUT_DAYS)
        seconds += time.perf_counter() - t0
        means.append(float(np.mean(sojourns)))
        counted += len(sojourns)
    return {"means": means, "customers": counted, "seconds": seconds}


# ------------------------------------------------------------------------------------------ Ciw


def ciw_available() -> bool:
    try:
        import ciw  # noqa: F401
    except ImportError:
        return False
    return True


def run_ciw(days: float, replications: int, seed: int = 11) -> dict:
    """The same network in Ciw; sojourn = exit from station 3 - arrival at station 1."""
    import ciw

    means, counted, seconds = [], 0, 0.0
    for rep in range(replications):
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(LAM), None, None],
            service_distributions=[ciw.dists.Exponential(mu) for _, mu in STATIONS],
            routing=[[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]],
            number_of_servers=[c for c, _ in STATIONS],
        )
        ciw.seed(seed * 1000 + rep)
        t0 = time.perf_counter()
        sim = ciw.Simulation(network)
        # Ciw cannot stop arrivals at a time: run long enough past the horizon for the cohort to leave
        with _gc_paused():
            sim.simulate_until_max_time(days + RUNOUT_DAYS)
        seconds += time.perf_counter() - t0
        arrived, left = {}, {}
        for r in sim.get_all_records():
            if r.node == 1:
                arrived[r.id_number] = r.arrival_date
            elif r.node == 3:
                left[r.id_number] = r.exit_date
        cohort = [(i, t) for i, t in arrived.items() if WARMUP_DAYS <= t < days]
        if any(i not in left for i, _ in cohort):
            raise RuntimeError("a tandem customer did not finish in Ciw: lengthen RUNOUT_DAYS")
        sojourns = [left[i] - t for i, t in cohort]
        means.append(float(np.mean(sojourns)))
        counted += len(sojourns)
    return {"means": means, "customers": counted, "seconds": seconds}


# ------------------------------------------------------------------------------------------ all three


RUNNERS = {"ketensim": run_ketensim, "simpy": run_simpy, "ciw": run_ciw}


def summarise(runs: dict[str, dict], days: float, replications: int) -> dict:
    """The runs of each implementation side by side: customers/second, the speed ratios of ketensim to the others,
    and each mean sojourn with its 95% interval against the analytic value; `agree` if every interval covers it
    (with 2% of it as slack for the calendar-year intake rates, as tests/test_queueing.py)."""
    expected = analytic_sojourn()
    out: dict[str, Any] = {
        "days": days,
        "replications": replications,
        "arrivals_per_day": LAM,
        "stations": [{"servers": c, "rate_per_day": mu} for c, mu in STATIONS],
        "analytic_sojourn_days": expected,
        "systems": {},
    }
    for name, r in runs.items():
        mean, lo, hi, _ = mean_ci(r["means"])
        slack = 0.02 * expected
        out["systems"][name] = {
            **r,
            "mean_sojourn_days": mean,
            "ci_low": lo,
            "ci_high": hi,
            "customers_per_second": r["customers"] / r["seconds"],
            "covers_analytic": bool(lo - slack <= expected <= hi + slack),
        }
    s = out["systems"]
    for other in ("simpy", "ciw"):
        if other in s:
            out[f"ketensim_over_{other}_speed"] = (
                s["ketensim"]["customers_per_second"] / s[other]["customers_per_second"]
            )
    out["agree"] = all(r["covers_analytic"] for r in s.values())
    return out
