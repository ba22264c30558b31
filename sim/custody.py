"""Custody (vrijheidsbeneming van verdachten): the legal clock of an arrested suspect, and the places it uses.

The clock as in the law (docs/domain.md §3):

* **ophouden voor onderzoek** (art. 56a Sv): from the arrest, 9 hours, the night hours 0:00–9:00 not counted;
* then, for a suspect the OM has not yet decided on, an **inverzekeringstelling** decision: a share is held
  (`custody.inverzekeringstelling_share`) for 3 days, and of those still undecided after 3 days a share is held
  3 days more (`extension_share`, once, art. 58 lid 2 Sv); the rest are released;
* a suspect the OM wants kept (snelrecht for detained suspects, or remand in a regular case) is brought before the RC
  (**voorgeleiding**) no later than 3 days 15 hours after the arrest (art. 59a Sv): the RC orders **bewaring** for a
  share (`bewaring_share`), 14 days at most (art. 64 Sv); the others are released;
* in a regular case the court then orders **gevangenhouding** for a share (`gevangenhouding_share`): 30 days,
  extended to the 90-day maximum for a share (`gevangenhouding_extension_share`, art. 66 Sv); the trial must start
  before that runs out. The court does so in **pro-forma hearings** (`courts.Courts.plan_pro_forma`), each of which
  extends the detention by at most 90 days (art. 66 lid 3 Sv) or suspends it (schorsing,
  `pro_forma_continue_share`), until the substantive hearing.

At every step the suspect not taken on to the next is released, and so is one whose case the OM settles without a
detained route (sepot, strafbeschikking, a summons without remand). Only a suspect **still held** can be tried in a
detained route: supersnelrecht (and only with the suspect's consent to waive the summons term, `consent_share`; the
others go to snelrecht for detained suspects) or snelrecht for detained suspects.

**Places.** During ophouden and inverzekeringstelling the suspect takes a police cell of his district
(`custody.police_cells`); during bewaring and gevangenhouding a DJI remand place (huis van bewaring): the national
`custody.remand_places`, or, with `remand_in_sentence_cells`, a place of `execution.custodial.cells` (the sentence
places). A custody order is executed even when the places are full: the suspect takes the place at once, above
capacity if need be, and the sentence queues wait (remand before sentences); the stations' busy counts show it.

A suspect still held at a custodial verdict stays held (through the appeal) until the decision is final and then
serves the sentence at once (aansluitend, `Execution.final`); the days in custody (`remand_days`, from the arrest) are
deducted from the sentence (art. 27 Sr).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from .domain import CustodyStep, Route, Verdict
from .stations import Station

if TYPE_CHECKING:
    from .model import StageContext

# plain ints for the hot paths (numpy and lists take their slow path for enum members)
_NONE = int(CustodyStep.NONE)
_OPHOUDEN = int(CustodyStep.OPHOUDEN)
_IVS = int(CustodyStep.INVERZEKERINGSTELLING)
_BEWARING = int(CustodyStep.BEWARING)
_GEVANGENHOUDING = int(CustodyStep.GEVANGENHOUDING)
_SUPERSNELRECHT = int(Route.SUPERSNELRECHT)
_SNELRECHT_DETAINED = int(Route.SNELRECHT_DETAINED)
_SNELRECHT_NOT_DETAINED = int(Route.SNELRECHT_NOT_DETAINED)
_REGULAR = int(Route.REGULAR)
_CUSTODIAL = int(Verdict.CUSTODIAL)

# what the OM wants after its decision (per case, `_wanted`)
_RELEASE, _HOLD_FOR_RC, _SNELRECHT_BEWARING, _REMAND = 0, 1, 2, 3
_UNDECIDED = -1


def ophouden_end(arrest: float, hours: float, night_start: float, night_end: float) -> float:
    """The moment `hours` of ophouden have passed after `arrest` (days), the hours from `night_start` to
    `night_end` (o'clock) of each night not counted (art. 56a Sv)."""
    left = hours / 24.0
    t = arrest
    ns, ne = night_start / 24.0, night_end / 24.0
    while True:
        day = math.floor(t)
        frac = t - day
        if ns <= frac < ne:  # in the night: the clock stands still until it ends
            t = day + ne
            continue
        stop = day + ns if frac < ns else day + 1.0 + ns  # the next night begins
        if t + left <= stop:
            return t + left
        left -= stop - t
        t = stop


class Custody:
    """The custody clock of every arrested suspect, the police cells per district and the DJI remand places."""

    def __init__(self, ctx: StageContext, sentence_cells: Station):
        self.ctx = ctx
        sc = ctx.scenario
        legal = sc.legal
        self.legal = legal
        self.ophouden_args = (legal.ophouden_hours, legal.ophouden_night_start_hour, legal.ophouden_night_end_hour)
        n = ctx.n
        self.step = [_NONE] * n
        self.limit = [math.inf] * n  # end of the custody title in force
        self._wanted = [_UNDECIDED] * n
        self._extended = bytearray(n)
        self._remand_start = [math.nan] * n
        self.police_cells = [
            Station(ctx.env, f"police_cells:{r}", ctx.schedule(ch.custody.police_cells).breakpoints())
            for r, ch in zip(ctx.region_names, ctx.chains)
        ]
        national = sc.custody
        self.remand_shares_cells = national.remand_in_sentence_cells
        self.remand = (
            sentence_cells
            if self.remand_shares_cells
            else Station(ctx.env, "dji_remand", ctx.schedule(national.remand_places).breakpoints())
        )
        cu = [ch.custody for ch in ctx.chains]
        s = ctx.schedule
        self.ivs_share = [s(x.inverzekeringstelling_share) for x in cu]
        self.extension_share = [s(x.extension_share) for x in cu]
        self.consent_share = [s(x.consent_share) for x in cu]
        self.bewaring_share = [s(x.bewaring_share) for x in cu]
        self.regular_remand_share = [
            [s(x.regular_remand_share[st]) if st in x.regular_remand_share else None for st in ctx.stream_names]
            for x in cu
        ]
        self.gh_share = [s(x.gevangenhouding_share) for x in cu]
        self.gh_extension_share = [s(x.gevangenhouding_extension_share) for x in cu]
        self.continue_share = [s(x.pro_forma_continue_share) for x in cu]
        u = ctx.draw.uniform
        self.u_ivs = u("inverzekeringstelling")
        self.u_extension = u("ivs_extension")
        self.u_consent = u("supersnelrecht_consent")
        self.u_bewaring = u("bewaring")
        self.u_remand = u("regular_remand")
        self.u_gh = u("gevangenhouding")
        self.u_gh_extension = u("gevangenhouding_extension")
        self._continue_rng = ctx.streams("u:pro_forma_continue")
        self._plan_pro_forma: Callable[[int, float], None] | None = None

    def connect(self, plan_pro_forma: Callable[[int, float], None]) -> None:
        """Who plans a pro-forma hearing before a detained suspect's gevangenhouding runs out (the court)."""
        self._plan_pro_forma = plan_pro_forma

    def stations(self) -> list[Station]:
        return self.police_cells + ([] if self.remand_shares_cells else [self.remand])

    # ------------------------------------------------------------------ the clock

    def arrest(self, cid: int) -> None:
        """The suspect is arrested now (the offence time): ophouden in a police cell of his district."""
        ctx = self.ctx
        now = ctx.env.now
        c = ctx.cases
        c.custody_step[cid] = _OPHOUDEN
        self.step[cid] = _OPHOUDEN
        self.police_cells[ctx.region_of[cid]].occupy(cid)
        self._set_limit(cid, ophouden_end(now, *self.ophouden_args))

    def held(self, cid: int) -> bool:
        """Whether the suspect is in custody now."""
        return self.step[cid] != _NONE and self.ctx.env.now <= self.limit[cid]

    def decided(self, cid: int, route: int) -> int:
        """The OM decided on a held suspect's case: the route it can really take (supersnelrecht needs consent;
        the detained routes need the suspect kept) and what custody follows. Returns the route."""
        ctx = self.ctx
        now = ctx.env.now
        r = ctx.region_of[cid]
        if route == _SUPERSNELRECHT and self.u_consent.item(cid) >= self.consent_share[r].at(now):
            route = _SNELRECHT_DETAINED  # no consent to waive the summons term: snelrecht within the bewaring
        if route == _SUPERSNELRECHT:
            self._wanted[cid] = _HOLD_FOR_RC
            self._to_inverzekeringstelling(cid)
        elif route == _SNELRECHT_DETAINED and self._rc_orders_bewaring(cid, now):
            self._wanted[cid] = _SNELRECHT_BEWARING
            self._to_inverzekeringstelling(cid)
        elif route == _SNELRECHT_DETAINED:  # the RC will not order bewaring: summoned without detention
            self._wanted[cid] = _RELEASE
            self.release(cid)
            route = _SNELRECHT_NOT_DETAINED
        elif route == _REGULAR and self._remand_asked(cid, now):
            self._wanted[cid] = _REMAND
            self._to_inverzekeringstelling(cid)
        else:
            self._wanted[cid] = _RELEASE
            self.release(cid)
        return route

    def _remand_asked(self, cid: int, now: float) -> bool:
        ctx = self.ctx
        share = self.regular_remand_share[ctx.region_of[cid]][ctx.stream_of[cid]]
        return share is not None and self.u_remand.item(cid) < share.at(now)

    def _rc_orders_bewaring(self, cid: int, now: float) -> bool:
        """Whether the RC orders bewaring when the OM asks for it (one draw per case: the OM's request and the RC's
        answer come at the voorgeleiding, but whether the RC agrees is known to the OM's planning beforehand)."""
        return bool(self.u_bewaring.item(cid) < self.bewaring_share[self.ctx.region_of[cid]].at(now))

    def fell_back(self, cid: int, route: int) -> int:
        """A fast-track case found no session in its window and falls back to `route`: into snelrecht for
        detained suspects a suspect in police custody stays held (bewaring), if the RC orders it; otherwise he is
        released, and a detained route becomes snelrecht for suspects not detained. Returns the route."""
        if self.step[cid] == _NONE:
            return _SNELRECHT_NOT_DETAINED if route == _SNELRECHT_DETAINED else route
        if route == _SNELRECHT_DETAINED and self.step[cid] == _IVS and self._rc_orders_bewaring(cid, self.ctx.env.now):
            self._wanted[cid] = _SNELRECHT_BEWARING
            arrest = self.ctx.cases.t_offence[cid]
            self._set_limit(cid, min(self.limit[cid], arrest + self.legal.voorgeleiding_days))
            return route
        self.release(cid)
        return _SNELRECHT_NOT_DETAINED if route == _SNELRECHT_DETAINED else route

    def _to_inverzekeringstelling(self, cid: int) -> None:
        """The suspect is kept: in inverzekeringstelling from the end of ophouden (at once if that has passed); one
        whom the OM wants remanded is brought before the RC within 3 days 15 hours of the arrest."""
        if self.step[cid] == _OPHOUDEN:
            start = max(self.limit[cid], self.ctx.env.now)
            self.step[cid] = _IVS
            self.ctx.cases.custody_step[cid] = _IVS
            end = start + self.legal.inverzekeringstelling_days
        elif self.step[cid] == _IVS:
            end = self.limit[cid]
        else:
            return
        if self._wanted[cid] in (_SNELRECHT_BEWARING, _REMAND):
            end = min(end, self.ctx.cases.t_offence[cid] + self.legal.voorgeleiding_days)
        self._set_limit(cid, end)

    def _set_limit(self, cid: int, limit: float) -> None:
        self.limit[cid] = limit
        self.ctx.after(limit - self.ctx.env.now, self._expired, cid)

    def _expired(self, cid: int) -> None:
        """The custody title in force ends now (unless it changed meanwhile): the next step, or release."""
        ctx = self.ctx
        now = ctx.env.now
        if self.step[cid] == _NONE or abs(self.limit[cid] - now) > 1e-9:
            return  # released, or the limit moved since this was scheduled
        step = self.step[cid]
        r = ctx.region_of[cid]
        wanted = self._wanted[cid]
        if step == _OPHOUDEN:
            if wanted == _UNDECIDED and self.u_ivs.item(cid) < self.ivs_share[r].at(now):
                self._to_inverzekeringstelling(cid)
            else:
                self.release(cid)
        elif step == _IVS:
            if wanted == _SNELRECHT_BEWARING or (wanted == _REMAND and self._rc_orders_bewaring(cid, now)):
                self._to_bewaring(cid)
            elif (
                wanted == _UNDECIDED
                and not self._extended[cid]
                and self.u_extension.item(cid) < self.extension_share[r].at(now)
            ):
                self._extended[cid] = 1
                self._set_limit(cid, now + self.legal.inverzekeringstelling_extension_days)
            else:
                self.release(cid)
        elif step == _BEWARING:
            if wanted == _REMAND and self.u_gh.item(cid) < self.gh_share[r].at(now):
                self.step[cid] = _GEVANGENHOUDING
                ctx.cases.custody_step[cid] = _GEVANGENHOUDING
                self._set_limit(cid, now + self.legal.gevangenhouding_days)
            else:
                self.release(cid)
        else:  # gevangenhouding: extended to the maximum once, then only a pro-forma hearing extends it
            first_order_end = self._remand_start[cid] + self.legal.bewaring_days + self.legal.gevangenhouding_days
            extendable = self.legal.gevangenhouding_max_days > self.legal.gevangenhouding_days
            if (
                extendable
                and abs(now - first_order_end) < 1e-9
                and self.u_gh_extension.item(cid) < self.gh_extension_share[r].at(now)
            ):
                deadline = now - self.legal.gevangenhouding_days + self.legal.gevangenhouding_max_days
                self._set_limit(cid, deadline)
                if self._plan_pro_forma is not None:
                    self._plan_pro_forma(cid, deadline)
            else:
                self.release(cid)

    def _to_bewaring(self, cid: int) -> None:
        """The RC orders bewaring: from the police cell to a DJI remand place."""
        ctx = self.ctx
        now = ctx.env.now
        self.police_cells[ctx.region_of[cid]].vacate(cid)
        self.remand.occupy(cid)
        self.step[cid] = _BEWARING
        ctx.cases.custody_step[cid] = _BEWARING
        ctx.cases.t_remand_start[cid] = now
        self._remand_start[cid] = now
        self._set_limit(cid, now + self.legal.bewaring_days)

    def pro_forma(self, cid: int) -> bool:
        """A pro-forma hearing of a suspect in gevangenhouding: the court extends the detention by at most
        `pro_forma_interval_days` (returns True; the next hearing is planned before that) or suspends it."""
        ctx = self.ctx
        now = ctx.env.now
        if self.step[cid] != _GEVANGENHOUDING:
            return False
        if self._continue_rng.random() < self.continue_share[ctx.region_of[cid]].at(now):
            deadline = now + self.legal.pro_forma_interval_days
            self._set_limit(cid, deadline)
            if self._plan_pro_forma is not None:
                self._plan_pro_forma(cid, deadline)
            return True
        self.release(cid)  # schorsing
        return False

    def at_verdict(self, cid: int) -> bool:
        """The verdict: a held suspect with a custodial sentence stays held (through an appeal) until it is final,
        then serves it at once (aansluitend); any other is released. Returns whether the convict is still held."""
        step = self.step[cid]
        if step == _NONE:
            return False
        if self.ctx.cases.verdict[cid] != _CUSTODIAL:
            self.release(cid)
            return False
        if step <= _IVS:
            self._to_bewaring(cid)  # from the police cell to a DJI place, by the judgment
            self.ctx.cases.custody_step[cid] = step  # the clock itself went no further
        self.limit[cid] = math.inf  # detention continues by the judgment: no expiry is due
        return True

    def release(self, cid: int) -> None:
        """The suspect goes free now: the place he held is free, the days in custody are recorded."""
        self._end(cid)

    def into_sentence(self, cid: int) -> float:
        """The judgment is final: custody ends and the sentence begins at once (aansluitend); the remand place is
        given back (after the caller has queued the convict for a sentence place, when they are shared). Returns
        the days in custody, to deduct from the sentence."""
        return self._end(cid)

    def _end(self, cid: int) -> float:
        step = self.step[cid]
        if step == _NONE:
            return 0.0
        ctx = self.ctx
        now = ctx.env.now
        c = ctx.cases
        if step <= _IVS:
            self.police_cells[ctx.region_of[cid]].vacate(cid)
        else:
            self.remand.vacate(cid)
        self.step[cid] = _NONE
        self.limit[cid] = math.nan
        days = now - c.t_offence[cid]
        c.t_custody_end[cid] = now
        c.remand_days[cid] = days
        return days

    def on_remand(self) -> int:
        """Suspects now in DJI remand places (bewaring, gevangenhouding, or held after the verdict)."""
        return sum(1 for s in self.step if s >= _BEWARING)
