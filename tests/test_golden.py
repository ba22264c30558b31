"""Golden regression: a fresh run of ``tests/golden/small.toml`` must reproduce the stored results exactly.

The scenario is the one-region small baseline of ``tests/conftest.py`` (written out, extending
``scenarios/baseline.toml``), with a fixed seed, 2 replications and a 200-day horizon: a few seconds. Any change
in the model's logic, in the order it draws random numbers or in the baseline shows up here, even one that every
statistical test tolerates; an intended change is accepted by running ``python tests/golden/regenerate.py`` and
committing the files it rewrites, with what it printed.

Two things are compared:

* ``kpis.csv`` byte for byte (the key figures as a user sees them: values to 6 significant digits, their
  intervals, the row order);
* the case records, by a digest of the *decoded* ``cases.parquet`` (column names, types and values), stored in
  ``cases.sha256``. Not the digest of the file itself: the Parquet bytes are not stable across pyarrow versions
  (the footer names the writer's version, and page layout, statistics and zstd output may change), so a file
  digest would fail on a library upgrade with identical results. The decoded values change only when some case's
  record does, including columns no key figure reads.
"""

from __future__ import annotations

import pytest
from golden.regenerate import CASES_DIGEST, KPIS, cases_digest, kpi_changes, run_golden

HOW_TO_ACCEPT = "if the change is intended, run `python tests/golden/regenerate.py` and commit what it rewrites"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_golden(tmp_path_factory.mktemp("golden"))


def test_kpis_equal_the_stored_golden_file_byte_for_byte(run):
    stored = KPIS.read_bytes()
    fresh = (run / "kpis.csv").read_bytes()
    assert len(stored.splitlines()) > 50  # the stored file is a real one, not an empty placeholder
    if fresh != stored:
        changes = kpi_changes(stored.decode(), fresh.decode())
        shown = "\n  ".join(changes[:40]) + (f"\n  ... and {len(changes) - 40} more" if len(changes) > 40 else "")
        pytest.fail(
            f"kpis.csv differs from {KPIS} in {len(changes)} row(s) (stored -> fresh):\n  {shown}\n{HOW_TO_ACCEPT}",
            pytrace=False,
        )


def test_case_records_equal_the_stored_digest(run):
    stored = CASES_DIGEST.read_text().strip()
    fresh = cases_digest(run / "cases.parquet")
    assert len(stored) == 64
    if fresh != stored:
        pytest.fail(
            f"the case records of the golden run changed (digest {stored} -> {fresh}); {HOW_TO_ACCEPT}", pytrace=False
        )


def test_the_digest_sees_a_changed_case_record(run, tmp_path):
    """The digest is of the values: one time changed by a second in one case gives another digest, and the same
    table written again (another file, same values) gives the same one."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(run / "cases.parquet")
    same = tmp_path / "same.parquet"
    pq.write_table(table, same, compression="snappy")  # other bytes on disk, same values
    assert cases_digest(same) == cases_digest(run / "cases.parquet")
    i = table.column_names.index("t_registration")
    t = table.column(i).to_numpy().copy()
    assert t.dtype == np.float64  # a second is well inside its precision
    t[len(t) // 2] += 1.0 / 86400
    changed = tmp_path / "changed.parquet"
    pq.write_table(table.set_column(i, "t_registration", pa.array(t)), changed)
    assert cases_digest(changed) != cases_digest(same)
