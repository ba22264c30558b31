"""Capacities in planning units and capacities that bind (issue 9, §2 and §5): work in hours at stations staffed in
fte, standing stocks that make regular OM handling, the detectives and the gerechtshof real queues, the
selectiviteitskader acting on offences without a known suspect, and the station key figures."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from conftest import BASELINE, small_scenario

from sim import scenario as S
from sim.domain import Stage
from sim.model import run_replication
from sim.runner import run_scenario
from sim.textbook import tandem_raw


def _station(res, prefix: str) -> dict:
    return next(st for st in res.stations if st["station"].startswith(prefix))


def _one_station(lam: float, fte: float, hours_per_fte: float, mean_hours: float, days: float = 1500.0, **police):
    """A chain in which only the detectives work: `fte` detectives of `hours_per_fte` hours a week, exponential work
    of `mean_hours` hours per case, `lam` cases a day."""
    raw = tandem_raw(lam, [(1, 1.0)], days, 200.0, replications=1)
    raw["police"].update(
        detective_fte=fte,
        hours_per_fte_per_week=hours_per_fte,
        investigation_hours={"dist": "exponential", "mean": mean_hours},
        **police,
    )
    return S.from_dict(raw)


@pytest.mark.parametrize("fte, hours_per_fte", [(12, 27.0), (10.5, 36.0)])
def test_utilisation_is_work_arriving_over_hours_available(fte, hours_per_fte):
    """Utilisation = arrivals × mean hours / (fte × hours per fte), also with a fractional fte (a district's share):
    10.5 fte of 36 hours are 2.25 on duty at any time, served as 2 servers at 1.125 speed."""
    lam, mean_hours = 6.0, 6.0  # 42 cases a week x 6 hours = 252 hours a week
    res = run_replication(_one_station(lam, fte, hours_per_fte, mean_hours), 0)
    st = _station(res, "detectives")
    expected = lam * 7 * mean_hours / (fte * hours_per_fte)
    assert st["unit"] == "fte" and st["capacity_mean"] == pytest.approx(fte)
    assert st["utilisation"] == pytest.approx(expected, rel=0.05)
    assert st["work_hours_per_week"] == pytest.approx(lam * 7 * mean_hours, rel=0.05)


def test_opening_hours_spread_an_fte_without_changing_the_arithmetic():
    """Regular OM handling open 45 hours a week (office hours): the same fte and work give the same utilisation as
    an always-open station, because an fte's hours are spread over the opening hours."""
    raw = tandem_raw(5.0, [(math.inf, 1.0), (1, 1.0)], 1500.0, 200.0, replications=1)
    raw["om"]["regular"].update(
        fte=10,
        hours_per_fte_per_week=27.0,
        work_hours={"dist": "exponential", "mean": 6.0},
        open_hour=8,
        close_hour=17,
        open_weekdays=[0, 1, 2, 3, 4],
    )
    st = _station(run_replication(S.from_dict(raw), 0), "om_regular")
    assert st["utilisation"] == pytest.approx(5.0 * 7 * 6.0 / (10 * 27.0), rel=0.05)


def test_too_little_capacity_builds_a_growing_stock_enough_keeps_it_bounded():
    """Work 20% beyond the hours available: the detectives' stock grows all the time; 20% below: it stays small."""
    police = Stage.POLICE

    def stock(fte):
        res = run_replication(_one_station(6.0, fte, 27.0, 6.0, days=900.0), 0)
        return res.backlog[:, police]

    short = stock(252.0 / 27.0 / 1.2)  # utilisation 1.2
    enough = stock(252.0 / 27.0 / 0.8)  # utilisation 0.8
    assert short[800] > short[500] + 150 > short[200] + 300  # about 0.2 x 6 = 1.2 cases a day more each day
    assert enough[200:].max() < 60


def test_regular_om_handling_is_a_queue_with_a_stock_in_the_small_baseline():
    """The baseline's regular OM handling has a standing stock (start_stock.om_regular, cal:om_cvom_voorraad_...):
    cases wait weeks for an officier or parketsecretaris; without the stock and with ample staff they do not."""
    small = small_scenario(stocks=True)
    res = run_replication(small, 0)
    st = _station(res, "om_regular")
    assert st["mean_wait_days"] > 14
    assert 0.9 < st["utilisation"] <= 1.0
    ample = small_scenario(extra={"om": {"regular": {"initial_stock": 0, "fte": small.om.regular.fte.first * 2}}})
    assert _station(run_replication(ample, 0), "om_regular")["mean_wait_days"] < 1


def _selection(investigated: float, solved: float = 0.2) -> S.Scenario:
    share = {"no_suspect_investigated_share": investigated, "no_suspect_solved_share": solved}
    return small_scenario(extra={"intake": {"streams": {s: dict(share) for s in ("vvc", "hic", "other")}}})


def test_the_selectiviteitskader_never_removes_a_known_suspect_case():
    """Whatever share of offences without a suspect is investigated, every offence with a known suspect is a case,
    and the same ones (common random numbers): the lever acts on offences without a known suspect only."""
    known = []
    for investigated in (0.0, 0.1, 0.5):
        res = run_replication(_selection(investigated), 0)
        c = res.columns
        mine = ~c["suspect_found"]
        div = res.diverted.sum(axis=(0, 1, 2))  # offences, no_suspect, investigated, solved
        assert mine.sum() == div[0] - div[1], "an offence with a known suspect did not become a case"
        assert c["suspect_found"].sum() == div[3]
        assert not np.any(c["arrested"][c["suspect_found"]])
        known.append(c["t_registration"][mine])
    assert all(np.array_equal(known[0], k) for k in known[1:])


def test_investigating_more_offences_without_a_suspect_uses_detectives_and_makes_cases():
    """More offences without a suspect investigated: the detectives are busier and more cases enter the chain."""
    few, many = (run_replication(_selection(x), 0) for x in (0.05, 0.15))
    assert _station(many, "detectives")["utilisation"] > _station(few, "detectives")["utilisation"] + 0.03
    assert many.columns["suspect_found"].sum() > 2 * few.columns["suspect_found"].sum()
    assert len(many.columns["t_registration"]) > len(few.columns["t_registration"])


def _appeal_days(res) -> float:
    c = res.columns
    sel = c["appealed"] & ~np.isnan(c["t_final"])
    return float(np.mean(c["t_final"][sel] - c["t_verdict"][sel]))


def test_the_appeal_queue_binds(small):
    """Fewer raadsheer fte: the gerechtshof's wait, and the appeal lead time, grow (no standing stock here, so the
    difference is the capacity's alone); from the baseline's standing stocks the hof has a stock of its own."""

    def run(fte_factor: float):
        appeal = {"fte": small.appeal.fte.first * fte_factor, "initial_stock": 0}
        return run_replication(small_scenario(horizon_days=600.0, extra={"appeal": appeal}), 0)

    base, fewer = run(1.0), run(0.6)
    assert _station(fewer, "gerechtshof")["mean_wait_days"] > _station(base, "gerechtshof")["mean_wait_days"] + 20
    assert _appeal_days(fewer) > _appeal_days(base) + 20
    assert _station(run_replication(small_scenario(stocks=True), 0), "gerechtshof")["mean_stock"] > 100


def test_station_key_figures_agree_with_stations_csv(tmp_path):
    """kpis.csv's capacity figures are stations.csv summed (capacity, stock) or averaged (utilisation weighted by
    capacity, wait by cases started) over districts, then over replications."""
    sc = small_scenario(replications=2, horizon_days=250.0, warmup_days=50.0, runout_days=30.0)
    out = run_scenario(sc, out_dir=tmp_path / "run", jobs=1).out_dir
    rows = list(csv.DictReader(open(out / "stations.csv")))
    kpis = {(r["metric"], r["group"]): float(r["mean"]) for r in csv.DictReader(open(out / "kpis.csv")) if r["mean"]}
    for group in {r["group"] for r in rows}:
        per_rep = {}
        for rep in ("0", "1"):
            mine = [r for r in rows if r["group"] == group and r["replication"] == rep]
            cap = sum(float(r["capacity_mean"]) for r in mine)
            started = sum(int(r["started"]) for r in mine)
            per_rep.setdefault("station_capacity", []).append(cap)
            per_rep.setdefault("station_stock", []).append(sum(float(r["mean_stock"]) for r in mine))
            per_rep.setdefault("station_utilisation", []).append(
                sum(float(r["utilisation"]) * float(r["capacity_mean"]) for r in mine) / cap
            )
            if started:
                per_rep.setdefault("station_wait_days", []).append(
                    sum(float(r["mean_wait_days"]) * int(r["started"]) for r in mine if int(r["started"])) / started
                )
        for metric, values in per_rep.items():
            assert kpis[(metric, group)] == pytest.approx(np.mean(values), rel=1e-4, abs=1e-6), (metric, group)


@pytest.mark.parametrize(
    "section, old, new",
    [
        ({"police": {"detectives": 10}}, "detectives", "detective_fte"),
        ({"police": {"investigation": 5}}, "investigation", "investigation_hours"),
        ({"om": {"regular": {"staff": 10}}}, "staff", "fte"),
        ({"om": {"zsm": {"handling": 0.1}}}, "handling", "work_hours"),
        ({"advice": {"nifp": {"capacity": 10}}}, "capacity", "fte"),
        ({"execution": {"taakstraf": {"capacity": 10}}}, "capacity", "fte"),
        ({"appeal": {"duration": 300}}, "duration", "preparation"),
        ({"intake": {"streams": {"vvc": {"screened_out_share": 0.04}}}}, "screened_out_share", "no_suspect"),
    ],
)
def test_an_old_key_is_refused_naming_what_replaced_it(section, old, new):
    raw, _ = S.load_raw(BASELINE)
    with pytest.raises(S.ScenarioError) as err:
        S.from_dict(S.deep_merge(raw, section))
    text = str(err.value)
    assert f"'{old}' was replaced" in text and new in text, text


def test_station_figures_per_district_with_by_region():
    """With `--by region` each district's regional stations get their own figures; national pools only the total."""
    from sim.kpis import station_kpis

    def row(group, region, cap, util, wait, started, stock):
        return dict(
            group=group, region=region, capacity_mean=cap, utilisation=util, mean_wait_days=wait, started=started,
            mean_stock=stock,
        )  # fmt: skip

    rows = [
        row("zsm", "a", 10.0, 0.8, 1.0, 100, 5.0),
        row("zsm", "b", 30.0, 0.9, 3.0, 300, 15.0),
        row("gerechtshof", "national", 50.0, 0.99, 100.0, 40, 400.0),
    ]
    k = station_kpis(rows, by="region")
    assert k[("station_capacity", "zsm")] == 40.0 and k[("station_stock", "zsm")] == 20.0
    assert k[("station_utilisation", "zsm")] == pytest.approx((8 + 27) / 40)
    assert k[("station_wait_days", "zsm")] == pytest.approx((100 + 900) / 400)
    assert k[("station_wait_days", "zsm", "region=b")] == 3.0
    assert ("station_capacity", "gerechtshof", "region=national") not in k
