"""A workshop session: the base run cached, variants run against it with common random numbers, the runs kept in a
list to compare any two, a variant saved as a scenario file, the comparison's report.

A workshop run is an ordinary results folder (`sim.runner.ResultsWriter`), written at the **workshop settings**
(`WorkshopSettings`: a shorter period, a few replications, the case figures per district), the same for the base
and every variant, so any two runs of the session are paired: replication r of each sees the same offences and
draws (named random streams from the same seed). A comparison of two runs is an ordinary ``ketensim compare``
folder (the two run folders hard-linked into it, ``comparison.csv`` from `sim.compare.comparison_rows`), so the
figures (`sim.figures`) and the HTML report (`sim.report`) read it as they read any other.

The base is run once per base scenario and settings; a lever change only simulates the variant.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from .. import __version__
from ..compare import (
    COMPARE_RECORD_REPLICATIONS,
    ComparisonRow,
    comparability_problems,
    comparison_rows,
    write_comparison,
)
from ..outputs import OutputError, staged_folder
from ..report import write_report
from ..runner import ResultsWriter, iter_results, provenance_base, region_kpis_of
from ..scenario import Scenario, ScenarioError, deep_merge, load
from ..settings_text import describe_change
from .levers import Lever, changed_paths, lever_overrides, levers


@dataclass(frozen=True)
class WorkshopSettings:
    """What every run of a workshop session simulates, whatever its scenario file says: `horizon_days` of intake
    from the scenario's start date and `runout_days` without new intake, `replications` (paired), `seed`, in
    `jobs` processes. None keeps the scenario's own value. The case figures are also kept per district (``--by
    region``); the per-case records of the first replication are kept too, as `ketensim compare` keeps them, because
    the lead-time and window figures are drawn from them."""

    horizon_days: float | None = 365.0
    runout_days: float | None = 180.0
    warmup_days: float | None = None
    replications: int = 4
    seed: int | None = None
    jobs: int = 2
    # The first answer to a lever change, shown while the full one runs: one replication per job of a shorter
    # period (`first_answer_days` of intake, `first_answer_runout_days` without), against the base's same
    # replications of that period (cached like the base); half the work of a full replication, so it comes in
    # half the time. None: the first round of the full run's replications instead.
    first_answer_days: float | None = 182.0
    first_answer_runout_days: float = 90.0

    def overrides(self, base: Scenario) -> dict:
        out: dict[str, Any] = {"replications": self.replications}
        for key in ("horizon_days", "runout_days", "warmup_days"):
            v = getattr(self, key)
            if v is not None:
                out[key] = v
        if "warmup_days" not in out and "horizon_days" in out and base.warmup_days >= out["horizon_days"]:
            out["warmup_days"] = 0.0
        return out

    @property
    def shorter_first_answer(self) -> bool:
        """Whether the first answer runs its own, shorter period (not when it would be no shorter)."""
        d = self.first_answer_days
        if d is None or d <= 0:
            return False
        if self.horizon_days is None:
            return True
        return d < self.horizon_days and d + self.first_answer_runout_days < self.horizon_days + (self.runout_days or 0)

    def first_overrides(self, base: Scenario) -> dict:
        """The settings of the first answer's runs (see `first_answer_days`)."""
        out = self.overrides(base)
        out.update(horizon_days=self.first_answer_days, runout_days=self.first_answer_runout_days)
        out["replications"] = self.jobs
        if base.warmup_days >= float(self.first_answer_days or 0.0):
            out["warmup_days"] = 0.0
        return out

    def first_answer_text(self) -> str:
        if not self.shorter_first_answer:
            return f"the first {self.jobs} of {self.replications} replications"
        return (
            f"{self.jobs} replications of {self.first_answer_days:g} days of intake and "
            f"{self.first_answer_runout_days:g} of run-out"
        )

    def describe(self) -> str:
        parts = []
        if self.horizon_days is not None:
            parts.append(f"{self.horizon_days:g} days of intake")
        if self.runout_days is not None:
            parts.append(f"{self.runout_days:g} days of run-out")
        parts.append(f"{self.replications} paired replications")
        parts.append("case figures per district")
        return ", ".join(parts)


@dataclass
class Run:
    """One finished run of the session: its scenario, the results folder and the key figures per replication."""

    name: str
    scenario: Scenario
    base_file: Path
    folder: Path
    per_rep: list[dict]
    overrides: dict  # the lever changes against the base (empty for the base itself)
    wall_seconds: float
    is_base: bool = False

    @property
    def changes(self) -> list[str]:
        return changed_paths(self.overrides)


