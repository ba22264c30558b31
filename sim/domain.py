"""The chain's vocabulary and its legal windows, defined once.

Every module, the reference implementation, the plots, the report and the tests name routes, court queues, stages,
channels, verdicts, execution kinds, outcomes and hearing results with the enums below; none keeps its own tuple or
integer code. The enums are `IntEnum`s because the per-case table stores them as small integers (a long run has
millions of cases); their `key` is the lower-case name used in scenario files and in the results' labels
(``Route.SNELRECHT_NOT_DETAINED.key == "snelrecht_not_detained"``). The order of members is the code written to
``cases.parquet`` and friends: do not reorder them.

The chain in words (see docs/domain.md for the law and the Actieplan):

* A case with a known suspect is handled by the OM at the **ZSM** desk (zo snel, zorgvuldig en selectief mogelijk,
  the joint police–OM desk for simple cases) or by **regular** OM handling (`Channel`).
* The OM decides: **sepot** (dismissal), **conditional sepot** (dismissal on conditions, a breach brings a summons),
  **transactie** (a settlement paid to CJIB), an OM **strafbeschikking** (penalty order), or a summons to court by one of
  four routes (`Route`): **supersnelrecht** (the suspect is tried within 3 days of arrest, still held),
  **snelrecht** for detained suspects (within 17 days: 3 days inverzekeringstelling + 14 days bewaring), snelrecht
  for suspects **not detained** (2 to 4 weeks after the summons), or a **regular** summons.
* In court a case waits in one of five queues (`CourtQueue`): the three fast-track routes, and regular cases before
  the **politierechter** (single judge) or the **meervoudige kamer** (three judges, MK).
* The fast-track routes have hard legal windows (`LegalWindow`): a case is heard inside its window or it falls back
  to a slower route; it is never heard late inside its modality. `legal_window` gives a route its window from a
  scenario's ``[legal]`` section; `courts.Courts._book_within_legal_window` enforces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, TypeVar


class ChainEnum(IntEnum):
    """An integer code with a scenario-file name (`key`)."""

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str):
        """The member named `key` in scenario files (``"snelrecht_detained"``); KeyError if there is none."""
        return cls[key.upper()]


E = TypeVar("E", bound=ChainEnum)


def keys(enum: type[E]) -> tuple[str, ...]:
    """The scenario-file names of an enum's members, in code order (code i is ``keys(enum)[i]``)."""
    return tuple(m.key for m in enum)


class Route(ChainEnum):
    """How a case is decided: by the OM itself (sepot, strafbeschikking) or in court by one of four routes."""

    SEPOT = 0
    STRAFBESCHIKKING = 1
    SUPERSNELRECHT = 2
    SNELRECHT_DETAINED = 3
    SNELRECHT_NOT_DETAINED = 4
    REGULAR = 5
    TRANSACTIE = 6  # the suspect pays a sum to CJIB and the case is not prosecuted (art. 74 Sr); executed as a fine
    CONDITIONAL_SEPOT = 7  # voorwaardelijk sepot: dismissed on conditions with a probation period; a breach -> summons

    @property
    def decided_by_om(self) -> bool:
        return self in OM_DECISIONS

    @property
    def is_fast_track(self) -> bool:
        return self in FAST_TRACK_ROUTES

    @property
    def detained(self) -> bool:
        """Tried while the suspect is held: only possible while the custody clock still runs."""
        return self in (Route.SUPERSNELRECHT, Route.SNELRECHT_DETAINED)


OM_DECISIONS = (Route.SEPOT, Route.STRAFBESCHIKKING, Route.TRANSACTIE, Route.CONDITIONAL_SEPOT)
FAST_TRACK_ROUTES = (Route.SUPERSNELRECHT, Route.SNELRECHT_DETAINED, Route.SNELRECHT_NOT_DETAINED)
COURT_ROUTES = FAST_TRACK_ROUTES + (Route.REGULAR,)


def fallback_bit(route: Route) -> int:
    """The bit of the per-case ``fell_back_from`` column that says the case fell back out of fast-track `route`."""
    return 1 << FAST_TRACK_ROUTES.index(route)


class CourtQueue(ChainEnum):
    """Where a summoned case waits for its hearing: one queue per fast-track route, and the regular backlogs of the
    politierechter (``regular_pr``) and the meervoudige kamer (``regular_mk``)."""

    SUPERSNELRECHT = 0
    SNELRECHT_DETAINED = 1
    SNELRECHT_NOT_DETAINED = 2
    REGULAR_PR = 3
    REGULAR_MK = 4
    CLAIM = 5  # a claim to execute a suspended sentence (vordering tenuitvoerlegging), heard in snelrecht sessions

    @property
    def route(self) -> Route:
        return QUEUE_ROUTE[self]

    @property
    def is_fast_track(self) -> bool:
        return self <= CourtQueue.SNELRECHT_NOT_DETAINED

    @classmethod
    def of_fast_track(cls, route: Route) -> CourtQueue:
        """The queue of fast-track `route`."""
        return cls[route.name]


