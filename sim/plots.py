"""Plots of a results folder, for capacity-planning workshops (shown on a projector).

Plot functions take tables and return figures (STYLE.md principle 5). Each ``*_figure`` function takes plain tables
(numpy arrays of days, `KpiRow` lists, a `BacklogTable`) keyed by scenario name and returns a
`matplotlib.figure.Figure`; the same functions draw one scenario (`plot_results`, `ketensim plot`) or several side
by side (`plot_comparison`, `ketensim compare`). A mapping with a single unnamed scenario may be given without the outer level, e.g.
``lead_time_figure({"sepot": days, ...}, title)``. The ``read_*`` loaders turn a results folder into those tables,
and `plot_results` glues the two and writes PNGs into ``<results>/plots``.

What is drawn, and from which cohort:

* lead times per route: registration → OM decision for *sepot* and *strafbeschikking*, registration → verdict for the
  court routes (``days_to_decision_*`` in ``kpis.csv``), as cumulative distributions with p50 and p90 marked;
* fast-track windows: days from the start of the legal window (the arrest for *supersnelrecht* and *snelrecht*
  for detained suspects, the summons for *snelrecht* for suspects who are not detained) to the verdict hearing, for
  cases heard in the route (not *verzet*), with the legal window (3 days, 17 days, 2–4 weeks; DOMAIN.md §3) shaded
  and the within-window share and fall-backs from ``kpis.csv`` written on the panel;
* backlog (voorraad) per stage over time: median over replications with a band over replications;
* route shares: cases per year per final route with 95% intervals (``kpis.csv`` ``cases``);
* end-to-end lead time, offence → end of execution, per route and overall (what the Actieplan measures);
* court session fill rate and cancelled share per session type (``kpis.csv``).

A comparison folder (``ketensim compare``) also gets, from ``comparison.csv`` and each scenario's ``cases.parquet``:

* the difference of the main key figures from the reference, paired by replication, with its 95% interval (a
  forest plot; significant differences filled);
* fast-track window attainment and fall-backs per year per route, as bars with 95% intervals;
* the flow of cases over the chain per scenario: OM intake → ZSM desk or regular OM → the OM's decision → the
  route the case was decided in (fall-backs in red) → how it ended (execution kind), in cases per year;
* weekly throughput over calendar time (OM intake, OM decisions, verdicts, executions completed), median over
  replications with a band;
* per arrondissement, the monthly median lead time (registration → OM decision or verdict, by month of
  registration) of each scenario minus the reference, with the dates on which the scenario's schedules switch in
  that region marked (a phased roll-out shows as the difference starting at each region's own date).

Case-level plots use the same cohort as `kpis`: cases registered after the warm-up and before the end of the
horizon, pooled over replications; steps not reached before the run ended are left out (censored).

Figures are built on `matplotlib.figure.Figure` directly, never through pyplot: PNGs are rendered by the Agg canvas
without a display, the matplotlib backend of a notebook that imports this module is left alone, and a figure is freed
as soon as it is dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .kpis import BACKLOG_STAGES, KpiRow, read_csv
from .domain import FAST_TRACK_ROUTES, Channel, ExecutionKind, Outcome, Route, keys

CHANNELS, EXECUTION_KINDS, OUTCOMES, ROUTES = keys(Channel), keys(ExecutionKind), keys(Outcome), keys(Route)
FAST_TRACK = tuple(r.key for r in FAST_TRACK_ROUTES)

DPI = 150
TICK_PT = 12
LABEL_PT = 13
PANEL_TITLE_PT = 14
TITLE_PT = 17
NOTE_PT = 12

# Okabe-Ito: distinguishable with the common colour-vision deficiencies and on a washed-out projector.
SCENARIO_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
WINDOW_COLOUR = "#009E73"
LIMIT_COLOUR = "#B2182B"

ROUTE_LABELS = {
    "sepot": "sepot (dismissal)",
    "strafbeschikking": "OM-strafbeschikking",
    "supersnelrecht": "supersnelrecht",
    "snelrecht_detained": "snelrecht, detained",
    "snelrecht_not_detained": "snelrecht, not detained",
    "regular": "regular summons",
    "all": "all routes",
}
STAGE_LABELS = {
    "police": "police",
    "om_zsm": "OM: ZSM desk",
    "om_regular": "OM: regular",
    "court": "court (first instance)",
    "appeal": "appeal",
    "cjib_delivery": "delivery to CJIB",
    "fine": "fines",
    "taakstraf": "taakstraf",
    "zelfmelder_wait": "zelfmelders waiting",
    "arrestant_wait": "arrestanten waiting",
    "detention": "in detention",
    "advice_reports": "advice reports",
}
WINDOW_START = {
    "supersnelrecht": "arrest",
    "snelrecht_detained": "arrest",
    "snelrecht_not_detained": "summons",
}
# Day marks people reason in (a day, a week, two weeks, a month, a quarter, half a year, a year, two years).
LOG_DAY_TICKS = (0.1, 0.3, 1, 3, 7, 14, 30, 90, 180, 365, 730, 1460)
OM_ROUTES = ("sepot", "strafbeschikking")  # decided by the OM; the court routes end in a verdict
# Routes that can end in execution: a sepot has nothing to execute.
EXECUTION_GROUPS = ("all",) + tuple(r for r in ROUTES if r != "sepot")

FILES = (
    "lead_times_per_route.png",
    "fast_track_windows.png",
    "backlog_per_stage.png",
    "route_shares.png",
    "end_to_end_lead_times.png",
    "session_fill.png",
)
# Drawn for a comparison folder (one with ``comparison.csv``), after the standard figures.
COMPARISON_FILES = (
    "difference_from_reference.png",
    "window_attainment.png",
    "route_flow.png",
    "weekly_throughput.png",
    "lead_time_by_region.png",
)


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

    def date_of(self, day: float) -> dt.date:
        return self.start_date + dt.timedelta(days=float(day))

    def cohort_note(self) -> str:
        return (
            f"Cohort: cases registered after the warm-up, from {self.date_of(self.warmup_days)} "
            f"(day {self.warmup_days:g}) to the end of intake on {self.date_of(self.horizon_days)} "
            f"(day {self.horizon_days:g}); {self.replications} replication{'s' if self.replications != 1 else ''} "
            f"pooled. Steps not reached by the end of the run ({self.runout_days:g} days of run-out) are left out."
        )


@dataclass
class CaseTables:
    """Per-case durations in days of the cohort, pooled over replications, keyed by route."""

    decision_days: dict[str, np.ndarray]  # registration -> OM decision (sepot, strafbeschikking) or -> verdict
    window_days: dict[str, np.ndarray]  # fast-track route: window start -> verdict, cases heard in the route
    offence_to_execution_end_days: dict[str, np.ndarray]  # per route, and "all"


@dataclass
class BacklogTable:
    """Cases per stage at the start of every day: ``cases[stage]`` has shape (replications, days)."""

    dates: np.ndarray  # datetime64[D], one per day
    cases: dict[str, np.ndarray]
    warmup_end: dt.date | None = None
    horizon_end: dt.date | None = None


def read_run_info(out_dir: Path | str) -> RunInfo:
    """The run's scenario name, dates, cohort and legal windows, from ``provenance.json``."""
    path = Path(out_dir) / "provenance.json"
    prov = json.loads(_need(path).read_text())
    sc = prov.get("resolved_scenario", {})
    legal = sc.get("legal", {})

    def get(key, default=None):
        return prov.get(key, sc.get(key, default))

    windows = {
        "supersnelrecht": (0.0, float(legal.get("supersnelrecht_window_days", 3.0))),
        "snelrecht_detained": (0.0, float(legal.get("snelrecht_detained_window_days", 17.0))),
        "snelrecht_not_detained": (
            float(legal.get("snelrecht_not_detained_min_days", 14.0)),
            float(legal.get("snelrecht_not_detained_window_days", 28.0)),
        ),
    }
    return RunInfo(
        scenario=str(get("scenario", sc.get("name", Path(out_dir).name))),
        start_date=dt.date.fromisoformat(str(get("start_date"))),
        warmup_days=float(get("warmup_days", 0.0)),
        horizon_days=float(get("horizon_days")),
        runout_days=float(get("runout_days", 0.0)),
        replications=int(get("replications", 1)),
        windows=windows,
        session_types=tuple(prov.get("session_types", ())),
        regions=tuple(sc.get("regions", {})),
    )


def read_kpis(out_dir: Path | str) -> list[KpiRow]:
    return read_csv(_need(Path(out_dir) / "kpis.csv"))


CASE_COLUMNS = (
    "route", "verzet", "t_offence", "t_registration", "t_decision", "t_window_start", "t_verdict", "t_exec_end",
)


def read_case_tables(out_dir: Path | str, info: RunInfo | None = None) -> CaseTables:
    """Lead times of the cohort from ``cases.parquet``, reading only the columns needed, one row group at a time
    (a national run has millions of rows)."""
    out_dir = Path(out_dir)
    info = info or read_run_info(out_dir)
    pf = pq.ParquetFile(_need(out_dir / "cases.parquet"))
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
    dates = np.array(
        [date_of_day.get(d, str(info.date_of(d))) for d in range(n_days)], dtype="datetime64[D]"
    )
    return BacklogTable(dates, cases, info.date_of(info.warmup_days), info.date_of(info.horizon_days))


# Where a case ended, for the flow diagram: its execution kind if it got one (executed or still being executed),
# else the decision that ended it, else "open" (no final decision, or not yet delivered, by the end of the run).
END_KINDS = ("sepot", "acquittal", "suspended") + EXECUTION_KINDS + ("open",)
FLOW_CHANNELS = ("zsm", "regular")
UNDECIDED = "undecided"
# Events counted per week for the throughput plot: column of cases.parquet -> what it means.
WEEKLY_EVENTS = {
    "t_om_intake": "OM intake",
    "t_decision": "OM decisions (incl. summonses)",
    "t_verdict": "court verdicts (first instance)",
    "t_exec_end": "executions completed",
}
MIN_CASES_PER_MONTH = 20  # a monthly median over fewer cases (pooled over replications) is not drawn


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


