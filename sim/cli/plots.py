"""``ketensim plot`` and ``ketensim report``: figures and the HTML workshop report from results folders already
written. The work is `sim.figures.plot_results` and `sim.report.write_report`."""

from __future__ import annotations

import shlex
from pathlib import Path

import typer
from rich.console import Console

from .app import Lang, bad_input, console, fail, in_language, lang_option


@in_language
def plot(
    results_dir: Path = typer.Argument(..., help="A results folder of `ketensim run`, or a `ketensim compare` folder."),
    lang: Lang = lang_option(),
):
    """Draw the standard plots into RESULTS_DIR/plots: lead times per route, fast-track window attainment (legal
    windows marked), backlog per stage over time with a band over replications, route shares, end-to-end lead
    times, and court session fill. For a compare folder: the same plots with every scenario side by side, plus the
    comparison figures (differences, window attainment, route flows, throughput, lead time per district).

    Example: `ketensim plot results/baseline/20261122-101500-seed2019 --lang nl`
    """
    from ..figures import plot_comparison, plot_results
    from ..results import check_compare_folder, check_run_folder, probe_provenance

    problems: list[str] = []
    prov = probe_provenance(results_dir, problems)
    is_compare = isinstance(prov, dict) and "scenarios" in prov
    if prov is not None:
        if is_compare:
            check_compare_folder(results_dir, prov, problems)
        else:
            check_run_folder(results_dir, problems)
    if problems:
        fail(problems)
    with bad_input(FileNotFoundError):
        files = (plot_comparison if is_compare else plot_results)(results_dir)
    for f in files:
        console.print(str(f))


@in_language
def report(
    results: list[Path] = typer.Argument(
        ..., help="A `ketensim compare` folder, or one or more `ketensim run` folders."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="The HTML file to write (default: FIRST_FOLDER/report.html)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace the HTML file if it exists (only a report ketensim wrote is ever replaced)."
    ),
    lang: Lang = lang_option(),
    norm_days: str = typer.Option(
        "35,91,182,365",
        "--norm-days",
        help="Days from registration: per route, the share decided within each is shown beside p50 and p90 "
        "(comma-separated, e.g. 35,91,182,365).",
    ),
    study: list[Path] = typer.Option(
        [],
        "--study",
        help="A folder `ketensim capacity` or `ketensim sensitivity` wrote: its table and figures are shown after "
        "the plots (repeatable).",
    ),
):
    """Write ONE self-contained HTML report (plots embedded, no JavaScript, nothing loaded from elsewhere) for a
    `ketensim compare` folder, or for one or more `ketensim run` folders side by side.

    In the order a workshop discusses it: provenance (scenarios, seed, replications, version, dates, commands); per
    scenario its description and the settings it changes relative to the reference (before → after); the headline
    findings (significant paired differences, largest first, with units and 95% intervals); the key figures per theme
    with their intervals and differences; and the plots, each with a caption. Run folders were not paired, so they are
    shown side by side without differences, and the report says so.

    Example: `ketensim report results/compare/20261122-101500-baseline-vs-actieplan --out workshop.html`
    """
    from ..report import ReportError, write_report

    try:
        days = [float(d) for d in norm_days.split(",") if d.strip()]
    except ValueError:
        fail([f"--norm-days: {norm_days!r} is not a comma-separated list of numbers of days (e.g. 35,91,182,365)"])
    if any(not d > 0 for d in days):
        fail([f"--norm-days: {norm_days!r}: every number of days must be above zero"])
    command = shlex.join(
        ["ketensim", "report", *map(str, results)]
        + (["--out", str(out)] if out else [])
        + (["--lang", lang.value] if lang != Lang.en else [])
        + (["--norm-days", norm_days] if norm_days != "35,91,182,365" else [])
        + [a for f in study for a in ("--study", str(f))]
    )
    # ReportError: the folders cannot be reported on; the others: a file that vanished or cannot be read while drawing
    with bad_input(ReportError, FileNotFoundError, ValueError):
        path = write_report(results, out, command=command, force=force, norm_days=days, studies=study)
    Console().print(f"report: {path} ({path.stat().st_size / 1e6:.1f} MB)")
