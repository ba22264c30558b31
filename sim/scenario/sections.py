"""The chain's sections: police, prosecution (OM), advice, courts, appeal and execution, and `ChainConfig`, the stage
parameters of one region. Also which of the chain's capacities are split over regions and which are national."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from ..domain import COURT_QUEUES, COURT_ROUTES, FAST_TRACK, ROUTES, VERDICTS
from .base import Base, Date, NonNegFloat, PosFloat, Share
from .durations import DurationSpec
from .schedules import CapacitySched, Schedule, SessionsSched, ShareSched, SlotsSched

COURT_ROUTE_KEYS = tuple(r.key for r in COURT_ROUTES)


def _check_mix(mix: dict[str, Schedule], allowed: tuple[str, ...], what: str) -> dict[str, Schedule]:
    unknown = sorted(set(mix) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; allowed: {list(allowed)}")
    dates = sorted({d for s in mix.values() for d, _ in s.points})
    for d in dates:
        total = sum(s.at_date(d) for s in mix.values())
        if abs(total - 1.0) > 1e-6:
            when = "" if d == dt.date.min else f" from {d.isoformat()}"
            raise ValueError(f"shares must sum to 1, they sum to {total:.6g}{when}")
    return mix


class DecisionMixConfig(Base):
    """OM decision shares for one stream: at the ZSM desk for arrested suspects (the only ones who can be tried
    while detained), at the ZSM desk for other suspects, and in regular OM handling. Where a mix for suspects who
    are not held names a detained route, those cases get snelrecht for suspects who are not detained."""

    zsm_arrested: dict[str, ShareSched]
    zsm: dict[str, ShareSched]
    regular: dict[str, ShareSched]

    @field_validator("zsm_arrested", "zsm", "regular")
    @classmethod
    def _sums(cls, v):
        return _check_mix(v, ROUTES, "routes")


def _replaced(data: Any, replaced: dict[str, str]) -> Any:
    """Refuse a key of the old format with the keys that replaced it (issue 9: capacities in planning units)."""
    if isinstance(data, dict):
        old = [k for k in replaced if k in data]
        if old:
            raise ValueError("; ".join(f"{k!r} was replaced: {replaced[k]}" for k in old))
    return data


_STAFF_KEYS = "fte (staff in fte), hours_per_fte_per_week and work_hours (hours of work per case)"


class PoliceConfig(Base):
    """Detectives in fte: an fte works `hours_per_fte_per_week` productive hours on this chain's cases; a case
    without an arrest needs `investigation_hours` of detective work, an investigated offence without a known
    suspect (selectiviteitskader) `no_suspect_investigation_hours`. Waiting for results is `file_completion`."""

    detective_fte: CapacitySched  # detectives on this chain's cases, fte (national; split over regions)
    hours_per_fte_per_week: PosFloat  # productive hours an fte spends on cases
    investigation_hours: DurationSpec  # detective hours per case without an arrest
    no_suspect_investigation_hours: DurationSpec = 0.0  # type: ignore[assignment]  # per investigated offence without a known suspect
    file_completion: DurationSpec  # finishing the PV and case file, after the investigation (a lead time, no work)
    arrest_processing: DurationSpec  # arrest to PV at the ZSM desk (inside ophouden)
    initial_stock: NonNegFloat = 0.0  # investigations waiting at the start (national; split over regions)

    @model_validator(mode="before")
    @classmethod
    def _old_keys(cls, data):
        return _replaced(
            data,
            {
                "detectives": "detective_fte (detectives in fte) with hours_per_fte_per_week",
                "investigation": "investigation_hours (detective hours per case)",
            },
        )


class DeskConfig(Base):
    """An OM desk (ZSM or regular handling) staffed by officieren and parketsecretarissen in fte; each fte works
    `hours_per_fte_per_week` hours spread over the opening hours; a case needs `work_hours` of their work, and then
    waits `lead_time` days for what is not work (information, the suspect's lawyer, post) before the decision."""

    fte: CapacitySched  # officieren + parketsecretarissen on these cases, fte (national; split over regions)
    hours_per_fte_per_week: PosFloat  # productive hours an fte spends on cases
    work_hours: DurationSpec  # hours of OM work per case
    lead_time: DurationSpec = 0.0  # type: ignore[assignment]  # days after the work before the decision; not work
    initial_stock: NonNegFloat = 0.0  # cases waiting at the start (national; split over regions)
    return_share: ShareSched = 0.0  # returned to police for more investigation
    open_hour: Annotated[float, Field(ge=0, le=24)] = 0.0
    close_hour: Annotated[float, Field(ge=0, le=24)] = 24.0
    open_weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default=[0, 1, 2, 3, 4, 5, 6], min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _old_keys(cls, data):
        return _replaced(data, {"staff": _STAFF_KEYS, "handling": _STAFF_KEYS})

    @model_validator(mode="after")
    def _hours(self):
        if self.close_hour <= self.open_hour:
            raise ValueError("close_hour must be after open_hour")
        return self

    @property
    def open_hours_per_week(self) -> float:
        return (self.close_hour - self.open_hour) * len(set(self.open_weekdays))


class StrafbeschikkingConfig(Base):
    fine_share: ShareSched  # rest is taakstraf
    verzet_share: ShareSched = 0.0
    verzet_delay: DurationSpec = 14.0  # type: ignore[assignment]  # the before-validator makes a number a FixedSpec; decision to verzet reaching the court


class ConditionalSepotConfig(Base):
    """A conditional dismissal (voorwaardelijk sepot, art. 167 Sv): the case leaves the chain with its own outcome
    unless the suspect breaches the conditions within the probation period; then the OM summons him after all."""

    probation: DurationSpec = 730.0  # type: ignore[assignment]  # days of the probation period
    breach_share: ShareSched = 0.0  # share breached within the probation: summoned (regular route)


def _default_fallback() -> dict[str, Literal["snelrecht_detained", "snelrecht_not_detained", "regular"]]:
    return {
        "supersnelrecht": "snelrecht_detained",
        "snelrecht_detained": "regular",
        "snelrecht_not_detained": "regular",
    }


class ProsecutionConfig(Base):
    zsm: DeskConfig
    regular: DeskConfig
    zsm_share_not_arrested: dict[str, ShareSched]  # per stream; arrested suspects always go to ZSM
    info_wait: DurationSpec  # ZSM: waiting for information before deciding a case without a held suspect
    rework: DurationSpec  # police rework of a returned case
    decision_mix: dict[str, DecisionMixConfig]  # per stream
    strafbeschikking: StrafbeschikkingConfig
    conditional_sepot: ConditionalSepotConfig = Field(default_factory=ConditionalSepotConfig)
    # verzet cases are heard by a route whose window does not run from an arrest long past
    verzet_queue: Literal["snelrecht_not_detained", "regular_pr", "regular_mk"] = "regular_pr"
    fallback: dict[str, Literal["snelrecht_detained", "snelrecht_not_detained", "regular"]] = Field(
        default_factory=_default_fallback
    )

    @field_validator("fallback")
    @classmethod
    def _fallback(cls, v):
        if set(v) != set(FAST_TRACK):
            raise ValueError(f"fallback must name a slower route for each of {list(FAST_TRACK)}")
        order = {"supersnelrecht": 0, "snelrecht_detained": 1, "snelrecht_not_detained": 2, "regular": 3}
        for a, b in v.items():
            if order[b] <= order[a]:
                raise ValueError(f"fallback of {a} must be a slower route, got {b}")
        return v


class AdviceKindConfig(Base):
    """Report writers in fte (national): a report needs `work_hours` of a writer's work; `duration` is the lead
    time around it that is not work (appointments with the suspect, information from others), in days."""

    applies_to: Literal["adult", "youth", "all"] = "all"
    share: dict[str, ShareSched]  # per stream: share of court cases needing this report
    fte: CapacitySched  # report writers, fte (national)
    hours_per_fte_per_week: PosFloat  # productive hours an fte spends on reports
    work_hours: DurationSpec  # writer's hours per report
    duration: DurationSpec  # lead time of a report besides the work, days

    @model_validator(mode="before")
    @classmethod
    def _old_keys(cls, data):
        return _replaced(data, {"capacity": "fte (report writers in fte) with hours_per_fte_per_week and work_hours"})

    routes: list[Literal["supersnelrecht", "snelrecht_detained", "snelrecht_not_detained", "regular"]] = Field(
        default=["snelrecht_detained", "snelrecht_not_detained", "regular"]
    )  # court routes whose cases may need this report


class SessionTypeConfig(Base):
    per_week: SessionsSched  # sessions per week (national; split over regions)
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default=[0, 1, 2, 3, 4], min_length=1)
    slots: SlotsSched  # cases per session (rounded to whole slots)
    officier_share: ShareSched = 1.0  # share of sessions with an officier available; others are cancelled
    serves: list[Literal[COURT_QUEUES]] = Field(min_length=1)  # type: ignore[valid-type]
    fill_from_backlog: bool = False  # slots still free when it opens to others take ready-to-plan politierechter cases
    judges: Annotated[int, Field(ge=0)] = 1  # judges sitting in one session (one dagdeel each)
    # queues that may book the slots at any time; empty: every queue it serves may. The other queues it serves,
    # backlog politierechter cases (fill_from_backlog) and verzet take the slots still free `open_to_others_days`
    # before it sits
    reserved_for: list[Literal[COURT_QUEUES]] = Field(default_factory=list)  # type: ignore[valid-type]
    open_to_others_days: NonNegFloat = 0.0
    min_cases: Annotated[int, Field(ge=0)] = 0  # a fast session with fewer booked cases is cancelled, cases rebooked
    min_cases_days: NonNegFloat = 1.0  # how many days before it sits the minimum fill is checked
    on_call: bool = False  # held only when a case is booked; reserves no judge dagdeel or courtroom in the roster

    @model_validator(mode="after")
    def _reserved_served(self):
        extra = sorted(set(self.reserved_for) - set(self.serves))
        if extra:
            raise ValueError(f"reserved_for names queues the session type does not serve: {extra}")
        return self