CHAIN_COLUMNS = (
    "replication", "region", "channel", "route_initial", "route", "execution", "outcome",
    "t_registration", "t_om_intake", "t_decision", "t_verdict", "t_exec_end",
)


def read_chain_tables(out_dir: Path | str, info: RunInfo | None = None) -> ChainTables:
    """Flows of the cohort over the routes, weekly event counts and monthly median lead times per region, from
    ``cases.parquet`` in one pass, one row group at a time."""
    out_dir = Path(out_dir)
    info = info or read_run_info(out_dir)
    pf = pq.ParquetFile(_need(out_dir / "cases.parquet"))
    years = (info.horizon_days - info.warmup_days) / 365.25
    n_weeks = int(math.ceil((info.horizon_days + info.runout_days) / 7.0)) + 1
    start_month = np.datetime64(info.start_date, "M")
    end_month = np.datetime64(info.date_of(max(info.horizon_days - 1, 0)), "M")
    n_months = int((end_month - start_month).astype(int)) + 1
    regions = list(info.regions)
    end_of_kind = np.array([END_KINDS.index(k) for k in EXECUTION_KINDS] + [END_KINDS.index("open")])
    flow_keys: list[np.ndarray] = []
    weekly: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {e: [] for e in WEEKLY_EVENTS}
    lead_keys: list[np.ndarray] = []
    lead_vals: list[np.ndarray] = []
    not_at_om = 0
    max_rep = max(info.replications - 1, 0)
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
        for name in ("sepot", "acquittal", "suspended"):
            end[outcome == OUTCOMES.index(name)] = END_KINDS.index(name)
        has_kind = execution >= 0
        end[has_kind] = end_of_kind[execution[has_kind]]
        ch = np.where(channel == CHANNELS.index("zsm"), 0, 1)
        ini = np.where(initial >= 0, initial, len(ROUTES))
        fin = np.where(route >= 0, route, len(ROUTES))
        key = ((ch * (len(ROUTES) + 1) + ini) * (len(ROUTES) + 1) + fin) * len(END_KINDS) + end
        flow_keys.append(key[at_om])
        # weekly events, all cases (not only the cohort): the throughput of the chain on that date
        for col in WEEKLY_EVENTS:
            when = _floats(t, col)
            ok = ~np.isnan(when)
            weekly[col].append((rep[ok], np.floor(when[ok] / 7.0).astype(np.int64)))
        # monthly median lead time per region, by month of registration (warm-up included, for the picture)
        decided = np.where(np.isin(route, [ROUTES.index(r) for r in OM_ROUTES]), _floats(t, "t_decision"),
                           _floats(t, "t_verdict")) - reg
        ok = ~np.isnan(decided) & (reg < info.horizon_days) & (reg >= 0)
        month = (np.datetime64(info.start_date, "D") + np.floor(reg[ok]).astype("timedelta64[D]")).astype(
            "datetime64[M]")
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
            float(n) / years / n_rep)
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
    med = np.full(n_rep * n_regions * n_months, np.nan)
    pooled_n = np.zeros(n_regions * n_months)
    if keys.size:
        order = np.argsort(keys, kind="stable")
        keys, vals = keys[order], vals[order]
        uniq, first, n = np.unique(keys, return_index=True, return_counts=True)
        for u, f, c in zip(uniq, first, n):
            med[u] = float(np.median(vals[f:f + c]))
            pooled_n[u % (n_regions * n_months)] += c
    med = med.reshape(n_rep, n_regions, n_months)
    med[:, pooled_n.reshape(n_regions, n_months) < MIN_CASES_PER_MONTH] = np.nan
    months = start_month + np.arange(n_months)
    warm, horizon = info.date_of(info.warmup_days), info.date_of(info.horizon_days)
    lead = {name: med[:, i, :] for i, name in enumerate(regions or ["all"])}
    return ChainTables(
        flows, not_at_om / years / n_rep, WeeklyTable(week_starts, counts, warm, horizon),
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
        dates = set()
        for path, value in mine.items():
            if value == ref.get(path) or not _is_schedule_points(value):
                continue
            theirs = ref.get(path)
            theirs = {str(d) for d, _ in theirs} if _is_schedule_points(theirs) else set()
            dates.update(dt.date.fromisoformat(str(d)[:10]) for d, _ in value[1:] if str(d) not in theirs)
        out[region] = sorted(dates)
    return out


def _is_schedule_points(x) -> bool:
    return (isinstance(x, list) and len(x) > 1 and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in x)
            and all(isinstance(p[1], (int, float)) and not isinstance(p[1], bool) for p in x))


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


# ------------------------------------------------------------------------------------------------ figures


def lead_time_figure(
    lead_times: Mapping[str, Mapping[str, np.ndarray]] | Mapping[str, np.ndarray],
    title: str,
    *,
    groups: Sequence[str] | None = None,
    xlabel: str | Mapping[str, str] = "days from registration to decision",
    note: str = "",
    log_x: bool = True,
) -> Figure:
    """Cumulative distribution of a lead time, one panel per group (route), one curve per scenario (the first, the
    reference, drawn thicker), p50 and p90 marked and written on the panel with the number of cases.

    `lead_times` maps scenario -> group -> days (or, for one scenario, group -> days). A group without cases shows
    "no cases". With `log_x` the axis is logarithmic with day marks (1 day, a week, a month, a year ...), because
    a route's lead times span from hours to years; otherwise it is linear and cut at the 99th percentile.
    """
    data = _by_scenario(lead_times)
    if groups is None:
        groups = list(dict.fromkeys(g for d in data.values() for g in d))
    nrows, ncols = _grid(len(groups))
    fig = Figure(figsize=(14, 4.1 * nrows + 1.6), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    for i, (ax, group) in enumerate(zip(axes, groups)):
        series = {s: _finite(d.get(group)) for s, d in data.items()}
        n_total = sum(v.size for v in series.values())
        ax.set_title(ROUTE_LABELS.get(group, group), fontsize=PANEL_TITLE_PT)
        label = xlabel.get(group, "days") if isinstance(xlabel, Mapping) else xlabel
        _style(ax, xlabel=label, ylabel="% of cases (cumulative)" if i % ncols == 0 else "")
        ax.set_ylim(0, 102)
        ax.yaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 90, 100]))
        if n_total == 0:
            _no_cases(ax)
            continue
        pooled = np.concatenate([v for v in series.values() if v.size])
        if log_x:
            positive = pooled[pooled > 0]
            lo = float(np.min(positive)) if positive.size else 0.1
            hi = float(np.max(pooled)) if pooled.size else 1.0
            lo, hi = lo / 1.4, max(hi * 1.4, lo * 10)
            ax.set_xscale("log")
            ax.set_xlim(lo, hi)
            _day_ticks(ax, lo, hi)
        else:
            hi = float(np.percentile(pooled, 99)) * 1.05 or 1.0
            ax.set_xlim(0, hi)
        stats = []
        for k, (scen, days) in enumerate(series.items()):
            colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            if days.size == 0:
                stats.append((colour, "no cases"))
                continue
            x, y = _ecdf(days, clip_low=ax.get_xlim()[0] if log_x else None)
            p50, p90 = np.percentile(days, [50, 90])
            stats.append((colour, f"p50 {_days(p50)} · p90 {_days(p90)} days"))
            ax.plot(x, y, color=colour, lw=_line_width(k, len(series), 2.2),
                    label=f"{stats[-1][1]}\n{_count(days.size)} cases")
            for p, q, marker in ((50, p50, "o"), (90, p90, "D")):
                xq = max(q, ax.get_xlim()[0]) if log_x else q
                ax.plot([xq, xq], [0, p], color=colour, lw=1.2, ls=":")
                ax.plot([xq], [p], marker=marker, ms=8, color=colour, mec="white", mew=1.2, zorder=5)
        for p in (50, 90):
            ax.axhline(p, color="0.6", lw=0.8, ls=":", zorder=0)
        if len(series) == 1:
            ax.legend(loc="best", fontsize=TICK_PT, frameon=True, framealpha=0.92, handlelength=1.2)
        else:  # scenario names go in the figure legend; the panel keeps one short coloured line per scenario
            _stack_texts(ax, stats, boxed=False)
    legend = None
    if len(data) > 1:
        legend = [Line2D([], [], color=SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)], lw=2.5, label=scen)
                  for k, scen in enumerate(data)]
    _finish(fig, title, note + ("" if not note else " ") + "Markers: ● p50 (median), ◆ p90.", legend=legend,
            legend_cols=len(data))
    return fig


