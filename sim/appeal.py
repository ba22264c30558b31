"""Appeal (hoger beroep) at the gerechtshof.

A share of verdicts, per kind of verdict, is appealed; the appeal takes `appeal.duration` days, after which the
decision is final (the verdict is kept: the model does not change sentences on appeal). Without appeal a verdict is
final at once; the appeal term before delivery to CJIB is part of `execution.delivery`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .domain import Stage, Verdict

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
        self.u = ctx.draw.uniform("appeal")
        self.duration = ctx.draw.duration("appeal", lambda ch, stream: ch.appeal.duration)
        self.detained: set[int] = set()

    def connect(self, final: Callable[[int, bool], None]) -> None:
        """Where a final decision goes: execution (told whether the convict is still detained)."""
        self._final = final

    def consider(self, cid: int, detained: bool) -> None:
        ctx = self.ctx
        c = ctx.cases
        share = self.share[ctx.region_of[cid]][c.verdict[cid]]
        if share is not None and self.u.item(cid) < share.at(ctx.env.now):
            c.appealed[cid] = True
            c.enter(cid, _STAGE_APPEAL, ctx.env.now)
            if detained:
                self.detained.add(cid)
            ctx.after(self.duration.get(cid), self._decided, cid)
        else:
            c.t_final[cid] = ctx.env.now
            self._final(cid, detained)

    def _decided(self, cid: int) -> None:
        ctx = self.ctx
        ctx.cases.t_final[cid] = ctx.env.now
        detained = cid in self.detained
        self.detained.discard(cid)
        self._final(cid, detained)
