"""Running replications and writing a results folder with its provenance.

`run_scenario` runs `replications` independent replications (serial, or in `jobs` processes: each replication has
its own named random streams, so the results are identical either way) and writes, under
``results/<scenario>/<run-id>/``:

* ``cases.parquet`` — one row per case per replication (times in days since the scenario's start date, NaN = not
  reached; see `records`);
* ``backlog.csv`` — cases per stage at the start of every day, per replication (tidy: replication, day, date, stage,
  cases);
* ``sessions.parquet`` — one row per court session of the calendar: held or not and why (``status``), slots offered
  and used;
* ``hearings.parquet`` — one row per hearing held: case, time, session type, court queue, and its result
  (verdict, adjourned, report_missing);
* ``stations.csv`` — per capacity-limited station (per district where it is regional): its kind (`group`), capacity
  in its planning unit (fte, or cells), arrivals, mean wait, utilisation, mean stock (waiting + in work), work hours
  arriving a week, since the warm-up;
* ``diverted.csv`` — offences per year, region and stream, with those without a known suspect (`no_suspect`), of
  those the ones the police investigated (`investigated`, selectiviteitskader) and of those the ones that got a
  suspect (`solved`: these became cases). Offences = cases + no_suspect - solved;
* ``kpis.csv`` — the key figures with 95% intervals over replications;
* ``scenario.toml`` and ``provenance.json`` — the resolved scenario, seed, replications, version, wall time.

The folder is written under a temporary name and renamed when complete, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import platform
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .domain import (
    CHANNELS,
    COURT_QUEUES,
    CUSTODY_STEPS,
    EXECUTION_KINDS,
    HEARING_RESULTS,
    OUTCOMES,
    ROUTES,
    SESSION_STATUSES,
    STAGES,
    VERDICTS,
)
from .intake import DIVERTED_COLUMNS
from .kpis import BACKLOG_STAGES, KpiRow, replication_kpis, station_kpis, summarise, write_csv
from .model import ReplicationResult, run_replication
from .outputs import staged_folder, write_marker
from .records import CODE_COLUMNS
from .scenario import Scenario, dump_toml
from .stopping import stop_if_signalled


@dataclass
class RunOutput:
    out_dir: Path
    kpis: list[KpiRow]
    per_replication: list[dict]
    wall_seconds: float
    cases: int


Task = tuple  # (scenario, replication, seed)


def _run_one(task: Task) -> ReplicationResult:
    scenario, rep, seed = task
    return run_replication(scenario, rep, seed)


def iter_results(tasks: list[Task], jobs: int = 1, executor=None, fn: Callable[[Task], Any] = _run_one) -> Iterator:
    """Run the tasks and yield their results in task order, whatever runs them: this process, `jobs` worker
    processes, or an executor with a `map` (e.g. Dask's). Each replication draws from its own named streams, so
    the results are the same either way. Results are yielded as they come, so the caller can write and drop them.
    `fn` (a module-level function, so it can be sent to a worker) turns a task into its result where it runs: a
    search that needs only key figures computes them in the worker instead of sending the whole replication back."""
    if executor is not None:
        for res in executor.map(fn, tasks):
            stop_if_signalled()
            yield res
    elif jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            res = fn(t)
            stop_if_signalled()
            yield res
            stop_if_signalled()
    else:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_worker_signals)
        try:
            for res in pool.map(fn, tasks):
                stop_if_signalled()
                yield res
                stop_if_signalled()
        except BaseException:
            # interrupted (Ctrl-C, SIGTERM turned into SystemExit by the command line) or failed: stop the workers
            # now rather than waiting for the replications in flight, so no process is left behind
            _stop_workers(pool)
            raise
        pool.shutdown()


def _worker_signals() -> None:
    """In a worker: Ctrl-C and SIGTERM are for the parent, which stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and make sure nothing at interpreter exit waits for them. Two pipes can hang it:
    the executor's manager thread joins the queue that feeds tasks to the workers, which blocks forever if a task (a
    pickled scenario, 28-150 kB) is stuck half-written in the pipe of a killed worker, so that join is cancelled
    first; and the manager thread itself may be half-way through reading a result (a national replication is
    megabytes) from a worker that is then killed, waiting for bytes that never come because this process still
    holds the pipe's writing end, so that end is closed once the workers are dead and the read ends. Workers the
    pool started but had not yet registered when the signal came are found as this process's children."""
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        with contextlib.suppress(Exception):
            call_queue.cancel_join_thread()
    result_queue = getattr(pool, "_result_queue", None)  # shutdown() forgets it
    processes = {*getattr(pool, "_processes", {}).values(), *multiprocessing.active_children()}
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.kill()
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.join(5)
    if result_queue is not None:
        with contextlib.suppress(Exception):
            result_queue._writer.close()


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    executor=None,
) -> list[ReplicationResult]:
    """Run replications 0..n-1 and keep them all (for tests and small runs; `run_scenario` streams instead)."""
    results = []
    for res in iter_results([(scenario, rep, seed) for rep in range(replications)], jobs, executor):
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
    per_rep = [replication_kpis_of(scenario, r) for r in results]
    return summarise(per_rep), per_rep


