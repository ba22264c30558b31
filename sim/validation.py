"""Validation: the model's figures beside the published ones, on the same definitions.

`calibration/targets.csv` lists the published figures of `calibration/data/` the model can be held to, one row per
figure and year, each with **the model-side definition** in words (which event to which event, count, mean or share
within a norm, which cases, which calendar day or year), a tolerance, a weight and its source. Its ``status`` says
what is done with it:

* ``target``: compared, and counted in "targets met" (the baseline is meant to reproduce it);
* ``reference``: compared and shown, not counted (another year of a target, a secondary or approximate figure, a
  model input shown as a check);
* ``not_in_model``: the definition is written down but the model has no such output yet (conditional sepot,
  transactie, combined sanctions); computed as soon as a function of that name exists here;
* ``not_comparable``, ``other_scenario``, ``input``: listed with the reason, never computed.

One function per definition (`DEFINITIONS`, by the ``model_figure`` column) computes the model's figure **per
replication** from a results folder (`RunData`: ``cases.parquet``, ``backlog.csv``, ``sessions.parquet``,
``hearings.parquet``, ``stations.csv``); the mean over replications and its 95% Student-t interval are those of the
key figures (`sim.kpis.mean_ci`). The same functions serve the validation table (`validate`), the CLI
(``ketensim validate-data``), the HTML report and, later, the calibration's objective.

**Which simulated year stands for a published year** (`model_year`). Figures of a year (flows in a calendar year,
stocks on a date in it) are taken in a *full calendar year of intake after the warm-up*: from 1 January on or after
the end of the warm-up to 31 December on or before the end of the horizon. A published year that is such a
simulated year is taken as itself (a scenario that replays 2020 is compared with 2020); any other year is compared
with the **last** full calendar year of intake, where the chain has run longest from its empty start (its stocks
filled, lead times of years observable). The baseline's inputs are the same every year — it is the chain as in
2019 — so that year stands for 2019 and for the neighbouring years the sources give. A definition that follows
cases for a while after the year (custodial sentences started within two years) needs that time before the end
of the run, and takes the last year that has it.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .domain import (
    CHANNELS,
    COURT_QUEUES,
    EXECUTION_KINDS,
    HEARING_RESULTS,
    ROUTES,
    SESSION_STATUSES,
    VERDICTS,
    Channel,
    CourtQueue,
    ExecutionKind,
    HearingResult,
    Route,
    SessionStatus,
    Verdict,
)
from .errors import ProblemsError
from .kpis import mean_ci
from .results import RunInfo, _codes, _need, _parquet, read_backlog, read_resolved, read_run_info

TARGETS_FILE = Path(__file__).resolve().parent.parent / "calibration" / "targets.csv"
TARGET_COLUMNS = (
    "key",
    "year",
    "value",
    "unit",
    "kind",
    "status",
    "model_figure",
    "definition",
    "tolerance",
    "tolerance_type",
    "weight",
    "source",
    "source_url",
    "reason",
)
STATUSES = ("target", "reference", "not_in_model", "not_comparable", "other_scenario", "input")
COMPARED = ("target", "reference")  # computed and shown; targets are counted in "met"
KINDS = ("volume", "share", "lead_time", "stock", "ratio")
TWO_YEARS = 730.5
MONTH_DAYS = 365.25 / 12
PR_NORM_DAYS = 35.0  # politierechter: within 5 weeks of the first hearing
MK_NORM_DAYS = 365.25 / 2  # meervoudige kamer: within 6 months of the first hearing
# The arrondissementen in the district of Gerechtshof Arnhem-Leeuwarden (cal:hof_al_voorraad_strafzaken).
ARNHEM_LEEUWARDEN = ("gelderland", "overijssel", "noord-nederland")


class TargetsError(ProblemsError):
    """A targets file that cannot be used; `problems` has one line per problem ("file: row N: key: reason")."""

    separator = "\n"


# ------------------------------------------------------------------------------------------------ targets


@dataclass(frozen=True)
class Target:
    """One published figure and how the model is held to it (a row of ``targets.csv``)."""

    key: str
    year: int
    value: float
    unit: str
    kind: str
    status: str
    model_figure: str
    definition: str
    tolerance: float
    tolerance_type: str  # "relative" (a fraction of the published value) or "absolute" (in its unit: shares)
    weight: float
    source: str
    source_url: str = ""
    reason: str = ""

    @property
    def label(self) -> str:
        return f"{self.key} {self.year}"

    def band(self) -> tuple[float, float]:
        """The model values that meet the target."""
        if self.tolerance_type == "relative":
            return self.value * (1 - self.tolerance), self.value * (1 + self.tolerance)
        return self.value - self.tolerance, self.value + self.tolerance

    def met(self, model: float) -> bool | None:
        if math.isnan(model) or math.isnan(self.tolerance):
            return None
        lo, hi = self.band()
        return lo - 1e-12 <= model <= hi + 1e-12


def load_targets(path: Path | str | None = None) -> list[Target]:
    """The rows of a targets file (default `TARGETS_FILE`); `TargetsError` lists every bad row with its reason."""
    path = Path(path) if path is not None else TARGETS_FILE
    if not path.is_file():
        raise TargetsError([f"{path}: no such file (give --targets FILE, e.g. calibration/targets.csv)"])
    problems: list[str] = []
    out: list[Target] = []
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in TARGET_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise TargetsError([f"{path}: missing column(s) {', '.join(missing)}"])
            for i, row in enumerate(reader, start=2):
                where = f"{path}: row {i}: {row.get('key') or '?'}"
                t = _target(row, where, problems)
                if t is not None:
                    out.append(t)
    except UnicodeDecodeError as e:
        raise TargetsError([f"{path}: not UTF-8 text ({e})"]) from None
    if problems:
        raise TargetsError(problems)
    return out


def _target(row: dict, where: str, problems: list[str]) -> Target | None:
    before = len(problems)
    status = (row.get("status") or "").strip()
    if status not in STATUSES:
        problems.append(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
    kind = (row.get("kind") or "").strip()
    if kind and kind not in KINDS:
        problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")

    def number(col: str, required: bool) -> float:
        text = (row.get(col) or "").strip()
        if not text:
            if required:
                problems.append(f"{where}: {col} is empty")
            return math.nan
        try:
            return float(text)
        except ValueError:
            problems.append(f"{where}: {col} {text!r} is not a number")
            return math.nan

    compared = status in COMPARED
    try:
        year = int((row.get("year") or "").strip())
    except ValueError:
        problems.append(f"{where}: year {row.get('year')!r} is not a year")
        year = 0
    value = number("value", compared)
    tolerance = number("tolerance", compared)
    weight = number("weight", False)
    tol_type = (row.get("tolerance_type") or "").strip()
    figure = (row.get("model_figure") or "").strip()
    if compared:
        if tol_type not in ("relative", "absolute"):
            problems.append(f"{where}: tolerance_type {tol_type!r} is not 'relative' or 'absolute'")
        if not math.isnan(tolerance) and tolerance < 0:
            problems.append(f"{where}: tolerance {tolerance:g} is negative")
        if not math.isnan(value) and value == 0 and tol_type == "relative":
            problems.append(f"{where}: a relative tolerance around a published value of 0")
        if figure not in DEFINITIONS:
            problems.append(
                f"{where}: model_figure {figure!r} is not a definition of sim/validation.py "
                f"(status {status} needs one; use not_in_model for a figure the model does not have yet)"
            )
        if not kind:
            problems.append(f"{where}: kind is empty")
    if len(problems) > before:
        return None
    return Target(
        key=row["key"].strip(),
        year=year,
        value=value,
        unit=(row.get("unit") or "").strip(),
        kind=kind,
        status=status,
        model_figure=figure,
        definition=(row.get("definition") or "").strip(),
        tolerance=tolerance,
        tolerance_type=tol_type,
        weight=0.0 if math.isnan(weight) else weight,
        source=(row.get("source") or "").strip(),
        source_url=(row.get("source_url") or "").strip(),
        reason=(row.get("reason") or "").strip(),
    )


# ------------------------------------------------------------------------------------------------ the run's data

CASE_CODES = {
    "channel": CHANNELS,
    "route_initial": ROUTES,
    "route": ROUTES,
    "verdict": VERDICTS,
    "execution": EXECUTION_KINDS,
    "court_queue": COURT_QUEUES,
}
CASE_FLAGS = ("appealed", "verzet", "replacement_detention")
CASE_TIMES = (
    "t_registration",
    "t_om_intake",
    "t_decision",
    "t_first_hearing",
    "t_verdict",
    "t_final",
    "t_exec_start",
    "t_exec_end",
    "t_remand_start",
    "t_custody_end",
    "t_sought",
    "t_found",
    "t_detention_start",
    "t_detention_end",
)


@dataclass
class RunData:
    """What the definitions read from one results folder, loaded once and lazily: the per-case columns (codes as
    integers of `sim.domain`'s enums, -1 = none; times in days since the start date), the backlog per stage and day,
    sessions, hearings and stations."""

    folder: Path
    info: RunInfo
    resolved: dict
    _cases: dict[str, np.ndarray] | None = None
    _sessions: dict[str, np.ndarray] | None = None
    _hearings: dict[str, np.ndarray] | None = None
    _backlog: dict[str, np.ndarray] | None = None
    _stations: list[dict] | None = None
    n_rep: int = 0
    streams: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    session_types: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def cases(self) -> dict[str, np.ndarray]:
        if self._cases is None:
            self._cases = self._read_cases()
        return self._cases

    def _read_cases(self) -> dict[str, np.ndarray]:
        pf = _parquet(self.folder / "cases.parquet")
        names = set(pf.schema_arrow.names)
        wanted = ["replication", "region", "stream", *CASE_CODES, *CASE_FLAGS, *CASE_TIMES]
        parts: dict[str, list[np.ndarray]] = {k: [] for k in wanted if k in names}
        for g in range(pf.num_row_groups):
            t = pf.read_row_group(g, columns=list(parts))
            for k in parts:
                col = t.column(k)
                if k in CASE_CODES:
                    parts[k].append(_codes(col, CASE_CODES[k]).astype(np.int8))
                elif k == "region":
                    parts[k].append(_codes(col, self.regions).astype(np.int16))
                elif k == "stream":
                    parts[k].append(_codes(col, self.streams).astype(np.int16))
                elif k in CASE_FLAGS:
                    parts[k].append(col.to_numpy(zero_copy_only=False).astype(bool))
                elif k == "replication":
                    parts[k].append(col.to_numpy().astype(np.int32))
                else:
                    parts[k].append(col.to_numpy(zero_copy_only=False).astype(np.float64))
            del t
        out = {k: (np.concatenate(v) if v else np.empty(0)) for k, v in parts.items()}
        for k in CASE_TIMES:  # an older results folder without a column: never reached
            out.setdefault(k, np.full(out["replication"].size, np.nan))
        for k in CASE_FLAGS:
            out.setdefault(k, np.zeros(out["replication"].size, bool))
        return out

    @property
    def sessions(self) -> dict[str, np.ndarray]:
        if self._sessions is None:
            pf = _parquet(self.folder / "sessions.parquet")
            postponed = "postponed" in pf.schema_arrow.names  # not in results folders before closures
            t = pf.read(
                columns=["replication", "session_type", "time", "status", *(["postponed"] if postponed else [])]
            )
            self._sessions = {
                "replication": t.column("replication").to_numpy().astype(np.int32),
                "session_type": _codes(t.column("session_type"), self.session_types),
                "time": t.column("time").to_numpy().astype(np.float64),
                "status": _codes(t.column("status"), SESSION_STATUSES),
            }
            if postponed:
                self._sessions["postponed"] = t.column("postponed").to_numpy().astype(np.int64)
        return self._sessions

    @property
    def hearings(self) -> dict[str, np.ndarray]:
        if self._hearings is None:
            t = _parquet(self.folder / "hearings.parquet").read(columns=["replication", "time", "queue", "result"])
            self._hearings = {
                "replication": t.column("replication").to_numpy().astype(np.int32),
                "time": t.column("time").to_numpy().astype(np.float64),
                "queue": _codes(t.column("queue"), COURT_QUEUES),
                "result": _codes(t.column("result"), HEARING_RESULTS),
            }
        return self._hearings

    @property
    def backlog(self) -> dict[str, np.ndarray]:
        """Per stage: cases at the start of every day, shape (replications, days)."""
        if self._backlog is None:
            self._backlog = read_backlog(self.folder, self.info).cases
        return self._backlog

    @property
    def stations(self) -> list[dict]:
        if self._stations is None:
            with open(_need(self.folder / "stations.csv"), newline="") as fh:
                self._stations = list(csv.DictReader(fh))
        return self._stations

    # --- time
    def day(self, date: dt.date) -> float:
        return float((date - self.info.start_date).days)

    def year_days(self, year: int) -> tuple[float, float]:
        """Simulation days of 1 January of `year` and of the next year (a calendar year is [lo, hi))."""
        return self.day(dt.date(year, 1, 1)), self.day(dt.date(year + 1, 1, 1))

    def in_year(self, t: np.ndarray, year: int) -> np.ndarray:
        lo, hi = self.year_days(year)
        return (t >= lo) & (t < hi)


def read_run_data(folder: Path | str) -> RunData:
    """A results folder of ``ketensim run`` opened for the definitions (files are read when first needed);
    `FileNotFoundError` for a folder that is not a complete results folder."""
    folder = Path(folder)
    info = read_run_info(folder)
    if info.record_replications is not None:
        raise ValueError(
            f"{folder}: its case records cover {info.record_replications} of its {info.replications} replications "
            "(a comparison keeps one by default), so its figures per replication cannot be computed; run the "
            "scenario with `ketensim run`, or the comparison with --records"
        )
    resolved = read_resolved(folder)
    prov = _provenance(folder)
    n_rep = int(prov.get("replications", info.replications))
    streams = tuple((resolved.get("intake", {}) or {}).get("streams", {}) or ())
    session_types = tuple(prov.get("session_types") or ((resolved.get("courts", {}) or {}).get("sessions") or {}))
    return RunData(
        folder,
        info,
        resolved,
        n_rep=n_rep,
        streams=streams,
        regions=tuple(info.regions),
        session_types=session_types,
    )


def _provenance(folder: Path) -> dict:
    import json

    return json.loads(_need(folder / "provenance.json").read_text())


# ------------------------------------------------------------------------------------------------ years


def full_years(d: RunData, lag_days: float = 0.0) -> list[int]:
    """The full calendar years of intake after the warm-up (and, with `lag_days`, followed that long before the
    run ends)."""
    info = d.info
    end = info.horizon_days + info.runout_days
    out = []
    first, last = info.date_of(info.warmup_days).year, info.date_of(info.horizon_days).year
    for y in range(first, last + 1):
        lo, hi = d.year_days(y)
        if lo >= info.warmup_days and hi <= info.horizon_days and hi + lag_days <= end:
            out.append(y)
    return out


def model_year(d: RunData, published_year: int, lag_days: float = 0.0) -> int:
    """The simulated calendar year a published year is compared with (see the module docstring): itself when it
    is a full year of intake after the warm-up, else the last such year. `ValueError` if the run has none."""
    years = full_years(d, lag_days)
    if not years:
        raise ValueError(
            f"{d.folder}: the run has no full calendar year of intake after the warm-up"
            + (f" followed {lag_days:g} days before its end" if lag_days else "")
            + f" (warm-up ends {d.info.date_of(d.info.warmup_days)}, intake ends {d.info.date_of(d.info.horizon_days)})"
            + "; run a longer horizon to validate"
        )
    return published_year if published_year in years else years[-1]


# ------------------------------------------------------------------------------------------------ per replication


def count(d: RunData, mask: np.ndarray, rep: np.ndarray | None = None) -> np.ndarray:
    """Cases (rows) in `mask`, per replication."""
    rep = d.cases["replication"] if rep is None else rep
    return np.bincount(rep[mask], minlength=d.n_rep)[: d.n_rep].astype(float)


def share(d: RunData, yes: np.ndarray, of: np.ndarray, rep: np.ndarray | None = None) -> np.ndarray:
    """Share of the rows in `of` that are in `yes`, per replication (NaN where `of` is empty)."""
    n = count(d, of, rep)
    k = count(d, of & yes, rep)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)


def mean(d: RunData, values: np.ndarray, of: np.ndarray) -> np.ndarray:
    """Mean of `values` over the rows in `of`, per replication (NaN where none)."""
    rep = d.cases["replication"]
    ok = of & ~np.isnan(values)
    n = np.bincount(rep[ok], minlength=d.n_rep)[: d.n_rep]
    s = np.bincount(rep[ok], weights=values[ok], minlength=d.n_rep)[: d.n_rep]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / np.where(n > 0, n, 1), np.nan)


def stock_at(d: RunData, start: np.ndarray, end: np.ndarray, t: float, of: np.ndarray | None = None) -> np.ndarray:
    """Cases whose interval [start, end) holds day `t` (an end of NaN: still in it), per replication."""
    inside = (start <= t) & ~(end <= t)
    return count(d, inside if of is None else inside & of)


def backlog_on(d: RunData, stage: str, day: float) -> np.ndarray:
    """Cases in `stage` at the start of `day` (backlog.csv), per replication."""
    a = d.backlog.get(stage)
    if a is None:
        raise ValueError(f"{d.folder}: backlog.csv has no stage {stage!r}")
    i = int(day)
    if not 0 <= i < a.shape[1]:
        raise ValueError(f"{d.folder}: backlog.csv has no day {i}")
    return _per_rep(d, a[:, i])


def backlog_mean(d: RunData, stage: str, lo: float, hi: float) -> np.ndarray:
    """Mean cases in `stage` over the days [lo, hi) (backlog.csv), per replication."""
    a = d.backlog.get(stage)
    if a is None:
        raise ValueError(f"{d.folder}: backlog.csv has no stage {stage!r}")
    return _per_rep(d, np.nanmean(a[:, int(lo) : int(hi)], axis=1))


def _per_rep(d: RunData, values: np.ndarray) -> np.ndarray:
    out = np.full(d.n_rep, np.nan)
    out[: min(d.n_rep, values.size)] = values[: d.n_rep]
    return out


def station_per_year(d: RunData, group: str, column: str = "arrivals") -> np.ndarray:
    """A stations.csv count summed over the stations of `group`, per replication, per year of the window it covers
    (the end of the warm-up to the end of the horizon)."""
    years = (d.info.horizon_days - d.info.warmup_days) / 365.25
    out = np.zeros(d.n_rep)
    found = False
    for row in d.stations:
        if row.get("group") != group:
            continue
        found = True
        r = int(row.get("replication") or 0)
        if r < d.n_rep:
            out[r] += float(row[column])
    if not found:
        return np.full(d.n_rep, np.nan)
    return out / years


# ------------------------------------------------------------------------------------------------ definitions

Compute = Callable[[RunData, int], np.ndarray]


@dataclass(frozen=True)
class Definition:
    """A model-side definition: `compute(data, year)` gives the figure per replication for simulated `year`."""

    name: str
    compute: Compute
    lag_days: float = 0.0  # days the run must go on after the year (cases followed that long)


DEFINITIONS: dict[str, Definition] = {}


def definition(name: str, lag_days: float = 0.0) -> Callable[[Compute], Compute]:
    def register(f: Compute) -> Compute:
        DEFINITIONS[name] = Definition(name, f, lag_days)
        return f

    return register


OM_DECIDED = tuple(int(r) for r in Route if r.decided_by_om)  # sepot (with or without conditions), penalties
SEPOTS = (int(Route.SEPOT), int(Route.CONDITIONAL_SEPOT))
PENALTIES = (int(Route.STRAFBESCHIKKING), int(Route.TRANSACTIE))
COURT = tuple(int(r) for r in Route if not r.decided_by_om)


def _c(d: RunData) -> dict[str, np.ndarray]:
    return d.cases


# --- OM intake and decisions


@definition("om_intake")
def om_intake(d: RunData, year: int) -> np.ndarray:
    return count(d, d.in_year(_c(d)["t_om_intake"], year))


@definition("om_intake_via_zsm")
def om_intake_via_zsm(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    return count(d, d.in_year(c["t_om_intake"], year) & (c["channel"] == Channel.ZSM))


@definition("via_zsm_share")
def via_zsm_share(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    return share(d, c["channel"] == Channel.ZSM, d.in_year(c["t_om_intake"], year))


def _decided(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    return d.in_year(c["t_decision"], year) & (c["route_initial"] >= 0)


@definition("om_decisions")
def om_decisions(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year))


@definition("om_sepot")
def om_sepot(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year) & np.isin(_c(d)["route_initial"], SEPOTS))


@definition("om_sepot_unconditional")
def om_sepot_unconditional(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year) & (_c(d)["route_initial"] == Route.SEPOT))


@definition("om_sepot_conditional")
def om_sepot_conditional(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year) & (_c(d)["route_initial"] == Route.CONDITIONAL_SEPOT))


@definition("om_strafbeschikking")
def om_strafbeschikking(d: RunData, year: int) -> np.ndarray:
    """Strafbeschikkingen and transacties together (the OM's own penalties)."""
    return count(d, _decided(d, year) & np.isin(_c(d)["route_initial"], PENALTIES))


@definition("om_strafbeschikking_only")
def om_strafbeschikking_only(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year) & (_c(d)["route_initial"] == Route.STRAFBESCHIKKING))


@definition("om_transactie")
def om_transactie(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year) & (_c(d)["route_initial"] == Route.TRANSACTIE))


