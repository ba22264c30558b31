"""The command line, driven as a user would: exit codes, messages, and what lands on disk."""

from __future__ import annotations

import json
import tomllib

import pyarrow.parquet as pq
import pytest
import tomli_w
import typer
from conftest import BASELINE, small_overrides
from typer.testing import CliRunner

from sim.cli.app import app

runner = CliRunner()


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("scen")
    over = small_overrides(horizon_days=240.0, warmup_days=40.0, runout_days=60.0, replications=2)
    over["extends"] = str(BASELINE)
    over["name"] = "small"
    p = d / "small.toml"
    p.write_text(tomli_w.dumps(over))
    return p


def test_validate_ok_and_bad(tmp_path):
    r = runner.invoke(app, ["validate", str(BASELINE)])
    assert r.exit_code == 0 and "ok" in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{BASELINE}"\n[police]\ndetectivs = 3\n')
    r = runner.invoke(app, ["validate", str(BASELINE), str(bad)])
    assert r.exit_code == 2
    assert f"{bad}: police.detectivs: unknown key" in r.output
    assert "Traceback" not in r.output


def test_show_prints_the_resolved_scenario(small_file):
    r = runner.invoke(app, ["show", str(small_file)])
    assert r.exit_code == 0
    data = tomllib.loads(r.output)
    assert data["name"] == "small" and list(data["regions"]) == ["district"]
    assert "extends" not in data  # resolved: parents merged in


def test_run_writes_a_complete_results_folder(small_file, tmp_path):
    out = tmp_path / "run"
    r = runner.invoke(app, ["run", str(small_file), "--out", str(out), "--seed", "4", "--no-plots"])
    assert r.exit_code == 0, r.output
    for f in (
        "kpis.csv",
        "cases.parquet",
        "backlog.csv",
        "sessions.parquet",
        "hearings.parquet",
        "stations.csv",
        "diverted.csv",
        "scenario.toml",
        "provenance.json",
    ):
        assert (out / f).exists(), f
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 4 and prov["replications"] == 2
    assert prov["ketensim_version"] and prov["resolved_scenario"]["name"] == "small"
    header = (out / "kpis.csv").read_text().splitlines()[0]
    assert header == "metric,group,mean,ci_low,ci_high,n"
    assert "Routes" in r.output and "Fast-track windows" in r.output and "snelrecht, detained" in r.output
    assert "heard within the legal window (%)" in r.output
    cases = pq.read_table(out / "cases.parquet", columns=["replication", "route", "t_verdict"])
    assert set(cases.column("replication").to_pylist()) == {0, 1}


def test_parallel_run_writes_identical_results(small_file, tmp_path):
    a, b = tmp_path / "serial", tmp_path / "parallel"
    assert runner.invoke(app, ["run", str(small_file), "--out", str(a), "--no-plots"]).exit_code == 0
    assert runner.invoke(app, ["run", str(small_file), "--out", str(b), "--no-plots", "--jobs", "2"]).exit_code == 0
    for f in (
        "kpis.csv",
        "backlog.csv",
        "stations.csv",
        "diverted.csv",
        "scenario.toml",
        "cases.parquet",
        "sessions.parquet",
        "hearings.parquet",
    ):
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_run_with_a_bad_scenario_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{BASELINE}"\nname = "bad"\n[om.zsm]\nfte = -2\n')
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(bad), "--out", str(out)])
    assert r.exit_code == 2
    assert "om.zsm.fte" in r.output and "Traceback" not in r.output
    assert not out.exists() and not list(tmp_path.glob("out*"))


def test_every_command_is_there_and_has_help_with_an_example():
    """Every command module is imported unconditionally (sim/cli/__init__.py): one that fails to import fails the
    command line, it does not make its commands disappear from this list."""
    commands = list(typer.main.get_command(app).commands)
    assert commands == [
        "run",
        "validate",
        "validate-data",
        "show",
        "plot",
        "compare",
        "bench",
        "report",
        "export",
        "capacity",
        "need",
        "calibrate",
        "sensitivity",
        "forecast",
        "workshop",
    ]
    for cmd in commands:
        r = runner.invoke(app, [cmd, "--help"])
        assert r.exit_code == 0 and "Example" in r.output, cmd


