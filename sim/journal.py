"""A journal of finished work, so that a long search interrupted and started again resumes where it stopped.

The searches that simulate many points (`sim.calibrate`'s trials, `sim.capacity_search`'s runs, `sim.sensitivity`'s
runs) append one JSON line per finished unit of work as it finishes, each line carrying the search's **setup**: what
the result depends on besides the point itself (the scenario file, its settings, the seed, the version). Started again
with the same arguments, a search reads back the lines of its own setup and runs only what is missing; a line of
another setup is left alone, and a line cut off by an interrupt is skipped.

While a search is under way its journal lives beside its output folder (`beside`), because the output folder itself
is only written, complete, at the end (`sim.outputs.staged_folder`); the finished folder keeps a copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


class Journal:
    """The lines of one setup in a JSON-lines file; a journal without a file keeps nothing (a search not resumed)."""

    def __init__(self, path: Path | None, setup: str):
        self.path = path
        self.setup = setup

    def entries(self) -> Iterator[dict]:
        """The entries written by this setup, in the order they were written."""
        if self.path is None or not self.path.exists():
            return
        for line in self.path.read_text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut off by an interrupt
            if isinstance(entry, dict) and entry.get("setup") == self.setup:
                yield entry

    def append(self, entry: dict) -> None:
        """Add one finished entry (written and closed at once, so an interrupt loses at most the line being written)."""
        if self.path is None:
            return
        with open(self.path, "a") as fh:
            fh.write(json.dumps({**entry, "setup": self.setup}) + "\n")


def beside(out: Path, what: str) -> Path:
    """Where the journal of output folder `out` lives while it is written: ``.<name>.<what>.jsonl`` next to it."""
    return out.parent / f".{out.name}.{what}.jsonl"