@definition("om_self_disposed")
def om_self_disposed(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year) & np.isin(_c(d)["route_initial"], OM_DECIDED))


@definition("om_summons")
def om_summons(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year) & np.isin(_c(d)["route_initial"], COURT))


@definition("om_summons_share")
def om_summons_share(d: RunData, year: int) -> np.ndarray:
    return share(d, np.isin(_c(d)["route_initial"], COURT), _decided(d, year))


@definition("verzet")
def verzet(d: RunData, year: int) -> np.ndarray:
    return count(d, _decided(d, year) & _c(d)["verzet"])


# --- courts


def _verdicts(d: RunData, year: int) -> np.ndarray:
    return d.in_year(_c(d)["t_verdict"], year)


@definition("court_verdicts")
def court_verdicts(d: RunData, year: int) -> np.ndarray:
    return count(d, _verdicts(d, year))


@definition("court_verdicts_vs_2019")
def court_verdicts_vs_2019(d: RunData, year: int) -> np.ndarray:
    """First-instance verdicts in the calendar year against those in 2019 (the year before corona); needs a run
    that counts 2019 in full (one that starts from the chain's stocks, not after a warm-up)."""
    if d.day(dt.date(2019, 1, 1)) < d.info.warmup_days or d.day(dt.date(2020, 1, 1)) > d.info.horizon_days:
        raise ValueError("the run does not simulate 2019 in full after its warm-up")
    with np.errstate(invalid="ignore", divide="ignore"):
        return court_verdicts(d, year) / court_verdicts(d, 2019)


