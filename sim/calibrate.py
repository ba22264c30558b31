"""Calibration (issue 10 §2): fit a scenario's uncertain numbers to published figures.

* The **parameters** to fit are scenario keys holding a plain number, each with bounds (a TOML file of
  ``[[param]]`` tables: ``key``, ``low``, ``high``, optional ``integer``, ``log`` and ``note``). The scenario's own
  value must lie within the bounds: it is the first point tried, so the fit is never worse than the start.
* The **targets** are rows of a targets file (``calibration/targets.csv``, see `sim.validation`) with status
  ``target`` (or of the kinds chosen: volume, share, lead_time, stock); each is computed from a results folder by the same definition the validation page uses. A target's
  error is its distance from the published value in units of its tolerance, ``z = (model - published) /
  half-width of the band``, so ``|z| <= 1`` is "within tolerance" whatever the unit; the **objective** is the
  weighted root mean square of the z over the fitted targets (a target the run cannot compute counts as
  ``z = 10``). **Hold-out** targets are not fitted; their error is reported beside the fit's, so over-fitting
  shows as a fit error that falls while the hold-out error does not.
* Every point is simulated with the **same seed and replications** (common random numbers): two parameter sets
  are compared on the same offences and draws, so the objective's differences are the parameters', not luck's.
* The search is **optuna**'s TPE sampler through its ask/tell interface: a well-kept optimiser for noisy,
  expensive objectives that mixes whole-number, continuous and log-scaled parameters. We keep the trials
  ourselves (``trials.jsonl``, one line per evaluated point, written as each finishes) so an interrupted
  calibration started again with the same arguments resumes from them, and the best point is never lost.
* Search runs may be cheaper than the file's own (``search_overrides``: a shorter horizon, fewer replications);
  the best point is then **confirmed** with a run at the file's own settings, whose validation table is the one
  the fit report shows.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .capacity_search import _nested
from .errors import ProblemsError
from .journal import Journal
from .scenario import Scenario, ScenarioError, deep_merge, load
from .validation import Target, ValidationRow, validate

MISSING_Z = 10.0  # the error of a target the run cannot compute (a huge miss, but finite, so the search goes on)


class CalibrationError(ProblemsError):
    """A parameters file, target selection or setting that cannot be calibrated: `problems` says which and why."""


# ------------------------------------------------------------------------------------------------ parameters


@dataclass(frozen=True)
class Param:
    """A scenario key to fit, within [low, high]."""

    key: str
    low: float
    high: float
    integer: bool = False
    log: bool = False
    note: str = ""

    def clip(self, value: float) -> float:
        v = min(max(value, self.low), self.high)
        return float(round(v)) if self.integer else float(v)


def load_params(path: Path | str) -> list[Param]:
    """The ``[[param]]`` tables of a parameters file; `CalibrationError` names the file, the entry and the reason."""
    path = Path(path)
    if not path.is_file():
        raise CalibrationError([f"{path}: file not found"])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise CalibrationError([f"{path}: not a TOML file: {e}"]) from None
    unknown = sorted(set(data) - {"param"})
    problems = [f"{path}: {k}: unknown key (a parameters file holds [[param]] tables)" for k in unknown]
    entries = data.get("param")
    if not isinstance(entries, list) or not entries:
        raise CalibrationError([*problems, f"{path}: param: give at least one [[param]] table with key, low, high"])
    params: list[Param] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        where = f"{path}: param {i}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table")
            continue
        extra = sorted(set(entry) - {"key", "low", "high", "integer", "log", "note"})
        problems += [f"{where}: {k}: unknown key (key, low, high, integer, log, note)" for k in extra]
        key = entry.get("key")
        if not isinstance(key, str) or not key.strip():
            problems.append(f"{where}: key: give the scenario key to fit, entry.g. om.zsm.fte")
            continue
        where = f"{where} ({key})"
        if key in seen:
            problems.append(f"{where}: key: listed twice")
        seen.add(key)
        low, high = entry.get("low"), entry.get("high")
        bad = False
        for name, v in (("low", low), ("high", high)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                problems.append(f"{where}: {name}: must be a number")
                bad = True
        for name in ("integer", "log"):
            if name in entry and not isinstance(entry[name], bool):
                problems.append(f"{where}: {name}: must be true or false")
                bad = True
        if bad:
            continue
        assert isinstance(low, (int, float)) and isinstance(high, (int, float))
        if not low < high:
            problems.append(f"{where}: low: must be below high ({low:g} >= {high:g})")
            continue
        log = bool(entry.get("log", False))
        if log and low <= 0:
            problems.append(f"{where}: low: a log-scaled parameter needs low > 0")
            continue
        params.append(
            Param(key, float(low), float(high), bool(entry.get("integer", False)), log, str(entry.get("note", "")))
        )
    if problems:
        raise CalibrationError(problems)
    return params


def scenario_number(scenario: Scenario, key: str) -> int | float | None:
    """The scenario's value of `key` as the scenario holds it (a whole-number setting as int) if it is a plain
    number, else None."""
    node = scenario.resolved_dict()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        return None
    return node


def scenario_value(scenario: Scenario, key: str) -> float | None:
    """The scenario's value of `key` if it is a plain number, else None."""
    v = scenario_number(scenario, key)
    return None if v is None else float(v)


