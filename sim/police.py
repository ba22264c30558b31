"""Police (politie): registration, arrest, investigation (opsporing) and the case file.

A case with an arrested suspect is processed under the legal clock (sim/custody.py): the suspect may be held for
questioning (ophouden, 9 hours, art. 56a Sv) and then in police custody (inverzekeringstelling, 3 days, art. 58 Sv);
the PV goes to the ZSM desk after `arrest_processing`. Whether the suspect is still held at the ZSM decision is the
custody clock's answer (`Custody.held`).

A case without an arrest waits for a detective (limited capacity per region: a real queue), is investigated, and
then the PV and case file are completed (`file_completion`) before the OM receives it. A case the OM returns for more
investigation (retourzaak) is reworked here and sent back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .domain import Stage
from .stations import Station

if TYPE_CHECKING:
    from .model import StageContext

_POLICE = int(Stage.POLICE)  # a plain int: numpy and arrays take their slow path for enum members


class Police:
    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        self.detectives = [
            Station(ctx.env, f"detectives:{r}", ctx.schedule(ch.police.detectives).breakpoints())
            for r, ch in zip(ctx.region_names, ctx.chains)
        ]
        duration = ctx.draw.duration
        self.arrest_processing = duration("arrest_processing", lambda ch, stream: ch.police.arrest_processing)
        self.investigation = duration("investigation", lambda ch, stream: ch.police.investigation)
        self.file_completion = duration("file_completion", lambda ch, stream: ch.police.file_completion)
        self.rework = duration("rework", lambda ch, stream: ch.om.rework)

    def connect(self, to_om: Callable[[int], None], returned_to_om: Callable[[int], None]) -> None:
        """Where cases go next: a new case file to the OM, and a reworked returned case back to it."""
        self._to_om = to_om
        self._returned_to_om = returned_to_om

    def use_custody(self, custody: Any) -> None:
        """The custody clock (sim/custody.py) starts at every arrest."""
        self._custody = custody

    def stations(self) -> list[Station]:
        return self.detectives

    def register(self, cid: int) -> None:
        ctx = self.ctx
        ctx.cases.enter(cid, _POLICE, ctx.env.now)
        if ctx.arrested_of[cid]:
            self._custody.arrest(cid)
            ctx.after(self.arrest_processing.get(cid), self._to_om, cid)
        else:
            self.detectives[ctx.region_of[cid]].put(cid, self.investigation.get(cid), self._investigated)

    def _investigated(self, cid: int) -> None:
        self.ctx.after(self.file_completion.get(cid), self._to_om, cid)

    def rework_returned(self, cid: int) -> None:
        """A returned case (retourzaak): more investigation, then back to the OM's regular handling."""
        ctx = self.ctx
        ctx.cases.enter(cid, _POLICE, ctx.env.now)
        d = self.rework.get(cid) if ctx.cases.returns[cid] <= 1 else self.rework.again(cid)
        ctx.after(d, self._returned_to_om, cid)