def test_breakdown_per_region_and_stream(small_file, tmp_path):
    out = tmp_path / "by"
    r = runner.invoke(app, ["run", str(small_file), "--out", str(out), "--no-plots", "--by", "stream"])
    assert r.exit_code == 0, r.output
    lines = (out / "kpis_by_stream.csv").read_text().splitlines()
    assert lines[0] == "metric,group,stream,mean,ci_low,ci_high,n"
    rows = [ln.split(",") for ln in lines[1:]]
    per_stream = {row[2]: float(row[3]) for row in rows if row[0] == "cases" and row[1] == "regular"}
    assert set(per_stream) == {"vvc", "hic", "other"}
    total = next(ln.split(",") for ln in (out / "kpis.csv").read_text().splitlines() if ln.startswith("cases,regular,"))
    assert sum(per_stream.values()) == pytest.approx(float(total[2]), abs=0.005 * len(per_stream))  # each value rounded
    assert runner.invoke(app, ["run", str(small_file), "--by", "court"]).exit_code == 2


def test_dask_local_cluster_gives_the_same_results(small_file, tmp_path):
    """--executor dask on a local cluster writes byte-identical results to the built-in runner."""
    pytest.importorskip("dask.distributed")
    a, b = tmp_path / "serial", tmp_path / "dask"
    assert runner.invoke(app, ["run", str(small_file), "--out", str(a), "--no-plots"]).exit_code == 0
    r = runner.invoke(app, ["run", str(small_file), "--out", str(b), "--no-plots", "--executor", "dask", "--jobs", "2"])
    assert r.exit_code == 0, r.output
    for f in ("kpis.csv", "backlog.csv", "cases.parquet", "sessions.parquet"):
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
    assert json.loads((b / "provenance.json").read_text())["executor"] == "dask"


def test_unreachable_scheduler_is_bad_input(small_file, tmp_path):
    pytest.importorskip("dask.distributed")
    r = runner.invoke(
        app,
        [
            "run",
            str(small_file),
            "--out",
            str(tmp_path / "x"),
            "--executor",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:9",
        ],
    )
    assert r.exit_code == 2 and "cannot reach the Dask scheduler" in r.output
    assert not (tmp_path / "x").exists()


def test_unwritable_output_is_refused_before_running(small_file, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    r = runner.invoke(app, ["run", str(small_file), "--out", str(blocker / "run"), "--no-plots"])
    assert r.exit_code == 2 and "cannot write there" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["compare", str(small_file)])
    assert r.exit_code == 2 and "at least two scenario files" in r.output


def test_no_records_keeps_key_figures_and_drops_case_tables(small_file, tmp_path):
    a, b = tmp_path / "full", tmp_path / "lean"
    assert runner.invoke(app, ["run", str(small_file), "--out", str(a), "--no-plots"]).exit_code == 0
    r = runner.invoke(app, ["run", str(small_file), "--out", str(b), "--no-records"])
    assert r.exit_code == 0, r.output
    assert "not drawn" in r.output
    assert not (b / "cases.parquet").exists() and not (b / "hearings.parquet").exists()
    for f in ("kpis.csv", "backlog.csv", "sessions.parquet"):
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
    assert json.loads((b / "provenance.json").read_text())["case_records"] is False


def test_set_changes_a_key_for_one_run_and_is_validated(small_file, tmp_path):
    out = tmp_path / "set"
    r = runner.invoke(
        app,
        [
            "run",
            str(small_file),
            "--out",
            str(out),
            "--no-plots",
            "-r",
            "1",
            "--set",
            "om.zsm.return_share=0.2",
            "--set",
            'description="a quick variant"',
        ],
    )
    assert r.exit_code == 0, r.output
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["resolved_scenario"]["om"]["zsm"]["return_share"] == 0.2
    assert prov["resolved_scenario"]["description"] == "a quick variant"
    assert prov["settings"] == ["om.zsm.return_share=0.2", 'description="a quick variant"']
    for bad, words in (
        ("om.zsm.return_share=2", "om.zsm.return_share"),
        ("om.zsm.staf=3", "om.zsm.staf"),
        ("no-equals-sign", "key.path=value"),
    ):
        r = runner.invoke(app, ["run", str(small_file), "--out", str(tmp_path / "bad"), "--set", bad])
        assert r.exit_code == 2 and words in r.output and "Traceback" not in r.output, (bad, r.output)
    assert not (tmp_path / "bad").exists()


def test_console_summary_shows_a_maximum_without_an_interval():
    from sim.cli.app import console
    from sim.cli.summary import print_summary
    from sim.kpis import KpiRow

    rows = [
        KpiRow("window_days_max", "supersnelrecht", 2.77, 0.04, 5.5, 2),
        KpiRow("within_window_share", "supersnelrecht", 0.585, 0.50, 0.67, 2),
    ]
    with console.capture() as capture:
        print_summary(rows)
    text = capture.get()
    assert "a maximum, no interval" in text
    assert "2.77" in text and "2.77 ±" not in text  # no margin around the longest wait
    assert "58.5 ±" in text  # a share keeps its interval
