"""Appeal (hoger beroep) at the gerechtshof.

A share of verdicts, per kind of verdict, is appealed; the appeal takes `appeal.duration` days, after which the
decision is final (the verdict is kept: the model does not change sentences on appeal). Without appeal a verdict is
final at once; the appeal term before delivery to CJIB is part of `execution.delivery`.
"""

from __future__ import annotations

from .records import STAGE
from .scenario import VERDICTS


class Appeal:
    def __init__(self, m):
        self.m = m
        self.share = [
            [m.sched(ch.appeal.share[v]) if v in ch.appeal.share else None for v in VERDICTS] for ch in m.chains
        ]
        self.u = m.draw.uniform("appeal")
        self.duration = m.draw.duration("appeal", lambda ch, s: ch.appeal.duration)
        self.detained = set()

    def consider(self, cid: int, detained: bool) -> None:
        m = self.m
        c = m.cases
        share = self.share[m.region_of[cid]][c.verdict[cid]]
        if share is not None and self.u.item(cid) < share.at(m.env.now):
            c.appealed[cid] = True
            c.enter(cid, STAGE["appeal"], m.env.now)
            if detained:
                self.detained.add(cid)
            m.after(self.duration.get(cid), self._decided, cid)
        else:
            c.t_final[cid] = m.env.now
            m.execution.final(cid, detained)

    def _decided(self, cid: int) -> None:
        m = self.m
        m.cases.t_final[cid] = m.env.now
        detained = cid in self.detained
        self.detained.discard(cid)
        m.execution.final(cid, detained)