def replication_kpis_of(scenario: Scenario, res: ReplicationResult, by: str | None = None) -> dict:
    types = session_type_names(scenario)
    out = replication_kpis(res.columns, res.backlog, res.sessions, types, scenario, by, res.backlog_by_region)
    out.update(station_kpis(res.stations, by))
    return out


def region_kpis_of(task: Task) -> dict:
    """In a worker: one replication's key figures, per district too (``--by region``), so only they travel back."""
    scenario, rep, seed = task
    return replication_kpis_of(scenario, run_replication(scenario, rep, seed), by="region")


# ---------------------------------------------------------------------------------------------- writing


def _labels(codes: np.ndarray, names: Sequence[str]) -> pa.Array:
    """Integer codes (-1 = none) as a dictionary-encoded string column."""
    codes = np.asarray(codes).astype(np.int32)
    mask = codes < 0
    return pa.DictionaryArray.from_arrays(pa.array(np.where(mask, 0, codes), mask=mask), pa.array(list(names)))


ROWS_PER_GROUP = 250_000  # cases written per Parquet row group: bounds the Arrow copy of a long run


def cases_table(scenario: Scenario, res: ReplicationResult, start: int = 0, stop: int | None = None) -> pa.Table:
    """Cases `start`..`stop` of one replication as an Arrow table (codes as dictionary-encoded labels)."""
    n_all = len(res.columns["t_registration"])
    stop = n_all if stop is None else min(stop, n_all)
    cols = {k: v[start:stop] for k, v in res.columns.items()}
    n = stop - start
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
        "court_queue": COURT_QUEUES,
        "custody_step": CUSTODY_STEPS,
    }
    data = {
        "replication": pa.array(np.full(n, res.replication, np.int16)),
        "case_id": pa.array(np.arange(start, stop, dtype=np.int32)),
    }
    for name, arr in cols.items():
        if name in label_of:
            data[name] = _labels(arr, label_of[name])
        elif name.startswith("days_"):
            data[name] = pa.array(arr.astype(np.float32))
        elif name in CODE_COLUMNS or name.startswith("t_"):
            data[name] = pa.array(arr)
    return pa.table(data)


