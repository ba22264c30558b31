"""Execution (tenuitvoerlegging) via CJIB: fines, community service (taakstraf) and custodial sentences.

A final decision to execute is delivered to CJIB after `execution.delivery` days (aanlevering ter executie, including
the appeal term); a share is returned for rework first. Then:

* **fine** (geldboete): paid, paid on a payment plan, or unpaid → replacement detention (vervangende hechtenis);
* **taakstraf**: delivered to the reclassering (`intake`), a wait for a werkstraf officer (reclassering staff in fte,
  national: a real queue) who does `work_hours` of intake, placement and supervision per order, then the start
  (`to_start`) and the work itself; a share fails → replacement detention;
* **custodial** (vrijheidsstraf) needs a DJI place (national `custodial.cells`; a real queue with priorities). The
  days the convict spent in custody before (`remand_days`, sim/custody.py) are deducted from the sentence (art. 27
  Sr). A convict still detained when the judgment is final (on remand: `Custody.at_verdict`) continues at once
  (aansluitend, first priority). Others are **zelfmelders** or **arrestanten**:

  - a zelfmelder waits, "not yet called up" (`Stage.ZELFMELDER_WAIT`, the published stock), first for CJIB's and
    DJI's preparation (`callup_preparation`), then until DJI **expects a free place** on the reporting date: the
    places free now, plus the departures and minus the other admissions (aansluitend, arrestanten) expected over
    the mean call-up lead (`callup`, from the rates of the last 28 days), minus the zelfmelders already called up
    and not yet reported, minus those waiting for a place now. Then the call-up goes out
    (`Stage.ZELFMELDER_CALLED_UP`) and **no place is held** meanwhile; the convict reports `callup` days later and
    takes the first free place (first priority: a called-up convict is not turned away). A share does not report
    and is sought as an arrestant. DJI calls up only a share of zelfmelders (`custodial.callup_share`, a schedule;
    0 = call-up stopped, as in the cell shortage from December 2023): the others wait on hold, not yet called up,
    until the share rises again.
  - an arrestant (and replacement detention) is sought by the police and found after `find_time` days
    (exponential: found at a rate, so some are not found within the run: the stock of unfindable convicts), then
    waits for a place. **Which queue gets a freed place** is the verkeerstoren's allocation rule: an arrestant
    matched by the verkeerstoren (`custodial.verkeerstoren_share`, a schedule; 0 = the chain before it) joins the
    reported zelfmelders in one queue, in order of arrival, and the call-up plan counts him as demand; the others
    wait behind the reported zelfmelders, unseen by the call-up plan.

Execution ends when the fine is paid, the work completed, or the sentence served. Suspended sentences and acquittals
have nothing to execute; a suspended part starts its probation (sim/probation.py) when the judgment is final.

**Combined sentences.** The principal sanction (`verdict`) is executed as above. A custodial sentence with a
taakstraf (``sanctions`` bits, `courts.combined`) is executed in turn: the custodial part first, then the taakstraf
(the reclassering's intake, wait for a werkstraf officer and the work, as for any taakstraf; a failed one ends in
replacement detention). The case is EXECUTED, and `t_exec_end` set, only when both parts are done. A suspended part
has nothing to execute unless a claim to execute it is granted (`execute_suspended`): the convict then takes a DJI
place for `courts.suspended.length` days, first priority as he usually is detained for his new offence
(ASSUMPTION); that stay is recorded in ``t_claim_executed`` and is no stage of the case.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from . import events
from .domain import Channel, ExecutionKind, Outcome, Route, Stage, Verdict, sanction_bit
from .events import calendar, call_later
from .stations import Station, staffed_station

if TYPE_CHECKING:
    from .custody import Custody
    from .model import StageContext

# DJI places convicts in this order of priority: still held at the final judgment (aansluitend); zelfmelders who
# reported after their call-up, together with the arrestanten the verkeerstoren matched, in order of arrival; the
# other arrestanten found by the police
PRIO_AANSLUITEND, PRIO_REPORTED, PRIO_ARRESTANT = 0, 1, 2
RATE_WINDOW_DAYS = 28.0  # DJI judges departures and admissions to come from those of the last four weeks

# plain ints for the hot paths: an enum member compared with a numpy scalar, or stored in an array, takes
# numpy's slow path
_CHANNEL_REGULAR = int(Channel.REGULAR)
_ROUTE_REGULAR = int(Route.REGULAR)
_EXECUTION_KIND_AANSLUITEND = int(ExecutionKind.AANSLUITEND)
_EXECUTION_KIND_ARRESTANT = int(ExecutionKind.ARRESTANT)
_EXECUTION_KIND_FINE = int(ExecutionKind.FINE)
_EXECUTION_KIND_TAAKSTRAF = int(ExecutionKind.TAAKSTRAF)
_EXECUTION_KIND_ZELFMELDER = int(ExecutionKind.ZELFMELDER)
_OUTCOME_ACQUITTAL = int(Outcome.ACQUITTAL)
_OUTCOME_EXECUTED = int(Outcome.EXECUTED)
_OUTCOME_SUSPENDED = int(Outcome.SUSPENDED)
_STAGE_ARRESTANT_WAIT = int(Stage.ARRESTANT_WAIT)
_STAGE_CJIB_DELIVERY = int(Stage.CJIB_DELIVERY)
_STAGE_DETENTION = int(Stage.DETENTION)
_STAGE_FINE = int(Stage.FINE)
_STAGE_TAAKSTRAF = int(Stage.TAAKSTRAF)
_STAGE_ZELFMELDER_WAIT = int(Stage.ZELFMELDER_WAIT)
_STAGE_ZELFMELDER_CALLED_UP = int(Stage.ZELFMELDER_CALLED_UP)
_VERDICT_ACQUITTAL = int(Verdict.ACQUITTAL)
_VERDICT_CUSTODIAL = int(Verdict.CUSTODIAL)
_VERDICT_FINE = int(Verdict.FINE)
_VERDICT_SUSPENDED = int(Verdict.SUSPENDED)
_VERDICT_TAAKSTRAF = int(Verdict.TAAKSTRAF)
_BIT_SUSPENDED, _BIT_TAAKSTRAF = sanction_bit(Verdict.SUSPENDED), sanction_bit(Verdict.TAAKSTRAF)


def _pick(weights: list[float], u: float) -> int:
    """The index whose slice of [0, 1) holds `u`, slices in proportion to `weights` (the last if all are 0)."""
    total = sum(weights)
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if u * total < acc:
            return i
    return len(weights) - 1


class Execution:
    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        national = ctx.scenario.execution  # reclassering and DJI are national: one pool for the country
        taak = national.taakstraf
        self.reclassering = staffed_station(
            ctx.env, "reclassering", ctx.schedule(taak.fte).breakpoints(), taak.hours_per_fte_per_week
        )
        cell_schedule = ctx.schedule(national.custodial.cells).breakpoints()
        self.cells = Station(ctx.env, "dji_cells", cell_schedule, priorities=3)
        for t, _ in cell_schedule[1:]:
            call_later(ctx.env, t + 1e-9, self._capacity_changed, None)  # just after the station's own capacity change
        self.callup_share = ctx.schedule(national.custodial.callup_share)
        self._callup_now = self.callup_share.at(0.0)
        for t, share in self.callup_share.breakpoints()[1:]:
            call_later(ctx.env, t, self._callup_changed, share)
        self.verkeerstoren_share = ctx.schedule(national.custodial.verkeerstoren_share)
        # zelfmelders not yet called up, in the order they became ready: in the call-up queue, or on hold (outside
        # `callup_share`); (ready time, case)
        self.to_call_up: deque[tuple[float, int]] = deque()
        self.on_hold: list[tuple[float, int]] = []
        self.called_up = 0  # called up, not yet reported
        self._departures: deque[float] = deque()  # times of the last RATE_WINDOW_DAYS' departures ...
        self._admissions: deque[float] = deque()  # ... and admissions other than reported zelfmelders
        self._custody: Custody | None = None
        e = [ch.execution for ch in ctx.chains]
        self.return_share = [ctx.schedule(x.delivery_return_share) for x in e]
        self.paid_share = [ctx.schedule(x.fines.paid_share) for x in e]
        self.plan_share = [ctx.schedule(x.fines.plan_share) for x in e]
        self.failure_share = [ctx.schedule(x.taakstraf.failure_share) for x in e]
        self.zelfmelder_share = [ctx.schedule(x.custodial.zelfmelder_share) for x in e]
        self.no_show_share = [ctx.schedule(x.custodial.no_show_share) for x in e]
        d, u = ctx.draw.duration, ctx.draw.uniform
        self.delivery = d("delivery", lambda ch, stream: ch.execution.delivery)
        self.delivery_rework = d("delivery_rework", lambda ch, stream: ch.execution.delivery_rework)
        self.pay_time = d("pay_time", lambda ch, stream: ch.execution.fines.pay_time)
        self.plan_time = d("plan_time", lambda ch, stream: ch.execution.fines.plan_time)
        self.fine_detention = d("fine_detention", lambda ch, stream: ch.execution.fines.replacement_detention)
        self.taak_intake = d("taak_intake", lambda ch, stream: ch.execution.taakstraf.intake)
        self.taak_to_start = d("taak_to_start", lambda ch, stream: ch.execution.taakstraf.to_start)
        self.taak_supervision = d("taak_supervision", lambda ch, stream: ch.execution.taakstraf.work_hours)
        self.taak_work = d("taak_work", lambda ch, stream: ch.execution.taakstraf.work)
        self.taak_detention = d("taak_detention", lambda ch, stream: ch.execution.taakstraf.replacement_detention)
        self.length = d("custodial_length", lambda ch, stream: ch.execution.custodial.length[stream])
        self.callup_time = d("callup", lambda ch, stream: ch.execution.custodial.callup)
        self.callup_preparation = d("callup_preparation", lambda ch, stream: ch.execution.custodial.callup_preparation)
        self._callup_lead = national.custodial.callup.build().mean
        self.find_time = d("find_time", lambda ch, stream: ch.execution.custodial.find_time)
        self.u_return = u("delivery_return")
        self.u_fine = u("fine_payment")
        self.u_taak = u("taakstraf_failure")
        self.u_zelf = u("zelfmelder")
        self.u_noshow = u("no_show")
        self.u_callup = u("zelfmelder_callup")
        self.u_verkeerstoren = u("verkeerstoren")
        self._detained_length: dict[int, float] = {}  # cid -> days of replacement detention still to serve
        self._work_of: dict[int, float] = {}  # cid -> days of community-service work
        self._standing_rng = ctx.streams("standing:execution")
        self._taakstraf_after: set[int] = set()  # custodial sentences with a taakstraf still to follow
        self._suspended_length = [ch.courts.suspended.length.build() for ch in ctx.chains]
        self._suspended_rng = ctx.streams("d:suspended_length")
        self._probation_start: Callable[[int], None] | None = None
        self.claims_in_cells = 0  # suspended parts served on a granted claim, in a place now (no stage of a case)
        # steps worked out ahead (sim/events.py WORK_OUT_AHEAD): delivered to CJIB at a time (written now, taken back
        # by `settle` if the run stops before it), and ended at a time (with the start of the community service's
        # work, or nan; written by `settle`)
        self._ahead_delivered_case, self._ahead_delivered_time = array("i"), array("d")
        self._ahead_end_case, self._ahead_end_time, self._ahead_work_start = array("i"), array("d"), array("d")
        self._tails = events.WORK_OUT_AHEAD  # see sim/events.py
        self._at = calendar(ctx.env).at

    def stations(self) -> list[Station]:
        return [self.reclassering, self.cells]

    def connect_probation(self, start: Callable[[int], None]) -> None:
        """Where a final judgment with a suspended part starts its probation (sim/probation.py)."""
        self._probation_start = start

    def use_custody(self, custody: Custody) -> None:
        """The custody clock: whose remand ends when a judgment becomes final, and the days to deduct."""
        self._custody = custody

    # ------------------------------------------------------------------ from decision to CJIB

    def final(self, cid: int, detained: bool) -> None:
        """The decision is final: acquittals and suspended sentences end here; other sentences go to execution."""
        ctx = self.ctx
        c = ctx.cases
        v = c.verdict[cid]
        now = ctx.env.now
        parts = c.sanctions[cid]
        if parts & _BIT_SUSPENDED and self._probation_start is not None:
            self._probation_start(cid)
        if parts & _BIT_TAAKSTRAF and v == _VERDICT_CUSTODIAL:
            self._taakstraf_after.add(cid)
        if v == _VERDICT_ACQUITTAL or v == _VERDICT_SUSPENDED:
            c.leave(cid, now)
            c.outcome[cid] = _OUTCOME_ACQUITTAL if v == _VERDICT_ACQUITTAL else _OUTCOME_SUSPENDED
            c.t_end[cid] = now
        elif v == _VERDICT_CUSTODIAL and detained:
            c.t_cjib[cid] = now
            c.execution[cid] = _EXECUTION_KIND_AANSLUITEND
            c.enter(cid, _STAGE_DETENTION, now)
            custody = self._custody
            # held since the arrest: the days so far are deducted (art. 27 Sr)
            length = max(0.0, self.length.get(cid) - (now - c.t_offence[cid]))
            if custody is None:
                self.cells.put(cid, length, self._served, PRIO_AANSLUITEND, started=self._admitted)
            elif custody.remand_shares_cells:
                # the remand place becomes the sentence place: queued first, so the place it frees passes on to it
                self.cells.put(cid, length, self._served, PRIO_AANSLUITEND, started=self._admitted)
                custody.into_sentence(cid)
            else:  # from the remand places to a sentence place: the remand place is kept until that is free
                self.cells.put(cid, length, self._served, PRIO_AANSLUITEND, started=self._aansluitend_started)
        else:
            self.deliver(cid)

    def deliver(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        c.enter(cid, _STAGE_CJIB_DELIVERY, ctx.env.now)
        delay = self.delivery.get(cid)
        if self.u_return.item(cid) < self.return_share[ctx.region_of[cid]].at(ctx.env.now):
            c.delivery_returns[cid] += 1
            delay += self.delivery_rework.get(cid)
        if not (self._tails and delay > 0 and self._delivery_worked_out(cid, ctx.env.now + delay)):
            ctx.after(delay, self._delivered, cid)

    def _delivery_worked_out(self, cid: int, t: float) -> bool:
        """What `_delivered` does at the later day `t`, worked out now, and the pure delays after it: a fine to be
        paid to its end; community service to the reclassering's intake, a custodial sentence to the call-up
        queue or the search, each with one event for the step where it meets other cases. Columns are written now
        and taken back by `settle` if the run stops before `t`. False (nothing done): a fine not paid, whose
        delivery ends with its event as before."""
        ctx = self.ctx
        c = ctx.cases
        v = c.verdict[cid]
        at = self._at
        if v == _VERDICT_FINE:
            pay = self._fine_paid_in(cid, t)
            if pay is None:
                return False
            c.execution[cid] = _EXECUTION_KIND_FINE
            c.t_exec_start[cid] = t
            c.enter_at(cid, _STAGE_FINE, t)
            self._end_at(cid, t + pay if pay > 0 else t)
        elif v == _VERDICT_TAAKSTRAF:
            c.execution[cid] = _EXECUTION_KIND_TAAKSTRAF
            c.enter_at(cid, _STAGE_TAAKSTRAF, t)
            intake = self.taak_intake.get_at(cid, t)
            at(t + intake if intake > 0 else t, self._taak_intake_done, cid)
        elif self.u_zelf.item(cid) < self.zelfmelder_share[ctx.region_of[cid]].at(t):  # custodial
            c.execution[cid] = _EXECUTION_KIND_ZELFMELDER
            c.enter_at(cid, _STAGE_ZELFMELDER_WAIT, t)
            prepared = self.callup_preparation.get_at(cid, t)
            at(t + prepared if prepared > 0 else t, self._ready_for_callup, cid)
        else:
            c.execution[cid] = _EXECUTION_KIND_ARRESTANT
            c.enter_at(cid, _STAGE_ARRESTANT_WAIT, t)
            c.t_sought[cid] = t
            found = self.find_time.get_at(cid, t)  # not a replacement detention: those are sought step by step
            at(t + found if found > 0 else t, self._found, cid)
        c.t_cjib[cid] = t
        self._ahead_delivered_case.append(cid)
        self._ahead_delivered_time.append(t)
        return True

    def _fine_paid_in(self, cid: int, t: float) -> float | None:
        """The days a fine delivered to CJIB at day `t` takes to be paid (at once or in instalments), as `_delivered`
        decides them at `t`; None if it is not paid."""
        r = self.ctx.region_of[cid]
        u = self.u_fine.item(cid)
        paid = self.paid_share[r].at(t)
        if u < paid:
            return self.pay_time.get_at(cid, t)
        if u < paid + self.plan_share[r].at(t):
            return self.plan_time.get_at(cid, t)
        return None

    def _end_at(self, cid: int, t: float, work_start: float = math.nan) -> None:
        """Execution ends at the later day `t` with no further step (what `_ended` does then, written by `settle`);
        `work_start`: when the community service's work began, if its execution started then."""
        self.ctx.cases.enter_at(cid, -1, t)
        self._ahead_end_case.append(cid)
        self._ahead_end_time.append(t)
        self._ahead_work_start.append(work_start)

    def settle(self, until: float) -> None:
        """At the end of the run (stopped before day `until`): a delivery worked out ahead that the run did not reach
        is taken back (nothing had been written before it); the ends worked out ahead that it reached are written:
        executed, and left the chain."""
        c = self.ctx.cases
        case = np.frombuffer(self._ahead_delivered_case, dtype=np.int32)
        t = np.frombuffer(self._ahead_delivered_time, dtype=np.float64)
        back = case[t >= until]
        c.t_cjib[back] = c.t_exec_start[back] = c.t_sought[back] = np.nan
        c.execution[back] = -1
        case = np.frombuffer(self._ahead_end_case, dtype=np.int32)
        t = np.frombuffer(self._ahead_end_time, dtype=np.float64)
        start = np.frombuffer(self._ahead_work_start, dtype=np.float64)
        sel = t < until
        reached = case[sel]
        started = sel & (start == start)
        c.t_exec_start[case[started]] = start[started]
        c.t_exec_end[reached] = c.t_end[reached] = t[sel]
        c.outcome[reached] = _OUTCOME_EXECUTED

    def _delivered(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        r = ctx.region_of[cid]
        c.t_cjib[cid] = now
        v = c.verdict[cid]
        if v == _VERDICT_FINE:
            c.execution[cid] = _EXECUTION_KIND_FINE
            c.enter(cid, _STAGE_FINE, now)
            c.t_exec_start[cid] = now
            u = self.u_fine.item(cid)
            paid = self.paid_share[r].at(now)
            if u < paid:
                ctx.after(self.pay_time.get(cid), self._ended, cid)
            elif u < paid + self.plan_share[r].at(now):
                ctx.after(self.plan_time.get(cid), self._ended, cid)
            else:
                self._detained_length[cid] = self.fine_detention.get(cid)
                ctx.after(self.pay_time.get(cid), self._replacement, cid)
        elif v == _VERDICT_TAAKSTRAF:
            c.execution[cid] = _EXECUTION_KIND_TAAKSTRAF
            self._start_taakstraf(cid)
        else:  # custodial, not detained at the verdict
            if self.u_zelf.item(cid) < self.zelfmelder_share[r].at(now):
                c.execution[cid] = _EXECUTION_KIND_ZELFMELDER
                c.enter(cid, _STAGE_ZELFMELDER_WAIT, now)
                ctx.after(self.callup_preparation.get(cid), self._ready_for_callup, cid)
            else:
                c.execution[cid] = _EXECUTION_KIND_ARRESTANT
                self._to_arrest(cid)

    # ------------------------------------------------------------------ standing stocks on the start date

    def _standing_sentence(self, cid: int, kind: int) -> None:
        """A custodial sentence of a standing case (sim/standing.py): final and at CJIB before the start."""
        c = self.ctx.cases
        c.channel[cid] = _CHANNEL_REGULAR
        c.route_initial[cid] = c.route[cid] = _ROUTE_REGULAR
        c.verdict[cid] = _VERDICT_CUSTODIAL
        c.sanctions[cid] = sanction_bit(Verdict.CUSTODIAL)
        c.execution[cid] = kind

    def start_fine(self, cid: int) -> None:
        """A fine being paid on the start date. A stock on a date holds the slow ways more than the intake does: the
        way it goes (paid, in instalments, unpaid and replaced by detention) is drawn in proportion to its share
        times its mean time, and the time still to go is the rest of a length-biased duration of that way."""
        ctx = self.ctx
        c = ctx.cases
        rng = self._standing_rng
        fines = ctx.chains[ctx.region_of[cid]].execution.fines
        day = ctx.scenario.start_date
        paid, plan = fines.paid_share.at_date(day), fines.plan_share.at_date(day)
        pay, instalments = fines.pay_time.build(), fines.plan_time.build()
        ways = ((paid, pay), (plan, instalments), (max(0.0, 1.0 - paid - plan), pay))
        weights = [share * dist.mean for share, dist in ways]
        way = _pick(weights, rng.random())
        rest = float(ways[way][1].sample_length_biased(rng, 1)[0]) * float(rng.random())
        self._standing_sentence(cid, _EXECUTION_KIND_FINE)
        c.verdict[cid] = _VERDICT_FINE
        c.sanctions[cid] = sanction_bit(Verdict.FINE)
        c.enter(cid, _STAGE_FINE, ctx.env.now)
        c.t_exec_start[cid] = ctx.env.now
        if way == 2:
            self._detained_length[cid] = self.fine_detention.get(cid)
            ctx.after(rest, self._replacement, cid)
        elif self._tails:
            now = ctx.env.now
            self._end_at(cid, now + rest if rest > 0 else now)
        else:
            ctx.after(rest, self._ended, cid)

    def start_taakstraf(self, cid: int) -> None:
        """A community service order under way on the start date: still in the intake (CJIB to the reclassering) or
        placed, before or in its hours of work, drawn in proportion to each phase's mean time; the time still to go
        is the rest of a length-biased duration of its phase (for to-start plus work, the length-biased sum of two
        independent durations: one of them length-biased, chosen in proportion to its mean). An order still in the
        intake then waits for the reclassering's werkstraf staff as any order does; a placed one has had them."""
        ctx = self.ctx
        c = ctx.cases
        rng = self._standing_rng
        t = ctx.chains[ctx.region_of[cid]].execution.taakstraf
        intake, to_start, work = t.intake.build(), t.to_start.build(), t.work.build()
        self._standing_sentence(cid, _EXECUTION_KIND_TAAKSTRAF)
        c.verdict[cid] = _VERDICT_TAAKSTRAF
        c.sanctions[cid] = _BIT_TAAKSTRAF
        c.enter(cid, _STAGE_TAAKSTRAF, ctx.env.now)
        if _pick([intake.mean, to_start.mean + work.mean], rng.random()) == 0:
            rest = float(intake.sample_length_biased(rng, 1)[0]) * float(rng.random())
            ctx.after(rest, self._taak_intake_done, cid)
            return
        if _pick([to_start.mean, work.mean], rng.random()) == 0:
            x, y = to_start.sample_length_biased(rng, 1)[0], work.sample(rng, 1)[0]
        else:
            x, y = to_start.sample(rng, 1)[0], work.sample_length_biased(rng, 1)[0]
        rest = float(x + y) * float(rng.random())
        self._work_done_in(cid, rest, float(y))  # work starts `y` days before the end (possibly before the start date)

    def start_zelfmelder(self, cid: int) -> None:
        """A self-reporter not yet called up on the start date: prepared, in the call-up queue (or on hold)."""
        self._standing_sentence(cid, _EXECUTION_KIND_ZELFMELDER)
        self.ctx.cases.enter(cid, _STAGE_ZELFMELDER_WAIT, self.ctx.env.now)
        self._ready_for_callup(cid)

    def start_unfindable(self, cid: int) -> None:
        """A convict sought on the start date, not yet found."""
        self._standing_sentence(cid, _EXECUTION_KIND_ARRESTANT)
        self._to_arrest(cid)

    def start_prisoners(self, cids: list[int]) -> None:
        """Convicts serving a sentence on the start date: each takes a place for the rest of his sentence. A
        prisoner present on a date is more likely to serve a long sentence: his sentence is drawn length-biased
        (density proportional to length) and the part still to serve is a uniform share of it, which is what an
        infinite-server queue in equilibrium holds."""
        ctx = self.ctx
        rng = self._standing_rng
        for cid in cids:
            dist = ctx.chains[ctx.region_of[cid]].execution.custodial.length[ctx.stream_names[ctx.stream_of[cid]]]
            rest = float(dist.build().sample_length_biased(rng, 1)[0]) * float(rng.random())
            self._standing_sentence(cid, _EXECUTION_KIND_AANSLUITEND)
            self.cells.put(cid, rest, self._served, PRIO_AANSLUITEND, started=self._in_cell)

    # ------------------------------------------------------------------ taakstraf

    def _start_taakstraf(self, cid: int) -> None:
        """A taakstraf (the principal sanction, or the second part after a custodial one) goes to the reclassering."""
        ctx = self.ctx
        ctx.cases.enter(cid, _STAGE_TAAKSTRAF, ctx.env.now)
        ctx.after(self.taak_intake.get(cid), self._taak_intake_done, cid)

    def _taak_intake_done(self, cid: int) -> None:
        """At the reclassering: the order waits for a werkstraf officer (fte), who does its hours of work (intake
        interview, placement, supervision); the start and the hours worked follow as lead times."""
        hours = self.taak_supervision.get(cid)
        self.reclassering.put(cid, hours * self.reclassering.days_per_work_hour, self._taak_placed)

    def _taak_placed(self, cid: int) -> None:
        work = self.taak_work.get(cid)
        self._work_done_in(cid, self.taak_to_start.get(cid) + work, work)

    def _work_done_in(self, cid: int, delay: float, work: float) -> None:
        """The community service is done in `delay` days, its `work` days of work ending then: `_taak_done` then, or,
        if it will be completed, its end worked out now."""
        if self._tails:
            ctx = self.ctx
            now = ctx.env.now
            t = now + delay if delay > 0 else now
            if not self._taak_fails(cid, t):
                c = ctx.cases
                first = c.t_exec_start[cid] != c.t_exec_start[cid]  # nan: no custodial part executed before it
                self._end_at(cid, t, t - work if first else math.nan)
                return
        self._work_of[cid] = work
        self.ctx.after(delay, self._taak_done, cid)

    def _taak_fails(self, cid: int, t: float) -> bool:
        """Whether community service done at day `t` has failed (replacement detention follows)."""
        return self.u_taak.item(cid) < self.failure_share[self.ctx.region_of[cid]].at(t)

    def _taak_done(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        started = ctx.env.now - self._work_of.pop(cid)
        if c.t_exec_start[cid] != c.t_exec_start[cid]:  # nan: no custodial part executed before it
            c.t_exec_start[cid] = started
        if self._taak_fails(cid, ctx.env.now):
            self._detained_length[cid] = self.taak_detention.get(cid)
            self._replacement(cid)
        else:
            self._ended(cid)

    # ------------------------------------------------------------------ custodial

    def _replacement(self, cid: int) -> None:
        self.ctx.cases.replacement_detention[cid] = True
        self._to_arrest(cid)

    def _to_arrest(self, cid: int) -> None:
        ctx = self.ctx
        ctx.cases.enter(cid, _STAGE_ARRESTANT_WAIT, ctx.env.now)
        ctx.cases.t_sought[cid] = ctx.env.now
        ctx.after(
            self.find_time.get(cid) if not ctx.cases.replacement_detention[cid] else self.find_time.again(cid),
            self._found,
            cid,
        )

    def _found(self, cid: int) -> None:
        c = self.ctx.cases
        c.t_found[cid] = self.ctx.env.now
        length = self._detained_length.pop(cid, None)
        if length is None:
            length = self._sentence_left(cid)
        matched = self.u_verkeerstoren.item(cid) < self.verkeerstoren_share.at(self.ctx.env.now)
        prio = PRIO_REPORTED if matched else PRIO_ARRESTANT  # the verkeerstoren's real-time match
        self.cells.put(cid, length, self._served, prio, started=self._admitted)

    def _sentence_left(self, cid: int) -> float:
        """The custodial sentence still to serve: its length less the days in custody before (art. 27 Sr)."""
        return max(0.0, self.length.get(cid) - float(self.ctx.cases.remand_days[cid]))

    # ------------------------------------------------------------------ zelfmelders: the call-up

    def _ready_for_callup(self, cid: int) -> None:
        """CJIB and DJI have prepared the call-up: the zelfmelder joins the call-up queue (or waits on hold while
        DJI calls up only a share)."""
        job = (self.ctx.env.now, cid)
        if self.u_callup.item(cid) < self._callup_now:
            self.to_call_up.append(job)
            self._plan_callups()
        else:
            self.on_hold.append(job)

    def _callup_changed(self, share: float) -> None:
        """DJI changes the share of zelfmelders it calls up: those now outside it wait on hold; those now inside it
        rejoin the call-up queue, in the order they became ready."""
        self._callup_now = share
        u = self.u_callup
        waiting = sorted([*self.to_call_up, *self.on_hold])
        self.to_call_up = deque(job for job in waiting if u[job[1]] < share)
        self.on_hold = [job for job in waiting if u[job[1]] >= share]
        self._plan_callups()

    def expected_free_places(self) -> float:
        """The places DJI expects free when a zelfmelder called up now reports (see the module docstring)."""
        cells = self.cells
        now = self.ctx.env.now
        horizon = now - RATE_WINDOW_DAYS
        for times in (self._departures, self._admissions):
            while times and times[0] < horizon:
                times.popleft()
        span = min(RATE_WINDOW_DAYS, now) or 1.0
        net_departures = (len(self._departures) - len(self._admissions)) / span * self._callup_lead
        # those waiting for a place that the plan sees: aansluitend, reported, matched by the verkeerstoren
        waiting = len(cells.queues[PRIO_AANSLUITEND]) + len(cells.queues[PRIO_REPORTED])
        return cells.capacity - cells.busy - waiting - self.called_up + net_departures

    def _capacity_changed(self, _: object) -> None:
        self._plan_callups()

    def _plan_callups(self) -> None:
        """Call up zelfmelders, first ready first, while DJI expects a place for them."""
        while self.to_call_up and self.expected_free_places() >= 1.0:
            self._call_up(self.to_call_up.popleft()[1])

    def _call_up(self, cid: int) -> None:
        """The call-up goes out; the convict reports `callup` days later. No place is held for him meanwhile."""
        ctx = self.ctx
        now = ctx.env.now
        c = ctx.cases
        c.enter(cid, _STAGE_ZELFMELDER_CALLED_UP, now)
        c.t_called_up[cid] = now
        self.called_up += 1
        ctx.after(self.callup_time.get(cid), self._reporting_date, cid)

    def _reporting_date(self, cid: int) -> None:
        ctx = self.ctx
        self.called_up -= 1
        if self.u_noshow.item(cid) < self.no_show_share[ctx.region_of[cid]].at(ctx.env.now):
            ctx.cases.execution[cid] = _EXECUTION_KIND_ARRESTANT  # did not report: sought by the police
            self._to_arrest(cid)
        else:
            self.cells.put(cid, self._sentence_left(cid), self._served, PRIO_REPORTED, started=self._in_cell)
        self._plan_callups()

    def _admitted(self, cid: int) -> None:
        """An admission DJI did not call up (an arrestant found, replacement detention, aansluitend)."""
        self._admissions.append(self.ctx.env.now)
        self._in_cell(cid)

    def _aansluitend_started(self, cid: int) -> None:
        """A convict on remand takes his sentence place: the remand place is free."""
        assert self._custody is not None
        self._custody.into_sentence(cid)
        self._admitted(cid)

    def _in_cell(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        c.enter(cid, _STAGE_DETENTION, ctx.env.now)
        c.t_detention_start[cid] = ctx.env.now
        c.t_detention_end[cid] = np.nan  # a second stay (replacement detention after a failed taakstraf part)
        if c.t_exec_start[cid] != c.t_exec_start[cid]:  # nan: first time in execution
            c.t_exec_start[cid] = ctx.env.now

    def _served(self, cid: int) -> None:
        self.ctx.cases.t_detention_end[cid] = self.ctx.env.now
        self._departures.append(self.ctx.env.now)
        self._ended(cid)
        self._plan_callups()

    def _ended(self, cid: int) -> None:
        ctx = self.ctx
        if cid in self._taakstraf_after:  # the custodial part is served: the taakstraf follows
            self._taakstraf_after.discard(cid)
            self._start_taakstraf(cid)
            return
        c = ctx.cases
        now = ctx.env.now
        c.leave(cid, now)
        c.t_exec_end[cid] = now
        c.t_end[cid] = now
        c.outcome[cid] = _OUTCOME_EXECUTED

    # ------------------------------------------------------------------ a suspended part, on a granted claim

    def execute_suspended(self, cid: int) -> None:
        """A claim to execute the suspended part was granted: the convict takes a DJI place for its length."""
        length = float(self._suspended_length[self.ctx.region_of[cid]].sample(self._suspended_rng, 1)[0])
        self.cells.put(cid, length, self._suspended_served, PRIO_AANSLUITEND, started=self._suspended_admitted)

    def _suspended_admitted(self, cid: int) -> None:
        self._admissions.append(self.ctx.env.now)
        self.claims_in_cells += 1

    def _suspended_served(self, cid: int) -> None:
        self.claims_in_cells -= 1
        self.ctx.cases.t_claim_executed[cid] = self.ctx.env.now
        self._departures.append(self.ctx.env.now)
        self._plan_callups()
