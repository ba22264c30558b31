"""Advice reports: reclassering (3RO) probation advice, Raad voor de Kinderbescherming (RvdK) for youth, NIFP
psychiatric reports, or any other kind a scenario names.

At the summons, each report kind that applies to the case (adult or youth, its route) is requested for a share of the
stream's cases. Reports are written by a national pool of writers per kind (fte, `hours_per_fte_per_week`: a real
queue), `work_hours` of a writer's work each; the rest of a report's lead time (`duration`: appointments with the
suspect, information from others) follows the work as a pure delay. A case is not heard before all its reports are in: a regular case waits for them before it joins the court
backlog, and a fast-track case whose report is missing at the hearing is adjourned and planned again when it arrives
(or falls back if its window has passed by then).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .domain import Route
from .stations import Station, staffed_station

if TYPE_CHECKING:
    from .model import StageContext


def _report_duration(kind: str) -> Callable[[Any, str], Any]:
    """The duration spec of report `kind` in a region's chain (the same for every case stream)."""
    return lambda chain, stream: chain.advice[kind].duration


def _report_work(kind: str) -> Callable[[Any, str], Any]:
    """The writer's hours of report `kind` in a region's chain (the same for every case stream)."""
    return lambda chain, stream: chain.advice[kind].work_hours


class Advice:
    def __init__(self, ctx: StageContext):
        self.ctx = ctx
        self.pending = np.zeros(ctx.n, np.int8)
        self.kinds = []
        names = sorted({k for ch in ctx.chains for k in ch.advice})
        for name in names:
            if any(name not in ch.advice for ch in ctx.chains):
                raise ValueError(f"advice kind {name!r} must exist in every region")
            national = ctx.scenario.advice[name]  # writers are one national pool
            station = staffed_station(
                ctx.env, f"advice:{name}", ctx.schedule(national.fte).breakpoints(), national.hours_per_fte_per_week
            )
            share = [[ctx.schedule(ch.advice[name].share[stream]) for stream in ctx.stream_names] for ch in ctx.chains]
            applies = [ch.advice[name].applies_to for ch in ctx.chains]
            routes = [{Route.from_key(k) for k in ch.advice[name].routes} for ch in ctx.chains]
            u = ctx.draw.uniform(f"advice:{name}")
            work = ctx.draw.duration(f"advice_work:{name}", _report_work(name))
            duration = ctx.draw.duration(f"advice:{name}", _report_duration(name))
            self.kinds.append((name, station, share, applies, routes, u, work, duration))
        self.after_work = 0  # reports whose writer's work is done, in the rest of their lead time
        self._written = {k[1].name: self._lead_time_after(k[7]) for k in self.kinds}

    def connect(self, reports_in: Callable[[int], None]) -> None:
        """Whom to tell when all of a case's reports are in (the courts)."""
        self._reports_in = reports_in

    def stations(self) -> list[Station]:
        return [k[1] for k in self.kinds]

    def in_progress(self) -> int:
        return sum(st.busy + st.waiting for st in self.stations()) + self.after_work

    def request(self, cid: int, route: int) -> int:
        """Request the reports case `cid` needs for `route` (a `Route` code); returns how many are pending."""
        ctx = self.ctx
        now = ctx.env.now
        r, stream = ctx.region_of[cid], ctx.stream_of[cid]
        youth = ctx.cases.youth[cid]
        for _name, station, share, applies, routes, u, work, _duration in self.kinds:
            a = applies[r]
            if (a == "youth" and not youth) or (a == "adult" and youth) or route not in routes[r]:
                continue
            if u.item(cid) < share[r][stream].at(now):
                self.pending[cid] += 1
                station.put(cid, work.get(cid) * station.days_per_work_hour, self._written[station.name])
        return int(self.pending[cid])

    def _lead_time_after(self, duration) -> Callable[[int], None]:
        """When a writer has done the work on a report, the rest of its lead time (`duration`) follows."""
        after = self.ctx.after

        def written(cid: int) -> None:
            self.after_work += 1
            after(duration.get(cid), self._done, cid)

        return written

    def _done(self, cid: int) -> None:
        self.after_work -= 1
        self.pending[cid] -= 1
        if self.pending[cid] == 0:
            self._reports_in(cid)
