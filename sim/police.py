"""Police (politie): registration, arrest, investigation (opsporing) and the case file.

A case with an arrested suspect is processed under the legal clock: the suspect may be held for questioning
(ophouden, 9 hours, art. 56a Sv) and then in police custody (inverzekeringstelling, 3 days, art. 58 Sv); the PV goes
to the ZSM desk after `arrest_processing`. Whether the ZSM decision came in time is checked by the prosecution stage.

A case without an arrest waits for a detective (limited capacity per region: a real queue), is investigated, and
then the PV and case file are completed (`file_completion`) before the OM receives it. A case the OM returns for more
investigation (retourzaak) is reworked here and sent back.
"""

from __future__ import annotations

from .records import STAGE
from .stations import Station

POLICE = STAGE["police"]


class Police:
    def __init__(self, m):
        self.m = m
        self.detectives = [
            Station(m.env, f"detectives:{r}", m.sched(ch.police.detectives).breakpoints())
            for r, ch in zip(m.region_names, m.chains)
        ]
        self.arrest_processing = m.draw.duration("arrest_processing", lambda ch, s: ch.police.arrest_processing)
        self.investigation = m.draw.duration("investigation", lambda ch, s: ch.police.investigation)
        self.file_completion = m.draw.duration("file_completion", lambda ch, s: ch.police.file_completion)
        self.rework = m.draw.duration("rework", lambda ch, s: ch.om.rework)

    def stations(self):
        return self.detectives

    def register(self, cid: int) -> None:
        m = self.m
        m.cases.enter(cid, POLICE, m.env.now)
        if m.arrested_of[cid]:
            m.after(self.arrest_processing.get(cid), m.om.receive, cid)
        else:
            self.detectives[m.region_of[cid]].put(cid, self.investigation.get(cid), self._investigated)

    def _investigated(self, cid: int) -> None:
        self.m.after(self.file_completion.get(cid), self.m.om.receive, cid)

    def rework_returned(self, cid: int) -> None:
        """A returned case (retourzaak): more investigation, then back to the OM's regular handling."""
        m = self.m
        m.cases.enter(cid, POLICE, m.env.now)
        d = self.rework.get(cid) if m.cases.returns[cid] <= 1 else self.rework.again(cid)
        m.after(d, m.om.receive_returned, cid)
