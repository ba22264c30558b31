"""The real model against an independent implementation: `benchmarks/reference_chain.py` runs the same chain in
plain SimPy, one generator process per case, with its own random numbers. On the one-district baseline the two must
agree statistically on the main key figures; and the comparison must notice a reference that is wrong on purpose."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from conftest import ROOT, small_scenario
from sim import scenario as S
from sim.kpis import case_kpis, cohort_mask, mean_ci
from sim.runner import run_replications
from sim.scenario import FAST_TRACK, ROUTES, VERDICTS

from benchmarks.reference_chain import run_reference  # noqa: E402

REPLICATIONS = 6
REL_TOL = 0.01  # a difference of 1% of the value always counts as agreement (figures with a tiny interval)

MAIN_KPIS = (
    [("cases", r) for r in ROUTES]
    + [("days_to_decision_p50", r) for r in ROUTES]
    + [("within_window_share", r) for r in FAST_TRACK]
    + [("om_intake", "all"), ("via_zsm_share", "all")]
    + [("sentences", v) for v in VERDICTS]
)


def _scenario(**extra) -> S.Scenario:
    return small_scenario(horizon_days=500.0, warmup_days=90.0, runout_days=200.0, extra=extra or None)


def _kpis(columns: list[dict], sc: S.Scenario) -> list[dict]:
    years = (sc.horizon_days - sc.warmup_days) / 365.25
    return [case_kpis(c, cohort_mask(c, sc), years) for c in columns]


def disagreements(ref: list[dict], real: list[dict]) -> list[str]:
    """Main key figures whose 95% intervals over replications do not overlap (and differ by more than REL_TOL)."""
    out = []
    for key in MAIN_KPIS:
        a, lo_a, hi_a, _ = mean_ci([r[key] for r in ref])
        b, lo_b, hi_b, _ = mean_ci([r[key] for r in real])
        overlap = lo_a <= hi_b and lo_b <= hi_a
        if not overlap and abs(a - b) > REL_TOL * abs(b):
            out.append(f"{key[0]}[{key[1]}]: reference {a:.4g} [{lo_a:.4g}, {hi_a:.4g}], "
                       f"real {b:.4g} [{lo_b:.4g}, {hi_b:.4g}]")
    return out


@pytest.fixture(scope="module")
def real_kpis():
    sc = _scenario()
    return _kpis([r.columns for r in run_replications(sc, REPLICATIONS, seed=sc.seed)], sc)


def _reference_kpis(sc: S.Scenario) -> list[dict]:
    # its own seed: other offences and other draws than the real model's, so the two samples are independent
    return _kpis([run_reference(sc, rep, seed=sc.seed + 1) for rep in range(REPLICATIONS)], sc)


def test_reference_and_real_model_agree_on_the_main_key_figures(real_kpis):
    ref = _reference_kpis(_scenario())
    for r in ref:  # every route is used, so every figure is compared
        assert all(r[("cases", name)] > 0 for name in ROUTES)
    assert disagreements(ref, real_kpis) == []


def test_the_comparison_notices_a_wrong_window(real_kpis):
    """The reference with a supersnelrecht window of 2 days instead of 3 must not pass for the real model."""
    ref = _reference_kpis(_scenario(legal={"supersnelrecht_window_days": 2.0}))
    found = disagreements(ref, real_kpis)
    assert any("within_window_share[supersnelrecht]" in d for d in found), found


def test_reference_keeps_the_legal_windows():
    """The reference obeys the same hard windows (it asserts them at every hearing, too)."""
    sc = _scenario()
    c = run_reference(sc, 0)
    legal = sc.legal
    window = {"supersnelrecht": legal.supersnelrecht_window_days,
              "snelrecht_detained": legal.snelrecht_detained_window_days,
              "snelrecht_not_detained": legal.snelrecht_not_detained_window_days}
    for name, days in window.items():
        sel = (c["route"] == ROUTES.index(name)) & ~np.isnan(c["t_verdict"]) & ~c["verzet"]
        assert sel.any(), name
        wd = c["t_verdict"][sel] - c["t_window_start"][sel]
        assert np.all(wd <= days + 1e-9) and np.all(wd >= 0), name
