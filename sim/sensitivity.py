"""Sensitivity analysis (issue 12 §3): which of a scenario's assumptions move its key figures most, so that the
chain partners know which numbers to supply first.

* The **parameters** are scenario keys holding a plain number, each with a range: the ``[[param]]`` file of
  `sim.calibrate` (key, low, high, integer, log, note), or ±X% around the scenario's own values of keys named on the
  command line (`percent_params`). The scenario's value (with any ``--set``) is the **reference** and must lie in
  the range; both ends must make a valid scenario (checked before any run).
* The **key figures** are ``metric[group]`` of ``kpis.csv`` (the whole chain; ``metric`` alone is group "all").
* Every point (a set of parameter values) runs replications 0..R-1 with the **same seed**: all points see the same
  offences and draws (common random numbers), so the differences between them are the parameters', not chance's.
* **One at a time (tornado).** The reference, then each parameter at its low and at its high value with the others
  at the reference. A key figure's change at a point is the paired difference from the reference per replication,
  its mean with a 95% Student-t interval (`sim.kpis.paired_difference`). Parameters are ranked by their **swing**:
  the length of the bar from the change at low to the change at high, zero included.
* **Global (Morris).** SALib's Morris design (`trajectories` paths through a grid of `levels` levels over every
  range; log-scaled parameters on the log scale, whole-number ones rounded after sampling) moves one parameter at a
  time from a random start, so each step is one *elementary effect*. A point's key figure is the mean over its R
  replications. SALib's analysis gives per parameter **mu*** (the mean absolute elementary effect, in the key
  figure's unit per the parameter's whole range: how much it moves the figure, wherever the others are), **sigma**
  (their spread: the effect depends on the other parameters, or is not linear) and the bootstrap 95% half-width of
  mu* (**mu*_conf**). Parameters are ranked by mu*. A tornado says what each range does around today's values; Morris
  says which assumptions matter anywhere in the ranges, interactions included.
* Every replication's key figures are kept in a journal (`sim.journal`) as they finish: an interrupted study started
  again with the same scenario, settings and seed runs only the replications it is missing (whatever parameters or
  key figures are asked, since a point is known by its values and all key figures are kept).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .calibrate import Param, overrides_of, scenario_number, start_values
from .capacity_search import KPI_PATTERN
from .errors import ProblemsError
from .journal import Journal
from .kpis import mean_ci, paired_difference
from .scenario import Scenario, deep_merge, load

_KPI = re.compile(rf"^\s*{KPI_PATTERN}\s*$")


class SensitivityError(ProblemsError):
    """A parameter, range, key figure or setting a sensitivity study cannot use: `problems` says which and why."""


@dataclass(frozen=True)
class Kpi:
    """A key figure of ``kpis.csv``: a metric and its group ("all" for the whole chain)."""

    metric: str
    group: str = "all"

    @classmethod
    def parse(cls, text: str) -> Kpi:
        from .catalogue import KEY_FIGURES

        m = _KPI.match(text)
        if not m:
            raise SensitivityError(
                [
                    f"--kpi {text!r}: give KPI or KPI[group], e.g. pr_within_5_weeks_share or days_to_decision_p50[regular]"
                ]
            )
        kpi = cls(m.group(1), m.group(2) or "all")
        if kpi.metric not in KEY_FIGURES:
            raise SensitivityError(
                [f"--kpi {text}: {kpi.metric!r} is not a key figure (see docs/model.md, Key figures)"]
            )
        return kpi

    def __str__(self) -> str:
        return self.metric if self.group == "all" else f"{self.metric}[{self.group}]"

    @property
    def slug(self) -> str:
        """The key figure in a file name: ``days_to_decision_p50-regular``."""
        return str(self).replace("[", "-").replace("]", "").replace(":", "-").replace("/", "-")


def parse_kpis(texts: Sequence[str]) -> list[Kpi]:
    """Every ``--kpi``; the problems of all that cannot be read are raised together."""
    kpis, problems = [], []
    for text in texts:
        try:
            kpi = Kpi.parse(text)
        except SensitivityError as e:
            problems += e.problems
            continue
        if kpi in kpis:
            problems.append(f"--kpi {text}: given twice")
        kpis.append(kpi)
    if not texts:
        problems.append("--kpi: give at least one key figure, e.g. --kpi pr_within_5_weeks_share")
    if problems:
        raise SensitivityError(problems)
    return kpis


def percent_params(scenario: Scenario, keys: Sequence[str], percent: float) -> list[Param]:
    """A range of ±`percent`% around the scenario's value of each key (whole numbers stay whole: a setting the
    scenario holds as an integer is rounded)."""
    problems, params = [], []
    if not 0 < percent < 100:
        raise SensitivityError([f"--percent {percent:g}: must be between 0 and 100"])
    for key in keys:
        v = scenario_number(scenario, key)
        if v is None:
            problems.append(f"--param {key}: not a key of the scenario holding a plain number")
            continue
        a, b = v * (1 - percent / 100), v * (1 + percent / 100)
        p = Param(key, min(a, b), max(a, b), integer=isinstance(v, int), note=f"±{percent:g}% of {v:g}")
        if not p.clip(p.low) < p.clip(p.high):
            problems.append(f"--param {key}: ±{percent:g}% of {v:g} gives no range (give low and high in --params)")
            continue
        params.append(p)
    if problems:
        raise SensitivityError(problems)
    return params


def _kpis_of(task: tuple) -> dict[str, float]:
    """In a worker: one replication's whole-chain key figures, by ``metric[group]`` (so only they travel back)."""
    from .model import run_replication
    from .runner import replication_kpis_of

    scenario, rep, seed = task
    res = run_replication(scenario, rep, seed)
    return {str(Kpi(*k)): float(v) for k, v in replication_kpis_of(scenario, res).items() if len(k) == 2}


