"""Intake from a forecast inside a scenario: one volume per simulated year, one sampled path per replication."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from sim import scenario as S
from sim.intake import daily_rates

FILE = ROOT / "scenarios" / "forecast-2025.toml"


@pytest.fixture(scope="module")
def sc():
    return S.load(FILE)


def test_each_replication_has_its_own_intake_path(sc):
    assert sc.years() == [2025, 2026, 2027, 2028]
    vols = [[sc.volume("vvc", y, r) for y in sc.years()] for r in range(20)]
    assert len({tuple(v) for v in vols}) == 20  # paths differ between replications
    assert vols[3] == [sc.volume("vvc", y, 3) for y in sc.years()]  # and are fixed per replication
    spread = np.std([v[0] for v in vols]) / np.mean([v[0] for v in vols])
    assert 0.005 < spread < 0.3
    # streams share one national path: their ratio is the ratio of their shares on every path
    assert sc.volume("hic", 2026, 7) / sc.volume("vvc", 2026, 7) == pytest.approx(0.152 / 0.596)


def test_the_simulated_intake_follows_the_path(sc):
    short = S.load(FILE, overrides={"horizon_days": 365.0, "warmup_days": 0.0})
    for rep in (0, 1):
        rates = daily_rates(short, rep)
        per_year = rates[:, :, 0].sum()
        assert per_year == pytest.approx(short.volume("vvc", 2025, rep), rel=1e-6)


def test_forecast_info_goes_to_provenance(sc):
    info = sc.forecast_info()
    assert set(info) == {"vvc", "hic", "other"}
    assert (
        info["vvc"]["model"] == "selected"
    )  # the default since issue 15: chosen by the inner backtest and set(info["vvc"]["point"]) == {"2025", "2026", "2027", "2028"}


def test_a_variant_elsewhere_keeps_the_forecast_file(tmp_path):
    v = tmp_path / "v.toml"
    v.write_text(f'extends = "{FILE}"\nname = "v"\n')
    assert S.load(v).volume("vvc", 2026, 2) == S.load(FILE).volume("vvc", 2026, 2)


def test_bad_forecast_spec_names_the_key(tmp_path):
    v = tmp_path / "bad.toml"
    v.write_text(f'extends = "{FILE}"\nname = "bad"\n[intake.streams.vvc.volume]\nshare = -1\n')
    with pytest.raises(S.ScenarioError) as e:
        S.load(v)
    assert any(p.key == "intake.streams.vvc.volume.share" for p in e.value.problems), e.value.problems
    v.write_text(f'extends = "{FILE}"\nname = "bad"\n[intake.streams.hic.volume]\nforecast = "nowhere.csv"\n')
    with pytest.raises(S.ScenarioError) as e:
        S.load(v)
    assert any(p.key.startswith("intake.streams.hic.volume.forecast") for p in e.value.problems)
