"""The standard and comparison figure sets: which figures a results folder or a compare folder gets, with their
titles and notes, and writing them as PNGs into its ``plots`` folder.

Standard figures, of one scenario (`plot_results`, ``ketensim plot``) or several side by side (`plot_comparison`,
``ketensim compare``): lead times per route; fast-track windows (legal window shaded, within-window share and
fall-backs written on the panel); backlog per stage over time; route shares; end-to-end lead time, offence → end
of execution; court session fill and cancellations. A compare folder with its ``comparison.csv`` also gets: the
difference of the main key figures from the reference (a forest plot, one slide per theme, only the rows that
differ significantly and fit); window attainment and fall-backs per route; the flow of cases over the chain (one
slide per scenario); weekly throughput; and per arrondissement the monthly median lead time minus the reference,
with the dates the scenario's schedules switch in that region marked.

Every figure is a 16:9 slide (`style.SLIDE`) with text of at least 12 pt, no label over another and none cut off
at the edge (tests/test_plots.py checks the text boxes with matplotlib's renderer, `style.text_overlaps`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import cast

from matplotlib.figure import Figure

from .. import formatting as fmt
from ..catalogue import MAIN_DIFFERENCES
from ..labels import decided_at
from ..outputs import swap_into_place
from ..results import (
    EXECUTION_GROUPS,
    ROUTES,
    ChainTables,
    ResultTables,
    RunInfo,
    compare_scenarios,
    read_chain_tables,
    read_comparison_rows,
    read_resolved,
    read_results,
    region_change_dates,
)
from .backlogs import backlog_figure
from .differences import difference_figure, difference_rows_that_fit, region_effect_figure, window_attainment_figure
from .inputs import simulated_years
from .lead_times import lead_time_figure
from .routes import route_flow_figure, route_share_figure
from .sessions import session_fill_figure
from .style import save_png
from .throughput import throughput_figure
from .windows import window_figure

FILES = (
    "lead_times_per_route.png",
    "fast_track_windows.png",
    "backlog_per_stage.png",
    "route_shares.png",
    "end_to_end_lead_times.png",
    "session_fill.png",
)
# Drawn for a comparison folder (one with ``comparison.csv``), after the standard figures.
# The difference from the reference is one slide per theme of `sim.catalogue.MAIN_DIFFERENCES` (in its order), and
# the flow of cases one slide per scenario: ``route_flow.png`` the reference, ``route_flow_2.png`` the second, ...
DIFFERENCE_FILES = (
    "difference_lead_times.png",
    "difference_windows.png",
    "difference_cases.png",
    "difference_backlogs.png",
)
COMPARISON_FILES = DIFFERENCE_FILES + (
    "window_attainment.png",
    "route_flow.png",
    "weekly_throughput.png",
    "lead_time_by_region.png",
)


def route_flow_file(k: int) -> str:
    """The flow diagram's file of the k-th scenario (0: the reference)."""
    return "route_flow.png" if k == 0 else f"route_flow_{k + 1}.png"


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
    names = compare_scenarios(compare_dir)
    tables = {name: read_results(compare_dir / name) for name in names}
    makers = standard_figures(tables)
    rows = read_comparison_rows(compare_dir)
    if rows is not None:  # a complete `ketensim compare` folder: the comparison figures
        chain = {name: read_chain_tables(compare_dir / name, tables[name].info) for name in names}
        resolved = {name: read_resolved(compare_dir / name) for name in names}
        makers.update(comparison_figures(tables, chain, rows, resolved))
    return write_figures(makers, compare_dir / "plots")


def draw_standard_plots(tables: Mapping[str, ResultTables], plots_dir: Path) -> list[Path]:
    """The six standard figures of one or more scenarios (scenario name -> its tables), written as PNGs."""
    return write_figures(standard_figures(tables), plots_dir)


