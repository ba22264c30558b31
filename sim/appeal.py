"""Appeal (hoger beroep) at the gerechtshof.

A share of verdicts, per kind of verdict, is appealed. The appeal is then prepared (`appeal.preparation`: the
rechtbank writes out its verdict, the file goes to the hof, the case is summoned; a lead time, not the hof's work),
waits for raadsheer capacity (`appeal.fte` raadsheren on criminal appeals with `hours_per_fte_per_week`, one national
pool for the four hoven: a real queue with its own stock), takes `work_hours` of their work (study, hearing,
deliberation) and the arrest follows `decision` days after the hearing. Then the decision is final (the verdict is
kept: the model does not change sentences on appeal). Without appeal a verdict is final at once; the appeal term
before delivery to CJIB is part of `execution.delivery`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .domain import Channel, Route, Stage, Verdict, sanction_bit
from .stations import Station, staffed_station

if TYPE_CHECKING:
    from .model import StageContext

# plain ints for the hot paths: an enum member compared with a numpy scalar, or stored in an array, takes
# numpy's slow path
_STAGE_APPEAL = int(Stage.APPEAL)


class Appeal:
    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        self.share = [
            [ctx.schedule(ch.appeal.share[v.key]) if v.key in ch.appeal.share else None for v in Verdict]
            for ch in ctx.chains
        ]
        national = ctx.scenario.appeal  # the raadsheren are one national pool
        self.hof = staffed_station(
            ctx.env, "gerechtshof", ctx.schedule(national.fte).breakpoints(), national.hours_per_fte_per_week
        )
        n = round(national.initial_stock)  # appeals already waiting for a hearing at the start
        if n:
            drawn = national.work_hours.build().sample(ctx.streams("d:initial_stock:appeal"), n)
            self.hof.preload((drawn * self.hof.days_per_work_hour).tolist())
        self.u = ctx.draw.uniform("appeal")
        self.preparation = ctx.draw.duration("appeal_preparation", lambda ch, stream: ch.appeal.preparation)
        self.work = ctx.draw.duration("appeal_work", lambda ch, stream: ch.appeal.work_hours)
        self.decision = ctx.draw.duration("appeal_decision", lambda ch, stream: ch.appeal.decision)
        self.detained: set[int] = set()
        self._standing_rng = ctx.streams("standing:appeal")

    def connect(self, final: Callable[[int, bool], None]) -> None:
        """Where a final decision goes: execution (told whether the convict is still detained)."""
        self._final = final

    def stations(self) -> list[Station]:
        return [self.hof]

    def consider(self, cid: int, detained: bool) -> None:
        ctx = self.ctx
        c = ctx.cases
        share = self.share[ctx.region_of[cid]][c.verdict[cid]]
        if share is not None and self.u.item(cid) < share.at(ctx.env.now):
            c.appealed[cid] = True
            c.enter(cid, _STAGE_APPEAL, ctx.env.now)
            if detained:
                self.detained.add(cid)
            ctx.after(self.preparation.get(cid), self._prepared, cid)
        else:
            c.t_final[cid] = ctx.env.now
            self._final(cid, detained)

    def start_standing(self, cid: int) -> None:
        """An appeal standing at the gerechtshof on the start date (sim/standing.py), prepared, waiting for the
        raadsheren; the verdict appealed is drawn from the regular verdict mix weighted by each verdict's appeal
        share (what is appealed), from its own stream."""
        ctx = self.ctx
        c = ctx.cases
        r = ctx.region_of[cid]
        mix = ctx.chains[r].courts.verdict_mix["regular"]
        weights = [
            ctx.schedule(mix[v.key]).at(0.0) * share.at(0.0) if v.key in mix and share is not None else 0.0
            for v, share in zip(Verdict, self.share[r])
        ]
        total = sum(weights)
        u = self._standing_rng.random() * total
        acc, verdict = 0.0, int(Verdict.CUSTODIAL)
        for v, w in zip(Verdict, weights):
            acc += w
            if u < acc:
                verdict = int(v)
                break
        c.channel[cid] = int(Channel.REGULAR)
        c.route_initial[cid] = c.route[cid] = int(Route.REGULAR)
        c.verdict[cid] = verdict
        c.sanctions[cid] = sanction_bit(Verdict(verdict)) if verdict != int(Verdict.ACQUITTAL) else 0
        c.appealed[cid] = True
        c.enter(cid, _STAGE_APPEAL, ctx.env.now)
        self._prepared(cid)

    def _prepared(self, cid: int) -> None:
        self.hof.put(cid, self.work.get(cid) * self.hof.days_per_work_hour, self._heard)

    def _heard(self, cid: int) -> None:
        self.ctx.after(self.decision.get(cid), self._decided, cid)

    def _decided(self, cid: int) -> None:
        ctx = self.ctx
        ctx.cases.t_final[cid] = ctx.env.now
        detained = cid in self.detained
        self.detained.discard(cid)
        self._final(cid, detained)
