"""The benchmark suite: every figure of the performance issue measured in one run, printed as one table and written
to `results/bench.json`.

    python -m benchmarks            # every part (about 40 minutes on 2 shared cores)
    python -m benchmarks --quick    # parts 1-3 and 6, fewer repeats and a shorter tandem (a few minutes)
    python -m benchmarks --parts 6  # only the parts named (part 2 needs part 1: it is run with it)

1. the full chain, national baseline, one replication of one national year: cases per second per core and peak
   memory (a fresh child process per run; best and median of the repeats), and the ratio to a fixed pure-Python
   workload measured in the same run;
2. the same scenario through the plain-SimPy reference (`reference_chain.py`, one process per case): speed ratio
   real / reference, best of the repeats each;
3. a tandem of three M/M/c queues through ketensim, plain SimPy and Ciw (`tandem.py`): customers per second, speed
   ratios, and each mean sojourn with its 95% interval beside the analytic value;
4. ten national years with every per-case record kept: peak memory against the 1 GB target;
5. 8 scenarios × 20 replications × one national year with `sim.compare.compare(..., jobs=2)`: wall time against the
   2-minute target;
6. memory over replications: the national baseline with 45 days of intake run as `ketensim run` runs it (records
   kept, one process) with 2 and with 20 replications: the peak memory of each and their ratio, against the target
   that 20 replications need at most 10% more than 2 (results are streamed per replication);
7. the workshop page's answer to a lever change on the national model (`workshop.py`): the variant simulated at the
   workshop settings against the cached base, the comparison made and the page's figures drawn, against the issue's
   30 seconds; the first answer (its own shorter period, shown while the full answer runs); and the session's
   first run, which also runs the base.
8. a national capacity search (`ketensim capacity`): the politierechter sessions a week that shorten the median
   wait from summons to first hearing by 10% (the target set from the baseline's own value, measured first), one
   year of intake from the stocks, on 2 processes and on a local Dask cluster of 2 workers: replications simulated,
   wall time, and whether both found the same answer (they must: common random numbers).

Ratios measured in one run are what compares across machines and moments; absolute figures depend on the machine and
on what else runs on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from . import national_year as nat
from . import tandem, workshop

ROOT = nat.ROOT
TEN_YEARS_DAYS = 3652.0
MEMORY_TARGET_MB = 1024.0
COMPARE_TARGET_S = 120.0
COMPARE_REPLICATIONS = 20
COMPARE_JOBS = 2
REPLICATIONS_DAYS = 45.0
REPLICATIONS_FEW, REPLICATIONS_MANY = 2, 20
REPLICATIONS_MEMORY_RATIO_TARGET = 1.10
CAPACITY_LEVER = "courts.sessions.politierechter.per_week"
CAPACITY_KPI = "days_summons_to_first_hearing_p50[regular_pr]"
CAPACITY_SETTINGS = {"horizon_days": 365.0, "runout_days": 120.0}  # one year of intake from the stocks
# the baseline and seven of the Actieplan lever scenarios
COMPARE_FILES = (
    "baseline",
    "zsm-selection",
    "flexible-courts",
    "officier-available",
    "files-right-first-time",
    "faster-advice",
    "faster-delivery",
    "execution-info",
)


# targets of the performance issue (README "Performance")
CASES_PER_SECOND_TARGET = 60_000  # issue 16 (50,000 before)
REFERENCE_RATIO_TARGET = 2.0
SIMPY_RATIO_TARGET = 2.0  # issue 16 (4 before)
CIW_RATIO_TARGET = 10.0


def implied_cases_per_second(cases_per_year: int) -> float:
    """The speed per core the compare target implies: 8 × 20 national years on 2 cores in 2 minutes."""
    return len(COMPARE_FILES) * COMPARE_REPLICATIONS * cases_per_year / (COMPARE_JOBS * COMPARE_TARGET_S)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick",
        action="store_true",
        help="parts 1-3 and 6 only, fewer repeats and a shorter tandem (skips 4: ten years, 5: compare, 7: workshop, 8: capacity search)",
    )
    p.add_argument(
        "--parts", type=str, default=None, help="comma-separated parts to run, e.g. 6 or 1,3 (default: all, or quick's)"
    )
    p.add_argument(
        "--repeats", type=int, default=None, help="fresh-process runs per national-year figure (default 3, quick 1)"
    )
    p.add_argument(
        "--tandem-days",
        type=float,
        default=None,
        help="simulated days per tandem replication (default 20000, quick 4000; 5 replications, 10 a day)",
    )
    p.add_argument(
        "--replications-days",
        type=float,
        default=REPLICATIONS_DAYS,
        help=f"days of national intake per replication in part 6 (default {REPLICATIONS_DAYS:g})",
    )
    p.add_argument("--out", type=Path, default=ROOT / "results" / "bench.json", help="where to write the figures")
    p.add_argument(
        "legacy_repeats", nargs="?", type=int, default=None, help=argparse.SUPPRESS
    )  # `python -m benchmarks 5`
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = args.legacy_repeats or (1 if args.quick else 3)
    if args.tandem_days is None:
        args.tandem_days = 4000.0 if args.quick else 20000.0
    return args


def _log(msg: str) -> None:
    print(msg, flush=True)


# ---------------------------------------------------------------------------------------------- the parts


def _national_figures(implementation: str, repeats: int) -> dict:
    """One national year by `implementation` in `repeats` fresh processes: cases, timings, cases/s, peak memory."""
    t = nat.timed(nat._national_run, repeats, nat.YEAR_DAYS, implementation)
    cases = t["runs"][0]["cases"]
    return {
        "cases": cases,
        "seconds": [r["seconds"] for r in t["runs"]],
        "seconds_best": t["seconds_best"],
        "seconds_median": t["seconds_median"],
        "cases_per_second_best": cases / t["seconds_best"],
        "cases_per_second_median": cases / t["seconds_median"],
        "peak_memory_mb": t["peak_mb"],
    }


def part_national_year(repeats: int) -> dict:
    _log(f"[1] national year, ketensim: {repeats} fresh process(es) ...")
    out = _national_figures("ketensim", repeats)
    loop = nat.timed(nat._reference, repeats)
    out.update(
        python_loop_seconds_best=loop["seconds_best"], run_over_python_loop=out["seconds_best"] / loop["seconds_best"]
    )
    out.update(_against_heap_only(repeats))
    out.update(_records_written(repeats))
    return out


def _records_written(repeats: int) -> dict:
    """The same year written as `ketensim run --no-plots` writes it, with and without the per-case records,
    alternated in fresh processes: the time ratio of the best runs (issue 16: at most 1.3)."""
    _log(f"[1] national year written with and without per-case records: {repeats} pair(s) of fresh processes ...")
    pairs = [tuple(nat.measure(nat._written_run, nat.YEAR_DAYS, rec) for rec in (True, False)) for _ in range(repeats)]
    with_records = min(a["seconds"] for a, _ in pairs)
    without = min(b["seconds"] for _, b in pairs)
    return {
        "written_with_records_seconds_best": with_records,
        "written_without_records_seconds_best": without,
        "records_time_ratio": with_records / without,
        "written_with_records_mb": pairs[0][0]["bytes"] / 1e6,
        "written_without_records_mb": pairs[0][1]["bytes"] / 1e6,
    }


def _against_heap_only(repeats: int) -> dict:
    """The same year alternated, in fresh processes, with two earlier ways of handling its events: every step as an
    event (`sim.events.WORK_OUT_AHEAD = False`, before pure delays were worked out ahead), and that with
    every light event straight onto SimPy's heap (`sim.events.HOLD_FAR_EVENTS = False`, before the day buckets).
    Same cases in all three: the speed ratios of the best runs, events per case, and the heap at the end."""
    impls = ("ketensim", "ketensim-stepwise", "ketensim-heap")
    _log(
        f"[1] national year against its earlier event handling: {repeats} round(s) of {len(impls)} fresh processes ..."
    )
    rounds = [{impl: nat.measure(nat._national_run, nat.YEAR_DAYS, impl) for impl in impls} for _ in range(repeats)]
    best = {impl: min(r[impl]["seconds"] for r in rounds) for impl in impls}
    first = rounds[0]
    cases = first["ketensim"]["cases"]
    return {
        "heap_only_seconds_best": best["ketensim-heap"],
        "stepwise_seconds_best": best["ketensim-stepwise"],
        "now_seconds_best_paired": best["ketensim"],
        "speed_now_over_heap_only": best["ketensim-heap"] / best["ketensim"],
        "speed_now_over_stepwise": best["ketensim-stepwise"] / best["ketensim"],
        "events_per_case": {impl: first[impl]["events"] / cases for impl in impls},
        "heap_entries_at_end_buckets": first["ketensim"]["heap_entries_at_end"],
        "held_back_at_end_buckets": first["ketensim"]["held_back_at_end"],
        "heap_entries_at_end_heap_only": first["ketensim-heap"]["heap_entries_at_end"],
        "same_cases": all(r[impl]["cases"] == cases for r in rounds for impl in impls),
    }


def part_reference(repeats: int, real: dict) -> dict:
    _log(f"[2] national year, plain-SimPy reference (one process per case): {repeats} fresh process(es) ...")
    out = _national_figures("reference", repeats)
    out["speed_real_over_reference"] = real["cases_per_second_best"] / out["cases_per_second_best"]
    return out


def _tandem_child(queue, system: str, days: float, replications: int):
    queue.put(tandem.RUNNERS[system](days, replications))


def part_tandem(days: float, replications: int = 5) -> dict:
    systems = ["ketensim", "simpy"]
    if tandem.ciw_available():
        systems.append("ciw")
    else:
        _log(
            "note: ciw is not importable (install it into .venv for the benchmark only: .venv/bin/pip install ciw); "
            "the Ciw row is skipped"
        )
    runs = {}
    for name in systems:
        _log(f"[3] M/M/c tandem, {name}: {replications} replications of {days:,.0f} days (fresh process) ...")
        runs[name] = nat.measure(_tandem_child, name, days, replications)
    out = tandem.summarise(runs, days, replications)
    if "ciw" not in runs:
        out["ciw_skipped"] = "ciw not importable"
    return out


def part_ten_years() -> dict:
    _log(f"[4] ten national years ({TEN_YEARS_DAYS:g} days), every per-case record kept: one fresh process ...")
    r = nat.measure(nat._national_run, TEN_YEARS_DAYS, "ketensim")
    return {"days": TEN_YEARS_DAYS, **r, "target_mb": MEMORY_TARGET_MB, "met": r["peak_mb"] <= MEMORY_TARGET_MB}


def part_compare() -> dict:
    from sim.compare import compare

    n = len(COMPARE_FILES)
    _log(
        f"[5] compare: {n} scenarios x {COMPARE_REPLICATIONS} replications x one national year, "
        f"--jobs {COMPARE_JOBS} ..."
    )
    scenarios = [nat.national(nat.YEAR_DAYS, ROOT / "scenarios" / f"{f}.toml") for f in COMPARE_FILES]
    with tempfile.TemporaryDirectory(prefix="ketensim-bench-") as tmp:
        t0 = time.perf_counter()
        # a sweep: key figures, backlogs and sessions for every run, no per-case tables (--no-records)
        compare(
            scenarios,
            files=[f"scenarios/{f}.toml" for f in COMPARE_FILES],
            replications=COMPARE_REPLICATIONS,
            out_dir=Path(tmp) / "compare",
            jobs=COMPARE_JOBS,
            records=False,
        )
        wall = time.perf_counter() - t0
    return {
        "scenarios": list(COMPARE_FILES),
        "replications": COMPARE_REPLICATIONS,
        "jobs": COMPARE_JOBS,
        "seconds": wall,
        "target_seconds": COMPARE_TARGET_S,
        "met": wall < COMPARE_TARGET_S,
    }


def part_replications_memory(days: float = REPLICATIONS_DAYS) -> dict:
    runs = {}
    for n in (REPLICATIONS_FEW, REPLICATIONS_MANY):
        _log(f"[6] {n} replications of {days:g} national days, records kept, one process ...")
        runs[n] = nat.measure(nat._replications_run, days, n)
    ratio = runs[REPLICATIONS_MANY]["peak_mb"] / runs[REPLICATIONS_FEW]["peak_mb"]
    return {
        "days": days,
        "runs": {str(n): r for n, r in runs.items()},
        "ratio": ratio,
        "target_ratio": REPLICATIONS_MEMORY_RATIO_TARGET,
        "met": ratio <= REPLICATIONS_MEMORY_RATIO_TARGET,
    }


def part_workshop() -> dict:
    _log(f"[7] workshop page: a lever change on the national model ({workshop.LEVER}), base cached ...")
    return workshop.measure()


def part_capacity_search() -> dict:
    from sim.capacity_search import CapacitySearch, Target
    from sim.executors import open_executor

    baseline = ROOT / "scenarios" / "baseline.toml"
    options: dict[str, Any] = dict(
        overrides=CAPACITY_SETTINGS, jobs=2, min_replications=2, max_replications=6, step=5.0, budget=40
    )
    _log(f"[8] capacity search: {CAPACITY_LEVER} for {CAPACITY_KPI} 10% below the baseline's, 2 replications first ...")
    probe = CapacitySearch(baseline, CAPACITY_LEVER, [Target.parse(f"{CAPACITY_KPI} <= 1e9")], **options)
    now = probe.ensure(probe.current, 2).interval(probe.targets[0], 0.95)[0]
    target = Target.parse(f"{CAPACITY_KPI} <= {0.9 * now:.2f}")
    out: dict = {"lever": CAPACITY_LEVER, "now": probe.current, "kpi_now": now, "target": str(target)}
    for kind in ("processes", "dask"):
        _log(f"[8] ... the search on {kind} (2 workers): {target}")
        try:
            with open_executor(kind, None, 2) as ex:
                search = CapacitySearch(baseline, CAPACITY_LEVER, [target], executor=ex, **options)
                t0 = time.perf_counter()
                r = search.run()
                wall = time.perf_counter() - t0
        except Exception as e:  # Dask missing or unusable: say so in the table, keep the other figures
            out[kind] = {"error": str(e)}
            continue
        out[kind] = {
            "seconds": wall,
            "replications": r.replications_run,
            "answer": r.answer,
            "below": r.below,
            "message": r.message,
        }
    answers = [out[k].get("answer") for k in ("processes", "dask") if "error" not in out[k]]
    out["same_answer"] = len(answers) == 2 and answers[0] == answers[1]
    return out


# ---------------------------------------------------------------------------------------------- the table


def table_rows(result: dict) -> list[tuple[str, str, str, str]]:
    """(figure, value, target, met?) for every figure measured."""
    rows = []
    yes = {True: "yes", False: "NO"}
    y = result.get("national_year")
    if y:
        implied = implied_cases_per_second(y["cases"])
        rows += [
            ("1 national year: cases", f"{y['cases']:,}", "", ""),
            (
                "1 national year: wall time best / median (s)",
                f"{y['seconds_best']:.1f} / {y['seconds_median']:.1f}",
                "",
                "",
            ),
            (
                "1 cases/second/core, best",
                f"{y['cases_per_second_best']:,.0f}",
                f">= {CASES_PER_SECOND_TARGET:,}",
                yes[y["cases_per_second_best"] >= CASES_PER_SECOND_TARGET],
            ),
            ("1 speed the compare target implies (cases/s/core)", f"{implied:,.0f}", "", ""),
            ("1 cases/second/core, median", f"{y['cases_per_second_median']:,.0f}", "", ""),
            ("1 peak memory, one year (MB)", f"{y['peak_memory_mb']:,.0f}", "", ""),
            ("1 run time / pure-Python loop", f"{y['run_over_python_loop']:.2f}", "", ""),
            (
                "1 speed now / before issue 16's event handling (every event on the heap, every step an event;"
                " paired, best of each)",
                f"{y['speed_now_over_heap_only']:.2f}",
                ">= 2 (issue 16)",
                ("" if y["same_cases"] else "CASES DIFFER ") + yes[y["speed_now_over_heap_only"] >= 2.0],
            ),
            (
                "1 speed with pure delays worked out ahead / every step an event (paired, best of each)",
                f"{y['speed_now_over_stepwise']:.2f}",
                "",
                "",
            ),
            (
                "1 written with per-case records / without (whole run, best of each; MB written)",
                f"{y['records_time_ratio']:.2f} ({y['written_with_records_seconds_best']:.1f} / "
                f"{y['written_without_records_seconds_best']:.1f} s; {y['written_with_records_mb']:,.0f} / "
                f"{y['written_without_records_mb']:,.1f} MB)",
                "<= 1.3 (issue 16)",
                yes[y["records_time_ratio"] <= 1.3],
            )
            if "records_time_ratio" in y
            else ("1 written with per-case records / without", "not measured", "", ""),
            (
                "1 events per case: now / every step an event / and every event on the heap",
                " / ".join(f"{v:.2f}" for v in y["events_per_case"].values()),
                "",
                "",
            ),
            (
                "1 SimPy heap at the end of the year: buckets (+ held back) / heap only",
                f"{y['heap_entries_at_end_buckets']:,} (+{y['held_back_at_end_buckets']:,}) / "
                f"{y['heap_entries_at_end_heap_only']:,}",
                "",
                "",
            ),
        ]
    r = result.get("reference")
    if r:
        rows += [
            ("2 reference: cases/second, best", f"{r['cases_per_second_best']:,.0f}", "", ""),
            (
                "2 speed real / reference (best of each)",
                f"{r['speed_real_over_reference']:.2f}",
                f">= {REFERENCE_RATIO_TARGET:g}",
                yes[r["speed_real_over_reference"] >= REFERENCE_RATIO_TARGET],
            ),
        ]
    t = result.get("tandem")
    if t:
        e = t["analytic_sojourn_days"]
        rows.append(
            (
                f"3 tandem: customers per system ({t['replications']} reps x {t['days']:,.0f} days)",
                f"{t['systems']['ketensim']['customers']:,}",
                "",
                "",
            )
        )
        for name, s in t["systems"].items():
            rows.append((f"3 tandem {name}: customers/second", f"{s['customers_per_second']:,.0f}", "", ""))
        rows.append(
            (
                "3 speed ketensim / SimPy",
                f"{t['ketensim_over_simpy_speed']:.2f}",
                f">= {SIMPY_RATIO_TARGET:g}",
                yes[t["ketensim_over_simpy_speed"] >= SIMPY_RATIO_TARGET],
            )
        )
        if "ketensim_over_ciw_speed" in t:
            rows.append(
                (
                    "3 speed ketensim / Ciw",
                    f"{t['ketensim_over_ciw_speed']:.2f}",
                    f">= {CIW_RATIO_TARGET:g}",
                    yes[t["ketensim_over_ciw_speed"] >= CIW_RATIO_TARGET],
                )
            )
        else:
            rows.append(("3 speed ketensim / Ciw", "skipped (ciw not importable)", "", ""))
        for name, s in t["systems"].items():
            rows.append(
                (
                    f"3 mean sojourn {name} (days, 95% CI)",
                    f"{s['mean_sojourn_days']:.4f} [{s['ci_low']:.4f}, {s['ci_high']:.4f}]",
                    f"{e:.4f} (Erlang C)",
                    yes[s["covers_analytic"]],
                )
            )
        rows.append(("3 agree", "yes" if t["agree"] else "no", "yes", yes[t["agree"]]))
    ten = result.get("ten_years")
    if ten:
        rows += [
            ("4 ten years: cases", f"{ten['cases']:,}", "", ""),
            ("4 ten years: peak memory (MB)", f"{ten['peak_mb']:,.0f}", f"<= {MEMORY_TARGET_MB:,.0f}", yes[ten["met"]]),
            ("4 ten years: wall time (s)", f"{ten['seconds']:.0f}", "", ""),
        ]
    c = result.get("compare")
    if c:
        rows.append(
            (
                f"5 compare {len(c['scenarios'])} x {c['replications']} x 1 year, --jobs {c['jobs']}, --no-records (s)",
                f"{c['seconds']:.0f}",
                f"< {COMPARE_TARGET_S:.0f}",
                yes[c["met"]],
            )
        )
    m = result.get("replications_memory")
    if m:
        for n, r in m["runs"].items():
            rows.append((f"6 {n} replications x {m['days']:g} days: peak memory (MB)", f"{r['peak_mb']:,.0f}", "", ""))
        rows.append(
            (
                f"6 peak memory {REPLICATIONS_MANY} / {REPLICATIONS_FEW} replications",
                f"{m['ratio']:.3f}",
                f"<= {REPLICATIONS_MEMORY_RATIO_TARGET:.2f}",
                yes[m["met"]],
            )
        )
    w = result.get("workshop")
    if w:
        rows += [
            (
                "7 workshop: answer to a lever change, national (s)",
                f"{w['change_seconds']:.0f}",
                f"<= {w['target_seconds']:.0f}",
                yes[w["met"]],
            ),
            (
                "7 workshop: first answer to it (its own half year, one replication per process; s)",
                f"{w['change_coarse_seconds']:.0f}",
                f"<= {w['target_seconds']:.0f}",
                yes[w["change_coarse_seconds"] <= w["target_seconds"]],
            ),
            (
                "7 workshop: of which simulating the variant / drawing the page (s)",
                f"{w['change_simulate_seconds']:.0f} / {w['change_page_seconds']:.0f}",
                "",
                "",
            ),
            (
                "7 workshop: the session's first run, base included: first answer / full answer (s)",
                f"{w['first_coarse_seconds']:.0f} / {w['first_seconds']:.0f}",
                "",
                "",
            ),
        ]
    cap = result.get("capacity_search")
    if cap:
        rows.append((f"8 capacity search: {cap['target']} (now {cap['kpi_now']:.1f})", "", "", ""))
        for kind in ("processes", "dask"):
            c = cap.get(kind, {})
            if "error" in c:
                rows.append((f"8 on {kind}", f"not run: {c['error']}", "", ""))
                continue
            answer = "none" if c["answer"] is None else f"{c['answer']:g} (now {cap['now']:g})"
            rows.append((f"8 on {kind}: answer", answer, "", ""))
            rows.append(
                (f"8 on {kind}: replications / wall time (s)", f"{c['replications']} / {c['seconds']:.0f}", "", "")
            )
        rows.append(("8 same answer on both", "yes" if cap["same_answer"] else "no", "yes", yes[cap["same_answer"]]))
    return rows


def print_table(rows) -> None:
    head = ("figure", "value", "target", "met?")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    print(line)
    for r in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip())
    print(line)


# ---------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> dict:
    """Run the suite (`argv` as on the command line, e.g. ["--quick"]), print the table, write the JSON; return it."""
    args = parse(argv)
    parts = [1, 2, 3, 6] if args.quick else [1, 2, 3, 4, 5, 6, 7, 8]
    if args.parts:
        parts = sorted({int(x) for x in args.parts.split(",")} | ({1} if "2" in args.parts.split(",") else set()))
    started = time.perf_counter()
    result: dict = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_start": list(os.getloadavg()),
        },
        "quick": args.quick,
        "parts_run": parts,
        "repeats": args.repeats,
    }
    _log(
        f"ketensim benchmarks: parts {', '.join(map(str, parts))}"
        + (
            " (quick: 4 ten years, 5 compare, 7 workshop and 8 capacity search skipped)"
            if args.quick and not args.parts
            else ""
        )
    )
    if 1 in parts:
        result["national_year"] = part_national_year(args.repeats)
    if 2 in parts:
        result["reference"] = part_reference(args.repeats, result["national_year"])
    if 3 in parts:
        result["tandem"] = part_tandem(args.tandem_days)
    if 4 in parts:
        result["ten_years"] = part_ten_years()
    if 5 in parts:
        result["compare"] = part_compare()
    if 6 in parts:
        result["replications_memory"] = part_replications_memory(args.replications_days)
    if 7 in parts:
        result["workshop"] = part_workshop()
    if 8 in parts:
        result["capacity_search"] = part_capacity_search()
    result["wall_seconds"] = time.perf_counter() - started
    rows = table_rows(result)
    result["table"] = [dict(zip(("figure", "value", "target", "met"), r)) for r in rows]

    print()
    print_table(rows)
    ran = ", ".join(map(str, parts))
    print(
        f"parts run: {ran}"
        + (
            "; skipped: 4 (ten years), 5 (compare), 7 (workshop), 8 (capacity search) -- run without --quick for them"
            if args.quick and not args.parts
            else ""
        )
    )
    print(
        f"total wall time {result['wall_seconds']:.0f} s; load average at start "
        f"{', '.join(f'{x:.1f}' for x in result['machine']['load_average_at_start'])} on {os.cpu_count()} cores"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    print(f"written: {_shown(args.out)}")
    return result


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