class ResultsWriter:
    """Writes one scenario's results into `folder` replication by replication, so a run never holds more than the
    replications in flight. `folder` is a staging folder (`sim.outputs.staged_folder`): `close` writes the key
    figures, the resolved scenario and the provenance, and marks the folder complete last; the caller swaps it into
    place. `abort` (or an exception in a ``with`` block) closes the open files; the caller removes the folder."""

    def __init__(
        self,
        scenario: Scenario,
        folder: Path,
        by: str | None = None,
        records: bool = True,
        record_replications: int | None = None,
    ):
        """`records=False` leaves out the per-case and per-hearing tables (cases.parquet, hearings.parquet): for
        large sweeps that need only key figures, backlogs and sessions. `record_replications=N` writes them for
        replications 0 to N-1 only (the key figures, backlogs and sessions still cover every replication): what a
        comparison's plots need at a fraction of the disk."""
        self.scenario = scenario
        self.tmp = Path(folder)
        self.by = by
        self.records = records
        self.record_replications = record_replications
        self._recorded: set[int] = set()
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.types = session_type_names(scenario)
        self.per_rep: list[dict] = []
        self.replication_seconds: list[float] = []
        self.cases_per_replication: list[int] = []
        self._cases = self._sessions = self._hearings = None
        self._backlog = open(self.tmp / "backlog.csv", "w")
        self._backlog.write("replication,day,date,stage,cases\n")
        self._stations = open(self.tmp / "stations.csv", "w")
        self._station_keys: list[str] | None = None
        self._diverted = open(self.tmp / "diverted.csv", "w")
        self._diverted.write("replication,year,region,stream," + ",".join(DIVERTED_COLUMNS) + "\n")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.abort()
        return False

    def add(self, res: ReplicationResult) -> None:
        sc = self.scenario
        self.per_rep.append(replication_kpis_of(sc, res, by=self.by))
        self.replication_seconds.append(round(res.wall_seconds, 3))
        self.cases_per_replication.append(int(len(res.columns["t_registration"])))
        if self.records and (self.record_replications is None or res.replication < self.record_replications):
            self._recorded.add(res.replication)
            n = len(res.columns["t_registration"])
            for start in range(0, max(n, 1), ROWS_PER_GROUP):
                self._cases = _append(
                    self._cases, self.tmp / "cases.parquet", cases_table(sc, res, start, start + ROWS_PER_GROUP)
                )
            self._hearings = _append(self._hearings, self.tmp / "hearings.parquet", self._hearing_table(res))
        self._sessions = _append(self._sessions, self.tmp / "sessions.parquet", self._session_table(res))
        self._write_backlog(res)
        self._write_stations(res)
        self._write_diverted(res)

    def _session_table(self, res) -> pa.Table:
        s = res.sessions
        m = len(s["time"])
        return pa.table(
            {
                "replication": pa.array(np.full(m, res.replication, np.int16)),
                "region": _labels(s["region"], list(self.scenario.regions)),
                "session_type": _labels(s["session_type"], self.types),
                "time": pa.array(s["time"]),
                "held": pa.array(s["held"]),
                "status": _labels(s["status"], SESSION_STATUSES),
                "slots": pa.array(s["slots"]),
                "used": pa.array(s["used"]),
                "postponed": pa.array(s["postponed"]),
            }
        )

    def _hearing_table(self, res) -> pa.Table:
        h = res.hearings
        m = len(h["case_id"])
        return pa.table(
            {
                "replication": pa.array(np.full(m, res.replication, np.int16)),
                "case_id": pa.array(h["case_id"]),
                "time": pa.array(h["time"]),
                "session_type": _labels(h["session_type"], self.types),
                "queue": _labels(h["queue"], COURT_QUEUES),
                "result": _labels(h["result"], HEARING_RESULTS),
            }
        )

    def _write_backlog(self, res) -> None:
        start = self.scenario.start_date
        days = res.backlog.shape[0]
        lines = []
        for d in range(days):
            date = (start + dt.timedelta(days=d)).isoformat()
            row = res.backlog[d]
            for s, stage in enumerate(BACKLOG_STAGES):
                lines.append(f"{res.replication},{d},{date},{stage},{row[s]}\n")
        self._backlog.writelines(lines)

    def _write_stations(self, res) -> None:
        if not res.stations:
            return
        if self._station_keys is None:
            self._station_keys = list(res.stations[0])
            self._stations.write(",".join(["replication"] + self._station_keys) + "\n")
        for st in res.stations:
            self._stations.write(",".join([str(res.replication)] + [_cell(st[k]) for k in self._station_keys]) + "\n")

    def _write_diverted(self, res) -> None:
        start = self.scenario.start_date
        div = res.diverted
        years = np.array([(start + dt.timedelta(days=d)).year for d in range(div.shape[0])])
        for y in np.unique(years):
            tot = div[years == y].sum(axis=0)
            for i, rname in enumerate(self.scenario.regions):
                for j, sname in enumerate(self.scenario.intake.streams):
                    counts = ",".join(str(int(x)) for x in tot[i, j])
                    self._diverted.write(f"{res.replication},{y},{rname},{sname},{counts}\n")

    def _close_files(self) -> None:
        for w in (self._cases, self._sessions, self._hearings):
            if w is not None:
                w.close()
        for fh in (self._backlog, self._stations, self._diverted):
            fh.close()

    def close(self, provenance: dict) -> list[KpiRow]:
        """Finish the folder: key figures, resolved scenario, provenance; then rename it into place."""
        try:
            self._close_files()
            rows = summarise(self.per_rep)
            write_csv(rows, self.tmp / "kpis.csv")
            (self.tmp / "scenario.toml").write_text(dump_toml(self.scenario))
            provenance = dict(provenance)
            provenance.update(
                case_records=self.records,
                case_record_replications=len(self._recorded),
                replication_seconds=self.replication_seconds,
                cases_per_replication=self.cases_per_replication,
                session_types=self.types,
                intake_forecasts=self.scenario.forecast_info(),
                resolved_scenario=json.loads(json.dumps(self.scenario.resolved_dict(), default=str)),
            )
            (self.tmp / "provenance.json").write_text(json.dumps(provenance, indent=2, default=str))
            write_marker(self.tmp, "run")
        except BaseException:
            self.abort()
            raise
        return rows

    def abort(self) -> None:
        try:
            self._close_files()
        except Exception:  # pragma: no cover - best effort on the way out
            pass


def _append(writer, path: Path, table: pa.Table):
    if writer is None:
        writer = pq.ParquetWriter(path, table.schema, compression="zstd")
    writer.write_table(table)
    return writer


