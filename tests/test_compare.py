"""Scenario comparison with common random numbers: paired differences, their intervals, the files written."""

from __future__ import annotations

import csv
import json
import math

import pyarrow.parquet as pq
import pytest
import tomli_w
from conftest import BASELINE, small_overrides, small_scenario
from typer.testing import CliRunner

from sim.cli.app import app
from sim.compare import COLUMNS, compare, read_comparison
from sim.figures.inputs import simulated_years
from sim.results import read_run_info
from sim.scenario import from_dict

runner = CliRunner()
REPLICATIONS = 3


def named(sc, name):
    data = sc.resolved_dict()
    data["name"] = name
    return from_dict(data)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    base = small_scenario(horizon_days=300.0, warmup_days=60.0, runout_days=150.0)
    # a politierechter shortage: regular cases wait longer for a session (a clear one: with planned courts a milder
    # cut is absorbed by spare slots, and the detectives' and OM's standing stocks pace the flow to the courts)
    short = named(
        small_scenario(
            horizon_days=300.0,
            warmup_days=60.0,
            runout_days=150.0,
            extra={"courts": {"sessions": {"politierechter": {"per_week": 3.8}}}},
        ),
        "short",
    )
    same = named(base, "same")
    out = tmp_path_factory.mktemp("cmp") / "out"
    return compare([base, short, same], replications=REPLICATIONS, seed=9, out_dir=out, jobs=1)


def _row(rows, metric, group, scenario):
    return next(r for r in rows if (r.metric, r.group, r.scenario, r.breakdown) == (metric, group, scenario, "all"))


def _rows_of(rows, scenario):
    return {(r.metric, r.group, r.breakdown): r for r in rows if r.scenario == scenario}


def test_identical_scenario_has_zero_difference(result):
    """Common random numbers: a copy of the reference reproduces it exactly, so every difference is 0 with the
    interval [0, 0] (the paired values are equal, their standard deviation is 0) — exactly, not "0 or NaN": a
    comparison that came out NaN everywhere must fail here. Figures undefined in this short run (n = 0) are
    undefined in the reference too, and they are few."""
    base, same = _rows_of(result.rows, "baseline"), _rows_of(result.rows, "same")
    assert same.keys() == base.keys()
    checked = 0
    for key, r in same.items():
        assert r.n == base[key].n, key
        if r.n == 0:
            assert math.isnan(base[key].mean), key
            continue
        assert r.n == REPLICATIONS, key  # every replication gives the figure
        assert math.isfinite(r.diff) and math.isfinite(r.diff_ci_low) and math.isfinite(r.diff_ci_high), key
        assert (r.diff, r.diff_ci_low, r.diff_ci_high) == (0.0, 0.0, 0.0), key
        assert r.mean == base[key].mean and (r.ci_low, r.ci_high) == (base[key].ci_low, base[key].ci_high), key
        assert not r.significant
        checked += 1
    # 68 figures in this run, 65 with a value: nearly all of them must have been checked
    assert checked >= 60 and checked >= 0.9 * len(same), (checked, len(same))


def test_the_reference_against_itself_is_zero_too(result):
    base = _rows_of(result.rows, "baseline")
    finite = [r for r in base.values() if r.n]
    assert len(finite) >= 60
    assert all((r.diff, r.diff_ci_low, r.diff_ci_high) == (0.0, 0.0, 0.0) for r in finite)


def test_fewer_sessions_make_regular_cases_wait_longer(result):
    base, short = _rows_of(result.rows, "baseline"), _rows_of(result.rows, "short")
    # the 90th percentile: with planned courts the median of the regular route is so steady within a scenario
    # (replications within half a day) that pairing cannot narrow its interval; the tail, where waits build, pairs
    key = ("days_to_decision_p90", "regular", "all")
    r = short[key]
    assert r.n == REPLICATIONS and math.isfinite(r.diff) and math.isfinite(r.diff_ci_low)
    assert r.diff > 0 and r.significant and r.diff_ci_low > 0
    # with the same replications on both sides the mean of the paired differences is the difference of the means
    # (only rounding apart)
    assert r.diff == pytest.approx(r.mean - base[key].mean, rel=1e-9)
    # the paired interval is narrower than the scenario's own interval: that is the point of pairing
    assert (r.diff_ci_high - r.diff_ci_low) < (r.ci_high - r.ci_low)
    # the intake is untouched by a court change: same cases, exactly no difference, with a zero-width interval
    for metric in ("om_intake", "via_zsm_share"):
        row = short[(metric, "all", "all")]
        assert row.n == REPLICATIONS and (row.diff, row.diff_ci_low, row.diff_ci_high) == (0.0, 0.0, 0.0), metric
    # and the court change does change results: many figures differ, each a finite paired difference
    changed = [x for x in short.values() if x.n and x.diff != 0.0]
    assert len(changed) >= 20 and all(math.isfinite(x.diff) for x in changed)


