"""The per-case table: one row per case with a suspect, in flat numpy columns.

Every case that enters the chain with a known suspect gets an integer id (its row) at intake, in order of
registration. The stages write timestamps into these columns as the case moves (`nan` = not reached); code columns
hold the integer codes of the enums in `sim.domain` (route, verdict, outcome, ...). Offences without a known suspect never become rows unless the police investigation finds a
suspect (selectiviteitskader; `suspect_found`): they are counted per day, region and stream in `diverted` (counted,
not lost).

Stages for backlogs (voorraden) are counted with `enter`/`leave`, which also log the change; the case's
`days_<stage>` columns are summed from that log, so the backlog per stage and the per-case times obey Little's law by
construction, and a test checks it.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator

import numpy as np

from .domain import Stage

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
    "t_custody_end",  # released from custody, or custody became the sentence (aansluitend); nan: never held
    "t_remand_start",  # bewaring ordered: from a police cell to a DJI remand place
    "t_called_up",  # zelfmelder: the call-up went out
    "t_sought",  # arrestant: sought by the police from
    "t_found",  # arrestant: found
    "t_detention_start",  # took a DJI place to serve the sentence or replacement detention
    "t_detention_end",  # left that DJI place (before t_exec_end when a taakstraf follows the custodial part)
    "t_probation_start",  # a suspended part or a conditional sepot: its probation period began
    "t_claim",  # a claim to execute the suspended part (vordering tenuitvoerlegging) was filed
    "t_claim_hearing",  # the claim was heard
    "t_claim_executed",  # a granted claim: the suspended part was served
)
# Times only reported, never compared with a legal window, are kept in float32 (about 20 seconds of precision over
# ten years): a long national run has millions of cases. Window starts and verdicts stay float64, so "within 3
# days" is decided exactly.
TIME_DTYPE = {
    name: np.float32
    for name in (
        "t_om_intake",
        "t_first_hearing",
        "t_final",
        "t_cjib",
        "t_exec_start",
        "t_exec_end",
        "t_end",
        "t_remand_start",
        "t_called_up",
        "t_sought",
        "t_found",
        "t_detention_start",
        "t_detention_end",
        "t_probation_start",
        "t_claim",
        "t_claim_hearing",
        "t_claim_executed",
    )
}
CODE_COLUMNS = {
    "region": np.int16,
    "stream": np.int16,
    "youth": np.bool_,
    "arrested": np.bool_,
    "channel": np.int8,  # Channel
    "route_initial": np.int8,  # Route: the OM decision
    "route": np.int8,  # the route the case was finally decided in (after fall-backs)
    "fell_back_from": np.int8,  # bits of `domain.fallback_bit`: the fast-track routes the case fell back out of
    "fallbacks": np.int8,
    "custody_release": np.bool_,  # arrested, but released before the ZSM decision
    "adjournments": np.int16,
    "returns": np.int16,  # returned by the OM to the police
    "delivery_returns": np.int16,
    "verzet": np.bool_,
    "appealed": np.bool_,
    "verdict": np.int8,  # the principal sanction; strafbeschikking and transactie sanctions are recorded here too
    "sanctions": np.int8,  # bits of `domain.sanction_bit`: every part of the sentence (the principal's included)
    "execution": np.int8,  # ExecutionKind
    "replacement_detention": np.bool_,
    "outcome": np.int8,  # Outcome
    "court_queue": np.int8,  # CourtQueue the verdict was given in (politierechter or meervoudige kamer, ...)
    "custody_step": np.int8,  # CustodyStep: the last step of the custody clock reached
    "remand_days": np.float32,  # days in custody before the sentence (deducted from it, art. 27 Sr)
    "pro_forma_hearings": np.int16,  # pro-forma hearings of a detained suspect (art. 66 Sv)
    "probation_days": np.float32,  # length of the probation period (suspended part, conditional sepot)
    "claim_granted": np.bool_,  # the claim to execute the suspended part was granted
    "suspect_found": np.bool_,  # an offence without a known suspect that got one by investigation (selectiviteitskader)
}


class CaseTable:
    """Flat columns for n cases, plus the live backlog counters per stage.

    Stage changes are appended to a compact log (case, stage, time) instead of being added up per case as they
    happen: three appends are cheaper than numpy element updates, and the days per stage per case are summed from
    the log once, vectorised, at the end (`columns`)."""

    # the columns (TIME_COLUMNS, then CODE_COLUMNS), declared for readers and type checkers; checked below
    t_offence: np.ndarray
    t_registration: np.ndarray
    t_om_intake: np.ndarray
    t_decision: np.ndarray
    t_window_start: np.ndarray
    t_first_hearing: np.ndarray
    t_verdict: np.ndarray
    t_final: np.ndarray
    t_cjib: np.ndarray
    t_exec_start: np.ndarray
    t_exec_end: np.ndarray
    t_end: np.ndarray
    t_custody_end: np.ndarray
    t_remand_start: np.ndarray
    t_called_up: np.ndarray
    t_sought: np.ndarray
    t_found: np.ndarray
    t_detention_start: np.ndarray
    t_detention_end: np.ndarray
    t_probation_start: np.ndarray
    t_claim: np.ndarray
    t_claim_hearing: np.ndarray
    t_claim_executed: np.ndarray
    region: np.ndarray
    stream: np.ndarray
    youth: np.ndarray
    arrested: np.ndarray
    channel: np.ndarray
    route_initial: np.ndarray
    route: np.ndarray
    fell_back_from: np.ndarray
    fallbacks: np.ndarray
    custody_release: np.ndarray
    adjournments: np.ndarray
    returns: np.ndarray
    delivery_returns: np.ndarray
    verzet: np.ndarray
    appealed: np.ndarray
    verdict: np.ndarray
    sanctions: np.ndarray
    execution: np.ndarray
    replacement_detention: np.ndarray
    outcome: np.ndarray
    court_queue: np.ndarray
    custody_step: np.ndarray
    remand_days: np.ndarray
    pro_forma_hearings: np.ndarray
    probation_days: np.ndarray
    claim_granted: np.ndarray
    suspect_found: np.ndarray

    def __init__(self, n: int):
        self.n = n
        for name in TIME_COLUMNS:
            setattr(self, name, np.full(n, np.nan, dtype=TIME_DTYPE.get(name, np.float64)))
        for name, dtype in CODE_COLUMNS.items():
            fill = (
                -1
                if np.issubdtype(dtype, np.signedinteger)
                and name in ("route_initial", "route", "verdict", "execution", "court_queue")
                else 0
            )
            setattr(self, name, np.full(n, fill, dtype=dtype))
        self._stage_of = [-1] * n  # small ints: one shared object each, 8 bytes a case
        self.in_stage = [0] * len(Stage)
        self._log_case = array("i")
        self._log_stage = array("b")
        self._log_time = array("f")  # float32: a stage's days per case to about 20 seconds
        self._end = math.nan
        # stage changes known ahead (`enter_at`): logged when the run reaches them (`settle`), counted in the
        # backlog from the daily count after them (`count_due`)
        self._ahead_case = array("i")
        self._ahead_stage = array("b")
        self._ahead_prev = array("b")
        self._ahead_time = array("d")
        self._ahead_at = array("q")  # the stage log's length when the change was worked out
        self._due: dict[int, list[int]] = {}  # day -> change per stage from that day's count on
        self._counted = -1  # the last day counted

    def enter(self, cid: int, stage: int, now: float) -> None:
        """Case `cid` moves into `stage` (a `Stage`) at `now`, leaving the stage it was in."""
        prev = self._stage_of[cid]
        if prev >= 0:
            self.in_stage[prev] -= 1
        self._stage_of[cid] = stage
        self.in_stage[stage] += 1
        self._log_case.append(cid)
        self._log_stage.append(stage)
        self._log_time.append(now)

    def leave(self, cid: int, now: float) -> None:
        """Case `cid` leaves the chain at `now` (no stage any more)."""
        prev = self._stage_of[cid]
        if prev >= 0:
            self.in_stage[prev] -= 1
            self._stage_of[cid] = -1
            self._log_case.append(cid)
            self._log_stage.append(-1)
            self._log_time.append(now)

    def enter_at(self, cid: int, stage: int, t: float) -> None:
        """Case `cid` moves into `stage` (-1: leaves the chain) at the later time `t`, with no event: for steps that
        are pure delays, nothing in them depending on other cases (a file on its way to the OM, a fine being paid).
        The case must not change stage meanwhile (its next step is at `t` or later). The change counts in the daily
        backlog from the first count after `t` (`count_due`, as a change at `t` would have) and goes into the stage
        log, in its place among the case's changes, when the run is settled, if the run reached `t` (`settle`).
        Successive calls for a case are in time order."""
        prev = self._stage_of[cid]
        self._stage_of[cid] = stage
        self._ahead_case.append(cid)
        self._ahead_stage.append(stage)
        self._ahead_prev.append(prev)
        self._ahead_time.append(t)
        self._ahead_at.append(len(self._log_case))  # after the case's changes so far, before any still to come
        # counted from the first daily count after `t`; a change due now after today's count, from tomorrow's
        day = max(math.ceil(t), self._counted + 1)
        due = self._due.get(day)
        if due is None:
            due = self._due[day] = [0] * (len(Stage) + 1)  # the last slot takes -1 (no stage)
        due[prev] -= 1
        due[stage] += 1

    def count_due(self, day: int) -> None:
        """Apply to the backlog counters the changes known ahead that fall in the day before the count at `day`."""
        self._counted = day
        due = self._due.pop(day, None)
        if due is not None:
            counts = self.in_stage
            for stage in range(len(counts)):
                counts[stage] += due[stage]

    def settle(self, until: float) -> None:
        """At the end of a run that stopped before `until`: the changes known ahead that fall before `until` go into
        the stage log where they belong among the case's own changes (after those logged before they were known:
        the case changed stage no more until then); a case whose later changes the run did not reach is left in
        the stage it was in."""
        t = np.array(self._ahead_time, dtype=np.float64)
        case = np.array(self._ahead_case, dtype=np.int32)
        stage = np.array(self._ahead_stage, dtype=np.int8)
        prev = np.array(self._ahead_prev, dtype=np.int8)
        at = np.array(self._ahead_at, dtype=np.int64)
        for log in (self._ahead_time, self._ahead_case, self._ahead_stage, self._ahead_prev, self._ahead_at):
            del log[:]
        self._due.clear()
        if case.size == 0:
            return
        reached = t < until
        # np.insert puts values given for the same place in the order given: a case's successive changes
        for name, values, code in (
            ("_log_case", case, "i"),
            ("_log_stage", stage, "b"),
            ("_log_time", t.astype(np.float32), "f"),
        ):
            merged = np.insert(np.frombuffer(getattr(self, name), dtype=values.dtype), at[reached], values[reached])
            log = array(code)
            log.frombytes(memoryview(merged.data).cast("B"))  # one copy, no bytes object in between
            setattr(self, name, log)
            del merged
        stage_of = self._stage_of
        for i in np.nonzero(~reached)[0][::-1].tolist():  # latest first: each case ends in its first change's prev
            stage_of[case.item(i)] = prev.item(i)

    def close_open_stages(self, now: float) -> None:
        """At the end of a run: time in a stage is counted up to `now` for cases still in one."""
        self._end = now

    def stage_of(self) -> np.ndarray:
        return np.asarray(self._stage_of, dtype=np.int8)

    def _stays(self, chunk: int = 200_000) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Every stay of a case in a stage, from the stage log, as arrays (case, stage, entered, left): a stay still
        open at the end of the run is left at its end. Worked out for a block of cases at a time, so a long run
        needs no full-size sorted copy of the log."""
        case_all = np.frombuffer(self._log_case, dtype=np.int32)
        stage_all = np.frombuffer(self._log_stage, dtype=np.int8)
        t_all = np.frombuffer(self._log_time, dtype=np.float32)
        end = self._end if not math.isnan(self._end) else (float(t_all.max()) if t_all.size else 0.0)
        for lo in range(0, self.n, chunk):
            sel = (case_all >= lo) & (case_all < lo + chunk)
            case, stage, t = case_all[sel], stage_all[sel], t_all[sel].astype(np.float64)
            if case.size == 0:
                continue
            order = np.argsort(case, kind="stable")  # per case, in the order things happened
            case, stage, t = case[order], stage[order], t[order]
            nxt = np.empty_like(t)
            nxt[:-1] = t[1:]
            last = np.ones(case.size, bool)
            last[:-1] = case[1:] != case[:-1]
            nxt[last] = end
            keep = stage >= 0
            yield case[keep], stage[keep].astype(np.intp), t[keep], nxt[keep]

    def stage_days(self, chunk: int = 200_000) -> np.ndarray:
        """Days each case spent in each stage, [stage, case] (float32)."""
        out = np.zeros((len(Stage), self.n), dtype=np.float32)
        for case, stage, t, nxt in self._stays(chunk):
            np.add.at(out, (stage, case), (nxt - t).astype(np.float32))
        return out

    def stage_counts(self, group: np.ndarray, n_groups: int, n_days: int) -> np.ndarray:
        """Cases in each stage at the start of each day, per group of cases (`group`: each case's code, e.g. its
        region), [day, group, stage] (int32), from the stage log: a stay [entered, left) counts on the days d with
        entered <= d < left. Summed over the groups this is the backlog the run samples each day, but for cases that
        move at the very instant of a count (the sample and the move share a time; the log holds times to about 20
        seconds), which may be counted on either side."""
        diff = np.zeros((n_days + 1, n_groups, len(Stage)), dtype=np.int32)
        for case, stage, t, nxt in self._stays():
            first = np.minimum(np.ceil(t), n_days).astype(np.intp)
            after = np.minimum(np.ceil(nxt), n_days).astype(np.intp)
            g = group[case]
            np.add.at(diff, (first, g, stage), 1)
            np.add.at(diff, (after, g, stage), -1)
        return np.cumsum(diff[:n_days], axis=0, dtype=np.int32)

    def columns(self) -> dict[str, np.ndarray]:
        out = {name: getattr(self, name) for name in TIME_COLUMNS}
        out.update({name: getattr(self, name) for name in CODE_COLUMNS})
        days = self.stage_days()
        for stage in Stage:
            out[f"days_{stage.key}"] = days[stage]
        out["stage_at_end"] = self.stage_of()
        return out


# the declared columns are exactly the defined ones: a column added to one list and not the other fails at import
assert [k for k in CaseTable.__annotations__ if k in TIME_COLUMNS or k in CODE_COLUMNS] == [
    *TIME_COLUMNS,
    *CODE_COLUMNS,
]
assert len([k for k in CaseTable.__annotations__]) == len(TIME_COLUMNS) + len(CODE_COLUMNS)
