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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .kpis import BACKLOG_STAGES, KpiRow, read_csv
from .scenario import FAST_TRACK, ROUTES

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
    for ax, stage in zip(axes, stages):
        ax.set_title(STAGE_LABELS.get(stage, stage), fontsize=PANEL_TITLE_PT)
        _style(ax)
        drawn = False
        for k, (scen, b) in enumerate(data.items()):
            a = b.cases.get(stage)
            if a is None or a.size == 0:
                continue
            colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            low_q, high_q = (10, 90) if a.shape[0] >= 10 else (0, 100)
            bands.add((low_q, high_q))
            lo, mid, hi = np.nanpercentile(a, [low_q, 50, high_q], axis=0)
            ax.fill_between(b.dates, lo, hi, color=colour, alpha=0.25, lw=0)
            ax.plot(b.dates, mid, color=colour, lw=_line_width(k, len(data), 1.6))
            drawn = True
        if not drawn:
            _no_cases(ax)
            continue
        for date, _, style in _backlog_marks(data):
            ax.axvline(np.datetime64(date), color="0.25", lw=1.3, ls=style, zorder=0)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
        locator = mdates.AutoDateLocator(minticks=3, maxticks=5)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    for ax in axes[len(stages) - ncols:len(stages)]:
        ax.tick_params(axis="x", labelbottom=True)
    n_reps = max((b.cases[s].shape[0] for b in data.values() for s in b.cases), default=0)
    band = "10–90%" if bands == {(10, 90)} else "min–max"
    if len(data) > 1:
        handles = [Line2D([], [], color=SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)], lw=2, label=f"{scen} (median)")
                   for k, scen in enumerate(data)]
        handles.append(Patch(color="0.6", alpha=0.4, label=f"band: {band} over replications"))
    else:
        handles = [Line2D([], [], color=SCENARIO_COLOURS[0], lw=2, label="median over replications"),
                   Patch(color=SCENARIO_COLOURS[0], alpha=0.25, label=f"band: {band} over replications")]
    for date, label, style in _backlog_marks(data):
        handles.append(Line2D([], [], color="0.25", lw=1.3, ls=style, label=f"{label} ({date})"))
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
    n = max(len(data), 1)
    width = 0.8 / n
    x = np.arange(len(session_types))
    for ax, (metric, panel_title, ylabel) in zip(axes, panels):
        ax.set_title(panel_title, fontsize=PANEL_TITLE_PT)
        _style(ax, ylabel=ylabel)
        top = 0.0
        for k, (scen, rows) in enumerate(data.items()):
            colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            found = {r.group: r for r in rows if r.metric == metric}
            mean = 100 * np.array([found[s].mean if s in found else np.nan for s in session_types])
            low = 100 * np.array([found[s].ci_low if s in found else np.nan for s in session_types])
            high = 100 * np.array([found[s].ci_high if s in found else np.nan for s in session_types])
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
                label = "n/a" if np.isnan(m) else f"{m:.0f}%" if m >= 10 or m == 0 else f"{m:.1f}%"
                ax.annotate(label, (xi, 0 if np.isnan(m) else max(h, m)), xytext=(0, 3), textcoords="offset points",
                            ha="center", va="bottom", fontsize=TICK_PT, color="0.4" if np.isnan(m) else "black")
                if not np.isnan(m):
                    top = max(top, h, m)
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
    first) into ``<compare_dir>/plots``; each scenario's own folder keeps its single-scenario plots."""
    compare_dir = Path(compare_dir)
    prov = json.loads(_need(compare_dir / "provenance.json").read_text())
    names = prov.get("scenarios") or []
    if not names:
        raise ValueError(f"{compare_dir}: provenance.json names no scenarios (not a ketensim comparison folder)")
    tables = {name: read_results(compare_dir / name) for name in names}
    return draw_standard_plots(tables, compare_dir / "plots")


def draw_standard_plots(tables: Mapping[str, ResultTables], plots_dir: Path) -> list[Path]:
    """The six standard figures of one or more scenarios (scenario name -> its tables), written as PNGs."""
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
    plots_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename in FILES:
        fig = makers[filename]()
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


def _backlog_marks(data: Mapping[str, BacklogTable]) -> list[tuple[dt.date, str, str]]:
    marks = {}
    for b in data.values():
        if b.warmup_end is not None:
            marks.setdefault(b.warmup_end, ("end of warm-up", ":"))
        if b.horizon_end is not None:
            marks.setdefault(b.horizon_end, ("end of intake (horizon)", "--"))
    return [(d, label, style) for d, (label, style) in sorted(marks.items())]


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