def provenance_base(
    scenario: Scenario,
    scenario_file,
    seed: int,
    replications: int,
    jobs: int,
    started_at: str,
    wall: float,
    executor: str = "processes",
) -> dict:
    return {
        "ketensim_version": __version__,
        "scenario": scenario.name,
        "scenario_file": scenario_file,
        "seed": seed,
        "replications": replications,
        "jobs": jobs,
        "executor": executor,
        "start_date": scenario.start_date.isoformat(),
        "horizon_days": scenario.horizon_days,
        "warmup_days": scenario.warmup_days,
        "runout_days": scenario.runout_days,
        "started_at": started_at,
        "wall_seconds": round(wall, 3),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "command": sys.argv,
    }


def _cell(v) -> str:
    if isinstance(v, float):
        return "" if v != v else f"{v:.6g}"
    return str(v)


# Memory a case costs during a replication, all in (case table, pre-drawn inputs, events, records being written):
# measured about 0.3 kB on the national baseline (peak memory / cases of one replication); 1 kB leaves room.
BYTES_PER_CASE = 1000.0


def estimated_cases(scenario: Scenario) -> float:
    """Cases with a suspect one replication of `scenario` will have: each stream's yearly volume over the horizon,
    times its share with a known suspect (its highest, to be safe) plus the share of the rest that get one."""
    total = 0.0
    start = scenario.start_date.year
    years = range(start, start + int(scenario.horizon_days // 365.25) + 1)
    for name, st in scenario.intake.streams.items():
        share = max(st.known_suspect_share.values()) + max(st.no_suspect_investigated_share.values()) * max(
            st.no_suspect_solved_share.values()
        )
        per_year = max(scenario.volume(name, y) for y in years)
        total += per_year * scenario.horizon_days / 365.25 * min(share, 1.0)
    return total


def size_problems(scenario: Scenario, jobs: int = 1) -> list[str]:
    """A run that cannot fit this machine's memory, refused before any work: the estimated cases of a replication
    times `BYTES_PER_CASE`, for `jobs` replications at once, against the physical memory."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return []
    cases = estimated_cases(scenario)
    need = cases * BYTES_PER_CASE * max(jobs, 1)
    if need <= 0.8 * memory:
        return []
    return [
        f"intake: about {cases:,.0f} cases a replication ({scenario.horizon_days:g} days) need about "
        f"{need / 1e9:,.1f} GB of memory with {jobs} job(s); this machine has {memory / 1e9:,.1f} GB. Lower the "
        "intake volumes or horizon_days, or run with fewer --jobs"
    ]


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
    by: str | None = None,
    records: bool = True,
    force: bool = False,
    settings: Sequence[str] = (),
) -> RunOutput:
    """Run `replications` of one scenario and write its results folder; see the module docstring. An existing
    `out_dir` is refused (`sim.outputs.OutputError`) unless `force`, and then replaced only if ketensim wrote it.
    `settings`: the ``--set`` changes already applied to `scenario`, recorded in the provenance."""
    replications = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir(scenario, seed)
    with (
        staged_folder(out_dir, force, "run") as stage,
        ResultsWriter(scenario, stage, by=by, records=records) as writer,
    ):
        batch = run_into_writers(
            [scenario], [writer], [scenario_file], replications, seed, jobs, executor, progress, settings
        )
    return RunOutput(out_dir, batch.kpis[0], writer.per_rep, batch.wall_seconds, sum(writer.cases_per_replication))


@dataclass
class Batch:
    """What `run_into_writers` did: when it started, how long it took, and each scenario's key figures."""

    started_at: str
    wall_seconds: float
    kpis: list[list[KpiRow]]


def run_into_writers(
    scenarios: list[Scenario],
    writers: list[ResultsWriter],
    files: list[str | None],
    replications: int,
    seed: int,
    jobs: int,
    executor,
    progress: Callable[[int], None] | None,
    settings: Sequence[str] = (),
) -> Batch:
    """Run every scenario's replications with the same seed (common random numbers: replication r of each scenario
    sees the same offences and draws), hand each result to its scenario's writer as it arrives, and close the
    writers with their provenance. Replications are interleaved over scenarios, so a sweep's partial progress
    covers every scenario."""
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    tasks = [(sc, rep, seed) for rep in range(replications) for sc in scenarios]
    for i, res in enumerate(iter_results(tasks, jobs, executor)):
        writers[i % len(scenarios)].add(res)
        del res
        if progress:
            progress(1)
    wall = time.perf_counter() - started
    executor_name = "dask" if executor is not None else "processes"
    kpis = [
        w.close(
            provenance_base(sc, f, seed, replications, jobs, started_at, wall, executor_name)
            | {"settings": list(settings)}
        )
        for sc, f, w in zip(scenarios, files, writers)
    ]
    return Batch(started_at, wall, kpis)