Values = dict[str, float]


class Sensitivity:
    """A sensitivity study of one scenario file over `params` for `kpis`; `tornado` or `morris` does it."""

    def __init__(
        self,
        scenario_file: Path,
        params: Sequence[Param],
        kpis: Sequence[Kpi],
        *,
        overrides: dict | None = None,
        replications: int = 3,
        seed: int | None = None,
        jobs: int = 1,
        executor=None,
        runs_file: Path | None = None,
        progress: Callable[[int], None] | None = None,
    ):
        self.file = Path(scenario_file)
        self.params = list(params)
        self.kpis = list(kpis)
        self.overrides = overrides or {}
        self.base = load(self.file, overrides=self.overrides or None)
        self.seed = self.base.seed if seed is None else seed
        self.replications = replications
        self.jobs = jobs
        self.executor = executor
        self.progress = progress
        problems = [f"param {k}: listed twice" for k in sorted({p.key for p in params}) if _count(params, k) > 1]
        self.reference, more = start_values(self.base, self.file, self.params, self.overrides)
        if problems + more:
            raise SensitivityError(problems + more)
        self.journal = Journal(runs_file, self._setup())
        self.runs: dict[tuple, dict[int, dict[str, float]]] = {}  # point -> replication -> key figures
        for r in self.journal.entries():
            self.runs.setdefault(_point(r["values"]), {})[int(r["replication"])] = r["kpis"]
        self.replications_run = 0

    def _setup(self) -> str:
        """What a replication's key figures depend on besides the point: the file, its settings, seed and version."""
        return json.dumps([str(self.file.resolve()), self.overrides, self.seed, __version__], sort_keys=True)

    def scenario_at(self, values: Values) -> Scenario:
        return load(self.file, overrides=deep_merge(self.overrides, overrides_of(values)))

    # ------------------------------------------------------------------------------------------------ running

    def replications_of(self, points: Sequence[Values]) -> tuple[int, int]:
        """How many replications `points` need in all (a point given twice runs once), and how many of them are not
        yet run (nor found in the journal)."""
        todo = {_point(v) for v in points}
        missing = sum(1 for p in todo for r in range(self.replications) if r not in self.runs.get(p, {}))
        return len(todo) * self.replications, missing

    def simulate(self, points: Sequence[Values]) -> list[list[dict[str, float]]]:
        """Every point's key figures per replication 0..R-1, running those not yet run (interleaved over the points,
        so that all run in parallel and partial progress covers every point)."""
        unique = {_point(v): v for v in points}
        resumed = next((r for p in self.runs.values() for r in p.values()), None)
        if resumed is not None:  # the key figures asked are checked before anything runs, as on a fresh start
            self._check_groups(resumed)
        scenarios: dict[tuple, Scenario] = {}
        tasks, owners = [], []
        for rep in range(self.replications):
            for key, values in unique.items():
                if rep not in self.runs.get(key, {}):
                    if key not in scenarios:
                        scenarios[key] = self.scenario_at(values)
                    tasks.append((scenarios[key], rep, self.seed))
                    owners.append((key, values, rep))
        from .runner import iter_results

        for (key, values, rep), kpis in zip(owners, iter_results(tasks, self.jobs, self.executor, fn=_kpis_of)):
            self._check_groups(kpis)
            self.runs.setdefault(key, {})[rep] = kpis
            self.journal.append({"values": values, "replication": rep, "kpis": kpis})
            self.replications_run += 1
            if self.progress:
                self.progress(1)
        return [[self.runs[_point(v)][rep] for rep in range(self.replications)] for v in points]

    def _check_groups(self, kpis: dict[str, float]) -> None:
        """A key figure whose group the run does not have is refused at the first replication, before it is kept."""
        problems = []
        for k in self.kpis:
            if str(k) not in kpis:
                groups = sorted(name[len(k.metric) + 1 : -1] for name in kpis if name.startswith(f"{k.metric}["))
                problems.append(
                    f"--kpi {k}: no group {k.group!r} of {k.metric} in this scenario"
                    + (
                        f" (it has {', '.join(groups)})"
                        if groups
                        else " (it has only the whole chain: give it without [group])"
                    )
                )
        if problems:
            raise SensitivityError(problems)

    # ------------------------------------------------------------------------------------------------ tornado

    def tornado_points(self) -> list[Values]:
        """The reference, then every parameter at its low and at its high value with the others at the reference."""
        points = [dict(self.reference)]
        for p in self.params:
            points += [self.reference | {p.key: p.clip(p.low)}, self.reference | {p.key: p.clip(p.high)}]
        return points

    def tornado(self) -> list[TornadoRow]:
        """Per key figure, every parameter's paired change at its low and high value, the largest swing first."""
        points = self.tornado_points()
        runs = self.simulate(points)
        ref = runs[0]
        rows = []
        for k in self.kpis:
            name = str(k)
            base = np.array([r[name] for r in ref], float)
            per_kpi = []
            for i, p in enumerate(self.params):
                low, high = runs[1 + 2 * i], runs[2 + 2 * i]
                per_kpi.append(
                    TornadoRow(
                        kpi=k,
                        param=p,
                        reference_value=self.reference[p.key],
                        low_value=points[1 + 2 * i][p.key],
                        high_value=points[2 + 2 * i][p.key],
                        reference=mean_ci(base)[:3],
                        at_low=paired_difference(base, np.array([r[name] for r in low], float)),
                        at_high=paired_difference(base, np.array([r[name] for r in high], float)),
                        replications=self.replications,
                    )
                )
            per_kpi.sort(key=lambda r: -r.swing if not math.isnan(r.swing) else math.inf)
            rows += [r.ranked(n) for n, r in enumerate(per_kpi, 1)]
        return rows

    # ------------------------------------------------------------------------------------------------ Morris

    def problem(self) -> dict:
        """The parameters as SALib describes them (log-scaled ones by the logarithm of their range)."""
        return {
            "num_vars": len(self.params),
            "names": [p.key for p in self.params],
            "bounds": [[math.log(p.low), math.log(p.high)] if p.log else [p.low, p.high] for p in self.params],
        }

    def morris_design(self, trajectories: int, levels: int = 4) -> tuple[np.ndarray, list[Values]]:
        """SALib's Morris sample (in SALib's scale: log-scaled parameters as logarithms) and the points it stands for."""
        from SALib.sample import morris as morris_sample

        if len(self.params) < 2:
            raise SensitivityError(["--method morris: give at least two parameters (one is a tornado)"])
        if levels < 2 or levels % 2:
            raise SensitivityError([f"--levels {levels}: give an even number of grid levels, at least 2 (4 is usual)"])
        x = morris_sample.sample(self.problem(), trajectories, num_levels=levels, seed=self.seed)
        points = [{p.key: p.clip(math.exp(v) if p.log else float(v)) for p, v in zip(self.params, row)} for row in x]
        return x, points

    def morris(self, trajectories: int = 10, levels: int = 4) -> list[MorrisRow]:
        """Per key figure, every parameter's mu*, sigma and mu*_conf (SALib), the largest mu* first."""
        from SALib.analyze import morris as morris_analyze

        x, points = self.morris_design(trajectories, levels)
        runs = self.simulate(points)
        rows = []
        for k in self.kpis:
            y = np.array([np.nanmean([r[str(k)] for r in point]) for point in runs], float)
            if np.isnan(y).any():
                found = {key: (math.nan,) * 4 for key in (p.key for p in self.params)}
            else:
                a = morris_analyze.analyze(self.problem(), x, y, conf_level=0.95, num_levels=levels, seed=self.seed)
                found = {
                    name: (float(ms), float(conf), float(mu), float(sd))
                    for name, ms, conf, mu, sd in zip(a["names"], a["mu_star"], a["mu_star_conf"], a["mu"], a["sigma"])
                }
            per_kpi = [
                MorrisRow(k, p, *found[p.key], points=len(points), replications=self.replications) for p in self.params
            ]
            per_kpi.sort(key=lambda r: -r.mu_star if not math.isnan(r.mu_star) else math.inf)
            rows += [r.ranked(n) for n, r in enumerate(per_kpi, 1)]
        return rows