def window_figure(
    window_days: Mapping[str, Mapping[str, np.ndarray]] | Mapping[str, np.ndarray],
    windows: Mapping[str, tuple[float, float]],
    title: str,
    *,
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow] | None = None,
    note: str = "",
) -> Figure:
    """Days from the window start to the verdict hearing per fast-track route, with the legal window shaded and its
    limits drawn as vertical lines; the within-window share and the fall-backs per year (from `kpis`) are written
    on the panel.

    `window_days` maps scenario -> route -> days (or route -> days for one scenario); `windows` maps route ->
    (earliest, latest) day of the legal window; the earliest is drawn only when it is above zero.
    """
    data = _by_scenario(window_days)
    rows = _by_scenario_rows(kpis) if kpis is not None else {}
    routes = [r for r in FAST_TRACK if r in windows] + [r for r in windows if r not in FAST_TRACK]
    fig = Figure(figsize=(15, 6.6), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, len(routes), squeeze=False).ravel()
    for ax, route in zip(axes, routes):
        lo, hi = windows[route]
        start = WINDOW_START.get(route, "window start")
        span = f"{lo:g}–{hi:g} days" if lo > 0 else f"≤ {hi:g} days"
        ax.set_title(f"{ROUTE_LABELS.get(route, route)}\nlegal window {span} from {start}", fontsize=PANEL_TITLE_PT)
        _style(ax, xlabel=f"days from {start} to verdict hearing", ylabel="% of cases heard in the route")
        series = {s: _finite(d.get(route)) for s, d in data.items()}
        pooled = np.concatenate([v for v in series.values() if v.size] or [np.empty(0)])
        x_max = max(hi * 1.12, float(pooled.max()) * 1.03 if pooled.size else 0.0)
        ax.set_xlim(0, x_max)
        ax.axvspan(lo, hi, color=WINDOW_COLOUR, alpha=0.13, lw=0, zorder=0)
        ax.axvline(hi, color=LIMIT_COLOUR, lw=2.2, ls="--", zorder=4)
        if lo > 0:
            ax.axvline(lo, color=LIMIT_COLOUR, lw=2.2, ls="--", zorder=4)
        width = _bin_width(hi)
        bins = np.arange(0.0, x_max + width, width)
        top = 0.0
        for k, (scen, days) in enumerate(series.items()):
            if days.size == 0:
                continue
            colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            w = np.full(days.size, 100.0 / days.size)
            h, _, _ = ax.hist(days, bins=bins, weights=w, histtype="stepfilled", color=colour,
                              alpha=0.35 if len(series) > 1 else 0.6, lw=0)
            ax.hist(days, bins=bins, weights=w, histtype="step", color=colour, lw=1.8)
            top = max(top, float(h.max()))
        if not pooled.size:
            _no_cases(ax)
            ax.set_ylim(0, 100)
            continue
        named = len(series) > 1
        boxes = [(SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)] if named else "black",
                  _window_text(scen, route, rows.get(scen, ()), series[scen].size, named))
                 for k, scen in enumerate(series)]
        # headroom above the bars for the boxes: about 6% of the axes per line of text, plus padding per box
        n_lines = sum(text.count("\n") + 1 for _, text in boxes)
        ax.set_ylim(0, top / max(0.25, 1 - 0.062 * n_lines - 0.04 * len(boxes) - 0.04))
        _stack_texts(ax, boxes)
    handles = [Patch(color=WINDOW_COLOUR, alpha=0.25, label="legal window"),
               Line2D([], [], color=LIMIT_COLOUR, lw=2.2, ls="--", label="legal limit")]
    if len(data) > 1:
        handles += [Patch(color=SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)], alpha=0.6, label=scen)
                    for k, scen in enumerate(data)]
    _finish(fig, title, note, legend=handles, legend_cols=len(handles))
    return fig


def backlog_figure(
    backlogs: Mapping[str, BacklogTable] | BacklogTable,
    title: str,
    *,
    stages: Sequence[str] | None = None,
    note: str = "",
) -> Figure:
    """Backlog per stage over time: one small panel per stage, the median over replications as a line and a band
    over replications (10–90% with ten or more replications, else min–max), calendar dates on the x axis, the end
    of the warm-up and of intake (the horizon) marked.

    `backlogs` maps scenario -> `BacklogTable` (or is one table for one scenario).
    """
    data = {"": backlogs} if isinstance(backlogs, BacklogTable) else dict(backlogs)
    if stages is None:
        stages = list(dict.fromkeys(s for b in data.values() for s in b.cases))
    nrows, ncols = _grid(len(stages), max_cols=4)
    fig = Figure(figsize=(15, 3.0 * nrows + 1.9), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(stages):]:
        ax.set_visible(False)
    bands = set()
    marks = _time_marks(data)
    for ax, stage in zip(axes, stages):
        ax.set_title(STAGE_LABELS.get(stage, stage), fontsize=PANEL_TITLE_PT)
        _style(ax)
        _band_panel(ax, [(b.dates, b.cases.get(stage)) for b in data.values()], marks, bands)
    for ax in axes[len(stages) - ncols:len(stages)]:
        ax.tick_params(axis="x", labelbottom=True)
    n_reps = max((b.cases[s].shape[0] for b in data.values() for s in b.cases), default=0)
    handles = _band_legend(data, bands, marks)
    fig.supylabel("cases in the stage (start of day)", fontsize=LABEL_PT)
    _finish(fig, title, note or (
        f"Cases in each stage at the start of every day ({n_reps} replications). The chain starts empty, so the "
        "warm-up is not representative; after the horizon no new cases arrive and the stages drain (run-out)."),
        legend=handles, legend_cols=4)
    return fig


