"""National runs of the baseline, each in a fresh child process: cases simulated per second and peak memory.

Used by `python -m benchmarks` (benchmarks/suite.py), parts 1, 2 and 4.
Each measurement runs in a fresh child process so peak memory (ru_maxrss) belongs to that run alone. Timings on a
shared machine are noisy: the script repeats the run and reports the best and the median, and a reference loop
(pure-Python work of fixed size) measured in the same run, so figures from different machines or moments can be
compared as ratios.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
YEAR_DAYS = 365.0


def national(days: float, path: Path = BASELINE):
    """The national baseline (or another scenario file) with `days` of intake, no warm-up and no run-out. The
    selectiviteitskader's investigation of offences without a known suspect is switched off, on both sides of the
    comparison: the plain-SimPy reference does not implement it."""
    from sim import scenario as S

    raw, _ = S.load_raw(path)
    no_selection = {name: {"no_suspect_investigated_share": 0.0} for name in raw["intake"]["streams"]}
    return S.load(
        path,
        overrides={
            "horizon_days": float(days),
            "warmup_days": 0.0,
            "runout_days": 0.0,
            "intake": {"streams": no_selection},
        },
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def _national_run(queue, days: float, implementation: str = "ketensim"):
    """One replication of the national baseline in this (fresh) process; the per-case records stay in memory
    until the peak is read."""
    sc = national(days)
    t0 = time.perf_counter()
    extra: dict = {}
    if implementation in ("ketensim", "ketensim-stepwise", "ketensim-heap"):
        from sim import events
        from sim.model import Model

        # "ketensim-stepwise": every step an event, as before the pure delays worked out ahead (sim/events.py
        # WORK_OUT_AHEAD); "ketensim-heap": that, and every light event straight onto SimPy's heap, as before the day
        # buckets (HOLD_FAR_EVENTS): the event handling before issue 16
        events.HOLD_FAR_EVENTS = implementation != "ketensim-heap"
        events.WORK_OUT_AHEAD = implementation == "ketensim"
        model = Model(sc, 0)
        result = model.run()
        columns = result.columns
        on_heap, held = model.schedule_at_end  # taken before the run drops what is left
        extra = {
            "heap_entries_at_end": on_heap,
            "held_back_at_end": held,
            "events": next(model.env._eid),  # SimPy numbers every event it schedules
        }
    else:
        from benchmarks.reference_chain import run_reference

        columns = run_reference(sc, 0)
    wall = time.perf_counter() - t0
    queue.put({"cases": int(len(columns["t_registration"])), "seconds": wall, "peak_mb": _peak_mb(), **extra})


def _replications_run(queue, days: float, replications: int):
    """`replications` of the national baseline with `days` of intake written as `ketensim run` writes them (every
    per-case record, one process, results streamed replication by replication): the peak memory of the whole run."""
    import tempfile

    from sim.runner import run_scenario

    sc = national(days)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ketensim-bench-") as tmp:
        out = run_scenario(sc, replications=replications, seed=1, out_dir=Path(tmp) / "run", jobs=1)
    queue.put({"cases": out.cases, "seconds": time.perf_counter() - t0, "peak_mb": _peak_mb()})


def _written_run(queue, days: float, records: bool):
    """One replication of the national baseline with `days` of intake as `ketensim run --no-plots` writes it, with
    its per-case records (cases.parquet, hearings.parquet) or without (`--no-records`): the time of the whole run,
    simulation and writing."""
    import tempfile

    from sim.runner import run_scenario

    sc = national(days)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ketensim-bench-") as tmp:
        out = run_scenario(sc, replications=1, seed=1, out_dir=Path(tmp) / "run", jobs=1, records=records)
        written = sum(f.stat().st_size for f in out.out_dir.rglob("*") if f.is_file())
    queue.put({"cases": out.cases, "seconds": time.perf_counter() - t0, "bytes": written})


def _reference(queue):
    """A fixed amount of pure-Python work (heap pushes and pops), to express speed relative to this machine now."""
    import heapq
    import random

    rnd = random.Random(1)
    t0 = time.perf_counter()
    heap = []
    for i in range(1_000_000):
        heapq.heappush(heap, (rnd.random(), i))
        if len(heap) > 50_000:
            heapq.heappop(heap)
    queue.put({"seconds": time.perf_counter() - t0})


def measure(fn, *args):
    """Run `fn(queue, *args)` in a fresh (spawned) process and return what it put on the queue."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=fn, args=(q, *args))
    p.start()
    out = q.get()
    p.join()
    if p.exitcode != 0:
        raise RuntimeError(f"benchmark child {fn.__name__} exited with {p.exitcode}")
    return out


def timed(fn, repeats: int, *args) -> dict:
    """`repeats` fresh-process runs: best and median seconds, the largest peak memory, and the runs."""
    runs = [measure(fn, *args) for _ in range(repeats)]
    secs = [r["seconds"] for r in runs]
    return {
        "runs": runs,
        "seconds_best": min(secs),
        "seconds_median": statistics.median(secs),
        "peak_mb": max(r.get("peak_mb", 0.0) for r in runs),
    }
