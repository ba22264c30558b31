"""Phased roll-out: measures take effect per arrondissement on its own date."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from conftest import BASELINE

from sim import scenario as S
from sim.rollout import switch

REGIONS = [
    "amsterdam",
    "den-haag",
    "gelderland",
    "limburg",
    "midden-nederland",
    "noord-holland",
    "noord-nederland",
    "oost-brabant",
    "overijssel",
    "rotterdam",
    "zeeland-west-brabant",
]
DATES = {r: dt.date(2021, 3, 1) + dt.timedelta(days=61 * i) for i, r in enumerate(REGIONS)}


def files(tmp_path, after_body: str, dates=DATES, extra: str = ""):
    (tmp_path / "after.toml").write_text(f'extends = "{BASELINE}"\nname = "after"\n{after_body}')
    lines = "\n".join(f"{r} = {d.isoformat()}" for r, d in dates.items())
    p = tmp_path / "phased.toml"
    p.write_text(
        f'extends = "after.toml"\nname = "phased"\n[rollout]\nbefore = "{BASELINE}"\n{extra}[rollout.dates]\n{lines}\n'
    )
    return p


AFTER = """
[courts.sessions.rc_supersnelrecht]
per_week = 110
[om.decision_mix.vvc]
zsm_arrested = { sepot = 0.174, conditional_sepot = 0.046, strafbeschikking = 0.255, transactie = 0.045, supersnelrecht = 0.08, snelrecht_detained = 0.04, snelrecht_not_detained = 0.06, regular = 0.3 }
[execution.custodial]
cells = 8000
[advice.reclassering.duration]
scale = 0.7
"""


def test_each_region_switches_on_its_own_date(tmp_path):
    sc = S.load(files(tmp_path, AFTER))
    base = S.load(BASELINE)
    for r, d in DATES.items():
        ch, ch0 = sc.chain(r), base.chain(r)
        mix = ch.om.decision_mix["vvc"].zsm_arrested["supersnelrecht"]
        assert mix.at_date(d - dt.timedelta(days=1)) == 0.05 and mix.at_date(d) == 0.08, r
        pw = ch.courts.sessions["rc_supersnelrecht"].per_week
        before = ch0.courts.sessions["rc_supersnelrecht"].per_week.first
        assert pw.at_date(d - dt.timedelta(days=1)) == pytest.approx(before)
        assert pw.at_date(d) == pytest.approx(2 * before)
        scale = ch.advice["reclassering"].duration.scale
        assert scale.at_date(d - dt.timedelta(days=1)) == 1.0 and scale.at_date(d) == 0.7
        # the mix still sums to 1 on every date
        for day in (d - dt.timedelta(days=1), d):
            assert sum(s.at_date(day) for s in ch.om.decision_mix["vvc"].zsm_arrested.values()) == pytest.approx(1)
    # national pools switch on the national date (default: the last regional date)
    cells = sc.execution.custodial.cells
    last = max(DATES.values())
    assert cells.at_date(last - dt.timedelta(days=1)) == base.execution.custodial.cells.first
    assert cells.at_date(last) == 8000


def test_shown_scenario_loads_back_to_the_same_model(tmp_path):
    sc = S.load(files(tmp_path, AFTER, extra="national = 2022-06-01\n"))
    shown = S.from_dict(tomllib.loads(S.dump_toml(sc)), "shown.toml")
    assert "rollout" not in S.dump_toml(sc)
    for r in REGIONS:
        assert shown.chain(r) == sc.chain(r), r
    assert shown.execution.custodial.cells.at_date(dt.date(2022, 6, 1)) == 8000


def test_a_difference_that_cannot_be_scheduled_is_refused(tmp_path):
    p = files(tmp_path, '[police]\ninvestigation_hours = { dist = "lognormal", mean = 6, cv = 1.2 }\n')
    with pytest.raises(S.ScenarioError) as e:
        S.load(p)
    (problem,) = e.value.problems
    assert "police.investigation_hours.mean" in problem.key and "scale" in problem.reason


def test_every_region_needs_a_date(tmp_path):
    dates = dict(DATES)
    dates.pop("limburg")
    dates["atlantis"] = dt.date(2021, 5, 1)
    with pytest.raises(S.ScenarioError) as e:
        S.load(files(tmp_path, AFTER, dates=dates))
    text = str(e.value)
    assert "rollout.dates" in text and "atlantis" in text and "limburg" in text


def test_switch():
    start = dt.date(2019, 1, 1)
    assert switch(1.0, 2.0, dt.date(2021, 3, 1), start) == [[start, 1.0], [dt.date(2021, 3, 1), 2.0]]
    before = [[dt.date(2019, 1, 1), 1.0], [dt.date(2020, 1, 1), 3.0]]
    after = [[dt.date(2019, 1, 1), 5.0], [dt.date(2022, 1, 1), 6.0]]
    assert switch(before, after, dt.date(2021, 1, 1), start) == [
        [dt.date(2019, 1, 1), 1.0],
        [dt.date(2020, 1, 1), 3.0],
        [dt.date(2021, 1, 1), 5.0],
        [dt.date(2022, 1, 1), 6.0],
    ]
