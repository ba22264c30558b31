"""`ketensim forecast` driven as a user would: exit codes, messages, JSON, and what lands on disk."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "calibration" / "data"
CRIME = DATA / "registered_crime.csv"
OM = DATA / "om_intake_history.csv"
runner = CliRunner()


def test_help_has_an_example():
    r = runner.invoke(app, ["forecast", "--help"])
    assert r.exit_code == 0 and "Example" in r.output


def test_forecast_on_real_data_writes_results_with_provenance(tmp_path):
    out = tmp_path / "crime"
    r = runner.invoke(
        app,
        [
            "forecast",
            str(CRIME),
            "--series",
            "geregistreerde_misdrijven_totaal",
            "--start",
            "1990",
            "--drivers",
            str(DATA / "population_total.csv"),
            "--horizon",
            "4",
            "--policy",
            "snelrecht:2026:-3:1",
            "--out",
            str(out),
            "--paths",
            "500",
        ],
    )
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())  # rich wraps long lines
    # the main forecast is the one chosen by the inner backtest (issue 15); the PMJ model's choices are still shown
    assert "selected forecast from 2023" in text and "driver bevolking_1_januari_totaal" in text
    assert "weights:" in text and "chosen by evidence" in text and "met:" not in text
    assert (out / "selection.csv").exists()
    for f in ("forecast.csv", "forecast.png", "provenance.json", "forecast_with_policy.csv", "policy_effects.csv"):
        assert (out / f).exists(), f
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["series"]["series"] == "geregistreerde_misdrijven_totaal" and prov["horizon"] == 4
    assert prov["version"] and prov["command"].startswith("ketensim")
    assert "bevolking_1_januari_totaal" in prov["drivers_used"]
    assert prov["drivers_used"]["bevolking_1_januari_totaal"]["why"]
    assert set(prov["models"]) == {"naive", "drift", "ets", "theta", "combination", "pmj", "selected"}
    assert prov["selection"]["weights"] and prov["selection"]["intervals"]["n_errors"]


def test_backtest_json_has_the_required_keys(tmp_path):
    r = runner.invoke(
        app,
        [
            "forecast",
            str(OM),
            "--series",
            "om_instroom_misdrijfzaken_reeks",
            "--parent",
            f"{CRIME}:geregistreerde_misdrijven_totaal",
            "--min-train",
            "9",
            "--horizon",
            "4",
            "--json",
            "--no-plots",
            "--out",
            str(tmp_path / "om"),
        ],
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {"model", "horizon", "mape", "mase", "coverage80", "coverage95"} <= set(rows[0])
    assert {(d["model"], d["horizon"]) for d in rows} >= {("naive", 1), ("pmj", 4)}
    assert (tmp_path / "om" / "backtest.csv").exists()
    bt = (tmp_path / "om" / "backtest.csv").read_text().splitlines()[0]
    assert bt.startswith("model,horizon,n,mape,mase,coverage80,coverage95")


@pytest.mark.parametrize(
    "content,args,reason",
    [
        (None, [], "file not found"),
        ("jaar,waarde\n2000,1\n", [], "needs the columns 'year' and 'value'"),
        ("year,value,series\n2000,1,a\n", ["--series", "b"], "series 'b' not found"),
        (
            "year,value\n" + "".join(f"{y},{100 + y % 7}\n" for y in range(2000, 2015) if y != 2007),
            [],
            "has gaps (no value for 2007)",
        ),
        ("year,value\n" + "".join(f"{y},{100 + y % 7}\n" for y in range(2000, 2005)), [], "too short"),
        ("year,value\n" + "".join(f"{y},{y % 3}\n" for y in range(2000, 2015)), [], "values <= 0"),
    ],
)
def test_bad_input_exits_2_naming_the_file_and_writes_nothing(tmp_path, content, args, reason):
    f = tmp_path / "series.csv"
    if content is not None:
        f.write_text(content)
    out = tmp_path / "out"
    r = runner.invoke(app, ["forecast", str(f), "--out", str(out)] + args)
    assert r.exit_code == 2
    assert str(f) in r.output and reason in r.output
    assert "Traceback" not in r.output
    assert not out.exists()


def test_bad_driver_and_policy_are_reported_together(tmp_path):
    r = runner.invoke(
        app,
        [
            "forecast",
            str(CRIME),
            "--series",
            "geregistreerde_misdrijven_totaal",
            "--drivers",
            str(tmp_path / "nope.csv"),
            "--policy",
            "x:soon:3",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert r.exit_code == 2
    assert "nope.csv: file not found" in r.output and "--policy" in r.output


OM_ARGS = [
    "forecast",
    str(OM),
    "--series",
    "om_instroom_misdrijfzaken_reeks",
    "--min-train",
    "9",
    "--horizon",
    "2",
    "--paths",
    "200",
]


def test_a_forecast_that_fails_midway_leaves_no_folder(tmp_path, monkeypatch):
    """The folder is built in a staging folder beside OUT and swapped in when complete: a failure while writing
    (here: drawing the plots, after the tables are written) leaves neither OUT nor the staging folder, and an
    earlier forecast's OUT as it was."""
    from sim.forecast import workflow

    def boom(*args, **kwargs):
        raise RuntimeError("plotting failed")

    monkeypatch.setattr(workflow, "draw_plots", boom)
    out = tmp_path / "om"
    r = runner.invoke(app, OM_ARGS + ["--out", str(out)])
    assert r.exit_code != 0 and isinstance(r.exception, RuntimeError)
    assert not out.exists() and not (tmp_path / "om.partial").exists()
    assert list(tmp_path.iterdir()) == []

    monkeypatch.undo()
    assert runner.invoke(app, OM_ARGS + ["--no-plots", "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(workflow, "draw_plots", boom)
    r = runner.invoke(app, OM_ARGS + ["--out", str(out), "--force"])
    assert isinstance(r.exception, RuntimeError)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["om"]


def test_a_forecast_never_touches_a_folder_it_did_not_write(tmp_path):
    out = tmp_path / "om"
    out.mkdir()
    (out / "forecast.csv").write_text("my own file\n")
    r = runner.invoke(app, OM_ARGS + ["--out", str(out)])
    assert r.exit_code == 2 and "already exists" in r.output and "--force" in r.output
    r = runner.invoke(app, OM_ARGS + ["--out", str(out), "--force"])
    assert r.exit_code == 2 and "not a ketensim output" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["forecast.csv"]
    assert (out / "forecast.csv").read_text() == "my own file\n"


def test_a_forecast_replaces_an_earlier_folder_without_mixing_their_files(tmp_path):
    out = tmp_path / "om"
    r = runner.invoke(app, OM_ARGS + ["--backtest", "--no-plots", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "backtest.csv").exists()
    r = runner.invoke(app, OM_ARGS + ["--no-plots", "--out", str(out)])
    assert r.exit_code == 2 and "already exists" in r.output  # refused without --force, left as it was
    assert (out / "backtest.csv").exists()
    r = runner.invoke(app, OM_ARGS + ["--no-plots", "--out", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".ketensim-complete",
        "forecast.csv",
        "provenance.json",
        "selection.csv",
    ]
    assert json.loads((out / "provenance.json").read_text())["backtest"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["om"]


def test_an_output_folder_holding_the_current_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine")
    for out in (".", ".."):
        r = runner.invoke(app, OM_ARGS + ["--out", out])
        assert r.exit_code == 2 and "holds the current folder" in r.output, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_the_forecaster_does_not_import_simpy():
    code = (
        "import sys, sim.forecast, sim.forecast.workflow, sim.cli.forecast, sim.forecast.intake, "
        "sim.forecast.chain; print('simpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