def _point(values: Values) -> tuple:
    return tuple(sorted((k, float(v)) for k, v in values.items()))


def _count(params: Sequence[Param], key: str) -> int:
    return sum(1 for p in params if p.key == key)


# ------------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class TornadoRow:
    """One parameter's effect on one key figure: the change (mean, 95% interval) at its low and its high value."""

    kpi: Kpi
    param: Param
    reference_value: float
    low_value: float
    high_value: float
    reference: tuple[float, float, float]  # the key figure at the reference: mean, 95% interval
    at_low: tuple[float, float, float]  # change from the reference at the low value: mean, 95% interval
    at_high: tuple[float, float, float]
    replications: int
    rank: int = 0

    @property
    def swing(self) -> float:
        """The length of the tornado bar: from the smaller change (or 0) to the larger (or 0)."""
        lo, hi = self.at_low[0], self.at_high[0]
        if math.isnan(lo) or math.isnan(hi):
            return math.nan
        return max(lo, hi, 0.0) - min(lo, hi, 0.0)

    def ranked(self, rank: int) -> TornadoRow:
        from dataclasses import replace

        return replace(self, rank=rank)


@dataclass(frozen=True)
class MorrisRow:
    """One parameter's Morris measures for one key figure (in the key figure's unit per the parameter's range)."""

    kpi: Kpi
    param: Param
    mu_star: float
    mu_star_conf: float
    mu: float
    sigma: float
    points: int
    replications: int
    rank: int = 0

    def ranked(self, rank: int) -> MorrisRow:
        from dataclasses import replace

        return replace(self, rank=rank)


