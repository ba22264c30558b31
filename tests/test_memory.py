"""Memory over replications: a finished replication leaves nothing behind for the cyclic collector (issue 11: memory
crept by about 4 MB per replication of a small scenario because each finished model lingered as uncollected reference
cycles while the collector was paused). The peak-memory ratio of 20 to 2 national replications is measured by
`python -m benchmarks --parts 6`, not here."""

import gc

import numpy as np
from conftest import small_scenario

from sim.model import Model, run_replication


def _garbage_after(run) -> int:
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        run()
        return gc.collect()  # unreachable objects found: what reference counting could not free
    finally:
        if was:
            gc.enable()


def test_a_finished_replication_leaves_no_reference_cycles():
    sc = small_scenario(0.02)
    left = _garbage_after(lambda: run_replication(sc, 0, 1))
    # what a model without `release` leaves: thousands of objects (checked so the test can fail)
    kept = _garbage_after(lambda: Model(sc, 0, 1).run())
    assert kept > 2_000  # (4,600 from the empty small chain)
    assert left < 500, f"{left} objects left in reference cycles after a replication"


def test_release_keeps_the_result():
    sc = small_scenario(0.02)
    a = run_replication(sc, 0, 1)
    b = Model(sc, 0, 1).run()
    assert a.columns.keys() == b.columns.keys()
    for k in a.columns:
        np.testing.assert_array_equal(a.columns[k], b.columns[k], err_msg=k)  # NaN equals NaN here