FAST_TRACK_QUEUES = (CourtQueue.SUPERSNELRECHT, CourtQueue.SNELRECHT_DETAINED, CourtQueue.SNELRECHT_NOT_DETAINED)
REGULAR_QUEUES = (CourtQueue.REGULAR_PR, CourtQueue.REGULAR_MK)
QUEUE_ROUTE = (
    Route.SUPERSNELRECHT,
    Route.SNELRECHT_DETAINED,
    Route.SNELRECHT_NOT_DETAINED,
    Route.REGULAR,
    Route.REGULAR,
    Route.REGULAR,  # a claim has no route of its own (it never gives a case's verdict); listed so the index holds
)  # indexed by CourtQueue


class Stage(ChainEnum):
    """Where a case is, for backlogs (voorraden): each case is in at most one stage at a time."""

    POLICE = 0  # investigation queue, investigation, file completion, rework of returned cases
    OM_ZSM = 1  # at the ZSM desk (waiting for information, handling)
    OM_REGULAR = 2  # regular OM handling
    READY_TO_PLAN = 3  # summoned by the OM, not yet planned into a court session (file, reports, a free slot)
    COURT = 4  # planned into a court session, or in verzet, waiting for a verdict (hearings, adjournments)
    APPEAL = 5  # at the gerechtshof
    CJIB_DELIVERY = 6  # final decision not yet delivered to CJIB
    FINE = 7  # fine being paid
    TAAKSTRAF = 8  # community service: intake, waiting for the reclassering, work
    ZELFMELDER_WAIT = 9  # custodial: self-reporter not yet called up (the published stock of zelfmelders)
    ZELFMELDER_CALLED_UP = 10  # custodial: self-reporter called up, not yet reported at the prison
    ARRESTANT_WAIT = 11  # custodial: convict to be arrested, not yet found
    DETENTION = 12  # serving a custodial sentence or replacement detention


class Channel(ChainEnum):
    """Which OM desk handled the case (``none``: not reached the OM)."""

    NONE = 0
    ZSM = 1
    REGULAR = 2


class Verdict(ChainEnum):
    """The principal sanction of a verdict; an OM strafbeschikking's sanction (fine or taakstraf) and a transactie
    (fine) are recorded the same way. A verdict may combine sanctions: the per-case ``sanctions`` column holds a bit
    per part (`sanction_bit`), the principal's bit included."""

    ACQUITTAL = 0
    FINE = 1
    TAAKSTRAF = 2
    CUSTODIAL = 3
    SUSPENDED = 4


def sanction_bit(verdict: Verdict) -> int:
    """The bit of the per-case ``sanctions`` column that says the sentence has a part of kind `verdict` (for
    ``SUSPENDED``: a suspended custodial part, with a probation period)."""
    return 1 << int(verdict)


SANCTION_PARTS = (Verdict.FINE, Verdict.TAAKSTRAF, Verdict.CUSTODIAL, Verdict.SUSPENDED)


class ExecutionKind(ChainEnum):
    """How a sanction is executed: a fine, community service, or a custodial sentence served by a convict still
    detained (aansluitend), a self-reporter (zelfmelder) or a convict to be arrested (arrestant)."""

    FINE = 0
    TAAKSTRAF = 1
    AANSLUITEND = 2
    ZELFMELDER = 3
    ARRESTANT = 4


class Outcome(ChainEnum):
    """How a case left the chain (``open``: still in it when the run ended)."""

    OPEN = 0
    SEPOT = 1
    ACQUITTAL = 2
    SUSPENDED = 3
    EXECUTED = 4  # sentence served, paid or completed (every part of a combined sentence)
    CONDITIONAL_SEPOT = 5  # dismissed on conditions that were kept (a breach sends the case to court instead)


class HearingResult(ChainEnum):
    """What came of one hearing."""

    VERDICT = 0
    ADJOURNED = 1  # file incomplete, defence not ready: planned again
    REPORT_MISSING = 2  # an advice report had not arrived: adjourned until it does
    PRO_FORMA = 3  # a detained suspect's pro-forma hearing (art. 66 Sv): remand extended, the case not yet tried
    CLAIM_GRANTED = 4  # a claim to execute a suspended sentence (vordering tenuitvoerlegging), granted
    CLAIM_REFUSED = 5  # the same, refused: the suspended part stays suspended


