"""`ketensim need` (issue 12 §2): the capacity each year of a forecast intake needs, at quantiles of the forecast's
intake — the band is ordered (more intake never needs less), each year's answer meets and one step below does not,
the outputs are written, and bad input is refused with exit 2 and nothing written."""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.capacity_search import SearchError, Target
from sim.cli import app
from sim.need import NeedStudy, parse_quantiles, parse_years

runner = CliRunner()
SMALL = ROOT / "tests" / "golden" / "small.toml"
CRIME = ROOT / "calibration" / "data" / "registered_crime.csv"
LEVER = "courts.sessions.politierechter.per_week"
TARGET = "days_summons_to_first_hearing_mean[regular_pr] <= 27"
SHARES = {"vvc": 0.596, "hic": 0.152, "other": 0.249}  # as scenarios/forecast-2025.toml, at the small chain's 5%


@pytest.fixture(scope="module")
def forecast_file(tmp_path_factory):
    f = tmp_path_factory.mktemp("need") / "small-forecast.toml"
    lines = [f'extends = "{SMALL}"', 'name = "small-forecast"', "start_date = 2025-01-01"]
    lines += ["horizon_days = 160.0", "warmup_days = 40.0", "runout_days = 60.0"]
    for stream, share in SHARES.items():
        lines += [f"[intake.streams.{stream}.volume]", f'forecast = "{CRIME}"']
        lines += ['series = "geregistreerde_misdrijven_totaal"', "start = 1990", f"share = {share * 0.05:.5f}"]
    f.write_text("\n".join(lines) + "\n")
    return f


def test_years_and_quantiles_parse():
    assert parse_years("2025-2027") == [2025, 2026, 2027] and parse_years("2027, 2025") == [2025, 2027]
    assert parse_quantiles("0.9,0.1") == [0.1, 0.9]
    for bad in ("2025-2020", "25-27", "soon"):
        with pytest.raises(SearchError):
            parse_years(bad)
    for bad in ("0", "1.5", "a"):
        with pytest.raises(SearchError):
            parse_quantiles(bad)


@pytest.mark.long  # about 30 s of searches; the CLI test covers the command: with the long tests, which CI runs
def test_need_per_year_is_ordered_by_intake_and_meets(forecast_file, tmp_path):
    study = NeedStudy(
        forecast_file,
        [LEVER],
        [Target.parse(TARGET)],
        [2026],
        [0.1, 0.9],
        overrides={"horizon_days": 160.0},
        runs_file=tmp_path / "runs.jsonl",
        step=0.5,
        lower=2.0,
        upper=9.0,
        budget=30,
        min_replications=2,
        max_replications=4,
    )
    rows = study.run()
    assert [(r.year, r.quantile) for r in rows] == [(2026, 0.1), (2026, 0.9)]
    for year in (2026,):
        low, high = (r for r in rows if r.year == year)
        assert sum(high.intake.values()) > sum(low.intake.values())  # the 90% intake is above the 10%
        assert low.answered.answer is not None and high.answered.answer is not None, high.answered.message
        assert high.answered.answer >= low.answered.answer  # more intake never needs less capacity
        for r in (low, high):
            sc = r.search.base
            assert sc.start_date.year == year and sc.horizon_days == 160.0  # the user's horizon is kept
            assert sc.intake.streams["vvc"].forecast is None  # the intake is fixed at the quantile
            points = {p.value: p for p in r.answered.points}
            assert points[r.answered.answer].verdict(r.search.targets, 0.95) == "meets"
            if r.answered.below is not None:
                assert points[r.answered.below].verdict(r.search.targets, 0.95) != "meets"
    # the intake at a quantile is the forecast's: the band is wider two years further ahead (uncertainty grows)
    width = {y: study.intake_at(y, 0.9)["vvc"] - study.intake_at(y, 0.1)["vvc"] for y in (2025, 2028)}
    assert width[2028] > width[2025] > 0


def test_cli_need_writes_the_table_and_plot_and_refuses_bad_input(forecast_file, tmp_path):
    out = tmp_path / "need"
    args = ["need", str(forecast_file), "--years", "2026", "--lever", LEVER, "--target", TARGET, "--quantiles", "0.5"]
    args += ["--step", "1", "--min", "2", "--max", "9", "--budget", "16", "--min-replications", "2"]
    args += ["--max-replications", "3", "--out", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "Capacity needed per forecast year" in r.output
    rows = list(csv.DictReader((out / "need.csv").open()))
    assert [(x["year"], x["quantile"]) for x in rows] == [("2026", "0.5")]
    assert rows[0]["need"] and float(rows[0]["intake_offences"]) > 0
    assert (out / "need.png").stat().st_size > 10_000 and (out / "2026-q50" / "answer.json").exists()
    assert (out / "need.json").exists() and (out / "runs.jsonl").exists()
    # the workshop report reads the folder as it is written (`ketensim report ... --study OUT`)
    from sim import studies

    problems: list[str] = []
    study = studies.read_study(out, problems)
    assert study is not None and study.kind == "need", problems
    html_text = studies.section([study])
    assert "Capacity need per forecast year" in html_text and LEVER in html_text and "2026" in html_text
    assert html_text.count("<img") == 1 and rows[0]["need"].split(".")[0] in html_text
    # bad input: exit 2, the reason, nothing written
    bad = tmp_path / "bad"
    r = runner.invoke(
        app, ["need", str(SMALL), "--years", "2026", "--lever", LEVER, "--target", TARGET, "--out", str(bad)]
    )
    assert r.exit_code == 2 and "no stream's volume is a forecast" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["need", str(forecast_file), "--years", "later", "--lever", LEVER, "--target", TARGET])
    assert r.exit_code == 2 and "--years" in r.output
    assert not bad.exists()