def route_share_figure(
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow],
    title: str,
    *,
    routes: Sequence[str] = ROUTES,
    note: str = "",
) -> Figure:
    """Cases per year per route (``cases`` in the KPI table) as bars with their 95% intervals, one bar per scenario
    per route, each labelled with the number and the route's share of all decided cases."""
    data = _by_scenario_rows(kpis)
    fig = Figure(figsize=(14, 7.2), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    _style(ax, ylabel="cases per year")
    n = len(data)
    width = 0.8 / n
    x = np.arange(len(routes))
    top = 0.0
    for k, (scen, rows) in enumerate(data.items()):
        colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
        found = {r.group: r for r in rows if r.metric == "cases"}
        mean = np.array([found[r].mean if r in found else np.nan for r in routes])
        low = np.array([found[r].ci_low if r in found else np.nan for r in routes])
        high = np.array([found[r].ci_high if r in found else np.nan for r in routes])
        total = np.nansum(mean)
        xs = x - 0.4 + width * (k + 0.5)
        heights = np.nan_to_num(mean)
        ax.bar(xs, heights, width * 0.92, color=colour, label=scen or None)
        has_ci = ~np.isnan(low) & ~np.isnan(high)
        if has_ci.any():
            err = np.vstack([heights - np.nan_to_num(low), np.nan_to_num(high) - heights])
            err[:, ~has_ci] = 0
            ax.errorbar(xs[has_ci], heights[has_ci], yerr=err[:, has_ci], fmt="none", ecolor="black",
                        elinewidth=1.6, capsize=7, capthick=1.6)
        for xi, m, h in zip(xs, mean, np.where(has_ci, high, mean)):
            if np.isnan(m):
                ax.text(xi, 0, "no data", ha="center", va="bottom", fontsize=TICK_PT, color="0.4")
                continue
            share = f"\n{100 * m / total:.1f}%" if total > 0 else ""
            ax.annotate(f"{m:,.0f}{share}", (xi, max(h, m)), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=TICK_PT if n <= 2 else TICK_PT - 1)
            top = max(top, h, m)
    ax.set_xticks(x, [ROUTE_LABELS.get(r, r).replace(", ", ",\n").replace(" (", "\n(") for r in routes],
                  fontsize=TICK_PT)
    ax.set_ylim(0, top * 1.2 if top > 0 else 1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    if n > 1:
        ax.legend(fontsize=TICK_PT, loc="upper center", ncols=n)
    _finish(fig, title, note or "Error bars: 95% interval over replications. Percentages: share of all decided cases.")
    return fig


def session_fill_figure(
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow],
    title: str,
    *,
    session_types: Sequence[str] | None = None,
    note: str = "",
) -> Figure:
    """Per court session type: the fill rate (slots used of slots offered in held sessions) and the share of planned
    sessions cancelled, as bars with their 95% intervals, one bar per scenario."""
    data = _by_scenario_rows(kpis)
    if session_types is None:
        session_types = list(dict.fromkeys(
            r.group for rows in data.values() for r in rows if r.metric == "session_fill_rate"))
    fig = Figure(figsize=(14, 6.6), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, 2)
    panels = (("session_fill_rate", "fill rate: slots used in held sessions", "% of slots offered"),
              ("sessions_cancelled_share", "cancelled: planned sessions not held", "% of planned sessions"))
    x = np.arange(len(session_types))
    for ax, (metric, panel_title, ylabel) in zip(axes, panels):
        ax.set_title(panel_title, fontsize=PANEL_TITLE_PT)
        _style(ax, ylabel=ylabel)
        top = _kpi_bars(ax, data, metric, session_types, 100.0, percent=True)
        ax.set_xticks(x, [_session_label(s) for s in session_types], fontsize=TICK_PT)
        ax.set_ylim(0, 112 if metric == "session_fill_rate" else max(top * 1.25, 5))
        if metric == "session_fill_rate":
            ax.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
            ax.axhline(100, color="0.5", lw=0.8, ls=":")
        if len(data) > 1:
            ax.legend(fontsize=TICK_PT, loc="upper right")
    _finish(fig, title, note or "Court sessions planned between the end of the warm-up and the horizon. "
            "Error bars: 95% interval over replications.")
    return fig


# ------------------------------------------------------------------------------------------------ comparison figures


# Plain words for a key figure: what it is, its unit, and the factor from the value in kpis.csv to that unit.
_KPI_WORDS = {
    "days_to_execution_end_p50": ("median days from registration to end of execution", "days", 1.0),
    "cases": ("cases per year", "cases per year", 1.0),
    "window_days_max": ("longest time to the verdict hearing", "days", 1.0),
    "within_window_share": ("heard within the legal window", "%", 100.0),
    "fallbacks": ("fall-backs per year", "cases per year", 1.0),
    "backlog_end": ("backlog at the end of intake", "cases", 1.0),
    "session_fill_rate": ("session fill rate", "%", 100.0),
    "sessions_cancelled_share": ("sessions cancelled", "%", 100.0),
    "sentences": ("verdicts per year", "cases per year", 1.0),
    "om_intake": ("OM intake per year", "cases per year", 1.0),
    "via_zsm_share": ("share of OM intake via ZSM", "%", 100.0),
    "open_at_end": ("cohort cases still open at the end of the run", "cases", 1.0),
    "strafbeschikkingen": ("OM strafbeschikkingen per year", "cases per year", 1.0),
    "days_offence_to_execution_end_p50": ("median days from offence to end of execution", "days", 1.0),
    "adjournments_per_hearing_case": ("adjournments per case heard", "", 1.0),
    "returned_share": ("share of OM intake returned to the police", "%", 100.0),
}


def group_label(metric: str, group: str) -> str:
    """The readable name of a key figure's group: a route, a stage, a session type or a verdict."""
    if group == "all":
        return ""
    if metric in ("backlog_end",):
        return STAGE_LABELS.get(group, group)
    if metric in ("session_fill_rate", "sessions_cancelled_share"):
        return _session_label(group).replace("\n", " ")
    if group == "undecided":
        return "not decided by the end of the run"
    return ROUTE_LABELS.get(group, group)


def describe_kpi(metric: str, group: str) -> tuple[str, str, float]:
    """(label, unit, factor) of a key figure in plain words, e.g. ("regular summons: median days to verdict",
    "days", 1.0); shares come as % (factor 100), their differences in percentage points."""
    if metric in ("days_to_decision_p50", "days_to_decision_p90"):
        to = "OM decision" if group in OM_ROUTES else "verdict"
        what = ("median" if metric.endswith("p50") else "90th percentile of") + f" days to {to}"
        unit, factor = "days", 1.0
    elif metric in _KPI_WORDS:
        what, unit, factor = _KPI_WORDS[metric]
    else:
        what, unit, factor = metric.replace("_", " "), "", 1.0
    g = group_label(metric, group)
    return (f"{g}: {what}" if g else what), unit, factor


def difference_unit(unit: str) -> str:
    return "percentage points" if unit == "%" else unit


# The key figures of the "difference from the reference" plot, by panel; "*" = every group present.
MAIN_DIFFERENCES = (
    ("Lead times", "days", tuple(("days_to_decision_p50", r) for r in ROUTES)
     + (("days_to_decision_p90", "regular"), ("days_offence_to_execution_end_p50", "all"))),
    ("Fast-track windows, ZSM and court sessions", "%", tuple(("within_window_share", r) for r in FAST_TRACK)
     + (("via_zsm_share", "all"), ("session_fill_rate", "*"))),
    ("Cases per year", "cases per year", tuple(("fallbacks", r) for r in FAST_TRACK)
     + tuple(("cases", r) for r in ROUTES)),
    ("Backlogs at the end of intake, and cases still open", "cases",
     tuple(("backlog_end", s) for s in BACKLOG_STAGES) + (("open_at_end", "all"),)),
)


def difference_figure(
    rows: Sequence,
    title: str,
    *,
    reference: str | None = None,
    panels: Sequence[tuple[str, str, Sequence[tuple[str, str]]]] = MAIN_DIFFERENCES,
    note: str = "",
) -> Figure:
    """A forest plot of "scenario minus reference": per key figure, each scenario's paired difference from the
    reference with its 95% interval, a line at zero; differences whose interval excludes zero are filled and their
    value written, the others hollow. One panel per unit (days, percentage points, cases per year, cases).

    `rows` are comparison rows (``sim.compare.ComparisonRow`` or anything with metric, group, breakdown, scenario,
    diff, diff_ci_low, diff_ci_high); the reference is the first scenario unless named. Key figures that are
    identical in every scenario (difference 0 with an empty interval) are left out and listed in the note.
    """
    rows = [r for r in rows if getattr(r, "breakdown", "all") == "all"]
    scenarios = list(dict.fromkeys(r.scenario for r in rows))
    reference = reference or (scenarios[0] if scenarios else "")
    others = [s for s in scenarios if s != reference]
    found = {(r.metric, r.group, r.scenario): r for r in rows}
    groups_of = {}
    for r in rows:
        groups_of.setdefault(r.metric, list())
        if r.group not in groups_of[r.metric]:
            groups_of[r.metric].append(r.group)
    drawn, unchanged = [], []
    for heading, unit, keys in panels:
        expanded = [(m, g2) for m, g in keys for g2 in (groups_of.get(m, []) if g == "*" else [g])]
        keep = []
        for m, g in expanded:
            cells = [found.get((m, g, s)) for s in others]
            cells = [c for c in cells if c is not None and not math.isnan(c.diff)]
            if not cells:
                continue
            if all(c.diff == 0 and (math.isnan(c.diff_ci_low) or c.diff_ci_low == c.diff_ci_high == 0) for c in cells):
                unchanged.append(describe_kpi(m, g)[0])
                continue
            keep.append((m, g))
        if keep:
            drawn.append((heading, unit, keep))
    heights = [max(len(k), 1) * (0.26 + 0.15 * len(others)) + 0.9 for _, _, k in drawn] or [2.0]
    fig = Figure(figsize=(15, sum(heights) + 2.4), dpi=DPI, layout="constrained")
    axes = fig.subplots(len(heights), 1, squeeze=False, gridspec_kw={"height_ratios": heights}).ravel()
    if not drawn:
        axes[0].set_title("no differences", fontsize=PANEL_TITLE_PT)
        axes[0].set_axis_off()
        _no_cases(axes[0])
    step = 0.7 / max(len(others), 1)
    for ax, (heading, unit, keys) in zip(axes, drawn):
        factor = 100.0 if unit == "%" else 1.0
        dunit = difference_unit(unit)
        ax.set_title(f"{heading}: difference from “{reference}” ({dunit})", fontsize=PANEL_TITLE_PT, loc="left")
        _style(ax, xlabel=f"{dunit} (scenario − {reference})")
        ax.axvline(0, color="0.2", lw=1.4, zorder=1)
        y = np.arange(len(keys))[::-1].astype(float)
        lo_all, hi_all = [0.0], [0.0]
        for k, scen in enumerate(others):
            colour = SCENARIO_COLOURS[(scenarios.index(scen)) % len(SCENARIO_COLOURS)]
            ys = y + 0.35 - step * (k + 0.5)
            for yi, (m, g) in zip(ys, keys):
                c = found.get((m, g, scen))
                if c is None or math.isnan(c.diff):
                    continue
                d = c.diff * factor
                lo = c.diff_ci_low * factor if not math.isnan(c.diff_ci_low) else d
                hi = c.diff_ci_high * factor if not math.isnan(c.diff_ci_high) else d
                sig = not math.isnan(c.diff_ci_low) and (c.diff_ci_low > 0 or c.diff_ci_high < 0)
                ax.plot([lo, hi], [yi, yi], color=colour, lw=2.4 if sig else 1.4, alpha=1 if sig else 0.55,
                        solid_capstyle="butt", zorder=3)
                ax.plot([d], [yi], marker="o", ms=9 if sig else 7, color=colour, mfc=colour if sig else "white",
                        mew=1.8, zorder=4, alpha=1 if sig else 0.8)
                if sig:  # the value beside the interval, on the side away from zero
                    ax.annotate(_signed(d), (hi, yi) if d >= 0 else (lo, yi), xytext=(6 if d >= 0 else -6, 0),
                                textcoords="offset points", va="center", ha="left" if d >= 0 else "right",
                                fontsize=TICK_PT, color=colour, fontweight="bold", zorder=5)
                lo_all.append(lo)
                hi_all.append(hi)
        lo, hi = min(lo_all), max(hi_all)
        span = (hi - lo) or 1.0
        ax.set_xlim(lo - (0.22 if lo < 0 else 0.08) * span, hi + (0.22 if hi > 0 else 0.08) * span)
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.set_yticks(y, [describe_kpi(m, g)[0] for m, g in keys], fontsize=TICK_PT)
        ax.grid(True, axis="y", color="0.93", lw=0.6)
        ax.tick_params(axis="y", length=0)
    handles = [Line2D([], [], color=SCENARIO_COLOURS[scenarios.index(s) % len(SCENARIO_COLOURS)], lw=2.4,
                      marker="o", ms=9, label=s) for s in others]
    handles += [Line2D([], [], color="0.3", lw=2.4, marker="o", ms=9, label="significant: 95% interval excludes 0"),
                Line2D([], [], color="0.3", lw=1.4, marker="o", ms=7, mfc="white", alpha=0.7,
                       label="not significant")]
    left_out = ""
    if unchanged:
        left_out = (" Identical in every scenario (left out): " + "; ".join(unchanged[:12])
                    + (f" and {len(unchanged) - 12} more." if len(unchanged) > 12 else "."))
    _finish(fig, title, (note or (
        "Difference of each scenario from the reference, replication by replication (common random numbers), "
        "with the 95% interval of the paired difference. Shares in percentage points.")) + left_out,
        legend=handles, legend_cols=min(len(handles), 4))
    return fig


def window_attainment_figure(
    kpis: Mapping[str, Sequence[KpiRow]] | Sequence[KpiRow],
    title: str,
    *,
    windows: Mapping[str, tuple[float, float]] | None = None,
    note: str = "",
) -> Figure:
    """Per fast-track route: the share of the cases that started in the route that were heard inside the legal
    window (``within_window_share``) and the fall-backs per year (``fallbacks``), as bars with their 95% intervals,
    one bar per scenario. `windows` (route -> (earliest, latest) day) puts the legal window under each route."""
    data = _by_scenario_rows(kpis)
    routes = list(FAST_TRACK)
    labels = []
    for r in routes:
        label = ROUTE_LABELS.get(r, r).replace(", ", ",\n")
        if windows and r in windows:
            lo, hi = windows[r]
            span = f"{lo:g}–{hi:g} days" if lo > 0 else f"≤ {hi:g} days"
            label += f"\n(window {span})"
        labels.append(label)
    fig = Figure(figsize=(15, 7.0), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, 2)
    panels = (("within_window_share", "heard within the legal window", "% of cases that started in the route", 100.0),
              ("fallbacks", "fall-backs to a slower route", "cases per year", 1.0))
    for ax, (metric, panel_title, ylabel, factor) in zip(axes, panels):
        ax.set_title(panel_title, fontsize=PANEL_TITLE_PT)
        _style(ax, ylabel=ylabel)
        top = _kpi_bars(ax, data, metric, routes, factor, percent=factor == 100.0)
        ax.set_xticks(np.arange(len(routes)), labels, fontsize=TICK_PT)
        if metric == "within_window_share":
            ax.set_ylim(0, 115)
            ax.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
            ax.axhline(100, color="0.5", lw=0.8, ls=":")
        else:
            ax.set_ylim(0, max(top * 1.25, 5))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    handles = None
    if len(data) > 1:
        handles = [Patch(color=SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)], label=s) for k, s in enumerate(data)]
    _finish(fig, title, note or (
        "Within window: cases heard in the route / (those + cases that fell back out of it); a case that cannot be "
        "heard inside its legal window is released and falls back to a slower route. "
        "Error bars: 95% interval over replications."), legend=handles, legend_cols=len(data))
    return fig