class WorkshopError(ValueError):
    """A workshop action that cannot be done, with the message for the page."""


@dataclass
class Session:
    """The runs of one workshop, in `folder` (a fresh folder per session, under ``results/workshop/``)."""

    folder: Path
    settings: WorkshopSettings = field(default_factory=WorkshopSettings)
    runs: list[Run] = field(default_factory=list)
    _bases: dict[str, Run] = field(default_factory=dict)
    _first_bases: dict[str, list[dict]] = field(default_factory=dict)  # the first answer's base key figures
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --------------------------------------------------------------------------------------------- scenarios

    def base_scenario(self, base_file: Path) -> Scenario:
        """The base scenario at the workshop settings (raises `ScenarioError` if the file does not validate)."""
        plain = load(base_file)
        return load(base_file, overrides=self.settings.overrides(plain))

    def levers(self, base_file: Path) -> list[Lever]:
        return levers(self.base_scenario(base_file), Path(base_file))

    def variant(
        self, base_file: Path, values: Mapping[str, Any], dates: Mapping[str, Any] | None = None
    ) -> tuple[Scenario, dict]:
        """The variant the controls describe (`lever_overrides`), validated by the scenario loader; raises
        `LeverError` (per control) or `ScenarioError` (the whole variant)."""
        base = self.base_scenario(base_file)
        over = lever_overrides(base, levers(base, Path(base_file)), values, dates)
        name = self._new_name(base.name)
        full = deep_merge(deep_merge(self.settings.overrides(load(base_file)), over), {"name": name})
        return load(base_file, overrides=full), over

    def _new_name(self, base_name: str) -> str:
        taken = {r.name for r in self.runs}
        k = 1
        while f"{base_name}-variant-{k}" in taken:
            k += 1
        return f"{base_name}-variant-{k}"

    # ---------------------------------------------------------------------------------------------- running

    def base_run(self, base_file: Path, progress: Callable[[int], None] | None = None) -> Run:
        """The base's run, simulated the first time and cached after that."""
        key = str(Path(base_file).resolve())
        with self._lock:
            cached = self._bases.get(key)
        if cached is not None:
            return cached
        sc = self.base_scenario(base_file)
        run = self._run(sc, Path(base_file), {}, progress, is_base=True)
        with self._lock:
            self._bases[key] = run
        return run

    def is_cached(self, base_file: Path) -> bool:
        return str(Path(base_file).resolve()) in self._bases

    def steps(self, base_file: Path) -> int:
        """The replications a lever change runs now (the progress bar's length): the variant's, the base's if it
        is not cached yet, and the first answer's (see `WorkshopSettings.first_answer_days`)."""
        key = str(Path(base_file).resolve())
        s = self.settings
        full = s.replications * (1 if key in self._bases else 2)
        if not s.shorter_first_answer:
            return full
        return full + s.jobs * (1 if key in self._first_bases else 2)

    def _first_answer(
        self, base_file: Path, over: dict, name: str, progress: Callable[[int], None] | None
    ) -> tuple[list[dict], list[dict]]:
        """The key figures per replication of the base and of the variant over the first answer's shorter period
        (`WorkshopSettings.first_answer_days`), paired (the same seed and replication numbers); the base's are
        cached. Nothing is written: the first answer is replaced by the full one."""
        key = str(Path(base_file).resolve())
        plain = load(base_file)
        first = self.settings.first_overrides(plain)
        with self._lock:
            base_kpis = self._first_bases.get(key)
        if base_kpis is None:
            base_kpis = self._kpis(load(base_file, overrides=first), progress)
            with self._lock:
                self._first_bases[key] = base_kpis
        variant = load(base_file, overrides=deep_merge(deep_merge(first, over), {"name": name}))
        return base_kpis, self._kpis(variant, progress)

    def _kpis(self, sc: Scenario, progress: Callable[[int], None] | None) -> list[dict]:
        s = self.settings
        seed = sc.seed if s.seed is None else s.seed
        out = []
        for kpis in iter_results([(sc, rep, seed) for rep in range(sc.replications)], s.jobs, fn=region_kpis_of):
            out.append(kpis)
            if progress:
                progress(1)
        return out

    def run_variant(
        self,
        base_file: Path,
        values: Mapping[str, Any],
        dates: Mapping[str, Any] | None = None,
        progress: Callable[[int], None] | None = None,
        coarse: Callable[[list[ComparisonRow], list[str]], None] | None = None,
    ) -> tuple[Run, Run]:
        """Run the variant the controls describe against its base (the base first if it is not cached yet);
        returns (base run, variant run). With `coarse`, a first answer comes before: `coarse` gets comparison rows
        the page shows while the full answer runs. By default (`WorkshopSettings.first_answer_days`) they are
        those of one replication per job over a shorter period, simulated first (before the base's full run if
        that is not cached yet); with `first_answer_days=None` the variant's replications run in two rounds and
        the rows are those of the first round (one replication per job) against the same ones of the base."""
        sc, over = self.variant(base_file, values, dates)
        if not over:
            raise WorkshopError("no lever differs from the base scenario: change a value first")
        base_sc = self.base_scenario(base_file)
        problems = comparability_problems([base_sc.name, sc.name], [base_sc, sc])
        if problems:
            raise WorkshopError("; ".join(problems))
        names = [base_sc.name, sc.name]
        if coarse is not None and self.settings.shorter_first_answer:
            # the first answer before anything else, the base's full run included
            coarse(comparison_rows(names, list(self._first_answer(base_file, over, sc.name, progress))), names)
            return self.base_run(base_file, progress), self._run(sc, Path(base_file), over, progress)
        base = self.base_run(base_file, progress)

        def first_round(per_rep: list[dict]) -> None:
            if coarse is not None:
                coarse(comparison_rows(names, [base.per_rep[: len(per_rep)], per_rep]), names)

        return base, self._run(sc, Path(base_file), over, progress, first_round=first_round if coarse else None)

    def _run(
        self,
        sc: Scenario,
        base_file: Path,
        over: dict,
        progress: Callable[[int], None] | None,
        is_base: bool = False,
        first_round: Callable[[list[dict]], None] | None = None,
    ) -> Run:
        """One run of the session into ``runs/<name>``, as `sim.runner.run_into_writers` runs it (the same seed
        and replication numbers, so every run is paired with every other); with `first_round`, in two rounds
        (see `run_variant`)."""
        s = self.settings
        folder = self.folder / "runs" / sc.name
        seed = sc.seed if s.seed is None else s.seed
        tasks = [(sc, rep, seed) for rep in range(s.replications)]
        first = s.jobs if first_round is not None and s.jobs < len(tasks) else len(tasks)
        started = time.perf_counter()
        started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with (
            staged_folder(folder, False, "run") as stage,
            ResultsWriter(sc, stage, by="region", record_replications=COMPARE_RECORD_REPLICATIONS) as writer,
        ):
            for chunk in (tasks[:first], tasks[first:]):
                for res in iter_results(chunk, s.jobs):
                    writer.add(res)
                    del res
                    if progress:
                        progress(1)
                if first_round is not None and chunk and len(writer.per_rep) < len(tasks):
                    first_round(list(writer.per_rep))
            wall = time.perf_counter() - started
            writer.close(
                provenance_base(sc, str(base_file), seed, s.replications, s.jobs, started_at, wall)
                | {"settings": self._set_lines(over)}
            )
        run = Run(sc.name, sc, base_file, folder, writer.per_rep, over, wall, is_base)
        with self._lock:
            self.runs.append(run)
        return run

    def _set_lines(self, over: dict) -> list[str]:
        flat = [(p, _get(over, p)) for p in changed_paths(over)]
        return [f"workshop: {self.settings.describe()}"] + [f"{p}={_toml_value(v)}" for p, v in flat]

    def run_named(self, name: str) -> Run:
        for r in self.runs:
            if r.name == name:
                return r
        raise WorkshopError(f"no run called {name!r} in this session")

    # ------------------------------------------------------------------------------------------- comparing

    def comparison(self, reference: Run, other: Run) -> tuple[Path, list[ComparisonRow]]:
        """A compare folder of two runs of the session (the reference first), made once and reused."""
        problems = comparability_problems([reference.name, other.name], [reference.scenario, other.scenario])
        if problems:
            raise WorkshopError("; ".join(problems))
        rows = comparison_rows([reference.name, other.name], [reference.per_rep, other.per_rep])
        out = self.folder / "compare" / f"{reference.name}--{other.name}"
        if out.exists():
            return out, rows
        with staged_folder(out, False, "compare") as tmp:
            for run in (reference, other):
                shutil.copytree(run.folder, tmp / run.name, copy_function=_link_or_copy)
            write_comparison(rows, tmp / "comparison.csv")
            provenance = {
                "ketensim_version": __version__,
                "scenarios": [reference.name, other.name],
                "scenario_files": [str(reference.base_file), str(other.base_file)],
                "reference": reference.name,
                "seed": reference.scenario.seed if self.settings.seed is None else self.settings.seed,
                "replications": self.settings.replications,
                "breakdown": "region",
                "settings": [f"workshop: {self.settings.describe()}"],
                "common_random_numbers": "named streams per (seed, replication, quantity); same seed for all scenarios",
                "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "wall_seconds": round(reference.wall_seconds + other.wall_seconds, 3),
                "command": sys.argv,
            }
            (tmp / "provenance.json").write_text(json.dumps(provenance, indent=2, default=str))
        return out, rows

    def report(self, reference: Run, other: Run) -> Path:
        """The HTML report of the comparison of two runs (`ketensim report`), written into the session folder."""
        folder, _ = self.comparison(reference, other)
        return write_report([folder], folder / "report.html", force=True)

    # -------------------------------------------------------------------------------------------- saving

    def save(self, run: Run, target: Path, overwrite: bool = False) -> Path:
        """Write `run`'s lever changes as a scenario file that ``extends`` its base, validated by the scenario
        loader before it is put in place. An existing file is refused unless `overwrite` (the page asks first).
        The workshop settings are not written: the file is the measure, run at the scenario's own period."""
        return save_variant(run.base_file, run.overrides, target, overwrite, name=Path(target).stem)


