"""Capacity planning (issue 12 §1): the smallest value of a capacity lever that meets every target at a stated
confidence, found by simulation with common random numbers.

* A **lever** is a scenario key holding a plain number (``courts.sessions.politierechter.per_week``,
  ``om.regular.fte``): the search sets it by ``--set``-style overrides, so everything else stays as the file says.
  More of the lever is taken to be better (capacity); the search assumes the targets' key figures improve, on
  average, as the lever grows.
* A **target** is ``metric[group] OP value`` on a key figure of ``kpis.csv`` (``pr_within_5_weeks_share >= 0.9``,
  ``days_summons_to_first_hearing_p50[regular_pr] <= 21``; ``90%`` means 0.9). At a lever value the target **meets**
  when the whole two-sided interval (at `confidence`) of its mean over replications lies on the meeting side,
  **fails** when the whole interval lies on the failing side, and is **undecided** otherwise. With several targets,
  a value meets when all meet and fails when any fails.
* Every lever value runs replications 0, 1, 2, ... with the same seed, so two values see the same offences and
  draws (common random numbers) and their difference is the lever's, not luck's. A value starts with
  `min_replications`; replications are added two at a time while it is undecided, up to `max_replications`.
  An undecided value counts as not meeting: the answer is a value *shown* to meet.
* The search **brackets** (from the scenario's own value, steps doubling down or up) and then **bisects** on the
  lever's grid (`step`; whole numbers when the scenario's value is one) until the meeting value and the value one
  step below it are found. The total replications are bounded by `budget`; when it runs out the answer so far is
  reported as such.
* **Several levers at once** (a list of keys): they move **together**, as one factor on their values in the
  scenario (1 = as the file says, 1.1 = each 10% more; grid 5% unless `step` says otherwise): "how much more of
  sessions *and* officieren together". The answer is the factor, with each lever's value at it.
* **Per region** (`region`): the lever is set as that arrondissement's own number (``regions.<name>.override``),
  the other districts keep theirs, and the targets are that district's case figures (the ``--by region``
  breakdown). Districts share the national pools (DJI places, reclassering, report writers): those levers have
  no per-region answer and are refused; a district's search runs with the others' capacities as the scenario says,
  so the answers are each district's need *given* the rest of the chain as it is.
* The runs are kept (``runs.jsonl``: lever value, replication, each target's key figure); a search interrupted and
  started again with the same arguments reuses them (they are kept beside the output folder until it is complete).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import stdtrit as t_quantile  # Student's t quantile (sim/kpis.py)

from . import __version__
from .errors import ProblemsError
from .journal import Journal
from .scenario import Scenario, deep_merge, load

# A key figure of kpis.csv and its group: ``metric`` or ``metric[group]`` (also read by `sim.sensitivity`).
KPI_PATTERN = r"([A-Za-z0-9_]+)\s*(?:\[\s*([^\]]+?)\s*\])?"
_TARGET = re.compile(rf"^\s*{KPI_PATTERN}\s*(<=|>=|<|>)\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(%?)\s*$")


class SearchError(ProblemsError):
    """A lever or target that cannot be searched: `problems` says which and why."""


@dataclass(frozen=True)
class Target:
    metric: str
    group: str
    op: str
    value: float

    @classmethod
    def parse(cls, text: str) -> Target:
        m = _TARGET.match(text)
        if not m:
            raise SearchError(
                [
                    f'--target {text!r}: give KPI[group] OP VALUE, e.g. "pr_within_5_weeks_share >= 0.9" or '
                    '"days_summons_to_first_hearing_p50[regular_pr] <= 21"'
                ]
            )
        metric, group, op, value, pct = m.groups()
        v = float(value) / (100.0 if pct else 1.0)
        return cls(metric, group or "all", op, v)

    @property
    def higher_is_better(self) -> bool:
        return self.op in (">", ">=")

    def __str__(self) -> str:
        group = "" if self.group == "all" else f"[{self.group}]"
        return f"{self.metric}{group} {self.op} {self.value:g}"

    def verdict(self, low: float, high: float) -> str:
        """ "meets", "fails" or "undecided" for a key figure whose interval is [low, high]."""
        if math.isnan(low) or math.isnan(high):
            return "undecided"
        if self.higher_is_better:
            ok, bad = (low >= self.value if self.op == ">=" else low > self.value), high < self.value
        else:
            ok, bad = (high <= self.value if self.op == "<=" else high < self.value), low > self.value
        return "meets" if ok else ("fails" if bad else "undecided")


@dataclass
class Point:
    """One lever value and what its replications gave: per target, the key figure of each replication."""

    value: float
    kpis: dict[str, list[float]] = field(default_factory=dict)  # str(target) -> values by replication

    @property
    def replications(self) -> int:
        return min((len(v) for v in self.kpis.values()), default=0)

    def interval(self, target: Target, confidence: float) -> tuple[float, float, float]:
        x = np.asarray(self.kpis.get(str(target), []), float)
        x = x[~np.isnan(x)]
        if x.size == 0:
            return math.nan, math.nan, math.nan
        mean = float(x.mean())
        if x.size < 2:
            return mean, math.nan, math.nan
        sd = float(x.std(ddof=1))
        half = float(t_quantile(x.size - 1, 0.5 + confidence / 2)) * sd / math.sqrt(x.size) if sd > 0 else 0.0
        return mean, mean - half, mean + half

    def verdict(self, targets: Sequence[Target], confidence: float) -> str:
        verdicts = [t.verdict(*self.interval(t, confidence)[1:]) for t in targets]
        if all(v == "meets" for v in verdicts):
            return "meets"
        return "fails" if "fails" in verdicts else "undecided"


@dataclass
class SearchResult:
    lever: str
    region: str | None
    targets: list[str]
    confidence: float
    current: float
    answer: float | None  # the smallest value shown to meet every target; None if none was found
    below: float | None  # one step below the answer, shown not to meet (or undecided)
    points: list[Point]
    replications_run: int
    budget: int
    budget_exhausted: bool
    message: str

    levers: dict[str, list[float | None]] = field(default_factory=dict)  # each lever: [now, at the answer, below]

    def summary(self) -> dict:
        d = asdict(self)
        d.pop("points")
        return d


def lever_value(scenario: Scenario, key: str) -> float:
    """The scenario's value of lever `key` (a plain number); `SearchError` otherwise."""
    node = scenario.resolved_dict()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise SearchError([f"--lever {key}: no such key in the scenario"])
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise SearchError(
            [
                f"--lever {key}: holds {node!r}; a lever must be a plain number (a schedule over dates cannot be searched)"
            ]
        )
    return float(node)


