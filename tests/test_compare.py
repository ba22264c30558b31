"""Scenario comparison with common random numbers: paired differences, their intervals, the files written."""

from __future__ import annotations

import csv
import json

import pytest
import tomli_w
from typer.testing import CliRunner

from conftest import BASELINE, small_overrides, small_scenario
from sim.cli.app import app
from sim.compare import COLUMNS, compare, read_comparison
from sim.scenario import from_dict

runner = CliRunner()


def named(sc, name):
    data = sc.resolved_dict()
    data["name"] = name
    return from_dict(data)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    base = small_scenario(horizon_days=300.0, warmup_days=60.0, runout_days=150.0)
    # a politierechter shortage: regular cases wait longer for a session
    short = named(small_scenario(horizon_days=300.0, warmup_days=60.0, runout_days=150.0,
                                 extra={"courts": {"sessions": {"politierechter": {"per_week": 4.6}}}}), "short")
    same = named(base, "same")
    out = tmp_path_factory.mktemp("cmp") / "out"
    return compare([base, short, same], replications=3, seed=9, out_dir=out, jobs=1)


def _row(rows, metric, group, scenario):
    return next(r for r in rows if (r.metric, r.group, r.scenario, r.breakdown) == (metric, group, scenario, "all"))


def test_identical_scenario_has_zero_difference(result):
    """Common random numbers: a copy of the reference reproduces it exactly, so every difference is 0 ± 0."""
    for r in result.rows:
        if r.scenario == "same" and r.n:
            assert r.diff == 0 or r.diff != r.diff, (r.metric, r.group)
            assert not r.significant


def test_fewer_sessions_make_regular_cases_wait_longer(result):
    r = _row(result.rows, "days_to_decision_p50", "regular", "short")
    assert r.diff > 0 and r.significant
    # the paired interval is narrower than the scenario's own interval: that is the point of pairing
    assert (r.diff_ci_high - r.diff_ci_low) < (r.ci_high - r.ci_low)
    # the intake is untouched by a court change: same cases, no difference
    assert _row(result.rows, "om_intake", "all", "short").diff == 0


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
    assert "Compared with a" in r.output and "returned share" in r.output
    rows = read_comparison(out / "comparison.csv")
    assert {x.breakdown for x in rows} == {"all", "region=district"}
    # the same name twice is refused before anything runs
    r = runner.invoke(app, ["compare", str(a), str(a), "--out", str(tmp_path / "dup")])
    assert r.exit_code == 2 and "used twice" in r.output
    assert not (tmp_path / "dup").exists()
