"""`sim.records.CaseTable`: the live backlog counters (`enter`/`leave`), the stage log, and the days per stage per
case summed from it (`stage_days`), in blocks of cases (`chunk`) that must not change the result."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim.domain import Stage
from sim.records import CODE_COLUMNS, TIME_COLUMNS, CaseTable

P, ZSM, OMR, COURT, DET = Stage.POLICE, Stage.OM_ZSM, Stage.OM_REGULAR, Stage.COURT, Stage.DETENTION


def counts(c: CaseTable) -> dict[Stage, int]:
    return {Stage(s): n for s, n in enumerate(c.in_stage) if n}


def test_enter_and_leave_keep_the_counts_per_stage():
    c = CaseTable(4)
    c.enter(0, P, 0.0)
    c.enter(1, P, 1.0)
    c.enter(2, ZSM, 1.0)
    assert counts(c) == {P: 2, ZSM: 1}
    c.enter(0, ZSM, 2.0)  # moving on leaves the stage it was in
    assert counts(c) == {P: 1, ZSM: 2}
    c.enter(0, ZSM, 2.5)  # entering the stage it is in changes no count
    assert counts(c) == {P: 1, ZSM: 2}
    c.leave(2, 3.0)
    assert counts(c) == {P: 1, ZSM: 1}
    c.leave(2, 4.0)  # a case that left already: nothing happens (a second decrement would make ZSM 0)
    c.leave(3, 4.0)  # never entered: nothing happens either
    assert counts(c) == {P: 1, ZSM: 1}
    assert c.stage_of().tolist() == [ZSM, P, -1, -1]
    assert len(c._log_case) == 6  # leaving twice, or without a stage, logs nothing


def test_stage_days_equal_a_hand_computation():
    c = CaseTable(5)
    # case 0: police 0-2.5, ZSM 2.5-4, court 4-10, then gone
    c.enter(0, P, 0.0)
    c.enter(0, ZSM, 2.5)
    c.enter(0, COURT, 4.0)
    c.leave(0, 10.0)
    # case 1: police from 1, still there at the end (20)
    c.enter(1, P, 1.0)
    # case 2: never in a stage
    # case 3: police 3-5, out of the chain 5-7 (not counted), court 7-8.25, police again 8.25-9 (added up)
    c.enter(3, P, 3.0)
    c.leave(3, 5.0)
    c.enter(3, COURT, 7.0)
    c.enter(3, P, 8.25)
    c.leave(3, 9.0)
    # case 4: regular OM 0.5-12, entered twice in a row (the stint is not broken), then detention to the end
    c.enter(4, OMR, 0.5)
    c.enter(4, OMR, 6.0)
    c.enter(4, DET, 12.0)
    c.close_open_stages(20.0)
    days = c.stage_days()
    assert days.dtype == np.float32 and days.shape == (len(Stage), 5)
    expected = np.zeros((len(Stage), 5))
    expected[P, 0], expected[ZSM, 0], expected[COURT, 0] = 2.5, 1.5, 6.0
    expected[P, 1] = 19.0
    expected[P, 3], expected[COURT, 3] = 2.0 + 0.75, 1.25
    expected[OMR, 4], expected[DET, 4] = 11.5, 8.0
    np.testing.assert_array_equal(days, expected.astype(np.float32))  # all exact in float32


def test_without_close_open_stages_open_time_counts_to_the_last_logged_event():
    c = CaseTable(2)
    c.enter(0, P, 0.0)
    c.enter(1, P, 2.0)
    c.enter(1, COURT, 7.0)
    days = c.stage_days()
    assert days[P, 0] == 7.0 and days[P, 1] == 5.0 and days[COURT, 1] == 0.0


def test_close_open_stages_counts_open_time_to_the_end():
    c = CaseTable(3)
    c.enter(0, P, 0.0)
    c.enter(1, COURT, 3.0)
    c.enter(2, ZSM, 1.0)
    c.leave(2, 2.0)  # closed: not extended to the end
    c.close_open_stages(50.0)
    days = c.stage_days()
    assert days[P, 0] == 50.0 and days[COURT, 1] == 47.0 and days[ZSM, 2] == 1.0
    assert days.sum() == 50.0 + 47.0 + 1.0


def test_an_empty_table_and_an_empty_log():
    assert CaseTable(0).stage_days().shape == (len(Stage), 0)
    days = CaseTable(3).stage_days()
    assert days.shape == (len(Stage), 3) and not days.any()


def test_columns_have_one_days_column_per_stage():
    c = CaseTable(2)
    c.enter(0, P, 0.0)
    c.enter(0, Stage.FINE, 4.0)
    c.enter(1, Stage.APPEAL, 1.0)
    c.close_open_stages(10.0)
    cols = c.columns()
    day_cols = [k for k in cols if k.startswith("days_")]
    assert day_cols == [f"days_{s.key}" for s in Stage]  # one each, in Stage order
    days = c.stage_days()
    for s in Stage:
        np.testing.assert_array_equal(cols[f"days_{s.key}"], days[s])
    assert cols["days_police"].tolist() == [4.0, 0.0] and cols["days_fine"].tolist() == [6.0, 0.0]
    assert cols["days_appeal"].tolist() == [0.0, 9.0]
    assert cols["stage_at_end"].tolist() == [Stage.FINE, Stage.APPEAL]
    assert set(TIME_COLUMNS) | set(CODE_COLUMNS) <= set(cols)


# ------------------------------------------------------------------------------------------ random stage logs


def _random_log(n: int, seed: int):
    """Random stage histories for `n` cases, in one global time order (as a run logs them): each case starts at a
    random time and makes 0-7 moves, each into a random stage or out of the chain, some after no time at all.
    About one case in five never enters, so some blocks of cases have no log at all."""
    rng = np.random.default_rng(seed)
    events = []  # (time, case, seq, stage or -1)
    for cid in range(n):
        if rng.random() < 0.2:
            continue
        t = float(rng.uniform(0, 100))
        for seq in range(int(rng.integers(1, 8))):
            stage = -1 if (seq and rng.random() < 0.2) else int(rng.integers(0, len(Stage)))
            events.append((t, cid, seq, stage))
            t += 0.0 if rng.random() < 0.1 else float(rng.exponential(5.0))
    events.sort()
    return events


def _replay(n: int, events, end: float | None):
    """The events into a CaseTable, with the integral of each `in_stage` counter over time alongside, up to `end`
    or, without one, up to the last event that was logged (a leave of a case in no stage logs nothing)."""
    c = CaseTable(n)
    area = np.zeros(len(Stage))
    last = last_logged = 0.0
    for t, cid, _seq, stage in events:
        t32 = float(np.float32(t))  # the log keeps float32 times
        area += np.asarray(c.in_stage) * (t32 - last)
        last = t32
        if stage >= 0 or c._stage_of[cid] >= 0:
            last_logged = t32
        if stage >= 0:
            c.enter(cid, stage, t)
        else:
            c.leave(cid, t)
        assert min(c.in_stage) >= 0
    # nothing is in a stage after the last logged event unless it is the end: its counters are then unchanged
    stop = end if end is not None else last_logged
    area += np.asarray(c.in_stage) * (stop - last)
    if end is not None:
        c.close_open_stages(end)
    return c, area, stop


def _reference_days(n: int, events, end: float) -> np.ndarray:
    """Days per stage per case, walked case by case in float64 (on the float32 times the log keeps)."""
    out = np.zeros((len(Stage), n))
    current: dict[int, tuple[int, float]] = {}
    for t, cid, _seq, stage in events:
        t32 = float(np.float32(t))
        if cid in current:
            s, since = current.pop(cid)
            out[s, cid] += t32 - since
        if stage >= 0:
            current[cid] = (stage, t32)
    for cid, (s, since) in current.items():
        out[s, cid] += end - since
    return out


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 400), seed=st.integers(0, 2**32 - 1), chunk=st.integers(1, 50), closed=st.booleans())
@example(n=35, seed=1, chunk=1, closed=False)  # ends with a leave that logs nothing: the end is the last logged
def test_stage_days_do_not_depend_on_the_chunk_size(n, seed, chunk, closed):
    """Blocks of 3 cases (or any other size) give exactly what one block gives: a case's log entries must all land
    in its own block, and each block must use the same end time (a block that took its own last event as the end
    would give open stages less time)."""
    events = _random_log(n, seed)
    end = 150.0 if closed else None
    c, area, t_end = _replay(n, events, end)
    whole = c.stage_days(chunk=n + 1)
    np.testing.assert_array_equal(c.stage_days(chunk=3), whole)
    np.testing.assert_array_equal(c.stage_days(chunk=chunk), whole)
    np.testing.assert_array_equal(c.stage_days(), whole)  # the default block (200,000) is one block here
    # and what one block gives is right: case by case, and in total the time-integral of the live counters
    # (Little's law by construction); float32 sums of a few stints of up to ~150 days: 1e-4 is ~10 ulp
    np.testing.assert_allclose(whole, _reference_days(n, events, t_end), rtol=0, atol=1e-4)
    np.testing.assert_allclose(whole.sum(axis=1, dtype=np.float64), area, rtol=1e-6, atol=1e-3)
    # the live counters agree with where each case is
    at_end = c.stage_of()
    assert c.in_stage == [int(np.sum(at_end == s)) for s in range(len(Stage))]


def test_a_chunk_boundary_inside_a_run_of_one_case_is_impossible():
    """Deterministic companion of the property: case 2's entries come before and after case 3's in the log, and
    blocks of 3 split the table between cases 2 and 3; both layouts must agree."""
    c = CaseTable(6)
    c.enter(2, P, 0.0)
    c.enter(3, P, 1.0)
    c.enter(2, COURT, 2.0)
    c.enter(3, COURT, 4.0)
    c.enter(5, DET, 4.5)
    c.leave(2, 8.0)
    c.close_open_stages(10.0)
    for chunk in (1, 2, 3, 4, 6, 100):
        days = c.stage_days(chunk=chunk)
        assert (days[P, 2], days[COURT, 2], days[P, 3], days[COURT, 3], days[DET, 5]) == (2.0, 6.0, 3.0, 6.0, 5.5)
        assert days.sum() == pytest.approx(2.0 + 6.0 + 3.0 + 6.0 + 5.5)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 40), seed=st.integers(0, 10_000), groups=st.integers(1, 4))
def test_stage_counts_per_group_add_up_to_the_live_counters_sampled_each_day(n, seed, groups):
    """`stage_counts` rebuilds from the log what a daily sample of the live counters shows (a run's backlog), split
    by a group code per case (its region): summed over the groups it equals the sample on every day, and each group
    holds only its own cases. The random times are not whole days, so no move shares an instant with a sample."""
    events = [e for e in _random_log(n, seed) if e[0] != int(e[0])]
    days = 110
    c = CaseTable(n)
    sampled = np.zeros((days, len(Stage)), dtype=np.int64)
    per_group = np.zeros((days, groups, len(Stage)), dtype=np.int64)
    group = np.random.default_rng(seed).integers(0, groups, max(n, 1))[:n]
    i = 0
    for d in range(days):
        while i < len(events) and np.float32(events[i][0]) < d:
            t, cid, _seq, stage = events[i]
            c.enter(cid, stage, t) if stage >= 0 else c.leave(cid, t)
            i += 1
        sampled[d] = c.in_stage
        for cid, s in enumerate(c._stage_of):
            if s >= 0:
                per_group[d, group[cid], s] += 1
    for t, cid, _seq, stage in events[i:]:
        c.enter(cid, stage, t) if stage >= 0 else c.leave(cid, t)
    c.close_open_stages(200.0)
    counts = c.stage_counts(group, groups, days)
    assert counts.shape == (days, groups, len(Stage))
    np.testing.assert_array_equal(counts, per_group)
    np.testing.assert_array_equal(counts.sum(axis=1), sampled)


def test_stage_counts_by_hand():
    c = CaseTable(3)
    c.enter(0, P, 0.5)  # police on days 1, 2; court on days 3..4; gone from day 5
    c.enter(0, COURT, 2.25)
    c.leave(0, 4.75)
    c.enter(1, P, 2.0)  # a move on a whole day counts from that day
    c.close_open_stages(10.0)
    counts = c.stage_counts(np.array([0, 1, 1]), 2, 6)
    assert counts[:, 0, P].tolist() == [0, 1, 1, 0, 0, 0]
    assert counts[:, 0, COURT].tolist() == [0, 0, 0, 1, 1, 0]
    assert counts[:, 1, P].tolist() == [0, 0, 1, 1, 1, 1]
    assert counts.sum() == 2 + 2 + 4
