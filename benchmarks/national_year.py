"""One replication of one national year of the baseline: cases simulated per second and peak memory.

Run: `python -m benchmarks` (or `python -m benchmarks.national_year`). Each measurement runs in a fresh child
process so peak memory (ru_maxrss) belongs to that run alone. Timings on a shared machine are noisy: the script
repeats the run and reports the best and the median, and a reference loop (pure-Python work of fixed size) measured
in the same run, so figures from different machines or moments can be compared as ratios.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"


def _one_year(queue, years: float):
    from sim import scenario as S
    from sim.model import Model

    sc = S.load(BASELINE, overrides={"horizon_days": 365.0 * years, "warmup_days": 0.0, "runout_days": 0.0})
    t0 = time.perf_counter()
    model = Model(sc, 0)
    model.run()
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    queue.put({"cases": model.n, "seconds": wall, "peak_mb": peak_mb})


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
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=fn, args=(q, *args))
    p.start()
    out = q.get()
    p.join()
    return out


def main(repeats: int = 3, years: float = 1.0) -> dict:
    runs = [measure(_one_year, years) for _ in range(repeats)]
    ref = [measure(_reference)["seconds"] for _ in range(repeats)]
    secs = [r["seconds"] for r in runs]
    cases = runs[0]["cases"]
    out = {
        "benchmark": f"national baseline, {years:g} year(s), one replication",
        "cases": cases,
        "seconds_best": min(secs),
        "seconds_median": statistics.median(secs),
        "cases_per_second_best": cases / min(secs),
        "cases_per_second_median": cases / statistics.median(secs),
        "peak_memory_mb": max(r["peak_mb"] for r in runs),
        "reference_seconds_best": min(ref),
        "run_over_reference": min(secs) / min(ref),
    }
    width = max(len(k) for k in out)
    for k, v in out.items():
        print(f"{k:<{width}}  {v:,.3f}" if isinstance(v, float) else f"{k:<{width}}  {v}")
    return out


if __name__ == "__main__":
    result = main(repeats=int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "bench.json").write_text(json.dumps(result, indent=2))
