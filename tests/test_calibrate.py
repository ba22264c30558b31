"""`ketensim calibrate` (issue 10 §2): the parameters file, the objective, recovery of a known parameter on a small
synthetic scenario, hold-out, resume, and safe refusals."""

from __future__ import annotations

import csv
import math
import tomllib

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim import calibrate as cal
from sim.cli import app
from sim.runner import run_scenario
from sim.scenario import load
from sim.validation import Target, ValidationRow, load_targets, validate

runner = CliRunner()
KEY = "intake.streams.vvc.arrested_share"
TRUE = 0.25  # the small scenario's file says 0.49
FITTED = ("om_instroom_via_zsm", "om_via_zsm_share")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A one-year small scenario, and targets made from a run of it with the arrested share at `TRUE`: a
    calibration of that share from the file's 0.49 must find about `TRUE` again."""
    d = tmp_path_factory.mktemp("synthetic")
    scenario = d / "small-year.toml"
    scenario.write_text(
        f'extends = "{(ROOT / "tests" / "golden" / "small.toml").as_posix()}"\nname = "small-year"\n'
        "horizon_days = 365\nwarmup_days = 0\nrunout_days = 0\nreplications = 1\n"
    )
    truth = d / "truth"
    run_scenario(load(scenario, overrides={"intake": {"streams": {"vvc": {"arrested_share": TRUE}}}}), out_dir=truth)
    rows = {r.target.label: r.mean for r in validate(truth, load_targets())}
    with open(ROOT / "calibration" / "targets.csv", newline="") as fh:
        src = [r for r in csv.DictReader(fh) if r["key"] in FITTED and r["status"] == "target"]
    targets = d / "targets.csv"
    with open(targets, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(src[0]))
        w.writeheader()
        for r in src:
            w.writerow(r | {"value": f"{rows[r['key'] + ' ' + r['year']]:.6g}"})
    params = d / "params.toml"
    params.write_text(f'[[param]]\nkey = "{KEY}"\nlow = 0.1\nhigh = 0.8\nnote = "synthetic"\n')
    return scenario, targets, params


def _calibrate(synthetic, out, *extra):
    scenario, targets, params = synthetic
    args = ["calibrate", str(scenario), "--targets", str(targets), "--params", str(params), "-r", "1"]
    return runner.invoke(app, [*args, "--budget", "10", "--out", str(out), *extra])


def test_calibrate_recovers_a_known_parameter_and_writes_a_scenario_that_extends_the_input(synthetic, tmp_path):
    out = tmp_path / "cal"
    r = _calibrate(synthetic, out)
    assert r.exit_code == 0, r.output
    fitted = tomllib.loads((out / "calibrated.toml").read_text())
    value = fitted["intake"]["streams"]["vvc"]["arrested_share"]
    assert abs(value - TRUE) < 0.06, value  # one replication at 5% of national volume: the noise is a few points
    assert (out / "calibrated.toml").read_text().count("# CALIBRATED") == 1
    sc = load(out / "calibrated.toml")  # extends the input, relative to the output folder, and validates
    assert math.isclose(cal.scenario_value(sc, KEY), value)
    assert sc.horizon_days == 365  # everything else as the input file says
    with open(out / "trials.csv", newline="") as fh:
        trials = list(csv.DictReader(fh))
    assert len(trials) == 10 and float(trials[0][KEY]) == 0.49  # the scenario's own value is the first point
    assert min(float(t["error"]) for t in trials) < float(trials[0]["error"])
    report = (out / "fit.md").read_text()
    assert "weighted error, fitted figures" in report and "om_via_zsm_share 2019" in report
    assert (out / "validation.csv").is_file() and not list(tmp_path.glob(".cal*")), "scratch files left behind"
    again = _calibrate(synthetic, out)
    assert again.exit_code == 2 and "--force" in again.output  # never overwrites without --force


def test_hold_out_targets_are_reported_not_fitted(synthetic, tmp_path):
    out = tmp_path / "held"
    r = _calibrate(synthetic, out, "--holdout", "om_via_zsm_share", "--budget", "4", "--no-confirm")
    assert r.exit_code == 0, r.output
    report = (out / "fit.md").read_text()
    assert "weighted error, held-out figures" in report and "| om_via_zsm_share 2019 | held out |" in report
    assert "Held out (not fitted): om_via_zsm_share 2019" in (out / "calibrated.toml").read_text()
    assert not (out / "validation.csv").exists()  # --no-confirm: no confirming run


