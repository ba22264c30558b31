"""The key-figure catalogue: for every key figure of ``kpis.csv`` (a metric, per group), what it is called in plain
words, its unit, the factor from the value in the file to that unit (a share becomes %), which way is better, and
the theme it is shown under. The report's tables and findings, the figures' labels and the console summary take
this knowledge from here, so a key figure is described the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from .kpis import BACKLOG_STAGES
from .labels import TranslatedLabels, decided_at, tr
from .labels import group_label as _group_label
from .results import FAST_TRACK, ROUTES


@dataclass(frozen=True)
class KeyFigure:
    """One metric of ``kpis.csv``. `label` may hold "{to}", where the lead time ends for the group's route
    ("OM decision" or "verdict"; "decision" without a route)."""

    metric: str
    label: str
    unit: str  # "days", "%", "cases per year", "cases", or "" (a plain ratio)
    scale: float  # value in kpis.csv × scale = value in `unit`
    better: int  # -1: lower is better, +1: higher is better, 0: no clear direction
    theme: str  # a key of THEMES
    groups: str  # what the group is: "route", "stage", "session type", "verdict", or "all" (the whole chain)


# Theme -> heading, in the order the themes are shown (in the current language, `sim.labels.tr`).
THEMES = TranslatedLabels(
    {
        "routes": "Routes",
        "windows": "Fast-track windows",
        "backlogs": "Backlogs",
        "sessions": "Court sessions",
        "sentences": "Sentences",
        "chain": "Chain",
        "court_norms": "Court norms",
        "capacity": "Capacity per station",
    }
)

KEY_FIGURES = {
    k.metric: k
    for k in (
        # routes: cases and lead times per route (registration -> OM decision or verdict, -> end of execution)
        KeyFigure("cases", "cases per year", "cases per year", 1.0, 0, "routes", "route"),
        KeyFigure("days_to_decision_p50", "median days to {to}", "days", 1.0, -1, "routes", "route"),
        KeyFigure("days_to_decision_p90", "90th percentile of days to {to}", "days", 1.0, -1, "routes", "route"),
        KeyFigure(
            "days_to_execution_end_p50",
            "median days from registration to end of execution",
            "days",
            1.0,
            -1,
            "routes",
            "route",
        ),
        # fast-track windows, per fast-track route
        KeyFigure("within_window_share", "heard within the legal window", "%", 100.0, 1, "windows", "route"),
        KeyFigure("fallbacks", "fall-backs per year", "cases per year", 1.0, -1, "windows", "route"),
        KeyFigure("window_days_max", "longest time to the verdict hearing", "days", 1.0, -1, "windows", "route"),
        # backlogs
        KeyFigure("backlog_end", "backlog at the end of intake", "cases", 1.0, -1, "backlogs", "stage"),
        KeyFigure("open_at_end", "cohort cases still open at the end of the run", "cases", 1.0, -1, "backlogs", "all"),
        # court sessions, per session type
        KeyFigure("session_fill_rate", "session fill rate", "%", 100.0, 1, "sessions", "session type"),
        KeyFigure("sessions_cancelled_share", "sessions cancelled", "%", 100.0, -1, "sessions", "session type"),
        KeyFigure("adjournments_per_hearing_case", "adjournments per case heard", "", 1.0, -1, "sessions", "all"),
        KeyFigure(
            "sessions_without_judges_share",
            "sessions not held: no judges or courtroom",
            "%",
            100.0,
            -1,
            "sessions",
            "session type",
        ),
        KeyFigure(
            "sessions_low_fill_share",
            "sessions cancelled below minimum fill",
            "%",
            100.0,
            -1,
            "sessions",
            "session type",
        ),
        KeyFigure(
            "sessions_closure_share",
            "sessions struck by a court closure",
            "%",
            100.0,
            -1,
            "sessions",
            "session type",
        ),
        KeyFigure(
            "cases_postponed",
            "cases postponed by cancelled sessions",
            "cases per year",
            1.0,
            -1,
            "sessions",
            "session type",
        ),
        # sentences, per verdict
        KeyFigure("sentences", "verdicts per year", "cases per year", 1.0, 0, "sentences", "verdict"),
        # decisions and sanctions as the published counts have them (sim/kpis.py sanction_kpis)
        KeyFigure(
            "sanctions_imposed",
            "sanctions imposed by judges per year",
            "cases per year",
            1.0,
            0,
            "sentences",
            "sanction",
        ),
        KeyFigure("om_decisions", "OM decisions per year", "cases per year", 1.0, 0, "sentences", "OM decision"),
        KeyFigure(
            "conditional_sepot_breached_share",
            "conditional sepots sent to court after a breach",
            "%",
            100.0,
            0,
            "sentences",
            "all",
        ),
        KeyFigure(
            "claims",
            "claims to execute suspended sentences per year",
            "cases per year",
            1.0,
            0,
            "sentences",
            "claim",
        ),
        KeyFigure(
            "days_claim_to_hearing_mean",
            "mean days from a claim to its hearing",
            "days",
            1.0,
            -1,
            "sentences",
            "all",
        ),
        # the chain as a whole
        KeyFigure("om_intake", "OM intake per year", "cases per year", 1.0, 0, "chain", "all"),
        KeyFigure("via_zsm_share", "share of OM intake via ZSM", "%", 100.0, 0, "chain", "all"),
        KeyFigure("returned_share", "share of OM intake returned to the police", "%", 100.0, -1, "chain", "all"),
        KeyFigure("strafbeschikkingen", "OM strafbeschikkingen per year", "cases per year", 1.0, 0, "chain", "all"),
        KeyFigure(
            "days_offence_to_execution_end_p50",
            "median days from offence to end of execution",
            "days",
            1.0,
            -1,
            "chain",
            "all",
        ),
        # the courts' norm figures (Rechtspraak: 90% within 5 weeks / 6 months of the first hearing)
        KeyFigure(
            "pr_within_5_weeks_share",
            "politierechter cases decided within 5 weeks of the first hearing",
            "%",
            100.0,
            1,
            "court_norms",
            "all",
        ),
        KeyFigure(
            "mk_within_6_months_share",
            "meervoudige kamer cases decided within 6 months of the first hearing",
            "%",
            100.0,
            1,
            "court_norms",
            "all",
        ),
        KeyFigure(
            "days_summons_to_first_hearing_mean",
            "mean days from summons to first hearing",
            "days",
            1.0,
            -1,
            "court_norms",
            "court queue",
        ),
        KeyFigure(
            "days_summons_to_first_hearing_p50",
            "median days from summons to first hearing",
            "days",
            1.0,
            -1,
            "court_norms",
            "court queue",
        ),
        # execution of custodial sentences: stocks on a published date, per calendar year (sim/custody.py)
        KeyFigure(
            "unfindable_convicts", "convicts sought, not yet found, on 31 December", "cases", 1.0, -1, "chain", "year"
        ),
        KeyFigure("prison_population_30sep", "persons in DJI places on 30 September", "cases", 1.0, 0, "chain", "year"),
        KeyFigure(
            "custodial_started_within_2y_share",
            "custodial sentences started within two years of the verdict",
            "%",
            100.0,
            1,
            "chain",
            "all",
        ),
        # capacity per station kind (stations.csv summed or averaged over districts; sim.kpis.station_kpis)
        KeyFigure("station_capacity", "capacity (fte; DJI: cells)", "", 1.0, 0, "capacity", "station"),
        KeyFigure("station_utilisation", "utilisation", "%", 100.0, 0, "capacity", "station"),
        KeyFigure("station_wait_days", "mean wait", "days", 1.0, -1, "capacity", "station"),
        KeyFigure("station_stock", "mean stock (waiting + in work)", "cases", 1.0, -1, "capacity", "station"),
    )
}

# The key figures of the "difference from the reference" figure, by panel (heading, unit, (metric, group) ...);
# "*" = every group present.
MAIN_DIFFERENCES = (
    (
        "Lead times",
        "days",
        tuple(("days_to_decision_p50", r) for r in ROUTES)
        + (("days_to_decision_p90", "regular"), ("days_offence_to_execution_end_p50", "all")),
    ),
    (
        "Fast-track windows, ZSM and court sessions",
        "%",
        tuple(("within_window_share", r) for r in FAST_TRACK) + (("via_zsm_share", "all"), ("session_fill_rate", "*")),
    ),
    (
        "Cases per year",
        "cases per year",
        tuple(("fallbacks", r) for r in FAST_TRACK) + tuple(("cases", r) for r in ROUTES),
    ),
    (
        "Backlogs at the end of intake, and cases still open",
        "cases",
        tuple(("backlog_end", s) for s in BACKLOG_STAGES) + (("open_at_end", "all"),),
    ),
)


# Key figures that are the largest value of each replication (the longest time to a fast-track hearing): their
# mean over replications is shown without an interval in the console, which would read as a norm with a margin.
MAXIMA = frozenset({"window_days_max"})


def key_figure(metric: str) -> KeyFigure:
    """The catalogue entry of a metric; one not in the catalogue is named by its own words, without a unit,
    neutral, under "chain", its groups taken for routes."""
    found = KEY_FIGURES.get(metric)
    if found is not None:
        return found
    return KeyFigure(metric, metric.replace("_", " "), "", 1.0, 0, "chain", "route")


def metrics_of(theme: str) -> tuple[str, ...]:
    """The metrics of a theme, in catalogue order."""
    return tuple(m for m, k in KEY_FIGURES.items() if k.theme == theme)


def metric_label(metric: str) -> str:
    """A metric's label without a group, e.g. for a column heading: "median days to decision"."""
    return tr(key_figure(metric).label).replace("{to}", tr("decision"))


