"""Stopping a pool of worker processes (sim.runner._stop_workers) must leave nothing for interpreter exit to wait
for. The hang seen in CI: a worker killed while it was sending a result left the executor's manager thread reading
the rest of that result forever, and the interpreter joined that thread at exit. Here a half-written result is put
into the pool's result pipe by hand, so the manager thread sits in exactly that read, deterministically."""

import multiprocessing
import os
import signal
import struct
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from sim import stopping
from sim.runner import _stop_workers, iter_results


def _square(x: int) -> int:
    return x * x


def _in_read(thread) -> bool:
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == "_recv_bytes":
            return True
        frame = frame.f_back
    return False


@pytest.mark.skipif(sys.platform == "win32", reason="pipes of a POSIX pool")
def test_stopping_workers_ends_a_manager_thread_stuck_in_a_half_read_result():
    pool = ProcessPoolExecutor(max_workers=2)
    assert list(pool.map(_square, [2, 3])) == [4, 9]  # workers and manager thread running
    manager = pool._executor_manager_thread
    writer = pool._result_queue._writer
    os.write(writer.fileno(), struct.pack("!i", 1_000) + b"x" * 10)  # a header for 1,000 bytes, then only 10
    deadline = time.time() + 10
    while not _in_read(manager) and time.time() < deadline:
        time.sleep(0.01)
    assert _in_read(manager), "the manager thread never started reading the half-written result"
    try:
        _stop_workers(pool)
        manager.join(10)
    finally:  # if the fix fails, free the thread anyway so that this test session can still exit
        writer.close()
    assert not manager.is_alive(), "the manager thread still waits for the rest of the result"


def _slow(x: int) -> int:
    time.sleep(0.2)
    return x


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_signal_whose_exception_was_lost_still_stops_the_run_at_the_next_replication(monkeypatch, jobs):
    """A stop signal's exception can be lost (raised inside a finalizer it is only printed); the handler's record
    of it (`sim.stopping.SIGNALLED`) stops the run at the next replication anyway, and stops the workers."""
    monkeypatch.setattr(stopping, "SIGNALLED", [])
    got = []
    with pytest.raises(KeyboardInterrupt):
        for res in iter_results(list(range(8)), jobs, fn=_slow):
            got.append(res)
            if res == 1:
                stopping.SIGNALLED.append(signal.SIGINT)  # what the handler records; its exception went nowhere
    assert got == [0, 1]
    deadline = time.time() + 10
    while multiprocessing.active_children() and time.time() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children(), "worker processes were left running"
    monkeypatch.setattr(stopping, "SIGNALLED", [signal.SIGTERM])
    with pytest.raises(SystemExit) as e:
        stopping.stop_if_signalled()
    assert e.value.code == 143
