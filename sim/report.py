"""The workshop report: one self-contained HTML file for a comparison (or for runs side by side).

A capacity-planning workshop looks at a handful of scenarios together on a projector. `write_report` turns a
``ketensim compare`` folder into one HTML file that can be mailed, opened offline and archived: every plot is
embedded as a PNG data URI, the styling is inline, there is no JavaScript and no external address anywhere.

The content leads with what was found, then shows it, then gives the detail (issue 14):

1. page one, the summary: the question, the scenarios in plain words (their ``description`` and the first settings
   they change, in words and units: "5% → 8% of VVC cases decided at ZSM with the suspect held to
   supersnelrecht", `sim.settings_text`), and at most `MAX_SUMMARY_FINDINGS` findings picked for the chain's goals
   (`sim.catalogue.GOALS`: end-to-end lead time, windows, norms, stocks, fall-backs), each with its 95% interval,
   marked better or worse. A figure a scenario sets itself (sessions cancelled when the lever puts the officier
   share at 100%) is its input, never a finding;
2. the plots (`sim.figures`), each with a caption;
3. the details (`_detail_sections`): the key figures per theme, each scenario's mean with its 95% interval and
   its paired difference from the reference; every significant difference (the scenario's own inputs apart); the
   settings each scenario changes, in words and by key; provenance last (scenarios, seed, replications, version,
   dates and the commands).

Printed (A4), the summary is page one, folded parts print open and figures are not cut across pages.

Plain results folders (``ketensim run``) can be given instead, one or more: then each run's key figures are shown
side by side without paired differences (the runs were not paired), and the report says so.

Bad input (a folder that is not a results or compare folder, missing files) raises `ReportError` with one line per
problem, naming the folder and the reason, before anything is written; the file is written under a temporary name
and renamed, so a failure never leaves half a report.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from . import formatting as fmt
from .catalogue import THEMES as KPI_THEMES
from .catalogue import better, describe_kpi, difference_unit, goal_of, group_label, key_figure, metric_label, metrics_of
from .compare import ComparisonRow
from .errors import ProblemsError
from .figures.inputs import simulated_years
from .figures.sets import comparison_figures, standard_figures
from .figures.style import save_png
from .kpis import KpiRow, mean_ci
from .labels import ROUTE_LABELS, STAGE_LABELS, breakdown_label, language, tr, tr_phrases
from .outputs import file_problems, write_file
from .results import (
    ROUTES,
    BacklogTable,
    ResultTables,
    check_compare_folder,
    check_run_folder,
    probe_provenance,
    read_chain_tables,
    read_comparison_rows,
    read_provenance,
    read_results,
)
from .settings_text import describe_change, direct_inputs, is_input
from .studies import Study, read_study
from .studies import section as studies_section

# Keys that say what a scenario is called or how it was run, not what it models; `compare` runs every scenario
# with the same seed and replications anyway.
NOT_A_CHANGE = ("name", "description", "seed", "replications")
MAX_CHANGES = 80  # rows of the changes table per scenario; the rest are counted
MAX_HEADLINES = 10  # per scenario in the details; the rest are folded away
MAX_SUMMARY_FINDINGS = 8  # on page one, over all scenarios together
MIN_SUMMARY_SIZE = 0.02  # a page-one finding moves its figure by at least 2% of its size
MAX_SUMMARY_CHANGES = 4  # settings in words per scenario on page one
# Days from registration within which the share of each route's cases decided is shown beside p50 and p90 (five
# weeks, a quarter, half a year, a year); `ketensim report --norm-days` chooses others.
NORM_DAYS = (35.0, 91.0, 182.0, 365.0)

# The themes of the key-figure tables (`sim.catalogue`); "Chain" takes everything no theme claims (intake, ZSM
# share, returns, end-to-end lead time, sentences), in the order of the rows.
THEMES = tuple((KPI_THEMES[t], metrics_of(t)) for t in ("routes", "windows", "backlogs", "sessions", "capacity")) + (
    ("Chain", None),
)
# The capacity theme is one table, the capacity story at a glance: a row per station (detectives, ZSM, OM,
# advice writers, reclassering, cells, gerechtshof), its capacity, utilisation, mean wait and mean stock beside it.
STATION_THEME = KPI_THEMES["capacity"]

CAPTIONS = {
    "difference_lead_times.png": "Difference of each scenario from the reference, paired by replication, with the 95% interval: "
    "lead times in days. Only the key figures that differ significantly in some scenario, the largest first if there are more "
    "than fit a slide (the others are named under the plot). Filled markers: the interval excludes zero, the "
    "value written beside them in green where better, red where worse. Left of the zero line: fewer days, a lower "
    "share, fewer cases.",
    "difference_windows.png": "Difference of each scenario from the reference, paired by replication, with the 95% interval: "
    "fast-track windows, ZSM and court sessions in percentage points. Only the key figures that differ significantly in some scenario, the largest first if there are more "
    "than fit a slide (the others are named under the plot). Filled markers: the interval excludes zero, the "
    "value written beside them in green where better, red where worse. Left of the zero line: fewer days, a lower "
    "share, fewer cases.",
    "difference_cases.png": "Difference of each scenario from the reference, paired by replication, with the 95% interval: "
    "fall-backs and cases per route, per year. Only the key figures that differ significantly in some scenario, the largest first if there are more "
    "than fit a slide (the others are named under the plot). Filled markers: the interval excludes zero, the "
    "value written beside them in green where better, red where worse. Left of the zero line: fewer days, a lower "
    "share, fewer cases.",
    "difference_backlogs.png": "Difference of each scenario from the reference, paired by replication, with the 95% interval: "
    "backlogs at the end of intake and cases still open. Only the key figures that differ significantly in some scenario, the largest first if there are more "
    "than fit a slide (the others are named under the plot). Filled markers: the interval excludes zero, the "
    "value written beside them in green where better, red where worse. Left of the zero line: fewer days, a lower "
    "share, fewer cases.",
    "lead_times_per_route.png": "Lead time per route, registration → OM decision (sepot, strafbeschikking) or → "
    "verdict (court routes), as cumulative distributions; ● median, ◆ 90th percentile; the fast-track routes' legal "
    "windows dashed. A curve further left is faster.",
    "fast_track_windows.png": "Days from the start of the legal window to the verdict hearing for the cases heard "
    "in each fast-track route, as a share of the cases that started in it; hatched red beside each route: the share "
    "that fell back to a slower route. The legal window is shaded and its limits are dashed red lines. Boxes: share "
    "heard within the window, fall-backs and cases heard per year.",
    "window_attainment.png": "Fast-track window attainment and fall-backs per year, per route, with 95% intervals "
    "over replications; the legal window is under each route.",
    "route_flow.png": "How the cases flow over the chain, in cases per year: OM intake → ZSM desk or regular OM → "
    "the OM's decision → the route the case was decided in (fall-backs in dark red) → how it ended. In brackets: "
    "the difference from the reference.",
    "route_shares.png": "Cases per year per route (after fall-backs), with 95% intervals and the share of all "
    "decided cases; on the right the fast-track routes again, on their own scale.",
    "backlog_per_stage.png": "Backlog (voorraad) per stage over time: median over replications with a band over "
    "replications; end of warm-up and end of intake marked.",
    "weekly_throughput.png": "Weekly throughput over calendar time: OM intake, OM decisions, court verdicts and "
    "executions completed per week, median over replications with a band.",
    "lead_time_by_region.png": "Per arrondissement, the monthly median lead time (registration → OM decision or "
    "verdict, by month of registration); in a comparison, each scenario minus the reference, with the dates on "
    "which the scenario's schedules switch in that region marked (a phased roll-out shows one date per region).",
    "end_to_end_lead_times.png": "End-to-end lead time, offence → end of execution, per route and overall: the "
    "Actieplan's measure.",
    "session_fill.png": "Court sessions per type: fill rate of held sessions and share cancelled (no officier), "
    "with 95% intervals.",
}
# The order in which the plots are shown: the workshop's questions first (what changed, how fast, where do cases
# go), the supporting detail after.
PLOT_ORDER = (
    "difference_lead_times.png",
    "difference_windows.png",
    "difference_cases.png",
    "difference_backlogs.png",
    "lead_times_per_route.png",
    "fast_track_windows.png",
    "window_attainment.png",
    "route_flow.png",
    "route_shares.png",
    "backlog_per_stage.png",
    "weekly_throughput.png",
    "lead_time_by_region.png",
    "end_to_end_lead_times.png",
    "session_fill.png",
)


class ReportError(ProblemsError):
    """The folders given cannot be reported on; `problems` has one line per problem ("folder: reason")."""

    separator = "\n"


@dataclass
class ReportInputs:
    """What the report is about, checked: a compare folder, or one or more run folders."""

    kind: str  # "compare" or "runs"
    folders: list[Path]  # as given
    names: list[str]  # scenario labels, the reference (or first run) first
    run_dirs: dict[str, Path]
    run_provenance: dict[str, dict]
    provenance: dict = field(default_factory=dict)  # the compare folder's
    rows: list[ComparisonRow] | None = None

    @property
    def paired(self) -> bool:
        return self.kind == "compare"


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any


_MISSING = object()


# ------------------------------------------------------------------------------------------------ inputs


def inspect(folders: Sequence[Path | str]) -> ReportInputs:
    """Check the folders and say what they are; `ReportError` lists every problem (folder and reason)."""
    paths = [Path(f) for f in folders]
    if not paths:
        raise ReportError(["no results folder given"])
    problems: list[str] = []
    kinds: dict[Path, tuple[str, dict]] = {}
    for f in paths:
        prov = probe_provenance(f, problems)
        if prov is None:
            continue
        if "scenarios" in prov:
            kinds[f] = ("compare", prov)
            check_compare_folder(f, prov, problems)
        elif "resolved_scenario" in prov:
            kinds[f] = ("run", prov)
            check_run_folder(f, problems)
        else:
            problems.append(
                f"{f}: not a ketensim results or compare folder (provenance.json has neither "
                "'scenarios' nor 'resolved_scenario')"
            )
    compares = [f for f, (k, _) in kinds.items() if k == "compare"]
    if compares and len(paths) > 1:
        problems += [
            f"{f}: a compare folder must be given on its own (it already holds its scenarios)" for f in compares
        ]
    if problems:
        raise ReportError(problems)
    if compares:
        f = compares[0]
        prov = kinds[f][1]
        names = [str(n) for n in prov["scenarios"]]
        run_dirs = {n: f / n for n in names}
        return ReportInputs(
            "compare",
            paths,
            names,
            run_dirs,
            {n: read_provenance(f / n) for n in names},
            prov,
            read_comparison_rows(f),
        )
    names, run_dirs, provs = [], {}, {}
    for f in paths:
        prov = kinds[f][1]
        name = str(prov.get("scenario") or prov["resolved_scenario"].get("name") or f.name)
        if name in run_dirs:
            name = f"{name} ({f.name})"
        k = 2
        while name in run_dirs:  # the same folder name twice: number them
            name = f"{name} #{k}"
            k += 1
        names.append(name)
        run_dirs[name] = f
        provs[name] = prov
    return ReportInputs("runs", paths, names, run_dirs, provs)


# ------------------------------------------------------------------------------------------------ changes


def scenario_changes(reference: Mapping, scenario: Mapping, skip: Sequence[str] = NOT_A_CHANGE) -> list[Change]:
    """The key paths whose resolved values differ between two resolved scenarios (plain data, as in
    ``provenance.json``), in the order of the files; a key present on one side only is a change from or to
    "not set". Top-level keys in `skip` are left out."""
    out: list[Change] = []

    def walk(a, b, path):
        if a == b:
            return
        a_dict, b_dict = isinstance(a, Mapping), isinstance(b, Mapping)
        if (a_dict or a is _MISSING) and (b_dict or b is _MISSING) and (a_dict or b_dict):
            a_map = a if a_dict else {}
            b_map = b if b_dict else {}
            for k in list(a_map) + [k for k in b_map if k not in a_map]:
                walk(a_map.get(k, _MISSING), b_map.get(k, _MISSING), path + (str(k),))
            return
        out.append(Change(".".join(path), a, b))

    for k in list(reference) + [k for k in scenario if k not in reference]:
        if k in skip:
            continue
        walk(reference.get(k, _MISSING), scenario.get(k, _MISSING), (str(k),))
    return out


def format_value(v: Any) -> str:
    """A resolved value, readably: numbers without trailing zeros, schedules as "5.25 · from 2021-03-01: 6.5",
    lists comma-separated, tables as key = value."""
    if v is _MISSING or v is None:
        return "— (not set)"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return fmt.plain_number(v)
    if _is_schedule(v):
        first, rest = v[0], v[1:]
        return " · ".join(
            [fmt.plain_number(first[1])] + [f"from {str(d)[:10]}: {fmt.plain_number(x)}" for d, x in rest]
        )
    if isinstance(v, (list, tuple)):
        return ", ".join(format_value(x) for x in v) if v else "(none)"
    if isinstance(v, Mapping):
        return "; ".join(f"{k} = {format_value(x)}" for k, x in v.items()) if v else "(empty)"
    return str(v)


def _is_schedule(v) -> bool:
    return (
        isinstance(v, (list, tuple))
        and len(v) > 0
        and all(
            isinstance(p, (list, tuple))
            and len(p) == 2
            and _is_date_like(p[0])
            and isinstance(p[1], (int, float))
            and not isinstance(p[1], bool)
            for p in v
        )
    )


def _is_date_like(x) -> bool:
    if isinstance(x, dt.date):
        return True
    try:
        dt.date.fromisoformat(str(x)[:10])
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------------ findings


@dataclass(frozen=True)
class Finding:
    scenario: str
    metric: str
    group: str
    text: str  # plain words with units
    size: float  # |difference| relative to the larger of the two means, for "largest first"
    better: int  # +1 better, -1 worse, 0 neutral
    input: bool = False  # the scenario sets this figure itself (`sim.settings_text.direct_inputs`): not a finding


def headline_findings(
    rows: Sequence[ComparisonRow], reference: str, inputs: Mapping[str, Mapping[str, set[str] | None]] | None = None
) -> dict[str, list[Finding]]:
    """Per scenario other than the reference, its significant differences (whole chain), largest first relative
    to the size of the figure, each as one sentence with units, e.g. "regular summons: median days to verdict
    −12.3 days (95% CI −14.1 to −10.5), from 56.9 to 44.6". `inputs` (scenario -> `direct_inputs` of its changed
    settings) marks the differences a scenario sets itself."""
    ref = {(r.metric, r.group): r for r in rows if r.scenario == reference and r.breakdown == "all"}
    out: dict[str, list[Finding]] = {}
    for r in rows:
        if r.scenario == reference or r.breakdown != "all":
            continue
        out.setdefault(r.scenario, [])
        if not r.significant or math.isnan(r.diff):
            continue
        base = ref.get((r.metric, r.group))
        label, unit, factor = describe_kpi(r.metric, r.group)
        dunit = difference_unit(unit)
        d, lo, hi = r.diff * factor, r.diff_ci_low * factor, r.diff_ci_high * factor
        to = tr("to")
        text = (
            f"{label} {fmt.signed(d)}{' ' + dunit if dunit else ''} "
            f"({tr('95% CI')} {fmt.signed(lo)} {to} {fmt.signed(hi)})"
        )
        if base is not None and not math.isnan(base.mean):
            pct = "%" if unit == "%" else ""
            text += f", {tr('from')} {fmt.number(base.mean * factor)}{pct} {to} {fmt.number(r.mean * factor)}{pct}"
        scale = max(abs(r.mean), abs(base.mean) if base is not None and not math.isnan(base.mean) else 0.0)
        size = abs(r.diff) / scale if scale > 0 else math.inf
        direction = better(r.metric)
        sign = 0 if direction == 0 else (1 if d * direction > 0 else -1)
        own = is_input(r.metric, r.group, (inputs or {}).get(r.scenario, {}))
        out[r.scenario].append(Finding(r.scenario, r.metric, r.group, text, size, sign, own))
    for name in out:
        out[name].sort(key=lambda f: -f.size)
    return out


def summary_findings(
    findings: Mapping[str, Sequence[Finding]], limit: int = MAX_SUMMARY_FINDINGS
) -> dict[str, list[Finding]]:
    """The findings of the page-one summary, at most `limit` in all, shared out over the scenarios (the first get
    the remainder). Only differences that measure one of the chain's goals (`sim.catalogue.GOALS`) with a clear
    direction, that the scenario does not set itself, and that are at least `MIN_SUMMARY_SIZE` of the figure's
    size; taken goal by goal in the goals' order (the largest of each goal first, the chain-wide figure before
    those of one route), so the end-to-end lead time, the windows, the norms, the stocks and the fall-backs each
    get a say before a second figure of any goal."""
    names = list(findings)
    out: dict[str, list[Finding]] = {}
    for k, name in enumerate(names):
        quota = limit // len(names) + (1 if k < limit % len(names) else 0)
        by_goal: dict[int, list[Finding]] = {}
        for f in findings[name]:
            goal = goal_of(f.metric)
            if f.input or f.better == 0 or goal is None or not f.size >= MIN_SUMMARY_SIZE:
                continue
            by_goal.setdefault(goal, []).append(f)
        for fs in by_goal.values():
            fs.sort(key=lambda f: (f.group != "all", -f.size))
        picks: list[Finding] = []
        while len(picks) < quota and any(by_goal.values()):
            for goal in sorted(by_goal):
                if by_goal[goal] and len(picks) < quota:
                    picks.append(by_goal[goal].pop(0))
        picks.sort(key=lambda f: (goal_of(f.metric) or 0, f.group != "all", -f.size))
        out[name] = picks
    return out


def scenario_inputs(resolved: Mapping[str, Mapping], reference: str) -> dict[str, dict[str, set[str] | None]]:
    """Per scenario other than the reference, the key figures its own settings set (`direct_inputs` of the keys
    whose resolved values differ from the reference's)."""
    ref = resolved.get(reference, {})
    return {n: direct_inputs(c.path for c in scenario_changes(ref, sc)) for n, sc in resolved.items() if n != reference}


# ------------------------------------------------------------------------------------------------ the report


def build_report(
    inputs: ReportInputs,
    *,
    command: str | None = None,
    now: dt.datetime | None = None,
    plots: bool = True,
    norm_days: Sequence[float] = NORM_DAYS,
    studies: Sequence[Study] = (),
) -> str:
    """The report as one HTML string (see the module docstring); without `plots` the plots section is left out
    (drawing them is most of the time a report takes). `norm_days`: the numbers of days from registration whose
    attainment per route is shown beside p50 and p90. `studies`: capacity searches and sensitivity studies
    (`sim.studies`), shown after the plots."""
    now = now or dt.datetime.now().astimezone()
    names = inputs.names
    tables = {n: read_results(inputs.run_dirs[n]) for n in names}
    resolved = {n: inputs.run_provenance[n].get("resolved_scenario", {}) for n in names}
    own = scenario_inputs(resolved, names[0]) if inputs.paired else {}
    findings = headline_findings(inputs.rows or [], names[0], own) if inputs.paired else {}
    parts = [_summary_section(inputs, tables, resolved, findings)]
    if plots:
        parts.append(_plots_section(inputs, tables, resolved))
    if studies:
        parts.append(studies_section(list(studies), first_figure=1 + "".join(parts).count('<figure id="fig-')))
    parts += _detail_sections(inputs, tables, resolved, findings, command, now, norm_days)
    parts.append(
        "<footer>"
        + _e(
            tr(
                "Written by ketensim {version} on {when}. Self-contained: the plots are embedded, nothing is "
                "loaded from elsewhere."
            ).format(version=__version__, when=now.strftime("%Y-%m-%d %H:%M %Z").strip())
        )
        + "</footer>"
    )
    parts.append("</main></body></html>\n")
    body = "\n".join(parts)
    return _head(names, inputs, body) + "\n" + body


def _detail_sections(
    inputs: ReportInputs,
    tables: Mapping[str, ResultTables],
    resolved: Mapping[str, Mapping],
    findings: Mapping[str, list[Finding]],
    command: str | None,
    now: dt.datetime,
    norm_days: Sequence[float] = (),
) -> list[str]:
    """The sections after the figures, each an HTML string opening with ``<h2 id=...>`` (the table of contents is
    made from those headings). A new section (a validation table, say) goes into this list before provenance,
    which stays last."""
    sections = [_table_section(inputs, tables, norm_days)]
    if inputs.paired:
        sections.append(_findings_section(inputs, findings))
    sections.append(_scenario_section(inputs, resolved))
    sections.append(_validation_section(inputs))
    sections.append(_provenance_section(inputs, tables, command, now))
    return sections


def write_report(
    folders: Sequence[Path | str],
    out: Path | str | None = None,
    *,
    command: str | None = None,
    force: bool = False,
    norm_days: Sequence[float] = NORM_DAYS,
    studies: Sequence[Path | str] = (),
) -> Path:
    """Check the folders, build the report and write it atomically to `out` (default:
    ``<first folder>/report.html``); returns the path written. `studies`: folders of ``ketensim capacity`` or
    ``ketensim sensitivity`` to show after the plots. Raises `ReportError` on bad input, before anything is
    written; an existing file is replaced only with `force`, and only a report ketensim wrote."""
    inputs = inspect(folders)
    out = Path(out) if out is not None else inputs.folders[0] / "report.html"
    problems = file_problems(out, force)
    read = [read_study(f, problems) for f in studies]
    if problems:
        raise ReportError(problems)
    text = build_report(inputs, command=command, norm_days=norm_days, studies=[s for s in read if s is not None])
    return write_file(out, text, force)


CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; font-size: 18px; line-height: 1.45;
       color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 1500px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 34px; margin: 0.2em 0 0.1em; }