def test_an_interrupted_calibration_resumes_from_its_finished_points(synthetic, tmp_path, monkeypatch):
    scenario, targets, params = synthetic
    trials = tmp_path / "trials.jsonl"

    def make():
        return cal.Calibration(
            scenario,
            cal.load_params(params),
            load_targets(targets),
            replications=1,
            work_dir=tmp_path / "work",
            trials_file=trials,
            confirm=False,
        )

    first = make()
    first.evaluate(first.start)
    first.evaluate({KEY: 0.3})
    again = make()
    assert [e.values[KEY] for e in again.evaluations] == [0.49, 0.3]
    monkeypatch.setattr(cal.Calibration, "simulate", lambda *a, **k: pytest.fail("a resumed point was simulated"))
    outcome = again.run(budget=2)
    assert outcome.best.values[KEY] == 0.3 and outcome.start.values[KEY] == 0.49
    other = cal.Calibration(
        scenario,
        cal.load_params(params),
        load_targets(targets),
        replications=2,  # another setup: its points are not reused
        work_dir=tmp_path / "work",
        trials_file=trials,
        confirm=False,
    )
    assert other.evaluations == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "give at least one [[param]]"),
        ("[[param]]\nlow = 0\nhigh = 1\n", "key: give the scenario key"),
        (f'[[param]]\nkey = "{KEY}"\nlow = 0.5\nhigh = 0.5\n', "low: must be below high"),
        (f'[[param]]\nkey = "{KEY}"\nlow = "a"\nhigh = 0.5\n', "low: must be a number"),
        (f'[[param]]\nkey = "{KEY}"\nlow = 0\nhigh = 0.5\nlog = true\n', "needs low > 0"),
        (f'[[param]]\nkey = "{KEY}"\nlow = 0.1\nhigh = 0.5\nstep = 1\n', "step: unknown key"),
        ("[[param]\n", "not a TOML file"),
        (f'[[param]]\nkey = "{KEY}"\nlow = 0.6\nhigh = 0.8\n', "lies outside [0.6, 0.8]"),
        ('[[param]]\nkey = "om.no_such_key"\nlow = 0.1\nhigh = 0.8\n', "not a key of the scenario"),
        (f'[[param]]\nkey = "{KEY}"\nlow = 0.1\nhigh = 1.5\n', f"param {KEY} = 1.5"),  # a bound the scenario refuses
    ],
)
def test_a_bad_parameters_file_is_refused_naming_the_file_and_the_entry(synthetic, tmp_path, text, message):
    scenario, targets, _ = synthetic
    params = tmp_path / "params.toml"
    params.write_text(text)
    out = tmp_path / "out"
    r = runner.invoke(
        app, ["calibrate", str(scenario), "--targets", str(targets), "--params", str(params), "-o", str(out)]
    )
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, r.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["params.toml"]


def test_a_run_too_short_to_validate_is_refused_before_any_work(synthetic, tmp_path):
    scenario, targets, params = synthetic
    r = runner.invoke(
        app,
        ["calibrate", str(scenario), "--targets", str(targets), "--params", str(params), "--set", "horizon_days=200"],
    )
    assert r.exit_code == 2 and "no full calendar year of intake" in r.output and "--set" in r.output, r.output
    r = runner.invoke(
        app, ["calibrate", str(scenario), "--targets", str(targets), "--params", str(params), "--holdout", "nope"]
    )
    assert r.exit_code == 2 and "--holdout nope: no target" in r.output, r.output
    r = runner.invoke(
        app, ["calibrate", str(scenario), "--targets", str(targets), "--params", str(params), "--kind", "x"]
    )
    assert r.exit_code == 2 and "--kind x: no target of this kind (the targets have share, volume)" in r.output, (
        r.output
    )


