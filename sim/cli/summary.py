"""The console tables `ketensim run` and `ketensim compare` print: key figures per theme, mean ± the half-width of
the 95% interval, and for a comparison the paired difference from the reference.

Which metric goes in which table, and how metrics are labelled, is in this one module (`SUMMARY_SECTIONS`, `label`)
so that it can be switched to a KPI catalogue (labels, units, directions) in one place.
"""

from __future__ import annotations

from rich.table import Table

from ..formatting import console_difference, console_mean_ci, console_number
from .app import console

# (table title, what the rows are, the metrics as columns); metrics no section claims go to a last "Chain" table
SUMMARY_SECTIONS = (
    (
        "Routes (per simulated year; days from registration)",
        "route",
        ("cases", "days_to_decision_p50", "days_to_decision_p90", "days_to_execution_end_p50"),
    ),
    ("Fast-track windows", "route", ("window_days_max", "within_window_share", "fallbacks")),
    ("Backlogs at the end of the horizon (cases)", "stage", ("backlog_end",)),
    ("Court sessions", "session type", ("session_fill_rate", "sessions_cancelled_share")),
    ("Sentences per simulated year", "verdict", ("sentences",)),
)


def label(metric: str) -> str:
    """A metric's name as a column or row label."""
    return metric.replace("_", " ")


def print_summary(rows, title: str = "key figures") -> None:
    """The KPI table, readably: one table per theme (groups as rows, metrics as columns), each cell the mean ± the
    half-width of its 95% interval over replications; whatever no theme claims is listed at the end."""
    console.print(f"[bold]{title}[/bold] (mean ± half-width of the 95% interval over replications)")
    by_key = {(r.metric, r.group): r for r in rows if r.n > 0 and r.breakdown == "all"}
    claimed = set()
    for heading, group_label, metrics in SUMMARY_SECTIONS:
        groups = list(dict.fromkeys(g for (m, g) in by_key if m in metrics))
        if not groups:
            continue
        table = Table(title=heading, title_justify="left", header_style="bold")
        table.add_column(group_label, no_wrap=True)
        for m in metrics:
            table.add_column(label(m), justify="right")
        for g in groups:
            cells = []
            for m in metrics:
                r = by_key.get((m, g))
                claimed.add((m, g))
                cells.append(_cell(r))
            table.add_row(g, *cells)
        console.print(table)
    rest = [k for k in by_key if k not in claimed]
    if rest:
        table = Table(title="Chain", title_justify="left", header_style="bold")
        table.add_column("metric", no_wrap=True)
        table.add_column("group", no_wrap=True)
        table.add_column("mean ± 95% CI", justify="right")
        for m, g in rest:
            table.add_row(m, g, _cell(by_key[(m, g)]))
        console.print(table)


def print_comparison(rows, names: list[str]) -> None:
    """Per theme, for each key figure: the reference scenario's mean, then one line per other scenario with its
    mean and the paired difference from the reference with its 95% interval; * marks an interval excluding zero."""
    console.print(
        f"[bold]Compared with {names[0]}[/bold] (Δ = paired difference with its 95% interval over "
        "replications; * = the interval excludes zero)"
    )
    rows = [r for r in rows if r.breakdown == "all" and r.n > 0]
    by_key = {(r.metric, r.group, r.scenario): r for r in rows}
    sections = [(h, m) for h, _, m in SUMMARY_SECTIONS] + [("Chain", None)]
    claimed = set()
    for heading, metrics in sections:
        keys = list(
            dict.fromkeys(
                (r.metric, r.group)
                for r in rows
                if (metrics is None or r.metric in metrics) and (r.metric, r.group) not in claimed
            )
        )
        if not keys:
            continue
        claimed.update(keys)
        table = Table(title=heading, title_justify="left", header_style="bold")
        table.add_column("key figure", no_wrap=True, max_width=44)
        table.add_column("scenario", no_wrap=True)
        table.add_column("mean", justify="right", no_wrap=True)
        table.add_column("Δ [95% CI]", justify="right", no_wrap=True)
        for m, g in keys:
            row_label = f"{label(m)} · {g}"
            for i, n in enumerate(names):
                r = by_key.get((m, g, n))
                if r is None:
                    continue
                diff = "" if i == 0 else _diff_cell(r)
                table.add_row(
                    row_label if i == 0 else "", n, console_number(r.mean), diff, end_section=(i == len(names) - 1)
                )
        console.print(table)


def _diff_cell(r) -> str:
    return "" if r is None else console_difference(r.diff, r.diff_ci_low, r.diff_ci_high, r.significant)


def _cell(r) -> str:
    return "" if r is None else console_mean_ci(r.mean, r.ci_low, r.ci_high)
