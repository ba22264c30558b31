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

import numpy as np

from .records import ROUTE, STAGE, VERDICT
from .scenario import COURT_QUEUES, FAST_TRACK, ROUTES

Q = {name: i for i, name in enumerate(COURT_QUEUES)}
Q_SUPER, Q_DET, Q_NOT, Q_PR, Q_MK = (Q[n] for n in COURT_QUEUES)
FAST_Q = (Q_SUPER, Q_DET, Q_NOT)
QUEUE_ROUTE = [ROUTE[n] for n in FAST_TRACK] + [ROUTE["regular"], ROUTE["regular"]]
SESSION_HOUR = 9.0
HEARING_RESULTS = ("verdict", "adjourned", "report_missing")


class Courts:
    def __init__(self, m):
        self.m = m
        sc = m.scenario
        legal = sc.legal
        self.window_days = {
            Q_SUPER: legal.supersnelrecht_window_days,
            Q_DET: legal.snelrecht_detained_window_days,
            Q_NOT: legal.snelrecht_not_detained_window_days,
        }
        self.not_detained_min = legal.snelrecht_not_detained_min_days
        n = m.n
        self.queue_of = np.full(n, -1, np.int8)
        self.win_start = np.full(n, np.nan)
        self.win_end = np.full(n, np.nan)
        self.waiting_report = np.zeros(n, bool)
        self.u_mk = m.draw.uniform("mk")
        self.u_adjourn = m.draw.uniform("adjournment")
        self.u_verdict = m.draw.uniform("verdict")
        self._adjourn_rng = m.streams("u:adjournment:repeat")

        self.mk_share = [[m.sched(ch.courts.mk_share[s]) for s in m.stream_names] for ch in m.chains]
        self.adjournment_share = [m.sched(ch.courts.adjournment_share) for ch in m.chains]
        self.adjournment_min = [ch.courts.adjournment_min_days for ch in m.chains]
        self.preparation = [ch.courts.preparation_days for ch in m.chains]
        self.fallback = [{Q[a]: b for a, b in ch.om.fallback.items()} for ch in m.chains]
        self.verzet_queue = [Q[ch.om.verzet_queue] for ch in m.chains]
        self.verdict_mix = [
            {route: m.mix(mix, VERDICT, VERDICT["suspended"]) for route, mix in ch.courts.verdict_mix.items()}
            for ch in m.chains
        ]
        self.backlog = [[deque(), deque()] for _ in m.chains]  # regular_pr, regular_mk
        # case, session, queue, result (HEARING_RESULTS) per hearing held: compact arrays, a long run has millions
        self.hearings = (array("i"), array("i"), array("b"), array("b"))
        self._build_calendar()
        m.env.process(self._fill_process())
        m.env.process(self._hearing_process())

    # ------------------------------------------------------------------ the calendar

    def _build_calendar(self):
        m = self.m
        total = m.scenario.total_days
        n_days = math.ceil(total)
        self.type_names = []
        t_all, r_all, k_all, slots_all, held_all = [], [], [], [], []
        type_index = {}
        for r, (rname, ch) in enumerate(zip(m.region_names, m.chains)):
            for kname, st in ch.courts.sessions.items():
                k = type_index.setdefault(kname, len(type_index))
                per_week = m.sched(st.per_week)
                slots = m.sched(st.slots)
                officier = m.sched(st.officier_share)
                weekdays = set(st.weekdays)
                rng = m.streams(f"u:officier:{rname}:{kname}")
                acc = 0.5
                for d in range(n_days):
                    if (m.weekday0 + d) % 7 not in weekdays:
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
        self.s_time = [t_all[i] for i in order]
        self.s_region = [r_all[i] for i in order]
        self.s_type = [k_all[i] for i in order]
        self.s_slots = [slots_all[i] for i in order]
        self.s_held = [held_all[i] for i in order]
        self.s_used = [0] * len(order)
        self.s_heard = [False] * len(order)
        self.s_cases: list[list[int] | None] = [None] * len(order)
        # per region, per queue: held sessions serving it (times for bisect, session ids)
        n_reg = len(m.chains)
        serves = [[None] * len(self.type_names) for _ in range(n_reg)]
        pulls = [[None] * len(self.type_names) for _ in range(n_reg)]
        fill_lead = [[0.0] * len(self.type_names) for _ in range(n_reg)]
        for r, ch in enumerate(m.chains):
            for kname, st in ch.courts.sessions.items():
                k = type_index[kname]
                serves[r][k] = [Q[q] for q in st.serves]
                p = [Q[q] - Q_PR for q in st.serves if Q[q] in (Q_PR, Q_MK)]
                if st.fill_from_backlog and 0 not in p:
                    p.append(0)
                pulls[r][k] = p
                fill_lead[r][k] = st.fill_lead_days
        self.q_times = [[[] for _ in COURT_QUEUES] for _ in range(n_reg)]
        self.q_sessions = [[[] for _ in COURT_QUEUES] for _ in range(n_reg)]
        self.fills = []
        self.s_pulls: dict[int, list[int]] = {}  # session -> backlogs it fills from
        for s in range(len(order)):
            if not self.s_held[s]:
                continue
            r, k = self.s_region[s], self.s_type[s]
            for q in serves[r][k]:
                self.q_times[r][q].append(self.s_time[s])
                self.q_sessions[r][q].append(s)
            if pulls[r][k]:
                self.s_pulls[s] = pulls[r][k]
                self.fills.append((max(0.0, self.s_time[s] - fill_lead[r][k]), s))
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
        env = self.m.env
        for t, s in self.fills:
            if t > env.now:
                yield env.timeout(t - env.now)
            self._fill(s)

    def _fill(self, s: int) -> None:
        """Put backlog cases on session `s`'s empty slots, once (at its fill time, or when it sits if that is
        the same moment and the hearing came first)."""
        pulls = self.s_pulls.pop(s, None)
        if pulls is None:
            return
        free = self.s_slots[s] - self.s_used[s]
        backlog = self.backlog[self.s_region[s]]
        for b in pulls:
            dq = backlog[b]
            while free > 0 and dq:
                self._book(dq.popleft(), s)
                free -= 1

    def _hearing_process(self):
        env = self.m.env
        for s in range(len(self.s_time)):
            if not self.s_held[s]:
                continue
            t = self.s_time[s]
            if t > env.now:
                yield env.timeout(t - env.now)
            self._fill(s)  # a session filled "the same morning" (fill_lead_days = 0)
            self.s_heard[s] = True
            cases = self.s_cases[s]
            if cases:
                self.s_cases[s] = None  # heard: the list is not needed any more (a long run has millions)
                for cid in cases:
                    self._hear(cid, s)

    def _book(self, cid: int, s: int) -> None:
        self.s_used[s] += 1
        if self.s_cases[s] is None:
            self.s_cases[s] = [cid]
        else:
            self.s_cases[s].append(cid)

    # ------------------------------------------------------------------ into court

    def summon(self, cid: int, route: str) -> None:
        """The OM summons the case (dagvaarding) by `route`."""
        m = self.m
        c = m.cases
        now = m.env.now
        c.enter(cid, STAGE["court"], now)
        r = m.region_of[cid]
        if route == "regular":
            q = Q_MK if self.u_mk.item(cid) < self.mk_share[r][m.stream_of[cid]].at(now) else Q_PR
        else:
            q = Q[route]
        m.advice.request(cid, route)
        self._assign(cid, q, now + self.preparation[r])

    def receive_verzet(self, cid: int) -> None:
        """Verzet against a strafbeschikking: the case is heard in court after all (already in the court stage)."""
        r = self.m.region_of[cid]
        self._assign(cid, self.verzet_queue[r], self.m.env.now)

    def _assign(self, cid: int, q: int, earliest: float) -> None:
        """Put the case in queue `q`: fast-track cases get a window and a session, or fall back."""
        m = self.m
        now = m.env.now
        self.queue_of[cid] = q
        if q in FAST_Q:
            if q == Q_NOT:
                start = now
                earliest = max(earliest, now + self.not_detained_min)
            else:
                start = m.cases.t_offence[cid]  # arrest
            self.win_start[cid] = start
            self.win_end[cid] = start + self.window_days[q]
            if not self._plan_fast(cid, q, earliest):
                self._fall_back(cid, q)
        elif m.advice.pending[cid] > 0:
            self.waiting_report[cid] = True
        else:
            self.backlog[m.region_of[cid]][q - Q_PR].append(cid)

    def _plan_fast(self, cid: int, q: int, earliest: float) -> bool:
        r = self.m.region_of[cid]
        times = self.q_times[r][q]
        sessions = self.q_sessions[r][q]
        end = self.win_end[cid]
        i = bisect_left(times, earliest)
        used, slots, heard = self.s_used, self.s_slots, self.s_heard
        while i < len(times) and times[i] <= end:
            s = sessions[i]
            if used[s] < slots[s] and not heard[s]:
                self._book(cid, s)
                return True
            i += 1
        return False

    def _fall_back(self, cid: int, q: int) -> None:
        m = self.m
        c = m.cases
        c.fallbacks[cid] += 1
        c.fell_back_from[cid] |= 1 << q
        new = self.fallback[m.region_of[cid]][q]
        if not c.verzet[cid]:
            c.route[cid] = ROUTE[new]
        now = m.env.now
        if new == "regular":
            r = m.region_of[cid]
            q2 = Q_MK if self.u_mk.item(cid) < self.mk_share[r][m.stream_of[cid]].at(now) else Q_PR
            self._assign(cid, q2, now)
        else:
            self._assign(cid, Q[new], now + self.preparation[m.region_of[cid]])

    # ------------------------------------------------------------------ hearings

    def _hear(self, cid: int, s: int) -> None:
        m = self.m
        c = m.cases
        now = m.env.now
        if math.isnan(c.t_first_hearing[cid]):
            c.t_first_hearing[cid] = now
        q = self.queue_of[cid]
        if q in FAST_Q and now > self.win_end[cid] + 1e-9:  # pragma: no cover - guarded by _plan_fast
            raise AssertionError(f"case {cid} heard after its {COURT_QUEUES[q]} window")
        log_case, log_session, log_queue, log_result = self.hearings
        log_case.append(cid)
        log_session.append(s)
        log_queue.append(int(q))
        if m.advice.pending[cid] > 0:
            log_result.append(2)
            c.adjournments[cid] += 1
            self.waiting_report[cid] = True
            return
        r = m.region_of[cid]
        u = self.u_adjourn.item(cid) if c.adjournments[cid] == 0 else self._adjourn_rng.random()
        if u < self.adjournment_share[r].at(now):
            log_result.append(1)
            c.adjournments[cid] += 1
            earliest = now + self.adjournment_min[r]
            if q in FAST_Q:
                if not self._plan_fast(cid, q, earliest):
                    self._fall_back(cid, q)
            else:
                m.after(self.adjournment_min[r], self._requeue_front, cid)
            return
        log_result.append(0)
        self._verdict(cid, q)

    def _requeue_front(self, cid: int) -> None:
        q = self.queue_of[cid]
        self.backlog[self.m.region_of[cid]][q - Q_PR].appendleft(cid)

    def report_arrived(self, cid: int) -> None:
        """All advice reports for the case are in; a case that was waiting for them is planned again."""
        if not self.waiting_report[cid]:
            return
        self.waiting_report[cid] = False
        m = self.m
        q = self.queue_of[cid]
        if q in FAST_Q:
            if not self._plan_fast(cid, q, m.env.now):
                self._fall_back(cid, q)
        else:
            self.backlog[m.region_of[cid]][q - Q_PR].append(cid)

    def _verdict(self, cid: int, q: int) -> None:
        m = self.m
        c = m.cases
        now = m.env.now
        r = m.region_of[cid]
        c.t_verdict[cid] = now
        if q in FAST_Q:
            c.t_window_start[cid] = self.win_start[cid]
        mixes = self.verdict_mix[r]
        if c.verzet[cid]:
            mix = mixes.get("verzet") or mixes["regular"]
        else:
            route = QUEUE_ROUTE[q]
            c.route[cid] = route
            mix = mixes[ROUTES[route]]
        verdict = mix.pick(self.u_verdict.item(cid), now)
        c.verdict[cid] = verdict
        m.appeal.consider(cid, detained=q in (Q_SUPER, Q_DET))