def start_values(
    base: Scenario, file: Path, params: Sequence[Param], overrides: dict
) -> tuple[dict[str, float], list[str]]:
    """`base`'s value of every parameter, and the problems of those that are not a plain number within their bounds,
    or whose bounds, set in `file` with `overrides`, do not make a valid scenario (both ends are checked now, so a
    search never fails half-way)."""
    problems, start = [], {}
    for p in params:
        v = scenario_value(base, p.key)
        if v is None:
            problems.append(f"param {p.key}: not a key of the scenario holding a plain number")
        elif not p.low <= v <= p.high:
            problems.append(f"param {p.key}: the scenario's value {v:g} lies outside [{p.low:g}, {p.high:g}]")
        else:
            start[p.key] = p.clip(v)
    for p in params:
        for bound in (p.low, p.high):
            try:
                load(file, overrides=deep_merge(overrides, _nested(p.key, p.clip(bound))))
            except ScenarioError as e:
                problems += [f"param {p.key} = {bound:g}: {q.reason}" for q in e.problems]
    return start, problems


def has_full_year(scenario: Scenario) -> bool:
    """Whether the run has a calendar year of intake wholly after its warm-up (what `sim.validation` compares)."""
    start = scenario.start_date
    warm_end = start + dt.timedelta(days=float(scenario.warmup_days))
    first = dt.date(warm_end.year + (warm_end > dt.date(warm_end.year, 1, 1)), 1, 1)
    return dt.date(first.year + 1, 1, 1) <= start + dt.timedelta(days=float(scenario.horizon_days))


def overrides_of(values: dict[str, float]) -> dict:
    out: dict = {}
    for key, v in values.items():
        out = deep_merge(out, _nested(key, v))
    return out


# ------------------------------------------------------------------------------------------------ the objective


def target_z(row: ValidationRow) -> float:
    """A target's error in units of its tolerance: (model - published) / half-width of its band."""
    t = row.target
    lo, hi = t.band()
    half = (hi - lo) / 2
    if math.isnan(row.mean) or not half > 0:
        return math.nan
    return (row.mean - t.value) / half


def weighted_error(rows: Sequence[ValidationRow]) -> float:
    """The weighted root mean square of the targets' z (a target not computed counts as `MISSING_Z`)."""
    if not rows:
        return math.nan
    w = np.array([r.target.weight for r in rows], float)
    z = np.array([target_z(r) for r in rows], float)
    z = np.where(np.isnan(z), MISSING_Z, z)
    return float(np.sqrt(np.sum(w * z**2) / np.sum(w)))


@dataclass
class Evaluation:
    """One point simulated and held to the targets."""

    number: int
    values: dict[str, float]
    error: float
    holdout_error: float
    met: int
    figures: dict[str, float]  # target label -> model mean
    seconds: float

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "values": self.values,
            "error": self.error,
            "holdout_error": self.holdout_error,
            "met": self.met,
            "figures": self.figures,
            "seconds": round(self.seconds, 2),
        }


@dataclass
class Outcome:
    evaluations: list[Evaluation]
    best: Evaluation
    start: Evaluation
    interrupted: bool = False
    exhausted: bool = False
    confirm_rows: list[ValidationRow] | None = None
    confirm_error: float = math.nan
    confirm_holdout_error: float = math.nan


