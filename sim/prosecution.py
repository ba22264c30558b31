"""Prosecution (Openbaar Ministerie): the ZSM desk, regular OM handling, and the decision.

ZSM is the joint police–OM desk that decides simple cases fast, while an arrested suspect is still held. Every
arrested suspect's case goes to the ZSM desk of its region (with priority); of the other cases a share per stream
does (`om.zsm_share_not_arrested`), after waiting for information (`om.info_wait`). The rest go to regular OM
handling. Both desks are stations with staff (capacity) and handling time; the ZSM desk is staffed 7 days a week,
14 hours a day by default.

After handling, a share of cases is returned to the police for more investigation (retourzaak) and comes back to
regular handling. Then the OM decides, by the stream's decision mix for the channel: sepot, OM-strafbeschikking, or a
summons by one of four routes. The detained routes (supersnelrecht, snelrecht for detained suspects) need a suspect
still held: if the ZSM decision came after ophouden + inverzekeringstelling, the suspect was released
(`custody_release`) and the case is summoned by snelrecht for suspects who are not detained instead.

A strafbeschikking goes to execution; with verzet (objection) the case goes to court instead.
"""

from __future__ import annotations

from .records import CHANNELS, ROUTE, STAGE, VERDICT
from .scenario import ROUTES
from .stations import Station

OM_ZSM, OM_REGULAR, COURT, CJIB = STAGE["om_zsm"], STAGE["om_regular"], STAGE["court"], STAGE["cjib_delivery"]
ZSM, REGULAR = CHANNELS.index("zsm"), CHANNELS.index("regular")
SEPOT, STRAFBESCHIKKING = ROUTE["sepot"], ROUTE["strafbeschikking"]
SUPER, SNEL_DET, SNEL_NOT = ROUTE["supersnelrecht"], ROUTE["snelrecht_detained"], ROUTE["snelrecht_not_detained"]


