"""Stop signals: SIGINT (Ctrl-C) and SIGTERM (``kill``, a job scheduler) stop a command as exceptions, so output
being written is removed (`sim.outputs.staged_folder`) and worker processes are stopped (`sim.runner.iter_results`),
SIGTERM with exit code 143 (128 + 15) instead of a silent death that leaves both behind.

An exception raised by a signal handler is lost if it lands in code that cannot pass it on (a finalizer run by the
garbage collector: the interpreter only prints "Exception ignored"), and the run would go on. So the handlers also
record the signal in `SIGNALLED`, and `stop_if_signalled`, called between replications, raises it again.
"""

from __future__ import annotations

import signal
import threading

SIGNALLED: list[int] = []


def stop_if_signalled() -> None:
    """Raise what the first recorded stop signal means (KeyboardInterrupt for SIGINT, SystemExit(128 + n) for
    another), if one was received."""
    if SIGNALLED:
        signum = SIGNALLED[0]
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)


def _terminate(signum, frame):
    SIGNALLED.append(signum)
    raise SystemExit(128 + signum)


def _interrupt(signum, frame):
    SIGNALLED.append(signum)
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Install the handlers (in the main thread only: elsewhere Python allows none). Ctrl-C keeps being ignored
    where it was meant to be (a worker process, `nohup`)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, _terminate)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