def _nested(key: str, value: float) -> dict:
    out: dict = {}
    node = out
    parts = key.split(".")
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value
    return out


class CapacitySearch:
    """The search for one scenario file, lever (or levers moving together) and set of targets; `run` does it."""

    def __init__(
        self,
        scenario_file: Path,
        lever: str | Sequence[str],
        targets: Sequence[Target],
        *,
        overrides: dict | None = None,
        confidence: float = 0.95,
        budget: int = 200,
        min_replications: int = 3,
        max_replications: int = 20,
        step: float | None = None,
        lower: float | None = None,
        upper: float | None = None,
        seed: int | None = None,
        jobs: int = 1,
        executor=None,
        runs_file: Path | None = None,
        progress: Callable[[int], None] | None = None,
        region: str | None = None,
    ):
        self.file = Path(scenario_file)
        self.levers = [lever] if isinstance(lever, str) else list(dict.fromkeys(lever))
        if not self.levers:
            raise SearchError(["--lever: name at least one scenario key to search"])
        self.lever = " + ".join(self.levers)
        self.region = region
        self.targets = list(targets)
        self.overrides = overrides or {}
        self.base = load(self.file, overrides=self.overrides or None)
        if region is not None:
            self._check_region(region)
        self.now = {
            k: lever_value(self.base, k) if region is None else self._regional_value(region, k) for k in self.levers
        }
        self.together = len(self.levers) > 1  # the search is over a factor on every lever's value
        self.current = 1.0 if self.together else self.now[self.levers[0]]
        self.integer = step is None and not self.together and float(self.current).is_integer()
        self.step = step if step is not None else (1.0 if self.integer else max(abs(self.current) * 0.05, 1e-9))
        self.lower = 0.0 if lower is None else lower
        self.upper = upper if upper is not None else max(self.current * 20.0, self.current + 50 * self.step)
        self.confidence = confidence
        self.budget = budget
        self.min_replications = max(2, min_replications)
        self.max_replications = max(self.min_replications, max_replications)
        self.seed = self.base.seed if seed is None else seed
        self.jobs = jobs
        self.executor = executor
        self.progress = progress
        self.journal = Journal(runs_file, self._setup())
        self.points: dict[float, Point] = {}
        self.replications_run = 0
        self.exhausted = False
        for t in self.targets:
            self._check_target(t)
        self._load_runs()

    def _check_region(self, region: str) -> None:
        from .scenario import NATIONAL_ONLY

        if region not in self.base.regions:
            raise SearchError([f"--region {region}: not a region of the scenario ({', '.join(self.base.regions)})"])
        for lever in self.levers:
            if tuple(lever.split(".")) in NATIONAL_ONLY:
                raise SearchError(
                    [f"--lever {lever}: a national pool (one for the whole country); it has no per-region answer"]
                )

    def _regional_value(self, region: str, lever: str) -> float:
        """A lever's value in `region`'s own chain (its share of a national capacity, or its override)."""
        node = self.base.chain(region).model_dump()
        for part in lever.split("."):
            if not isinstance(node, dict) or part not in node:
                raise SearchError([f"--lever {lever}: not a key of a region's chain (police, om, courts, ...)"])
            node = node[part]
        if isinstance(node, bool) or not isinstance(node, (int, float)):
            raise SearchError([f"--lever {lever}: holds {node!r} in {region}; a lever must be a plain number"])
        return float(node)

    def _lever_path(self, lever: str) -> str:
        """Where a lever is set: the scenario's key, or a region's override of it (that region's own number)."""
        return lever if self.region is None else f"regions.{self.region}.override.{lever}"

    def lever_values(self, value: float) -> dict[str, float]:
        """Each lever's value at search value `value`: the value itself for one lever; for several, `value` is the
        factor on each one's value now (capacities are numbers per week or on a day, split over the districts: a
        fraction is fine)."""
        if not self.together:
            return {self.levers[0]: value}
        return {k: round(now * value, 9) for k, now in self.now.items()}

    def _kpi_key(self, t: Target) -> tuple:
        return (t.metric, t.group) if self.region is None else (t.metric, t.group, f"region={self.region}")

    def _check_target(self, t: Target) -> None:
        from .catalogue import KEY_FIGURES

        if t.metric not in KEY_FIGURES:
            raise SearchError([f"--target {t}: {t.metric!r} is not a key figure (see docs/model.md, Key figures)"])

    # ------------------------------------------------------------------------------------------------ runs

    def _load_runs(self) -> None:
        for r in self.journal.entries():
            if r.get("lever") != self.lever or r.get("seed") != self.seed:
                continue
            point = self.points.setdefault(float(r["value"]), Point(float(r["value"])))
            rep = int(r["replication"])
            for t in self.targets:
                values = point.kpis.setdefault(str(t), [])
                if rep == len(values) and str(t) in r["kpis"]:
                    values.append(float(r["kpis"][str(t)]))

    def _setup(self) -> str:
        """What the runs depend on besides the lever value: the file and its overrides."""
        return json.dumps([str(self.file.resolve()), self.overrides, self.region], sort_keys=True, default=str)

    def _variant(self, value: float) -> Scenario:
        over = self.overrides
        for k, v in self.lever_values(value).items():
            over = deep_merge(over, _nested(self._lever_path(k), v))
        return load(self.file, overrides=over)

    def ensure(self, value: float, replications: int) -> Point:
        """Run lever `value` up to `replications` replications (within the budget)."""
        from .runner import iter_results, replication_kpis_of

        point = self.points.setdefault(value, Point(value))
        have = point.replications
        todo = min(replications - have, self.budget - self.replications_run)
        if todo <= 0:
            if replications > have:
                self.exhausted = True
            return point
        sc = self._variant(value)
        tasks = [(sc, r, self.seed) for r in range(have, have + todo)]
        for rep, res in zip(range(have, have + todo), iter_results(tasks, self.jobs, self.executor)):
            kpis = replication_kpis_of(sc, res, by=None if self.region is None else "region")
            row = {str(t): float(kpis.get(self._kpi_key(t), math.nan)) for t in self.targets}
            for t in self.targets:
                point.kpis.setdefault(str(t), []).append(row[str(t)])
            self.replications_run += 1
            self.journal.append(
                {"lever": self.lever, "value": value, "replication": rep, "seed": self.seed, "kpis": row}
            )
            if self.progress:
                self.progress(1)
        if todo < replications - have:
            self.exhausted = True
        return point

    def decide(self, value: float) -> str:
        """Meets, fails or undecided at `value`, adding replications while undecided."""
        n = self.min_replications
        while True:
            point = self.ensure(value, n)
            verdict = point.verdict(self.targets, self.confidence)
            if verdict != "undecided" or point.replications >= self.max_replications or self.exhausted:
                return verdict
            n = min(point.replications + 2, self.max_replications)

    # ------------------------------------------------------------------------------------------------ search

    def _grid(self, v: float) -> float:
        g = round((v - self.lower) / self.step) * self.step + self.lower
        return float(round(g)) if self.integer else float(g)

    def run(self) -> SearchResult:
        v0 = self._grid(min(max(self.current, self.lower), self.upper))
        lo: float | None = None  # highest value shown not to meet
        hi: float | None = None  # lowest value shown to meet
        if self.decide(v0) == "meets":
            hi, k = v0, 1
            while lo is None and not self.exhausted:
                v = self._grid(max(self.lower, v0 - self.step * k))
                if v >= hi:
                    break  # at the lower bound
                if self.decide(v) == "meets":
                    hi = v
                    if v <= self.lower:
                        break
                else:
                    lo = v
                k *= 2
        else:
            lo, k = v0, 1
            while hi is None and not self.exhausted:
                v = self._grid(min(self.upper, v0 + self.step * k))
                if v <= lo:
                    break  # at the upper bound
                if self.decide(v) == "meets":
                    hi = v
                else:
                    lo = v
                    if v >= self.upper:
                        break
                k *= 2
        while lo is not None and hi is not None and hi - lo > self.step * 1.0001 and not self.exhausted:
            mid = self._grid((lo + hi) / 2)
            if mid <= lo or mid >= hi:
                break
            if self.decide(mid) == "meets":
                hi = mid
            else:
                lo = mid
        what = "factor" if self.together else "value"
        if hi is None:
            message = f"no {what} up to {self.upper:g} was shown to meet the targets" + (
                " before the budget ran out" if self.exhausted else ""
            )
        elif self.exhausted:
            message = f"the budget of {self.budget} replications ran out: {hi:g} meets, the smallest may be lower"
        elif lo is None:
            message = f"{hi:g} meets and is the lower bound of the search"
        else:
            message = f"{hi:g} is the smallest {what} on the grid (step {self.step:g}) shown to meet every target"
        if self.together and hi is not None:
            message += ": " + ", ".join(f"{k} {v:g}" for k, v in self.lever_values(hi).items())
        return SearchResult(
            lever=self.lever,
            region=self.region,
            targets=[str(t) for t in self.targets],
            confidence=self.confidence,
            current=self.current,
            answer=hi,
            below=lo,
            points=sorted(self.points.values(), key=lambda p: p.value),
            replications_run=self.replications_run,
            budget=self.budget,
            budget_exhausted=self.exhausted,
            message=message,
            levers={
                k: [
                    self.lever_values(self.current)[k],
                    None if hi is None else self.lever_values(hi)[k],
                    None if lo is None else self.lever_values(lo)[k],
                ]
                for k in self.levers
            },
        )


