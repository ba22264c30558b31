"""Scenario files: loading, extends and deep merge, schedules, and validation errors that name file, key and reason."""

from __future__ import annotations

import datetime as dt
import math
import tomllib

import pytest
from conftest import BASELINE, small_overrides

from sim import scenario as S


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def variant(tmp_path, body: str, name="v.toml"):
    return write(tmp_path, name, f'extends = "{BASELINE}"\nname = "v"\n{body}')


def problems(path) -> list[str]:
    with pytest.raises(S.ScenarioError) as e:
        S.load(path)
    return [str(p) for p in e.value.problems]


def test_baseline_loads_with_eleven_arrondissementen():
    sc = S.load(BASELINE)
    assert len(sc.regions) == 11
    assert math.isclose(sum(r.share for r in sc.regions.values()), 1.0)
    # national capacity is split over the regions by share
    total = sum(sc.chain(r).police.detective_fte.first for r in sc.regions)
    assert math.isclose(total, sc.police.detective_fte.first)  # fte are split exactly


def test_variant_overrides_only_what_it_names(tmp_path):
    p = variant(tmp_path, "[courts.sessions.politierechter]\nper_week = [[2019-01-01, 105], [2021-03-01, 126]]\n")
    base, sc = S.load(BASELINE), S.load(p)
    pr = sc.courts.sessions["politierechter"]
    assert pr.per_week.at_date(dt.date(2021, 2, 28)) == 105
    assert pr.per_week.at_date(dt.date(2021, 3, 1)) == 126
    assert pr.slots == base.courts.sessions["politierechter"].slots
    assert sc.om == base.om


def test_schedule_semantics():
    s = S._to_schedule([["2020-01-01", 1], [dt.date(2021, 1, 1), 2]])
    assert s.at_date(dt.date(2019, 6, 1)) == 1  # before the first date: the first value
    assert s.at_date(dt.date(2020, 12, 31)) == 1
    assert s.at_date(dt.date(2021, 1, 1)) == 2
    assert S._to_schedule(3).constant
    with pytest.raises(ValueError, match="strictly increasing"):
        S._to_schedule([["2021-01-01", 1], ["2020-01-01", 2]])


def test_deep_merge_replace():
    base = {"a": {"x": 1, "y": 2}, "b": [1]}
    assert S.deep_merge(base, {"a": {"y": 3}}) == {"a": {"x": 1, "y": 3}, "b": [1]}
    assert S.deep_merge(base, {"a": {"_replace": True, "z": 0}}) == {"a": {"z": 0}, "b": [1]}
    assert base == {"a": {"x": 1, "y": 2}, "b": [1]}  # not mutated


def test_one_region_scenario():
    sc = S.load(BASELINE, overrides=small_overrides())
    assert list(sc.regions) == ["district"]


def test_show_output_loads_back_to_the_same_scenario(tmp_path):
    sc = S.load(BASELINE)
    text = S.dump_toml(sc)
    again = S.from_dict(tomllib.loads(text), "shown.toml")
    assert again.resolved_dict() == sc.resolved_dict()


def test_scenario_has_the_chain_sections_after_its_run_settings():
    """The chain's sections are defined once (ChainConfig); a Scenario has them after its run settings, the order of
    the resolved TOML and of reported problems."""
    assert issubclass(S.Scenario, S.ChainConfig)
    assert list(S.Scenario.model_fields) == list(S.RunConfig.model_fields) + list(S.CHAIN_KEYS)


def test_a_section_given_as_a_number_is_named_as_in_the_format(tmp_path):
    p = variant(tmp_path, "police = 3\n[om]\nzsm = 1\n")
    found = problems(p)
    assert f"{p}: police: Input should be a valid dictionary or instance of Police" in found, found
    assert f"{p}: om.zsm: Input should be a valid dictionary or instance of Desk" in found, found