def standard_figures(tables: Mapping[str, ResultTables]) -> dict[str, Callable[[], Figure]]:
    """The six standard figures of one or more scenarios, as file name -> a function that draws it (in `FILES`
    order), so a caller draws one at a time (`draw_standard_plots` writes PNGs; the report embeds them)."""
    names, first, scen, reps_text = _scenarios(tables)
    notes = {n: t.info.cohort_note() for n, t in tables.items()}
    cohort = notes[names[0]] if len(set(notes.values())) == 1 else " ".join(f"{n}: {c}" for n, c in notes.items())
    windows_note = (
        ""
        if all(t.info.windows == first.windows for t in tables.values())
        else (f" Legal windows drawn are those of “{names[0]}”.")
    )
    session_types = list(dict.fromkeys(s for t in tables.values() for s in t.info.session_types)) or None
    kpis = {n: t.kpis for n, t in tables.items()}
    years = {n: simulated_years(t.info) for n, t in tables.items()}  # counts on the panels per simulated year
    makers = {
        "lead_times_per_route.png": lambda: lead_time_figure(
            {n: t.cases.decision_days for n, t in tables.items()},
            f"Lead time per route: registration → OM decision or verdict — {scen}",
            groups=ROUTES,
            xlabel={r: "days from registration to " + decided_at(r) for r in ROUTES},
            note=cohort + " Route: the route the case was finally decided in (after fall-backs). Dashed red: the "
            "legal window's last day, counted from the arrest (supersnelrecht, snelrecht detained) or the summons "
            "(snelrecht not detained)." + windows_note,
            windows=first.windows,
            window_starts=first.window_starts,
            years=years,
        ),
        "fast_track_windows.png": lambda: window_figure(
            {n: t.cases.window_days for n, t in tables.items()},
            first.windows,
            f"Fast-track routes: time to the verdict hearing within the legal window — {scen}",
            kpis=kpis,
            starts=first.window_starts,
            years=years,
            note=cohort + " Bars: cases heard in the route (verzet cases excluded), as a share of the cases that "
            "started in it; hatched red beside each route: the share that fell back to a slower route (not heard in "
            "time). Counts per year." + windows_note,
        ),
        "backlog_per_stage.png": lambda: backlog_figure(
            {n: t.backlog for n, t in tables.items()}, f"Backlog (voorraad) per stage over time — {scen}"
        ),
        "route_shares.png": lambda: route_share_figure(
            kpis,
            f"Cases per year per route — {scen}",
            note="Cases registered after the warm-up, per year, by the route they were finally decided in (after "
            f"fall-backs); {reps_text}. Error bars: 95% interval over replications. "
            "Percentages: share of all decided cases.",
        ),
        "end_to_end_lead_times.png": lambda: lead_time_figure(
            {n: t.cases.offence_to_execution_end_days for n, t in tables.items()},
            f"End-to-end lead time: offence → end of execution — {scen}",
            groups=EXECUTION_GROUPS,
            xlabel="days from offence to end of execution",
            years=years,
            note=cohort + " Only cases whose sentence was executed (paid, served or completed); a sepot, an "
            "acquittal or a suspended sentence has nothing to execute.",
        ),
        "session_fill.png": lambda: session_fill_figure(
            kpis,
            f"Court sessions: fill rate and cancellations per session type — {scen}",
            session_types=session_types,
            note=f"Court sessions planned between the end of the warm-up ({first.date_of(first.warmup_days)}) and "
            f"the horizon ({first.date_of(first.horizon_days)}); {reps_text}. "
            "Error bars: 95% interval over replications.",
        ),
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
    names, first, scen, reps_text = _scenarios(tables)
    paired = rows is not None
    change_dates = None
    if resolved and paired:
        ref = resolved.get(names[0], {})
        change_dates = {n: region_change_dates(ref, resolved[n]) for n in names[1:] if n in resolved}
    makers: dict[str, Callable[[], Figure]] = {}
    if paired and len(names) > 1:
        others = len(names) - 1
        for filename, panel in zip(DIFFERENCE_FILES, MAIN_DIFFERENCES):
            makers[filename] = partial(
                difference_figure,
                cast(Sequence, rows),  # paired: rows is not None
                f"Difference from “{names[0]}”: {panel[0].lower()} — {scen}",
                reference=names[0],
                panels=(panel,),
                significant_only=True,
                max_rows=difference_rows_that_fit(others),
                note=(
                    "Difference of each scenario from the reference, replication by replication (common random "
                    f"numbers; {reps_text}), with the 95% interval of the paired difference. Shares in percentage "
                    "points. Cohort: " + first.cohort_note().removeprefix("Cohort: ")
                ),
            )
    makers["window_attainment.png"] = lambda: window_attainment_figure(
        {n: t.kpis for n, t in tables.items()},
        f"Fast-track routes: heard within the legal window, and fall-backs — {scen}",
        windows=first.windows,
    )
    flow_note = (
        first.cohort_note() + " Cases that reached the OM, per year (mean over replications; cases still at "
        "the police when the run ended are left out: "
        + ", ".join(f"{n} {fmt.whole(c.not_at_om)}" for n, c in chain.items())
        + " per year). Band colour: the OM's decision; dark red: a fast-track case that fell back to a slower "
        "route. Execution kinds include sentences still being executed at the end of the run."
        + (" In brackets: the difference from the first scenario." if len(names) > 1 else "")
        + " Very small nodes are drawn at a minimum height."
    )
    flows = {n: c.flows for n, c in chain.items()}
    for k, name in enumerate(names):
        makers[route_flow_file(k)] = partial(
            route_flow_figure,
            flows,
            f"Flow of cases over the chain, cases per year — “{name}”"
            + (f" (differences from “{names[0]}”)" if k > 0 else ""),
            note=flow_note,
            show=[name],
        )
    makers["weekly_throughput.png"] = lambda: throughput_figure(
        {n: c.weekly for n, c in chain.items()}, f"Weekly throughput over time — {scen}"
    )
    makers["lead_time_by_region.png"] = lambda: region_effect_figure(
        {n: c.regions for n, c in chain.items()},
        (
            f"Effect per arrondissement over time: monthly median lead time minus “{names[0]}” — {scen}"
            if paired and len(names) > 1
            else f"Monthly median lead time per arrondissement — {scen}"
        ),
        change_dates=change_dates,
        paired=paired,
    )
    return makers


def write_figures(makers: Mapping[str, Callable[[], Figure]], plots_dir: Path) -> list[Path]:
    """Draw each figure, one at a time, and put them in `plots_dir` all at once: they are drawn into a hidden
    staging folder beside it, which then replaces `plots_dir` in one swap (`sim.outputs.swap_into_place`). A
    failure while drawing (a full disk, say) leaves the earlier plots as they were and no half-drawn set; return the
    files written."""
    stage = plots_dir.with_name(f".{plots_dir.name}.{os.getpid()}.partial")
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    try:
        for filename, make in makers.items():
            save_png(make(), stage / filename)
        swap_into_place(stage, plots_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return [plots_dir / filename for filename in makers]


def _scenarios(tables: Mapping[str, ResultTables]) -> tuple[list[str], RunInfo, str, str]:
    """The scenario names (the reference first), the first's run info, "scenario(s) “…”" for a title, and the
    replications in words for a note."""
    names = list(tables)
    scen = f"scenario “{names[0]}”" if len(names) == 1 else "scenarios " + " vs ".join(f"“{n}”" for n in names)
    reps = sorted({t.info.replications for t in tables.values()})
    return names, tables[names[0]].info, scen, f"{'/'.join(map(str, reps))} replications"
