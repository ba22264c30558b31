"""The console tables `ketensim run` and `ketensim compare` print: key figures per theme, mean ± the half-width of
the 95% interval, and for a comparison the paired difference from the reference.

Which key figure goes in which table, what it is called, its unit and its scale (shares as %) all come from the
key-figure catalogue (`sim.catalogue`), so the console says what the report and the figures say.
"""

from __future__ import annotations

from rich.table import Table

from ..catalogue import MAXIMA, THEMES, describe_kpi, group_label, key_figure, metric_label
from ..formatting import console_difference, console_mean_ci, console_number
from ..labels import tr
from .app import console


def _column(metric: str) -> str:
    """A column heading: the metric's label with its unit, "median days to decision (days)"; a maximum says it is
    one and has no interval."""
    unit = tr(key_figure(metric).unit)
    if metric in MAXIMA:
        unit = f"{unit}; {tr('a maximum, no interval')}" if unit else tr("a maximum, no interval")
    return f"{metric_label(metric)} ({unit})" if unit else metric_label(metric)


def _by_theme(keys) -> list[tuple[str, list[tuple[str, str]]]]:
    """(theme heading, [(metric, group) ...]) in the catalogue's theme order; the metrics of a theme in the order
    the catalogue lists them, groups in the order they first occur."""
    out = []
    for theme, heading in THEMES.items():
        mine = [k for k in keys if key_figure(k[0]).theme == theme]
        if mine:
            out.append((tr(heading), mine))
    return out


def print_summary(rows, title: str = "key figures") -> None:
    """The KPI table, readably: one table per theme. A theme whose figures are per group (route, stage, session
    type, verdict) has the groups as rows and the metrics as columns; the chain as a whole has one row per figure.
    Each cell is the mean ± the half-width of its 95% interval over replications, in the figure's unit."""
    console.print(f"[bold]{title}[/bold] {tr('(mean ± half-width of the 95% interval over replications)')}")
    by_key = {(r.metric, r.group): r for r in rows if r.n > 0 and r.breakdown == "all"}
    for heading, keys in _by_theme(list(by_key)):
        table = Table(title=heading, title_justify="left", header_style="bold")
        per_group = [k for k in keys if k[1] != "all"]
        if per_group:
            metrics = list(dict.fromkeys(m for m, _ in per_group))
            groups = list(dict.fromkeys(g for _, g in per_group))
            table.add_column(tr(key_figure(metrics[0]).groups), no_wrap=True)
            for m in metrics:
                table.add_column(_column(m), justify="right")
            for g in groups:
                table.add_row(
                    group_label(metrics[0], g) or g,
                    *(_cell(by_key.get((m, g)), key_figure(m).scale, m in MAXIMA) for m in metrics),
                )
        whole = [k for k in keys if k[1] == "all"]
        if whole:
            if per_group:
                console.print(table)
                table = Table(title=f"{heading}: {tr('whole chain')}", title_justify="left", header_style="bold")
            table.add_column(tr("key figure"), no_wrap=True)
            table.add_column(tr("unit"), no_wrap=True)
            table.add_column(tr("mean ± 95% CI"), justify="right")
            for m, g in whole:
                what, unit, scale = describe_kpi(m, g)
                table.add_row(what, unit, _cell(by_key[(m, g)], scale, m in MAXIMA))
        console.print(table)


def print_comparison(rows, names: list[str]) -> None:
    """Per theme, for each key figure: the reference scenario's mean, then one line per other scenario with its
    mean and the paired difference from the reference with its 95% interval; * marks an interval excluding zero."""
    console.print(
        f"[bold]{tr('Compared with')} {names[0]}[/bold] "
        + tr(
            "(Δ = paired difference with its 95% interval over replications; * = the interval excludes zero; "
            "shares in %, their differences in percentage points)"
        )
    )
    rows = [r for r in rows if r.breakdown == "all" and r.n > 0]
    by_key = {(r.metric, r.group, r.scenario): r for r in rows}
    keys = list(dict.fromkeys((r.metric, r.group) for r in rows))
    for heading, mine in _by_theme(keys):
        table = Table(title=heading, title_justify="left", header_style="bold")
        table.add_column(tr("key figure"), no_wrap=True, max_width=52)
        table.add_column(tr("unit"), no_wrap=True)
        table.add_column(tr("scenario"), no_wrap=True)
        table.add_column(tr("mean"), justify="right", no_wrap=True)
        table.add_column(tr("Δ [95% CI]"), justify="right", no_wrap=True)
        for m, g in mine:
            what, unit, scale = describe_kpi(m, g)
            for i, n in enumerate(names):
                r = by_key.get((m, g, n))
                if r is None:
                    continue
                table.add_row(
                    what if i == 0 else "",
                    unit if i == 0 else "",
                    n,
                    console_number(r.mean * scale),
                    "" if i == 0 else _diff_cell(r, scale),
                    end_section=(i == len(names) - 1),
                )
        console.print(table)


def _diff_cell(r, scale: float) -> str:
    return console_difference(r.diff * scale, r.diff_ci_low * scale, r.diff_ci_high * scale, r.significant)


def _cell(r, scale: float, maximum: bool = False) -> str:
    """Mean ± half-width of the 95% interval; a maximum (the longest wait of a replication, say) as its mean over
    replications without an interval, so it does not read as a norm with a margin."""
    if r is None:
        return ""
    if maximum:
        return console_number(r.mean * scale)
    return console_mean_ci(r.mean * scale, r.ci_low * scale, r.ci_high * scale)