# Colours of the flow bands: the OM's decision (route chosen); fall-backs stand out in dark red.
ROUTE_COLOURS = {
    "sepot": "#9E9E9E",
    "strafbeschikking": "#E69F00",
    "supersnelrecht": "#CC79A7",
    "snelrecht_detained": "#009E73",
    "snelrecht_not_detained": "#56B4E9",
    "regular": "#0072B2",
    UNDECIDED: "#D9D9D9",
}
FALLBACK_COLOUR = LIMIT_COLOUR
CHANNEL_LABELS = {"zsm": "ZSM desk", "regular": "regular OM"}
END_LABELS = {
    "sepot": "sepot: case ends",
    "acquittal": "acquittal",
    "suspended": "suspended sentence",
    "fine": "fine",
    "taakstraf": "taakstraf",
    "aansluitend": "custodial: aansluitend",
    "zelfmelder": "custodial: zelfmelder",
    "arrestant": "custodial: arrestant",
    "open": "not finished by end of run",
}
FLOW_ROUTE_LABELS = {
    "sepot": "sepot",
    "strafbeschikking": "strafbeschikking",
    "supersnelrecht": "supersnelrecht",
    "snelrecht_detained": "snelrecht, detained",
    "snelrecht_not_detained": "snelrecht, not det.",
    "regular": "regular summons",
    UNDECIDED: "not decided yet",
}
FLOW_HEADINGS = ("OM intake", "handled by", "OM decision", "decided in\n(after fall-backs)", "how the case ended")


def route_flow_figure(
    flows: Mapping[str, Mapping[tuple[str, str, str, str], float]] | Mapping[tuple[str, str, str, str], float],
    title: str,
    *,
    note: str = "",
) -> Figure:
    """The flow of cases over the chain, one panel per scenario: OM intake → ZSM desk or regular OM → the OM's
    decision → the route the case was decided in (fall-backs as dark red bands) → how it ended (sepot, acquittal,
    suspended, or the execution kind). Node and band heights are cases per year on one scale for all panels;
    labels give the number, and in the other panels the difference from the first (the reference).

    `flows` maps scenario -> (channel, OM decision, decided in, end) -> cases per year (`ChainTables.flows`).
    Very small nodes are drawn at a minimum height so that they stay visible (their numbers are exact).
    """
    data = {"": dict(flows)} if flows and all(isinstance(k, tuple) for k in flows) else dict(flows or {})
    route_nodes = list(ROUTES) + [UNDECIDED]
    columns = [["intake"], list(FLOW_CHANNELS), route_nodes, route_nodes, list(END_KINDS)]

    def path_of(key):
        ch, ini, fin, end = key
        return ("intake", ch, ini, fin, end)

    def colour_of(i, key):
        ch, ini, fin, end = key
        if i == 2 and ini != fin:
            return "fallback"
        return ini if i < 3 else fin

    values = {}  # scenario -> column -> node -> cases per year
    for scen, fl in data.items():
        v = [dict.fromkeys(col, 0.0) for col in columns]
        for key, n in fl.items():
            for i, node in enumerate(path_of(key)):
                if node in v[i]:
                    v[i][node] += n
        values[scen] = v
    # nodes: those with cases in any scenario
    shown = [[n for n in col if any(values[s][i][n] > 0 for s in data)] for i, col in enumerate(columns)]
    gap, h_min = 0.03, 0.014

    def fits(scale):
        worst = 0.0
        for s in data:
            for i, col in enumerate(shown):
                used = sum(max(values[s][i][n] * scale, h_min) for n in col) + gap * (len(col) - 1)
                worst = max(worst, used)
        return worst <= 1.0

    total = max((sum(values[s][0].values()) for s in data), default=0.0) or 1.0
    lo, hi = 0.0, 1.0 / total
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    scale = lo
    n = max(len(data), 1)
    fig = Figure(figsize=(16, 6.4 * n + 1.9), dpi=DPI, layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False).ravel()
    xs = [0.0, 1.0, 2.0, 3.0, 4.0]
    node_w = 0.05
    reference = next(iter(data)) if data else ""
    for ax, scen in zip(axes, data):
        v = values[scen]
        ax.set_xlim(-0.62, 4.78)
        ax.set_ylim(-0.01, 1.09)
        ax.set_axis_off()
        intake = sum(v[0].values())
        ax.set_title(f"{scen + ': ' if scen else ''}OM intake {intake:,.0f} cases per year",
                     fontsize=PANEL_TITLE_PT, loc="left", fontweight="bold", pad=TICK_PT * 1.7)
        fell = {}
        for (ch, ini, fin, end), cases in data[scen].items():
            if ini != fin and ini in FAST_TRACK:
                fell[(ini, fin)] = fell.get((ini, fin), 0.0) + cases
        if fell:
            short = {"supersnelrecht": "supersnelrecht", "snelrecht_detained": "snelrecht det.",
                     "snelrecht_not_detained": "snelrecht not det.", "regular": "regular"}
            parts = []
            for src in FAST_TRACK:
                outs = [f"→ {short[b]} {_flow_count(n)}" for (a, b), n in
                        sorted(fell.items(), key=lambda kv: route_nodes.index(kv[0][1])) if a == src]
                if outs:
                    parts.append(f"{short[src]} " + ", ".join(outs))
            ann = ax.annotate("fall-backs per year (red bands): " + " · ".join(parts), (0, 1),
                              xycoords="axes fraction", xytext=(0, 3), textcoords="offset points", ha="left",
                              va="bottom", fontsize=TICK_PT, color=FALLBACK_COLOUR)
            ann.set_in_layout(False)
        for x, heading in zip(xs, FLOW_HEADINGS):
            ax.text(x + node_w / 2, 1.085, heading, ha="center", va="top", fontsize=TICK_PT, color="0.3",
                    style="italic")
        # node positions, top to bottom, the column centred
        pos = []  # column -> node -> (top, height)
        for i, col in enumerate(shown):
            heights = [max(v[i][nd] * scale, h_min) for nd in col]
            used = sum(heights) + gap * (len(col) - 1)
            y = 0.5 + used / 2 - 0.04
            p = {}
            for nd, h in zip(col, heights):
                p[nd] = (y, h)
                y -= h + gap
            pos.append(p)
        # bands between adjacent columns
        for i in range(4):
            agg: dict[tuple[str, str, str], float] = {}
            for key, cases in data[scen].items():
                path = path_of(key)
                k = (path[i], path[i + 1], colour_of(i, key))
                agg[k] = agg.get(k, 0.0) + cases
            src_order = {nd: j for j, nd in enumerate(shown[i])}
            dst_order = {nd: j for j, nd in enumerate(shown[i + 1])}
            colour_order = {c: j for j, c in enumerate(["fallback"] + route_nodes)}
            out_off = {nd: 0.0 for nd in shown[i]}
            in_off = {nd: 0.0 for nd in shown[i + 1]}
            out_bands = sorted(agg.items(), key=lambda kv: (src_order[kv[0][0]], dst_order[kv[0][1]],
                                                            colour_order.get(kv[0][2], 99)))
            starts = {}
            for (a, b, c), cases in out_bands:
                top, h = pos[i][a]
                th = cases / v[i][a] * h if v[i][a] else 0.0
                starts[(a, b, c)] = (top - out_off[a], th)
                out_off[a] += th
            in_bands = sorted(agg.items(), key=lambda kv: (dst_order[kv[0][1]], src_order[kv[0][0]],
                                                           colour_order.get(kv[0][2], 99)))
            for (a, b, c), cases in in_bands:
                top, h = pos[i + 1][b]
                th = cases / v[i + 1][b] * h if v[i + 1][b] else 0.0
                y0, t0 = starts[(a, b, c)]
                y1 = top - in_off[b]
                in_off[b] += th
                colour = FALLBACK_COLOUR if c == "fallback" else ROUTE_COLOURS[c]
                _band(ax, xs[i] + node_w, y0, t0, xs[i + 1], y1, th, colour,
                      alpha=0.85 if c == "fallback" else 0.55, edge=c == "fallback")
        # nodes and labels
        for i, col in enumerate(shown):
            labels = []
            for nd in col:
                top, h = pos[i][nd]
                ax.add_patch(Rectangle((xs[i], top - h), node_w, h, color="0.25" if v[i][nd] > 0 else "0.75",
                                       lw=0, zorder=3))
                name = ("OM intake" if i == 0 else CHANNEL_LABELS.get(nd, nd) if i == 1 else
                        END_LABELS.get(nd, nd) if i == 4 else FLOW_ROUTE_LABELS.get(nd, nd))
                text = f"{name}  {_flow_count(v[i][nd])}"
                if scen != reference:
                    d = v[i][nd] - values[reference][i][nd]
                    if round(d) != 0:
                        text += f" ({_signed(d, 0)})"
                labels.append((top - h / 2, text))
            _flow_labels(ax, fig, labels, x_node=xs[i], node_w=node_w, left=(i == 0))
    handles = [Patch(color=ROUTE_COLOURS[r], alpha=0.7, label=FLOW_ROUTE_LABELS[r]) for r in route_nodes
               if any(r in col for col in shown[2:4])]
    handles.append(Patch(color=FALLBACK_COLOUR, alpha=0.85, label="fall-back (legal window missed)"))
    _finish(fig, title, note or (
        "Cases registered after the warm-up and before the end of intake that reached the OM, per year (mean over "
        "replications). Band colour: the OM's decision; dark red: a fast-track case that fell back to a slower "
        "route. Execution kinds include sentences still being executed at the end of the run. In brackets: the "
        "difference from the first scenario. Very small nodes are drawn at a minimum height."),
        legend=handles, legend_cols=4)
    return fig


