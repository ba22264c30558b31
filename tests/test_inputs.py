"""`sim.inputs`: schedules in simulation days (`DaySchedule`), share mixes (`ShareMix`) and pre-drawn per-case
inputs (`CaseDraws`). The scenario's start date is 2019-01-01 (the baseline's), so day 59 is 2019-03-01."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.inputs import DaySchedule, ShareMix
from sim.model import StageContext
from sim.scenario import Schedule

D = dt.date
MIN = dt.date.min


def const(v: float) -> Schedule:
    return Schedule(((MIN, float(v)),))


def dated(*points) -> Schedule:
    return Schedule(tuple((d, float(v)) for d, v in points))


@pytest.fixture(scope="module")
def sc(small):
    assert small.start_date == D(2019, 1, 1)
    return small


# ------------------------------------------------------------------------------------------ DaySchedule


def test_constant_schedule_is_a_plain_attribute(sc):
    ds = DaySchedule(const(3.5), sc)
    assert ds.const == 3.5 and ds.times is None
    assert ds.at(-10.0) == ds.at(0.0) == ds.at(1e6) == 3.5
    assert ds.breakpoints() == [(0.0, 3.5)]


def test_dated_schedule_changes_at_midnight_of_its_dates(sc):
    ds = DaySchedule(dated((D(2019, 3, 1), 2.0), (D(2020, 1, 1), 0.5)), sc)
    assert ds.const is None and ds.times == [59.0, 365.0]
    # the first point is in force before its date too
    assert [ds.at(t) for t in (-5.0, 0.0, 58.999, 59.0, 364.5, 365.0, 1000.0)] == [2.0, 2.0, 2.0, 2.0, 2.0, 0.5, 0.5]
    assert ds.breakpoints() == [(0.0, 2.0), (59.0, 2.0), (365.0, 0.5)]


def test_breakpoints_drop_dates_at_or_before_the_start(sc):
    """A point dated before the start gives the value at day 0; one dated on the start date replaces it there."""
    before = DaySchedule(dated((D(2018, 6, 1), 7.0), (D(2019, 2, 1), 3.0)), sc)
    assert before.breakpoints() == [(0.0, 7.0), (31.0, 3.0)]
    on_start = DaySchedule(dated((D(2018, 6, 1), 7.0), (D(2019, 1, 1), 4.0), (D(2019, 1, 11), 5.0)), sc)
    assert on_start.breakpoints() == [(0.0, 4.0), (10.0, 5.0)]
    assert on_start.at(-0.5) == 7.0 and on_start.at(0.0) == 4.0


def test_infinite_capacity_survives_the_conversion(sc):
    ds = DaySchedule(dated((D(2019, 1, 1), 4.0), (D(2019, 1, 8), math.inf)), sc)
    assert ds.breakpoints() == [(0.0, 4.0), (7.0, math.inf)]


_dates = st.dates(min_value=D(2015, 1, 1), max_value=D(2026, 12, 31))
_values = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def schedules(draw) -> Schedule:
    """Constant, or 1-6 points on strictly increasing dates, sometimes led by a `date.min` point (as a constant
    merged with a dated override is)."""
    if draw(st.booleans()) and draw(st.booleans()):
        return const(draw(_values))
    dates = sorted(draw(st.sets(_dates, min_size=1, max_size=6)))
    if draw(st.booleans()):
        dates = [MIN, *dates]
    return Schedule(tuple((d, draw(_values)) for d in dates))


@settings(max_examples=300, deadline=None)
@given(schedule=schedules(), day=_dates, frac=st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
def test_day_schedule_agrees_with_the_scenario_schedule(sc, schedule, day, frac):
    """The value in force on a date, by `Schedule.at_date`, is the value `DaySchedule` gives at that date's day
    number and at any time inside that day (a change takes effect at midnight of its date, not a day late or
    early; an off-by-one in `day_of` or a `bisect_left` would show here)."""
    ds = DaySchedule(schedule, sc)
    t = sc.day_of(day)
    expected = schedule.at_date(day)
    assert ds.at(t) == expected
    assert ds.at(t + frac) == expected
    # and the station view agrees from day 0 on
    if t >= 0:
        bp = ds.breakpoints()
        assert bp[0][0] == 0.0
        in_force = [v for start, v in bp if start <= t + frac][-1]
        assert in_force == expected


# ------------------------------------------------------------------------------------------ ShareMix


def _mix(sc, shares: dict[int, Schedule], default: int = 99) -> ShareMix:
    return ShareMix([(code, DaySchedule(s, sc)) for code, s in shares.items()], default)


def test_constant_mix_picks_by_slices_of_the_unit_interval(sc):
    mix = _mix(sc, {10: const(0.25), 20: const(0.5), 30: const(0.125)})
    assert mix.thresholds == [0.25, 0.75, 0.875]
    picks = [mix.pick(u, 0.0) for u in (0.0, 0.2499, 0.25, 0.7499, 0.75, 0.8749)]
    assert picks == [10, 10, 20, 20, 30, 30]  # a slice is [lo, hi): its upper end belongs to the next one


def test_default_when_the_shares_leave_part_of_the_interval_uncovered(sc):
    mix = _mix(sc, {10: const(0.25), 20: const(0.5), 30: const(0.125)}, default=7)
    assert [mix.pick(u, 0.0) for u in (0.875, 0.9, 0.999999)] == [7, 7, 7]
    empty = _mix(sc, {10: const(0.0), 20: const(0.0)}, default=7)
    assert empty.pick(0.0, 0.0) == 7  # a zero share never picks its code, not even at u = 0


def test_time_varying_mix_uses_the_shares_in_force(sc):
    """Code 1's share rises from 0.25 to 0.75 on 2019-04-11 (day 100); code 2 keeps 0.125 (constant, but the mix
    has no fixed thresholds any more)."""
    mix = _mix(sc, {1: dated((D(2019, 1, 1), 0.25), (D(2019, 4, 11), 0.75)), 2: const(0.125)}, default=3)
    assert mix.thresholds is None
    assert [mix.pick(u, 50.0) for u in (0.1, 0.3, 0.6)] == [1, 2, 3]
    assert [mix.pick(u, 100.0) for u in (0.1, 0.6, 0.8, 0.9)] == [1, 1, 2, 3]
    assert mix.pick(0.6, 99.99) == 3  # still the old shares just before midnight


@st.composite
def share_mixes(draw):
    """2-6 codes with shares in multiples of 1/W (some zero) plus an uncovered rest (the last weight). From
    2019-06-01 (day 151) the weights are permuted, so the shares in force always sum to the same total; a code
    whose weight the permutation keeps is a constant schedule, the others change on that date. The mix is looked
    at on a random day before or after the change."""
    k = draw(st.integers(2, 6))
    weights = draw(st.lists(st.integers(0, 20), min_size=k + 1, max_size=k + 1).filter(lambda w: sum(w[:-1]) > 0))
    later = draw(st.permutations(weights))
    t = draw(st.floats(min_value=0.0, max_value=400.0))
    return weights, later, t


@settings(max_examples=60, deadline=None, derandomize=True)  # a statistical test: fixed examples, no flakes
@given(spec=share_mixes(), seed=st.integers(0, 2**32 - 1))
def test_pick_frequencies_match_the_shares(sc, spec, seed):
    """N uniform draws: code i is picked Binomial(N, p_i) times, so |count - N p_i| <= 5 sqrt(N p_i (1 - p_i))
    (a 5-sigma band: a false alarm about 6e-7 per check, and the examples are fixed). Shares are 0 or at least
    1/140, so N p >= 140 and the normal band is good; a zero share must never be picked, and the uncovered rest
    goes to the default. A pick that used the wrong day's shares, or dropped the last slice, is off by far more."""
    weights, later, t = spec
    total = sum(weights)
    change_day = D(2019, 6, 1)
    assert sc.day_of(change_day) == 151.0
    shares, expected = {}, {}
    for i in range(len(weights) - 1):
        p0, p1 = weights[i] / total, later[i] / total
        shares[i] = const(p0) if p0 == p1 else dated((D(2019, 1, 1), p0), (change_day, p1))
        expected[i] = p1 if t >= 151.0 else p0
    rest = (later[-1] if t >= 151.0 else weights[-1]) / total
    mix = _mix(sc, shares, default=-1)
    n = 20_000
    u = np.random.default_rng(seed).random(n)
    picked = np.array([mix.pick(x, t) for x in u])
    assert len(picked) == n and np.isin(picked, [*expected, -1]).all()
    for code, p in [*expected.items(), (-1, rest)]:
        count = int(np.sum(picked == code))
        if p == 0.0:
            assert count == 0, (code, count)
            continue
        sigma = math.sqrt(n * p * (1 - p))
        assert abs(count - n * p) <= 5 * sigma, (code, p, count, n * p, sigma)


