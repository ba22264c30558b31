"""``ketensim capacity``: the smallest value of a capacity lever that meets key-figure targets at a stated
confidence. The work is `sim.capacity_search`."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..journal import beside
from .app import bad_input, console, fail, parse_settings, progress
from .run import Executor, _executor


def capacity(
    scenario: Path = typer.Argument(..., help="Scenario TOML file."),
    levers: list[str] = typer.Option(
        ...,
        "--lever",
        help="The scenario key to search, e.g. courts.sessions.politierechter.per_week. Repeat it for levers that "
        "move together: the search is then over one factor on all their values (1 = as the scenario says).",
    ),
    targets: list[str] = typer.Option(
        ..., "--target", help='KPI[group] OP VALUE, e.g. "pr_within_5_weeks_share >= 0.9" (repeatable: all must hold).'
    ),
    confidence: float = typer.Option(0.95, "--confidence", min=0.5, max=0.999, help="Confidence of the answer."),
    budget: int = typer.Option(200, "--budget", min=4, help="At most this many replications in all."),
    min_reps: int = typer.Option(
        3, "--min-replications", min=2, help="Replications at every lever value to start with."
    ),
    max_reps: int = typer.Option(20, "--max-replications", min=2, help="At most this many at one lever value."),
    step: float | None = typer.Option(None, "--step", help="The lever's grid (default 1 for a whole number, else 5%)."),
    lower: float | None = typer.Option(None, "--min", help="Lowest lever value to consider (default 0)."),
    upper: float | None = typer.Option(None, "--max", help="Highest lever value to consider (default 20x today)."),
    seed: int | None = typer.Option(None, "--seed", "-s", min=0, help="Seed (default: the scenario's)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Replications run in this many processes."),
    executor: Executor = typer.Option(Executor.processes, "--executor", help="Local processes or a Dask cluster."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler."),
    per_region: bool = typer.Option(
        False, "--per-region", help="One answer per arrondissement: the lever as each district's own number."
    ),
    settings: list[str] = typer.Option([], "--set", help="Change a scenario key first, e.g. --set horizon_days=730."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default results/capacity/TIME-LEVER)."),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists (only a folder ketensim wrote)."),
):
    """Find the smallest value of LEVER such that every TARGET holds at the stated confidence: each lever value is
    simulated with common random numbers (the same replications and seed), replications are added while the
    interval straddles the target, the search brackets from the scenario's value and bisects on the lever's grid.
    With several --lever options they move together: the answer is the smallest factor on all of them (grid 5%).
    Writes search.csv (every value tried, the key figure and its interval), answer.json and capacity_curve.png;
    an interrupted search started again with the same arguments reuses its runs.

    Example: `ketensim capacity scenarios/baseline.toml --lever courts.sessions.politierechter.per_week --target "pr_within_5_weeks_share >= 0.9" --jobs 2`
    """
    from ..capacity_search import CapacitySearch, SearchError, Target, write_answers, write_search
    from ..outputs import OutputError, check_output_folder, staged_folder
    from ..scenario import ScenarioError

    overrides, problems = parse_settings(settings)
    if problems:
        fail(problems)
    with bad_input(SearchError):
        parsed = [Target.parse(t) for t in targets]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = "-and-".join(k.replace(".", "-") for k in dict.fromkeys(levers))
    out = out if out is not None else Path("results") / "capacity" / f"{stamp}-{name}"
    with bad_input(OutputError):
        check_output_folder(out, force)
    runs_file = beside(out, "runs")
    make = partial(
        CapacitySearch,
        scenario,
        levers,
        parsed,
        overrides=overrides,
        runs_file=runs_file,
        **_search_options(confidence, budget, min_reps, max_reps, step, lower, upper, seed, jobs),
    )
    with bad_input(SearchError, ScenarioError, OutputError), _executor(executor, scheduler, jobs) as ex:
        first = make(executor=ex)
        regions = list(first.base.regions) if per_region else [None]
        results, searches = [], []
        for region in regions:
            search = first if region is None else make(region=region, executor=ex)
            where = "" if region is None else f" in {region}"
            now = ", ".join(f"{k} {v:g}" for k, v in search.now.items())
            what = f"a factor on {now}" if search.together else f"{search.lever} (now {search.current:g}"
            console.print(
                f"[bold]capacity search{escape(where)}[/bold]: {escape(what)}, step {search.step:g}"
                f"{'' if search.together else ')'} for {escape('; '.join(map(str, parsed)))} at {confidence:.0%} "
                f"confidence, budget {budget} replications"
            )
            with progress("replications", budget) as advance:
                search.progress = advance
                results.append(search.run())
            searches.append(search)
            title = search.lever if region is None else f"{search.lever} in {region}"
            _print_points(results[-1], parsed, confidence, title)
        with staged_folder(out, force, "capacity") as stage:
            for result, search in zip(results, searches):
                folder = stage if result.region is None else stage / result.region
                folder.mkdir(exist_ok=True)
                write_search(result, search, folder)
            write_answers(results, searches[0], stage)
            if runs_file.exists():
                (stage / "runs.jsonl").write_bytes(runs_file.read_bytes())
    runs_file.unlink(missing_ok=True)
    if per_region:
        table = Table(title="Capacity needed per arrondissement", title_justify="left", header_style="bold")
        heads = ["region", "now", "answer", "one step below", "replications"]
        together = searches[0].together
        if together:
            heads.append("levers at the answer")
        for h in heads:
            table.add_column(h, justify="right" if h != "region" else "left")
        for r in results:
            cells = [
                r.region or "all",
                f"{r.current:g}",
                "-" if r.answer is None else f"{r.answer:g}",
                "-" if r.below is None else f"{r.below:g}",
                str(r.replications_run),
            ]
            if together:
                cells.append(", ".join(f"{k} {v[1]:g}" for k, v in r.levers.items() if v[1] is not None) or "-")
            table.add_row(*map(escape, cells))
        console.print(table)
    for r in results:
        where = "" if r.region is None else f"{r.region}: "
        console.print(escape(f"answer: {where}{r.message} ({r.replications_run} replications run)"))
    console.print(f"results: {out}")


def _search_options(confidence, budget, min_reps, max_reps, step, lower, upper, seed, jobs) -> dict:
    """The capacity search's settings from the options `capacity` and `need` share, as `CapacitySearch` takes them."""
    return dict(
        confidence=confidence,
        budget=budget,
        min_replications=min_reps,
        max_replications=max_reps,
        step=step,
        lower=lower,
        upper=upper,
        seed=seed,
        jobs=jobs,
    )