def tornado_csv(rows: Sequence[TornadoRow]) -> str:
    """``tornado.csv``: one row per key figure and parameter, in rank order; values in the units of ``kpis.csv``."""
    head = (
        "kpi,rank,param,reference_value,low_value,high_value,kpi_reference,kpi_reference_ci_low,kpi_reference_ci_high,"
        "change_at_low,change_at_low_ci_low,change_at_low_ci_high,change_at_high,change_at_high_ci_low,"
        "change_at_high_ci_high,swing,replications"
    )
    lines = [head]
    for r in rows:
        cells = [str(r.kpi), str(r.rank), r.param.key, *(_f(x) for x in (r.reference_value, r.low_value, r.high_value))]
        cells += [_f(x) for x in (*r.reference, *r.at_low, *r.at_high, r.swing)]
        lines.append(",".join([*cells, str(r.replications)]))
    return "\n".join(lines) + "\n"


def morris_csv(rows: Sequence[MorrisRow]) -> str:
    """``morris.csv``: one row per key figure and parameter, in rank order."""
    lines = ["kpi,rank,param,low,high,log,integer,mu_star,mu_star_conf,mu,sigma,points,replications"]
    for r in rows:
        p = r.param
        cells = [str(r.kpi), str(r.rank), p.key, _f(p.low), _f(p.high), str(p.log).lower(), str(p.integer).lower()]
        cells += [_f(x) for x in (r.mu_star, r.mu_star_conf, r.mu, r.sigma)]
        lines.append(",".join([*cells, str(r.points), str(r.replications)]))
    return "\n".join(lines) + "\n"


