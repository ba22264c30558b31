"""Policy effects on top of the policy-neutral base: shifted by the given percent, reported separately."""

import numpy as np
import pandas as pd
import pytest

from sim.forecast import Naive, PMJModel, Spec
from sim.forecast.policy import PolicyEffect, apply_policies

Y = pd.Series(np.linspace(1000, 1300, 20) * np.exp(0.02 * np.sin(np.arange(20))), index=range(2004, 2024))


def test_point_shifts_by_the_percent_from_the_start_year_and_base_is_unchanged():
    base = PMJModel(Spec()).fit(Y).predict(5, seed=2)
    before = base.point.copy(), base.paths.copy()
    r = apply_policies(base, [PolicyEffect("snelrecht", 2026, -10.0)])
    years = np.array(base.years)
    expected = np.where(years >= 2026, 0.9, 1.0) * base.point
    np.testing.assert_allclose(r.with_policy.point, expected)
    np.testing.assert_array_equal(base.point, before[0])  # the base is left alone
    np.testing.assert_array_equal(base.paths, before[1])
    assert r.base is base
    eff = r.effects
    assert list(eff["year"]) == [2026, 2027, 2028]
    np.testing.assert_allclose(eff["cases"], -0.1 * base.point[2:])
    assert r.with_policy.info["policy"][0]["name"] == "snelrecht"


def test_effects_multiply_and_uncertainty_widens_the_interval():
    base = Naive().fit(Y).predict(4, n_paths=4000, seed=1)
    r = apply_policies(base, [PolicyEffect("a", 2024, -10), PolicyEffect("b", 2026, +5)])
    np.testing.assert_allclose(r.with_policy.point, base.point * np.array([0.9, 0.9, 0.945, 0.945]))
    sure = apply_policies(base, [PolicyEffect("a", 2024, -10)]).with_policy
    unsure = apply_policies(base, [PolicyEffect("a", 2024, -10, sd=5)]).with_policy
    assert np.all(unsure.upper(95) - unsure.lower(95) > sure.upper(95) - sure.lower(95))
    assert set(r.effects["policy"]) == {"a", "b"}


@pytest.mark.parametrize(
    "text,msg",
    [
        ("x:2026", "NAME:YEAR:PERCENT"),
        ("x:soon:-3", "whole year"),
        ("x:2026:-150", "above -100"),
        ("x:2026:-3:-1", "sd"),
    ],
)
def test_bad_policies_are_refused(text, msg):
    with pytest.raises(ValueError, match=msg):
        PolicyEffect.parse(text)


def test_policy_from_a_scenario_table():
    e = PolicyEffect.from_dict({"name": "x", "from": 2026, "percent": -3, "sd": 1})
    assert (e.start, e.percent, e.sd) == (2026, -3.0, 1.0)
    with pytest.raises(ValueError, match="unknown key"):
        PolicyEffect.from_dict({"name": "x", "from": 2026, "percent": -3, "size": 1})