def _band(ax, x0: float, y0: float, t0: float, x1: float, y1: float, t1: float, colour: str, alpha: float,
          edge: bool = False) -> None:
    """A band from (x0, top y0, thickness t0) to (x1, top y1, thickness t1) with S-shaped edges; with `edge` it
    is outlined too, so that a thin band stays visible."""
    if t0 <= 0 and t1 <= 0:
        return
    xm = (x0 + x1) / 2
    verts = [(x0, y0), (xm, y0), (xm, y1), (x1, y1), (x1, y1 - t1), (xm, y1 - t1), (xm, y0 - t0), (x0, y0 - t0),
             (x0, y0)]
    codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO, MplPath.CURVE4,
             MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
    ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour, edgecolor=colour if edge else "none",
                           lw=1.6 if edge else 0, alpha=alpha, zorder=2.5 if edge else 2))


def _flow_labels(ax, fig: Figure, labels: list[tuple[float, str]], *, x_node: float, node_w: float,
                 left: bool) -> None:
    """Node labels beside their nodes, pushed apart vertically where nodes are close (with a leader line)."""
    if not labels:
        return
    height_pt = ax.get_position().height * fig.get_figheight() * 72 or 300.0
    step = 1.45 * TICK_PT / height_pt * 1.09  # one label line in data units (y runs over 1.1)
    order = sorted(range(len(labels)), key=lambda k: -labels[k][0])
    ys = [labels[k][0] for k in order]
    for j in range(1, len(ys)):
        ys[j] = min(ys[j], ys[j - 1] - step)
    if ys and ys[-1] < 0.0:
        ys[-1] = 0.0
        for j in range(len(ys) - 2, -1, -1):
            ys[j] = max(ys[j], ys[j + 1] + step)
    for j, k in enumerate(order):
        y_node, text = labels[k]
        x_text = x_node - 0.03 if left else x_node + node_w + 0.03
        if abs(ys[j] - y_node) > step * 0.3:
            x_edge = x_node if left else x_node + node_w
            ax.plot([x_edge, x_text], [y_node, ys[j]], color="0.35", lw=0.8, zorder=4)
        ax.text(x_text, ys[j], text, ha="right" if left else "left", va="center", fontsize=TICK_PT, zorder=6,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))


def _flow_count(v: float) -> str:
    return f"{v:,.1f}" if 0 < v < 10 else f"{v:,.0f}"


def throughput_figure(
    weekly: Mapping[str, WeeklyTable] | WeeklyTable,
    title: str,
    *,
    events: Mapping[str, str] = WEEKLY_EVENTS,
    note: str = "",
) -> Figure:
    """Events per calendar week (OM intake, OM decisions, verdicts, executions completed), one panel per event,
    the median over replications as a line with a band over replications, the end of the warm-up and of intake
    marked. `weekly` maps scenario -> `WeeklyTable` (or is one table)."""
    data = {"": weekly} if isinstance(weekly, WeeklyTable) else dict(weekly)
    keys = [e for e in events if any(e in t.counts for t in data.values())]
    nrows, ncols = _grid(len(keys), max_cols=2)
    fig = Figure(figsize=(15, 4.0 * nrows + 2.2), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    marks = _time_marks(data)
    bands = set()
    for ax, key in zip(axes, keys):
        ax.set_title(events[key], fontsize=PANEL_TITLE_PT)
        _style(ax, ylabel="cases per week")
        # the last week is cut short by the end of the run: leave it out
        _band_panel(ax, [(t.week_starts[:-1], None if t.counts.get(key) is None else t.counts[key][:, :-1])
                         for t in data.values()], marks, bands)
    handles = _band_legend(data, bands, marks)
    _finish(fig, title, note or (
        "Cases per calendar week, all cases (not only the cohort); the chain starts empty, so the warm-up is not "
        "representative, and after the end of intake no new cases arrive. Line: median over replications."),
        legend=handles, legend_cols=4)
    return fig


def region_effect_figure(
    tables: Mapping[str, RegionMonthTable] | RegionMonthTable,
    title: str,
    *,
    change_dates: Mapping[str, Mapping[str, Sequence[dt.date]]] | None = None,
    paired: bool = True,
    note: str = "",
) -> Figure:
    """Per arrondissement (small multiples, one y scale), the monthly median lead time from registration to the
    OM decision or verdict, by month of registration. With several scenarios and `paired`, each scenario minus
    the first (the reference), replication by replication (the median over replications as a line, a band over
    replications, a line at zero); otherwise the levels. `change_dates` (scenario -> region -> dates, see
    `region_change_dates`) marks when the scenario's schedules switch in the region, so a phased roll-out shows
    one date per region. One region gives one panel."""
    data = {"": tables} if isinstance(tables, RegionMonthTable) else dict(tables)
    names = list(data)
    diff = paired and len(names) > 1
    reference = names[0] if names else ""
    regions = list(dict.fromkeys(r for t in data.values() for r in t.lead_days))
    nrows, ncols = _grid(len(regions), max_cols=4 if len(regions) > 6 else 3)
    fig = Figure(figsize=(15, 3.3 * nrows + 2.4) if len(regions) > 1 else (14, 6.8), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    for ax in axes[len(regions):]:
        ax.set_visible(False)
    marks = _time_marks(data)
    bands = set()
    shown = names[1:] if diff else names
    switch_styles = set()
    for ax, region in zip(axes, regions):
        ax.set_title(region, fontsize=PANEL_TITLE_PT)
        _style(ax)
        drawn = False
        ref = data[reference].lead_days.get(region) if diff else None
        for scen in shown:
            k = names.index(scen)
            t = data[scen]
            a = t.lead_days.get(region)
            if a is None or a.size == 0:
                continue
            if diff:
                if ref is None or ref.shape != a.shape:
                    continue
                a = a - ref
            colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            dates = t.months.astype("datetime64[D]") + np.timedelta64(14, "D")  # mid-month
            bands.add(_draw_band(ax, dates, a, colour, 2.0, markers=True))
            drawn = True
            for d in (change_dates or {}).get(scen, {}).get(region, ()):
                ax.axvline(np.datetime64(d), color=colour, lw=2.0, ls=(0, (5, 2)), zorder=3)
                switch_styles.add(scen)
        if not drawn:
            _no_cases(ax)
            continue
        if diff:
            ax.axhline(0, color="0.2", lw=1.2, zorder=1)
        _draw_marks(ax, marks)
        if not diff:
            ax.set_ylim(bottom=0)
        _date_axis(ax)
    for ax in axes[len(regions) - ncols:len(regions)]:
        ax.tick_params(axis="x", labelbottom=True)
    if diff:
        fig.supylabel(f"days, scenario − “{reference}”", fontsize=LABEL_PT)
    else:
        fig.supylabel("median days: registration → OM decision or verdict", fontsize=LABEL_PT)
    handles = _band_legend({s: data[s] for s in shown}, bands, marks,
                           colours={s: SCENARIO_COLOURS[names.index(s) % len(SCENARIO_COLOURS)] for s in shown})
    for scen in shown:
        if scen in switch_styles:
            handles.append(Line2D([], [], color=SCENARIO_COLOURS[names.index(scen) % len(SCENARIO_COLOURS)], lw=2.0,
                                  ls=(0, (5, 2)), label=f"{scen}: schedule switches in the region"))
    what = ("Difference of the monthly median lead time (registration → OM decision for sepot and strafbeschikking, "
            "→ verdict for court routes; by month of registration) from the reference, replication by replication "
            "(common random numbers)." if diff else
            "Monthly median lead time (registration → OM decision for sepot and strafbeschikking, → verdict for "
            "court routes), by month of registration.")
    _finish(fig, title, note or (
        what + f" Months with fewer than {MIN_CASES_PER_MONTH} decided cases are left out; cases not decided by "
        "the end of the run are left out, so the last months lean to the fast cases."),
        legend=handles, legend_cols=3)
    return fig


def _band_panel(ax, series: Sequence[tuple[np.ndarray, np.ndarray | None]], marks, bands: set) -> None:
    """One panel of counts over calendar time: each scenario's (dates, [replication, date] counts) as a median line
    with a band, the time marks, a zero floor; "no cases" if no scenario has any. Adds the bands' percentiles to
    `bands` (for the legend)."""
    drawn = False
    for k, (dates, a) in enumerate(series):
        if a is None or a.size == 0:
            continue
        bands.add(_draw_band(ax, dates, a, SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)],
                             _line_width(k, len(series), 1.6)))
        drawn = True
    if not drawn:
        _no_cases(ax)
        return
    _draw_marks(ax, marks)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    _date_axis(ax)


def _draw_band(ax, dates: np.ndarray, a: np.ndarray, colour: str, lw: float, markers: bool = False) -> tuple:
    """The median over replications (rows of `a`) as a line with a band over replications: 10–90% with ten or
    more replications, else min–max. Returns the band's percentiles."""
    low_q, high_q = (10, 90) if a.shape[0] >= 10 else (0, 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a month without cases in any replication
        lo, mid, hi = np.nanpercentile(a, [low_q, 50, high_q], axis=0)
    ax.fill_between(dates, lo, hi, color=colour, alpha=0.25, lw=0)
    ax.plot(dates, mid, color=colour, lw=lw, marker="o" if markers else None, ms=4)
    return (low_q, high_q)


def _time_marks(data: Mapping) -> list[tuple[dt.date, str, str]]:
    """The end of the warm-up and of intake of the tables in `data` (anything with ``warmup_end`` and
    ``horizon_end``), as (date, label, line style)."""
    marks = {}
    for t in data.values():
        if getattr(t, "warmup_end", None) is not None:
            marks.setdefault(t.warmup_end, ("end of warm-up", ":"))
        if getattr(t, "horizon_end", None) is not None:
            marks.setdefault(t.horizon_end, ("end of intake (horizon)", "--"))
    return [(d, label, style) for d, (label, style) in sorted(marks.items())]


def _draw_marks(ax, marks) -> None:
    for date, _, style in marks:
        ax.axvline(np.datetime64(date), color="0.25", lw=1.3, ls=style, zorder=0)


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def _band_legend(data: Mapping, bands: set, marks, colours: Mapping[str, str] | None = None) -> list:
    """Legend of the banded time plots: a line per scenario (or "median over replications" for one scenario
    drawn in the first colour), the band, and the time marks. `colours` (scenario -> colour) names the scenarios
    even when there is only one."""
    band = "10–90%" if bands == {(10, 90)} else "min–max"
    names = list(data)
    colour = (lambda k, s: colours[s]) if colours else (lambda k, s: SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)])
    if len(names) > 1 or colours:
        handles = [Line2D([], [], color=colour(k, s), lw=2, label=f"{s} (median)") for k, s in enumerate(names)]
        handles.append(Patch(color="0.6", alpha=0.4, label=f"band: {band} over replications"))
    else:
        handles = [Line2D([], [], color=SCENARIO_COLOURS[0], lw=2, label="median over replications"),
                   Patch(color=SCENARIO_COLOURS[0], alpha=0.25, label=f"band: {band} over replications")]
    for date, label, style in marks:
        handles.append(Line2D([], [], color="0.25", lw=1.3, ls=style, label=f"{label} ({date})"))
    return handles


