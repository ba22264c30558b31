"""Named random streams.

Every stochastic input draws from its own numpy Generator, derived by *name* from (seed, replication) with
`numpy.random.SeedSequence`. Two scenarios that differ only in, say, court capacity therefore see the same offences,
the same routing draws and the same durations for the same case (common random numbers), and adding a new stream
never shifts an existing one. There is no global random state anywhere in ketensim.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _name_key(name: str) -> list[int]:
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


class Streams:
    """Hands out one Generator per name for a given (seed, replication); the same name always gives the same
    sequence, whatever else was asked for before."""

    def __init__(self, seed: int, replication: int):
        self.seed = int(seed)
        self.replication = int(replication)
        self._cache: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        rng = self._cache.get(name)
        if rng is None:
            ss = np.random.SeedSequence([self.seed, self.replication, *_name_key(name)])
            rng = self._cache[name] = np.random.Generator(np.random.PCG64(ss))
        return rng
