"""Prosecution (Openbaar Ministerie): the ZSM desk, regular OM handling, and the decision.

ZSM is the joint police–OM desk that decides simple cases fast, while an arrested suspect is still held. Every
arrested suspect's case goes to the ZSM desk of its region (with priority); of the other cases a share per stream
does (`om.zsm_share_not_arrested`), after waiting for information (`om.info_wait`). The rest go to regular OM
handling. Both desks are staffed by officieren and parketsecretarissen in fte (`fte`, `hours_per_fte_per_week`) and a
case needs `work_hours` of their work (`sim.stations.staffed_station`); what is not work (waiting for information,
the suspect's lawyer, post: `lead_time`) follows as a pure delay. The ZSM desk is staffed 7 days a week, 14 hours a
day (cal:zsm_locaties); the baseline's regular handling is open around the clock (its fte's hours spread over
the week). Regular handling is a real queue: with
the OM's own staff busy, cases wait for an officier or parketsecretaris, as in the OM's published stocks.

After handling, a share of cases is returned to the police for more investigation (retourzaak) and comes back to
regular handling. Then the OM decides, by the stream's decision mix for the channel: sepot, conditional sepot,
transactie, OM-strafbeschikking, or a summons by one of four routes. The detained routes (supersnelrecht, snelrecht for detained suspects) need a suspect
still held by the custody clock (sim/custody.py): a suspect released before the ZSM decision (`custody_release`) is
decided by the `zsm` mix, and a detained route becomes snelrecht for suspects who are not detained. For a suspect
still held, the clock says what the route really is (supersnelrecht needs his consent) and what custody follows.

A strafbeschikking goes to execution; with verzet (objection) the case goes to court instead. A **transactie** (a
sum paid to CJIB to avoid prosecution, art. 74 Sr) is executed as a fine and never reaches the court. A
**conditional sepot** (voorwaardelijk sepot) leaves the chain with its own outcome and a probation period
(`om.conditional_sepot.probation`); a share (`breach_share`) breaches the conditions at a moment drawn uniformly
within the probation, and the OM then summons the case by the regular route.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from . import events
from .domain import Channel, Outcome, Route, Stage, Verdict, sanction_bit
from .stations import Station, staffed_station

if TYPE_CHECKING:
    from .model import StageContext

# plain ints for the hot paths: an enum member compared with a numpy scalar, or stored in an array, takes
# numpy's slow path
_OM_ZSM, _OM_REGULAR, _COURT = int(Stage.OM_ZSM), int(Stage.OM_REGULAR), int(Stage.COURT)
_ZSM, _REGULAR = int(Channel.ZSM), int(Channel.REGULAR)
_SEPOT, _STRAFBESCHIKKING = int(Route.SEPOT), int(Route.STRAFBESCHIKKING)
_DETAINED_ROUTES = (int(Route.SUPERSNELRECHT), int(Route.SNELRECHT_DETAINED))
_SNELRECHT_NOT_DETAINED = int(Route.SNELRECHT_NOT_DETAINED)
_FINE, _TAAKSTRAF = int(Verdict.FINE), int(Verdict.TAAKSTRAF)
_OUTCOME_SEPOT = int(Outcome.SEPOT)
_TRANSACTIE, _CONDITIONAL_SEPOT = int(Route.TRANSACTIE), int(Route.CONDITIONAL_SEPOT)
_ROUTE_REGULAR = int(Route.REGULAR)
_OUTCOME_OPEN, _OUTCOME_CONDITIONAL_SEPOT = int(Outcome.OPEN), int(Outcome.CONDITIONAL_SEPOT)
_BIT_FINE, _BIT_TAAKSTRAF = sanction_bit(Verdict.FINE), sanction_bit(Verdict.TAAKSTRAF)


class Prosecution:
    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        env, wd0 = ctx.env, ctx.weekday0
        self.zsm = []
        self.regular = []
        for rname, ch in zip(ctx.region_names, ctx.chains):
            z = ch.om.zsm
            hours = (z.open_hour, z.close_hour, frozenset(z.open_weekdays), wd0)
            self.zsm.append(
                staffed_station(
                    env,
                    f"zsm:{rname}",
                    ctx.schedule(z.fte).breakpoints(),
                    z.hours_per_fte_per_week,
                    priorities=2,
                    hours=hours,
                )
            )
            g = ch.om.regular
            hours = (g.open_hour, g.close_hour, frozenset(g.open_weekdays), wd0)
            self.regular.append(
                staffed_station(
                    env, f"om_regular:{rname}", ctx.schedule(g.fte).breakpoints(), g.hours_per_fte_per_week, hours=hours
                )
            )
        # the standing stock at the start: cases already waiting for an officier or parketsecretaris (work without
        # case rows; the chain's cases queue behind it)
        for r, ch in enumerate(ctx.chains):
            for desk, cfg, what in ((self.zsm[r], ch.om.zsm, "zsm"), (self.regular[r], ch.om.regular, "regular")):
                n = round(cfg.initial_stock)
                if n:
                    drawn = cfg.work_hours.build().sample(ctx.streams(f"d:initial_stock:{what}:{r}"), n)
                    desk.preload((drawn * desk.days_per_work_hour).tolist())
        # per region, per stream: schedules
        self.zsm_share = [
            [ctx.schedule(ch.om.zsm_share_not_arrested[stream]) for stream in ctx.stream_names] for ch in ctx.chains
        ]
        self.mix = [
            [
                {
                    key: ctx.mix(getattr(ch.om.decision_mix[stream], key), Route.from_key, Route.REGULAR)
                    for key in ("zsm_arrested", "zsm", "regular")
                }
                for stream in ctx.stream_names
            ]
            for ch in ctx.chains
        ]
        self.return_share = [
            (ctx.schedule(ch.om.zsm.return_share), ctx.schedule(ch.om.regular.return_share)) for ch in ctx.chains
        ]
        self.fine_share = [ctx.schedule(ch.om.strafbeschikking.fine_share) for ch in ctx.chains]
        self.verzet_share = [ctx.schedule(ch.om.strafbeschikking.verzet_share) for ch in ctx.chains]
        self.breach_share = [ctx.schedule(ch.om.conditional_sepot.breach_share) for ch in ctx.chains]
        draw = ctx.draw
        self.u_zsm = draw.uniform("zsm_channel")
        self.u_decision = draw.uniform("decision")
        self.u_return = draw.uniform("om_return")
        self.u_sanction = draw.uniform("strafbeschikking_sanction")
        self.u_verzet = draw.uniform("verzet")
        self._return_rng = ctx.streams("u:om_return:repeat")
        self.zsm_handling = draw.duration("zsm_handling", lambda ch, stream: ch.om.zsm.work_hours)
        self.regular_handling = draw.duration("om_handling", lambda ch, stream: ch.om.regular.work_hours)
        self.zsm_lead = draw.duration("zsm_lead_time", lambda ch, stream: ch.om.zsm.lead_time)
        self.regular_lead = draw.duration("om_lead_time", lambda ch, stream: ch.om.regular.lead_time)
        self.info_wait = draw.duration("zsm_info_wait", lambda ch, stream: ch.om.info_wait)
        self.verzet_delay = draw.duration("verzet_delay", lambda ch, stream: ch.om.strafbeschikking.verzet_delay)
        # conditional sepots are a few percent of the decisions: their draws come from their own streams as they
        # happen rather than pre-drawn for every case
        self._sepot_probation = [ch.om.conditional_sepot.probation.build() for ch in ctx.chains]
        self._probation_rng = ctx.streams("d:conditional_sepot_probation")
        self._breach_rng = ctx.streams("u:conditional_sepot_breach")
        # files worked out ahead to the ZSM desk (sim/events.py WORK_OUT_AHEAD): case, day of the OM's intake
        self._ahead = events.WORK_OUT_AHEAD
        self._at = events.calendar(ctx.env).at
        self._ahead_case, self._ahead_time = array("i"), array("d")

    def connect(
        self,
        return_to_police: Callable[[int], None],
        summon: Callable[[int, int], None],
        verzet_to_court: Callable[[int], None],
        to_execution: Callable[[int], None],
    ) -> None:
        """Where cases go next: back to the police (retourzaak), to court by a route, to court after verzet against
        a strafbeschikking, and a strafbeschikking to execution."""
        self._return_to_police = return_to_police
        self._summon = summon
        self._verzet_to_court = verzet_to_court
        self._to_execution = to_execution

    def use_custody(self, custody: Any) -> None:
        """The custody clock (sim/custody.py): whether an arrested suspect is still held at the decision."""
        self._custody = custody

    def stations(self) -> list[Station]:
        return self.zsm + self.regular

    # ------------------------------------------------------------------ intake

    def receive(self, cid: int) -> None:
        """A case from the police: to the ZSM desk or to regular handling."""
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        c.t_om_intake[cid] = now
        r = ctx.region_of[cid]
        if ctx.arrested_of[cid]:
            c.channel[cid] = _ZSM
            c.enter(cid, _OM_ZSM, now)
            desk = self.zsm[r]
            desk.put(cid, self.zsm_handling.get(cid) * desk.days_per_work_hour, self._zsm_worked, priority=0)
        elif self.u_zsm.item(cid) < self.zsm_share[r][ctx.stream_of[cid]].at(now):
            c.channel[cid] = _ZSM
            c.enter(cid, _OM_ZSM, now)
            ctx.after(self.info_wait.get(cid), self._to_zsm_desk, cid)
        else:
            self._to_regular(cid)

    def receive_after(self, delay: float, cid: int) -> None:
        """A case file from the police in `delay` days: `receive` then. A file that will go to ZSM and wait there for
        information is worked out now, to the desk (one event, when it reaches the desk: the information wait is a
        pure delay); the intake's columns are written now and taken back by `settle` if the run stops before it."""
        ctx = self.ctx
        if self._ahead and delay > 0 and not ctx.arrested_of[cid]:
            t = ctx.env.now + delay
            if self.u_zsm.item(cid) < self.zsm_share[ctx.region_of[cid]][ctx.stream_of[cid]].at(t):
                c = ctx.cases
                c.t_om_intake[cid] = t
                c.channel[cid] = _ZSM
                c.enter_at(cid, _OM_ZSM, t)
                wait = self.info_wait.get_at(cid, t)
                self._at(t + wait if wait > 0 else t, self._to_zsm_desk, cid)
                self._ahead_case.append(cid)
                self._ahead_time.append(t)
                return
        ctx.after(delay, self.receive, cid)

    def settle(self, until: float) -> None:
        """At the end of the run (stopped before day `until`): an intake worked out ahead that the run did not reach
        is taken back (nothing had been written before it)."""
        c = self.ctx.cases
        case = np.frombuffer(self._ahead_case, dtype=np.int32)
        back = case[np.frombuffer(self._ahead_time, dtype=np.float64) >= until]
        c.t_om_intake[back] = np.nan
        c.channel[back] = 0  # the table's initial code

    def receive_returned(self, cid: int) -> None:
        self._to_regular(cid)

    def start_standing(self, cid: int) -> None:
        """A case of the OM's standing stock on the start date (sim/standing.py): in the regular desk's queue."""
        self._to_regular(cid)

    def _to_zsm_desk(self, cid: int) -> None:
        desk = self.zsm[self.ctx.region_of[cid]]
        desk.put(cid, self.zsm_handling.get(cid) * desk.days_per_work_hour, self._zsm_worked, priority=1)

    def _to_regular(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        c.channel[cid] = _REGULAR
        c.enter(cid, _OM_REGULAR, ctx.env.now)
        hours = self.regular_handling.get(cid) if c.returns[cid] == 0 else self.regular_handling.again(cid)
        desk = self.regular[ctx.region_of[cid]]
        desk.put(cid, hours * desk.days_per_work_hour, self._regular_worked)

    def _zsm_worked(self, cid: int) -> None:
        """The ZSM desk's work on the case is done; what is not work (`om.zsm.lead_time`) follows before deciding."""
        lead = self.zsm_lead.get(cid)
        if lead > 0:
            self.ctx.after(lead, self._handled, cid)
        else:
            self._handled(cid)

    def _regular_worked(self, cid: int) -> None:
        """Regular handling's work is done; the lead time that is not work (`om.regular.lead_time`) follows."""
        c = self.ctx.cases
        lead = self.regular_lead.get(cid) if c.returns[cid] == 0 else self.regular_lead.again(cid)
        if lead > 0:
            self.ctx.after(lead, self._handled, cid)
        else:
            self._handled(cid)

    def _handled(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        r = ctx.region_of[cid]
        share = self.return_share[r][0 if c.channel[cid] == _ZSM else 1].at(now)
        u = self.u_return.item(cid) if c.returns[cid] == 0 else self._return_rng.random()
        if u < share:
            c.returns[cid] += 1
            self._return_to_police(cid)
        else:
            self.decide(cid)

    # ------------------------------------------------------------------ the decision

    def decide(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        r, stream = ctx.region_of[cid], ctx.stream_of[cid]
        u = self.u_decision.item(cid)
        held = False
        if ctx.arrested_of[cid]:
            in_custody = self._custody.held(cid)
            held = in_custody and c.channel[cid] == _ZSM and c.returns[cid] == 0
            if in_custody and not held:
                self._custody.release(cid)
            c.custody_release[cid] = not held
        key = "zsm_arrested" if held else ("zsm" if c.channel[cid] == _ZSM else "regular")
        route = self.mix[r][stream][key].pick(u, now)
        if held:
            route = self._custody.decided(cid, route)  # consent, and custody to follow the decision
        elif route in _DETAINED_ROUTES:
            route = _SNELRECHT_NOT_DETAINED  # nobody held: a summons without detention
        c.route_initial[cid] = route
        c.route[cid] = route
        c.t_decision[cid] = now
        if route == _SEPOT:
            c.leave(cid, now)
            c.outcome[cid] = _OUTCOME_SEPOT
            c.t_end[cid] = now
        elif route == _TRANSACTIE:  # paid to CJIB like a fine; never reaches the court
            c.verdict[cid] = _FINE
            c.sanctions[cid] = _BIT_FINE
            c.t_final[cid] = now
            self._to_execution(cid)
        elif route == _CONDITIONAL_SEPOT:
            self._conditionally_dismissed(cid, now)
        elif route == _STRAFBESCHIKKING:
            fine = self.u_sanction.item(cid) < self.fine_share[r].at(now)
            c.verdict[cid] = _FINE if fine else _TAAKSTRAF
            c.sanctions[cid] = _BIT_FINE if fine else _BIT_TAAKSTRAF
            if self.u_verzet.item(cid) < self.verzet_share[r].at(now):
                c.verzet[cid] = True
                c.enter(cid, _COURT, now)
                ctx.after(self.verzet_delay.get(cid), self._verzet_to_court, cid)
            else:
                c.t_final[cid] = now
                self._to_execution(cid)
        else:
            self._summon(cid, route)

    # ------------------------------------------------------------------ conditional sepot

    def _conditionally_dismissed(self, cid: int, now: float) -> None:
        """The case leaves the chain on conditions, with a probation period; a breach within it brings it back."""
        ctx = self.ctx
        c = ctx.cases
        r = ctx.region_of[cid]
        c.leave(cid, now)
        c.outcome[cid] = _OUTCOME_CONDITIONAL_SEPOT
        c.t_end[cid] = now
        probation = float(self._sepot_probation[r].sample(self._probation_rng, 1)[0])
        c.t_probation_start[cid] = now
        c.probation_days[cid] = probation
        rng = self._breach_rng
        breached = rng.random() < self.breach_share[r].at(now)
        when = rng.random() * probation  # drawn whether breached or not: the stream stays in step
        if breached:
            ctx.after(when, self._breached, cid)

    def _breached(self, cid: int) -> None:
        """The conditions were breached within the probation: the OM summons the case by the regular route."""
        c = self.ctx.cases
        c.outcome[cid] = _OUTCOME_OPEN
        c.t_end[cid] = float("nan")
        c.route[cid] = _ROUTE_REGULAR
        self._summon(cid, _ROUTE_REGULAR)