def _print_points(result, parsed, confidence: float, title: str) -> None:
    table = Table(title=f"{escape(title)}: values tried", title_justify="left", header_style="bold")
    table.add_column("factor" if " + " in result.lever else "lever value", justify="right")
    for t in parsed:
        table.add_column(escape(f"{t} (mean [{confidence:.0%} CI])"), justify="right")
    table.add_column("replications", justify="right")
    table.add_column("verdict")
    for p in result.points:
        cells = []
        for t in parsed:
            mean, low, high = p.interval(t, confidence)
            cells.append(escape(f"{mean:.4g} [{low:.4g}, {high:.4g}]"))
        table.add_row(f"{p.value:g}", *cells, str(p.replications), p.verdict(parsed, confidence))
    console.print(table)


def need(
    scenario: Path = typer.Argument(..., help="Scenario TOML file whose intake is a forecast (forecast-2025.toml)."),
    years: str = typer.Option(..., "--years", help="Forecast years, e.g. 2025-2029 or 2025,2027."),
    levers: list[str] = typer.Option(
        ..., "--lever", help="The scenario key to size (repeat it for levers that move together, as in capacity)."
    ),
    targets: list[str] = typer.Option(
        ..., "--target", help='KPI[group] OP VALUE, e.g. "pr_within_5_weeks_share >= 0.9" (repeatable: all must hold).'
    ),
    quantiles: str = typer.Option(
        "0.1,0.5,0.9", "--quantiles", help="Quantiles of the forecast intake to size for (the middle one is central)."
    ),
    confidence: float = typer.Option(0.95, "--confidence", min=0.5, max=0.999, help="Confidence of each answer."),
    budget: int = typer.Option(120, "--budget", min=4, help="At most this many replications per year and quantile."),
    min_reps: int = typer.Option(3, "--min-replications", min=2, help="Replications at every value to start with."),
    max_reps: int = typer.Option(12, "--max-replications", min=2, help="At most this many at one value."),
    step: float | None = typer.Option(None, "--step", help="The lever's grid (default 1 for a whole number, else 5%)."),
    lower: float | None = typer.Option(None, "--min", help="Lowest lever value to consider (default 0)."),
    upper: float | None = typer.Option(None, "--max", help="Highest lever value to consider (default 20x today)."),
    seed: int | None = typer.Option(None, "--seed", "-s", min=0, help="Seed (default: the scenario's)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Replications run in this many processes."),
    executor: Executor = typer.Option(Executor.processes, "--executor", help="Local processes or a Dask cluster."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler."),
    settings: list[str] = typer.Option([], "--set", help="Change a scenario key first, e.g. --set runout_days=200."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default results/need/TIME-LEVER)."),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists (only a folder ketensim wrote)."),
):
    """The capacity each year of a forecast intake needs to meet every TARGET: for each year the scenario is run as
    that year (start 1 January, one year of intake, its own stocks) with the intake of each forecast stream fixed at
    each quantile of the forecast's paths, and the capacity search finds the smallest lever value meeting the
    targets at the stated confidence. Writes need.csv (a row per year and quantile), need.png (need per year with
    the band, against today's capacity), need.json and a folder per search; an interrupted study resumes.

    Example: `ketensim need scenarios/forecast-2025.toml --years 2025-2028 --lever courts.sessions.politierechter.per_week --target "pr_within_5_weeks_share >= 0.85" --jobs 2`
    """
    from ..capacity_search import SearchError, Target
    from ..need import NeedStudy, parse_quantiles, parse_years, write_need
    from ..outputs import OutputError, check_output_folder, staged_folder
    from ..scenario import ScenarioError

    overrides, problems = parse_settings(settings)
    if problems:
        fail(problems)
    with bad_input(SearchError):
        parsed = [Target.parse(t) for t in targets]
        year_list = parse_years(years)
        qs = parse_quantiles(quantiles)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = "-and-".join(k.replace(".", "-") for k in dict.fromkeys(levers))
    out = out if out is not None else Path("results") / "need" / f"{stamp}-{name}"
    with bad_input(OutputError):
        check_output_folder(out, force)
    runs_file = beside(out, "runs")
    with bad_input(SearchError, ScenarioError, OutputError), _executor(executor, scheduler, jobs) as ex:
        study = NeedStudy(
            scenario,
            levers,
            parsed,
            year_list,
            qs,
            overrides=overrides,
            runs_file=runs_file,
            executor=ex,
            **_search_options(confidence, budget, min_reps, max_reps, step, lower, upper, seed, jobs),
        )
        results = []
        for year in year_list:
            for q in qs:
                row = study.search_for(year, q)
                console.print(
                    escape(
                        f"need {year} at the {q:.0%} intake ({sum(row.intake.values()):,.0f} offences): "
                        f"{row.search.lever}, now {row.search.current:g}"
                    )
                )
                with progress("replications", budget) as advance:
                    row.search.progress = advance
                    results.append(study.finish(row))
        with staged_folder(out, force, "need") as stage:
            write_need(results, study, stage)
            if runs_file.exists():
                (stage / "runs.jsonl").write_bytes(runs_file.read_bytes())
    runs_file.unlink(missing_ok=True)
    table = Table(title="Capacity needed per forecast year", title_justify="left", header_style="bold")
    for h in ("year", "intake quantile", "offences", "now", "need", "one step below", "replications"):
        table.add_column(h, justify="right")
    for r in results:
        res = r.answered
        table.add_row(
            str(r.year),
            f"{r.quantile:.0%}",
            f"{sum(r.intake.values()):,.0f}",
            f"{res.current:g}",
            "-" if res.answer is None else f"{res.answer:g}",
            "-" if res.below is None else f"{res.below:g}",
            str(res.replications_run),
        )
    console.print(table)
    console.print(
        "each year starts from the scenario's own stocks: the need of a year's intake, not of a chain carrying "
        "earlier years' shortfalls"
    )
    console.print(f"results: {out}")
