"""Courts (rechtbank): the session calendar, planning into sessions, hearings, adjournments and verdicts.

Each region has a weekly calendar of sessions (zittingen) per session type — RC sitting as politierechter for
supersnelrecht, snelrecht politierechter, regular politierechter, meervoudige kamer, or whatever the scenario names —
with slots per session, on given weekdays, at 9:00. A session is held only if an officier is available
(`officier_share`); cancelled sessions take no cases.

Two ways into a session:

* **Fast-track cases are pushed** into the first session that serves their route, has a free slot, and lies inside
  the route's legal window: supersnelrecht within 3 days of arrest, snelrecht for detained suspects within 17 days of
  arrest, snelrecht for suspects not detained between `snelrecht_not_detained_min_days` and 28 days after the
  summons. **The windows are hard**: if no session fits (at the summons, or when replanning after an adjournment),
  the suspect is released and the case *falls back* to the slower route named in `om.fallback`, counted in
  `fallbacks`. A case is never heard late inside its modality.
* **Regular cases wait in a backlog** per region (politierechter and meervoudige kamer), first in, first out, once
  their advice reports are in. Each session that serves a regular queue takes cases from it `fill_lead_days` before
  it sits (the summons term); a fast-track session with `fill_from_backlog` fills its empty slots from the
  politierechter backlog then too. Adjourned regular cases go to the front of the backlog.

At the hearing a case whose advice report has not arrived is adjourned and waits for it; otherwise it is adjourned
with `adjournment_share` (file incomplete, defence not ready) and planned again, or it gets a verdict from the
route's verdict mix and goes to appeal or execution.
"""

from __future__ import annotations

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
    CourtQueue,
    HearingResult,
    Route,
    Stage,
    Verdict,
    fallback_bit,
    legal_window,
)

if TYPE_CHECKING:
    from .advice import Advice
    from .model import StageContext

SESSION_HOUR = 9.0  # sessions sit at 9:00
# Plain ints for the hot paths: a queue code read from a numpy column and compared with an enum member, or an enum
# member stored in a numpy column, takes numpy's slow path (about a microsecond each).
_REGULAR_PR, _REGULAR_MK = int(CourtQueue.REGULAR_PR), int(CourtQueue.REGULAR_MK)
_NOT_DETAINED = int(CourtQueue.SNELRECHT_NOT_DETAINED)
_FAST_TRACK_QUEUES = tuple(int(q) for q in FAST_TRACK_QUEUES)
_DETAINED_QUEUES = (int(CourtQueue.SUPERSNELRECHT), int(CourtQueue.SNELRECHT_DETAINED))
_ROUTE_REGULAR = int(Route.REGULAR)
_QUEUE_OF_FAST_TRACK_ROUTE = {int(r): int(CourtQueue.of_fast_track(r)) for r in FAST_TRACK_ROUTES}
_QUEUE_ROUTE_CODE = [int(r) for r in QUEUE_ROUTE]  # indexed by queue
_QUEUE_ROUTE_KEY = [r.key for r in QUEUE_ROUTE]
_FALLBACK_BIT = [fallback_bit(q.route) if q.is_fast_track else 0 for q in CourtQueue]  # indexed by queue
_HEARD, _ADJOURNED, _REPORT_MISSING = int(HearingResult.VERDICT), int(HearingResult.ADJOURNED), int(HearingResult.REPORT_MISSING)

# plain ints for the hot paths: an enum member compared with a numpy scalar, or stored in an array, takes
# numpy's slow path
_STAGE_COURT = int(Stage.COURT)
_VERDICT_SUSPENDED = int(Verdict.SUSPENDED)