class SessionStatus(ChainEnum):
    """Whether a court session of the calendar was held, and if not, why (in ``sessions.parquet``)."""

    HELD = 0
    NO_OFFICIER = 1  # no officier van justitie available
    NO_JUDGES = 2  # the district's judge dagdelen of the week were used up by session types planned first
    NO_COURTROOM = 3  # every courtroom of the district was taken on that day
    LOW_FILL = 4  # a fast session with fewer booked cases than its minimum: cancelled, its cases rebooked
    ON_CALL_NOT_NEEDED = 5  # an on-call (RC) session with no case booked: not held
    CLOSURE = 6  # struck by a court closure (courts.closures) after it was planned: its cases are postponed


# The names scenario files and results folders use, in code order (code i of an enum is its tuple's item i). They
# are derived here once; every module (scenario validation, runner, results reader, figures, the reference
# implementation) imports these tuples rather than rebuilding them.
ROUTES = keys(Route)
FAST_TRACK = tuple(r.key for r in FAST_TRACK_ROUTES)
OM_ROUTES = tuple(r.key for r in OM_DECISIONS)  # decided by the OM; the court routes end in a verdict
COURT_QUEUES = keys(CourtQueue)
STAGES = keys(Stage)
CHANNELS = keys(Channel)
VERDICTS = keys(Verdict)
EXECUTION_KINDS = keys(ExecutionKind)
OUTCOMES = keys(Outcome)
HEARING_RESULTS = keys(HearingResult)
SESSION_STATUSES = keys(SessionStatus)


class WindowStart(StrEnum):
    """The event a legal window is counted from."""

    ARREST = "arrest"
    SUMMONS = "summons"


@dataclass(frozen=True)
class LegalWindow:
    """When a fast-track case may be heard: between `earliest_days` and `latest_days` after `starts_at`."""

    route: Route
    starts_at: WindowStart
    earliest_days: float
    latest_days: float


# Which [legal] keys give each fast-track route's window, and what it is counted from (Wetboek van Strafvordering:
# supersnelrecht within 3 days of arrest; snelrecht for detained suspects within 3 days inverzekeringstelling + 14
# days bewaring, art. 58 and 64 Sv; snelrecht for suspects not detained 2 to 4 weeks after the summons).
_WINDOW_KEYS = {
    Route.SUPERSNELRECHT: (WindowStart.ARREST, None, "supersnelrecht_window_days"),
    Route.SNELRECHT_DETAINED: (WindowStart.ARREST, None, "snelrecht_detained_window_days"),
    Route.SNELRECHT_NOT_DETAINED: (
        WindowStart.SUMMONS,
        "snelrecht_not_detained_min_days",
        "snelrecht_not_detained_window_days",
    ),
}


def _legal_value(legal: Any, key: str) -> float:
    return float(legal[key] if isinstance(legal, Mapping) else getattr(legal, key))


def legal_window(route: Route, legal: Any) -> LegalWindow:
    """Fast-track `route`'s window from a scenario's ``[legal]`` section (the validated section, or its mapping in a
    results folder's resolved scenario). There are no defaults here: a missing key is an error."""
    starts_at, earliest_key, latest_key = _WINDOW_KEYS[route]
    earliest = _legal_value(legal, earliest_key) if earliest_key else 0.0
    return LegalWindow(route, starts_at, earliest, _legal_value(legal, latest_key))


def legal_windows(legal: Any) -> dict[Route, LegalWindow]:
    """Every fast-track route's window, in route order."""
    return {route: legal_window(route, legal) for route in FAST_TRACK_ROUTES}


class CustodyStep(ChainEnum):
    """The steps of the custody clock an arrested suspect passes (docs/domain.md §3); the per-case ``custody_step``
    column holds the last step reached. Police cells hold ophouden and inverzekeringstelling, DJI remand places
    (huis van bewaring) bewaring and gevangenhouding."""

    NONE = 0  # never held (no arrest)
    OPHOUDEN = 1  # held for questioning: 9 hours, night hours 0:00-9:00 not counted (art. 56a Sv)
    INVERZEKERINGSTELLING = 2  # police custody: 3 days, once extendable by 3 (art. 58 Sv)
    BEWARING = 3  # remand ordered by the RC at the voorgeleiding: 14 days (art. 59a, 64 Sv)
    GEVANGENHOUDING = 4  # remand ordered by the court: 30 days, extendable to 90, then per 90 days (art. 66 Sv)


CUSTODY_STEPS = keys(CustodyStep)