def test_files_written(result):
    out = result.out_dir
    assert (out / "comparison.csv").exists() and (out / "provenance.json").exists()
    for name in result.scenarios:
        assert (out / name / "kpis.csv").exists() and (out / name / "provenance.json").exists()
    with open(out / "comparison.csv") as fh:
        assert tuple(next(csv.reader(fh))) == COLUMNS
    again = read_comparison(out / "comparison.csv")
    assert len(again) == len(result.rows)
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["scenarios"] == ["baseline", "short", "same"] and prov["seed"] == 9 and prov["replications"] == 3


def test_cli_compare_and_its_errors(tmp_path):
    over = small_overrides(horizon_days=200.0, warmup_days=40.0, runout_days=60.0)
    over.update(extends=str(BASELINE), name="a")
    a = tmp_path / "a.toml"
    a.write_text(tomli_w.dumps(over))
    b = tmp_path / "b.toml"
    b.write_text('extends = "a.toml"\nname = "b"\n[om.zsm]\nreturn_share = 0.0\n')
    out = tmp_path / "out"
    r = runner.invoke(app, ["compare", str(a), str(b), "-r", "2", "--no-plots", "--out", str(out), "--by", "region"])
    assert r.exit_code == 0, r.output
    assert "Compared with a" in r.output and "share of OM intake returned to the police" in r.output
    rows = read_comparison(out / "comparison.csv")
    assert {x.breakdown for x in rows} == {"all", "region=district"}
    # by default a comparison keeps the case records of its first replication only (disk), the rest all of them
    for name in ("a", "b"):
        cases = pq.read_table(out / name / "cases.parquet", columns=["replication"]).column("replication")
        assert set(cases.to_pylist()) == {0}
        with open(out / name / "backlog.csv") as fh:
            assert {row["replication"] for row in csv.DictReader(fh)} == {"0", "1"}
        info = read_run_info(out / name)
        assert (info.replications, info.case_replications) == (2, 1)
        assert "the case records of the first 1 of 2" in info.cohort_note()
        assert simulated_years(info) == pytest.approx((200.0 - 40.0) / 365.25)
    r = runner.invoke(app, ["validate-data", str(out / "a")])
    assert r.exit_code == 2 and "cover 1 of its 2 replications" in r.output, r.output
    # `ketensim plot` on a compare folder draws the side-by-side and comparison figures (not only run folders)
    r = runner.invoke(app, ["plot", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "plots" / "difference_lead_times.png").exists()
    assert (out / "plots" / "lead_times_per_route.png").exists()
    # --records keeps every replication's
    every = tmp_path / "every"
    cmd = ["compare", str(a), str(b), "-r", "2", "--no-plots", "--records", "--out", str(every)]
    r = runner.invoke(app, [*cmd, "--set", "runout_days=45"])  # and a quick variant of both, without a file
    assert r.exit_code == 0, r.output
    cases = pq.read_table(every / "b" / "cases.parquet", columns=["replication"]).column("replication")
    assert set(cases.to_pylist()) == {0, 1} and read_run_info(every / "b").record_replications is None
    for name in ("a", "b"):
        assert read_run_info(every / name).runout_days == 45.0
        assert "runout_days=45" in json.loads((every / name / "provenance.json").read_text())["settings"]
    # the same name twice is refused before anything runs
    r = runner.invoke(app, ["compare", str(a), str(a), "--out", str(tmp_path / "dup")])
    assert r.exit_code == 2 and "used twice" in r.output
    assert not (tmp_path / "dup").exists()
