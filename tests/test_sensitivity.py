"""`ketensim sensitivity` (issue 12 §3): on the small scenario a bottleneck's capacity ranks above an assumption that
cannot matter, in the tornado and in Morris; the tornado's points are paired (an assumption that cannot move a figure
changes it by exactly zero, while the figure does vary between replications); Morris gives one row per assumption
per key figure; an interrupted study resumes from its journal; bad input is refused before anything is written."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.calibrate import Param
from sim.cli import app
from sim.figures.sensitivity import tornado_figure
from sim.scenario import load
from sim.sensitivity import Kpi, Sensitivity, SensitivityError, parse_kpis, percent_params, tornado_csv

runner = CliRunner()
SMALL = ROOT / "tests" / "golden" / "small-empty.toml"  # an empty start: the queue is the cohort's own
SHORT = {"horizon_days": 160.0, "warmup_days": 40.0, "runout_days": 60.0}
SHORT_SET = [a for k, v in SHORT.items() for a in ("--set", f"{k}={v}")]
BOTTLENECK = "courts.sessions.politierechter.per_week"  # 5.0 a week; at 1.5 the politierechter queue grows
IRRELEVANT = "appeal.preparation.mean"  # an appeal starts after the verdict: first-instance figures next to unmoved
WAIT = Kpi("days_summons_to_first_hearing_mean", "regular_pr")
PARAMS = [
    Param(IRRELEVANT, 50.0, 200.0, log=True),
    Param(BOTTLENECK, 1.5, 8.0),
    Param("courts.adjournment_min_days", 28.0, 120.0, integer=True),
]


@pytest.fixture(scope="module")
def tornado(tmp_path_factory):
    runs = tmp_path_factory.mktemp("tornado") / "runs.jsonl"
    study = Sensitivity(
        SMALL, PARAMS, [WAIT, Kpi("pr_within_5_weeks_share")], overrides=SHORT, replications=2, runs_file=runs, jobs=2
    )
    return study, study.tornado(), runs


def _rows(rows, kpi):
    return {r.param.key: r for r in rows if r.kpi == kpi}


def test_tornado_ranks_the_bottleneck_first_and_an_assumption_that_cannot_matter_last(tornado):
    study, rows, _ = tornado
    by_key = _rows(rows, WAIT)
    assert [r.rank for r in rows if r.kpi == WAIT] == [1, 2, 3]
    assert by_key[BOTTLENECK].rank == 1 and by_key[IRRELEVANT].rank == 3
    low = by_key[BOTTLENECK]
    assert low.low_value == 1.5 and low.high_value == 8.0 and low.reference_value == 5.0
    assert low.at_low[1] > 0, "fewer sessions must lengthen the wait for a first hearing, beyond chance"
    assert math.isclose(low.swing, max(low.at_low[0], low.at_high[0], 0) - min(low.at_low[0], low.at_high[0], 0))


def test_tornado_points_are_paired_by_common_random_numbers(tornado):
    study, rows, runs = tornado
    # the assumption that cannot matter changes every figure by exactly zero, at both ends, with no spread ...
    for kpi in study.kpis:
        r = _rows(rows, kpi)[IRRELEVANT]
        assert r.at_low == (0.0, 0.0, 0.0) and r.at_high == (0.0, 0.0, 0.0) and r.swing == 0.0
    # ... although the figure does vary between replications: the zero is the pairing's, not a constant figure's
    ref = study.simulate([study.reference])[0]
    assert ref[0][str(WAIT)] != ref[1][str(WAIT)]
    # every point ran replications 0 and 1 with the same seed, and the journal says so
    lines = [json.loads(line) for line in runs.read_text().splitlines()]
    assert len(lines) == 2 * len(study.tornado_points())
    assert {line["setup"] for line in lines} == {study._setup()} and f", {study.seed}," in lines[0]["setup"]
    ran = sorted((json.dumps(line["values"], sort_keys=True), line["replication"]) for line in lines)
    assert ran == sorted((json.dumps(p, sort_keys=True), rep) for p in study.tornado_points() for rep in (0, 1))


def test_a_dask_cluster_gives_the_same_changes_as_worker_processes(tornado):
    from sim.executors import open_executor

    _, rows, _ = tornado
    with open_executor("dask", jobs=2) as ex:
        on_dask = Sensitivity(SMALL, PARAMS[:2], [WAIT], overrides=SHORT, replications=2, executor=ex).tornado()
    processes = _rows(rows, WAIT)
    for r in on_dask:
        assert (r.at_low, r.at_high) == (processes[r.param.key].at_low, processes[r.param.key].at_high)


def test_tornado_csv_has_a_row_per_assumption_per_key_figure(tornado):
    study, rows, _ = tornado
    table = list(csv.DictReader(tornado_csv(rows).splitlines()))
    assert len(table) == len(PARAMS) * len(study.kpis)
    first = next(r for r in table if r["kpi"] == str(WAIT) and r["rank"] == "1")
    assert first["param"] == BOTTLENECK and float(first["change_at_low"]) > 0 and first["replications"] == "2"


def test_tornado_figure_draws_the_changes_in_the_figures_unit(tornado):
    _, rows, _ = tornado
    share = [r for r in rows if r.kpi == Kpi("pr_within_5_weeks_share")]
    fig = tornado_figure(share, scenario="small")
    ax = fig.axes[0]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    expected = sorted(round(100 * x, 6) for r in share for x in (r.at_low[0], r.at_high[0]))  # a share: points
    assert widths == expected
    assert "percentage points" in ax.get_xlabel() and fig.get_figwidth() / fig.get_figheight() == pytest.approx(16 / 9)


def test_a_study_started_again_resumes_from_its_journal(tornado):
    study, rows, runs = tornado
    again = Sensitivity(SMALL, PARAMS, study.kpis, overrides=SHORT, replications=2, runs_file=runs)
    assert again.replications_of(again.tornado_points()) == (2 * len(again.tornado_points()), 0)
    assert again.tornado() == rows and again.replications_run == 0
    other_seed = Sensitivity(SMALL, PARAMS, study.kpis, overrides=SHORT, replications=2, runs_file=runs, seed=7)
    assert other_seed.replications_of(other_seed.tornado_points())[1] == 2 * len(other_seed.tornado_points())


def test_morris_has_one_row_per_assumption_per_key_figure_and_ranks_the_bottleneck_first(tmp_path):
    kpis = [WAIT, Kpi("pr_within_5_weeks_share")]
    study = Sensitivity(SMALL, PARAMS, kpis, overrides=SHORT, replications=1)
    x, points = study.morris_design(trajectories=4)
    assert len(points) == 4 * (len(PARAMS) + 1) and x.shape == (len(points), len(PARAMS))
    assert all(float(p["courts.adjournment_min_days"]).is_integer() for p in points)  # whole numbers rounded
    assert all(50 <= p[IRRELEVANT] <= 200 for p in points)  # sampled on the log scale, within the range
    rows = study.morris(trajectories=4)
    assert sorted((str(r.kpi), r.param.key) for r in rows) == sorted((str(k), p.key) for k in kpis for p in PARAMS)
    by_key = _rows(rows, WAIT)
    assert by_key[BOTTLENECK].rank == 1 and by_key[BOTTLENECK].mu_star > 1.0
    # next to nothing: an appeal moves a first hearing only through the claims its final judgment can bring into
    # the snelrecht sessions' free slots, which the politierechter's backlog also takes
    assert by_key[IRRELEVANT].rank == 3 and by_key[IRRELEVANT].mu_star < 0.01 * by_key[BOTTLENECK].mu_star
    assert all(r.points == len(points) and r.mu_star_conf >= 0 for r in rows)


def test_percent_ranges_are_around_the_scenario_values():
    sc = load(SMALL, overrides=SHORT)
    (p,) = percent_params(sc, [BOTTLENECK], 20)
    assert (p.low, p.high, p.integer) == (pytest.approx(4.0), pytest.approx(6.0), False)
    (judges,) = percent_params(sc, ["courts.sessions.politierechter.judges"], 50)  # an int setting stays whole
    assert judges.integer
    with pytest.raises(SensitivityError, match="no range"):
        percent_params(sc, ["courts.sessions.politierechter.judges"], 20)  # ±20% of 1 judge rounds to 1
    with pytest.raises(SensitivityError, match="not a key"):
        percent_params(sc, ["courts.nothing"], 20)


def test_kpis_are_read_as_metric_and_group():
    assert parse_kpis(["days_to_decision_p50[regular]", "pr_within_5_weeks_share"]) == [
        Kpi("days_to_decision_p50", "regular"),
        Kpi("pr_within_5_weeks_share"),
    ]
    for bad, why in (
        ("no_such_figure", "not a key figure"),
        ("a[b", "give KPI"),
        ("pr_within_5_weeks_share >= 1", "give"),
    ):
        with pytest.raises(SensitivityError, match=why):
            parse_kpis([bad])


# ------------------------------------------------------------------------------------------------ command line


def _cli(out, *extra):
    return runner.invoke(
        app,
        ["sensitivity", str(SMALL), "--kpi", str(WAIT), *SHORT_SET, "-r", "2", "--out", str(out), *extra],
    )


def test_cli_writes_the_tornado_its_figures_and_provenance_and_never_overwrites_without_force(tmp_path):
    out = tmp_path / "sens"
    args = ["--param", BOTTLENECK, "--param", IRRELEVANT, "--percent", "60", "--kpi", "pr_within_5_weeks_share"]
    r = _cli(out, *args)
    assert r.exit_code == 0, r.output
    table = list(csv.DictReader((out / "tornado.csv").open()))
    assert [row["param"] for row in table if row["kpi"] == str(WAIT)] == [BOTTLENECK, IRRELEVANT]
    from matplotlib.image import imread

    png = imread(out / f"tornado-{WAIT.slug}.png")
    assert png.shape[1] / png.shape[0] == pytest.approx(16 / 9) and png.std() > 0.05
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 20240 and prov["method"] == "tornado" and prov["ketensim_version"]
    assert [p["key"] for p in prov["params"]] == [BOTTLENECK, IRRELEVANT] and prov["params"][0]["reference"] == 5.0
    assert load(out / "scenario.toml").horizon_days == 160.0  # the resolved reference, --set included
    assert (out / "runs.jsonl").is_file() and not list(tmp_path.glob(".sens*")), "working files left beside"
    before = (out / "tornado.csv").read_text()
    again = _cli(out, *args)
    assert again.exit_code == 2 and "--force" in again.output and (out / "tornado.csv").read_text() == before
    assert _cli(out, *args, "--force").exit_code == 0


def test_cli_morris_writes_its_table(tmp_path):
    params = tmp_path / "params.toml"
    params.write_text(
        f'[[param]]\nkey = "{BOTTLENECK}"\nlow = 1.5\nhigh = 8\n\n[[param]]\nkey = "{IRRELEVANT}"\nlow = 50\nhigh = 200\n'
    )
    out = tmp_path / "morris"
    r = _cli(out, "--params", str(params), "--method", "morris", "--trajectories", "3", "-r", "1")
    assert r.exit_code == 0, r.output
    table = list(csv.DictReader((out / "morris.csv").open()))
    assert [(row["rank"], row["param"]) for row in table] == [("1", BOTTLENECK), ("2", IRRELEVANT)]
    assert float(table[1]["mu_star"]) == 0 and (out / f"morris-{WAIT.slug}.png").stat().st_size > 20_000


@pytest.mark.parametrize(
    "entry, args, message",
    [
        ('key = "courts.no_such_key"\nlow = 1\nhigh = 2', [], "courts.no_such_key: not a key of the scenario"),
        (f'key = "{BOTTLENECK}"\nlow = 6\nhigh = 6', [], "low: must be below high"),
        (f'key = "{BOTTLENECK}"\nlow = 6\nhigh = 9', [], "5 lies outside [6, 9]"),
        (
            f'key = "{BOTTLENECK}"\nlow = 1\nhigh = 9',
            ["--kpi", "no_such_figure"],
            "'no_such_figure' is not a key figure",
        ),
        (f'key = "{BOTTLENECK}"\nlow = 1\nhigh = 9', ["--kpi", "cases[nowhere]"], "no group 'nowhere' of cases"),
        (f'key = "{BOTTLENECK}"\nlow = 1\nhigh = 9', ["--percent", "20"], "--percent: give the keys"),
        (f'key = "{BOTTLENECK}"\nlow = 1\nhigh = 9', ["-r", "1"], "a tornado needs at least 2"),
    ],
)
def test_bad_input_exits_2_naming_the_problem_and_writes_nothing(tmp_path, entry, args, message):
    params = tmp_path / "params.toml"
    params.write_text(f"[[param]]\n{entry}\n")
    out = tmp_path / "out"
    r = _cli(out, "--params", str(params), *args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["params.toml"], "something was written"


def test_the_assumptions_must_be_given(tmp_path):
    r = _cli(tmp_path / "out")
    assert r.exit_code == 2 and "--params FILE, or --param KEY" in r.output
    r = _cli(tmp_path / "out", "--param", BOTTLENECK)
    assert r.exit_code == 2 and "give --percent too" in r.output
    assert not any(tmp_path.iterdir())


def test_journal_values_are_exact(tornado):
    """A point is known by its values: the journal holds the values it ran (integers rounded), so a resumed study
    finds it again whatever way the range was given."""
    study, _, runs = tornado
    values = [json.loads(line)["values"] for line in runs.read_text().splitlines()]
    assert {v["courts.adjournment_min_days"] for v in values} == {28.0, 56.0, 120.0}
    assert all(np.isfinite(list(v.values())).all() for v in values)
