"""The results reader: the one place that opens a results folder (``ketensim run``) or a compare folder
(``ketensim compare``) and turns it into plain tables, for the figures (`sim.figures`) and the report
(`sim.report`).

It reads ``provenance.json``, ``kpis.csv``, ``cases.parquet``, ``backlog.csv`` and ``comparison.csv`` and derives
from them what the figures draw: the cohort's lead times per route, the time to the verdict hearing within each
fast-track route's legal window, the backlog per stage and day, the flows of cases over the routes, weekly event
counts and monthly median lead times per region, and the dates on which a scenario's schedules switch per region.
It holds no words and draws nothing: labels are in `sim.labels` and `sim.catalogue`, pictures in `sim.figures`.

The cohort is the one `kpis` uses: cases registered after the warm-up and before the end of the horizon, pooled
over replications; steps not reached before the run ended are left out (censored).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .domain import CHANNELS, EXECUTION_KINDS, FAST_TRACK, OM_ROUTES, OUTCOMES, ROUTES
from .domain import legal_windows as domain_legal_windows
from .kpis import BACKLOG_STAGES, KpiRow, read_csv
from .outputs import MARKER, is_complete

# The files every results folder has (``ketensim run`` with its case records).
RUN_FILES = ("provenance.json", "kpis.csv", "cases.parquet", "backlog.csv")
# Routes that can end in execution: a sepot has nothing to execute.
EXECUTION_GROUPS = ("all",) + tuple(r for r in ROUTES if r != "sepot")
# Where a case ended, for the flow diagram: its execution kind if it got one (executed or still being executed),
# else the decision that ended it, else "open" (no final decision, or not yet delivered, by the end of the run).
END_KINDS = ("sepot", "acquittal", "suspended") + EXECUTION_KINDS + ("conditional_sepot", "open")
FLOW_CHANNELS = ("zsm", "regular")
UNDECIDED = "undecided"
# Events counted per week for the throughput figure: columns of cases.parquet (named in `sim.labels.WEEKLY_EVENTS`).
WEEKLY_COLUMNS = ("t_om_intake", "t_decision", "t_verdict", "t_exec_end")
MIN_CASES_PER_MONTH = 20  # a monthly median over fewer cases (pooled over replications) is not drawn


# ------------------------------------------------------------------------------------------------ legal windows


def legal_windows(resolved: Mapping) -> dict[str, tuple[str, float, float]]:
    """Per fast-track route, its legal window as (the event it runs from, earliest day, latest day), from a
    resolved scenario as plain data (``provenance.json``). Every number comes from the scenario's ``legal``
    section: a missing key is an error (`KeyError`), never a default."""
    return {
        route.key: (str(w.starts_at), w.earliest_days, w.latest_days)
        for route, w in domain_legal_windows(resolved["legal"]).items()
    }


# ------------------------------------------------------------------------------------------------ tables


@dataclass(frozen=True)
class RunInfo:
    """What a results folder says about its run (from ``provenance.json``); times in days since `start_date`."""

    scenario: str
    start_date: dt.date
    warmup_days: float
    horizon_days: float
    runout_days: float
    replications: int
    windows: dict[str, tuple[float, float]]  # fast-track route -> (earliest, latest) day of the legal window
    session_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    window_starts: dict[str, str] = field(default_factory=dict)  # fast-track route -> the event its window runs from
    # the replications whose per-case records the folder holds (the first ones; `ketensim compare` keeps one by
    # default): what the case tables pool; None: all of them
    record_replications: int | None = None

    @property
    def case_replications(self) -> int:
        """How many replications the per-case tables (``cases.parquet``) pool."""
        return self.replications if self.record_replications is None else self.record_replications

    def date_of(self, day: float) -> dt.date:
        return self.start_date + dt.timedelta(days=float(day))

    def cohort_note(self) -> str:
        return (
            f"Cohort: cases registered after the warm-up, from {self.date_of(self.warmup_days)} "
            f"(day {self.warmup_days:g}) to the end of intake on {self.date_of(self.horizon_days)} "
            f"(day {self.horizon_days:g}); {self._pooled()}. Steps not reached by the end of the run ({self.runout_days:g} days of run-out) are left out."
        )

    def _pooled(self) -> str:
        n = self.case_replications
        pooled = f"{n} replication{'s' if n != 1 else ''} pooled"
        if n < self.replications:
            pooled += f" (the case records of the first {n} of {self.replications}; the key figures use all)"
        return pooled


@dataclass
class CaseTables:
    """Per-case durations in days of the cohort, pooled over replications, keyed by route."""

    decision_days: dict[str, np.ndarray]  # registration -> OM decision (sepot, strafbeschikking) or -> verdict
    window_days: dict[str, np.ndarray]  # fast-track route: window start -> verdict, cases heard in the route
    offence_to_execution_end_days: dict[str, np.ndarray]  # per route, and "all"


def _warmup_end(info: RunInfo) -> dt.date | None:
    """The date the warm-up ends, for the plots to mark; None for a run without one (it starts from the chain's
    stocks, as the baseline does)."""
    return info.date_of(info.warmup_days) if info.warmup_days > 0 else None


@dataclass
class BacklogTable:
    """Cases per stage at the start of every day: ``cases[stage]`` has shape (replications, days)."""

    dates: np.ndarray  # datetime64[D], one per day
    cases: dict[str, np.ndarray]
    warmup_end: dt.date | None = None
    horizon_end: dt.date | None = None


@dataclass
class WeeklyTable:
    """Events per calendar week: ``counts[event]`` has shape (replications, weeks); weeks start on `week_starts`
    (every 7 days from the scenario's start date)."""

    week_starts: np.ndarray  # datetime64[D]
    counts: dict[str, np.ndarray]
    warmup_end: dt.date | None = None
    horizon_end: dt.date | None = None


@dataclass
class RegionMonthTable:
    """Per arrondissement and month of registration: the median days from registration to the OM decision (sepot,
    strafbeschikking) or the verdict (court routes), per replication; ``lead_days[region]`` has shape
    (replications, months), NaN where the month had fewer than `MIN_CASES_PER_MONTH` decided cases."""

    months: np.ndarray  # datetime64[M]
    lead_days: dict[str, np.ndarray]
    warmup_end: dt.date | None = None
    horizon_end: dt.date | None = None


@dataclass
class ChainTables:
    """What the flow, throughput and per-region plots need from ``cases.parquet`` (read in one pass)."""

    flows: dict[tuple[str, str, str, str], float]  # (channel, OM decision, decided in, end) -> cohort cases per year
    not_at_om: float  # cohort cases per year that had not reached the OM when the run ended
    weekly: WeeklyTable
    regions: RegionMonthTable


@dataclass
class ResultTables:
    """Everything the standard figures need from one results folder."""

    info: RunInfo
    kpis: list[KpiRow]
    cases: CaseTables
    backlog: BacklogTable


# ------------------------------------------------------------------------------------------------ folders


def read_provenance(out_dir: Path | str) -> dict:
    """``provenance.json`` of a results or compare folder; `FileNotFoundError` naming it if it is missing."""
    return json.loads(_need(Path(out_dir) / "provenance.json").read_text())


def read_resolved(out_dir: Path | str) -> dict:
    """The resolved scenario of a results folder as plain data (``provenance.json``)."""
    return read_provenance(out_dir).get("resolved_scenario", {})


def compare_scenarios(compare_dir: Path | str) -> list[str]:
    """The scenario names of a compare folder, the reference first (one results folder each, by that name);
    `ValueError` if its ``provenance.json`` names none."""
    names = read_provenance(compare_dir).get("scenarios") or []
    if not names:
        raise ValueError(f"{compare_dir}: provenance.json names no scenarios (not a ketensim comparison folder)")
    return names


def read_comparison_rows(compare_dir: Path | str) -> list | None:
    """The rows of a compare folder's ``comparison.csv`` (`sim.compare.ComparisonRow`), or None when the folder
    has none (scenarios drawn side by side that were not compared)."""
    path = Path(compare_dir) / "comparison.csv"
    if not path.exists():
        return None
    from .compare import read_comparison

    return read_comparison(path)


def probe_provenance(folder: Path, problems: list[str]) -> dict | None:
    """``provenance.json`` of a folder that may not be a results folder at all: None, with the reason added to
    `problems` ("folder: reason"), if it is missing, unreadable or not a provenance file."""
    if not folder.exists():
        problems.append(f"{folder}: no such folder")
        return None
    if not folder.is_dir():
        problems.append(f"{folder}: not a folder (give a results folder of `ketensim run` or `ketensim compare`)")
        return None
    path = folder / "provenance.json"
    if not path.exists():
        problems.append(f"{folder}: not a ketensim results or compare folder (no provenance.json)")
        return None
    prov = _json_or_problem(path, problems)
    if prov is None:
        return None
    if not isinstance(prov, dict):
        problems.append(f"{path}: not a ketensim provenance file")
        return None
    return prov


def _no_records(folder: Path) -> bool:
    try:
        prov = json.loads((folder / "provenance.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(prov, dict) and prov.get("case_records") is False


class UnreadableResultsFile(FileNotFoundError):
    """A file of a results folder that is there but cannot be read (truncated, not Parquet): a FileNotFoundError,
    so every command reports it as bad input, naming the file."""


def _parquet(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(_need(path))
    except (pa.ArrowInvalid, OSError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise UnreadableResultsFile(f"{path}: cannot be read as Parquet ({e}); run again") from None


def incomplete_message(folder: Path) -> str:
    """Why a folder without the completion marker is not read."""
    return (
        f"{folder}: not a complete ketensim output (no {MARKER}, written last): the run that wrote it was "
        "interrupted or failed, or an older ketensim wrote it; run it again"
    )


def check_run_folder(folder: Path, problems: list[str], what: str = "results folder") -> None:
    """Add to `problems` what keeps `folder` from being a complete results folder (not marked complete, missing
    files, no resolved scenario); `what` names it in the message."""
    if not is_complete(folder):
        problems.append(incomplete_message(folder))
        return
    missing = [name for name in RUN_FILES if not (folder / name).exists()]
    if missing == ["cases.parquet"] and _no_records(folder):
        problems.append(
            f"{folder}: a complete run without per-case records (--no-records): it has the key figures, backlogs, "
            "sessions and stations (kpis.csv, backlog.csv, sessions.parquet, stations.csv), which `ketensim export` "
            "turns into a workbook; the plots and the report need the case records: run again without --no-records"
        )
        return
    if missing:
        problems.append(f"{folder}: missing {', '.join(missing)} (not a complete ketensim {what})")
        return
    prov = _json_or_problem(folder / "provenance.json", problems)
    if prov is None:
        return
    if "resolved_scenario" not in prov:
        problems.append(f"{folder}: provenance.json has no resolved_scenario (not a ketensim {what})")


def check_compare_folder(folder: Path, prov: dict, problems: list[str]) -> None:
    """Add to `problems` what keeps `folder` (whose provenance is `prov`) from being a complete compare folder:
    no scenarios, no ``comparison.csv``, a scenario's results folder missing or incomplete."""
    if not is_complete(folder):
        problems.append(incomplete_message(folder))
        return
    names = prov.get("scenarios")
    if not isinstance(names, list) or not names:
        problems.append(f"{folder}: provenance.json names no scenarios (not a ketensim compare folder)")
        return
    if not (folder / "comparison.csv").exists():
        problems.append(f"{folder}: missing comparison.csv (not a complete ketensim compare folder)")
    for n in names:
        sub = folder / str(n)
        if not sub.is_dir():
            problems.append(f"{folder}: missing the results folder of scenario {n!r} ({sub})")
        else:
            check_run_folder(sub, problems, what=f"results folder of scenario {n!r}")


def _json_or_problem(path: Path, problems: list[str]):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as e:
        problems.append(f"{path}: not readable as JSON ({e})")
        return None


# ------------------------------------------------------------------------------------------------ readers


def read_run_info(out_dir: Path | str) -> RunInfo:
    """The run's scenario name, dates, cohort and legal windows, from ``provenance.json``; FileNotFoundError for
    a folder ketensim did not finish writing (no completion marker)."""
    if not is_complete(Path(out_dir)):
        raise FileNotFoundError(incomplete_message(Path(out_dir)))
    prov = read_provenance(out_dir)
    sc = prov.get("resolved_scenario", {})

    def get(key, default=None):
        return prov.get(key, sc.get(key, default))

    windows = legal_windows(sc)
    return RunInfo(
        scenario=str(get("scenario", sc.get("name", Path(out_dir).name))),
        start_date=dt.date.fromisoformat(str(get("start_date"))),
        warmup_days=float(get("warmup_days", 0.0)),
        horizon_days=float(get("horizon_days")),
        runout_days=float(get("runout_days", 0.0)),
        replications=int(get("replications", 1)),
        windows={route: (earliest, latest) for route, (_, earliest, latest) in windows.items()},
        session_types=tuple(prov.get("session_types", ())),
        regions=tuple(sc.get("regions", {})),
        window_starts={route: start for route, (start, _, _) in windows.items()},
        record_replications=_record_replications(prov),
    )


def _record_replications(prov: dict) -> int | None:
    """The replications a folder's case records cover, if not all (``case_record_replications`` in its provenance;
    folders written before it hold all)."""
    n = prov.get("case_record_replications")
    return int(n) if isinstance(n, int) and n < int(prov.get("replications", n)) else None


def read_kpis(out_dir: Path | str) -> list[KpiRow]:
    """The key figures of a results folder (``kpis.csv``, the whole chain)."""
    return read_csv(_need(Path(out_dir) / "kpis.csv"))


CASE_COLUMNS = (
    "route",
    "verzet",
    "t_offence",
    "t_registration",
    "t_decision",
    "t_window_start",
    "t_verdict",
    "t_exec_end",
)


def read_case_tables(out_dir: Path | str, info: RunInfo | None = None) -> CaseTables:
    """Lead times of the cohort from ``cases.parquet``, reading only the columns needed, one row group at a time
    (a national run has millions of rows)."""
    out_dir = Path(out_dir)
    info = info or read_run_info(out_dir)
    pf = _parquet(out_dir / "cases.parquet")
    decision: dict[str, list[np.ndarray]] = {r: [] for r in ROUTES}
    window: dict[str, list[np.ndarray]] = {r: [] for r in FAST_TRACK}
    to_end: dict[str, list[np.ndarray]] = {r: [] for r in EXECUTION_GROUPS}
    for g in range(pf.num_row_groups):
        t = pf.read_row_group(g, columns=list(CASE_COLUMNS))
        reg = _floats(t, "t_registration")
        cohort = (reg >= info.warmup_days) & (reg < info.horizon_days)
        route = _codes(t.column("route"), ROUTES)
        verzet = t.column("verzet").to_numpy(zero_copy_only=False).astype(bool)
        reg_c, route_c = reg[cohort], route[cohort]
        om_days = _floats(t, "t_decision")[cohort] - reg_c
        verdict = _floats(t, "t_verdict")[cohort]
        court_days = verdict - reg_c
        for i, name in enumerate(ROUTES):
            sel = route_c == i
            days = om_days[sel] if name in OM_ROUTES else court_days[sel]
            decision[name].append(days[~np.isnan(days)])
        start = _floats(t, "t_window_start")[cohort]
        heard_in_route = ~np.isnan(verdict) & ~verzet[cohort]
        for name in FAST_TRACK:
            sel = heard_in_route & (route_c == ROUTES.index(name))
            window[name].append(verdict[sel] - start[sel])
        e2e = _floats(t, "t_exec_end")[cohort] - _floats(t, "t_offence")[cohort]
        done = ~np.isnan(e2e)
        to_end["all"].append(e2e[done])
        for name in EXECUTION_GROUPS[1:]:
            to_end[name].append(e2e[done & (route_c == ROUTES.index(name))])
        del t
    cat = lambda d: {k: (np.concatenate(v) if v else np.empty(0)) for k, v in d.items()}  # noqa: E731
    return CaseTables(cat(decision), cat(window), cat(to_end))


def read_backlog(out_dir: Path | str, info: RunInfo | None = None) -> BacklogTable:
    """``backlog.csv`` (replication, day, date, stage, cases) as one (replications × days) array per stage."""
    out_dir = Path(out_dir)
    info = info or read_run_info(out_dir)
    reps: list[int] = []
    days: list[int] = []
    stages: list[str] = []
    counts: list[float] = []
    date_of_day: dict[int, str] = {}
    with open(_need(out_dir / "backlog.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            d = int(row["day"])
            reps.append(int(row["replication"]))
            days.append(d)
            stages.append(row["stage"])
            counts.append(float(row["cases"]))
            if d not in date_of_day:
                date_of_day[d] = row["date"]
    rep_arr, day_arr, cnt = np.array(reps), np.array(days), np.array(counts)
    rep_ids = sorted(set(reps))
    rep_index = np.searchsorted(rep_ids, rep_arr)
    n_days = int(day_arr.max()) + 1 if day_arr.size else 0
    stage_arr = np.array(stages)
    names = [s for s in BACKLOG_STAGES if s in set(stages)] + sorted(set(stages) - set(BACKLOG_STAGES))
    cases = {}
    for s in names:
        sel = stage_arr == s
        a = np.full((len(rep_ids), n_days), np.nan)
        a[rep_index[sel], day_arr[sel]] = cnt[sel]
        cases[s] = a
    dates = np.array([date_of_day.get(d, str(info.date_of(d))) for d in range(n_days)], dtype="datetime64[D]")
    return BacklogTable(dates, cases, _warmup_end(info), info.date_of(info.horizon_days))


def read_results(out_dir: Path | str) -> ResultTables:
    """Everything the standard figures need from one results folder: run info, key figures, case tables, backlog."""
    out_dir = Path(out_dir)
    info = read_run_info(out_dir)
    return ResultTables(info, read_kpis(out_dir), read_case_tables(out_dir, info), read_backlog(out_dir, info))


CHAIN_COLUMNS = (
    "replication",
    "region",
    "channel",
    "route_initial",
    "route",
    "execution",
    "outcome",
    "t_registration",
    "t_om_intake",
    "t_decision",
    "t_verdict",
    "t_exec_end",
)


def read_chain_tables(out_dir: Path | str, info: RunInfo | None = None) -> ChainTables:
    """Flows of the cohort over the routes, weekly event counts and monthly median lead times per region, from
    ``cases.parquet`` in one pass, one row group at a time."""
    out_dir = Path(out_dir)
    info = info or read_run_info(out_dir)
    pf = _parquet(out_dir / "cases.parquet")
    years = (info.horizon_days - info.warmup_days) / 365.25
    n_weeks = int(math.ceil((info.horizon_days + info.runout_days) / 7.0)) + 1
    start_month = np.datetime64(info.start_date, "M")
    end_month = np.datetime64(info.date_of(max(info.horizon_days - 1, 0)), "M")
    n_months = int((end_month - start_month).astype(int)) + 1
    regions = list(info.regions)
    end_of_kind = np.array([END_KINDS.index(k) for k in EXECUTION_KINDS] + [END_KINDS.index("open")])
    flow_keys: list[np.ndarray] = []
    weekly: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {e: [] for e in WEEKLY_COLUMNS}
    lead_keys: list[np.ndarray] = []
    lead_vals: list[np.ndarray] = []
    not_at_om = 0
    max_rep = max(info.case_replications - 1, 0)
    for g in range(pf.num_row_groups):
        t = pf.read_row_group(g, columns=list(CHAIN_COLUMNS))
        rep = t.column("replication").to_numpy().astype(np.int64)
        max_rep = max(max_rep, int(rep.max()) if rep.size else 0)
        reg = _floats(t, "t_registration")
        cohort = (reg >= info.warmup_days) & (reg < info.horizon_days)
        channel = _codes(t.column("channel"), CHANNELS)
        initial = _codes(t.column("route_initial"), ROUTES)
        route = _codes(t.column("route"), ROUTES)
        execution = _codes(t.column("execution"), EXECUTION_KINDS)
        outcome = _codes(t.column("outcome"), OUTCOMES)
        # flows: cohort cases that reached the OM
        at_om = cohort & ~np.isnan(_floats(t, "t_om_intake"))
        not_at_om += int(np.sum(cohort & ~at_om))
        end = np.full(reg.size, END_KINDS.index("open"), np.int64)
        for name in ("sepot", "acquittal", "suspended", "conditional_sepot"):
            end[outcome == OUTCOMES.index(name)] = END_KINDS.index(name)
        has_kind = execution >= 0
        end[has_kind] = end_of_kind[execution[has_kind]]
        ch = np.where(channel == CHANNELS.index("zsm"), 0, 1)
        ini = np.where(initial >= 0, initial, len(ROUTES))
        fin = np.where(route >= 0, route, len(ROUTES))
        key = ((ch * (len(ROUTES) + 1) + ini) * (len(ROUTES) + 1) + fin) * len(END_KINDS) + end
        flow_keys.append(key[at_om])
        # weekly events, all cases (not only the cohort): the throughput of the chain on that date
        for col in WEEKLY_COLUMNS:
            when = _floats(t, col)
            ok = ~np.isnan(when)
            weekly[col].append((rep[ok], np.floor(when[ok] / 7.0).astype(np.int64)))
        # monthly median lead time per region, by month of registration (warm-up included, for the picture)
        decided = (
            np.where(
                np.isin(route, [ROUTES.index(r) for r in OM_ROUTES]), _floats(t, "t_decision"), _floats(t, "t_verdict")
            )
            - reg
        )
        ok = ~np.isnan(decided) & (reg < info.horizon_days) & (reg >= 0)
        month = (np.datetime64(info.start_date, "D") + np.floor(reg[ok]).astype("timedelta64[D]")).astype(
            "datetime64[M]"
        )
        month_idx = (month - start_month).astype(np.int64)
        if regions:
            region_idx = _codes(t.column("region"), regions)[ok].astype(np.int64)
        else:  # an old results folder without its regions: one panel for the whole country
            region_idx = np.zeros(int(ok.sum()), np.int64)
        known = region_idx >= 0
        lead_keys.append(((rep[ok] * max(len(regions), 1) + region_idx) * n_months + month_idx)[known])
        lead_vals.append(decided[ok][known].astype(np.float32))
        del t
    n_rep = max_rep + 1
    # flows as cases per year per replication
    keys = np.concatenate(flow_keys) if flow_keys else np.empty(0, np.int64)
    flows: dict[tuple[str, str, str, str], float] = {}
    route_names = ROUTES + (UNDECIDED,)
    for k, n in zip(*np.unique(keys, return_counts=True)):
        k = int(k)
        end_i = k % len(END_KINDS)
        k //= len(END_KINDS)
        fin_i = k % (len(ROUTES) + 1)
        k //= len(ROUTES) + 1
        ini_i = k % (len(ROUTES) + 1)
        ch_i = k // (len(ROUTES) + 1)
        flows[(FLOW_CHANNELS[ch_i], route_names[ini_i], route_names[fin_i], END_KINDS[end_i])] = (
            float(n) / years / n_rep
        )
    counts = {}
    for col, parts in weekly.items():
        a = np.zeros(n_rep * n_weeks)
        for r, w in parts:
            sel = (w >= 0) & (w < n_weeks)
            a += np.bincount(r[sel] * n_weeks + w[sel], minlength=n_rep * n_weeks)
        counts[col] = a.reshape(n_rep, n_weeks)
    week_starts = np.datetime64(info.start_date, "D") + np.arange(n_weeks) * np.timedelta64(7, "D")
    # per-region medians
    n_regions = max(len(regions), 1)
    keys = np.concatenate(lead_keys) if lead_keys else np.empty(0, np.int64)
    vals = np.concatenate(lead_vals) if lead_vals else np.empty(0, np.float32)
    med: np.ndarray = np.full(n_rep * n_regions * n_months, np.nan)
    pooled_n = np.zeros(n_regions * n_months)
    if keys.size:
        order = np.argsort(keys, kind="stable")
        keys, vals = keys[order], vals[order]
        uniq, first, n = np.unique(keys, return_index=True, return_counts=True)
        for u, f, c in zip(uniq, first, n):
            med[u] = float(np.median(vals[f : f + c]))
            pooled_n[u % (n_regions * n_months)] += c
    med = med.reshape(n_rep, n_regions, n_months)
    med[:, pooled_n.reshape(n_regions, n_months) < MIN_CASES_PER_MONTH] = np.nan
    months = start_month + np.arange(n_months)
    warm, horizon = _warmup_end(info), info.date_of(info.horizon_days)
    lead = {name: med[:, i, :] for i, name in enumerate(regions or ["all"])}
    return ChainTables(
        flows,
        not_at_om / years / n_rep,
        WeeklyTable(week_starts, counts, warm, horizon),
        RegionMonthTable(months, lead, warm, horizon),
    )


def region_change_dates(reference: Mapping, scenario: Mapping) -> dict[str, list[dt.date]]:
    """Per region of `scenario` (resolved scenarios as plain data, as in ``provenance.json``), the dates on which
    one of its schedules switches to a value the reference does not have then: national schedules, unless the
    region overrides that key, and the region's own overrides. A phased roll-out shows one date per region."""

    def leaves(d, prefix=()):
        if isinstance(d, Mapping):
            for k, v in d.items():
                yield from leaves(v, prefix + (k,))
        else:
            yield prefix, d

    def effective(sc, region):
        national = {p: v for p, v in leaves({k: v for k, v in sc.items() if k != "regions"})}
        override = (sc.get("regions", {}).get(region) or {}).get("override", {}) or {}
        national.update(dict(leaves(override)))
        return national

    out = {}
    for region in scenario.get("regions", {}) or {"all": {}}:
        mine, ref = effective(scenario, region), effective(reference, region)
        dates: set[dt.date] = set()
        for path, value in mine.items():
            if value == ref.get(path) or not _is_schedule_points(value):
                continue
            theirs = ref.get(path)
            theirs = {str(d) for d, _ in theirs} if _is_schedule_points(theirs) else set()
            dates.update(dt.date.fromisoformat(str(d)[:10]) for d, _ in value[1:] if str(d) not in theirs)
        out[region] = sorted(dates)
    return out


def _is_schedule_points(x) -> bool:
    return (
        isinstance(x, list)
        and len(x) > 1
        and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in x)
        and all(isinstance(p[1], (int, float)) and not isinstance(p[1], bool) for p in x)
    )


def _need(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing (not a complete ketensim results folder)")
    return path


def _floats(t: pa.Table, name: str) -> np.ndarray:
    return t.column(name).to_numpy().astype(np.float64, copy=False)


def _codes(col: pa.ChunkedArray, names: Sequence[str]) -> np.ndarray:
    """A dictionary-encoded (or plain string) column as codes into `names`; missing or unknown values are -1."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if not pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_encode()
    lookup = np.array([names.index(v) if v in names else -1 for v in arr.dictionary.to_pylist()] + [-1], np.int16)
    idx = arr.indices.fill_null(len(lookup) - 1).to_numpy(zero_copy_only=False)
    return lookup[idx]
