"""Rewrite the golden results on purpose: ``python tests/golden/regenerate.py`` (with the project's environment,
e.g. ``.venv/bin/python``, where ``sim`` is installed).

Runs `small.toml` (2 replications, its own seed) and stores what `tests/test_golden.py` compares a fresh run with:

* ``kpis.csv`` — the run's key figures, byte for byte;
* ``cases.sha256`` — a digest of the *contents* of ``cases.parquet`` (column names, types and values), not of
  the file's bytes (see `cases_digest`).

It prints what changed (the key-figure rows that differ, and whether the case records changed), so the commit
that updates the golden files can say what an intended change did to the results. Run it only after a change in
the model or in ``scenarios/baseline.toml`` that is meant to change the results, and check what it prints.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "small.toml"
KPIS = HERE / "kpis.csv"
CASES_DIGEST = HERE / "cases.sha256"


def run_golden(out_dir: Path) -> Path:
    """Run the golden scenario into `out_dir` (in this process) and return the results folder."""
    from sim import scenario as S
    from sim.runner import run_scenario

    sc = S.load(SCENARIO)
    return run_scenario(sc, scenario_file=str(SCENARIO), out_dir=out_dir / "golden", jobs=1).out_dir


def cases_digest(path: Path) -> str:
    """SHA-256 of the decoded case table: per column its name, a type label and its values (numbers as their
    numpy bytes, labels as text). The Parquet file's own bytes are not stable across pyarrow versions — the
    footer records the writer's version (``created_by``) and page layout, statistics and zstd output may change
    with it — so a digest of the file would fail on a mere upgrade; the decoded values change only if a case's
    record does."""
    table = pq.read_table(path)
    h = hashlib.sha256()
    h.update(f"rows={table.num_rows}\n".encode())
    for name in table.column_names:
        col = table.column(name).combine_chunks()
        if pa.types.is_dictionary(col.type):
            col = col.dictionary_decode()
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or col.null_count:
            label, data = "text", "\x1f".join("\x00" if v is None else str(v) for v in col.to_pylist()).encode()
        else:
            arr = np.ascontiguousarray(col.to_numpy(zero_copy_only=False))
            label, data = arr.dtype.str, arr.tobytes()
        h.update(f"{name}:{label}:{len(data)}\n".encode())
        h.update(data)
    return h.hexdigest()


def kpi_rows(text: str) -> dict[tuple[str, str], list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    return {(r[0], r[1]): r for r in rows[1:]}


def kpi_changes(old: str, new: str) -> list[str]:
    """The key-figure rows that differ between two kpis.csv texts, one line each."""
    if old.splitlines()[:1] != new.splitlines()[:1]:
        return [f"header: {old.splitlines()[:1]} -> {new.splitlines()[:1]}"]
    a, b = kpi_rows(old), kpi_rows(new)

    def values(row):  # mean, ci_low, ci_high, n
        return "missing" if row is None else ",".join(row[2:])

    out = []
    for key in [*a, *(k for k in b if k not in a)]:
        if a.get(key) != b.get(key):
            out.append(f"{key[0]}[{key[1]}]: {values(a.get(key))} -> {values(b.get(key))}")
    if not out and old != new:
        out.append("same rows, different bytes (row order or line endings)")
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        run = run_golden(Path(tmp))
        kpis = (run / "kpis.csv").read_bytes().decode()  # bytes: the csv module's \r\n line ends are kept
        digest = cases_digest(run / "cases.parquet")
    old_kpis = KPIS.read_bytes().decode() if KPIS.exists() else ""
    old_digest = CASES_DIGEST.read_text().strip() if CASES_DIGEST.exists() else ""
    changes = kpi_changes(old_kpis, kpis) if old_kpis else []
    KPIS.write_bytes(kpis.encode())
    CASES_DIGEST.write_text(digest + "\n")
    name = KPIS.relative_to(HERE.parents[1])
    if not old_kpis:
        print(f"{name}: new file, {len(kpi_rows(kpis))} rows")
    else:
        print(f"{name}: " + (f"{len(changes)} row(s) changed" if changes else "unchanged"))
    for line in changes:
        print("  " + line)
    print(
        f"{CASES_DIGEST.relative_to(HERE.parents[1])}: "
        + ("unchanged" if digest == old_digest else f"{old_digest or '(none)'} -> {digest}")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