@definition("mk_verdict_share")
def mk_verdict_share(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    return share(d, c["court_queue"] == CourtQueue.REGULAR_MK, _verdicts(d, year) & (c["court_queue"] >= 0))


@definition("pr_verdicts")
def pr_verdicts(d: RunData, year: int) -> np.ndarray:
    q = _c(d)["court_queue"]
    return count(d, _verdicts(d, year) & (q >= 0) & (q != CourtQueue.REGULAR_MK))


def _mk_session_types(d: RunData) -> np.ndarray:
    sessions = (d.resolved.get("courts", {}) or {}).get("sessions", {}) or {}
    return np.array(
        [
            i
            for i, name in enumerate(d.session_types)
            if "regular_mk" in (sessions.get(name, {}) or {}).get("serves", [])
        ]
    )


@definition("mk_sessions_held")
def mk_sessions_held(d: RunData, year: int) -> np.ndarray:
    s = d.sessions
    sel = np.isin(s["session_type"], _mk_session_types(d)) & (s["status"] == SessionStatus.HELD)
    return count(d, sel & d.in_year(s["time"], year), s["replication"])


@definition("mk_hearings")
def mk_hearings(d: RunData, year: int) -> np.ndarray:
    h = d.hearings
    sel = (h["queue"] == CourtQueue.REGULAR_MK) & (h["result"] >= 0) & (h["result"] != HearingResult.PRO_FORMA)
    return count(d, sel & d.in_year(h["time"], year), h["replication"])


@definition("supersnelrecht_verdicts")
def supersnelrecht_verdicts(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    return count(d, _verdicts(d, year) & (c["route"] == Route.SUPERSNELRECHT) & ~c["verzet"])


@definition("appeals")
def appeals(d: RunData, year: int) -> np.ndarray:
    return count(d, _verdicts(d, year) & _c(d)["appealed"])


def _sentences(d: RunData, year: int, *verdicts: Verdict) -> np.ndarray:
    return count(d, _verdicts(d, year) & np.isin(_c(d)["verdict"], [int(v) for v in verdicts]))


@definition("sentences_custodial")
def sentences_custodial(d: RunData, year: int) -> np.ndarray:
    return _sentences(d, year, Verdict.CUSTODIAL)


@definition("sentences_custodial_or_suspended")
def sentences_custodial_or_suspended(d: RunData, year: int) -> np.ndarray:
    return _sentences(d, year, Verdict.CUSTODIAL, Verdict.SUSPENDED)


@definition("sentences_taakstraf")
def sentences_taakstraf(d: RunData, year: int) -> np.ndarray:
    return _sentences(d, year, Verdict.TAAKSTRAF)


@definition("sentences_fine")
def sentences_fine(d: RunData, year: int) -> np.ndarray:
    return _sentences(d, year, Verdict.FINE)


# --- execution


@definition("taakstraf_completed_share")
def taakstraf_completed_share(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    ended = (c["execution"] == ExecutionKind.TAAKSTRAF) & d.in_year(c["t_exec_end"], year)
    return share(d, ~c["replacement_detention"], ended)


@definition("taakstraf_orders")
def taakstraf_orders(d: RunData, year: int) -> np.ndarray:
    return station_per_year(d, "reclassering")  # the reclassering's werkstraf staff


@definition("reclassering_reports")
def reclassering_reports(d: RunData, year: int) -> np.ndarray:
    return station_per_year(d, "advice:reclassering")


@definition("dji_intake")
def dji_intake(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    remand = d.in_year(c["t_remand_start"], year)
    # a sentence served on from remand (aansluitend, after a DJI remand place) is no new entry
    continued = (c["execution"] == ExecutionKind.AANSLUITEND) & ~np.isnan(c["t_remand_start"])
    sentence = d.in_year(c["t_detention_start"], year) & ~continued
    return count(d, remand) + count(d, sentence)


@definition("custodial_arrestant_share")
def custodial_arrestant_share(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    custodial = np.isin(
        c["execution"], [int(ExecutionKind.AANSLUITEND), int(ExecutionKind.ZELFMELDER), int(ExecutionKind.ARRESTANT)]
    )
    started = custodial & d.in_year(c["t_detention_start"], year) & ~c["replacement_detention"]
    return share(d, c["execution"] == ExecutionKind.ARRESTANT, started)


# --- lead times


def _first_instance_end(c: dict[str, np.ndarray]) -> np.ndarray:
    """The OM's own decision for cases it settles, the first-instance verdict for cases heard in court."""
    om = np.isin(c["route_initial"], OM_DECIDED) & np.isnan(c["t_verdict"])
    return np.where(om, c["t_decision"], c["t_verdict"])


def _final_end(c: dict[str, np.ndarray]) -> np.ndarray:
    """The OM's own decision for cases it settles, the final decision (after any appeal) for court cases."""
    om = np.isin(c["route_initial"], OM_DECIDED) & np.isnan(c["t_verdict"])
    return np.where(om, c["t_decision"], c["t_final"])


@definition("zsm_handling_mean_days")
def zsm_handling_mean_days(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    end = _first_instance_end(c)
    return mean(d, end - c["t_om_intake"], (c["channel"] == Channel.ZSM) & d.in_year(end, year))


@definition("om_simple_mean_days")
def om_simple_mean_days(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    sel = _decided(d, year) & (c["channel"] == Channel.REGULAR) & np.isin(c["route_initial"], OM_DECIDED)
    return mean(d, c["t_decision"] - c["t_om_intake"], sel)


@definition("serious_to_verdict_mean_days")
def serious_to_verdict_mean_days(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    if "hic" not in d.streams:
        return np.full(d.n_rep, np.nan)
    sel = _verdicts(d, year) & (c["court_queue"] == CourtQueue.REGULAR_MK) & (c["stream"] == d.streams.index("hic"))
    return mean(d, c["t_verdict"] - c["t_om_intake"], sel)


def _within_after_first_hearing(d: RunData, year: int, mk: bool, norm: float) -> np.ndarray:
    c = _c(d)
    q = c["court_queue"]
    sel = _verdicts(d, year) & (q >= 0) & ((q == CourtQueue.REGULAR_MK) if mk else (q != CourtQueue.REGULAR_MK))
    return share(d, c["t_verdict"] - c["t_first_hearing"] <= norm, sel)


@definition("pr_within_5_weeks")
def pr_within_5_weeks(d: RunData, year: int) -> np.ndarray:
    return _within_after_first_hearing(d, year, False, PR_NORM_DAYS)


@definition("mk_within_6_months")
def mk_within_6_months(d: RunData, year: int) -> np.ndarray:
    return _within_after_first_hearing(d, year, True, MK_NORM_DAYS)


def _zsm_decided_within(d: RunData, year: int, days: float) -> np.ndarray:
    c = _c(d)
    sel = _decided(d, year) & (c["channel"] == Channel.ZSM)
    return share(d, c["t_decision"] - c["t_om_intake"] <= days, sel)


@definition("zsm_decided_within_1_day")
def zsm_decided_within_1_day(d: RunData, year: int) -> np.ndarray:
    return _zsm_decided_within(d, year, 1.0)


@definition("zsm_decided_within_1_month")
def zsm_decided_within_1_month(d: RunData, year: int) -> np.ndarray:
    return _zsm_decided_within(d, year, MONTH_DAYS)


@definition("standard_case_mean_months")
def standard_case_mean_months(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    end = _final_end(c)
    sel = d.in_year(end, year) & (c["court_queue"] != CourtQueue.REGULAR_MK)
    return mean(d, end - c["t_registration"], sel) / MONTH_DAYS


@definition("standard_case_mean_days_all")
def standard_case_mean_days_all(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    end = _final_end(c)
    return mean(d, end - c["t_registration"], d.in_year(end, year))


# --- stocks


@definition("om_regular_stock_dec31")
def om_regular_stock_dec31(d: RunData, year: int) -> np.ndarray:
    return backlog_on(d, "om_regular", d.year_days(year)[1])


@definition("om_regular_stock_to_outflow")
def om_regular_stock_to_outflow(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    outflow = count(d, _decided(d, year) & (c["channel"] == Channel.REGULAR))
    with np.errstate(invalid="ignore", divide="ignore"):
        return om_regular_stock_dec31(d, year) / outflow


def _appeal_stock_al(d: RunData, t: float) -> np.ndarray:
    c = _c(d)
    al = np.isin(c["region"], [d.regions.index(r) for r in ARNHEM_LEEUWARDEN if r in d.regions])
    if not al.any() and not any(r in d.regions for r in ARNHEM_LEEUWARDEN):
        return np.full(d.n_rep, np.nan)
    return stock_at(d, c["t_verdict"], c["t_final"], t, c["appealed"] & al)


@definition("appeal_stock_arnhem_leeuwarden_aug1")
def appeal_stock_arnhem_leeuwarden_aug1(d: RunData, year: int) -> np.ndarray:
    return _appeal_stock_al(d, d.day(dt.date(year, 8, 1)))


@definition("appeal_stock_arnhem_leeuwarden_dec31")
def appeal_stock_arnhem_leeuwarden_dec31(d: RunData, year: int) -> np.ndarray:
    return _appeal_stock_al(d, d.year_days(year)[1])


@definition("zelfmelders_not_called_up_mean")
def zelfmelders_not_called_up_mean(d: RunData, year: int) -> np.ndarray:
    return backlog_mean(d, "zelfmelder_wait", *d.year_days(year))


@definition("unfindable_convicts_dec31")
def unfindable_convicts_dec31(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    return stock_at(d, c["t_sought"], c["t_found"], d.year_days(year)[1])


@definition("prison_population_sep30")
def prison_population_sep30(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    t = d.day(dt.date(year, 9, 30))
    # as kpis.prison_population_at: a stay ends when the place is left (a taakstraf may follow the custodial part)
    end = c["t_detention_end"] if "t_detention_end" in c else c["t_exec_end"]
    return stock_at(d, c["t_remand_start"], c["t_custody_end"], t) + stock_at(d, c["t_detention_start"], end, t)


@definition("court_cases_postponed_by_closures")
def court_cases_postponed_by_closures(d: RunData, year: int) -> np.ndarray:
    """Cases booked into first-instance sessions that a court closure (``courts.closures``) struck, sessions
    sitting in the calendar year: each postponement once (a case postponed twice counts twice)."""
    s = d.sessions
    if "postponed" not in s:
        raise KeyError("sessions.parquet has no 'postponed' column (a results folder from before court closures)")
    struck = (s["status"] == SESSION_STATUSES.index("closure")) & d.in_year(s["time"], year)
    return np.bincount(s["replication"][struck], weights=s["postponed"][struck], minlength=d.n_rep)[: d.n_rep]


def _court_stock(d: RunData, day: float) -> np.ndarray:
    return backlog_on(d, "ready_to_plan", day) + backlog_on(d, "court", day)


CORONA_CLOSURE = dt.date(2020, 3, 15)  # the day before the courts closed for corona (17 March 2020)


@definition("court_stock_dec31_vs_corona")
def court_stock_dec31_vs_corona(d: RunData, year: int) -> np.ndarray:
    """First-instance court stock (summoned and ready to plan, plus planned and not yet decided) on 31 December of
    the year against the same stock on 15 March 2020, before the corona closure: 1 = back to the pre-crisis stock."""
    if d.day(CORONA_CLOSURE) < 0:
        raise ValueError(f"the run starts after {CORONA_CLOSURE}")
    with np.errstate(invalid="ignore", divide="ignore"):
        return _court_stock(d, d.year_days(year)[1]) / _court_stock(d, d.day(CORONA_CLOSURE))


@definition("custodial_started_within_2y", lag_days=730.0)
def custodial_started_within_2y(d: RunData, year: int) -> np.ndarray:
    c = _c(d)
    imposed = _verdicts(d, year) & (c["verdict"] == Verdict.CUSTODIAL)
    with np.errstate(invalid="ignore"):
        started = (c["t_detention_start"] - c["t_verdict"] <= TWO_YEARS) | (
            c["t_exec_end"] - c["t_verdict"] <= TWO_YEARS
        )
    return share(d, started, imposed)


# ------------------------------------------------------------------------------------------------ the table


@dataclass(frozen=True)
class ValidationRow:
    """A target beside the model's figure: mean over replications with its 95% interval, in the target's unit."""

    target: Target
    model_year: int | None
    mean: float
    ci_low: float
    ci_high: float
    n: int
    note: str = ""

    @property
    def ratio(self) -> float:
        t = self.target.value
        return self.mean / t if t and not math.isnan(self.mean) else math.nan

    @property
    def met(self) -> bool | None:
        return self.target.met(self.mean) if self.target.status in COMPARED else None


def validate(folder: Path | str, targets: Sequence[Target] | None = None) -> list[ValidationRow]:
    """Every target of `targets` (default: `load_targets()`) beside the model's figure from results folder
    `folder`. Rows whose status is not compared (and not-in-model rows without a definition yet) get NaN and a
    note; a definition that cannot be computed on this run (a missing stream, a run too short) says why."""
    targets = load_targets() if targets is None else list(targets)
    d = read_run_data(folder)
    model_year(d, 0)  # a run without a full year of intake after the warm-up cannot be validated: say so once
    out: list[ValidationRow] = []
    cache: dict[tuple[str, int], np.ndarray] = {}
    for t in targets:
        fig = DEFINITIONS.get(t.model_figure)
        if t.status not in COMPARED and not (t.status == "not_in_model" and fig is not None):
            out.append(ValidationRow(t, None, math.nan, math.nan, math.nan, 0, t.reason))
            continue
        assert fig is not None  # load_targets checked it for compared rows
        try:
            year = model_year(d, t.year, fig.lag_days)
        except ValueError as e:
            out.append(ValidationRow(t, None, math.nan, math.nan, math.nan, 0, f"not computed: {e}"))
            continue
        key = (fig.name, year)
        if key not in cache:
            try:
                cache[key] = np.asarray(fig.compute(d, year), float)
            except (ValueError, FileNotFoundError, KeyError) as e:  # a file or stage this run does not have
                out.append(ValidationRow(t, year, math.nan, math.nan, math.nan, 0, f"not computed: {e}"))
                continue
        m, lo, hi, n = mean_ci(cache[key])
        note = "" if year == t.year else f"simulated {year} (steady state) for published {t.year}"
        out.append(ValidationRow(t, year, m, lo, hi, n, note))
    return out


def summary(rows: Iterable[ValidationRow]) -> dict[str, int]:
    """How many targets were compared, met and missed (references not counted)."""
    targets = [r for r in rows if r.target.status == "target"]
    met = sum(1 for r in targets if r.met is True)
    missed = sum(1 for r in targets if r.met is False)
    return {"targets": len(targets), "met": met, "missed": missed, "no_value": len(targets) - met - missed}


OUT_COLUMNS = (
    "key",
    "year",
    "status",
    "kind",
    "published",
    "unit",
    "source",
    "model_year",
    "model_mean",
    "model_ci_low",
    "model_ci_high",
    "n",
    "ratio",
    "band_low",
    "band_high",
    "tolerance",
    "tolerance_type",
    "met",
    "weight",
    "definition",
    "note",
)


def write_csv(rows: Sequence[ValidationRow], path: Path | str) -> None:
    """``validation.csv``: one row per target, in the order of the targets file."""

    def f(x: float) -> str:
        return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.6g}"

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(OUT_COLUMNS)
        for r in rows:
            t = r.target
            compared = t.status in COMPARED
            lo, hi = t.band() if compared else (math.nan, math.nan)
            w.writerow(
                [
                    t.key,
                    t.year,
                    t.status,
                    t.kind,
                    f(t.value),
                    t.unit,
                    t.source,
                    "" if r.model_year is None else r.model_year,
                    f(r.mean),
                    f(r.ci_low),
                    f(r.ci_high),
                    r.n,
                    f(r.ratio),
                    f(lo),
                    f(hi),
                    f(t.tolerance),
                    t.tolerance_type,
                    "" if r.met is None else ("yes" if r.met else "no"),
                    f(t.weight),
                    t.definition,
                    r.note,
                ]
            )


def read_csv(path: Path | str) -> list[dict[str, str]]:
    """The rows of a ``validation.csv`` as written by `write_csv` (plain strings)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------------------------------------ text and files


def value_text(x: float, t: Target) -> str:
    """A figure in its target's unit, as a person reads it: shares in %, counts with thousands separators."""
    if x is None or math.isnan(x):
        return "—"
    if t.unit == "share":
        return f"{100 * x:.1f}%"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def interval_text(r: ValidationRow) -> str:
    if math.isnan(r.ci_low):
        return ""
    return f"[{value_text(r.ci_low, r.target)}–{value_text(r.ci_high, r.target)}]"


def tolerance_text(t: Target) -> str:
    if math.isnan(t.tolerance):
        return ""
    if t.tolerance_type == "relative":
        return f"±{100 * t.tolerance:.0f}%"
    return f"±{100 * t.tolerance:.0f} pp" if t.unit == "share" else f"±{t.tolerance:g}"


def met_text(r: ValidationRow) -> str:
    return {True: "yes", False: "NO", None: "—"}[r.met]


VALIDATION_FOLDER = "validation"  # default output folder inside a results folder
VALIDATION_CSV = "validation.csv"
VALIDATION_PNG = "validation.png"


def write_validation(
    folder: Path | str,
    out: Path | str | None = None,
    *,
    targets_file: Path | str | None = None,
    force: bool = False,
) -> tuple[list[ValidationRow], Path]:
    """Compute the validation table of results folder `folder` and write it, with its figure, into output folder
    `out` (default ``FOLDER/validation``), built beside and swapped in (`sim.outputs.staged_folder`): an existing
    output is refused without `force`. Returns the rows and the folder written."""
    from .figures.style import save_png
    from .figures.validation import validation_figure
    from .outputs import check_output_folder, staged_folder

    folder = Path(folder)
    out = Path(out) if out is not None else folder / VALIDATION_FOLDER
    targets = load_targets(targets_file)
    check_output_folder(out, force)  # before the work
    rows = validate(folder, targets)
    info = read_run_info(folder)
    s = summary(rows)
    with staged_folder(out, force, "validation") as stage:
        write_csv(rows, stage / VALIDATION_CSV)
        fig = validation_figure(
            rows,
            f"Model vs published figures: {s['met']} of {s['targets']} targets met — scenario “{info.scenario}”",
        )
        save_png(fig, stage / VALIDATION_PNG)
    return rows, out


def results_folder_rows(folder: Path | str) -> tuple[list[ValidationRow] | None, str]:
    """The validation rows for the report, and why there are none: from ``FOLDER/validation/validation.csv``
    when ``ketensim validate-data`` wrote it, else computed with the default targets; (None, reason) when neither
    can be had (no targets file, a run without a full calendar year of intake after the warm-up)."""
    folder = Path(folder)
    written = folder / VALIDATION_FOLDER / VALIDATION_CSV
    try:
        if written.is_file():
            return rows_from_csv(written), ""
        return validate(folder), ""
    except (TargetsError, ValueError, FileNotFoundError, KeyError) as e:
        return None, str(e).splitlines()[0] if str(e) else type(e).__name__


def rows_from_csv(path: Path | str) -> list[ValidationRow]:
    """`ValidationRow`s back from a written ``validation.csv`` (its target columns are those needed to show it)."""

    def f(x: str) -> float:
        return float(x) if x not in ("", None) else math.nan

    out = []
    for r in read_csv(path):
        t = Target(
            key=r["key"],
            year=int(r["year"]),
            value=f(r["published"]),
            unit=r["unit"],
            kind=r["kind"],
            status=r["status"],
            model_figure="",
            definition=r["definition"],
            tolerance=f(r["tolerance"]),
            tolerance_type=r["tolerance_type"],
            weight=f(r["weight"]) if r["weight"] else 0.0,
            source=r["source"],
        )
        out.append(
            ValidationRow(
                t,
                int(r["model_year"]) if r["model_year"] else None,
                f(r["model_mean"]),
                f(r["model_ci_low"]),
                f(r["model_ci_high"]),
                int(r["n"] or 0),
                r["note"],
            )
        )
    return out