def provenance(study: Sensitivity, method: str, params_file: Path | None, extra: dict) -> dict:
    """What the study's results depend on, for ``provenance.json`` beside them."""
    return {
        "ketensim_version": __version__,
        "method": method,
        "scenario": study.base.name,
        "scenario_file": str(study.file),
        "settings": study.overrides,
        "seed": study.seed,
        "replications_per_point": study.replications,
        "common_random_numbers": "every point runs replications 0..R-1 with the same seed",
        "params_file": None if params_file is None else str(params_file),
        "params": [
            {"key": p.key, "low": p.low, "high": p.high, "integer": p.integer, "log": p.log, "note": p.note}
            | {"reference": study.reference[p.key]}
            for p in study.params
        ],
        "kpis": [str(k) for k in study.kpis],
        "replications_run": study.replications_run,
    } | extra


def write_study(
    study: Sensitivity,
    rows: Sequence[TornadoRow] | Sequence[MorrisRow],
    method: str,
    folder: Path,
    params_file: Path | None,
    extra: dict,
) -> list[Path]:
    """Write the table (``tornado.csv`` or ``morris.csv``), a figure per key figure, the resolved reference scenario
    and the provenance into `folder`."""
    from .figures.sensitivity import morris_figure, tornado_figure
    from .figures.style import save_png
    from .scenario import dump_toml

    table = folder / f"{method}.csv"
    table.write_text(tornado_csv(rows) if method == "tornado" else morris_csv(rows))  # type: ignore[arg-type]
    files = [table]
    draw = tornado_figure if method == "tornado" else morris_figure
    for k in study.kpis:
        path = folder / f"{method}-{k.slug}.png"
        save_png(draw([r for r in rows if r.kpi == k], scenario=study.base.name), path)
        files.append(path)
    (folder / "scenario.toml").write_text(dump_toml(study.base))
    (folder / "provenance.json").write_text(json.dumps(provenance(study, method, params_file, extra), indent=2))
    return [*files, folder / "scenario.toml", folder / "provenance.json"]


def _f(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.6g}"
