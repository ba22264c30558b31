"""The chain's standing stocks on the start date, as cases (the scenario's ``[start_stock]``).

A run that starts from an empty chain needs a warm-up before its stocks are real: detention, appeal and execution
take years to fill. A scenario can instead say how many cases already stand in each stock on the start date (the
published stocks where they exist): each becomes a case row after the intake's rows, registered `age_days`
(exponential mean) before the start, and enters its stage at day 0, where it queues, is planned, decided and
executed like any other case and so loads every station downstream of where it starts.

Where each stock starts (and what is assumed about it):

- ``police``: a case without an arrest in the detectives' queue (its investigation hours drawn as any case's), then
  the file goes to the OM.
- ``om_regular``: at the regular OM desk, in the queue for an officier or parketsecretaris (its work hours drawn as
  any case's), then decided by the regular decision mix.
- ``court_pr``, ``court_mk``: summoned regular cases with their reports in, planned into the first session with a
  free slot beyond the summons term (so the court's "planned, not yet heard" stock forms at day 0 from its "ready
  to plan" one, as far as the planning horizon reaches).
- ``appeal``: appealed, waiting for the gerechtshof's raadsheren; the verdict appealed is drawn from the regular
  verdict mix weighted by each verdict's appeal share (the verdicts that are appealed).
- ``fines``, ``taakstraf``: a fine being paid, a community service order under way. A stock on a date holds the
  slow ones more than the intake does: the way a fine goes (paid, in instalments, replaced by detention) and the
  phase an order is in (intake, or placed and before or in its work) are drawn in proportion to share times mean
  time, and the time still to go is the rest of a length-biased duration (`Execution.start_fine`,
  `start_taakstraf`).
- ``zelfmelders``: a custodial sentence whose self-reporter is prepared for call-up and joins the call-up queue.
- ``unfindable``: a custodial sentence whose convict is sought; found at the scenario's rate (`find_time` is
  exponential in the baseline, so the time still to wait has the same distribution as a new search's).
- ``prison``: serving the rest of a custodial sentence: a sentence length drawn in proportion to its length (a
  prisoner present on a date is more likely serving a long sentence) times the uniform share still to serve.

Standing cases are never in the key figures' cohort (they were registered before the start); calendar figures (a
stock on a date, decisions in a year) include them, as the published ones include old cases. Remand (bewaring and
gevangenhouding) and police custody start empty: they fill within the legal limits of about 90 days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import Scenario
from .scenario.scenario_model import STOCK_KINDS
from .streams import Streams

KIND_CODE = {k: i for i, k in enumerate(STOCK_KINDS)}


@dataclass
class StandingCases:
    kind: np.ndarray  # code of STOCK_KINDS per standing case
    region: np.ndarray
    stream: np.ndarray
    registered: np.ndarray  # registration time: days before the start (negative)

    def __len__(self) -> int:
        return len(self.kind)


def generate(scenario: Scenario, streams: Streams) -> StandingCases:
    """The standing cases of `scenario`, drawn from their own stream (the intake's draws do not change)."""
    counts = scenario.start_stock.counts()
    rng = streams("standing")
    region_p = np.array([r.share for r in scenario.regions.values()], float)
    year = scenario.start_date.year
    stream_p = np.array(
        [
            scenario.volume(name, year, streams.replication) * st.known_suspect_share.at_date(scenario.start_date)
            for name, st in scenario.intake.streams.items()
        ],
        float,
    )
    stream_p = stream_p / stream_p.sum() if stream_p.sum() > 0 else np.full(len(stream_p), 1.0 / len(stream_p))
    kinds, regions, stream_codes = [], [], []
    for kind, n in counts.items():
        kinds.append(np.full(n, KIND_CODE[kind], np.int8))
        regions.append(rng.choice(len(region_p), n, p=region_p / region_p.sum()).astype(np.int16))
        stream_codes.append(rng.choice(len(stream_p), n, p=stream_p).astype(np.int16))
    n_all = sum(counts.values())
    return StandingCases(
        kind=np.concatenate(kinds) if kinds else np.zeros(0, np.int8),
        region=np.concatenate(regions) if regions else np.zeros(0, np.int16),
        stream=np.concatenate(stream_codes) if stream_codes else np.zeros(0, np.int16),
        registered=-rng.exponential(scenario.start_stock.age_days, n_all),
    )


def start(model, first: int) -> None:
    """At day 0: send standing case `first + i` into the stage of its stock (see the module docstring)."""
    standing: StandingCases = model.ctx.standing
    entry = {
        KIND_CODE["police"]: model.police.start_standing,
        KIND_CODE["om_regular"]: model.om.start_standing,
        KIND_CODE["court_pr"]: lambda cid: model.courts.start_standing(cid, mk=False),
        KIND_CODE["court_mk"]: lambda cid: model.courts.start_standing(cid, mk=True),
        KIND_CODE["appeal"]: model.appeal.start_standing,
        KIND_CODE["fines"]: model.execution.start_fine,
        KIND_CODE["taakstraf"]: model.execution.start_taakstraf,
        KIND_CODE["zelfmelders"]: model.execution.start_zelfmelder,
        KIND_CODE["unfindable"]: model.execution.start_unfindable,
    }
    prison = [first + i for i, k in enumerate(standing.kind.tolist()) if k == KIND_CODE["prison"]]
    for i, k in enumerate(standing.kind.tolist()):
        if k != KIND_CODE["prison"]:
            entry[k](first + i)
    if prison:
        model.execution.start_prisoners(prison)


def appended(arrivals, standing: StandingCases):
    """The intake's arrivals with the standing cases' rows after them (registered before the start)."""
    from .intake import Arrivals

    return Arrivals(
        time=np.concatenate([arrivals.time, standing.registered]),
        region=np.concatenate([arrivals.region, standing.region]),
        stream=np.concatenate([arrivals.stream, standing.stream]),
        suspect_found=np.concatenate([arrivals.suspect_found, np.zeros(len(standing), np.bool_)]),
        diverted=arrivals.diverted,
        investigations=arrivals.investigations,
    )