@pytest.mark.parametrize(
    "body, key, reason",
    [
        ("[police]\ndetectivs = 3\n", "police.detectivs", "unknown key"),
        ('[police]\ndetective_fte = "many"\n', "police.detective_fte", "expected a number"),
        ("[om.zsm]\nfte = -1\n", "om.zsm.fte", ">= 0"),
        ("[om.strafbeschikking]\nfine_share = 1.2\n", "om.strafbeschikking.fine_share", "<= 1"),
        (
            "[om.decision_mix.vvc]\nregular = { sepot = 0.3, strafbeschikking = 0.12, regular = 0.5 }\n",
            "om.decision_mix.vvc.regular",
            "sum to 1",
        ),
        (
            "[courts.sessions.politierechter]\nper_week = [[2021-03-01, 126], [2019-01-01, 105]]\n",
            "courts.sessions.politierechter.per_week",
            "strictly increasing",
        ),
        ("[courts.sessions.politierechter]\nper_week = inf\n", "courts.sessions.politierechter.per_week", "finite"),
        (
            '[police]\ninvestigation_hours = { _replace = true, dist = "lognormal", mean = 8 }\n',
            "police.investigation_hours.cv",
            "required",
        ),
        ('[police]\ninvestigation_hours = { dist = "weibull", mean = 8 }\n', "police.investigation_hours", "weibull"),
        ("[police]\ninvestigation_hours = inf\n", "police.investigation_hours.value", "finite"),
        ("[execution.fines]\npaid_share = 0.9\nplan_share = 0.2\n", "execution.fines", "at most 1"),
        ('[om]\nverzet_queue = "supersnelrecht"\n', "om.verzet_queue", "regular_pr"),
        ('[om.fallback]\nsnelrecht_detained = "supersnelrecht"\n', "om.fallback.snelrecht_detained", ""),
        ("[regions.limburg]\nshare = 0.07\n", "regions", "sum to 1"),
        ("[courts]\nplanning_horizon_weeks = 1\n", "courts.planning_horizon_weeks", "summons term"),
        ("[courts]\nadjournment_min_days = 400\n", "courts.adjournment_min_days", "planning horizon"),
        (
            '[courts.sessions.politierechter]\nreserved_for = ["regular_mk"]\n',
            "courts.sessions.politierechter",
            "does not serve",
        ),
        ("[courts.mk_share]\ndrugs = 0.1\n", "courts.mk_share", "unknown streams ['drugs']"),
        (
            "[regions.limburg.override.execution.custodial]\ncells = 10\n",
            "regions.limburg.override.execution.custodial.cells",
            "national capacity",
        ),
        (
            "[regions.limburg.override.advice.halt]\nshare = { vvc = 0.1, hic = 0.1, other = 0.1 }\n",
            "regions.limburg.override.advice.halt",
            "unknown advice kind",
        ),
        (
            "[regions.limburg.override.police]\ndetective_fte = -5\n",
            "regions.limburg(resolved).police.detective_fte",
            ">= 0",
        ),
        (
            '[regions.limburg.override.courts.sessions.politierechter]\nserves = ["regular_mk"]\n',
            "regions.limburg(resolved).courts.sessions",
            "'regular_pr'",
        ),
        ("warmup_days = 2000\n", "warmup_days", "shorter than horizon_days"),
    ],
)
def test_invalid_values_are_refused_naming_file_and_key(tmp_path, body, key, reason):
    p = variant(tmp_path, body)
    found = problems(p)
    assert any(line.startswith(f"{p}: {key}") and reason in line for line in found), found


def test_all_problems_are_reported_at_once(tmp_path):
    p = variant(tmp_path, "[police]\ndetectivs = 3\n[om.zsm]\nfte = -1\n")
    found = problems(p)
    assert len(found) == 2


def test_missing_and_circular_extends(tmp_path):
    p = write(tmp_path, "a.toml", 'extends = "nowhere.toml"\n')
    assert "parent file not found" in problems(p)[0]
    write(tmp_path, "b.toml", 'extends = "c.toml"\n')
    c = write(tmp_path, "c.toml", 'extends = "b.toml"\n')
    (line,) = problems(c)
    assert "circular extends" in line and "extends" in line
    assert "file not found" in problems(tmp_path / "absent.toml")[0]
    bad = write(tmp_path, "bad.toml", "name = [\n")
    assert "not valid TOML" in problems(bad)[0]