class CombinedSanctionsConfig(Base):
    """Verdicts that combine sanctions: beside the principal sanction of the verdict mix, a share gets a second part.
    A custodial sentence may be partly suspended and may come with a taakstraf; a taakstraf or a fine may come with a
    suspended custodial sentence."""

    custodial_suspended_share: ShareSched = 0.0  # custodial verdicts partly suspended
    custodial_taakstraf_share: ShareSched = 0.0  # custodial verdicts with a taakstraf too
    taakstraf_suspended_share: ShareSched = 0.0  # taakstraf verdicts with a suspended custodial sentence
    fine_suspended_share: ShareSched = 0.0  # fine verdicts with a suspended custodial sentence


class SuspendedConfig(Base):
    """Suspended sentences (voorwaardelijk, art. 14a Sr): a probation period from the final judgment; a share comes
    back as a claim to execute them (vordering tenuitvoerlegging, art. 14g Sr), filed within the probation and heard
    in a session that serves the ``claim`` queue; a granted claim sends the suspended part to execution."""

    probation: DurationSpec = 730.0  # type: ignore[assignment]  # days of the probation period
    claim_share: ShareSched = 0.0  # share of suspended sentences with a claim to execute them
    claim_granted_share: ShareSched = 1.0  # share of claims the court grants
    length: DurationSpec = 30.0  # type: ignore[assignment]  # days to serve when a claim is granted


