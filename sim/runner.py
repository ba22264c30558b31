"""Running replications and writing a results folder with its provenance.

`run_scenario` runs `replications` independent replications (serial, or in `jobs` processes: each replication has
its own named random streams, so the results are identical either way) and writes, under
``results/<scenario>/<run-id>/``:

* ``cases.parquet`` — one row per case per replication (times in days since the scenario's start date, NaN = not
  reached; see `records`);
* ``backlog.csv`` — cases per stage at the start of every day, per replication (tidy: replication, day, date, stage,
  cases);
* ``sessions.parquet`` — one row per planned court session: held or cancelled, slots offered and used;
* ``hearings.parquet`` — one row per hearing held: case, time, session type, court queue, and its result
  (verdict, adjourned, report_missing);
* ``stations.csv`` — per capacity-limited station: arrivals, mean wait, mean busy servers;
* ``diverted.csv`` — offences that left at the police (no known suspect, selectiviteitskader), per year;
* ``kpis.csv`` — the key figures with 95% intervals over replications;
* ``scenario.toml`` and ``provenance.json`` — the resolved scenario, seed, replications, version, wall time.

The folder is written under a temporary name and renamed when complete, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .kpis import BACKLOG_STAGES, KpiRow, replication_kpis, summarise, write_csv
from .model import ReplicationResult, run_replication
from .records import CHANNELS, CODE_COLUMNS, EXECUTION_KINDS, OUTCOMES, STAGES
from .scenario import ROUTES, VERDICTS, Scenario, dump_toml


@dataclass
class RunOutput:
    out_dir: Path
    kpis: list[KpiRow]
    per_replication: list[dict]
    wall_seconds: float
    cases: int


def _run_one(args):
    scenario, rep, seed = args
    return run_replication(scenario, rep, seed)


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    executor=None,
) -> list[ReplicationResult]:
    """Run replications 0..n-1; results come back in replication order whatever the number of jobs."""
    tasks = [(scenario, rep, seed) for rep in range(replications)]
    results: list[ReplicationResult] = []
    if executor is not None:
        for res in executor.map(_run_one, tasks):
            results.append(res)
            if progress:
                progress(1)
    elif jobs <= 1 or replications == 1:
        for t in tasks:
            results.append(_run_one(t))
            if progress:
                progress(1)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for res in pool.map(_run_one, tasks):
                results.append(res)
                if progress:
                    progress(1)
    return results


def session_type_names(scenario: Scenario) -> list[str]:
    names: dict[str, None] = {}
    for r in scenario.regions:
        for k in scenario.chain(r).courts.sessions:
            names.setdefault(k, None)
    return list(names)


def kpis_of(scenario: Scenario, results: list[ReplicationResult]) -> tuple[list[KpiRow], list[dict]]:
    types = session_type_names(scenario)
    per_rep = [replication_kpis(r.columns, r.backlog, r.sessions, types, scenario) for r in results]
    return summarise(per_rep), per_rep


# ---------------------------------------------------------------------------------------------- writing


def _labels(codes: np.ndarray, names: tuple[str, ...] | list[str]) -> pa.Array:
    """Integer codes (-1 = none) as a dictionary-encoded string column."""
    codes = np.asarray(codes).astype(np.int32)
    mask = codes < 0
    return pa.DictionaryArray.from_arrays(pa.array(np.where(mask, 0, codes), mask=mask), pa.array(list(names)))


def cases_table(scenario: Scenario, res: ReplicationResult) -> pa.Table:
    cols = res.columns
    n = len(cols["t_registration"])
    label_of = {
        "region": list(scenario.regions),
        "stream": list(scenario.intake.streams),
        "channel": CHANNELS,
        "route_initial": ROUTES,
        "route": ROUTES,
        "verdict": VERDICTS,
        "execution": EXECUTION_KINDS,
        "outcome": OUTCOMES,
        "stage_at_end": STAGES,
    }
    data = {
        "replication": pa.array(np.full(n, res.replication, np.int16)),
        "case_id": pa.array(np.arange(n, dtype=np.int32)),
    }
    for name, arr in cols.items():
        if name in label_of:
            data[name] = _labels(arr, label_of[name])
        elif name.startswith("days_"):
            data[name] = pa.array(arr.astype(np.float32))
        elif name in CODE_COLUMNS or name.startswith("t_"):
            data[name] = pa.array(arr)
    return pa.table(data)


def _write_results(tmp: Path, scenario: Scenario, results: list[ReplicationResult], rows: list[KpiRow]) -> None:
    # cases: one row group per replication
    writer = None
    try:
        for res in results:
            table = cases_table(scenario, res)
            if writer is None:
                writer = pq.ParquetWriter(tmp / "cases.parquet", table.schema, compression="zstd")
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    # backlog per day (tidy)
    start = scenario.start_date
    with open(tmp / "backlog.csv", "w") as fh:
        fh.write("replication,day,date,stage,cases\n")
        for res in results:
            days = res.backlog.shape[0]
            dates = [(start + dt.timedelta(days=d)).isoformat() for d in range(days)]
            lines = []
            for d in range(days):
                row = res.backlog[d]
                for s, stage in enumerate(BACKLOG_STAGES):
                    lines.append(f"{res.replication},{d},{dates[d]},{stage},{row[s]}\n")
            fh.writelines(lines)
    # sessions
    types = session_type_names(scenario)
    regions = list(scenario.regions)
    tables = []
    for res in results:
        s = res.sessions
        m = len(s["time"])
        tables.append(
            pa.table(
                {
                    "replication": pa.array(np.full(m, res.replication, np.int16)),
                    "region": _labels(s["region"], regions),
                    "session_type": _labels(s["session_type"], types),
                    "time": pa.array(s["time"]),
                    "held": pa.array(s["held"]),
                    "slots": pa.array(s["slots"]),
                    "used": pa.array(s["used"]),
                }
            )
        )
    pq.write_table(pa.concat_tables(tables), tmp / "sessions.parquet", compression="zstd")
    # hearings
    from .courts import HEARING_RESULTS
    from .scenario import COURT_QUEUES

    tables = []
    for res in results:
        h = res.hearings
        m = len(h["case_id"])
        tables.append(
            pa.table(
                {
                    "replication": pa.array(np.full(m, res.replication, np.int16)),
                    "case_id": pa.array(h["case_id"]),
                    "time": pa.array(h["time"]),
                    "session_type": _labels(h["session_type"], types),
                    "queue": _labels(h["queue"], COURT_QUEUES),
                    "result": _labels(h["result"], HEARING_RESULTS),
                }
            )
        )
    pq.write_table(pa.concat_tables(tables), tmp / "hearings.parquet", compression="zstd")
    # stations
    with open(tmp / "stations.csv", "w") as fh:
        keys = list(results[0].stations[0]) if results and results[0].stations else []
        fh.write(",".join(["replication"] + keys) + "\n")
        for res in results:
            for st in res.stations:
                fh.write(",".join([str(res.replication)] + [_cell(st[k]) for k in keys]) + "\n")
    # diverted offences per calendar year
    streams = list(scenario.intake.streams)
    with open(tmp / "diverted.csv", "w") as fh:
        fh.write("replication,year,region,stream,offences,no_suspect,screened_out\n")
        for res in results:
            div = res.diverted
            years = np.array([(start + dt.timedelta(days=d)).year for d in range(div.shape[0])])
            for y in np.unique(years):
                tot = div[years == y].sum(axis=0)
                for i, rname in enumerate(regions):
                    for j, sname in enumerate(streams):
                        o, ns, sc = tot[i, j]
                        fh.write(f"{res.replication},{y},{rname},{sname},{o},{ns},{sc}\n")
    write_csv(rows, tmp / "kpis.csv")


def _cell(v) -> str:
    if isinstance(v, float):
        return "" if v != v else f"{v:.6g}"
    return str(v)


def default_out_dir(scenario: Scenario, seed: int, root: Path = Path("results")) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / scenario.name / f"{stamp}-seed{seed}"


def run_scenario(
    scenario: Scenario,
    scenario_file: str | None = None,
    replications: int | None = None,
    seed: int | None = None,
    out_dir: Path | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    executor=None,
) -> RunOutput:
    replications = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir(scenario, seed)
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    results = run_replications(scenario, replications, seed, jobs, progress, executor)
    rows, per_rep = kpis_of(scenario, results)
    wall = time.perf_counter() - started

    tmp = out_dir.with_name(out_dir.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        _write_results(tmp, scenario, results, rows)
        (tmp / "scenario.toml").write_text(dump_toml(scenario))
        provenance = {
            "ketensim_version": __version__,
            "scenario": scenario.name,
            "scenario_file": scenario_file,
            "seed": seed,
            "replications": replications,
            "jobs": jobs,
            "start_date": scenario.start_date.isoformat(),
            "horizon_days": scenario.horizon_days,
            "warmup_days": scenario.warmup_days,
            "runout_days": scenario.runout_days,
            "started_at": started_at,
            "wall_seconds": round(wall, 3),
            "replication_seconds": [round(r.wall_seconds, 3) for r in results],
            "cases_per_replication": [int(len(r.columns["t_registration"])) for r in results],
            "session_types": session_type_names(scenario),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "command": sys.argv,
            "resolved_scenario": json.loads(json.dumps(scenario.resolved_dict(), default=str)),
        }
        (tmp / "provenance.json").write_text(json.dumps(provenance, indent=2, default=str))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return RunOutput(out_dir, rows, per_rep, wall, sum(len(r.columns["t_registration"]) for r in results))