def test_kind_fits_only_the_targets_of_that_kind(synthetic, tmp_path):
    scenario, targets, params = synthetic
    c = cal.Calibration(
        scenario, cal.load_params(params), load_targets(targets), kinds=["share"], work_dir=tmp_path, confirm=False
    )
    assert [t.label for t in c.fit_targets] == ["om_via_zsm_share 2019"] and c.holdout_targets == []


def _row(value, model, tol=0.05, kind="relative", weight=1.0):
    t = Target("k", 2019, value, "u", "volume", "target", "om_intake", "", tol, kind, weight, "s")
    return ValidationRow(t, 2019, model, math.nan, math.nan, 1)


def test_the_objective_is_the_weighted_rms_of_errors_in_units_of_tolerance():
    assert cal.target_z(_row(100, 105)) == pytest.approx(1.0)  # 5% off with a 5% tolerance: at the band's edge
    assert cal.target_z(_row(0.5, 0.45, 0.05, "absolute")) == pytest.approx(-1.0)
    assert cal.weighted_error([_row(100, 110), _row(100, 100, weight=3)]) == pytest.approx(math.sqrt(4 / 4))
    assert cal.weighted_error([_row(100, math.nan)]) == pytest.approx(cal.MISSING_Z)


def test_a_full_calendar_year_after_the_warm_up_is_needed_to_compare_anything():
    sc = load(ROOT / "tests" / "golden" / "small.toml")
    assert not cal.has_full_year(sc)
    assert cal.has_full_year(sc.model_copy(update={"warmup_days": 0.0, "horizon_days": 365.0}))
    assert not cal.has_full_year(sc.model_copy(update={"warmup_days": 365.0, "horizon_days": 730.0}))  # 2020: 366
    assert cal.has_full_year(sc.model_copy(update={"warmup_days": 365.0, "horizon_days": 731.0}))


def test_ctrl_c_keeps_the_finished_points_writes_nothing_that_looks_finished_and_the_same_command_resumes(
    synthetic, tmp_path, monkeypatch
):
    out = tmp_path / "cal"
    real = cal.Calibration.simulate
    calls = []

    def interrupted_third(self, *a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, *a, **k)

    monkeypatch.setattr(cal.Calibration, "simulate", interrupted_third)
    r = _calibrate(synthetic, out, "--budget", "4", "--no-confirm")
    assert r.exit_code != 0 and "interrupted after 2 points" in r.output, r.output
    assert not out.exists() and not (tmp_path / ".cal.calibrate-work").exists()
    assert len((tmp_path / ".cal.trials.jsonl").read_text().splitlines()) == 2
    monkeypatch.setattr(cal.Calibration, "simulate", real)
    r = _calibrate(synthetic, out, "--budget", "4", "--no-confirm")
    assert r.exit_code == 0 and "2 resumed" in r.output, r.output
    assert len((out / "trials.csv").read_text().splitlines()) == 1 + 4
    assert not (tmp_path / ".cal.trials.jsonl").exists()


def test_a_figure_the_search_runs_cannot_compute_is_left_out_of_their_error_not_a_constant_penalty(
    synthetic, tmp_path, monkeypatch
):
    scenario, targets, params = synthetic
    c = cal.Calibration(
        scenario, cal.load_params(params), load_targets(targets), work_dir=tmp_path / "w", confirm=False
    )
    share, volume = sorted(c.fit_targets, key=lambda t: t.kind == "volume")
    fake = [ValidationRow(share, 2019, share.value + 0.05, math.nan, math.nan, 1)]
    fake.append(ValidationRow(volume, 2019, math.nan, math.nan, math.nan, 0, "not computed: too short"))
    other = Target("ref", 2019, 1.0, "u", "volume", "reference", "om_intake", "", 0.05, "relative", 1.0, "s")
    fake.append(ValidationRow(other, None, math.nan, math.nan, math.nan, 0, "a reference"))
    monkeypatch.setattr(cal.Calibration, "simulate", lambda *a, **k: fake)
    ev = c.evaluate(c.start)
    assert c.search_uncomputed == {volume.label} and c.searched == 1
    assert ev.error == pytest.approx(1.0)  # the share alone, 5 points off with a 5-point tolerance
    assert cal.weighted_error(fake) > 7  # the confirming run's error still counts it