# ------------------------------------------------------------------------------------------ CaseDraws


def _appeal(chain, _stream):
    return chain.appeal.preparation


def _delivery(chain, _stream):
    return chain.execution.delivery


@pytest.fixture(scope="module")
def contexts(sc):
    return StageContext(sc, 0, 11), StageContext(sc, 0, 11), StageContext(sc, 0, 12)


def test_case_draws_do_not_depend_on_the_order_they_are_asked_for(contexts):
    """Common random numbers: each quantity comes from its own named stream, so asking for them in another order
    (another stage built first, a stage added) gives every case the same values."""
    a, b, other_seed = contexts
    assert a.n > 1000 and a.n == b.n
    ua_verdict, ua_mk = a.draw.uniform("verdict"), a.draw.uniform("mk")
    da_appeal, da_delivery = a.draw.duration("appeal", _appeal), a.draw.duration("delivery", _delivery)

    db_delivery = b.draw.duration("delivery", _delivery)
    ub_mk = b.draw.uniform("mk")
    db_appeal = b.draw.duration("appeal", _appeal)
    ub_verdict = b.draw.uniform("verdict")

    np.testing.assert_array_equal(ua_verdict, ub_verdict)
    np.testing.assert_array_equal(ua_mk, ub_mk)
    np.testing.assert_array_equal(da_appeal.values, db_appeal.values)
    np.testing.assert_array_equal(da_delivery.values, db_delivery.values)
    assert ua_verdict.dtype == np.float32 and da_appeal.values.dtype == np.float32
    # ... and the test can tell streams apart: other names and another seed give other numbers
    assert not np.array_equal(ua_verdict, ua_mk)
    assert not np.array_equal(da_appeal.values, da_delivery.values)
    assert not np.array_equal(other_seed.draw.uniform("verdict")[: a.n], ua_verdict[: other_seed.n])


def test_case_durations_follow_their_distribution(contexts):
    a = contexts[0]
    d = a.draw.duration("appeal-check", _appeal)
    assert d.scales is None and d.get(5) == float(d.values[5])  # no scale: the array's own lookup
    spec = a.chains[0].appeal.preparation
    assert (spec.dist, spec.mean, spec.cv) == ("lognormal", 100.0, 0.5)
    # the sample mean of n draws is within 5 standard errors (sd = mean * cv) of the distribution's mean
    se = spec.mean * spec.cv / math.sqrt(a.n)
    assert abs(float(np.mean(d.values, dtype=np.float64)) - spec.mean) <= 5 * se
    assert d.values.min() > 0