# ------------------------------------------------------------------------------------------------ output


def write_search(result: SearchResult, search: CapacitySearch, folder: Path) -> list[Path]:
    """Write ``search.csv`` (one row per lever value and target), ``answer.json`` and ``capacity_curve.png``."""
    rows = ["lever_value,target,replications,mean,ci_low,ci_high,verdict"]
    for p in result.points:
        for t in search.targets:
            mean, low, high = p.interval(t, result.confidence)
            rows.append(
                f"{p.value:g},{t},{len(p.kpis.get(str(t), []))},{_f(mean)},{_f(low)},{_f(high)},{t.verdict(low, high)}"
            )
    (folder / "search.csv").write_text("\n".join(rows) + "\n")
    answer = result.summary() | {
        "scenario_file": str(search.file),
        "settings": search.overrides,
        "seed": search.seed,
        "step": search.step,
        "ketensim_version": __version__,
        "common_random_numbers": "every lever value runs replications 0..n-1 with the same seed",
    }
    (folder / "answer.json").write_text(json.dumps(answer, indent=2, default=str))
    files = [folder / "search.csv", folder / "answer.json"]
    files.append(_plot(result, search, folder / "capacity_curve.png"))
    return files


def write_answers(results: Sequence[SearchResult], search: CapacitySearch, folder: Path) -> Path:
    """``answers.csv``: one row per region (or one for the whole chain): the answer, the value below it, and each
    target's key figure with its interval at the answer."""
    head = ["region", "lever", "current", "answer", "below", "replications_run", "budget_exhausted"]
    if search.together:  # the answer is a factor: each lever's own value beside it
        head += [f"{k} {w}" for k in search.levers for w in ("now", "at answer")]
    for t in search.targets:
        head += [f"{t}: mean at answer", f"{t}: ci_low", f"{t}: ci_high"]
    lines = [",".join(f'"{h}"' if "," in h else h for h in head)]
    for r in results:
        at = {p.value: p for p in r.points}.get(r.answer) if r.answer is not None else None
        cells = [r.region or "all", r.lever, f"{r.current:g}", "" if r.answer is None else f"{r.answer:g}"]
        cells += ["" if r.below is None else f"{r.below:g}", str(r.replications_run), str(r.budget_exhausted)]
        if search.together:
            for k in search.levers:
                now, at_answer, _below = r.levers.get(k, [None, None, None])
                cells += ["" if x is None else f"{x:g}" for x in (now, at_answer)]
        for t in search.targets:
            cells += [_f(x) for x in (at.interval(t, r.confidence) if at else (math.nan,) * 3)]
        lines.append(",".join(cells))
    path = folder / "answers.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _f(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.6g}"