def save_variant(
    base_file: Path, over: Mapping, target: Path, overwrite: bool = False, name: str | None = None
) -> Path:
    """See `Session.save`; raises `WorkshopError` (exists, bad name, not valid) and writes nothing then."""
    target = Path(target)
    if target.suffix != ".toml":
        raise WorkshopError(f"{target}: a scenario file name ends in .toml")
    name = name or target.stem
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise WorkshopError(f"{target}: a scenario name has only letters, digits, '-', '_' and '.'")
    if target.exists() and not overwrite:
        raise WorkshopError(f"{target} exists already; confirm to overwrite it")
    if target.is_dir():
        raise WorkshopError(f"{target} is a folder")
    if not target.parent.is_dir():
        raise WorkshopError(f"{target.parent}: no such folder")
    base = Path(base_file).resolve()
    extends = os.path.relpath(base, target.parent.resolve())
    paths = changed_paths(over)
    data: dict[str, Any] = {
        "extends": extends,
        "name": name,
        "description": f"Workshop variant of {base.stem}: " + ", ".join(paths),
    }
    data.update(over)
    text = (
        f"# Written by the ketensim workshop page on {dt.date.today()}: {base.name} with the levers below changed.\n"
        + tomli_w.dumps(data)
    )
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial.toml")
    try:
        tmp.write_text(text)
        try:
            load(tmp)
        except ScenarioError as e:
            raise WorkshopError("the variant does not validate: " + "; ".join(str(p) for p in e.problems)) from None
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def new_session(root: Path = Path("results") / "workshop", settings: WorkshopSettings | None = None) -> Session:
    """A session in a fresh folder under `root` (named by the time it started)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = root / stamp
    k = 1
    while folder.exists():
        k += 1
        folder = root / f"{stamp}-{k}"
    folder.mkdir(parents=True)
    return Session(folder, settings or WorkshopSettings())


def _link_or_copy(src: str, dst: str) -> None:
    """Hard-link a run's file into a compare folder (a national run's records are large); copy across devices."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _get(d: Mapping, path: str) -> Any:
    for p in path.split("."):
        d = d[p]
    return d


def _toml_value(v: Any) -> str:
    return tomli_w.dumps({"v": v}).partition("=")[2].strip()


def run_lines(runs: Sequence[Run], lever_list: Sequence[Lever]) -> list[str]:
    """One line per run for the page's list: its name and what it changes, in the report's words ("politierechter
    sessions per week: 100 → 110"), and how long it took."""
    baseline = {lv.path: lv.baseline for lv in lever_list}
    out = []
    for r in runs:
        if r.is_base:
            what = "the base"
        else:
            what = "; ".join(describe_change(p, baseline.get(p), _get(r.overrides, p)) for p in r.changes)
        out.append(f"{r.name}: {what or 'no change'} ({r.wall_seconds:.0f} s)")
    return out


__all__ = [
    "OutputError",
    "Run",
    "Session",
    "WorkshopError",
    "WorkshopSettings",
    "new_session",
    "run_lines",
    "save_variant",
]
