"""Key figures: per replication from the case records, then over replications with 95% confidence intervals.

The tidy table has columns ``metric, group, mean, ci_low, ci_high, n``; `n` is the number of replications that gave
a value, and the interval is the Student-t interval of the replication means (empty with one replication).

Cases count when they were registered after the warm-up and before the end of the horizon. Lead times are taken over
the cases of that cohort that reached the step before the run ended (the run-out period after the horizon lets most
of them finish; what is still open is censored and reported by `open_at_end`). Routes are the route a case was
finally decided in, after fall-backs; `route_initial` in the case records keeps the OM's first choice.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from scipy.special import stdtrit as t_quantile  # Student's t quantile: scipy.stats.t.ppf's numbers, not its import

from .domain import (
    COURT_ROUTES,
    FAST_TRACK_ROUTES,
    OM_DECISIONS,
    REGULAR_QUEUES,
    SANCTION_PARTS,
    STAGES,
    Channel,
    CourtQueue,
    Outcome,
    Route,
    SessionStatus,
    Verdict,
    fallback_bit,
    sanction_bit,
)
from .scenario import Scenario

BACKLOG_STAGES = STAGES + ("advice_reports",)  # the backlog table's columns: every stage, and reports in progress


@dataclass(frozen=True)
class KpiRow:
    metric: str
    group: str
    mean: float
    ci_low: float
    ci_high: float
    n: int
    breakdown: str = "all"  # "all", or "region=<name>" / "stream=<name>" for a breakdown


BREAKDOWNS = ("region", "stream")


def _pct(x: np.ndarray, q: float) -> float:
    x = x[~np.isnan(x)]
    return float(np.percentile(x, q)) if x.size else math.nan


def cohort_mask(columns: dict[str, np.ndarray], scenario: Scenario) -> np.ndarray:
    """Cases registered after the warm-up and before the end of the horizon: the cases key figures are about."""
    reg = columns["t_registration"]
    return (reg >= scenario.warmup_days) & (reg < scenario.horizon_days)


def case_kpis(c: dict[str, np.ndarray], cohort: np.ndarray, years: float) -> dict[tuple[str, str], float]:
    """The key figures that come from case records alone, over the cases in `cohort` (a mask): routes, lead
    times, fast-track windows, sentences. Used for the whole chain and for each region or stream."""
    out: dict[tuple[str, str], float] = {}
    reg = c["t_registration"]
    route = c["route"]
    court_time = c["t_verdict"] - reg
    om_time = c["t_decision"] - reg
    to_exec_end = c["t_exec_end"] - reg
    intake = cohort & ~np.isnan(c["t_om_intake"])
    out[("om_intake", "all")] = intake.sum() / years
    out[("via_zsm_share", "all")] = float(np.mean(c["channel"][intake] == Channel.ZSM)) if intake.any() else math.nan
    out[("open_at_end", "all")] = float(np.sum(cohort & (c["outcome"] == Outcome.OPEN)))
    for r in Route:
        name = r.key
        sel = cohort & (route == r)
        out[("cases", name)] = sel.sum() / years
        lead = om_time[sel] if r.decided_by_om else court_time[sel]
        out[("days_to_decision_p50", name)] = _pct(lead, 50)
        out[("days_to_decision_p90", name)] = _pct(lead, 90)
        out[("days_to_execution_end_p50", name)] = _pct(to_exec_end[sel], 50)
    out[("cases", "undecided")] = np.sum(cohort & (route < 0)) / years
    heard = ~np.isnan(c["t_verdict"])
    for r in FAST_TRACK_ROUTES:
        name = r.key
        in_route = cohort & (route == r) & heard & ~c["verzet"]
        fell = cohort & ((c["fell_back_from"] & fallback_bit(r)) != 0)
        wd = c["t_verdict"][in_route] - c["t_window_start"][in_route]
        out[("window_days_max", name)] = float(np.max(wd)) if wd.size else math.nan
        total = in_route.sum() + fell.sum()
        out[("within_window_share", name)] = in_route.sum() / total if total else math.nan
        out[("fallbacks", name)] = fell.sum() / years
    for v in Verdict:
        out[("sentences", v.key)] = np.sum(cohort & heard & (c["verdict"] == v)) / years
    out[("strafbeschikkingen", "all")] = np.sum(cohort & (c["route_initial"] == Route.STRAFBESCHIKKING)) / years
    executed = cohort & ~np.isnan(c["t_exec_end"])
    out[("days_offence_to_execution_end_p50", "all")] = _pct(c["t_exec_end"][executed] - c["t_offence"][executed], 50)
    out[("adjournments_per_hearing_case", "all")] = (
        float(np.mean(c["adjournments"][cohort & heard])) if (cohort & heard).any() else math.nan
    )
    out[("returned_share", "all")] = float(np.mean(c["returns"][intake] > 0)) if intake.any() else math.nan
    if "court_queue" in c:
        out.update(court_norm_kpis(c, cohort))
    if "sanctions" in c:
        out.update(sanction_kpis(c, cohort, years))
    return out


SANCTION_GROUPS = ("custodial_any",) + tuple(v.key for v in SANCTION_PARTS)
OM_DECISION_GROUPS = tuple(r.key for r in OM_DECISIONS) + ("summons",)


def sanction_kpis(c: dict[str, np.ndarray], cohort: np.ndarray, years: float) -> dict[tuple[str, str], float]:
    """Decisions and sanctions as the published counts have them, per year of the cohort:

    * ``sanctions_imposed`` per part of the sentences judges imposed (a combined sentence counts once for each of its
      parts; cal:straffen_gevangenisstraf, straffen_taakstraf, straffen_geldboete): ``custodial`` an unconditional
      custodial part, ``suspended`` a suspended custodial part, ``custodial_any`` either (the C&R count of
      gevangenisstraffen, wholly or partly suspended included), ``taakstraf``, ``fine``;
    * ``om_decisions`` per OM decision, as first taken (``route_initial``): the OM's own decisions and ``summons``;
    * ``conditional_sepot_breached_share``: of the cohort's conditional sepots, the share sent to court after a
      breach of the conditions;
    * claims to execute suspended sentences: ``claims`` filed, ``claims_heard`` and ``claims_granted`` per year of
      the cohort, and ``days_claim_to_hearing_mean``."""
    out: dict[tuple[str, str], float] = {}
    judged = cohort & ~np.isnan(c["t_verdict"])
    parts = c["sanctions"][judged].astype(np.int16)
    for v in SANCTION_PARTS:
        out[("sanctions_imposed", v.key)] = float(np.count_nonzero(parts & sanction_bit(v))) / years
    any_custodial = sanction_bit(Verdict.CUSTODIAL) | sanction_bit(Verdict.SUSPENDED)
    out[("sanctions_imposed", "custodial_any")] = float(np.count_nonzero(parts & any_custodial)) / years
    initial = c["route_initial"][cohort]
    for r in OM_DECISIONS:
        out[("om_decisions", r.key)] = float(np.count_nonzero(initial == r)) / years
    out[("om_decisions", "summons")] = float(np.count_nonzero(np.isin(initial, COURT_ROUTES))) / years
    conditional = cohort & (c["route_initial"] == Route.CONDITIONAL_SEPOT)
    breached = conditional & (c["route"] != Route.CONDITIONAL_SEPOT)
    out[("conditional_sepot_breached_share", "all")] = (
        float(breached.sum() / conditional.sum()) if conditional.any() else math.nan
    )
    filed = c["t_claim"][cohort]
    heard = c["t_claim_hearing"][cohort]
    out[("claims", "filed")] = float(np.count_nonzero(~np.isnan(filed))) / years
    out[("claims", "heard")] = float(np.count_nonzero(~np.isnan(heard))) / years
    out[("claims", "granted")] = float(np.count_nonzero(c["claim_granted"][cohort])) / years
    wait = (heard - filed)[~np.isnan(heard)]
    out[("days_claim_to_hearing_mean", "all")] = float(np.mean(wait)) if wait.size else math.nan
    return out


PR_NORM_DAYS = 35.0  # the Rechtspraak's norm: politierechter cases decided within 5 weeks of the first hearing
MK_NORM_DAYS = 365.25 / 2  # meervoudige kamer cases within 6 months of the first hearing


def court_norm_kpis(c: dict[str, np.ndarray], cohort: np.ndarray) -> dict[tuple[str, str], float]:
    """The courts' own norm figures, over the cohort's verdicts: the share decided within 5 weeks (politierechter:
    every queue but the meervoudige kamer, fast-track sessions included, as the Rechtspraak counts them) or 6
    months (meervoudige kamer) **of the first hearing**; and, for regular summonses, the wait from the summons to
    the first hearing (verzet cases, which have no summons, left out)."""
    out: dict[tuple[str, str], float] = {}
    queue = c["court_queue"]
    decided = cohort & (queue >= 0)
    after_first = c["t_verdict"] - c["t_first_hearing"].astype(np.float64)
    pr = decided & (queue != CourtQueue.REGULAR_MK)
    mk = decided & (queue == CourtQueue.REGULAR_MK)
    out[("pr_within_5_weeks_share", "all")] = float(np.mean(after_first[pr] <= PR_NORM_DAYS)) if pr.any() else math.nan
    out[("mk_within_6_months_share", "all")] = float(np.mean(after_first[mk] <= MK_NORM_DAYS)) if mk.any() else math.nan
    wait = c["t_first_hearing"].astype(np.float64) - c["t_decision"]
    # summoned after a breached conditional sepot: its t_decision is the sepot's, not the summons'
    initial = c.get("route_initial")
    breached = initial == Route.CONDITIONAL_SEPOT if initial is not None else np.zeros(queue.size, bool)
    for q in REGULAR_QUEUES:
        sel = decided & (queue == q) & ~c["verzet"] & ~breached
        out[("days_summons_to_first_hearing_mean", q.key)] = float(np.mean(wait[sel])) if sel.any() else math.nan
        out[("days_summons_to_first_hearing_p50", q.key)] = _pct(wait[sel], 50)
    return out


def replication_kpis(
    columns: dict[str, np.ndarray],
    backlog: np.ndarray,
    sessions: dict[str, np.ndarray],
    session_types: list[str],
    scenario: Scenario,
    by: str | None = None,
    backlog_by_region: np.ndarray | None = None,
) -> dict[tuple, float]:
    """All key figures of one replication, keyed by (metric, group); with `by` ("region" or "stream") also the
    case figures per region or stream, keyed by (metric, group, "region=<name>"), and per region also the backlogs
    (from `backlog_by_region`, [day, region, stage]) and the court sessions."""
    c = columns
    cohort = cohort_mask(c, scenario)
    years = (scenario.horizon_days - scenario.warmup_days) / 365.25
    out: dict[tuple, float] = case_kpis(c, cohort, years)
    day_end = min(int(math.floor(scenario.horizon_days)), backlog.shape[0] - 1)
    for s, name in enumerate(BACKLOG_STAGES):
        out[("backlog_end", name)] = float(backlog[day_end, s])
    out.update(session_kpis(sessions, session_types, scenario, years))
    out.update(custody_kpis(c, scenario))
    if by is not None:
        if by not in BREAKDOWNS:
            raise ValueError(f"breakdown must be one of {BREAKDOWNS}, got {by!r}")
        names = list(scenario.regions) if by == "region" else list(scenario.intake.streams)
        codes = c[by]
        for i, name in enumerate(names):
            part = f"{by}={name}"
            for (metric, group), v in case_kpis(c, cohort & (codes == i), years).items():
                out[(metric, group, part)] = v
            if by != "region":
                continue
            if backlog_by_region is not None:
                for s, stage in enumerate(STAGES):
                    out[("backlog_end", stage, part)] = float(backlog_by_region[day_end, i, s])
            here = {k: v[sessions["region"] == i] for k, v in sessions.items()}
            for (metric, group), v in session_kpis(here, session_types, scenario, years).items():
                out[(metric, group, part)] = v
    return out


def session_kpis(
    sessions: dict[str, np.ndarray], session_types: list[str], scenario: Scenario, years: float
) -> dict[tuple[str, str], float]:
    """The court sessions' key figures per session type, over the sessions planned in the intake window: fill of
    those held, and the shares not held for each reason."""
    out: dict[tuple[str, str], float] = {}
    t = sessions["time"]
    window = sessions["held"] & (t >= scenario.warmup_days) & (t < scenario.horizon_days)
    for k, name in enumerate(session_types):
        sel = window & (sessions["session_type"] == k)
        slots = sessions["slots"][sel].sum()
        out[("session_fill_rate", name)] = sessions["used"][sel].sum() / slots if slots else math.nan
        planned = (sessions["session_type"] == k) & (t >= scenario.warmup_days) & (t < scenario.horizon_days)
        status = sessions.get("status")
        if status is None:  # a session table without reasons: every session not held was without an officier
            out[("sessions_cancelled_share", name)] = (
                float(np.mean(~sessions["held"][planned])) if planned.any() else math.nan
            )
            continue
        st = status[planned]
        out[("sessions_cancelled_share", name)] = (
            float(np.mean(st == SessionStatus.NO_OFFICIER)) if planned.any() else math.nan
        )
        no_capacity = (st == SessionStatus.NO_JUDGES) | (st == SessionStatus.NO_COURTROOM)
        out[("sessions_without_judges_share", name)] = float(np.mean(no_capacity)) if planned.any() else math.nan
        out[("sessions_low_fill_share", name)] = (
            float(np.mean(st == SessionStatus.LOW_FILL)) if planned.any() else math.nan
        )
        out[("sessions_closure_share", name)] = (
            float(np.mean(st == SessionStatus.CLOSURE)) if planned.any() else math.nan
        )
        postponed = sessions.get("postponed")
        if postponed is not None:  # booked cases of cancelled sessions (low fill, closure), planned again
            out[("cases_postponed", name)] = (
                float(postponed[planned].sum()) / years if planned.any() and years > 0 else math.nan
            )
    return out


def _count_in(start: np.ndarray, end: np.ndarray, t: float) -> int:
    """Cases whose interval [start, end) holds time `t`; an end of nan is open (still in it at the end of the run)."""
    return int(np.sum((start <= t) & ~(end <= t)))


def unfindable_convicts_at(c: dict[str, np.ndarray], t: float) -> int:
    """Convicts sought by the police to serve a custodial sentence or replacement detention and not yet found at
    `t` (cal:onvindbare_veroordeelden counts them on a date)."""
    return _count_in(c["t_sought"], c["t_found"], t)


def prison_population_at(c: dict[str, np.ndarray], t: float) -> int:
    """Persons in DJI places at `t`: suspects on remand (bewaring, gevangenhouding, held after the verdict) and
    convicts serving a sentence or replacement detention (cal:gevangeniswezen_populatie_30sep); police custody is
    not counted (police cells)."""
    remand = _count_in(c["t_remand_start"], c["t_custody_end"], t)
    # the stay ends when the place is left (a taakstraf may follow); results from before that column: execution end
    end = c["t_detention_end"] if "t_detention_end" in c else c["t_exec_end"]
    return remand + _count_in(c["t_detention_start"], end, t)


TWO_YEARS = 730.5


def custody_kpis(c: dict[str, np.ndarray], scenario: Scenario) -> dict[tuple[str, str], float]:
    """Execution of custodial sentences and the stocks DJI and the police publish on a date, in every calendar
    year between the warm-up and the end of intake (the run-out drains the chain): the unfindable convicts on 31 December (at the end of the day), the prison
    population on 30 September; and the share of custodial sentences started within two years of the verdict
    (cal:vrijheidsstraffen_per_jaar: 89% in 2019), over verdicts at least two years before the end of the run."""
    out: dict[tuple[str, str], float] = {}
    end = scenario.total_days
    last = scenario.horizon_days
    for year in range(scenario.start_date.year, scenario.start_date.year + int(end // 365) + 2):
        dec31 = scenario.day_of(dt.date(year + 1, 1, 1))
        if scenario.warmup_days <= dec31 <= last:
            out[("unfindable_convicts", str(year))] = float(unfindable_convicts_at(c, dec31))
        sep30 = scenario.day_of(dt.date(year, 9, 30))
        if scenario.warmup_days <= sep30 <= last:
            out[("prison_population_30sep", str(year))] = float(prison_population_at(c, sep30))
    custodial = (c["verdict"] == Verdict.CUSTODIAL) & ~np.isnan(c["t_verdict"]) & (c["t_verdict"] <= end - TWO_YEARS)
    custodial &= c["t_verdict"] >= scenario.warmup_days
    if custodial.any():
        started = c["t_detention_start"][custodial] - c["t_verdict"][custodial] <= TWO_YEARS
        out[("custodial_started_within_2y_share", "all")] = float(np.mean(started))
    else:
        out[("custodial_started_within_2y_share", "all")] = math.nan
    return out


def summarise(per_rep: list[dict[tuple[str, str], float]]) -> list[KpiRow]:
    """Mean and 95% Student-t interval over replications, for every (metric, group) in the first replication."""
    rows = []
    for key in per_rep[0]:
        mean, lo, hi, n = mean_ci([r.get(key, math.nan) for r in per_rep])
        rows.append(KpiRow(key[0], key[1], mean, lo, hi, n, key[2] if len(key) > 2 else "all"))
    return rows


def mean_ci(values) -> tuple[float, float, float, int]:
    """Mean and 95% Student-t interval of the non-NaN values, and how many there were."""
    vals = np.asarray(values, float)
    vals = vals[~np.isnan(vals)]
    n = vals.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(vals.mean())
    if n < 2:
        return mean, math.nan, math.nan, n
    half = float(t_quantile(n - 1, 0.975) * vals.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half, n


def paired_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of b - a over paired replications with its 95% interval."""
    mean, lo, hi, _ = mean_ci(np.asarray(b, float) - np.asarray(a, float))
    return mean, lo, hi


