"""`ketensim capacity` (issue 12 §1): the smallest lever value meeting the targets at the stated confidence, by
simulation with common random numbers — the answer meets, the value one step below does not, a stricter target
never needs less, an interrupted search resumes from its runs, and bad levers or targets are refused."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.capacity_search import CapacitySearch, Point, SearchError, Target
from sim.cli import app

runner = CliRunner()
SMALL = ROOT / "tests" / "golden" / "small.toml"
LEVER = "courts.sessions.politierechter.per_week"
SHORT = {"horizon_days": 160.0, "warmup_days": 40.0, "runout_days": 60.0}


def test_targets_parse_and_decide_on_the_whole_interval():
    t = Target.parse("days_summons_to_first_hearing_mean[regular_pr] <= 25")
    assert (t.metric, t.group, t.op, t.value) == ("days_summons_to_first_hearing_mean", "regular_pr", "<=", 25.0)
    assert Target.parse("pr_within_5_weeks_share >= 90%") == Target("pr_within_5_weeks_share", "all", ">=", 0.9)
    assert t.verdict(20, 24.9) == "meets" and t.verdict(25.1, 30) == "fails" and t.verdict(24, 26) == "undecided"
    up = Target.parse("pr_within_5_weeks_share > 0.9")
    assert (
        up.verdict(0.91, 0.95) == "meets" and up.verdict(0.8, 0.89) == "fails" and up.verdict(0.85, 0.95) == "undecided"
    )
    for bad in ("pr_within_5_weeks_share", "x >= ", "a[b] == 3", ">= 3"):
        with pytest.raises(SearchError):
            Target.parse(bad)
    p = Point(1.0, {str(t): [20.0, 21.0, 22.0]})
    mean, low, high = p.interval(t, 0.95)
    assert mean == 21.0 and low < 21 < high and math.isclose(high - 21.0, 4.303 * 1.0 / math.sqrt(3), rel_tol=1e-3)


def _search(tmp_path, target: str, **kw) -> CapacitySearch:
    return CapacitySearch(
        SMALL,
        LEVER,
        [Target.parse(target)],
        overrides=SHORT,
        step=0.5,
        lower=2.0,
        upper=8.0,
        budget=kw.pop("budget", 60),
        runs_file=tmp_path / "runs.jsonl",
        **kw,
    )


@pytest.mark.long  # about 22 s; the CLI and Erlang C tests cover the search: with the long tests, which CI runs
def test_the_answer_meets_the_value_below_does_not_and_a_second_search_reuses_every_run(tmp_path):
    s = _search(tmp_path, "days_summons_to_first_hearing_mean[regular_pr] <= 26")
    r = s.run()
    assert r.answer is not None and r.below is not None and not r.budget_exhausted, r.message
    assert math.isclose(r.answer - r.below, 0.5)
    by_value = {p.value: p for p in r.points}
    assert by_value[r.answer].verdict(s.targets, 0.95) == "meets"
    assert by_value[r.below].verdict(s.targets, 0.95) != "meets"
    # common random numbers: every value ran replications 0..n-1 with the same seed (the runs file says so)
    runs = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert {x["seed"] for x in runs} == {s.seed}
    assert all(
        sorted(x["replication"] for x in runs if x["value"] == v)
        == list(range(len(by_value[v].kpis[str(s.targets[0])])))
        for v in by_value
    )
    # the same search again reuses every run: nothing new is simulated, the same answer comes out
    again = _search(tmp_path, "days_summons_to_first_hearing_mean[regular_pr] <= 26")
    r2 = again.run()
    assert r2.replications_run == 0 and r2.answer == r.answer


@pytest.mark.long
def test_a_stricter_target_needs_no_less(tmp_path):
    r = _search(tmp_path, "days_summons_to_first_hearing_mean[regular_pr] <= 26").run()
    stricter = _search(tmp_path, "days_summons_to_first_hearing_mean[regular_pr] <= 23").run()
    assert r.answer is not None and (stricter.answer is None or stricter.answer >= r.answer)


def test_a_budget_that_runs_out_is_said(tmp_path):
    r = _search(tmp_path, "days_summons_to_first_hearing_mean[regular_pr] <= 26", budget=4).run()
    assert r.budget_exhausted and "budget" in r.message and r.replications_run <= 4


def test_levers_and_targets_that_cannot_be_searched_are_refused(tmp_path):
    with pytest.raises(SearchError, match="no such key"):
        CapacitySearch(SMALL, "courts.sessions.politierechtr.per_week", [Target.parse("cases <= 1")])
    with pytest.raises(SearchError, match="plain number"):
        CapacitySearch(SMALL, "courts.sessions.politierechter", [Target.parse("cases <= 1")])
    with pytest.raises(SearchError, match="not a key figure"):
        CapacitySearch(SMALL, LEVER, [Target.parse("lead_time <= 1")])


def test_cli_writes_the_answer_table_and_curve(tmp_path):
    out = tmp_path / "cap"
    args = ["capacity", str(SMALL), "--lever", LEVER, "--step", "0.5", "--min", "2", "--max", "8", "--budget", "40"]
    args += ["--target", "days_summons_to_first_hearing_mean[regular_pr] <= 26", "--out", str(out)]
    args += [f"--set={k}={v}" for k, v in SHORT.items()]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "[regular_pr]" in r.output and "answer:" in r.output
    answer = json.loads((out / "answer.json").read_text())
    assert answer["lever"] == LEVER and answer["answer"] is not None and answer["settings"] == SHORT
    assert (out / "capacity_curve.png").stat().st_size > 10_000 and (out / "runs.jsonl").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cap"]  # the runs kept beside it are moved in
    r = runner.invoke(app, [*args[:-2], "--out", str(out)])
    assert r.exit_code == 2 and "already exists" in r.output
    r = runner.invoke(app, ["capacity", str(SMALL), "--lever", LEVER, "--target", "nonsense"])
    assert r.exit_code == 2 and "KPI[group] OP VALUE" in r.output and "Traceback" not in r.output


@pytest.mark.long  # the CLI's per-region test stays in the quick suite: with the long tests, which CI runs
def test_per_region_answers_set_each_districts_own_number(tmp_path):
    two = tmp_path / "two.toml"
    two.write_text(
        f'extends = "{SMALL}"\nname = "two"\n[regions]\n_replace = true\n'
        "[regions.north]\nshare = 0.5\n[regions.south]\nshare = 0.5\n"
    )
    target = [Target.parse("days_summons_to_first_hearing_mean[regular_pr] <= 27")]
    kw = dict(overrides=SHORT, step=0.5, lower=0.5, upper=6.0, budget=40)
    north = CapacitySearch(two, LEVER, target, region="north", runs_file=tmp_path / "r.jsonl", **kw)
    assert north.current == pytest.approx(5.0 / 2)  # the district's share of the national sessions
    r = north.run()
    assert r.region == "north" and r.answer is not None, r.message
    sc = north._variant(r.answer)
    assert sc.chain("north").courts.sessions["politierechter"].per_week.points == ((dt.date.min, r.answer),)
    assert sc.chain("south").courts.sessions["politierechter"].per_week.points[0][1] == pytest.approx(5.0 / 2)
    with pytest.raises(SearchError, match="national pool"):
        CapacitySearch(two, "execution.custodial.cells", target, region="north")
    with pytest.raises(SearchError, match="not a region"):
        CapacitySearch(two, LEVER, target, region="east")


def test_cli_per_region_writes_one_answer_per_district(tmp_path):
    two = tmp_path / "two.toml"
    two.write_text(
        f'extends = "{SMALL}"\nname = "two"\n[regions]\n_replace = true\n'
        "[regions.north]\nshare = 0.5\n[regions.south]\nshare = 0.5\n"
    )
    out = tmp_path / "cap"
    args = ["capacity", str(two), "--lever", LEVER, "--step", "1", "--min", "1", "--max", "5", "--budget", "12"]
    args += ["--target", "days_summons_to_first_hearing_mean[regular_pr] <= 27", "--per-region", "--out", str(out)]
    args += [f"--set={k}={v}" for k, v in SHORT.items()]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "Capacity needed per arrondissement" in r.output
    lines = (out / "answers.csv").read_text().splitlines()
    assert [ln.split(",")[0] for ln in lines[1:]] == ["north", "south"]
    assert (out / "north" / "answer.json").exists() and (out / "south" / "capacity_curve.png").exists()


def test_on_a_textbook_mmc_station_the_search_finds_the_c_erlang_c_says(tmp_path):
    """Detectives as an M/M/c station (λ = 8 a day, a mean of one day of work): the smallest c whose mean wait is
    below a target placed between Erlang C's waits at c*-1 and c*, found at 95% confidence in a bounded number of
    runs; the answer is monotone in the target."""
    import tomli_w
    from conftest import mmc_raw

    from sim.textbook import erlang_c_wait

    lam, mu = 8.0, 1.0
    waits = {c: erlang_c_wait(lam, mu, c) for c in range(9, 16)}
    c_star = 11
    target = math.sqrt(waits[c_star] * waits[c_star - 1])  # between the two, on a log scale
    f = tmp_path / "mmc.toml"
    f.write_text(tomli_w.dumps(mmc_raw(lam, mu, 20, days=700.0, warmup=100.0)))
    s = CapacitySearch(
        f, "police.detective_fte", [Target.parse(f"station_wait_days[detectives] <= {target}")], budget=120, upper=40
    )
    r = s.run()
    assert r.answer == c_star and r.below == c_star - 1, (r.message, waits, target)
    assert r.replications_run <= 120 and not r.budget_exhausted
    stricter = math.sqrt(waits[c_star + 1] * waits[c_star])  # between c*+1 and c*
    s2 = CapacitySearch(
        f, "police.detective_fte", [Target.parse(f"station_wait_days[detectives] <= {stricter}")], budget=120, upper=40
    )
    assert s2.run().answer == c_star + 1


def test_several_levers_move_together_as_one_factor(tmp_path):
    """Two levers at once (politierechter sessions and the regular OM's staff): the search is over one
    factor on both; at the answer both are that factor times their value now, the factor meets and one step below
    does not, and the command line writes each lever's value at the answer."""
    levers = [LEVER, "om.regular.fte"]
    target = "days_summons_to_first_hearing_mean[regular_pr] <= 27"
    few = dict(min_replications=2, max_replications=4, step=0.2, lower=0.6, upper=1.8, budget=30)
    runs = tmp_path / "runs.jsonl"
    s = CapacitySearch(SMALL, levers, [Target.parse(target)], overrides=SHORT, runs_file=runs, **few)  # type: ignore[arg-type]
    assert s.together and s.current == 1.0 and set(s.now) == set(levers)
    r = s.run()
    assert r.answer is not None and r.below is not None and not r.budget_exhausted, r.message
    assert math.isclose(r.answer - r.below, 0.2)
    for k in levers:
        now, at, below = r.levers[k]
        assert (
            now == s.now[k] and at == pytest.approx(s.now[k] * r.answer) and below == pytest.approx(s.now[k] * r.below)
        )
    sc = s._variant(r.answer)
    assert sc.chain("district").courts.sessions["politierechter"].per_week.points[0][1] == pytest.approx(
        s.now[LEVER] * r.answer
    )
    assert sc.om.regular.fte.points[0][1] == pytest.approx(s.now["om.regular.fte"] * r.answer)
    assert "factor" in r.message and LEVER in r.message
    # the same from the command line, which reuses the runs above (kept beside its output folder)
    out = tmp_path / "cap"
    runs.rename(tmp_path / ".cap.runs.jsonl")
    args = ["capacity", str(SMALL), "--lever", LEVER, "--lever", "om.regular.fte", "--target", target]
    args += ["--step", "0.2", "--min", "0.6", "--max", "1.8", "--budget", "30", "--out", str(out)]
    args += ["--min-replications", "2", "--max-replications", "4"]
    args += [f"--set={k}={v}" for k, v in SHORT.items()]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    head, row = (out / "answers.csv").read_text().splitlines()[:2]
    cells = dict(zip(head.split(","), row.split(",")))
    assert float(cells["answer"]) == pytest.approx(r.answer)
    assert float(cells[f"{LEVER} at answer"]) == pytest.approx(s.now[LEVER] * r.answer)
    assert "(0 replications run)" in " ".join(res.output.split())  # nothing simulated again


def test_a_search_on_a_dask_cluster_sees_the_same_replications(tmp_path):
    """`capacity --executor dask`: the search's replications at a lever value are the same on a local Dask cluster
    as in this process (each replication draws from its own streams), so the answer cannot depend on where it ran."""
    pytest.importorskip("dask.distributed")
    from sim.executors import open_executor

    target = [Target.parse("days_summons_to_first_hearing_mean[regular_pr] <= 26")]
    here = CapacitySearch(SMALL, LEVER, target, overrides=SHORT).ensure(5.0, 2)
    with open_executor("dask", None, 2) as ex:
        there = CapacitySearch(SMALL, LEVER, target, overrides=SHORT, executor=ex).ensure(5.0, 2)
    assert there.kpis == here.kpis and len(here.kpis[str(target[0])]) == 2
