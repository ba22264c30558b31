"""Suspended sentences: the probation period (proeftijd) and claims to execute them (vordering tenuitvoerlegging).

A sentence with a suspended custodial part (wholly suspended, partly suspended, or a fine or taakstraf with a
suspended custodial sentence; `courts.combined`) carries a probation period from the day the judgment is final
(`courts.suspended.probation`, art. 14b Sr: at most three years, two in most cases). A share of them
(`claim_share`) comes back: the convict breaks the conditions or reoffends and the OM files a claim to execute the
suspended part (art. 14g Sr), at a moment drawn uniformly within the probation (a claim must be filed within it).
The claim is heard in a court session that serves the ``claim`` queue (`sim.courts.Courts.book_claim`): in the
baseline the snelrecht sessions, whose slots are reserved for detained suspects and opened to claims only
`open_to_others_days` before they sit. A share of claims is granted (`claim_granted_share`); the suspended part is
then executed (`sim.execution.Execution.execute_suspended`). The case itself has left the chain by then (or is still
executing its unconditional part): the claim is recorded in the case's ``t_claim``, ``t_claim_hearing``,
``claim_granted`` and ``t_claim_executed`` columns and its hearing in ``hearings.parquet`` (queue ``claim``); it does
not change the case's outcome, stages or lead times.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import StageContext


class Probation:
    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        sus = [ch.courts.suspended for ch in ctx.chains]
        self.length = [s.probation.build() for s in sus]
        self.claim_share = [ctx.schedule(s.claim_share) for s in sus]
        self.granted_share = [ctx.schedule(s.claim_granted_share) for s in sus]
        # probations start in event order and claims are a small share: drawn as they happen, each quantity from
        # its own stream
        self._length_rng = ctx.streams("d:probation")
        self._claim_rng = ctx.streams("u:claim")
        self._granted_rng = ctx.streams("u:claim_granted")

    def connect(self, book_claim: Callable[[int], None], execute_suspended: Callable[[int], None]) -> None:
        """Where a claim is heard (a court session serving the ``claim`` queue) and where a granted one is executed."""
        self._book_claim = book_claim
        self._execute = execute_suspended

    def start(self, cid: int) -> None:
        """The judgment with a suspended part is final: its probation begins; a claim may follow within it."""
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        r = ctx.region_of[cid]
        days = float(self.length[r].sample(self._length_rng, 1)[0])
        c.t_probation_start[cid] = now
        c.probation_days[cid] = days
        rng = self._claim_rng
        claimed = rng.random() < self.claim_share[r].at(now)
        when = rng.random() * days  # drawn whether claimed or not: the stream stays in step
        if claimed:
            ctx.after(when, self._filed, cid)

    def _filed(self, cid: int) -> None:
        self.ctx.cases.t_claim[cid] = self.ctx.env.now
        self._book_claim(cid)

    def heard(self, cid: int) -> bool:
        """The claim is heard: granted (the suspended part to execution) or refused. Returns whether granted."""
        ctx = self.ctx
        c = ctx.cases
        now = ctx.env.now
        c.t_claim_hearing[cid] = now
        granted = self._granted_rng.random() < self.granted_share[ctx.region_of[cid]].at(now)
        if granted:
            c.claim_granted[cid] = True
            self._execute(cid)
        return granted
