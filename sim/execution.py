"""Execution (tenuitvoerlegging) via CJIB: fines, community service (taakstraf) and custodial sentences.

A final decision to execute is delivered to CJIB after `execution.delivery` days (aanlevering ter executie, including
the appeal term); a share is returned for rework first. Then:

* **fine** (geldboete): paid, paid on a payment plan, or unpaid → replacement detention (vervangende hechtenis);
* **taakstraf**: delivered to the reclassering (`intake`), a wait for a werkstraf officer (reclassering staff in fte,
  national: a real queue) who does `work_hours` of intake, placement and supervision per order, then the start
  (`to_start`) and the work itself; a share fails → replacement detention;
* **custodial** (vrijheidsstraf) needs a DJI cell (national capacity; a real queue with priorities). A convict still
  detained at the verdict continues at once (aansluitend, first priority). Others are zelfmelders (self-reporters:
  called up when a cell is free, reporting after `callup` days; some do not report and become arrestanten) or
  arrestanten (to be found by the police after `find_time` days, then placed with priority over zelfmelders).
  Replacement detention is executed as an arrestant. DJI calls up only a share of zelfmelders
  (`custodial.callup_share`, a schedule; 0 = call-up stopped, as in the cell shortage from December 2023): the others
  wait on hold, in the zelfmelder stage, until the share rises again.

Execution ends when the fine is paid, the work completed, or the sentence served. Suspended sentences and acquittals
have nothing to execute.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .domain import ExecutionKind, Outcome, Stage, Verdict
from .events import call_later
from .stations import Station, staffed_station

if TYPE_CHECKING:
    from .model import StageContext

# DJI places convicts in this order of priority: still detained at the verdict, found by the police, self-reporters
PRIO_AANSLUITEND, PRIO_ARRESTANT, PRIO_ZELFMELDER = 0, 1, 2

# plain ints for the hot paths: an enum member compared with a numpy scalar, or stored in an array, takes
# numpy's slow path
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
_VERDICT_ACQUITTAL = int(Verdict.ACQUITTAL)
_VERDICT_CUSTODIAL = int(Verdict.CUSTODIAL)
_VERDICT_FINE = int(Verdict.FINE)
_VERDICT_SUSPENDED = int(Verdict.SUSPENDED)
_VERDICT_TAAKSTRAF = int(Verdict.TAAKSTRAF)


class Execution:
    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        national = ctx.scenario.execution  # reclassering and DJI are national: one pool for the country
        taak = national.taakstraf
        self.reclassering = staffed_station(
            ctx.env, "reclassering", ctx.schedule(taak.fte).breakpoints(), taak.hours_per_fte_per_week
        )
        self.cells = Station(ctx.env, "dji_cells", ctx.schedule(national.custodial.cells).breakpoints(), priorities=3)
        self.callup_share = ctx.schedule(national.custodial.callup_share)
        self._callup_now = self.callup_share.at(0.0)
        self.on_hold: list[tuple] = []  # zelfmelders whose call-up is stopped (cell station jobs, not queued)
        for t, share in self.callup_share.breakpoints()[1:]:
            call_later(ctx.env, t, self._callup_changed, share)
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
        self.find_time = d("find_time", lambda ch, stream: ch.execution.custodial.find_time)
        self.u_return = u("delivery_return")
        self.u_fine = u("fine_payment")
        self.u_taak = u("taakstraf_failure")
        self.u_zelf = u("zelfmelder")
        self.u_noshow = u("no_show")
        self.u_callup = u("zelfmelder_callup")
        self._detained_length: dict[int, float] = {}  # cid -> days of replacement detention still to serve
        self._callup_of: dict[int, float] = {}  # cid -> call-up days of a zelfmelder with a reserved cell
        self._work_of: dict[int, float] = {}  # cid -> days of community-service work

    def stations(self) -> list[Station]:
        return [self.reclassering, self.cells]

    # ------------------------------------------------------------------ from decision to CJIB

    def final(self, cid: int, detained: bool) -> None:
        """The decision is final: acquittals and suspended sentences end here; other sentences go to execution."""
        ctx = self.ctx
        c = ctx.cases
        v = c.verdict[cid]
        now = ctx.env.now
        if v == _VERDICT_ACQUITTAL or v == _VERDICT_SUSPENDED:
            c.leave(cid, now)
            c.outcome[cid] = _OUTCOME_ACQUITTAL if v == _VERDICT_ACQUITTAL else _OUTCOME_SUSPENDED
            c.t_end[cid] = now
        elif v == _VERDICT_CUSTODIAL and detained:
            c.t_cjib[cid] = now
            c.execution[cid] = _EXECUTION_KIND_AANSLUITEND
            c.enter(cid, _STAGE_DETENTION, now)
            self.cells.put(cid, self.length.get(cid), self._served, PRIO_AANSLUITEND, started=self._in_cell)
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
        ctx.after(delay, self._delivered, cid)

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
            c.enter(cid, _STAGE_TAAKSTRAF, now)
            ctx.after(self.taak_intake.get(cid), self._taak_intake_done, cid)
        else:  # custodial, not detained at the verdict
            if self.u_zelf.item(cid) < self.zelfmelder_share[r].at(now):
                c.execution[cid] = _EXECUTION_KIND_ZELFMELDER
                c.enter(cid, _STAGE_ZELFMELDER_WAIT, now)
                no_show = self.u_noshow.item(cid) < self.no_show_share[r].at(now)
                callup = self._callup_of[cid] = self.callup_time.get(cid)
                job: tuple[int, float, Callable[[int], None], Callable[[int], None] | None]
                if no_show:
                    job = (cid, callup, self._no_show, None)
                else:
                    job = (cid, callup + self.length.get(cid), self._served, self._called_up)
                if self.u_callup.item(cid) < self._callup_now:
                    self.cells.put(job[0], job[1], job[2], PRIO_ZELFMELDER, started=job[3])
                else:
                    self.on_hold.append(self.cells.hold(*job))
            else:
                c.execution[cid] = _EXECUTION_KIND_ARRESTANT
                self._to_arrest(cid)

    # ------------------------------------------------------------------ taakstraf

    def _taak_intake_done(self, cid: int) -> None:
        """At the reclassering: the order waits for a werkstraf officer (fte), who does its hours of work (intake
        interview, placement, supervision); the start and the hours worked follow as lead times."""
        hours = self.taak_supervision.get(cid)
        self.reclassering.put(cid, hours * self.reclassering.days_per_work_hour, self._taak_placed)

    def _taak_placed(self, cid: int) -> None:
        work = self._work_of[cid] = self.taak_work.get(cid)
        self.ctx.after(self.taak_to_start.get(cid) + work, self._taak_done, cid)

    def _taak_done(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        c.t_exec_start[cid] = ctx.env.now - self._work_of.pop(cid)
        if self.u_taak.item(cid) < self.failure_share[ctx.region_of[cid]].at(ctx.env.now):
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
        ctx.after(
            self.find_time.get(cid) if not ctx.cases.replacement_detention[cid] else self.find_time.again(cid),
            self._found,
            cid,
        )

    def _found(self, cid: int) -> None:
        length = self._detained_length.pop(cid, None)
        if length is None:
            length = self.length.get(cid)
        self.cells.put(cid, length, self._served, PRIO_ARRESTANT, started=self._in_cell)

    def _callup_changed(self, share: float) -> None:
        """DJI changes the share of zelfmelders it calls up: those now outside it leave the cell queue and wait on
        hold; those now inside it rejoin the queue in order of their delivery."""
        self._callup_now = share
        u = self.u_callup
        withdrawn = self.cells.withdraw(PRIO_ZELFMELDER, lambda cid: u[cid] >= share)
        release = [job for job in self.on_hold if u[job[0]] < share]
        self.on_hold = sorted([job for job in self.on_hold if u[job[0]] >= share] + withdrawn, key=lambda j: j[3])
        self.cells.readmit(release, PRIO_ZELFMELDER)

    def _called_up(self, cid: int) -> None:
        """A cell is reserved for a zelfmelder: the call-up goes out and the convict reports `callup` days later."""
        self.ctx.after(self._callup_of.pop(cid), self._reported, cid)

    def _reported(self, cid: int) -> None:
        self._in_cell(cid)

    def _no_show(self, cid: int) -> None:
        ctx = self.ctx
        self._callup_of.pop(cid, None)
        ctx.cases.execution[cid] = _EXECUTION_KIND_ARRESTANT
        self._to_arrest(cid)

    def _in_cell(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        c.enter(cid, _STAGE_DETENTION, ctx.env.now)
        if c.t_exec_start[cid] != c.t_exec_start[cid]:  # nan: first time in execution
            c.t_exec_start[cid] = ctx.env.now

    def _served(self, cid: int) -> None:
        self._ended(cid)

    def _ended(self, cid: int) -> None:
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        c.leave(cid, now)
        c.t_exec_end[cid] = now
        c.t_end[cid] = now
        c.outcome[cid] = _OUTCOME_EXECUTED
