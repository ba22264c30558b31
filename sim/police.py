"""Police (politie): registration, arrest, investigation (opsporing) and the case file.

A case with an arrested suspect is processed under the legal clock (sim/custody.py): the suspect may be held for
questioning (ophouden, 9 hours, art. 56a Sv) and then in police custody (inverzekeringstelling, 3 days, art. 58 Sv);
the PV goes to the ZSM desk after `arrest_processing`. Whether the suspect is still held at the ZSM decision is the
custody clock's answer (`Custody.held`).

A case without an arrest waits for a detective (detectives in fte per region: a real queue), needs
`investigation_hours` of detective work, and then the PV and case file are completed (`file_completion`, a lead time:
results, statements, the file itself) before the OM receives it. A case the OM returns for more investigation
(retourzaak) is reworked here and sent back.

Selectiviteitskader: the offences without a known suspect that the police decide to investigate
(`intake.streams.*.no_suspect_investigated_share`) use the same detectives, `no_suspect_investigation_hours` each,
in one queue with the cases with a known suspect (in order of registration). The ones that get a
suspect are cases (`suspect_found`) and go on to the OM after the file is completed; the others end at the police.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .domain import Stage
from .stations import Station, staffed_station

if TYPE_CHECKING:
    from .model import StageContext

_POLICE = int(Stage.POLICE)  # a plain int: numpy and arrays take their slow path for enum members


def _unsolved_done(_: int) -> None:
    """An investigation of an offence without a known suspect that found none: it ends at the police."""


class Police:
    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        self.detectives = [
            staffed_station(
                ctx.env,
                f"detectives:{r}",
                ctx.schedule(ch.police.detective_fte).breakpoints(),
                ch.police.hours_per_fte_per_week,
            )
            for r, ch in zip(ctx.region_names, ctx.chains)
        ]
        duration = ctx.draw.duration
        self.arrest_processing = duration("arrest_processing", lambda ch, stream: ch.police.arrest_processing)
        self.investigation = duration("investigation", lambda ch, stream: ch.police.investigation_hours)
        self.solving_investigation = duration(
            "no_suspect_investigation", lambda ch, stream: ch.police.no_suspect_investigation_hours
        )
        self.file_completion = duration("file_completion", lambda ch, stream: ch.police.file_completion)
        self.rework = duration("rework", lambda ch, stream: ch.om.rework)
        self.suspect_found = ctx.cases.suspect_found.tolist()
        # the unsolved investigations: detective hours drawn per offence from their own stream
        t, region, stream = ctx.arrivals.investigations
        self._inv_time, self._inv_region = t, region.tolist()
        hours = np.zeros(t.size)
        rng = ctx.streams("d:no_suspect_investigation:unsolved")
        for r, ch in enumerate(ctx.chains):
            spec = ch.police.no_suspect_investigation_hours
            for s in range(len(ctx.stream_names)):
                idx = ((region == r) & (stream == s)).nonzero()[0]
                if idx.size:
                    hours[idx] = spec.build().sample(rng, idx.size) * spec.scale.first
        self._inv_hours = hours.tolist()
        # the standing stock at the start: investigations already waiting (work without case rows)
        for r, ch in enumerate(ctx.chains):
            n = round(ch.police.initial_stock)
            if n:
                drawn = ch.police.investigation_hours.build().sample(ctx.streams(f"d:initial_stock:police:{r}"), n)
                team = self.detectives[r]
                team.preload((drawn * team.days_per_work_hour).tolist())
        if t.size:
            ctx.after(float(t[0]), self._investigate_next, 0)

    def connect(
        self,
        to_om: Callable[[int], None],
        to_om_after: Callable[[float, int], None],
        returned_to_om: Callable[[int], None],
    ) -> None:
        """Where cases go next: a new case file to the OM (now, or after a delay), and a reworked returned case back
        to it."""
        self._to_om = to_om
        self._to_om_after = to_om_after
        self._returned_to_om = returned_to_om

    def use_custody(self, custody: Any) -> None:
        """The custody clock (sim/custody.py) starts at every arrest."""
        self._custody = custody

    def stations(self) -> list[Station]:
        return self.detectives

    def register(self, cid: int) -> None:
        ctx = self.ctx
        ctx.cases.enter(cid, _POLICE, ctx.env.now)
        r = ctx.region_of[cid]
        if ctx.arrested_of[cid]:
            self._custody.arrest(cid)
            ctx.after(self.arrest_processing.get(cid), self._to_om, cid)
        else:
            hours = self.solving_investigation.get(cid) if self.suspect_found[cid] else self.investigation.get(cid)
            team = self.detectives[r]
            team.put(cid, hours * team.days_per_work_hour, self._investigated)

    def start_standing(self, cid: int) -> None:
        """A case of the detectives' standing stock on the start date (sim/standing.py): not arrested, queued for
        its investigation."""
        self.register(cid)

    def _investigate_next(self, i: int) -> None:
        """Hand the detectives every unsolved investigation due now (no case: work only), then wait for the next."""
        t = self._inv_time
        now = self.ctx.env.now
        n = t.size
        while i < n and t.item(i) <= now:
            team = self.detectives[self._inv_region[i]]
            team.put(-1, self._inv_hours[i] * team.days_per_work_hour, _unsolved_done)
            i += 1
        if i < n:
            self.ctx.after(t.item(i) - now, self._investigate_next, i)

    def _investigated(self, cid: int) -> None:
        self._to_om_after(self.file_completion.get(cid), cid)

    def rework_returned(self, cid: int) -> None:
        """A returned case (retourzaak): more investigation, then back to the OM's regular handling."""
        ctx = self.ctx
        ctx.cases.enter(cid, _POLICE, ctx.env.now)
        d = self.rework.get(cid) if ctx.cases.returns[cid] <= 1 else self.rework.again(cid)
        ctx.after(d, self._returned_to_om, cid)