h2 { font-size: 27px; margin-top: 1.8em; border-bottom: 3px solid #0072B2; padding-bottom: 4px; }
h3 { font-size: 22px; margin: 1.3em 0 0.3em; }
p.lead { font-size: 21px; color: #333; margin-top: 0; }
.note { background: #FFF4E0; border-left: 6px solid #E69F00; padding: 10px 16px; margin: 16px 0; }
table { border-collapse: collapse; margin: 10px 0 18px; font-size: 16px; }
th, td { border: 1px solid #d0d0d0; padding: 5px 9px; vertical-align: top; text-align: left; }
th { background: #eef3f8; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
table.kv th { width: 16em; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 15px; background: #f3f3f3;
       padding: 1px 4px; border-radius: 3px; word-break: break-all; }
td.sig { font-weight: bold; }
td.better { background: #E3F4EA !important; }
td.worse { background: #FBE4E2 !important; }
td.neutral { background: #E6EEF8 !important; }
span.diff { display: block; color: #444; font-size: 14px; }
td.sig span.diff { color: #111; }
ol.findings li { margin: 0.25em 0; }
li.better::marker { color: #1b7a43; } li.worse::marker { color: #b2182b; }
.legend span { padding: 1px 8px; margin-right: 10px; border: 1px solid #ccc; }
figure { margin: 28px 0 40px; }
figure img { width: 100%; height: auto; border: 1px solid #e0e0e0; }
figcaption { font-size: 17px; color: #333; margin-top: 6px; }
details summary { cursor: pointer; font-weight: bold; margin: 8px 0; }
footer { margin-top: 48px; color: #666; font-size: 15px; }
nav ol { columns: 2; font-size: 17px; }
section.summary { border: 2px solid #0072B2; border-radius: 6px; padding: 4px 22px 12px; margin: 18px 0 30px; }
section.summary h2 { margin-top: 0.6em; }
p.question { font-size: 19px; }
ul.scenarios li, ul.findings li { margin: 0.3em 0; }
ul.findings { list-style: none; padding-left: 0.4em; }
span.changes-in-words { color: #333; }
span.mark { display: inline-block; min-width: 4.2em; text-align: center; font-size: 14px; font-weight: bold;
            border-radius: 3px; padding: 0 5px; margin-right: 4px; border: 1px solid #999; }
span.mark.better { background: #E3F4EA; color: #1b5e36; border-color: #1b7a43; }
span.mark.worse { background: #FBE4E2; color: #8c1420; border-color: #b2182b; }
ul.inputs li { color: #555; }
/* A4 on paper: the summary on page one, folded parts printed open, nothing cut across pages where avoidable. */
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; line-height: 1.35; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1em; } h3 { font-size: 12pt; }
  p.lead, p.question { font-size: 11pt; }
  nav.toc { display: none; }
  section.summary { border: none; padding: 0; margin: 0; break-after: page; }
  table { font-size: 8.5pt; } code { font-size: 8pt; } span.diff { font-size: 8pt; } figcaption { font-size: 9pt; }
  h2, h3, h4, summary { break-after: avoid; }
  figure, tr, li, .note, table.kv { break-inside: avoid; }
  figure img { max-height: 170mm; width: auto; max-width: 100%; }
  details > summary { list-style: none; }
  details::details-content { content-visibility: visible; display: contents; }
  details:not([open]) > *:not(summary) { display: block; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _head(names: list[str], inputs: ReportInputs, body: str) -> str:
    title = f"{tr('ketensim report')}: {' vs '.join(names)}"
    sub = tr(
        "Paired comparison with common random numbers; the first scenario is the reference."
        if inputs.paired
        else ("Results of one run." if len(names) == 1 else "Runs side by side (not a paired comparison).")
    )
    toc = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', body))
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}"><head><meta charset="utf-8">'
        f'<meta name="generator" content="ketensim {__version__}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>\n"
        f'<h1>{_e(title)}</h1><p class="lead">{_e(sub)}</p>\n'
        f'<nav class="toc"><ol>{toc}</ol></nav>'
    )


def _summary_section(
    inputs: ReportInputs,
    tables: Mapping[str, ResultTables],
    resolved: Mapping[str, Mapping],
    findings: Mapping[str, list[Finding]],
) -> str:
    """Page one: the question, the scenarios in plain words, and the findings that matter most for the chain's
    goals (`summary_findings`), each with its interval and marked better or worse."""
    names = inputs.names
    ref = names[0]
    info = tables[ref].info
    reps = inputs.provenance.get("replications") if inputs.paired else None
    period = tr("cases registered from {start} to {end}").format(
        start=info.date_of(info.warmup_days), end=info.date_of(info.horizon_days)
    )
    out = [f'<section class="summary" id="summary-page"><h2 id="summary">{tr("Summary")}</h2>']
    if inputs.paired and len(names) > 1:
        others = " and ".join(f"“{n}”" for n in names[1:])
        question = tr(
            "What do {others} change for the chain compared with “{ref}”: the lead time from offence to the end "
            "of execution, the fast-track legal windows, the courts' norms, the stocks (voorraden) and the "
            "fall-backs? {period}; {reps} replications per scenario, paired (common random numbers)."
        ).format(others=others, ref=ref, period=period.capitalize(), reps=reps)
    else:
        question = tr("What do the {runs} {names} show for the chain? {period}.").format(
            runs=tr("runs" if len(names) > 1 else "run"),
            names=f" {tr('and')} ".join(f"“{n}”" for n in names),
            period=period.capitalize(),
        )
    out.append(f'<p class="question"><b>{tr("The question.")}</b> {_e(question)}</p>')
    items = []
    for i, n in enumerate(names):
        desc = resolved.get(n, {}).get("description") or ""
        text = f"<b>{_e(n)}</b>{' ' + tr('(reference)') if i == 0 and inputs.paired else ''}: {_e(desc)}"
        if i > 0:
            changes = scenario_changes(resolved.get(ref, {}), resolved.get(n, {}))
            if changes:
                shown = "; ".join(_e(_change_text(c)) for c in changes[:MAX_SUMMARY_CHANGES])
                more = (
                    f' and {len(changes) - MAX_SUMMARY_CHANGES} more (see <a href="#scenarios">the settings</a>)'
                    if len(changes) > MAX_SUMMARY_CHANGES
                    else ""
                )
                text += f' <span class="changes-in-words">{tr("Changes:")} {shown}{more}.</span>'
            else:
                text += " " + _e(tr("No setting differs from “{ref}”.").format(ref=ref))
        items.append(f"<li>{text}</li>")
    out.append(f'<h3>{tr("The scenarios")}</h3><ul class="scenarios">{"".join(items)}</ul>')
    if inputs.paired and len(names) > 1:
        picks = summary_findings({n: findings.get(n, []) for n in names[1:]})
        out.append(
            f'<h3 id="findings">{tr("What was found")}</h3><p>'
            + _e(
                tr(
                    "The differences from “{ref}” that matter most for the chain's goals, each with its 95% "
                    "interval (paired by replication); figures a scenario sets itself are not findings."
                ).format(ref=ref)
            )
            + f' <span class="mark better">{tr("better")}</span> <span class="mark worse">{tr("worse")}</span></p>'
        )
        for n in names[1:]:
            fs = picks.get(n, [])
            if not fs:
                out.append(
                    f"<p><b>{_e(n)}</b>: "
                    + _e(
                        tr(
                            "no difference in the chain's goal figures with an interval that excludes zero "
                            "({reps} replications)."
                        ).format(reps=reps)
                    )
                    + "</p>"
                )
                continue
            li = "".join(
                f'<li class="finding {_direction(f.better)}"><span class="mark {_direction(f.better)}">'
                f"{tr(_direction(f.better))}</span> {_e(f.text)}</li>"
                for f in fs
            )
            out.append(f'<p class="scenario-findings"><b>{_e(n)}</b></p><ul class="findings">{li}</ul>')
        out.append(
            f'<p class="more">{tr("All significant differences")}: <a href="#differences">{tr("details")}</a>; '
            f'{tr("every figure per theme")}: <a href="#table">{tr("key figures")}</a>.</p>'
        )
    out.append("</section>")
    return "\n".join(out)


def _change_text(c: Change) -> str:
    return describe_change(c.path, c.before, c.after, _MISSING)


def _provenance_section(
    inputs: ReportInputs, tables: Mapping[str, ResultTables], command: str | None, now: dt.datetime
) -> str:
    rows: list[tuple[str, str]] = []
    first = tables[inputs.names[0]].info
    if inputs.paired:
        prov = inputs.provenance
        rows.append(
            (
                "What",
                "Paired comparison (`ketensim compare`): every scenario ran with the same seed and "
                "replication numbers, so each draws the same offences and durations where the "
                "scenarios agree (common random numbers); differences are taken replication by "
                "replication.",
            )
        )
        files = prov.get("scenario_files") or [None] * len(inputs.names)
        rows.append(
            (
                "Scenarios",
                "; ".join(
                    f"{n}{' ' + tr('(reference)') if i == 0 else ''}{f' — {f}' if f else ''}"
                    for i, (n, f) in enumerate(zip(inputs.names, files))
                ),
            )
        )
        rows.append(("Seed", str(prov.get("seed", ""))))
        rows.append(("Replications", f"{prov.get('replications', '')} per scenario"))
        if prov.get("breakdown"):
            rows.append(("Breakdown", f"key figures also per {prov['breakdown']}"))
        rows.append(("ketensim version", str(prov.get("ketensim_version", ""))))
        rows.append(("Run started", str(prov.get("started_at", ""))))
        if prov.get("wall_seconds") is not None:
            rows.append(("Run time", fmt.local(f"{float(prov['wall_seconds']):,.1f}") + " s"))
        rows.append(("Results folder", str(inputs.folders[0])))
        if prov.get("command"):
            rows.append(("Command (compare)", _command_text(prov["command"])))
    else:
        rows.append(
            (
                "What",
                "Separate runs (`ketensim run`), shown side by side. They were not run as one "
                "paired comparison, so differences between them are not tested here; use "
                "`ketensim compare` for paired differences with 95% intervals.",
            )
        )
        for n in inputs.names:
            p = inputs.run_provenance[n]
            rows.append(
                (
                    f"Run “{n}”",
                    "; ".join(
                        x
                        for x in (
                            f"folder {inputs.run_dirs[n]}",
                            f"scenario file {p.get('scenario_file')}" if p.get("scenario_file") else "",
                            f"seed {p.get('seed')}",
                            f"{p.get('replications')} replications",
                            f"ketensim {p.get('ketensim_version')}",
                            f"started {p.get('started_at')}",
                            f"command: {_command_text(p['command'])}" if p.get("command") else "",
                        )
                        if x
                    ),
                )
            )
    rows.append(
        (
            "Period",
            f"start {first.start_date}; warm-up {fmt.local(f'{first.warmup_days:g}')} days (to "
            f"{first.date_of(first.warmup_days)}); intake until day {fmt.local(f'{first.horizon_days:g}')} "
            f"({first.date_of(first.horizon_days)}); run-out {fmt.local(f'{first.runout_days:g}')} days",
        )
    )
    rows.append(("Cohort", first.cohort_note().removeprefix("Cohort: ")))
    rows.append(("Report written", f"{now.strftime('%Y-%m-%d %H:%M %Z').strip()} {tr('by')} ketensim {__version__}"))
    if command:
        rows.append(("Command (report)", command))
    # rows in words go into the current language; names, folders, commands and versions stay as they are
    worded = ("What", "Replications", "Breakdown", "Period", "Cohort")
    rows = [(k, tr_phrases(v) if k in worded else v) for k, v in rows]
    body = "".join(f"<tr><th>{_e(tr(k))}</th><td>{_code_or_text(k, v)}</td></tr>" for k, v in rows)
    return f'<h2 id="provenance">{tr("Provenance")}</h2><table class="kv">{body}</table>'


def _code_or_text(key: str, value: str) -> str:
    if key.startswith("Command") or key == "Results folder":
        return f"<code>{_e(value)}</code>"
    return (
        _e(value)
        .replace("`ketensim compare`", "<code>ketensim compare</code>")
        .replace("`ketensim run`", "<code>ketensim run</code>")
    )


def _command_text(cmd) -> str:
    if isinstance(cmd, (list, tuple)):
        args = [str(a) for a in cmd]
        if args and Path(args[0]).name in ("ketensim", "__main__.py"):
            args[0] = "ketensim"
        return shlex.join(args)
    return str(cmd)


def _scenario_section(inputs: ReportInputs, resolved: Mapping[str, Mapping]) -> str:
    names = inputs.names
    ref = names[0]
    out = [f'<h2 id="scenarios">{tr("The scenarios and their settings")}</h2>']
    what = tr("the reference" if inputs.paired else "the first run")
    out.append(
        tr(
            "<p>Each scenario below is described by its own <code>description</code>; the table lists every "
            "setting whose resolved value differs from {what} “{ref}” (parents merged, defaults "
            "filled), in words and units, with its key in the scenario file. Schedules read “value · from date: "
            "value”.</p>"
        ).format(what=_e(what), ref=_e(ref))
    )
    for i, n in enumerate(names):
        sc = resolved.get(n, {})
        desc = sc.get("description") or "(no description)"
        tag = (" — " + tr("reference" if inputs.paired else "first run")) if i == 0 else ""
        out.append(f"<h3>{_e(n)}{_e(tag)}</h3><p>{_e(desc)}</p>")
        if i == 0:
            continue
        changes = scenario_changes(resolved.get(ref, {}), sc)
        if not changes:
            out.append(f"<p>{_e(tr('No setting differs from “{ref}”.').format(ref=ref))}</p>")
            continue
        rows = "".join(
            f"<tr><td>{_e(_change_text(c))}</td><td><code>{_e(c.path)}</code></td>"
            f"<td>{_e(format_value(c.before))}</td><td>{_e(format_value(c.after))}</td></tr>"
            for c in changes[:MAX_CHANGES]
        )
        more = (
            f"<p>… and {len(changes) - MAX_CHANGES} more differing settings (see the scenario files).</p>"
            if len(changes) > MAX_CHANGES
            else ""
        )
        out.append(
            f'<table class="changes"><tr><th>{tr("change")}</th><th>{tr("key")}</th><th>{_e(ref)}</th><th>{_e(n)}</th></tr>'
            f"{rows}</table>{more}"
        )
    return "\n".join(out)


def _findings_section(inputs: ReportInputs, findings: Mapping[str, list[Finding]]) -> str:
    names = inputs.names
    ref = names[0]
    n_keys = len({(r.metric, r.group) for r in inputs.rows or [] if r.breakdown == "all" and r.n > 0})
    reps = inputs.provenance.get("replications", "")
    out = [
        f'<h2 id="differences">{tr("All significant differences")}</h2>',
        tr(
            "<p>Differences from the reference “{ref}” whose 95% interval (paired by replication) excludes "
            "zero, the largest first (relative to the size of the figure). Shares are in percentage points. "
            '<span class="legend"><span style="background:#E3F4EA">better</span>'
            '<span style="background:#FBE4E2">worse</span></span> where a direction is clear (shorter, smaller, '
            "more within the window). Figures that a scenario sets itself are listed apart: they are its input, not "
            "a finding.</p>"
        ).format(ref=_e(ref)),
    ]
    if len(names) == 1:
        out.append(tr("<p>Only one scenario: there is nothing to compare it with.</p>"))
        return "\n".join(out)
    for n in names[1:]:
        every = findings.get(n, [])
        fs = [f for f in every if not f.input]
        own = [f for f in every if f.input]
        out.append(f"<h3>{_e(n)} {tr('compared with')} {_e(ref)}</h3>")
        if not fs:
            out.append(
                "<p>"
                + _e(
                    tr("No key figure differs significantly from “{ref}” with {reps} replications.").format(
                        ref=ref, reps=reps
                    )
                )
                + "</p>"
            )
        else:
            items = "".join(f'<li class="{_direction(f.better)}">{_e(f.text)}</li>' for f in fs[:MAX_HEADLINES])
            out.append(f'<ol class="findings">{items}</ol>')
        if len(fs) > MAX_HEADLINES:
            rest = "".join(f'<li class="{_direction(f.better)}">{_e(f.text)}</li>' for f in fs[MAX_HEADLINES:])
            out.append(
                f"<details><summary>{len(fs) - MAX_HEADLINES} {tr('more significant differences')}</summary>"
                f'<ol class="findings" start="{MAX_HEADLINES + 1}">{rest}</ol></details>'
            )
        if own:
            items = "".join(f'<li class="input">{_e(f.text)}</li>' for f in own)
            own_text = _e(tr("Set by “{n}” itself (its input, not a finding):").format(n=n))
            out.append(f'<p>{own_text}</p><ul class="inputs">{items}</ul>')
    out.append(
        tr(
            '<p class="note">About {n_keys} key figures are compared per scenario: even without any real '
            "effect about one in twenty would come out “significant” by chance. Small significant differences "
            "deserve a second run with more replications before anyone acts on them.</p>"
        ).format(n_keys=n_keys)
    )
    return "\n".join(out)


def _direction(better: int) -> str:
    return {1: "better", -1: "worse"}.get(better, "neutral")


def _table_section(inputs: ReportInputs, tables: Mapping[str, ResultTables], norm_days: Sequence[float] = ()) -> str:
    names = inputs.names
    out = [f'<h2 id="table">{tr("Key figures per theme")}</h2>']
    if inputs.paired:
        out.append(
            tr(
                "<p>Each scenario's mean over replications with its 95% interval; under it, for the scenarios "
                "other than the reference “{ref}”, the paired difference Δ with its 95% interval. "
                "★ and bold: the interval of the difference excludes zero (green: better, red: worse, blue: "
                "no clear direction). Shares in %, their differences in percentage points (pp).</p>"
            ).format(ref=_e(names[0]))
        )
        cells: dict[tuple[str, str, str, str], ComparisonRow | KpiRow] = {
            (r.metric, r.group, r.scenario, r.breakdown): r for r in inputs.rows or []
        }
        breakdowns = list(dict.fromkeys(r.breakdown for r in inputs.rows or []))
    else:
        out.append(
            tr(
                "<p>Each run's mean over its replications with the 95% interval. The runs were not paired, so "
                "no differences are shown.</p>"
            )
        )
        cells = {}
        for n in names:
            for r in tables[n].kpis:
                cells[(r.metric, r.group, n, r.breakdown)] = r
        breakdowns = ["all"]
    out.append(_themed_tables(names, cells, "all", inputs.paired))
    out.append(_norm_table(names, tables, norm_days))
    out.append(_backlog_period_table(names, tables))
    others = [b for b in breakdowns if b != "all"]
    out.append(_district_table(names, cells, others, inputs.paired))
    if others:
        out.append(
            f"<h3>{tr('Per region or stream')}</h3><p>"
            + tr("The same figures for each part of the breakdown (folded; click to open).")
            + "</p>"
        )
        for b in others:
            out.append(
                f"<details><summary>{_e(breakdown_label(b))}</summary>"
                f"{_themed_tables(names, cells, b, inputs.paired, level='h4')}</details>"
            )
    return "\n".join(out)


def _themed_tables(names: list[str], cells: Mapping, breakdown: str, paired: bool, level: str = "h3") -> str:
    keys = list(dict.fromkeys((m, g) for (m, g, s, b) in cells if b == breakdown))
    keys = [k for k in keys if any(_has_value(cells.get((k[0], k[1], n, breakdown))) for n in names)]
    claimed: set = set()
    out = []
    for heading, metrics in THEMES:
        these = [k for k in keys if k not in claimed and (metrics is None or k[0] in metrics)]
        if metrics is not None:  # theme order: by metric as listed, then by group
            these.sort(key=lambda k: metrics.index(k[0]))
        if not these:
            continue
        claimed.update(these)
        if heading == STATION_THEME:
            out.append(_station_table(names, cells, breakdown, paired, level, these))
            continue
        head = "".join(
            f"<th>{_e(n)}{' ' + tr('(reference)') if paired and i == 0 else ''}</th>" for i, n in enumerate(names)
        )
        body = []
        for m, g in these:
            label, unit, factor = describe_kpi(m, g)
            unit_text = f" ({unit})" if unit and unit not in label else ""
            row = [f"<td>{_e(label)}{_e(unit_text)}</td>"]
            for i, n in enumerate(names):
                row.append(_cell(cells.get((m, g, n, breakdown)), unit, factor, paired and i > 0, m))
            body.append("<tr>" + "".join(row) + "</tr>")
        out.append(
            f'<{level}>{_e(tr(heading))}</{level}><table class="kpis"><tr><th>{tr("key figure")}</th>{head}</tr>'
            + "".join(body)
            + "</table>"
        )
    return "\n".join(out)


def _station_table(names: list[str], cells: Mapping, breakdown: str, paired: bool, level: str, keys) -> str:
    """Capacity per station as one table: a row per station (and per scenario under it, when there are several),
    a column per figure (`sim.kpis.STATION_METRICS`: capacity, utilisation, mean wait, mean stock), each cell the
    mean with its 95% interval and, for a scenario other than the reference, its paired difference."""
    metrics = [m for m in metrics_of("capacity") if any(k[0] == m for k in keys)]
    stations = list(dict.fromkeys(g for _, g in keys))
    columns = []
    for m in metrics:
        unit = tr(key_figure(m).unit)
        columns.append((m, None, metric_label(m) + (f" ({unit})" if unit else "")))
    rows = [(group_label(metrics[0], g) or g, g, breakdown) for g in stations]
    return (
        f"<{level}>{_e(tr(STATION_THEME))}</{level}>"
        + "<p>"
        + tr(
            "Per station (chain partner): its capacity, the share of it in use, the mean wait of the cases it "
            "started and its mean stock (waiting + in work), from the end of the warm-up to the horizon."
        )
        + "</p>"
        + _grid_table(names, cells, paired, tr("station"), rows, columns, "kpis stations")
    )


# the district table's columns: the chain's end-to-end lead time, the regular route, the courts' norms, the court
# stocks and the politierechter's session fill (what a district asks first; every figure is in the folded tables)
DISTRICT_FIGURES = (
    ("days_offence_to_execution_end_p50", "all"),
    ("days_to_decision_p50", "regular"),
    ("pr_within_5_weeks_share", "all"),
    ("mk_within_6_months_share", "all"),
    ("backlog_end", "ready_to_plan"),
    ("backlog_end", "court"),
    ("session_fill_rate", "politierechter"),
)


def _district_table(names: list[str], cells: Mapping, breakdowns: list[str], paired: bool) -> str:
    """The arrondissements side by side: a row per district (and per scenario under it), a column per figure of
    `DISTRICT_FIGURES` that the run has."""
    regions = [b for b in breakdowns if b.startswith("region=")]
    have = {(m, g) for (m, g, _n, b) in cells if b in regions}
    figures = [f for f in DISTRICT_FIGURES if f in have]
    if not regions or not figures:
        return ""
    columns = []
    for m, g in figures:
        label, unit, _ = describe_kpi(m, g)
        columns.append((m, g, label + (f" ({unit})" if unit and unit not in label else "")))
    rows = [(breakdown_label(b), None, b) for b in regions]
    return (
        f"<h3>{tr('Per arrondissement')}</h3><p>"
        + tr(
            "The districts side by side: each figure's mean with its 95% interval over the replications"
            "{paired}; the backlogs are those at the end of intake. Every figure per district is in the folded "
            "tables below."
        ).format(paired=tr(" and the paired difference to the reference") if paired and len(names) > 1 else "")
        + "</p>"
        + _grid_table(names, cells, paired, tr("arrondissement"), rows, columns, "kpis districts")
    )


def _grid_table(
    names: list[str],
    cells: Mapping,
    paired: bool,
    first: str,
    rows: Sequence[tuple[str, str | None, str]],
    columns: Sequence[tuple[str, str | None, str]],
    css: str,
) -> str:
    """A table of key figures: a row per (label, group, breakdown) of `rows` and under it one per scenario (when
    there are several), a column per (metric, group, heading) of `columns`; a cell's group is the column's, or the
    row's where the column has none. Each cell the mean with its interval and, for a scenario other than the
    reference in a paired comparison, the difference."""
    head = f"<th>{_e(first)}</th>" + (f"<th>{tr('scenario')}</th>" if len(names) > 1 else "")
    head += "".join(f"<th>{_e(heading)}</th>" for _m, _g, heading in columns)
    body = []
    for label, row_group, breakdown in rows:
        for i, n in enumerate(names):
            row = _row_head(i, names, label)
            for m, col_group, _heading in columns:
                k = key_figure(m)
                g = col_group if col_group is not None else row_group
                row += _cell(cells.get((m, g, n, breakdown)), k.unit, k.scale, paired and i > 0, m)
            body.append(f"<tr>{row}</tr>")
    return f'<table class="{css}"><tr>{head}</tr>' + "".join(body) + "</table>"


def decided_within(tables: ResultTables, route: str, days: float) -> tuple[float, bool]:
    """The share of a route's cohort cases (``cases`` in kpis.csv: the cases the route holds at the end of the
    run, a court route's still waiting for their verdict included; a case the OM had not decided yet is in no
    route) decided within `days` of registration (OM decision or verdict, as `decided_at`), pooled over
    replications; and whether it is exact: a case registered at the end of intake is followed for the run-out
    only, so for more days than that the share is a lower bound (cases still open might yet be decided in
    time)."""
    info = tables.info
    kpi = next((r for r in tables.kpis if r.metric == "cases" and r.group == route and r.breakdown == "all"), None)
    total = kpi.mean * simulated_years(info) if kpi is not None else math.nan
    days_to = tables.cases.decision_days.get(route, np.empty(0))
    if not total > 0:
        return math.nan, True
    return float(np.count_nonzero(days_to <= days)) / round(total), days <= info.runout_days


def _row_head(i: int, names: list[str], label: str) -> str:
    """The first cells of row `i` of a group of rows, one per scenario: the group's label spanning them all (on the
    first row only) and, with several scenarios, the scenario's name."""
    several = len(names) > 1
    head = (f'<td rowspan="{len(names)}">' if several else "<td>") + f"{_e(label)}</td>" if i == 0 else ""
    return head + (f"<td>{_e(names[i])}</td>" if several else "")


def _norm_table(names: list[str], tables: Mapping[str, ResultTables], norm_days: Sequence[float]) -> str:
    """Per route and scenario: the median and the 90th percentile of the days from registration to the decision,
    and beside them the share decided within each of `norm_days` of registration."""
    if not norm_days:
        return ""
    several = len(names) > 1
    head = f"<th>{tr('route')}</th>" + (f"<th>{tr('scenario')}</th>" if several else "")
    head += f"<th>p50 ({tr('days')})</th><th>p90 ({tr('days')})</th>"
    head += "".join(
        f"<th>{_e(tr('within {days} days').format(days=fmt.plain_number(float(d))))}</th>" for d in norm_days
    )
    body = []
    lower_bound = False
    for route in ROUTES:
        for i, n in enumerate(names):
            t = tables[n]
            found = {r.metric: r for r in t.kpis if r.group == route and r.breakdown == "all"}
            row = _row_head(i, names, ROUTE_LABELS.get(route, route))
            for m in ("days_to_decision_p50", "days_to_decision_p90"):
                row += _cell(found.get(m), "days", 1.0, False, m)
            for d in norm_days:
                share, exact = decided_within(t, route, float(d))
                lower_bound |= not exact and not math.isnan(share)
                bound = "" if exact or share >= 1 else "≥ "  # all of them in time: exact however long the wait
                text = "n/a" if math.isnan(share) else bound + fmt.percent(100 * share)
                row += f'<td class="num">{_e(text)}</td>'
            body.append(f"<tr>{row}</tr>")
    note = (
        tr(
            " “≥”: more days than the run followed the last cases registered (its run-out), so cases still open "
            "might yet be decided in time: a lower bound."
        )
        if lower_bound
        else ""
    )
    return (
        f"<h3>{tr('Lead times per route and norms')}</h3><p>"
        + tr(
            "Per route: the median (p50) and the 90th percentile (p90) of the days from registration to the OM's "
            "decision or the verdict, each with its 95% interval, and the share of the route's cases decided "
            "within so many days of registration (pooled over replications; `ketensim report --norm-days` "
            "chooses the days)."
        )
        + tr(
            " A case is in an OM route (sepot, strafbeschikking, transactie) only once the OM has decided it, so "
            "for those routes the shares count decided cases and lean high."
        )
        + note
        + f'</p><table class="kpis norms"><tr>{head}</tr>'
        + "".join(body)
        + "</table>"
    )


CLEARED_SHARE = 0.1  # a stage's backlog counts as cleared when it is down to a tenth of its size at the end of intake


@dataclass(frozen=True)
class BacklogPeriod:
    """A stage's backlog over the cohort's period, per replication: its mean from the end of the warm-up to the
    end of intake, its size at the end of intake, and the days after that until it is down to `CLEARED_SHARE` of
    that size while no new cases arrive (the run-out; NaN where it was not, by the end of the run)."""

    mean: np.ndarray
    at_end: np.ndarray
    days_to_clear: np.ndarray
    runout_days: int


def backlog_period(backlog: BacklogTable, stage: str) -> BacklogPeriod:
    """`BacklogPeriod` of one stage from the daily backlog table (``backlog.csv``, start of each day)."""
    a = backlog.cases[stage]
    first = backlog.dates[0]
    warm = int((np.datetime64(backlog.warmup_end or first, "D") - first).astype(int)) if backlog.warmup_end else 0
    end = int((np.datetime64(backlog.horizon_end, "D") - first).astype(int)) if backlog.horizon_end else a.shape[1] - 1
    end = min(end, a.shape[1] - 1)
    means = np.nanmean(a[:, warm:end], axis=1) if end > warm else np.full(a.shape[0], np.nan)
    at_end = a[:, end]
    clear = np.full(a.shape[0], np.nan)
    for rep in range(a.shape[0]):
        below = np.nonzero(a[rep, end:] <= CLEARED_SHARE * at_end[rep])[0]
        if below.size:
            clear[rep] = float(below[0])
    return BacklogPeriod(means, at_end, clear, a.shape[1] - 1 - end)


def _backlog_period_table(names: list[str], tables: Mapping[str, ResultTables]) -> str:
    """Per stage and scenario: the backlog averaged over the period, at the end of intake, and the days to clear
    it after the end of intake (the stages drain in the run-out, when no new cases arrive)."""
    stages = list(dict.fromkeys(s for n in names for s in tables[n].backlog.cases))
    if not stages:
        return ""
    several = len(names) > 1
    head = f"<th>{tr('stage')}</th>" + (f"<th>{tr('scenario')}</th>" if several else "")
    head += "".join(
        f"<th>{tr(h)}</th>"
        for h in (
            "mean backlog over the period (cases)",
            "backlog at the end of intake (cases)",
            "days to clear after the end of intake",
        )
    )
    body = []
    for stage in stages:
        for i, n in enumerate(names):
            b = tables[n].backlog
            row = _row_head(i, names, STAGE_LABELS.get(stage, stage))
            if stage not in b.cases:
                body.append(f"<tr>{row}" + '<td class="num">—</td>' * 3 + "</tr>")
                continue
            p = backlog_period(b, stage)
            row += "".join(_mean_ci_cell(v) for v in (p.mean, p.at_end))
            if np.isnan(p.days_to_clear).any():  # not cleared in some replication by the end of the run
                row += f'<td class="num">&gt; {_e(fmt.number(p.runout_days))}</td>'
            else:
                row += _mean_ci_cell(p.days_to_clear)
            body.append(f"<tr>{row}</tr>")
    return (
        f"<h3>{tr('Backlogs over the period')}</h3><p>"
        + tr(
            "Per stage: the backlog (voorraad) averaged over the days from the end of the warm-up to the end of "
            "intake, its size at the end of intake, and the days after that until it is down to a tenth of that "
            "size, while no new cases arrive (“&gt; N”: not by the end of the run, N days later). Mean over "
            "replications with the 95% interval."
        )
        + f'</p><table class="kpis backlogs"><tr>{head}</tr>'
        + "".join(body)
        + "</table>"
    )


def _mean_ci_cell(values: np.ndarray) -> str:
    mean, lo, hi, n = mean_ci(values)
    if n == 0:
        return '<td class="num">—</td>'
    text = fmt.number(mean) + ("" if math.isnan(lo) else f" [{fmt.number(lo)}–{fmt.number(hi)}]")
    return f'<td class="num">{_e(text)}</td>'


def _has_value(r) -> bool:
    return r is not None and getattr(r, "n", 0) > 0 and not math.isnan(r.mean)


def _cell(r, unit: str, factor: float, with_diff: bool, metric: str) -> str:
    if not _has_value(r):
        return '<td class="num">—</td>'
    pct = "%" if unit == "%" else ""
    text = f"{fmt.number(r.mean * factor)}{pct}"
    if not math.isnan(r.ci_low):
        lo, hi = r.ci_low * factor, r.ci_high * factor
        if unit == "%":  # a share's interval stays a share
            lo, hi = max(lo, 0.0), min(hi, 100.0)
        text += f" [{fmt.number(lo)}–{fmt.number(hi)}]"
    html_text = _e(text)
    cls = "num"
    if with_diff and isinstance(r, ComparisonRow) and not math.isnan(r.diff):
        dunit = "pp" if unit == "%" else ""
        if r.diff == 0 and (math.isnan(r.diff_ci_low) or r.diff_ci_low == r.diff_ci_high == 0):
            d = f"Δ 0 ({tr('identical')})"
        else:
            d = f"Δ {fmt.signed(r.diff * factor)}{dunit}"
            if not math.isnan(r.diff_ci_low):
                d += f" [{fmt.signed(r.diff_ci_low * factor)} {tr('to')} {fmt.signed(r.diff_ci_high * factor)}]"
        if r.significant:
            d = "★ " + d
            direction = better(metric)
            cls += " sig " + ("neutral" if direction == 0 else "better" if r.diff * direction > 0 else "worse")
        html_text += f'<span class="diff">{_e(d)}</span>'
    return f'<td class="{cls}">{html_text}</td>'


def _validation_section(inputs: ReportInputs) -> str:
    """Model vs published figures (`sim.validation`): from each run's ``validation/validation.csv`` if
    ``ketensim validate-data`` wrote it, else computed with the default targets; a note where it cannot be had."""
    from .validation import COMPARED, interval_text, met_text, results_folder_rows, summary, tolerance_text, value_text

    found = {n: results_folder_rows(inputs.run_dirs[n]) for n in inputs.names}
    names = [n for n, (rows, _) in found.items() if rows]
    out = [f'<h2 id="validation">{tr("Model vs published figures")}</h2>']
    if not names:
        why = "; ".join(f"{n}: {reason}" for n, (_, reason) in found.items())
        out.append(f'<p class="note">{tr("No validation table:")} {_e(why)}</p>')
        return "\n".join(out)
    out.append(
        tr(
            "<p>Each published figure the model should reproduce (calibration/targets.csv), beside the model's value "
            "on the same definition with its 95% interval over replications. <b>Targets</b> count in “met”; "
            "<b>references</b> (other years, secondary figures, inputs shown as a check) are shown only. Definitions, "
            "sources and the figures the model cannot match: calibration/targets.csv and docs/validation.md.</p>"
        )
    )
    for n in names:
        s = summary(found[n][0] or [])
        met = tr("{met} of {targets} targets met.").format(met=s["met"], targets=s["targets"])
        out.append(f"<p><b>{_e(n)}</b>: {met}</p>")
    first = found[names[0]][0] or []
    head = "".join(f"<th>{_e(n)}</th>" for n in names)
    body = []
    for i, r in enumerate(first):
        t = r.target
        if t.status not in COMPARED:
            continue
        cells = []
        for n in names:
            rows = found[n][0] or []
            m = rows[i] if i < len(rows) and rows[i].target.key == t.key and rows[i].target.year == t.year else None
            if m is None or m.mean != m.mean:
                cells.append('<td class="num">—</td>')
                continue
            cls = "num" + ("" if t.status != "target" else " better" if m.met else " worse")
            text = f"{value_text(m.mean, t)} {interval_text(m)}".strip()
            verdict = f" ({met_text(m)})" if t.status == "target" else ""
            cells.append(f'<td class="{cls}">{_e(text + verdict)}</td>')
        body.append(
            f"<tr><td>{_e(t.key)} {t.year}</td><td>{_e(t.status)}</td>"
            f'<td class="num">{_e(value_text(t.value, t))}</td><td>{_e(t.unit)}</td><td>{_e(t.source)}</td>'
            f'<td class="num">{_e(tolerance_text(t))}</td>' + "".join(cells) + "</tr>"
        )
    out.append(
        f'<table class="validation"><tr><th>{tr("figure (published year)")}</th><th>{tr("status")}</th>'
        f"<th>{tr('published')}</th><th>{tr('unit')}</th><th>{tr('source')}</th><th>{tr('tolerance')}</th>{head}</tr>"
        + "".join(body)
        + "</table>"
    )
    return "\n".join(out)


def _plots_section(inputs: ReportInputs, tables: Mapping[str, ResultTables], resolved: Mapping[str, Mapping]) -> str:
    names = inputs.names
    chain = {n: read_chain_tables(inputs.run_dirs[n], tables[n].info) for n in names}
    makers = dict(standard_figures(tables))
    makers.update(comparison_figures(tables, chain, inputs.rows if inputs.paired else None, resolved))
    out = [f'<h2 id="plots">{tr("Plots")}</h2>']
    if not inputs.paired and len(names) > 1:
        out.append(
            tr('<p class="note">These runs were not paired: the plots show them side by side, without differences.</p>')
        )
    flows = [f for f in makers if f.startswith("route_flow")]  # one per scenario, shown together
    order: list[str] = []
    for f in PLOT_ORDER:
        if f == "route_flow.png":
            order += flows
        elif f in makers:
            order.append(f)
    order += [f for f in makers if f not in order]
    for k, name in enumerate(order, start=1):
        fig = makers[name]()
        suptitle = fig._suptitle  # type: ignore[attr-defined]  # private, not in the matplotlib stubs
        title = suptitle.get_text().replace("\n", " ") if suptitle is not None else name
        data = _png_data_uri(fig)
        caption = tr(CAPTIONS.get("route_flow.png" if name.startswith("route_flow") else name, ""))
        out.append(
            f'<figure id="fig-{k}"><img src="{data}" alt="{_e(title)}">'
            f"<figcaption><b>{tr('Figure')} {k}.</b> {_e(caption)}</figcaption></figure>"
        )
    return "\n".join(out)


def _png_data_uri(fig) -> str:
    """The figure as a PNG data URI. The plots are flat colours and text, so a 256-colour palette looks the same
    and makes the report about a third of the size (a workshop report is mailed around)."""
    buf = io.BytesIO()
    # no metadata: matplotlib would write its own name and web address into the PNG
    save_png(fig, buf, format="png", metadata={"Software": None})
    data = buf.getvalue()
    try:
        from PIL import Image  # a dependency of matplotlib

        with Image.open(io.BytesIO(data)) as im:
            small = io.BytesIO()
            im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(small, "PNG", optimize=True)
        if small.tell() < len(data):
            data = small.getvalue()
    except Exception:  # pragma: no cover - keep the full-colour PNG
        pass
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


# ------------------------------------------------------------------------------------------------ helpers


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)
