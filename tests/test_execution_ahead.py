"""The last steps of a case worked out ahead, with no event (sim/execution.py `WORK_OUT_TAILS`, issue 16): a fine
that will be paid and community service that will be completed. Every result must equal the run in which each of
those steps is an event, for a fixed seed, also when shares and durations change over time and when the run ends
before the steps it worked out."""

import collections

import numpy as np
import pytest
from conftest import small_scenario

from sim import events, execution
from sim.model import Model

# shares and a payment time that change during the run (so a step worked out ahead must use the values in force
# at its own day, not at the day it is worked out), and standing fines and orders on the start date
CHANGING = {
    "execution": {
        "fines": {
            "paid_share": [["2019-01-01", 0.75], ["2019-07-01", 0.55]],
            "plan_share": [["2019-01-01", 0.15], ["2019-09-01", 0.30]],
            "pay_time": {"scale": [["2019-01-01", 1.0], ["2019-08-01", 2.5]]},
        },
        "taakstraf": {"failure_share": [["2019-01-01", 0.125], ["2019-06-01", 0.4]]},
    },
}


def _run(tails: bool, **top) -> tuple[dict, collections.Counter]:
    """One replication with or without the worked-out tails: its results, and the light events it ran, by step."""
    sc = small_scenario(0.05, extra=CHANGING, stocks=True, **top)
    ran: collections.Counter = collections.Counter()
    original = events.Call.__init__

    def counting(self, fn, cid):
        ran[getattr(fn, "__name__", "")] += 1
        original(self, fn, cid)

    execution.WORK_OUT_TAILS = tails
    events.Call.__init__ = counting
    try:
        result = Model(sc, 0, 7).run()
    finally:
        events.Call.__init__ = original
        execution.WORK_OUT_TAILS = True
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
    # the same results from fewer events: fines paid and orders completed ran no event for their last steps
    assert ran_ahead["_ended"] == 0 < ran_stepwise["_ended"]
    assert ran_ahead["_delivered"] < ran_stepwise["_delivered"]
    assert 0 < ran_ahead["_taak_done"] < ran_stepwise["_taak_done"]  # only the failing orders
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


def test_a_stage_change_after_one_worked_out_ahead_is_refused():
    """`enter_at` is for a case's last steps: a change logged as it happens after one worked out ahead would be
    out of order in the stage log, so settling the run says which case broke the rule."""
    from sim.records import CaseTable

    cases = CaseTable(3)
    cases.enter(0, 1, 0.0)
    cases.enter(1, 1, 0.0)
    cases.enter_at(0, 2, 5.0)
    cases.enter_at(0, -1, 9.0)
    cases.enter(1, 2, 7.0)  # another case: no matter
    cases.enter(0, 3, 6.0)  # case 0 after its change worked out for day 5
    with pytest.raises(RuntimeError, match="case 0 changed stage at day 6.000"):
        cases.settle(100.0)


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