class Courts:
    """The rechtbank of every region: session calendars, the regular backlogs, planning, hearings and verdicts."""

    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        sc = ctx.scenario
        self.window_days = {int(q): legal_window(q.route, sc.legal).latest_days for q in FAST_TRACK_QUEUES}
        self.not_detained_min = legal_window(Route.SNELRECHT_NOT_DETAINED, sc.legal).earliest_days
        n = ctx.n
        self.queue_of = np.full(n, -1, np.int8)  # CourtQueue of each case in court
        self.win_start = np.full(n, np.nan)
        self.win_end = np.full(n, np.nan)
        self.waiting_report = np.zeros(n, bool)
        self.u_mk = ctx.draw.uniform("mk")
        self.u_adjourn = ctx.draw.uniform("adjournment")
        self.u_verdict = ctx.draw.uniform("verdict")
        self._adjourn_rng = ctx.streams("u:adjournment:repeat")

        schedule = ctx.schedule
        self.mk_share = [[schedule(ch.courts.mk_share[st]) for st in ctx.stream_names] for ch in ctx.chains]
        self.adjournment_share = [schedule(ch.courts.adjournment_share) for ch in ctx.chains]
        self.adjournment_min = [ch.courts.adjournment_min_days for ch in ctx.chains]
        self.preparation = [ch.courts.preparation_days for ch in ctx.chains]
        # per region: fast-track queue -> the route a case falls back to when no session fits its window
        self.fallback = [
            {int(CourtQueue.from_key(a)): int(Route.from_key(b)) for a, b in ch.om.fallback.items()}
            for ch in ctx.chains
        ]
        self.verzet_queue = [int(CourtQueue.from_key(ch.om.verzet_queue)) for ch in ctx.chains]
        self.verdict_mix = [
            {route: ctx.mix(mix, Verdict.from_key, _VERDICT_SUSPENDED) for route, mix in ch.courts.verdict_mix.items()}
            for ch in ctx.chains
        ]
        self.backlog: list[tuple[deque[int], deque[int]]] = [(deque(), deque()) for _ in ctx.chains]  # PR, MK
        # case, session, queue, result (HearingResult) per hearing held: compact arrays, a long run has millions
        self.hearings = (array("i"), array("i"), array("b"), array("b"))
        self._build_calendar()
        ctx.env.process(self._fill_process())
        ctx.env.process(self._hearing_process())

    def connect(self, advice: Advice, to_appeal: Callable[[int, bool], None]) -> None:
        """The advice stage (reports are requested at the summons; a case is not heard without them) and where a
        verdict goes next (appeal, told whether the suspect is detained)."""
        self._advice = advice
        self._to_appeal = to_appeal

    # ------------------------------------------------------------------ the calendar

    def _build_calendar(self) -> None:
        """Every session of the run, in time order: per region and session type, `per_week` sessions spread evenly
        over the session type's weekdays (a running fraction, so 2.5 a week gives 5 in two weeks), each held if an
        officier is available."""
        ctx = self.ctx
        total = ctx.scenario.total_days
        n_days = math.ceil(total)
        t_all, r_all, k_all, slots_all, held_all = [], [], [], [], []
        type_index: dict[str, int] = {}
        for r, (rname, ch) in enumerate(zip(ctx.region_names, ctx.chains)):
            for kname, st in ch.courts.sessions.items():
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
                        held_all.append(rng.random() < officier.at(d))
        self.type_names = list(type_index)
        order = np.argsort(np.asarray(t_all, float), kind="stable")
        # one entry per session, in time order (a session is an index into these)
        self.s_time = [t_all[i] for i in order]
        self.s_region = [r_all[i] for i in order]
        self.s_type = [k_all[i] for i in order]
        self.s_slots = [slots_all[i] for i in order]
        self.s_held = [held_all[i] for i in order]
        self.s_used = [0] * len(order)
        self.s_heard = [False] * len(order)
        self.s_cases: list[list[int] | None] = [None] * len(order)
        # per region and session type: the queues it serves, the regular backlogs it fills from, and when
        n_reg = len(ctx.chains)
        n_types = len(self.type_names)
        serves: list[list[list[int]]] = [[[] for _ in range(n_types)] for _ in range(n_reg)]
        pulls: list[list[list[int]]] = [[[] for _ in range(n_types)] for _ in range(n_reg)]
        fill_lead = [[0.0] * n_types for _ in range(n_reg)]
        for r, ch in enumerate(ctx.chains):
            for kname, st in ch.courts.sessions.items():
                k = type_index[kname]
                serves[r][k] = [int(CourtQueue.from_key(q)) for q in st.serves]
                backlogs = [q - _REGULAR_PR for q in serves[r][k] if q in (_REGULAR_PR, _REGULAR_MK)]
                if st.fill_from_backlog and 0 not in backlogs:
                    backlogs.append(0)  # a fast-track session fills its empty slots from the politierechter backlog
                pulls[r][k] = backlogs
                fill_lead[r][k] = st.fill_lead_days
        # per region, per queue: the held sessions serving it (their times, for bisect, and their ids)
        self.q_times: list[list[list[float]]] = [[[] for _ in CourtQueue] for _ in range(n_reg)]
        self.q_sessions: list[list[list[int]]] = [[[] for _ in CourtQueue] for _ in range(n_reg)]
        self.fills: list[tuple[float, int]] = []  # (fill time, session)
        self.s_pulls: dict[int, list[int]] = {}  # session -> backlogs it fills from
        for session in range(len(order)):
            if not self.s_held[session]:
                continue
            r, k = self.s_region[session], self.s_type[session]
            for q in serves[r][k]:
                self.q_times[r][q].append(self.s_time[session])
                self.q_sessions[r][q].append(session)
            if pulls[r][k]:
                self.s_pulls[session] = pulls[r][k]
                self.fills.append((max(0.0, self.s_time[session] - fill_lead[r][k]), session))
        self.fills.sort()

    def session_table(self) -> dict[str, np.ndarray]:
        return {
            "region": np.asarray(self.s_region, np.int16),
            "session_type": np.asarray(self.s_type, np.int16),
            "time": np.asarray(self.s_time, float),
            "held": np.asarray(self.s_held, bool),
            "slots": np.asarray(self.s_slots, np.int32),
            "used": np.asarray(self.s_used, np.int32),
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

    def _fill_process(self):
        env = self.ctx.env
        for t, session in self.fills:
            if t > env.now:
                yield env.timeout(t - env.now)
            self._fill_from_backlog(session)

    def _fill_from_backlog(self, session: int) -> None:
        """Put regular backlog cases on the session's empty slots, once (at its fill time, or when it sits if that
        is the same moment and the hearing came first)."""
        backlogs = self.s_pulls.pop(session, None)
        if backlogs is None:
            return
        free = self.s_slots[session] - self.s_used[session]
        region_backlog = self.backlog[self.s_region[session]]
        for b in backlogs:
            waiting = region_backlog[b]
            while free > 0 and waiting:
                self._book(waiting.popleft(), session)
                free -= 1

    def _hearing_process(self):
        env = self.ctx.env
        for session in range(len(self.s_time)):
            if not self.s_held[session]:
                continue
            t = self.s_time[session]
            if t > env.now:
                yield env.timeout(t - env.now)
            self._fill_from_backlog(session)  # a session filled "the same morning" (fill_lead_days = 0)
            self.s_heard[session] = True
            cases = self.s_cases[session]
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

    # ------------------------------------------------------------------ into court

    def summon(self, cid: int, route: int) -> None:
        """The OM summons the case (dagvaarding) by `route`."""
        ctx = self.ctx
        now = ctx.env.now
        ctx.cases.enter(cid, _STAGE_COURT, now)
        r = ctx.region_of[cid]
        q = self._regular_queue(cid, now) if route == _ROUTE_REGULAR else _QUEUE_OF_FAST_TRACK_ROUTE[route]
        self._advice.request(cid, route)
        self._enter_court_queue(cid, q, now + self.preparation[r])

    def _regular_queue(self, cid: int, now: float) -> int:
        """Politierechter or meervoudige kamer, by the stream's MK share."""
        ctx = self.ctx
        mk = self.u_mk.item(cid) < self.mk_share[ctx.region_of[cid]][ctx.stream_of[cid]].at(now)
        return _REGULAR_MK if mk else _REGULAR_PR

    def receive_verzet(self, cid: int) -> None:
        """Verzet against a strafbeschikking: the case is heard in court after all (already in the court stage)."""
        r = self.ctx.region_of[cid]
        self._enter_court_queue(cid, self.verzet_queue[r], self.ctx.env.now)

    def _enter_court_queue(self, cid: int, q: int, earliest: float) -> None:
        """Put the case in queue `q`: a fast-track case gets its legal window and a session inside it, or falls
        back; a regular case joins its backlog once its advice reports are in."""
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
        else:
            self.backlog[ctx.region_of[cid]][q - _REGULAR_PR].append(cid)

    def _book_or_fall_back(self, cid: int, q: int, earliest: float) -> None:
        """A fast-track case is booked inside its legal window from `earliest` on, or falls back."""
        if not self._book_within_legal_window(cid, q, earliest):
            self._fall_back(cid, q)

    def _book_within_legal_window(self, cid: int, q: int, earliest: float) -> bool:
        """Book the case into the first held session serving fast-track queue `q` that has a free slot, is not yet
        heard, and sits between `earliest` and the end of the case's legal window. False if there is none: the
        window is hard, so the case must then fall back."""
        r = self.ctx.region_of[cid]
        times = self.q_times[r][q]
        sessions = self.q_sessions[r][q]
        end = self.win_end[cid]
        i = bisect_left(times, earliest)
        used, slots, heard = self.s_used, self.s_slots, self.s_heard
        while i < len(times) and times[i] <= end:
            session = sessions[i]
            if used[session] < slots[session] and not heard[session]:
                self._book(cid, session)
                return True
            i += 1
        return False

    def _fall_back(self, cid: int, q: int) -> None:
        """No session fits the window: the suspect is released and the case goes to the slower route `om.fallback`
        names for its queue."""
        ctx = self.ctx
        c = ctx.cases
        c.fallbacks[cid] += 1
        c.fell_back_from[cid] |= _FALLBACK_BIT[q]
        r = ctx.region_of[cid]
        new = self.fallback[r][q]
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
            return
        r = ctx.region_of[cid]
        u = self.u_adjourn.item(cid) if c.adjournments[cid] == 0 else self._adjourn_rng.random()
        if u < self.adjournment_share[r].at(now):
            log_result.append(_ADJOURNED)
            c.adjournments[cid] += 1
            earliest = now + self.adjournment_min[r]
            if q in _FAST_TRACK_QUEUES:
                self._book_or_fall_back(cid, q, earliest)
            else:
                ctx.after(self.adjournment_min[r], self._requeue_front, cid)
            return
        log_result.append(_HEARD)
        self._verdict(cid, q)

    def _requeue_front(self, cid: int) -> None:
        """An adjourned regular case goes to the front of its backlog."""
        q = self.queue_of[cid]
        self.backlog[self.ctx.region_of[cid]][q - _REGULAR_PR].appendleft(cid)

    def report_arrived(self, cid: int) -> None:
        """All advice reports for the case are in; a case that was waiting for them is planned again."""
        if not self.waiting_report[cid]:
            return
        self.waiting_report[cid] = False
        ctx = self.ctx
        q = self.queue_of[cid]
        if q in _FAST_TRACK_QUEUES:
            self._book_or_fall_back(cid, q, ctx.env.now)
        else:
            self.backlog[ctx.region_of[cid]][q - _REGULAR_PR].append(cid)

    def _verdict(self, cid: int, q: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        r = ctx.region_of[cid]
        c.t_verdict[cid] = now
        if q in _FAST_TRACK_QUEUES:
            c.t_window_start[cid] = self.win_start[cid]
        mixes = self.verdict_mix[r]
        if c.verzet[cid]:
            mix = mixes.get("verzet") or mixes["regular"]
        else:
            c.route[cid] = _QUEUE_ROUTE_CODE[q]
            mix = mixes[_QUEUE_ROUTE_KEY[q]]
        c.verdict[cid] = mix.pick(self.u_verdict.item(cid), now)
        self._to_appeal(cid, q in _DETAINED_QUEUES)
