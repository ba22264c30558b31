"""The per-case table: one row per case with a suspect, in flat numpy columns.

Every case that enters the chain with a known suspect gets an integer id (its row) at intake, in order of
registration. The stages write timestamps into these columns as the case moves (`nan` = not reached); codes index the
tuples below. Offences without a suspect, or screened out by the selectiviteitskader, never become rows: they are
counted per day, region and stream in `diverted` (counted, not lost).

Stages for backlogs (voorraden) are counted with `enter`/`leave`, which also add the time spent to the case's
`days_<stage>` column, so the backlog per stage and the per-case times obey Little's law by construction and a test
checks it.
"""

from __future__ import annotations

import numpy as np

from .scenario import ROUTES, VERDICTS

STAGES = (
    "police",  # investigation queue, investigation, file completion, rework of returned cases
    "om_zsm",  # at the ZSM desk (waiting, information, handling)
    "om_regular",  # regular OM handling
    "court",  # summoned or in verzet, waiting for a verdict (planning, adjournments, advice reports)
    "appeal",  # at the gerechtshof
    "cjib_delivery",  # final decision not yet delivered to CJIB
    "fine",  # fine being paid
    "taakstraf",  # community service: intake, waiting for reclassering, work
    "zelfmelder_wait",  # custodial: self-reporter waiting for a cell and the call-up
    "arrestant_wait",  # custodial: convict to be arrested, not yet found
    "detention",  # serving a custodial sentence or replacement detention
)
STAGE = {name: i for i, name in enumerate(STAGES)}

EXECUTION_KINDS = ("fine", "taakstraf", "aansluitend", "zelfmelder", "arrestant")
OUTCOMES = (
    "open",  # still in the chain when the run ended
    "sepot",
    "acquittal",
    "suspended",
    "executed",  # sentence served, paid or completed
)
CHANNELS = ("none", "zsm", "regular")
ROUTE = {name: i for i, name in enumerate(ROUTES)}
VERDICT = {name: i for i, name in enumerate(VERDICTS)}
EXEC = {name: i for i, name in enumerate(EXECUTION_KINDS)}
OUTCOME = {name: i for i, name in enumerate(OUTCOMES)}

TIME_COLUMNS = (
    "t_offence",
    "t_registration",
    "t_om_intake",
    "t_decision",  # OM decision (the summons for court routes)
    "t_window_start",  # start of the fast-track window the case was heard in (arrest, or the summons)
    "t_first_hearing",
    "t_verdict",
    "t_final",  # decision final (after appeal, if any)
    "t_cjib",  # delivered to CJIB
    "t_exec_start",
    "t_exec_end",
    "t_end",  # left the chain (sepot, acquittal, suspended, executed)
)
CODE_COLUMNS = {
    "region": np.int16,
    "stream": np.int16,
    "youth": np.bool_,
    "arrested": np.bool_,
    "channel": np.int8,
    "route_initial": np.int8,  # the OM decision
    "route": np.int8,  # the route the case was finally decided in (after fall-backs)
    "fell_back_from": np.int8,  # bit i set: fell back out of FAST_TRACK[i]
    "fallbacks": np.int8,
    "custody_release": np.bool_,  # arrested, but released before the ZSM decision
    "adjournments": np.int16,
    "returns": np.int16,  # returned by the OM to the police
    "delivery_returns": np.int16,
    "verzet": np.bool_,
    "appealed": np.bool_,
    "verdict": np.int8,  # strafbeschikking sanctions are recorded here too (fine or taakstraf)
    "execution": np.int8,
    "replacement_detention": np.bool_,
    "outcome": np.int8,
}


class CaseTable:
    """Flat columns for n cases, plus the live backlog counters per stage."""

    def __init__(self, n: int):
        self.n = n
        for name in TIME_COLUMNS:
            setattr(self, name, np.full(n, np.nan))
        for name, dtype in CODE_COLUMNS.items():
            fill = -1 if np.issubdtype(dtype, np.signedinteger) and name in (
                "route_initial", "route", "verdict", "execution") else 0
            setattr(self, name, np.full(n, fill, dtype=dtype))
        self.stage_days = np.zeros((len(STAGES), n), dtype=np.float64)
        self._entered = np.full(n, np.nan)  # when the case entered its current stage
        self._stage_of = np.full(n, -1, dtype=np.int8)
        self.in_stage = [0] * len(STAGES)

    def enter(self, cid: int, stage: int, now: float) -> None:
        prev = self._stage_of[cid]
        if prev >= 0:
            self.in_stage[prev] -= 1
            self.stage_days[prev, cid] += now - self._entered[cid]
        self._stage_of[cid] = stage
        self._entered[cid] = now
        self.in_stage[stage] += 1

    def leave(self, cid: int, now: float) -> None:
        prev = self._stage_of[cid]
        if prev >= 0:
            self.in_stage[prev] -= 1
            self.stage_days[prev, cid] += now - self._entered[cid]
            self._stage_of[cid] = -1

    def close_open_stages(self, now: float) -> None:
        """At the end of a run, count time up to `now` for cases still in a stage (they stay counted there)."""
        open_ = self._stage_of >= 0
        idx = np.nonzero(open_)[0]
        self.stage_days[self._stage_of[idx], idx] += now - self._entered[idx]

    def stage_of(self) -> np.ndarray:
        return self._stage_of.copy()

    def columns(self) -> dict[str, np.ndarray]:
        out = {name: getattr(self, name) for name in TIME_COLUMNS}
        out.update({name: getattr(self, name) for name in CODE_COLUMNS})
        for i, s in enumerate(STAGES):
            out[f"days_{s}"] = self.stage_days[i]
        out["stage_at_end"] = self._stage_of.copy()
        return out