def group_label(metric: str, group: str) -> str:
    """The readable name of a key figure's group: a route, a stage, a session type or a verdict ("" for "all")."""
    return _group_label(key_figure(metric).groups, group)


def describe_kpi(metric: str, group: str) -> tuple[str, str, float]:
    """(label, unit, factor) of a key figure in plain words, e.g. ("regular summons: median days to verdict",
    "days", 1.0); shares come as % (factor 100), their differences in percentage points."""
    k = key_figure(metric)
    what = tr(k.label).replace("{to}", tr(decided_at(group)))
    g = group_label(metric, group)
    return (f"{g}: {what}" if g else what), tr(k.unit), k.scale


def difference_unit(unit: str) -> str:
    """The unit of a difference of two values in `unit`: shares differ in percentage points."""
    return tr("percentage points") if unit == "%" else unit


def better(metric: str) -> int:
    """Which way a metric is better: -1 lower, +1 higher, 0 no clear direction (cases per route, intake, ...)."""
    return key_figure(metric).better


# The chain's goals, in the order the report's summary speaks of them, each with the key figures that measure it.
# The summary picks its findings from these (a figure with no clear direction, such as cases per route, is never a
# headline): the end-to-end lead time first (the Actieplan's measure), then the legal windows, the norms, the
# stocks, the fall-backs and the lead time per route.
GOALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("end-to-end lead time", ("days_offence_to_execution_end_p50", "days_to_execution_end_p50")),
    ("fast-track windows", ("within_window_share",)),
    ("norms", ("pr_within_5_weeks_share", "mk_within_6_months_share", "custodial_started_within_2y_share")),
    ("stocks", ("backlog_end", "open_at_end", "unfindable_convicts")),
    ("fall-backs", ("fallbacks",)),
    ("lead time per route", ("days_to_decision_p50", "days_to_decision_p90")),
)


def goal_of(metric: str) -> int | None:
    """The position of the chain goal a metric measures in `GOALS`, or None if it measures none."""
    for k, (_, metrics) in enumerate(GOALS):
        if metric in metrics:
            return k
    return None