def _kpi_bars(ax, data: Mapping[str, Sequence[KpiRow]], metric: str, groups: Sequence[str], factor: float,
              percent: bool) -> float:
    """Grouped bars of one key figure (one bar per scenario per group) with 95% error bars and the value written
    above; returns the highest point drawn."""
    n = max(len(data), 1)
    width = 0.8 / n
    x = np.arange(len(groups))
    top = 0.0
    for k, (scen, rows) in enumerate(data.items()):
        colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
        found = {r.group: r for r in rows if r.metric == metric}
        mean = factor * np.array([found[g].mean if g in found else np.nan for g in groups])
        low = factor * np.array([found[g].ci_low if g in found else np.nan for g in groups])
        high = factor * np.array([found[g].ci_high if g in found else np.nan for g in groups])
        xs = x - 0.4 + width * (k + 0.5)
        heights = np.nan_to_num(mean)
        ax.bar(xs, heights, width * 0.92, color=colour, label=scen or None)
        has_ci = ~np.isnan(low) & ~np.isnan(high)
        if has_ci.any():
            err = np.vstack([np.clip(heights - np.nan_to_num(low), 0, None),
                             np.clip(np.nan_to_num(high) - heights, 0, None)])
            ax.errorbar(xs[has_ci], heights[has_ci], yerr=err[:, has_ci], fmt="none", ecolor="black",
                        elinewidth=1.6, capsize=7, capthick=1.6)
        for xi, m, h in zip(xs, mean, np.where(has_ci, high, mean)):
            if np.isnan(m):
                label = "n/a"
            elif percent:
                label = f"{m:.0f}%" if m >= 10 or m == 0 else f"{m:.1f}%"
            else:
                label = f"{m:,.0f}" if m >= 10 or m == 0 else f"{m:.1f}"
            y = 0 if np.isnan(m) else max(h, m)
            if percent:
                y = min(y, 100.0)
            ax.annotate(label, (xi, y), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                        fontsize=TICK_PT if n <= 3 else TICK_PT - 1, color="0.4" if np.isnan(m) else "black")
            if not np.isnan(m):
                top = max(top, h, m)
    return top


def _signed(x: float, digits: int | None = None) -> str:
    """+1.2 / −3.4 with a real minus sign; whole numbers for large values."""
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 1 else 2
    text = f"{abs(x):,.{digits}f}"
    return ("−" if x < 0 else "+") + text


# ------------------------------------------------------------------------------------------------ glue


@dataclass
class ResultTables:
    """Everything the standard plots need from one results folder."""

    info: RunInfo
    kpis: list[KpiRow]
    cases: CaseTables
    backlog: BacklogTable


def read_results(out_dir: Path | str) -> ResultTables:
    out_dir = Path(out_dir)
    info = read_run_info(out_dir)
    return ResultTables(info, read_kpis(out_dir), read_case_tables(out_dir, info), read_backlog(out_dir, info))


def plot_results(out_dir: Path | str) -> list[Path]:
    """Draw the standard plots of a results folder into ``<out_dir>/plots``; return the files written."""
    out_dir = Path(out_dir)
    tables = read_results(out_dir)
    return draw_standard_plots({tables.info.scenario: tables}, out_dir / "plots")


def plot_comparison(compare_dir: Path | str) -> list[Path]:
    """Draw the standard plots of a `ketensim compare` folder with all its scenarios side by side (the reference
    first) into ``<compare_dir>/plots``, and, when the folder has its ``comparison.csv``, the comparison figures
    (`COMPARISON_FILES`); each scenario's own folder keeps its single-scenario plots."""
    compare_dir = Path(compare_dir)
    prov = json.loads(_need(compare_dir / "provenance.json").read_text())
    names = prov.get("scenarios") or []
    if not names:
        raise ValueError(f"{compare_dir}: provenance.json names no scenarios (not a ketensim comparison folder)")
    tables = {name: read_results(compare_dir / name) for name in names}
    written = draw_standard_plots(tables, compare_dir / "plots")
    if (compare_dir / "comparison.csv").exists():  # a complete `ketensim compare` folder: the comparison figures
        from .compare import read_comparison

        rows = read_comparison(compare_dir / "comparison.csv")
        chain = {name: read_chain_tables(compare_dir / name, tables[name].info) for name in names}
        resolved = {name: read_resolved(compare_dir / name) for name in names}
        written += _write_figures(comparison_figures(tables, chain, rows, resolved), compare_dir / "plots")
    return written


def read_resolved(out_dir: Path | str) -> dict:
    """The resolved scenario of a results folder as plain data (``provenance.json``)."""
    return json.loads(_need(Path(out_dir) / "provenance.json").read_text()).get("resolved_scenario", {})


def draw_standard_plots(tables: Mapping[str, ResultTables], plots_dir: Path) -> list[Path]:
    """The six standard figures of one or more scenarios (scenario name -> its tables), written as PNGs."""
    return _write_figures(standard_figures(tables), plots_dir)


def standard_figures(tables: Mapping[str, ResultTables]) -> dict[str, Callable[[], Figure]]:
    """The six standard figures of one or more scenarios, as file name -> a function that draws it (in `FILES`
    order), so a caller draws one at a time (`draw_standard_plots` writes PNGs; the report embeds them)."""
    names = list(tables)
    first = tables[names[0]].info
    scen = (f"scenario “{names[0]}”" if len(names) == 1
            else "scenarios " + " vs ".join(f"“{n}”" for n in names))
    notes = {n: t.info.cohort_note() for n, t in tables.items()}
    cohort = notes[names[0]] if len(set(notes.values())) == 1 else " ".join(f"{n}: {c}" for n, c in notes.items())
    reps = sorted({t.info.replications for t in tables.values()})
    reps_text = f"{'/'.join(map(str, reps))} replications"
    windows_note = "" if all(t.info.windows == first.windows for t in tables.values()) else (
        f" Legal windows drawn are those of “{names[0]}”.")
    session_types = list(dict.fromkeys(s for t in tables.values() for s in t.info.session_types)) or None
    kpis = {n: t.kpis for n, t in tables.items()}
    makers = {
        "lead_times_per_route.png": lambda: lead_time_figure(
            {n: t.cases.decision_days for n, t in tables.items()},
            f"Lead time per route: registration → OM decision or verdict — {scen}",
            groups=ROUTES, xlabel={r: "days from registration to " + ("OM decision" if r in OM_ROUTES else "verdict")
                                   for r in ROUTES},
            note=cohort + " Route: the route the case was finally decided in (after fall-backs)."),
        "fast_track_windows.png": lambda: window_figure(
            {n: t.cases.window_days for n, t in tables.items()}, first.windows,
            f"Fast-track routes: time to the verdict hearing within the legal window — {scen}", kpis=kpis,
            note=cohort + " Cases heard in the route (verzet cases excluded). Within window: share of the cases "
            "that started in the route that were heard in time; the others fell back to a slower route."
            + windows_note),
        "backlog_per_stage.png": lambda: backlog_figure(
            {n: t.backlog for n, t in tables.items()}, f"Backlog (voorraad) per stage over time — {scen}"),
        "route_shares.png": lambda: route_share_figure(
            kpis, f"Cases per year per route — {scen}",
            note="Cases registered after the warm-up, per year, by the route they were finally decided in (after "
            f"fall-backs); {reps_text}. Error bars: 95% interval over replications. "
            "Percentages: share of all decided cases."),
        "end_to_end_lead_times.png": lambda: lead_time_figure(
            {n: t.cases.offence_to_execution_end_days for n, t in tables.items()},
            f"End-to-end lead time: offence → end of execution — {scen}", groups=EXECUTION_GROUPS,
            xlabel="days from offence to end of execution",
            note=cohort + " Only cases whose sentence was executed (paid, served or completed); a sepot, an "
            "acquittal or a suspended sentence has nothing to execute."),
        "session_fill.png": lambda: session_fill_figure(
            kpis, f"Court sessions: fill rate and cancellations per session type — {scen}",
            session_types=session_types,
            note=f"Court sessions planned between the end of the warm-up ({first.date_of(first.warmup_days)}) and "
            f"the horizon ({first.date_of(first.horizon_days)}); {reps_text}. "
            "Error bars: 95% interval over replications."),
    }
    return {name: makers[name] for name in FILES}


