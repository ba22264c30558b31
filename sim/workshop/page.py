"""What the workshop page shows, as HTML strings built from a comparison of two runs: the key figures side by side
with the paired differences, the plain-language findings, and the figures. No Shiny here, so it is tested without a
server; `sim.workshop.app` puts these on the page.

Nothing is new: the rows are `sim.catalogue.MAIN_DIFFERENCES` (the forest plot's key figures), worded by
`sim.catalogue.describe_kpi`; the findings are the report's (`sim.report.headline_findings`,
`summary_findings`); the figures are the report's (`sim.figures.sets`).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import formatting as fmt
from ..catalogue import MAIN_DIFFERENCES, describe_kpi, difference_unit
from ..compare import ComparisonRow
from ..figures.sets import comparison_figures, standard_figures
from ..figures.style import save_png
from ..report import headline_findings, scenario_inputs, summary_findings
from ..results import legal_windows, read_chain_tables, read_resolved, read_results

# The figures on the page, in this order (file names of `sim.figures.sets`): lead times per route with the legal
# windows, window attainment, backlogs per stage over time with bands, and the forest plots of the differences.
PAGE_FIGURES = (
    "lead_times_per_route.png",
    "window_attainment.png",
    "backlog_per_stage.png",
    "difference_lead_times.png",
    "difference_windows.png",
    "difference_backlogs.png",
)
ALL_DISTRICTS = "all"


def district_rows(rows: Sequence[ComparisonRow], district: str) -> list[ComparisonRow]:
    """The comparison rows of one district (``breakdown = region=<district>``) relabelled as the whole ("all"), so
    the report's findings read them; `ALL_DISTRICTS`: the national rows."""
    if district == ALL_DISTRICTS:
        return [r for r in rows if r.breakdown == "all"]
    want = f"region={district}"
    return [dataclasses.replace(r, breakdown="all") for r in rows if r.breakdown == want]


def findings_html(rows: Sequence[ComparisonRow], names: Sequence[str], resolved: Mapping[str, Mapping]) -> str:
    """What changed most, in the report's words: its page-one findings, then the other significant differences.
    `resolved`: each run's resolved scenario (`Scenario.resolved_dict`), to leave out what a lever sets itself."""
    own = scenario_inputs(resolved, names[0])
    found = headline_findings(rows, names[0], own)
    top = summary_findings(found)
    items = []
    for name in names[1:]:
        picked = top.get(name, [])
        rest = [f for f in found.get(name, []) if f not in picked and not f.input][:6]
        for f in picked + rest:
            mark = {1: "better", -1: "worse"}.get(f.better, "")
            items.append(f'<li class="{mark}">{"▲ " if mark == "better" else "▼ " if mark else ""}{_e(f.text)}</li>')
    if not items:
        return '<p class="findings none">No key figure differs significantly from the base (95% paired interval).</p>'
    return '<ul class="findings">' + "".join(items) + "</ul>"


def table_html(rows: Sequence[ComparisonRow], names: Sequence[str], resolved: Mapping) -> str:
    """The main key figures side by side: the base, the variant, and the paired difference with its 95% interval
    (bold where the interval excludes zero); lead times per route with the legal windows of `resolved` (the
    reference's resolved scenario)."""
    windows = legal_windows(resolved)
    by_key = {(r.metric, r.group, r.scenario): r for r in rows}
    ref, other = names[0], names[-1]
    out = [
        '<table class="kpis"><thead><tr><th>key figure</th>'
        f"<th>{_e(ref)}</th><th>{_e(other)}</th><th>difference (95% CI)</th></tr></thead><tbody>"
    ]
    for title, _unit, keys in MAIN_DIFFERENCES:
        out.append(f'<tr class="theme"><th colspan="4">{_e(title)}</th></tr>')
        for metric, group in keys:
            a, b = by_key.get((metric, group, ref)), by_key.get((metric, group, other))
            if a is None or b is None or (math.isnan(a.mean) and math.isnan(b.mean)):
                continue
            label, unit, factor = describe_kpi(metric, group)
            if metric.startswith("days_to_decision") and group in windows:
                _, lo, hi = windows[group]
                label += f" (legal window {fmt.window_span(lo, hi)})"
            u = "%" if unit == "%" else ""
            d_unit = difference_unit(unit)
            diff = (
                "–"
                if math.isnan(b.diff)
                else f"{fmt.signed(b.diff * factor)} {d_unit} "
                f"({fmt.signed(b.diff_ci_low * factor)} to {fmt.signed(b.diff_ci_high * factor)})"
            )
            cls = "num sig" if b.significant else "num"
            out.append(
                f'<tr data-metric="{_e(metric)}" data-group="{_e(group)}"><td>{_e(label)}</td>'
                f'<td class="num">{_value(a.mean, factor, u)}</td><td class="num">{_value(b.mean, factor, u)}</td>'
                f'<td class="{cls}" data-diff="{b.diff:.6g}">{_e(diff)}</td></tr>'
            )
    out.append("</tbody></table>")
    return "".join(out)


def figures_html(folder: Path, names: Sequence[str], rows: Sequence[ComparisonRow]) -> str:
    """The page's figures of a compare folder (national), drawn once into its ``plots/`` and embedded."""
    plots = folder / "plots"
    missing = [f for f in PAGE_FIGURES if not (plots / f).exists()]
    if missing:
        tables = {n: read_results(folder / n) for n in names}
        makers = standard_figures(tables)
        chain = {n: read_chain_tables(folder / n, tables[n].info) for n in names}
        resolved = {n: read_resolved(folder / n) for n in names}
        makers.update(comparison_figures(tables, chain, [r for r in rows if r.breakdown == "all"], resolved))
        plots.mkdir(exist_ok=True)
        for f in missing:
            if f in makers:
                save_png(makers[f](), plots / f)
    parts = []
    for f in PAGE_FIGURES:
        p = plots / f
        if p.exists():
            data = base64.b64encode(p.read_bytes()).decode()
            parts.append(f'<figure><img alt="{_e(f)}" src="data:image/png;base64,{data}"></figure>')
    return "".join(parts)


def _value(v: float, factor: float, unit: str) -> str:
    return "–" if math.isnan(v) else f"{fmt.number(v * factor)}{unit}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
