"""Where replications run: this process, local worker processes, or a Dask distributed cluster.

An executor here is anything with ``map(fn, tasks)`` that yields the results **in task order**; the runner writes
each result as it comes and drops it. Replications draw only from their own named random streams, so the results
are identical whichever executor runs them (a test checks it for a local Dask cluster).

Dask (`dask.distributed`) is for users who outgrow one machine: ``--executor dask`` starts a local cluster, and
``--executor dask --scheduler tcp://host:8786`` sends the work to a running cluster. Every worker needs the same
ketensim version installed (``pip install 'ketensim[dask]'``) and the scenario files are read on the client, so the
workers need no access to them. Dask is optional: install it with the ``dask`` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager


class DaskExecutor:
    """`map` over a `dask.distributed.Client`, yielding results in task order as they finish."""

    def __init__(self, client):
        self.client = client

    def map(self, fn: Callable, tasks: Iterable) -> Iterator:
        tasks = list(tasks)
        # pure=False: two identical tasks must both run (they never are identical here, but the seed is the key)
        futures = self.client.map(fn, tasks, pure=False)
        try:
            for f in futures:
                yield f.result()
                f.release()
        finally:
            self.client.cancel(futures)


class ExecutorError(RuntimeError):
    """The requested executor cannot be used (not installed, scheduler unreachable)."""


@contextmanager
def open_executor(kind: str, scheduler: str | None = None, jobs: int = 1):
    """None for the built-in runner (`jobs` processes), or a `DaskExecutor` on a local or remote cluster."""
    if kind == "processes":
        if scheduler:
            raise ExecutorError("--scheduler needs --executor dask")
        yield None
        return
    if kind != "dask":
        raise ExecutorError(f"unknown executor {kind!r}; use 'processes' or 'dask'")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError("Dask is not installed: pip install 'ketensim[dask]'") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="5s")
        else:
            cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as e:
        if cluster is not None:
            cluster.close()
        raise ExecutorError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {e}") from None
    try:
        yield DaskExecutor(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