class Prosecution:
    def __init__(self, m):
        self.m = m
        env, wd0 = m.env, m.weekday0
        self.zsm = []
        self.regular = []
        for rname, ch in zip(m.region_names, m.chains):
            z = ch.om.zsm
            hours = (z.open_hour, z.close_hour, frozenset(z.open_weekdays), wd0)
            self.zsm.append(Station(env, f"zsm:{rname}", m.sched(z.staff).breakpoints(), priorities=2, hours=hours))
            g = ch.om.regular
            hours = (g.open_hour, g.close_hour, frozenset(g.open_weekdays), wd0)
            self.regular.append(Station(env, f"om_regular:{rname}", m.sched(g.staff).breakpoints(), hours=hours))
        # per region, per stream: schedules
        self.zsm_share = [[m.sched(ch.om.zsm_share_not_arrested[s]) for s in m.stream_names] for ch in m.chains]
        self.mix = [
            [
                {key: m.mix(getattr(ch.om.decision_mix[s], key), ROUTE, ROUTE["regular"])
                 for key in ("zsm_arrested", "zsm", "regular")}
                for s in m.stream_names
            ]
            for ch in m.chains
        ]
        self.return_share = [(m.sched(ch.om.zsm.return_share), m.sched(ch.om.regular.return_share)) for ch in m.chains]
        self.fine_share = [m.sched(ch.om.strafbeschikking.fine_share) for ch in m.chains]
        self.verzet_share = [m.sched(ch.om.strafbeschikking.verzet_share) for ch in m.chains]
        self.custody_days = [
            m.scenario.legal.ophouden_hours / 24.0 + m.scenario.legal.inverzekeringstelling_days for _ in m.chains
        ]
        draw = m.draw
        self.u_zsm = draw.uniform("zsm_channel")
        self.u_decision = draw.uniform("decision")
        self.u_return = draw.uniform("om_return")
        self.u_sanction = draw.uniform("strafbeschikking_sanction")
        self.u_verzet = draw.uniform("verzet")
        self._return_rng = m.streams("u:om_return:repeat")
        self.zsm_handling = draw.duration("zsm_handling", lambda ch, s: ch.om.zsm.handling)
        self.regular_handling = draw.duration("om_handling", lambda ch, s: ch.om.regular.handling)
        self.info_wait = draw.duration("zsm_info_wait", lambda ch, s: ch.om.info_wait)
        self.verzet_delay = draw.duration("verzet_delay", lambda ch, s: ch.om.strafbeschikking.verzet_delay)

    def stations(self):
        return self.zsm + self.regular

    # ------------------------------------------------------------------ intake

    def receive(self, cid: int) -> None:
        """A case from the police: to the ZSM desk or to regular handling."""
        m = self.m
        c = m.cases
        now = m.env.now
        c.t_om_intake[cid] = now
        r = m.region_of[cid]
        if m.arrested_of[cid]:
            c.channel[cid] = ZSM
            c.enter(cid, OM_ZSM, now)
            self.zsm[r].put(cid, self.zsm_handling.get(cid), self._handled, priority=0)
        elif self.u_zsm.item(cid) < self.zsm_share[r][m.stream_of[cid]].at(now):
            c.channel[cid] = ZSM
            c.enter(cid, OM_ZSM, now)
            m.after(self.info_wait.get(cid), self._to_zsm_desk, cid)
        else:
            self._to_regular(cid)

    def receive_returned(self, cid: int) -> None:
        self._to_regular(cid)

    def _to_zsm_desk(self, cid: int) -> None:
        self.zsm[self.m.region_of[cid]].put(cid, self.zsm_handling.get(cid), self._handled, priority=1)

    def _to_regular(self, cid: int) -> None:
        m = self.m
        c = m.cases
        c.channel[cid] = REGULAR
        c.enter(cid, OM_REGULAR, m.env.now)
        d = self.regular_handling.get(cid) if c.returns[cid] == 0 else self.regular_handling.again(cid)
        self.regular[m.region_of[cid]].put(cid, d, self._handled)

    def _handled(self, cid: int) -> None:
        m = self.m
        c = m.cases
        now = m.env.now
        r = m.region_of[cid]
        share = self.return_share[r][0 if c.channel[cid] == ZSM else 1].at(now)
        u = self.u_return.item(cid) if c.returns[cid] == 0 else self._return_rng.random()
        if u < share:
            c.returns[cid] += 1
            m.police.rework_returned(cid)
        else:
            self.decide(cid)

    # ------------------------------------------------------------------ the decision

    def decide(self, cid: int) -> None:
        m = self.m
        c = m.cases
        now = m.env.now
        r, s = m.region_of[cid], m.stream_of[cid]
        u = self.u_decision.item(cid)
        held = False
        if m.arrested_of[cid]:
            held = c.channel[cid] == ZSM and c.returns[cid] == 0 and now <= c.t_offence[cid] + self.custody_days[r]
            c.custody_release[cid] = not held
        key = "zsm_arrested" if held else ("zsm" if c.channel[cid] == ZSM else "regular")
        route = self.mix[r][s][key].pick(u, now)
        if route in (SUPER, SNEL_DET) and not held:
            route = SNEL_NOT  # nobody held: a summons without detention
        c.route_initial[cid] = route
        c.route[cid] = route
        c.t_decision[cid] = now
        if route == SEPOT:
            c.leave(cid, now)
            c.outcome[cid] = 1  # sepot
            c.t_end[cid] = now
        elif route == STRAFBESCHIKKING:
            fine = self.u_sanction.item(cid) < self.fine_share[r].at(now)
            c.verdict[cid] = VERDICT["fine"] if fine else VERDICT["taakstraf"]
            if self.u_verzet.item(cid) < self.verzet_share[r].at(now):
                c.verzet[cid] = True
                c.enter(cid, COURT, now)
                m.after(self.verzet_delay.get(cid), m.courts.receive_verzet, cid)
            else:
                c.t_final[cid] = now
                m.execution.deliver(cid)
        else:
            m.courts.summon(cid, ROUTES[route])