class ClosureConfig(Base):
    """A court closure (corona spring 2020, a strike, a building shut): on `announced` (default: `from`) a share of
    the sessions of the named types that would sit from `from` up to (not including) `until` is cancelled. The
    cases already booked into them are *postponed*: planned again from that day, a regular case with a new summons
    term, a fast-track case inside its legal window or it falls back (counted per session in ``sessions.parquet``,
    column ``postponed``). Pro-forma hearings of detained suspects (art. 66 Sv) still sit: urgent, as in 2020.
    Unlike a lower `per_week` from a date, which the planners know from the start of the run and never book cases
    into, a closure strikes sessions the roster had already filled."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, populate_by_name=True)

    start: Date = Field(alias="from")
    until: Date
    share: Share = 1.0  # of the sessions in the period, drawn per session
    session_types: list[str] = Field(default_factory=list)  # empty: every session type
    announced: Date | None = None  # when the sessions are struck (default: `from`); not after `until`

    @model_validator(mode="after")
    def _period(self):
        if self.until <= self.start:
            raise ValueError(f"until ({self.until}) must be after from ({self.start})")
        if self.announced is not None and self.announced >= self.until:
            raise ValueError(f"announced ({self.announced}) must be before until ({self.until})")
        return self


class CourtsConfig(Base):
    sessions: dict[str, SessionTypeConfig] = Field(min_length=1)
    closures: list[ClosureConfig] = Field(default_factory=list)  # sessions struck after they were planned
    mk_share: dict[str, ShareSched]  # per stream: share of regular summons to the meervoudige kamer
    adjournment_share: ShareSched = 0.0  # per hearing: file incomplete, defence not ready
    adjournment_min_days: NonNegFloat = 1.0  # earliest next hearing after an adjournment (regular cases)
    fast_track_adjournment_min_days: NonNegFloat = 1.0  # the same for a fast-track case (inside its window)
    planning_horizon_weeks: Annotated[float, Field(gt=0)] = 26.0  # the roster: how far ahead sessions are plannable
    judge_dagdelen_per_week: CapacitySched = float("inf")  # judge dagdelen for these sessions (national; split)
    courtrooms: CapacitySched = float("inf")  # sessions at once per dagdeel, two dagdelen a day (national; split)
    preparation_days: NonNegFloat = 0.0  # decision to earliest fast-track hearing
    verdict_mix: dict[str, dict[str, ShareSched]]  # per route
    combined: CombinedSanctionsConfig = Field(default_factory=CombinedSanctionsConfig)
    suspended: SuspendedConfig = Field(default_factory=SuspendedConfig)

    @field_validator("verdict_mix")
    @classmethod
    def _verdicts(cls, v):
        missing = [r for r in COURT_ROUTE_KEYS if r not in v]
        if missing:
            raise ValueError(f"verdict_mix needs a mix for every court route; missing {missing}")
        extra = sorted(set(v) - set(COURT_ROUTE_KEYS) - {"verzet"})
        if extra:
            raise ValueError(f"unknown routes {extra}")
        for route, mix in v.items():
            try:
                _check_mix(mix, VERDICTS, "verdicts")
            except ValueError as e:
                raise ValueError(f"{route}: {e}") from None
        return v


class AppealConfig(Base):
    """The gerechtshof (national pool of the four hoven): an appealed case is prepared (`preparation`: the verdict
    written out, the file sent to the hof, the summons; a lead time, days), then waits for raadsheer capacity
    (`fte`, `hours_per_fte_per_week`; `work_hours` per case: study, hearing, deliberation), and the arrest follows
    `decision` days after the hearing."""

    share: dict[str, ShareSched]  # per verdict: share appealed
    preparation: DurationSpec  # verdict to ready for the hof (uitwerken, file, summons), days
    fte: CapacitySched  # raadsheren on criminal appeals, fte (national)
    hours_per_fte_per_week: PosFloat  # productive hours a raadsheer fte spends on cases
    work_hours: DurationSpec  # raadsheer hours per appeal case
    decision: DurationSpec = 14.0  # type: ignore[assignment]  # hearing to arrest (uitspraak), days
    initial_stock: NonNegFloat = 0.0  # appeals waiting for the hof at the start (national)

    @model_validator(mode="before")
    @classmethod
    def _old_keys(cls, data):
        return _replaced(
            data, {"duration": "preparation (days), fte, hours_per_fte_per_week, work_hours and decision (days)"}
        )

    @field_validator("share")
    @classmethod
    def _verdicts(cls, v):
        extra = sorted(set(v) - set(VERDICTS))
        if extra:
            raise ValueError(f"unknown verdicts {extra}; allowed {list(VERDICTS)}")
        return v


class FinesConfig(Base):
    paid_share: ShareSched
    plan_share: ShareSched  # rest is unpaid -> replacement detention
    pay_time: DurationSpec
    plan_time: DurationSpec
    replacement_detention: DurationSpec

    @model_validator(mode="after")
    def _at_most_one(self):
        dates = sorted({d for sch in (self.paid_share, self.plan_share) for d, _ in sch.points})
        for d in dates:
            total = self.paid_share.at_date(d) + self.plan_share.at_date(d)
            if total > 1.0 + 1e-9:
                when = "" if d == dt.date.min else f" from {d.isoformat()}"
                raise ValueError(
                    f"paid_share + plan_share must be at most 1 (the rest is unpaid), got {total:.6g}{when}"
                )
        return self


class TaakstrafConfig(Base):
    """Community service: the reclassering's werkstraf staff in fte (national) do the intake interview, the
    placement and the supervision, `work_hours` per order; `intake` (CJIB to the reclassering), `to_start` (placed
    to first day of work) and `work` (the hours worked, spread over weeks) are lead times, not their work."""

    fte: CapacitySched  # reclassering werkstraf staff, fte (national)
    hours_per_fte_per_week: PosFloat  # productive hours an fte spends on orders
    work_hours: DurationSpec  # reclassering hours per order (intake, placement, supervision)
    intake: DurationSpec  # delivery to intake
    to_start: DurationSpec  # intake to start of work
    work: DurationSpec  # start to completion
    failure_share: ShareSched
    replacement_detention: DurationSpec

    @model_validator(mode="before")
    @classmethod
    def _old_keys(cls, data):
        return _replaced(
            data, {"capacity": "fte (reclassering werkstraf staff) with hours_per_fte_per_week and work_hours"}
        )


class CustodialConfig(Base):
    cells: CapacitySched  # DJI cells available to this chain's convicts (national)
    length: dict[str, DurationSpec]  # per stream: days actually served
    zelfmelder_share: ShareSched  # of convicts not detained at verdict; rest are arrestanten
    callup: DurationSpec  # cell free to reporting
    no_show_share: ShareSched = 0.0  # zelfmelders who do not report -> arrestant
    # share of zelfmelders DJI calls up when a cell is free; 0 = call-up stopped (cell shortage, December 2023)
    callup_share: ShareSched = 1.0
    find_time: DurationSpec  # arrestant: time to be found
    # CJIB and DJI preparation before a zelfmelder can be called up (the stock "not yet called up" waits it)
    callup_preparation: DurationSpec = 0.0  # type: ignore[assignment]
    # which queue gets a freed place: the share of arrestanten found whom the verkeerstoren matches in real time
    # (one queue with the reported zelfmelders, in order of arrival, in sight of the call-up plan); the others wait
    # behind the reported zelfmelders, unseen by the call-up plan (0: the chain before the verkeerstoren)
    verkeerstoren_share: ShareSched = 0.0


class ExecutionConfig(Base):
    delivery: DurationSpec  # decision final to delivered at CJIB (aanlevering ter executie)
    delivery_return_share: ShareSched = 0.0
    delivery_rework: DurationSpec = 0.0  # type: ignore[assignment]  # the before-validator makes a number a FixedSpec
    fines: FinesConfig
    taakstraf: TaakstrafConfig
    custodial: CustodialConfig


class CustodyConfig(Base):
    """The custody clock's decisions and the places it uses (sim/custody.py, docs/model.md "Police custody").
    The defaults are neutral: every suspect not decided within ophouden is held for the 3 days of
    inverzekeringstelling, nobody is remanded in a regular case, and places are unlimited."""

    # police cells per district (split over regions by share), during ophouden and inverzekeringstelling
    police_cells: CapacitySched = float("inf")
    # DJI remand places (huis van bewaring), national, during bewaring and gevangenhouding ...
    remand_places: CapacitySched = float("inf")
    # ... or, when true, remand takes places from execution.custodial.cells, before any sentence queue
    remand_in_sentence_cells: bool = False
    inverzekeringstelling_share: ShareSched = 1.0  # of suspects not decided within ophouden: held on
    extension_share: ShareSched = 0.0  # of those still undecided after 3 days: extended once (art. 58 lid 2 Sv)
    consent_share: ShareSched = 1.0  # suspects who waive the summons term for supersnelrecht (the rest: snelrecht)
    bewaring_share: ShareSched = 1.0  # the RC orders bewaring when the OM asks for it (otherwise: released)
    # per stream: held suspects summoned in the regular route for whom the OM asks remand (serious, MK-type cases)
    regular_remand_share: dict[str, ShareSched] = Field(default_factory=dict)
    gevangenhouding_share: ShareSched = 1.0  # of remanded regular suspects after bewaring: gevangenhouding
    gevangenhouding_extension_share: ShareSched = 1.0  # extended to the 90-day maximum (otherwise: released)
    pro_forma_continue_share: ShareSched = 1.0  # at each pro-forma hearing: kept detained (otherwise schorsing)


class ChainConfig(Base):
    """The stage parameters for one region (national values with that region's overrides). `Scenario` inherits
    these sections for the national values, so the format defines them once."""

    police: PoliceConfig
    om: ProsecutionConfig
    advice: dict[str, AdviceKindConfig] = Field(default_factory=dict)
    courts: CourtsConfig
    appeal: AppealConfig
    execution: ExecutionConfig
    custody: CustodyConfig = Field(default_factory=CustodyConfig)


CHAIN_KEYS = tuple(ChainConfig.model_fields)

# Capacities that are split over regions by capacity share: (section path, key). The fte are split exactly (a
# staffed station serves a fractional fte, `sim.stations.staffed_station`); a standing stock is split with them.
REGIONAL_CAPACITIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("police",), "detective_fte"),
    (("om", "zsm"), "fte"),
    (("om", "regular"), "fte"),
    (("police",), "initial_stock"),
    (("om", "zsm"), "initial_stock"),
    (("om", "regular"), "initial_stock"),
    (("courts",), "judge_dagdelen_per_week"),  # judges' sitting time per district
    (("courts",), "courtrooms"),
    (("custody",), "police_cells"),
)


# National capacities: one station for the whole country, so a region cannot set its own.
NATIONAL_ONLY = (
    ("execution", "taakstraf", "fte"),
    ("execution", "custodial", "cells"),
    ("execution", "custodial", "callup_share"),
    ("execution", "custodial", "verkeerstoren_share"),
    ("custody", "remand_places"),
    ("custody", "remand_in_sentence_cells"),
    ("appeal", "fte"),
    ("appeal", "hours_per_fte_per_week"),
    ("appeal", "work_hours"),
    ("appeal", "initial_stock"),
)