def _plot(result: SearchResult, search: CapacitySearch, path: Path) -> Path:
    from matplotlib.figure import Figure

    from .catalogue import describe_kpi
    from .figures.style import save_png

    n = len(search.targets)
    fig = Figure(figsize=(12.8, 7.2))
    axes = fig.subplots(1, n, squeeze=False)[0]
    for ax, t in zip(axes, search.targets):
        label, unit, scale = describe_kpi(t.metric, t.group)
        pts = [(p.value, *p.interval(t, result.confidence)) for p in result.points]
        pts = [q for q in pts if not math.isnan(q[1])]
        xs = np.array([q[0] for q in pts])
        mean = np.array([q[1] for q in pts]) * scale
        low = np.array([q[2] for q in pts]) * scale
        high = np.array([q[3] for q in pts]) * scale
        ax.fill_between(xs, low, high, alpha=0.25, color="#1f77b4", label=f"{result.confidence:.0%} interval")
        ax.plot(xs, mean, "o-", color="#1f77b4", label="mean over replications")
        ax.axhline(t.value * scale, color="#d62728", ls="--", lw=2, label=f"target {t.op} {t.value * scale:g} {unit}")
        if result.answer is not None:
            ax.axvline(result.answer, color="#2ca02c", lw=2, label=f"answer {result.answer:g}")
        ax.axvline(result.current, color="grey", lw=1, ls=":", label=f"scenario now {result.current:g}")
        xlabel = f"factor on today's {', '.join(search.levers)}" if search.together else search.lever
        ax.set_xlabel(xlabel, fontsize=14 if not search.together else 11, wrap=True)
        ax.set_ylabel(f"{label} ({unit})" if unit else label, fontsize=14)
        ax.set_title(label, fontsize=15)
        ax.tick_params(labelsize=12)
        ax.legend(fontsize=11, loc="best")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Capacity needed: {search.lever} — {result.message}", fontsize=15, wrap=True)
    fig.tight_layout()
    save_png(fig, path)
    return path
