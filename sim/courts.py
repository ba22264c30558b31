"""Courts (rechtbank): the roster of sessions, planning cases into them (appointering), hearings, adjournments and
verdicts.

Each region has a calendar of sessions per session type — RC sitting as politierechter for supersnelrecht,
snelrecht politierechter, regular politierechter, meervoudige kamer, or whatever the scenario names — with slots per
session, on given weekdays, at 9:00. The **roster** holds a session only if the district's judges can sit it (each
week `judge_dagdelen_per_week`, a session taking `judges` dagdelen) and a courtroom is free that day (`courtrooms`,
two dagdelen a day), the session types served in the order the scenario lists them; and only if an officier is
available (`officier_share`). Sessions not held take no cases.

* **Fast-track cases are booked** into the first session that serves their route, is open to them, has a free slot,
  and lies inside the route's legal window: supersnelrecht within 3 days of arrest, snelrecht for detained suspects
  within 17 days of arrest, snelrecht for suspects not detained between `snelrecht_not_detained_min_days` and 28
  days after the summons. A session may keep its slots for some queues (`reserved_for`, e.g. detained suspects) and
  open the rest to the others only `open_to_others_days` before it sits; a case of another queue waits for that.
  **The windows are hard**: if no session fits, the suspect is released and the case *falls back* to the slower
  route named in `om.fallback`, counted in `fallbacks`. A case is never heard late inside its modality.
* **Regular cases are planned**: from the summons a case is *ready to plan* (`Stage.READY_TO_PLAN`); once its advice
  reports are in it is booked into the first held session of its queue (politierechter or meervoudige kamer) with
  a free slot that sits at least the summons term later (art. 265 Sv) and inside the planning horizon
  (`planning_horizon_weeks`). A case that finds none waits and is booked, in order of readiness, as sessions enter
  the horizon. Booked, it is in `Stage.COURT` ("planned, not yet heard"). A fast-track session with
  `fill_from_backlog` takes ready-to-plan politierechter cases into the slots still free when it opens to others.
* A fast session with fewer than `min_cases` booked `min_cases_days` before it sits is cancelled and its cases are
  booked again (fast-track: inside their window, else they fall back); an `on_call` session is held only when a case
  is booked into it.

At the hearing a case whose advice report has not arrived is adjourned and waits for it; otherwise it is adjourned
with `adjournment_share` (file incomplete, defence not ready) and planned again no sooner than
`adjournment_min_days` (regular; through the same planning) or `fast_track_adjournment_min_days` (inside the window),
or it gets a verdict from the route's verdict mix and goes to appeal or execution. The verdict mix gives the
principal sanction; `combined` adds a second part to a share (custodial partly suspended, custodial + taakstraf,
taakstraf or fine + a suspended custodial sentence), recorded in the case's ``sanctions`` bits.

**Claims to execute a suspended sentence** (vorderingen tenuitvoerlegging, sim/probation.py) are booked into the
first held session serving the ``claim`` queue that is open to them and has a free slot; in the baseline the
snelrecht sessions, which keep their slots for detained suspects and open them to claims `open_to_others_days`
before they sit. A claim that finds none waits, in order of filing, for the next session to open. A claim takes a
slot (and counts for the session's minimum fill) but is no case in court: it changes no stage of its case.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .domain import (
    FAST_TRACK_QUEUES,
    FAST_TRACK_ROUTES,
    QUEUE_ROUTE,
    Channel,
    CourtQueue,
    HearingResult,
    Route,
    SessionStatus,
    Stage,
    Verdict,
    fallback_bit,
    legal_window,
    sanction_bit,
)

if TYPE_CHECKING:
    from .advice import Advice
    from .custody import Custody
    from .model import StageContext
    from .scenario.sections import SessionTypeConfig

SESSION_HOUR = 9.0  # sessions sit at 9:00
# Plain ints for the hot paths: a queue code read from a numpy column and compared with an enum member, or an enum
# member stored in a numpy column, takes numpy's slow path (about a microsecond each).
_REGULAR_PR, _REGULAR_MK = int(CourtQueue.REGULAR_PR), int(CourtQueue.REGULAR_MK)
_NOT_DETAINED = int(CourtQueue.SNELRECHT_NOT_DETAINED)
_FAST_TRACK_QUEUES = tuple(int(q) for q in FAST_TRACK_QUEUES)
_DETAINED_QUEUES = (int(CourtQueue.SUPERSNELRECHT), int(CourtQueue.SNELRECHT_DETAINED))
_ROUTE_REGULAR = int(Route.REGULAR)
_CHANNEL_REGULAR = int(Channel.REGULAR)
_QUEUE_OF_FAST_TRACK_ROUTE = {int(r): int(CourtQueue.of_fast_track(r)) for r in FAST_TRACK_ROUTES}
_QUEUE_ROUTE_CODE = [int(r) for r in QUEUE_ROUTE]  # indexed by queue
_QUEUE_ROUTE_KEY = [r.key for r in QUEUE_ROUTE]
_FALLBACK_BIT = [fallback_bit(q.route) if q.is_fast_track else 0 for q in CourtQueue]  # indexed by queue
_HEARD, _ADJOURNED, _REPORT_MISSING = (
    int(HearingResult.VERDICT),
    int(HearingResult.ADJOURNED),
    int(HearingResult.REPORT_MISSING),
)
_PRO_FORMA = int(HearingResult.PRO_FORMA)

# plain ints for the hot paths: an enum member compared with a numpy scalar, or stored in an array, takes
# numpy's slow path
_STAGE_COURT = int(Stage.COURT)
_STAGE_READY_TO_PLAN = int(Stage.READY_TO_PLAN)
_REGULAR_QUEUES = (_REGULAR_PR, _REGULAR_MK)
_HELD, _NO_OFFICIER = int(SessionStatus.HELD), int(SessionStatus.NO_OFFICIER)
_NO_JUDGES, _NO_COURTROOM = int(SessionStatus.NO_JUDGES), int(SessionStatus.NO_COURTROOM)
_LOW_FILL, _ON_CALL_NOT_NEEDED = int(SessionStatus.LOW_FILL), int(SessionStatus.ON_CALL_NOT_NEEDED)
_CLOSURE = int(SessionStatus.CLOSURE)
_DAGDELEN_PER_DAY = 2  # morning and afternoon: a courtroom holds two sessions a day
# the planner's moments, in the order they are handled when they fall at the same time
# a closure is struck before anything else planned for the same moment, so nothing is booked into a doomed session
_EVENT_CLOSURE, _EVENT_ENTERS_ROSTER, _EVENT_OPENS_TO_OTHERS, _EVENT_FILL_CHECK = -1, 0, 1, 2
_VERDICT_SUSPENDED = int(Verdict.SUSPENDED)
_VERDICT_ACQUITTAL, _VERDICT_FINE = int(Verdict.ACQUITTAL), int(Verdict.FINE)
_VERDICT_TAAKSTRAF, _VERDICT_CUSTODIAL = int(Verdict.TAAKSTRAF), int(Verdict.CUSTODIAL)
_BIT_SUSPENDED, _BIT_TAAKSTRAF = sanction_bit(Verdict.SUSPENDED), sanction_bit(Verdict.TAAKSTRAF)
_CLAIM = int(CourtQueue.CLAIM)
_CLAIM_GRANTED, _CLAIM_REFUSED = int(HearingResult.CLAIM_GRANTED), int(HearingResult.CLAIM_REFUSED)


class Courts:
    """The rechtbank of every region: the roster of sessions, planning (appointering), hearings and verdicts."""

    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        sc = ctx.scenario
        self.window_days = {int(q): legal_window(q.route, sc.legal).latest_days for q in FAST_TRACK_QUEUES}
        self.not_detained_min = legal_window(Route.SNELRECHT_NOT_DETAINED, sc.legal).earliest_days
        self.summons_term = sc.legal.summons_term_days
        n = ctx.n
        self.queue_of = np.full(n, -1, np.int8)  # CourtQueue of each case in court
        self.win_start = np.full(n, np.nan)
        self.win_end = np.full(n, np.nan)
        self.earliest = np.zeros(n)  # earliest hearing of a case waiting to be planned
        self.not_before = np.zeros(n)  # the same without the summons term (a suspect who consents to a shorter one)
        self.ready_at = np.full(n, np.nan)  # when a regular case was first ready to plan (its place in the order)
        self.waiting_report = np.zeros(n, bool)
        self.u_mk = ctx.draw.uniform("mk")
        self.u_adjourn = ctx.draw.uniform("adjournment")
        self.u_verdict = ctx.draw.uniform("verdict")
        self.u_suspended_part = ctx.draw.uniform("sanction_suspended_part")
        self.u_taakstraf_part = ctx.draw.uniform("sanction_taakstraf_part")
        self._adjourn_rng = ctx.streams("u:adjournment:repeat")

        schedule = ctx.schedule
        self.mk_share = [[schedule(ch.courts.mk_share[st]) for st in ctx.stream_names] for ch in ctx.chains]
        self.adjournment_share = [schedule(ch.courts.adjournment_share) for ch in ctx.chains]
        self.adjournment_min = [ch.courts.adjournment_min_days for ch in ctx.chains]
        self.fast_adjournment_min = [ch.courts.fast_track_adjournment_min_days for ch in ctx.chains]
        self.horizon = [ch.courts.planning_horizon_weeks * 7.0 for ch in ctx.chains]
        self.preparation = [ch.courts.preparation_days for ch in ctx.chains]
        # per region: fast-track queue -> the route a case falls back to when no session fits its window
        self.fallback = [
            {int(CourtQueue.from_key(a)): int(Route.from_key(b)) for a, b in ch.om.fallback.items()}
            for ch in ctx.chains
        ]
        self.verzet_queue = [int(CourtQueue.from_key(ch.om.verzet_queue)) for ch in ctx.chains]
        # per region: the shares of verdicts that get a second part (CombinedSanctionsConfig)
        self.combined = [
            (
                schedule(ch.courts.combined.custodial_suspended_share),
                schedule(ch.courts.combined.custodial_taakstraf_share),
                schedule(ch.courts.combined.taakstraf_suspended_share),
                schedule(ch.courts.combined.fine_suspended_share),
            )
            for ch in ctx.chains
        ]
        # claims to execute suspended sentences: per region, those filed and not yet booked (in order of filing);
        # per session, the claims booked into it
        self.claims_pending: list[deque[int]] = [deque() for _ in ctx.chains]
        self.s_claims: dict[int, list[int]] = {}
        self.verdict_mix = [
            {route: ctx.mix(mix, Verdict.from_key, _VERDICT_SUSPENDED) for route, mix in ch.courts.verdict_mix.items()}
            for ch in ctx.chains
        ]
        # per region and regular queue (politierechter, meervoudige kamer): cases ready to plan that found no free
        # slot inside the planning horizon, as a heap by (ready time, case): booked in order of readiness
        self.ready: list[tuple[list[tuple[float, int]], list[tuple[float, int]]]] = [([], []) for _ in ctx.chains]
        # per region and fast-track queue: cases waiting for slots that open to them shortly before a session
        # (case -> the session that is its last chance)
        self.waiting_release: list[list[dict[int, int]]] = [[{} for _ in CourtQueue] for _ in ctx.chains]
        self.last_chance: dict[int, list[int]] = {}  # session -> waiting cases that fall back if it does not take them
        # case, session, queue, result (HearingResult) per hearing held: compact arrays, a long run has millions
        self.hearings = (array("i"), array("i"), array("b"), array("b"))
        self._build_calendar()
        ctx.env.process(self._planning_process())
        ctx.env.process(self._hearing_process())

    def connect(self, advice: Advice, to_appeal: Callable[[int, bool], None]) -> None:
        """The advice stage (reports are requested at the summons; a case is not heard without them) and where a
        verdict goes next (appeal, told whether the suspect is detained)."""
        self._advice = advice
        self._to_appeal = to_appeal

    def connect_claims(self, heard: Callable[[int], bool]) -> None:
        """Where a claim to execute a suspended sentence is decided when its hearing sits (sim/probation.py)."""
        self._claim_heard = heard

    # ------------------------------------------------------------------ the roster

    def _build_calendar(self) -> None:
        """Every session of the run, in time order: per region and session type, `per_week` sessions spread evenly
        over the session type's weekdays (a running fraction, so 2.5 a week gives 5 in two weeks). Then the roster:
        each week the district's judge dagdelen and each day its courtrooms (two dagdelen each) go to the session
        types in the order the scenario lists them; a session they cannot cover is not held. A rostered session is
        held if an officier is available."""
        ctx = self.ctx
        total = ctx.scenario.total_days
        n_days = math.ceil(total)
        t_all, r_all, k_all, slots_all, officier_all, day_all, rank_all = [], [], [], [], [], [], []
        type_index: dict[str, int] = {}
        for r, (rname, ch) in enumerate(zip(ctx.region_names, ctx.chains)):
            for rank, (kname, st) in enumerate(ch.courts.sessions.items()):
                k = type_index.setdefault(kname, len(type_index))
                per_week = ctx.schedule(st.per_week)
                slots = ctx.schedule(st.slots)
                officier = ctx.schedule(st.officier_share)
                weekdays = set(st.weekdays)
                rng = ctx.streams(f"u:officier:{rname}:{kname}")
                acc = 0.5
                for d in range(n_days):
                    if (ctx.weekday0 + d) % 7 not in weekdays:
                        continue
                    t = d + SESSION_HOUR / 24.0
                    if t >= total:
                        break
                    acc += per_week.at(d) / len(weekdays)
                    count = int(acc)
                    acc -= count
                    for _ in range(count):
                        t_all.append(t)
                        r_all.append(r)
                        k_all.append(k)
                        slots_all.append(max(0, int(round(slots.at(d)))))
                        officier_all.append(rng.random() < officier.at(d))
                        day_all.append(d)
                        rank_all.append(rank)
        self.type_names = list(type_index)
        n_reg, n_types = len(ctx.chains), len(self.type_names)
        configs: list[list[SessionTypeConfig | None]] = [[None] * n_types for _ in range(n_reg)]
        for r, ch in enumerate(ctx.chains):
            for kname, st in ch.courts.sessions.items():
                configs[r][type_index[kname]] = st
        status = self._roster(r_all, k_all, day_all, rank_all, officier_all, configs)
        order = np.argsort(np.asarray(t_all, float), kind="stable")
        # one entry per session, in time order (a session is an index into these)
        self.s_time = [t_all[i] for i in order]
        self.s_region = [r_all[i] for i in order]
        self.s_type = [k_all[i] for i in order]
        self.s_slots = [slots_all[i] for i in order]
        self.s_status = [status[i] for i in order]
        self.s_held = [st == _HELD for st in self.s_status]
        self.s_used = [0] * len(order)
        self.s_closed = [False] * len(order)  # sat, or cancelled (low fill, closure): takes no more cases
        self.s_postponed = [0] * len(order)  # cases booked into it when it was cancelled (planned again)
        self.s_cases: list[list[int] | None] = [None] * len(order)
        self.s_on_call = [bool(configs[r][k].on_call) for r, k in zip(self.s_region, self.s_type)]

        # per region and queue: the held sessions it may book (times for bisect, ids, and from when: -inf, or the
        # moment the session opens its free slots to queues it does not reserve them for)
        self.q_times: list[list[list[float]]] = [[[] for _ in CourtQueue] for _ in range(n_reg)]
        self.q_sessions: list[list[list[int]]] = [[[] for _ in CourtQueue] for _ in range(n_reg)]
        self.q_open_at: list[list[list[float]]] = [[[] for _ in CourtQueue] for _ in range(n_reg)]
        events: list[tuple[float, int, int]] = []  # (time, kind, session): roster openings, releases, fill checks
        self.s_opens_to: dict[int, tuple[list[int], bool]] = {}  # session -> (released queues, takes backlog)
        self.s_min_cases: dict[int, int] = {}  # session -> its minimum fill, where it has one
        for session in range(len(order)):
            if not self.s_held[session]:
                continue
            r, k, t = self.s_region[session], self.s_type[session], self.s_time[session]
            st = configs[r][k]
            assert st is not None
            serves = [int(CourtQueue.from_key(q)) for q in st.serves]
            reserved = {int(CourtQueue.from_key(q)) for q in st.reserved_for} or set(serves)
            released = [q for q in serves if q not in reserved]
            open_at = t - st.open_to_others_days
            for q in serves:
                if q in _REGULAR_QUEUES and q not in reserved:
                    continue  # a regular case gets a released slot only from the ready list (below)
                self.q_times[r][q].append(t)
                self.q_sessions[r][q].append(session)
                self.q_open_at[r][q].append(-math.inf if q in reserved else open_at)
            regular = [q for q in serves if q in _REGULAR_QUEUES and q in reserved]
            if regular:
                events.append((max(0.0, t - self.horizon[r]), _EVENT_ENTERS_ROSTER, session))
            if released or st.fill_from_backlog:
                self.s_opens_to[session] = (released, st.fill_from_backlog)
                events.append((max(0.0, open_at), _EVENT_OPENS_TO_OTHERS, session))
            if st.min_cases > 0:
                self.s_min_cases[session] = st.min_cases
                events.append((max(0.0, t - st.min_cases_days), _EVENT_FILL_CHECK, session))
        # per regular queue: session -> its place in its region's list for that queue
        self.s_index: tuple[dict[int, int], dict[int, int]] = ({}, {})
        for r in range(n_reg):
            for q in _REGULAR_QUEUES:
                self.s_index[q - _REGULAR_PR].update((s, i) for i, s in enumerate(self.q_sessions[r][q]))
        events.extend(self._closure_events())
        events.sort()
        self.events = events
        # per region and regular queue: "next session at or after i with a free slot" (a disjoint-set forest with
        # path halving), so planning a case into the first free session costs next to nothing
        self.q_next_free = [
            [
                list(range(len(self.q_sessions[r][q]) + 1)) if q in _REGULAR_QUEUES else []
                for q in range(len(CourtQueue))
            ]
            for r in range(n_reg)
        ]

    def _closure_events(self) -> list[tuple[float, int, int]]:
        """(announced, _EVENT_CLOSURE, closure) for every closure of every region; `self.closures[closure]` holds
        the held sessions it strikes: a share of those of its types sitting in [from, until) from the announcement
        on (one draw per session of the period from a stream of its own, so a closure changes no other draw)."""
        ctx = self.ctx
        sc = ctx.scenario
        self.closures: list[list[int]] = []
        out: list[tuple[float, int, int]] = []
        if not any(ch.courts.closures for ch in ctx.chains):
            return out
        times, regions, types = np.asarray(self.s_time), np.asarray(self.s_region), np.asarray(self.s_type)
        held = np.asarray(self.s_held)
        for r, (rname, ch) in enumerate(zip(ctx.region_names, ctx.chains)):
            for i, closure in enumerate(ch.courts.closures):
                kinds = [self.type_names.index(k) for k in (closure.session_types or ch.courts.sessions)]
                lo, hi = sc.day_of(closure.start), sc.day_of(closure.until)
                at = max(0.0, sc.day_of(closure.announced or closure.start))
                period = np.flatnonzero((regions == r) & np.isin(types, kinds) & (times >= lo) & (times < hi))
                u = ctx.streams(f"u:closure:{rname}:{i}").random(period.size)
                struck = period[(u < closure.share) & held[period] & (times[period] >= at)]
                out.append((at, _EVENT_CLOSURE, len(self.closures)))
                self.closures.append(struck.tolist())
        return out

    def _roster(self, r_all, k_all, day_all, rank_all, officier_all, configs) -> list[int]:
        """Which sessions the district's judges and courtrooms can cover: per region and week, the session types in
        the scenario's order (listed first, planned first), each type's sessions day by day. On-call sessions
        reserve neither; a session without an officier is cancelled after the roster is made."""
        ctx = self.ctx
        status = [_HELD] * len(r_all)
        judges_week = [ctx.schedule(ch.courts.judge_dagdelen_per_week) for ch in ctx.chains]
        rooms_day = [ctx.schedule(ch.courts.courtrooms) for ch in ctx.chains]
        by_week: dict[tuple[int, int], list[int]] = {}
        for i, (r, d) in enumerate(zip(r_all, day_all)):
            by_week.setdefault((r, (ctx.weekday0 + d) // 7), []).append(i)
        for (r, _week), sessions in by_week.items():
            sessions.sort(key=lambda i: (rank_all[i], day_all[i]))
            judges_left = judges_week[r].at(day_all[sessions[0]])
            rooms_used: dict[int, int] = {}
            for i in sessions:
                st = configs[r][k_all[i]]
                if st.on_call:
                    continue
                d = day_all[i]
                if judges_left < st.judges:
                    status[i] = _NO_JUDGES
                elif rooms_used.get(d, 0) + 1 > _DAGDELEN_PER_DAY * rooms_day[r].at(d):
                    status[i] = _NO_COURTROOM
                else:
                    judges_left -= st.judges
                    rooms_used[d] = rooms_used.get(d, 0) + 1
        for i, officier in enumerate(officier_all):
            if status[i] == _HELD and not officier:
                status[i] = _NO_OFFICIER
        return status

    def session_table(self) -> dict[str, np.ndarray]:
        return {
            "region": np.asarray(self.s_region, np.int16),
            "session_type": np.asarray(self.s_type, np.int16),
            "time": np.asarray(self.s_time, float),
            "held": np.asarray(self.s_held, bool),
            "status": np.asarray(self.s_status, np.int8),
            "slots": np.asarray(self.s_slots, np.int32),
            "used": np.asarray(self.s_used, np.int32),
            "postponed": np.asarray(self.s_postponed, np.int32),
        }

    def hearing_table(self) -> dict[str, np.ndarray]:
        case, session, queue, result = (np.frombuffer(a, dtype=a.typecode) for a in self.hearings)
        times = np.asarray(self.s_time, float)
        types = np.asarray(self.s_type, np.int16)
        return {
            "case_id": case.astype(np.int32),
            "time": times[session] if session.size else np.zeros(0),
            "session_type": types[session] if session.size else np.zeros(0, np.int16),
            "queue": queue.astype(np.int8),
            "result": result.astype(np.int8),
        }

    def _planning_process(self):
        """The planner's moments: a session enters the roster's horizon (ready-to-plan cases are booked into it),
        a session opens its free slots to the queues it does not reserve them for, and a fast session's minimum
        fill is checked."""
        env = self.ctx.env
        for t, kind, session in self.events:
            if t > env.now:
                yield env.timeout(t - env.now)
            if kind == _EVENT_ENTERS_ROSTER:
                self._book_ready_cases(session)
            elif kind == _EVENT_CLOSURE:
                self._cancel(self.closures[session], _CLOSURE)
            elif kind == _EVENT_OPENS_TO_OTHERS:
                self._open_to_others(session)
            else:
                self._check_minimum_fill(session)

    def _hearing_process(self):
        env = self.ctx.env
        for session in range(len(self.s_time)):
            if not self.s_held[session]:
                continue
            t = self.s_time[session]
            if t > env.now:
                yield env.timeout(t - env.now)
            if session in self.s_opens_to:
                self._open_to_others(session)  # opens "the same morning" (open_to_others_days = 0)
            if self.s_min_cases.get(session, 0) > self.s_used[session]:
                self._check_minimum_fill(session)  # checked "the same morning" (min_cases_days = 0)
            if not self.s_held[session]:
                continue  # cancelled for low fill
            self.s_closed[session] = True
            cases = self.s_cases[session]
            claims = self.s_claims.pop(session, None)
            if claims:
                self._hear_claims(claims, session)
            if not cases and not claims and self.s_on_call[session]:
                self.s_held[session] = False
                self.s_status[session] = _ON_CALL_NOT_NEEDED
                continue
            if cases:
                self.s_cases[session] = None  # heard: the list is not needed any more (a long run has millions)
                for cid in cases:
                    self._hear(cid, session)

    def _book(self, cid: int, session: int) -> None:
        self.s_used[session] += 1
        booked = self.s_cases[session]
        if booked is None:
            self.s_cases[session] = [cid]
        else:
            booked.append(cid)
        self.ctx.cases.enter(cid, _STAGE_COURT, self.ctx.env.now)

    # ------------------------------------------------------------------ into court

    def summon(self, cid: int, route: int) -> None:
        """The OM summons the case (dagvaarding) by `route`: it is ready to plan in court (the stage changes when it
        is booked, or when it has to wait)."""
        ctx = self.ctx
        now = ctx.env.now
        r = ctx.region_of[cid]
        q = self._regular_queue(cid, now) if route == _ROUTE_REGULAR else _QUEUE_OF_FAST_TRACK_ROUTE[route]
        self._advice.request(cid, route)
        self._enter_court_queue(cid, q, now + self.preparation[r])

    def start_standing(self, cid: int, mk: bool) -> None:
        """A case of the court's standing stock on the start date (sim/standing.py): summoned by the regular route
        to the politierechter or the meervoudige kamer, its reports in, to be planned."""
        c = self.ctx.cases
        c.channel[cid] = _CHANNEL_REGULAR
        c.route_initial[cid] = c.route[cid] = _ROUTE_REGULAR
        q = _REGULAR_MK if mk else _REGULAR_PR
        self.queue_of[cid] = q
        self._plan_regular(cid, q, self.ctx.env.now)

    def _regular_queue(self, cid: int, now: float) -> int:
        """Politierechter or meervoudige kamer, by the stream's MK share."""
        ctx = self.ctx
        mk = self.u_mk.item(cid) < self.mk_share[ctx.region_of[cid]][ctx.stream_of[cid]].at(now)
        return _REGULAR_MK if mk else _REGULAR_PR

    def receive_verzet(self, cid: int) -> None:
        """Verzet against a strafbeschikking: the case is heard in court after all, planned like a summoned one."""
        ctx = self.ctx
        r = ctx.region_of[cid]
        self._enter_court_queue(cid, self.verzet_queue[r], ctx.env.now)

    def _enter_court_queue(self, cid: int, q: int, earliest: float) -> None:
        """Put the case in queue `q`: a fast-track case gets its legal window and a session inside it, or falls
        back; a regular case is planned once its advice reports are in."""
        ctx = self.ctx
        now = ctx.env.now
        self.queue_of[cid] = q
        if q in _FAST_TRACK_QUEUES:
            if q == _NOT_DETAINED:
                start = now  # counted from the summons
                earliest = max(earliest, now + self.not_detained_min)
            else:
                start = ctx.cases.t_offence[cid]  # counted from the arrest
            self.win_start[cid] = start
            self.win_end[cid] = start + self.window_days[q]
            self._book_or_fall_back(cid, q, earliest)
        elif self._advice.pending[cid] > 0:
            self.waiting_report[cid] = True
            ctx.cases.enter(cid, _STAGE_READY_TO_PLAN, now)
        else:
            self._plan_regular(cid, q, now)

    # ------------------------------------------------------------------ planning regular cases

    def _plan_regular(self, cid: int, q: int, not_before: float) -> None:
        """Book a regular case into the first held session of its queue with a free slot at least the summons term
        from now (and not before `not_before`: an adjournment's new date), inside the planning horizon; if there is
        none it stays ready to plan and is booked as the roster rolls forward."""
        r = self.ctx.region_of[cid]
        now = self.ctx.env.now
        earliest = max(not_before, now + self.summons_term)
        if math.isnan(self.ready_at[cid]):
            self.ready_at[cid] = now
        times = self.q_times[r][q]
        i = self._first_free(r, q, bisect_left(times, earliest))
        if i < len(times) and times[i] <= now + self.horizon[r]:
            self._book_regular(cid, r, q, i)
            return
        self.earliest[cid] = earliest
        self.not_before[cid] = not_before
        heapq.heappush(self.ready[r][q - _REGULAR_PR], (self.ready_at.item(cid), cid))
        self.ctx.cases.enter(cid, _STAGE_READY_TO_PLAN, now)

    def _first_free(self, r: int, q: int, i: int) -> int:
        """The first session at or after index `i` of region `r`'s list for regular queue `q` with a free slot."""
        nxt = self.q_next_free[r][q]
        sessions = self.q_sessions[r][q]
        used, slots, closed = self.s_used, self.s_slots, self.s_closed
        while True:
            while nxt[i] != i:
                nxt[i] = nxt[nxt[i]]
                i = nxt[i]
            if i == len(sessions):
                return i
            s = sessions[i]
            if used[s] < slots[s] and not closed[s]:
                return i
            nxt[i] = i + 1  # full (or filled through another queue it serves): skip it from now on

    def _book_regular(self, cid: int, r: int, q: int, i: int) -> None:
        session = self.q_sessions[r][q][i]
        self._book(cid, session)
        if self.s_used[session] >= self.s_slots[session]:
            self.q_next_free[r][q][i] = i + 1

    def _take_ready(self, r: int, q: int, t: float, free: int, consent: bool = False) -> list[int]:
        """Up to `free` ready-to-plan cases of region `r`, queue `q` that may sit at `t`, in order of readiness (with
        `consent`, sooner than the summons term)."""
        heap = self.ready[r][q - _REGULAR_PR]
        earliest = self.not_before if consent else self.earliest
        taken: list[int] = []
        later: list[tuple[float, int]] = []
        while heap and len(taken) < free:
            item = heapq.heappop(heap)
            if earliest.item(item[1]) <= t + 1e-9:
                taken.append(item[1])
            else:
                later.append(item)  # adjourned to a later date than this session
        for item in later:
            heapq.heappush(heap, item)
        return taken

    def _book_ready_cases(self, session: int) -> None:
        """A session enters the planning horizon: ready-to-plan cases are booked into its free slots."""
        r, t = self.s_region[session], self.s_time[session]
        for q in _REGULAR_QUEUES:
            if not self.s_held[session] or self.s_closed[session]:
                return
            i = self.s_index[q - _REGULAR_PR].get(session)
            if i is None:
                continue  # the session does not serve this queue
            free = self.s_slots[session] - self.s_used[session]
            for cid in self._take_ready(r, q, t, free):
                self._book_regular(cid, r, q, i)

    # ------------------------------------------------------------------ slots opened to others, minimum fill

    def _open_to_others(self, session: int) -> None:
        """Shortly before it sits, a session opens the slots still free to the queues it does not reserve them for
        (e.g. snelrecht for suspects not detained), then to ready-to-plan politierechter cases (`fill_from_backlog`:
        they are taken to consent to a shorter summons term). Waiting cases whose last chance this was fall back."""
        released, takes_backlog = self.s_opens_to.pop(session, ((), False))
        r, t = self.s_region[session], self.s_time[session]
        if self.s_held[session] and not self.s_closed[session]:
            for q in released:
                if q == _CLAIM:
                    self._book_pending_claims(session)
                    continue
                waiting = self.waiting_release[r][q]
                if not waiting or self.s_used[session] >= self.s_slots[session]:
                    continue
                for cid in sorted(waiting):  # in order of registration
                    if self.s_used[session] >= self.s_slots[session]:
                        break
                    if self.earliest.item(cid) <= t + 1e-9 and t <= self.win_end.item(cid) + 1e-9:
                        del waiting[cid]
                        self._book(cid, session)
            if takes_backlog:
                free = self.s_slots[session] - self.s_used[session]
                for cid in self._take_ready(r, _REGULAR_PR, t, free, consent=True):
                    self._book(cid, session)
        for cid in self.last_chance.pop(session, ()):
            q = int(self.queue_of[cid])
            waiting = self.waiting_release[r][q]
            if waiting.get(cid) == session:
                del waiting[cid]
                self._fall_back(cid, q)

    def _check_minimum_fill(self, session: int) -> None:
        """A fast session with fewer booked cases than its minimum is cancelled (`_cancel`)."""
        if not self.s_held[session] or self.s_closed[session] or self.s_used[session] >= self.s_min_cases[session]:
            return
        self._cancel([session], _LOW_FILL)

    def _cancel(self, sessions: list[int], status: int) -> None:
        """Sessions not yet sat are cancelled (low fill, a closure), all of them before any case is planned again
        (so none is booked into another of them): their cases are planned again from now, a fast-track case inside
        its window (or it falls back), a regular case as a ready-to-plan case with a new summons term; their claims
        go to another open session."""
        cases: list[int] = []
        claims: list[int] = []
        for session in sessions:
            if not self.s_held[session] or self.s_closed[session]:
                continue
            self.s_held[session] = False
            self.s_closed[session] = True
            self.s_status[session] = status
            booked = self.s_cases[session] or []
            self.s_cases[session] = None
            self.s_used[session] = 0
            self.s_postponed[session] = len(booked)
            cases += booked
            claims += self.s_claims.pop(session, ())
        now = self.ctx.env.now
        for cid in claims:
            self.book_claim(cid)  # into another open session, or back to the claims waiting
        for cid in cases:
            q = int(self.queue_of[cid])
            if q in _FAST_TRACK_QUEUES:
                earliest = now
                if q == _NOT_DETAINED:
                    earliest = max(now, self.win_start.item(cid) + self.not_detained_min)
                self._book_or_fall_back(cid, q, earliest)
            else:
                self._plan_regular(cid, q, now)  # a new date: a new summons term

    # ------------------------------------------------------------------ fast-track planning

    def _book_or_fall_back(self, cid: int, q: int, earliest: float) -> None:
        """A fast-track case is booked inside its legal window from `earliest` on; if only slots not yet open to
        its queue could still take it, it waits for them; otherwise it falls back."""
        if self._book_within_legal_window(cid, q, earliest):
            return
        last = self._last_release_in_window(cid, q, earliest)
        if last is None:
            self._fall_back(cid, q)
            return
        ctx = self.ctx
        self.earliest[cid] = earliest
        self.waiting_release[ctx.region_of[cid]][q][cid] = last
        self.last_chance.setdefault(last, []).append(cid)
        ctx.cases.enter(cid, _STAGE_READY_TO_PLAN, ctx.env.now)

    def _book_within_legal_window(self, cid: int, q: int, earliest: float) -> bool:
        """Book the case into the first held session serving fast-track queue `q` that is open to it, has a free
        slot, is not yet closed, and sits between `earliest` and the end of the case's legal window. False if there
        is none."""
        r = self.ctx.region_of[cid]
        now = self.ctx.env.now
        times = self.q_times[r][q]
        sessions = self.q_sessions[r][q]
        open_at = self.q_open_at[r][q]
        end = self.win_end[cid]
        i = bisect_left(times, earliest)
        used, slots, closed = self.s_used, self.s_slots, self.s_closed
        while i < len(times) and times[i] <= end:
            session = sessions[i]
            if used[session] < slots[session] and not closed[session] and open_at[i] <= now:
                self._book(cid, session)
                return True
            i += 1
        return False

    def _last_release_in_window(self, cid: int, q: int, earliest: float) -> int | None:
        """Of the sessions in the case's window that open to its queue later, the one that opens last."""
        r = self.ctx.region_of[cid]
        now = self.ctx.env.now
        times, sessions, open_at = self.q_times[r][q], self.q_sessions[r][q], self.q_open_at[r][q]
        end = self.win_end[cid]
        best, best_at = None, -math.inf
        i = bisect_left(times, earliest)
        while i < len(times) and times[i] <= end:
            if open_at[i] > now and open_at[i] >= best_at and not self.s_closed[sessions[i]]:
                best, best_at = sessions[i], open_at[i]
            i += 1
        return best

    def _fall_back(self, cid: int, q: int) -> None:
        """No session fits the window: the suspect is released and the case goes to the slower route `om.fallback`
        names for its queue."""
        ctx = self.ctx
        c = ctx.cases
        c.fallbacks[cid] += 1
        c.fell_back_from[cid] |= _FALLBACK_BIT[q]
        r = ctx.region_of[cid]
        new = self.fallback[r][q]
        new = self._custody.fell_back(cid, new)  # held on into snelrecht for detained suspects, or released
        if not c.verzet[cid]:
            c.route[cid] = new
        now = ctx.env.now
        if new == _ROUTE_REGULAR:
            self._enter_court_queue(cid, self._regular_queue(cid, now), now)
        else:
            self._enter_court_queue(cid, _QUEUE_OF_FAST_TRACK_ROUTE[new], now + self.preparation[r])

    # ------------------------------------------------------------------ hearings

    def _hear(self, cid: int, session: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        if math.isnan(c.t_first_hearing[cid]):
            c.t_first_hearing[cid] = now
        q = self.queue_of[cid]
        if q in _FAST_TRACK_QUEUES and now > self.win_end[cid] + 1e-9:  # pragma: no cover - guarded when booking
            raise AssertionError(f"case {cid} heard after its {CourtQueue(q).key} window")
        log_case, log_session, log_queue, log_result = self.hearings
        log_case.append(cid)
        log_session.append(session)
        log_queue.append(int(q))
        if self._advice.pending[cid] > 0:
            log_result.append(_REPORT_MISSING)
            c.adjournments[cid] += 1
            self.waiting_report[cid] = True
            c.enter(cid, _STAGE_READY_TO_PLAN, now)
            return
        r = ctx.region_of[cid]
        u = self.u_adjourn.item(cid) if c.adjournments[cid] == 0 else self._adjourn_rng.random()
        if u < self.adjournment_share[r].at(now):
            log_result.append(_ADJOURNED)
            c.adjournments[cid] += 1
            if q in _FAST_TRACK_QUEUES:
                self._book_or_fall_back(cid, q, now + self.fast_adjournment_min[r])
            else:
                self._plan_regular(cid, q, now + self.adjournment_min[r])
            return
        log_result.append(_HEARD)
        self._verdict(cid, q)

    def report_arrived(self, cid: int) -> None:
        """All advice reports for the case are in; a case that was waiting for them is planned (again)."""
        if not self.waiting_report[cid]:
            return
        self.waiting_report[cid] = False
        ctx = self.ctx
        q = self.queue_of[cid]
        if q in _FAST_TRACK_QUEUES:
            self._book_or_fall_back(cid, q, ctx.env.now)
        else:
            self._plan_regular(cid, q, ctx.env.now)

    def _verdict(self, cid: int, q: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        r = ctx.region_of[cid]
        c.t_verdict[cid] = now
        c.court_queue[cid] = q
        if q in _FAST_TRACK_QUEUES:
            c.t_window_start[cid] = self.win_start[cid]
        mixes = self.verdict_mix[r]
        if c.verzet[cid]:
            mix = mixes.get("verzet") or mixes["regular"]
        else:
            c.route[cid] = _QUEUE_ROUTE_CODE[q]
            mix = mixes[_QUEUE_ROUTE_KEY[q]]
        v = mix.pick(self.u_verdict.item(cid), now)
        c.verdict[cid] = v
        c.sanctions[cid] = self._sanction_parts(cid, r, v, now)
        self._to_appeal(cid, self._custody.at_verdict(cid))  # still held: the sentence follows at once

    def _sanction_parts(self, cid: int, r: int, v: int, now: float) -> int:
        """The bits of every part of the sentence: the principal sanction `v` and, for a share, a second part."""
        if v == _VERDICT_ACQUITTAL:
            return 0
        bits = 1 << v
        custodial_suspended, custodial_taakstraf, taakstraf_suspended, fine_suspended = self.combined[r]
        u = self.u_suspended_part.item(cid)
        if v == _VERDICT_CUSTODIAL:
            if u < custodial_suspended.at(now):
                bits |= _BIT_SUSPENDED
            if self.u_taakstraf_part.item(cid) < custodial_taakstraf.at(now):
                bits |= _BIT_TAAKSTRAF
        elif v == _VERDICT_TAAKSTRAF:
            if u < taakstraf_suspended.at(now):
                bits |= _BIT_SUSPENDED
        elif v == _VERDICT_FINE and u < fine_suspended.at(now):
            bits |= _BIT_SUSPENDED
        return bits

    # ------------------------------------------------------------------ claims to execute suspended sentences

    def book_claim(self, cid: int) -> None:
        """A claim filed now: into the first held session serving claims that is open to them and has a free slot;
        otherwise it waits for the next session to open."""
        ctx = self.ctx
        r = ctx.region_of[cid]
        now = ctx.env.now
        times, sessions, open_at = self.q_times[r][_CLAIM], self.q_sessions[r][_CLAIM], self.q_open_at[r][_CLAIM]
        used, slots, closed = self.s_used, self.s_slots, self.s_closed
        i = bisect_left(times, now)
        while i < len(times) and open_at[i] <= now:
            session = sessions[i]
            if used[session] < slots[session] and not closed[session] and self.s_held[session]:
                self._book_claim_into(cid, session)
                return
            i += 1
        self.claims_pending[r].append(cid)

    def _book_claim_into(self, cid: int, session: int) -> None:
        self.s_used[session] += 1
        self.s_claims.setdefault(session, []).append(cid)

    def _book_pending_claims(self, session: int) -> None:
        """A session opens its free slots to claims: the waiting ones take them, in order of filing."""
        pending = self.claims_pending[self.s_region[session]]
        while pending and self.s_used[session] < self.s_slots[session]:
            self._book_claim_into(pending.popleft(), session)

    def _hear_claims(self, claims: list[int], session: int) -> None:
        log_case, log_session, log_queue, log_result = self.hearings
        for cid in claims:
            granted = self._claim_heard(cid)
            log_case.append(cid)
            log_session.append(session)
            log_queue.append(_CLAIM)
            log_result.append(_CLAIM_GRANTED if granted else _CLAIM_REFUSED)

    # ------------------------------------------------------------------ pro-forma hearings (art. 66 Sv)
    # A suspect in gevangenhouding must have his trial started before the 90-day maximum runs out, and then the
    # court extends the detention at most 90 days at a time until the substantive hearing. It does so in pro-forma
    # hearings: the custody clock asks for one before each deadline (`plan_pro_forma`); it sits in the last held
    # session of the case's queue in its district before the deadline. A pro-forma hearing takes minutes and no
    # slot (ASSUMPTION: courts hold them in separate pro-forma rolls); it is logged with HearingResult.PRO_FORMA and
    # does not decide the case. If no session sits before the deadline, the suspect is released at the deadline.

    def connect_custody(self, custody: Custody) -> None:
        """The custody clock: whether a suspect is held at the verdict, released at a fall-back, and the pro-forma
        hearings of suspects in gevangenhouding."""
        self._custody = custody
        self._pro_forma_session: dict[int, int] = {}

    def plan_pro_forma(self, cid: int, deadline: float) -> None:
        """Plan a pro-forma hearing for a suspect in gevangenhouding before `deadline`."""
        q = self.queue_of[cid]
        if q not in (_REGULAR_PR, _REGULAR_MK):
            return
        now = self.ctx.env.now
        times = self.q_times[self.ctx.region_of[cid]][q]
        i = bisect_left(times, deadline) - 1  # the last session strictly before the deadline
        if i < 0 or times[i] <= now:
            return  # no session sits in time: the detention runs out
        self._pro_forma_session[cid] = self.q_sessions[self.ctx.region_of[cid]][q][i]
        self.ctx.after(times[i] - now, self._pro_forma_hearing, cid)

    def _pro_forma_hearing(self, cid: int) -> None:
        session = self._pro_forma_session.pop(cid)
        c = self.ctx.cases
        if not math.isnan(c.t_verdict[cid]):
            return  # tried on the merits meanwhile
        log_case, log_session, log_queue, log_result = self.hearings
        log_case.append(cid)
        log_session.append(session)
        log_queue.append(int(self.queue_of[cid]))
        log_result.append(_PRO_FORMA)
        c.pro_forma_hearings[cid] += 1
        self._custody.pro_forma(cid)
