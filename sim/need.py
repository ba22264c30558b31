"""Capacity need for a forecast intake (issue 12 §2): for each year of a PMJ-style forecast, the capacity that
keeps the norms, found by the capacity search (`sim.capacity_search`) at chosen quantiles of the forecast intake.

* The scenario's intake must come from a forecast (``intake.streams.<s>.volume = {forecast = ...}``, as in
  ``scenarios/forecast-2025.toml``). For each **year** the scenario is simulated as that year: ``start_date`` moved
  to 1 January, a one-year horizon (unless ``--set horizon_days`` says otherwise; the scenario's own warm-up and
  run-out), and the intake of every forecast stream
  fixed at a **quantile** of the forecast's sampled paths for that year (default 10%, 50%, 90%). The need at the
  median intake is the central answer; at 10% and 90% it is the band that the forecast's uncertainty puts around
  it. The year's search is the capacity search with all its guarantees: the answer meets every target at the
  stated confidence over replications, and one step below does not.
* Each year starts from the scenario's own stocks (its ``start_stock``): the need is that of a year's intake in a
  chain at those stocks, not of a chain that has carried earlier years' shortfalls forward. Said in the output.
* All the runs of all the years go into one journal (each search has its own setup), so an interrupted study
  resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .capacity_search import CapacitySearch, SearchError, SearchResult, Target, write_search
from .scenario import deep_merge, load

DEFAULT_QUANTILES = (0.1, 0.5, 0.9)


def parse_years(text: str) -> list[int]:
    """``2025-2029`` or ``2025,2027`` (or one year) as a list of years; `SearchError` otherwise."""
    years: list[int] = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", part)
        if not m:
            raise SearchError([f"--years {text!r}: give years such as 2025-2029 or 2025,2027"])
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise SearchError([f"--years {text!r}: {last} is before {first}"])
        years += range(first, last + 1)
    return sorted(set(years))


def parse_quantiles(text: str) -> list[float]:
    try:
        qs = sorted({float(x) for x in text.split(",") if x.strip()})
    except ValueError:
        qs = []
    if not qs or not all(0.0 < q < 1.0 for q in qs):
        raise SearchError(
            [f"--quantiles {text!r}: give quantiles of the forecast intake between 0 and 1, e.g. 0.1,0.5,0.9"]
        )
    return qs


@dataclass
class YearNeed:
    year: int
    quantile: float
    intake: dict[str, float]  # offences in the year per forecast stream, at the quantile
    search: CapacitySearch
    result: SearchResult | None = None  # set by `NeedStudy.finish`

    @property
    def answered(self) -> SearchResult:
        if self.result is None:
            raise RuntimeError(f"the search of {self.year} at {self.quantile:g} has not been run")
        return self.result

    @property
    def folder_name(self) -> str:
        return f"{self.year}-q{round(self.quantile * 100):02d}"


class NeedStudy:
    """The capacity search for every year and intake quantile of a forecast scenario; `run` does them in turn."""

    def __init__(
        self,
        scenario_file: Path,
        levers: Sequence[str],
        targets: Sequence[Target],
        years: Sequence[int],
        quantiles: Sequence[float] = DEFAULT_QUANTILES,
        *,
        overrides: dict | None = None,
        runs_file: Path | None = None,
        **search_options,
    ):
        self.file = Path(scenario_file)
        self.levers = list(levers)
        self.targets = list(targets)
        self.years = list(years)
        self.quantiles = list(quantiles)
        self.overrides = overrides or {}
        self.runs_file = runs_file
        self.options = search_options
        base = load(self.file, overrides=self.overrides or None)
        self.streams = [name for name, st in base.intake.streams.items() if st.forecast is not None]
        if not self.streams:
            raise SearchError(
                [
                    f"{self.file}: intake.streams: no stream's volume is a forecast; `need` sizes capacity for a "
                    'forecast intake (e.g. scenarios/forecast-2025.toml: volume = {forecast = "...", ...})'
                ]
            )
        self.base = base
        self._paths: dict[int, dict[str, np.ndarray]] = {}

    def _year_overrides(self, year: int) -> dict:
        """The year's settings: from 1 January, one year of intake (unless the user's settings say otherwise)."""
        return deep_merge(deep_merge({"horizon_days": 365.0}, self.overrides), {"start_date": dt.date(year, 1, 1)})

    def intake_at(self, year: int, quantile: float) -> dict[str, float]:
        """Each forecast stream's offences in `year` at `quantile` of the forecast's sampled paths."""
        if year not in self._paths:  # the forecast is fitted once per year, not once per quantile
            sc = load(self.file, overrides=self._year_overrides(year))
            self._paths[year] = {
                name: sc._forecasts[name][2][:, year - sc._forecasts[name][0]] for name in self.streams
            }
        return {name: float(np.quantile(p, quantile)) for name, p in self._paths[year].items()}

    def search_for(self, year: int, quantile: float) -> YearNeed:
        """The capacity search of one year at one quantile of its forecast intake, not yet run."""
        intake = self.intake_at(year, quantile)
        fixed = {"intake": {"streams": {s: {"volume": round(v, 3)} for s, v in intake.items()}}}
        search = CapacitySearch(
            self.file,
            self.levers,
            self.targets,
            overrides=deep_merge(self._year_overrides(year), fixed),
            runs_file=self.runs_file,
            **self.options,
        )
        return YearNeed(year, quantile, intake, search)

    def finish(self, row: YearNeed) -> YearNeed:
        """Run the search of a row made by `search_for`."""
        row.result = row.search.run()
        return row

    def run(self) -> list[YearNeed]:
        """Every year at every quantile, in turn."""
        return [self.finish(self.search_for(y, q)) for y in self.years for q in self.quantiles]


def write_need(rows: Sequence[YearNeed], study: NeedStudy, folder: Path) -> list[Path]:
    """``need.csv`` (a row per year and intake quantile: the intake, the answer, one step below, the key figures at
    the answer), ``need.json`` (the settings and provenance), a folder per search as `ketensim capacity` writes
    it, and ``need.png`` (the need per year with its band against today's capacity)."""
    head = ["year", "quantile", "intake_offences", "lever", "now", "need", "below", "replications_run"]
    head += ["budget_exhausted"]
    for t in study.targets:
        head += [f"{t}: mean at need", f"{t}: ci_low", f"{t}: ci_high"]
    lines = [",".join(f'"{h}"' if "," in h else h for h in head)]
    for r in rows:
        res = r.answered
        at = {p.value: p for p in res.points}.get(res.answer) if res.answer is not None else None
        cells = [str(r.year), f"{r.quantile:g}", f"{sum(r.intake.values()):.0f}", res.lever, f"{res.current:g}"]
        cells += ["" if res.answer is None else f"{res.answer:g}", "" if res.below is None else f"{res.below:g}"]
        cells += [str(res.replications_run), str(res.budget_exhausted)]
        for t in study.targets:
            values = at.interval(t, res.confidence) if at is not None else (math.nan,) * 3
            cells += ["" if math.isnan(x) else f"{x:.6g}" for x in values]
        lines.append(",".join(cells))
        sub = folder / r.folder_name
        sub.mkdir(exist_ok=True)
        write_search(res, r.search, sub)
    (folder / "need.csv").write_text("\n".join(lines) + "\n")
    info = {
        "scenario_file": str(study.file),
        "settings": study.overrides,
        "levers": study.levers,
        "targets": [str(t) for t in study.targets],
        "years": study.years,
        "quantiles": study.quantiles,
        "forecast_streams": study.streams,
        "each_year": "start_date moved to 1 January of the year, a one-year horizon, the scenario's own stocks, "
        "warm-up and run-out; the intake of each forecast stream fixed at the quantile of the forecast's paths",
        "ketensim_version": __version__,
        "messages": {f"{r.year} q{r.quantile:g}": r.answered.message for r in rows},
    }
    (folder / "need.json").write_text(json.dumps(info, indent=2, default=str))
    return [folder / "need.csv", folder / "need.json", _plot(rows, study, folder / "need.png")]


def _plot(rows: Sequence[YearNeed], study: NeedStudy, path: Path) -> Path:
    from matplotlib.figure import Figure

    from .figures.style import save_png

    fig = Figure(figsize=(12.8, 7.2))
    ax = fig.subplots()
    years = sorted({r.year for r in rows})
    qs = sorted({r.quantile for r in rows})
    need = {(r.year, r.quantile): r.answered.answer for r in rows}
    mid = min(qs, key=lambda q: abs(q - 0.5))

    def series(q: float) -> np.ndarray:
        return np.array([np.nan if need.get((y, q)) is None else need[(y, q)] for y in years], float)

    if len(qs) > 1:
        ax.fill_between(
            years,
            series(qs[0]),
            series(qs[-1]),
            alpha=0.25,
            color="#1f77b4",
            label=f"need at the forecast's {qs[0]:.0%}–{qs[-1]:.0%} intake",
        )
    ax.plot(years, series(mid), "o-", color="#1f77b4", lw=2.5, label=f"need at the {mid:.0%} intake")
    now = rows[0].answered.current if rows else math.nan
    together = len(study.levers) > 1
    ax.axhline(now, color="grey", ls="--", lw=2, label="today's factor (1)" if together else f"today {now:g}")
    unreached = [y for y in years if need.get((y, mid)) is None]
    for y in unreached:
        ax.annotate("not met in range", (y, now), ha="center", va="bottom", fontsize=12, color="#d62728")
    ax.set_xticks(years)
    ax.set_xlabel("forecast year", fontsize=14)
    ylabel = f"factor on today's {', '.join(study.levers)}" if together else study.levers[0]
    ax.set_ylabel(ylabel, fontsize=13)
    ax.tick_params(labelsize=12)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=12, loc="upper left")
    targets = "; ".join(map(str, study.targets))
    fig.suptitle(f"Capacity needed per year for the forecast intake — {targets}", fontsize=15, wrap=True)
    fig.tight_layout()
    save_png(fig, path)
    return path