def comparison_figures(
    tables: Mapping[str, ResultTables],
    chain: Mapping[str, ChainTables],
    rows: Sequence | None,
    resolved: Mapping[str, Mapping] | None = None,
) -> dict[str, Callable[[], Figure]]:
    """The comparison figures (`COMPARISON_FILES`) of several scenarios, the first the reference, as file name ->
    a function that draws it. `chain` holds each scenario's `read_chain_tables`; `rows` the comparison rows
    (``comparison.csv``; without them, as for runs that were not compared, the difference plot is left out and the
    per-region plot shows levels, not paired differences); `resolved` each scenario's resolved scenario (plain
    data), to mark the dates its schedules switch per region."""
    names = list(tables)
    first = tables[names[0]].info
    scen = (f"scenario “{names[0]}”" if len(names) == 1
            else "scenarios " + " vs ".join(f"“{n}”" for n in names))
    reps = sorted({t.info.replications for t in tables.values()})
    reps_text = f"{'/'.join(map(str, reps))} replications"
    paired = rows is not None
    change_dates = None
    if resolved and paired:
        ref = resolved.get(names[0], {})
        change_dates = {n: region_change_dates(ref, resolved[n]) for n in names[1:] if n in resolved}
    makers: dict[str, Callable[[], Figure]] = {}
    if paired and len(names) > 1:
        makers["difference_from_reference.png"] = lambda: difference_figure(
            rows, f"Difference from the reference “{names[0]}”: main key figures — {scen}", reference=names[0],
            note=("Difference of each scenario from the reference, replication by replication (common random "
                  f"numbers; {reps_text}), with the 95% interval of the paired difference. Shares in percentage "
                  "points. Cohort: " + first.cohort_note().removeprefix("Cohort: ")))
    makers["window_attainment.png"] = lambda: window_attainment_figure(
        {n: t.kpis for n, t in tables.items()}, f"Fast-track routes: heard within the legal window, and fall-backs "
        f"— {scen}", windows=first.windows)
    makers["route_flow.png"] = lambda: route_flow_figure(
        {n: c.flows for n, c in chain.items()}, f"Flow of cases over the chain, cases per year — {scen}",
        note=first.cohort_note() + " Cases that reached the OM, per year (mean over replications; cases still at "
        "the police when the run ended are left out: " + ", ".join(f"{n} {c.not_at_om:,.0f}" for n, c in chain.items())
        + " per year). Band colour: the OM's decision; dark red: a fast-track case that fell back to a slower "
        "route. Execution kinds include sentences still being executed at the end of the run."
        + (" In brackets: the difference from the first scenario." if len(names) > 1 else "")
        + " Very small nodes are drawn at a minimum height.")
    makers["weekly_throughput.png"] = lambda: throughput_figure(
        {n: c.weekly for n, c in chain.items()}, f"Weekly throughput over time — {scen}")
    makers["lead_time_by_region.png"] = lambda: region_effect_figure(
        {n: c.regions for n, c in chain.items()},
        (f"Effect per arrondissement over time: monthly median lead time minus “{names[0]}” — {scen}"
         if paired and len(names) > 1 else f"Monthly median lead time per arrondissement — {scen}"),
        change_dates=change_dates, paired=paired)
    return makers


def _write_figures(makers: Mapping[str, Callable[[], Figure]], plots_dir: Path) -> list[Path]:
    plots_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, make in makers.items():
        fig = make()
        path = plots_dir / filename
        fig.savefig(path, dpi=DPI, facecolor="white")
        fig.clear()  # drop the artists now rather than at garbage collection
        written.append(path)
    return written


# ------------------------------------------------------------------------------------------------ helpers


def _by_scenario(data) -> dict:
    """scenario -> group -> values; a bare group -> values mapping is one unnamed scenario."""
    if isinstance(data, Mapping) and data and all(isinstance(v, Mapping) for v in data.values()):
        return dict(data)
    return {"": dict(data or {})}


def _by_scenario_rows(kpis) -> dict[str, list[KpiRow]]:
    """scenario -> KPI rows of the whole chain (rows of a per-region or per-stream breakdown are left out)."""
    data = dict(kpis) if isinstance(kpis, Mapping) else {"": kpis}
    return {name: [r for r in rows if getattr(r, "breakdown", "all") == "all"] for name, rows in data.items()}


def _finite(a) -> np.ndarray:
    if a is None:
        return np.empty(0)
    a = np.asarray(a, dtype=float).ravel()
    return a[np.isfinite(a)]


def _ecdf(days: np.ndarray, clip_low: float | None = None, points: int = 1001) -> tuple[np.ndarray, np.ndarray]:
    """The empirical CDF in % as a step line; large samples are drawn from their quantiles (plenty for a figure,
    and a PNG of a million-point line is slow and heavy)."""
    if days.size <= points:
        x = np.sort(days)
        y = 100.0 * np.arange(1, x.size + 1) / x.size
        x, y = np.concatenate([[x[0]], x]), np.concatenate([[0.0], y])
    else:
        y = np.linspace(0, 100, points)
        x = np.percentile(days, y)
    if clip_low is not None:
        x = np.maximum(x, clip_low)
    return x, y


def _day_ticks(ax, lo: float, hi: float) -> None:
    ticks = [t for t in LOG_DAY_TICKS if lo <= t <= hi]
    if len(ticks) > 8:  # keep the labels apart on a wide range: a day, a week, a month, a quarter, a year
        ticks = [t for t in ticks if t in (0.1, 1, 7, 30, 90, 365, 1460)]
    if len(ticks) < 3:
        ticks = sorted(set(ticks) | {t for t in (0.25, 0.5, 1, 2, 3, 5) if lo <= t <= hi})
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}" if v < 1000 else f"{v:,.0f}"))


def _grid(n: int, max_cols: int = 3) -> tuple[int, int]:
    ncols = min(max(n, 1), max_cols)
    return math.ceil(max(n, 1) / ncols), ncols


def _style(ax, xlabel: str = "", ylabel: str = "") -> None:
    ax.tick_params(labelsize=TICK_PT)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=LABEL_PT)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=LABEL_PT)
    ax.grid(True, color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _no_cases(ax) -> None:
    ax.text(0.5, 0.5, "no cases", transform=ax.transAxes, ha="center", va="center", fontsize=PANEL_TITLE_PT,
            color="0.45")


def _finish(fig: Figure, title: str, note: str, legend: Sequence | None = None, legend_cols: int = 4) -> None:
    """Title on top; at the bottom a figure legend (`legend`: handles) and under it the note (cohort, sources) in
    small print. Both are placed by hand and the panels are laid out above them, so nothing overlaps."""
    fig.suptitle(_wrap_title(title, fig.get_figwidth()), fontsize=TITLE_PT, fontweight="bold")
    height_pt = fig.get_figheight() * 72
    bottom = 4.0  # points from the bottom edge
    if note:
        wrapped = textwrap.fill(note, width=int(fig.get_figwidth() * 72 / (0.55 * NOTE_PT)))
        fig.text(0.01, bottom / height_pt, wrapped, ha="left", va="bottom", fontsize=NOTE_PT, color="0.25")
        bottom += (wrapped.count("\n") + 1) * 1.25 * NOTE_PT + 6
    if legend:
        cols = max(1, min(legend_cols, len(legend)))
        fig.legend(handles=list(legend), loc="lower center", bbox_to_anchor=(0.5, bottom / height_pt),
                   ncols=cols, fontsize=TICK_PT, frameon=False, borderaxespad=0.2)
        bottom += math.ceil(len(legend) / cols) * 1.55 * TICK_PT + 6
    fig.get_layout_engine().set(rect=(0, bottom / height_pt, 1, 1 - bottom / height_pt))


def _wrap_title(title: str, width_in: float) -> str:
    """A title that fits the figure: long ones break after "what" and before "which scenario(s)"."""
    fits = int(width_in * 72 / (0.62 * TITLE_PT))  # characters of bold text per line, roughly
    if len(title) <= fits or "\n" in title:
        return title
    if " — " in title:
        what, which = title.split(" — ", 1)
        return "\n".join(textwrap.fill(part, fits) for part in (what, which))
    return textwrap.fill(title, fits)


def _line_width(k: int, n: int, base: float) -> float:
    """The reference scenario (first) is drawn thicker, so a scenario on top that does not differ leaves it visible."""
    return base * 1.5 if n > 1 and k == 0 else base


def _stack_texts(ax, items: Sequence[tuple[str, str]], boxed: bool = True) -> None:
    """(colour, text) items in the upper left of the axes, each hanging under the previous one."""
    anchor = None
    for colour, text in items:
        style = dict(va="top", ha="left", fontsize=TICK_PT, color=colour, zorder=10)
        if boxed:
            style["bbox"] = dict(boxstyle="round,pad=0.3", fc="white", ec="0.8", alpha=0.92)
        if anchor is None:
            anchor = ax.annotate(text, (0.03, 0.97), xycoords="axes fraction", **style)
        else:
            anchor = ax.annotate(text, (0, 0), xycoords=anchor, xytext=(0, -8 if boxed else -2),
                                 textcoords="offset points", **style)


def _window_text(scen: str, route: str, rows: Sequence[KpiRow], n: int, named: bool) -> str:
    """The attainment of one route in one scenario; compact when several scenarios share a panel."""
    found = {(r.metric, r.group): r for r in rows}
    share = found.get(("within_window_share", route))
    fb = found.get(("fallbacks", route))
    within = ""
    if share is not None and not math.isnan(share.mean):
        ci = "" if math.isnan(share.ci_low) else (
            f" ({'' if named else '95% '}CI {max(0.0, 100 * share.ci_low):.0f}–"
            f"{min(100.0, 100 * share.ci_high):.0f}%)")
        within = f"{100 * share.mean:.0f}%{ci}"
    fallbacks = "" if fb is None or math.isnan(fb.mean) else f"{fb.mean:,.0f}"
    if named:
        parts = [scen, f"within window {within}" if within else "",
                 " · ".join(p for p in (f"{fallbacks} fall-backs/yr" if fallbacks else "", f"{_count(n)} heard") if p)]
    else:
        parts = [f"heard within the window: {within}" if within else "",
                 f"fall-backs: {fallbacks} per year" if fallbacks else "",
                 f"{_count(n)} cases heard in the route"]
    return "\n".join(p for p in parts if p)


def _bin_width(window_end: float) -> float:
    return 0.125 if window_end <= 5 else 0.5 if window_end <= 10 else 1.0


def _days(x: float) -> str:
    return f"{x:.1f}" if x < 10 else f"{x:,.0f}"


def _count(n: int) -> str:
    return f"{n:,}"


def _thousands(v: float, _pos=None) -> str:
    if abs(v) >= 10_000:
        return f"{v / 1000:,.0f}k"
    if abs(v) >= 1000:
        return f"{v / 1000:,.1f}k".replace(".0k", "k")
    return f"{v:,.0f}"


def _session_label(session_type: str) -> str:
    """``rc_supersnelrecht`` -> "RC\nsupersnelrecht": words on lines, so four types fit under a half-width panel."""
    words = session_type.split("_")
    return "\n".join(w.upper() if w == "rc" else w for w in words)