def write_csv(rows: list[KpiRow], path) -> None:
    """`kpis.csv`: the whole-chain rows. Breakdown rows, if any, go beside it to `kpis_by_<region|stream>.csv`
    with the breakdown's name as an extra column."""
    import csv
    from pathlib import Path

    path = Path(path)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["metric", "group", "mean", "ci_low", "ci_high", "n"])
        for r in rows:
            if r.breakdown == "all":
                w.writerow([r.metric, r.group, _fmt(r.mean), _fmt(r.ci_low), _fmt(r.ci_high), r.n])
    split = [r for r in rows if r.breakdown != "all"]
    if split:
        by = split[0].breakdown.partition("=")[0]
        with open(path.with_name(f"{path.stem}_by_{by}.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["metric", "group", by, "mean", "ci_low", "ci_high", "n"])
            for r in split:
                w.writerow(
                    [
                        r.metric,
                        r.group,
                        r.breakdown.partition("=")[2],
                        _fmt(r.mean),
                        _fmt(r.ci_low),
                        _fmt(r.ci_high),
                        r.n,
                    ]
                )


def read_csv(path, by: str | None = None) -> list[KpiRow]:
    """The rows of ``kpis.csv``; with `by` ("region", "stream") those of ``kpis_by_<by>.csv``, their breakdown
    ``<by>=<name>``."""
    import csv

    with open(path, newline="") as fh:
        return [
            KpiRow(
                r["metric"],
                r["group"],
                float(r["mean"] or "nan"),
                float(r["ci_low"] or "nan"),
                float(r["ci_high"] or "nan"),
                int(r["n"]),
                breakdown="all" if by is None else f"{by}={r[by]}",
            )
            for r in csv.DictReader(fh)
        ]


def _fmt(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.6g}"


# Capacity per station kind (the rows of stations.csv, summed or averaged over districts): what "capacity need per
# partner" is read from.
STATION_METRICS = ("station_capacity", "station_utilisation", "station_wait_days", "station_stock")


def station_kpis(stations: list[dict], by: str | None = None) -> dict[tuple, float]:
    """Per station kind (`group` of stations.csv): capacity in its planning unit (summed over districts),
    utilisation (capacity-weighted mean: work done / hours available), mean wait in days (over the cases started)
    and mean stock, waiting or in work (summed). With `by="region"` also per district, keyed (metric, group,
    "region=<name>"); national pools appear there under no district."""
    out: dict[tuple, float] = {}
    groups: dict[str, list[dict]] = {}
    for st in stations:
        groups.setdefault(st["group"], []).append(st)
    for group, rows in groups.items():
        out.update(_station_figures(rows, (group,)))
        if by == "region":
            for st in rows:
                if st["region"] != "national":
                    out.update(_station_figures([st], (group, f"region={st['region']}")))
    return out


def _station_figures(rows: list[dict], key: tuple) -> dict[tuple, float]:
    cap = [st["capacity_mean"] for st in rows]
    finite = all(math.isfinite(c) for c in cap)
    total_cap = float(sum(cap)) if finite else math.nan
    util = [(st["utilisation"], c) for st, c in zip(rows, cap) if c > 0 and not math.isnan(st["utilisation"])]
    started = sum(st["started"] for st in rows)
    wait = sum(st["mean_wait_days"] * st["started"] for st in rows if st["started"]) / started if started else math.nan
    return {
        ("station_capacity", *key): total_cap,
        ("station_utilisation", *key): (
            sum(u * c for u, c in util) / sum(c for _, c in util) if finite and util else math.nan
        ),
        ("station_wait_days", *key): wait,
        ("station_stock", *key): float(sum(st["mean_stock"] for st in rows)),
    }
