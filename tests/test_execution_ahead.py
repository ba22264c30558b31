"""Steps that are pure delays worked out ahead, with no event (sim/events.py `WORK_OUT_AHEAD`, issue 16): a file on
its way to the ZSM desk through the information wait (sim/prosecution.py `receive_after`), the delivery to CJIB
and what follows it up to the step where a case meets others (the reclassering's intake, the call-up queue, the
search), and the end of a fine that will be paid and of community service that will be completed
(sim/execution.py). Every result must equal the run in which each of those steps is an event, for a fixed seed,
also when shares and durations change over time and when the run ends before the steps it worked out."""

import collections

import numpy as np
import pytest
from conftest import small_scenario

from sim import events
from sim.model import Model

# shares and durations that change during the run (so a step worked out ahead must use the values in force at its
# own day, not at the day it is worked out), and standing fines and orders on the start date
CHANGING = {
    "om": {
        "zsm_share_not_arrested": {"vvc": [["2019-01-01", 0.55], ["2019-05-01", 0.2]]},
        "info_wait": {"scale": [["2019-01-01", 1.0], ["2019-04-01", 3.0]]},
    },
    "execution": {
        "fines": {
            "paid_share": [["2019-01-01", 0.75], ["2019-07-01", 0.55]],
            "plan_share": [["2019-01-01", 0.15], ["2019-09-01", 0.30]],
            "pay_time": {"scale": [["2019-01-01", 1.0], ["2019-08-01", 2.5]]},
        },
        "taakstraf": {
            "failure_share": [["2019-01-01", 0.125], ["2019-06-01", 0.4]],
            "intake": {"scale": [["2019-01-01", 1.0], ["2019-06-15", 0.3]]},
        },
        "custodial": {
            "zelfmelder_share": [["2019-01-01", 0.6], ["2019-07-01", 0.2]],
            "callup_preparation": {"scale": [["2019-01-01", 1.0], ["2019-07-15", 2.0]]},
            "find_time": {"scale": [["2019-01-01", 1.0], ["2019-08-15", 0.5]]},
        },
    },
}


def _run(ahead: bool, **top) -> tuple[dict, collections.Counter]:
    """One replication with or without the steps worked out ahead: its results, and the light events it ran, by
    step."""
    sc = small_scenario(0.05, extra=CHANGING, stocks=True, **top)
    ran: collections.Counter = collections.Counter()
    original = events._run

    def counting(event):
        ran[getattr(event._value[0], "__name__", "")] += 1
        original(event)

    events.WORK_OUT_AHEAD = ahead
    events._run = counting  # what every light event calls when it runs
    try:
        result = Model(sc, 0, 7).run()
    finally:
        events._run = original
        events.WORK_OUT_AHEAD = True
    out = {f"col:{k}": v for k, v in result.columns.items()}
    out["backlog"] = result.backlog
    out["backlog_by_region"] = result.backlog_by_region
    return out, ran


@pytest.mark.parametrize(
    "top",
    [
        {},  # with a run-out: most tails end within the run
        {"runout_days": 0.0, "horizon_days": 300.0},  # the run stops with many tails still ahead of it
    ],
    ids=["run-out", "cut-short"],
)
def test_worked_out_tails_give_the_same_results_as_events(top):
    ahead, ran_ahead = _run(True, **top)
    stepwise, ran_stepwise = _run(False, **top)
    assert ahead.keys() == stepwise.keys()
    for key in stepwise:
        np.testing.assert_array_equal(ahead[key], stepwise[key], err_msg=key)
    # the same results from fewer events: fines paid and orders completed ran no event for their last steps, files
    # through the information wait none for the OM's intake, deliveries none but for fines not paid
    assert ran_ahead["_ended"] == 0 < ran_stepwise["_ended"]
    assert 0 < ran_ahead["_delivered"] < ran_stepwise["_delivered"] / 4
    assert 0 < ran_ahead["_taak_done"] < ran_stepwise["_taak_done"]  # only the failing orders
    assert 0 < ran_ahead["receive"] < ran_stepwise["receive"]  # the arrested and the regular ones
    for step in ("_to_zsm_desk", "_taak_intake_done", "_ready_for_callup", "_found"):  # where cases meet others
        assert ran_ahead[step] == ran_stepwise[step] > 0, step
    assert sum(ran_ahead.values()) < sum(ran_stepwise.values())


def test_a_cut_short_run_leaves_the_tails_it_did_not_reach_open():
    """Cases whose worked-out end lies after the run's end are still in execution at the end, as with events."""
    ahead, _ = _run(True, runout_days=0.0, horizon_days=300.0)
    end = 300.0
    in_fine = ahead["col:stage_at_end"] >= 0
    assert in_fine.any()
    assert np.all(np.isnan(ahead["col:t_end"][in_fine]))
    t_end = ahead["col:t_end"]
    assert np.nanmax(t_end) <= end + 1e-3


def test_changes_worked_out_ahead_go_into_the_stage_log_among_the_cases_own():
    """A change worked out ahead belongs after the case's changes logged before it was known and before those
    logged after (the case changed stage no more until then), whatever other cases logged meanwhile."""
    from sim.records import CaseTable

    cases = CaseTable(2)
    cases.enter(0, 1, 0.0)
    cases.enter(1, 1, 0.0)
    cases.enter_at(0, 2, 5.0)  # case 0 reaches stage 2 at day 5, worked out at day 0
    cases.enter(1, 3, 1.0)
    cases.enter(0, 4, 8.0)  # case 0 goes on step by step from day 5
    cases.leave(0, 9.0)
    cases.settle(100.0)
    cases.close_open_stages(10.0)
    days = cases.stage_days()
    assert days[1].tolist() == pytest.approx([5.0, 1.0])
    assert days[2].tolist() == pytest.approx([3.0, 0.0])
    assert days[4].tolist() == pytest.approx([1.0, 0.0])
    assert days[3].tolist() == pytest.approx([0.0, 9.0])
    assert cases.stage_of().tolist() == [-1, 3]


def test_changes_worked_out_ahead_count_from_the_first_daily_count_after_them():
    from sim.records import CaseTable

    cases = CaseTable(2)
    cases.enter(0, 1, 0.0)
    cases.enter(1, 1, 0.0)
    cases.enter_at(0, 2, 2.5)
    cases.enter_at(0, -1, 4.0)
    seen = []
    for day in range(7):
        cases.count_due(day)
        seen.append(cases.in_stage[1:3])
    assert seen == [[2, 0], [2, 0], [2, 0], [1, 1], [1, 0], [1, 0], [1, 0]]
    cases.settle(3.0)  # the run stopped at day 3: case 0 is in stage 2, its leaving never happened
    assert cases.stage_of().tolist() == [2, 1]
    cases.close_open_stages(3.0)
    days = cases.stage_days()
    assert days[1].tolist() == pytest.approx([2.5, 3.0])
    assert days[2].tolist() == pytest.approx([0.5, 0.0])