class Calibration:
    """A calibration of one scenario file against a targets file; `run` does it."""

    def __init__(
        self,
        scenario_file: Path,
        params: Sequence[Param],
        targets: Sequence[Target],
        *,
        holdout: Sequence[str] = (),
        holdout_share: float = 0.0,
        kinds: Sequence[str] = (),
        search_overrides: dict | None = None,
        replications: int = 2,
        seed: int | None = None,
        jobs: int = 1,
        executor=None,
        work_dir: Path,
        trials_file: Path | None = None,
        confirm: bool = True,
        confirm_replications: int | None = None,
    ):
        self.file = Path(scenario_file)
        self.params = list(params)
        self.search_overrides = search_overrides or {}
        self.base = load(self.file)
        self.search_base = load(self.file, overrides=self.search_overrides or None)
        self.seed = self.base.seed if seed is None else seed
        self.replications = replications
        self.jobs = jobs
        self.executor = executor
        self.work_dir = Path(work_dir)
        self.trials_file = trials_file
        self.confirm = confirm
        self.confirm_replications = confirm_replications or self.base.replications
        self.start = self._start_values()
        self.all_targets = list(targets)
        self.kinds = tuple(kinds)
        self.fit_targets, self.holdout_targets = self._split(holdout, holdout_share)
        self.evaluations: list[Evaluation] = []
        self.search_uncomputed: set[str] = set()
        self.progress: Callable[[Evaluation, Evaluation], None] | None = None
        self.journal = Journal(trials_file, self.setup())
        self._load_trials()

    # --- set-up
    def _start_values(self) -> dict[str, float]:
        start, problems = start_values(self.base, self.file, self.params, self.search_overrides)
        runs = [("the search runs (--set)", self.search_base)]
        if self.confirm:
            runs.append(("the confirming run (the file itself)", self.base))
        for what, sc in runs:
            if not has_full_year(sc):
                problems.append(
                    f"{what}: {sc.name} has no full calendar year of intake after its warm-up (start {sc.start_date}, "
                    f"warm-up {sc.warmup_days:g} days, horizon {sc.horizon_days:g} days), so no published figure can "
                    "be compared: give a longer horizon_days"
                    + (" with --set" if sc is self.search_base else ", or use --no-confirm")
                )
        if problems:
            raise CalibrationError(problems)
        return start

    def _split(self, holdout: Sequence[str], share: float) -> tuple[list[Target], list[Target]]:
        fit = [t for t in self.all_targets if t.status == "target"]
        if not fit:
            raise CalibrationError(["targets: no row has status 'target'; there is nothing to fit to"])
        if self.kinds:
            known = sorted({t.kind for t in fit})
            unknown = [k for k in self.kinds if k not in known]
            if unknown:
                raise CalibrationError(
                    [f"--kind {k}: no target of this kind (the targets have {', '.join(known)})" for k in unknown]
                )
            fit = [t for t in fit if t.kind in self.kinds]
        chosen = set()
        problems = []
        for h in holdout:
            hits = {t.label for t in fit if h in (t.key, t.label)}
            if not hits:
                problems.append(f"--holdout {h}: no target with this key (or 'key year') among the targets")
            chosen |= hits
        if share:
            if not 0 < share < 1:
                problems.append(f"--holdout-share {share:g}: must be between 0 and 1")
            else:
                rng = np.random.default_rng(self.seed)
                order = rng.permutation(len(fit))
                chosen |= {fit[i].label for i in order[: max(1, round(share * len(fit)))]}
        if problems:
            raise CalibrationError(problems)
        held = [t for t in fit if t.label in chosen]
        fitted = [t for t in fit if t.label not in chosen]
        if not fitted:
            raise CalibrationError(["--holdout: every target is held out; nothing is left to fit to"])
        return fitted, held

    def setup(self) -> str:
        """What the trials depend on besides the parameter values: a trial of another setup is not reused."""
        return json.dumps(
            [
                str(self.file.resolve()),
                self.search_overrides,
                self.seed,
                self.replications,
                [t.label for t in self.fit_targets],
                [t.label for t in self.holdout_targets],
                list(self.kinds),
                [(t.label, t.value, t.tolerance, t.weight) for t in self.all_targets],
                __version__,
            ],
            sort_keys=True,
            default=str,
        )

    def _load_trials(self) -> None:
        keys = {p.key for p in self.params}
        for r in self.journal.entries():
            if set(r.get("values", {})) != keys:
                continue
            if not self.evaluations:
                self.search_uncomputed = {k for k, v in r["figures"].items() if v is None or math.isnan(v)}
            self.evaluations.append(
                Evaluation(
                    len(self.evaluations),
                    {k: float(v) for k, v in r["values"].items()},
                    float(r["error"]),
                    float(r["holdout_error"]) if r.get("holdout_error") is not None else math.nan,
                    int(r["met"]),
                    {k: float(v) for k, v in r["figures"].items()},
                    float(r["seconds"]),
                )
            )

    # --- one point
    def scenario_at(self, values: dict[str, float], search: bool = True) -> Scenario:
        base = self.search_overrides if search else {}
        return load(self.file, overrides=deep_merge(base, overrides_of(values)))

    def simulate(self, scenario: Scenario, replications: int, name: str) -> list[ValidationRow]:
        """Run `scenario` into a scratch results folder, hold it to every target, remove the folder."""
        from .runner import run_scenario

        out = self.work_dir / name
        if out.exists():
            shutil.rmtree(out)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        try:
            run_scenario(
                scenario, str(self.file), replications, self.seed, out, self.jobs, executor=self.executor, force=True
            )
            return validate(out, self.all_targets)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def evaluate(self, values: dict[str, float]) -> Evaluation:
        started = time.perf_counter()
        rows = self.simulate(self.scenario_at(values), self.replications, f"trial-{len(self.evaluations)}")
        ev = self._evaluation(len(self.evaluations), values, rows, time.perf_counter() - started)
        self.evaluations.append(ev)
        self.journal.append(ev.to_json())
        return ev

    def _evaluation(self, n: int, values: dict[str, float], rows: list[ValidationRow], seconds: float) -> Evaluation:
        if not self.evaluations:  # the first point says which figures the search runs cannot compute at all
            self.search_uncomputed = {
                r.target.label for r in rows if r.target.status == "target" and math.isnan(r.mean)
            }
        fit, held = self.split_rows(rows, search=True)
        return Evaluation(
            n,
            dict(values),
            weighted_error(fit),
            weighted_error(held) if held else math.nan,
            sum(1 for r in fit if r.met),
            {r.target.label: r.mean for r in rows if r.target.status == "target"},
            seconds,
        )

    def split_rows(
        self, rows: Sequence[ValidationRow], search: bool = False
    ) -> tuple[list[ValidationRow], list[ValidationRow]]:
        """The fitted and the held-out rows; in the search runs without the figures they cannot compute (e.g. a
        share of sentences started within two years in a run of one year): a constant penalty would only hide the
        other figures' errors. The confirming run holds the point to all of them."""
        skip = self.search_uncomputed if search else set()
        fit = {t.label for t in self.fit_targets} - skip
        held = {t.label for t in self.holdout_targets} - skip
        return [r for r in rows if r.target.label in fit], [r for r in rows if r.target.label in held]

    # --- the search
    def best(self) -> Evaluation:
        return min(self.evaluations, key=lambda e: (math.inf if math.isnan(e.error) else e.error, e.number))

    def run(self, budget: int) -> Outcome:
        """Evaluate up to `budget` points in all (trials reused from an earlier start count), starting with the
        scenario's own values; then confirm the best with a run at the file's own settings. An interrupt (Ctrl-C,
        SIGTERM) propagates after the finished trials are safely on disk; `best()` then holds the best so far."""
        import warnings

        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
        dists: dict[str, optuna.distributions.BaseDistribution] = {
            p.key: (
                optuna.distributions.IntDistribution(int(math.ceil(p.low)), int(math.floor(p.high)), log=p.log)
                if p.integer
                else optuna.distributions.FloatDistribution(p.low, p.high, log=p.log)
            )
            for p in self.params
        }
        sampler = optuna.samplers.TPESampler(
            seed=self.seed, n_startup_trials=max(3, min(10, budget // 4)), multivariate=True
        )
        study = optuna.create_study(direction="minimize", sampler=sampler)
        for ev in self.evaluations:  # earlier trials of the same calibration teach the sampler first
            study.add_trial(
                optuna.trial.create_trial(params=self._trial(ev.values), distributions=dists, value=_finite(ev.error))
            )
        if not any(ev.values == self.start for ev in self.evaluations):
            study.enqueue_trial(self._trial(self.start))
        while len(self.evaluations) < budget:
            trial = study.ask(dists)
            values = {p.key: p.clip(float(trial.params[p.key])) for p in self.params}
            try:
                ev = self.evaluate(values)
            except BaseException:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
                raise
            study.tell(trial, _finite(ev.error))
            if self.progress:
                self.progress(ev, self.best())
        start = next((e for e in self.evaluations if e.values == self.start), None)
        if start is None:  # a budget already spent by resumed trials: the start is always among the points
            start = self.evaluate(self.start)
        outcome = Outcome(list(self.evaluations), self.best(), start)
        if self.confirm:
            rows = self.simulate(
                self.scenario_at(outcome.best.values, search=False), self.confirm_replications, "confirm"
            )
            fit, held = self.split_rows(rows)
            outcome.confirm_rows = rows
            outcome.confirm_error = weighted_error(fit)
            outcome.confirm_holdout_error = weighted_error(held) if held else math.nan
        return outcome

    @property
    def searched(self) -> int:
        """How many fitted figures the search runs hold a point to."""
        return len({t.label for t in self.fit_targets} - self.search_uncomputed)

    def _trial(self, values: dict[str, float]) -> dict[str, float | int]:
        """Values as optuna holds them: whole numbers as int."""
        return {p.key: (int(round(values[p.key])) if p.integer else values[p.key]) for p in self.params}


def _finite(x: float) -> float:
    return 1e6 if math.isnan(x) else x


# ------------------------------------------------------------------------------------------------ writing


def calibrated_toml(cal: Calibration, outcome: Outcome, out_dir: Path, today: dt.date | None = None) -> str:
    """A scenario file that `extends` the input and sets each fitted value, with a comment saying it was
    calibrated, to which targets and when; it is written into `out_dir`, so `extends` is relative to it."""
    today = today or dt.date.today()
    parent = os.path.relpath(cal.file.resolve(), Path(out_dir).resolve())
    targets = ", ".join(t.label for t in cal.fit_targets)
    lines = [
        f"# Calibrated by `ketensim calibrate` (ketensim {__version__}) on {today.isoformat()}: {cal.file.name} with",
        f"# {len(cal.params)} parameter(s) fitted to {len(cal.fit_targets)} published figure(s) of the targets file",
        f"# ({len(outcome.evaluations)} points, seed {cal.seed}, {cal.replications} replication(s) per point).",
        f"# Weighted error (RMS of (model - published) / tolerance): start {outcome.start.error:.3f}, "
        f"fitted {outcome.best.error:.3f} in the search runs"
        + (f", {outcome.confirm_error:.3f} in the confirming run." if not math.isnan(outcome.confirm_error) else "."),
        f"# Fitted to: {targets}.",
    ]
    if cal.holdout_targets:
        lines.append(f"# Held out (not fitted): {', '.join(t.label for t in cal.holdout_targets)}.")
    lines.append("# See fit.md beside this file for the figures before and after.")
    name = f"{cal.base.name}-calibrated"
    description = (
        f"{cal.base.description} Calibrated on {today.isoformat()}: {len(cal.params)} value(s) fitted to "
        f"{len(cal.fit_targets)} published figure(s)."
    ).strip()
    lines += [
        "",
        f'extends = "{_toml_str(parent)}"',
        f'name = "{_toml_str(name)}"',
        f'description = "{_toml_str(description)}"',
        "",
    ]
    by_table: dict[tuple[str, ...], list[Param]] = {}
    for p in cal.params:
        by_table.setdefault(tuple(p.key.split(".")[:-1]), []).append(p)
    for table, params in by_table.items():
        if table:
            lines.append(f"[{'.'.join(_toml_key(k) for k in table)}]")
        for p in params:
            v = outcome.best.values[p.key]
            lines.append(
                f"# CALIBRATED {today.isoformat()} (was {outcome.start.values[p.key]:g}, bounds "
                f"[{p.low:g}, {p.high:g}]) to the targets above" + (f"; {p.note}" if p.note else "")
            )
            lines.append(f"{_toml_key(p.key.split('.')[-1])} = {_toml_number(v, p.integer)}")
        lines.append("")
    return "\n".join(lines)


def _toml_number(v: float, integer: bool) -> str:
    if integer:
        return str(int(round(v)))
    return repr(float(f"{v:.6g}"))


def _toml_key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() else f'"{_toml_str(k)}"'


def _toml_str(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def fit_report(cal: Calibration, outcome: Outcome, wall_seconds: float) -> str:
    """``fit.md``: what was fitted, to what, how well before and after, and what it cost."""
    start_fig, best_fig = outcome.start.figures, outcome.best.figures
    confirm = {r.target.label: r for r in outcome.confirm_rows or [] if r.target.status == "target"}
    lines = [
        f"# Calibration of {cal.file.name}",
        "",
        f"ketensim {__version__}, {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}; seed {cal.seed}; "
        f"{len(outcome.evaluations)} points of {cal.replications} replication(s) each"
        + (f" with search settings {json.dumps(cal.search_overrides)}" if cal.search_overrides else "")
        + f"; {wall_seconds / 60:.1f} minutes.",
        "",
        "The error of a figure is (model - published) / half-width of its tolerance band: within tolerance is at most 1.",
        "The weighted error is the weighted root mean square over the figures.",
        "",
        "| | start | fitted (search runs) | fitted (confirming run) |",
        "|---|---:|---:|---:|",
        f"| weighted error, fitted figures | {outcome.start.error:.3f} | {outcome.best.error:.3f} | "
        f"{_f3(outcome.confirm_error)} |",
    ]
    if cal.holdout_targets:
        lines.append(
            f"| weighted error, held-out figures | {_f3(outcome.start.holdout_error)} | "
            f"{_f3(outcome.best.holdout_error)} | {_f3(outcome.confirm_holdout_error)} |"
        )
    lines.append(
        f"| fitted figures within tolerance | {outcome.start.met} of {cal.searched} | "
        f"{outcome.best.met} of {cal.searched} | "
        + (
            f"{sum(1 for t in cal.fit_targets if confirm.get(t.label) and confirm[t.label].met)} of "
            f"{len(cal.fit_targets)} |"
            if confirm
            else "- |"
        )
    )
    lines += ["", "## Parameters", "", "| key | low | high | start | fitted | note |", "|---|---:|---:|---:|---:|---|"]
    for p in cal.params:
        lines.append(
            f"| {p.key} | {p.low:g} | {p.high:g} | {outcome.start.values[p.key]:g} | "
            f"{outcome.best.values[p.key]:.6g} | {p.note} |"
        )
    lines += [
        "",
        "## Figures",
        "",
        "| figure | role | published | tolerance | start | fitted (search) | fitted (confirmed) [95% CI] | met |",
        "|---|---|---:|---|---:|---:|---:|---|",
    ]
    held = {t.label for t in cal.holdout_targets}
    for t in [*cal.fit_targets, *cal.holdout_targets]:
        c = confirm.get(t.label)
        met = "" if c is None or c.met is None else ("yes" if c.met else "no")
        lines.append(
            f"| {t.label} | {'held out' if t.label in held else 'fitted'} | {t.value:.6g} {t.unit} | "
            f"{'±' + format(t.tolerance * 100, 'g') + '%' if t.tolerance_type == 'relative' else '±' + format(t.tolerance, 'g')} | "
            f"{_g(start_fig.get(t.label))} | {_g(best_fig.get(t.label))} | "
            + (
                "-"
                if c is None
                else _g(c.mean) + ("" if math.isnan(c.ci_low) else f" [{_g(c.ci_low)}, {_g(c.ci_high)}]")
            )
            + f" | {met} |"
        )
    uncomputed = sorted(cal.search_uncomputed & {t.label for t in [*cal.fit_targets, *cal.holdout_targets]})
    if uncomputed:
        lines += [
            "",
            "Not computed in the search runs (left out of their error; the confirming run holds the point to them): "
            + ", ".join(uncomputed)
            + ".",
        ]
    return "\n".join(lines) + "\n"


def trials_csv(outcome: Outcome, params: Sequence[Param]) -> str:
    head = ["number", *[p.key for p in params], "error", "holdout_error", "met", "seconds"]
    rows = [",".join(head)]
    for e in outcome.evaluations:
        rows.append(
            ",".join(
                [
                    str(e.number),
                    *[f"{e.values[p.key]:.6g}" for p in params],
                    f"{e.error:.6g}",
                    "" if math.isnan(e.holdout_error) else f"{e.holdout_error:.6g}",
                    str(e.met),
                    f"{e.seconds:.2f}",
                ]
            )
        )
    return "\n".join(rows) + "\n"


def _g(x: float | None) -> str:
    return "-" if x is None or math.isnan(x) else f"{x:.4g}"


def _f3(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.3f}"
