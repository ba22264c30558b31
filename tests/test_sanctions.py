"""Decisions and sanctions (issue 9 §4): the OM's transactie and conditional sepot, verdicts that combine sanctions,
and suspended sentences with a probation period and claims to execute them heard in snelrecht sessions.

Each test would fail without its mechanism: a transactie that went to court, a custodial + taakstraf sentence
counted executed before its taakstraf, a claim filed outside its probation or heard outside a snelrecht session,
claims without a claim share, key figures per sanction that do not add up."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, small_scenario

from sim import scenario as S
from sim.domain import CourtQueue, HearingResult, Outcome, Route, Verdict, sanction_bit
from sim.kpis import cohort_mask, sanction_kpis
from sim.model import Model

PROBATION = 200.0
FEATURES = {
    "om": {
        "decision_mix": {
            "vvc": {
                "zsm": {
                    "sepot": 0.10,
                    "conditional_sepot": 0.18,
                    "strafbeschikking": 0.15,
                    "transactie": 0.20,
                    "snelrecht_not_detained": 0.05,
                    "regular": 0.32,
                }
            }
        },
        "conditional_sepot": {"breach_share": 0.3, "probation": PROBATION},
    },
    "courts": {
        "combined": {
            "custodial_suspended_share": 0.5,
            "custodial_taakstraf_share": 0.3,
            "taakstraf_suspended_share": 0.3,
            "fine_suspended_share": 0.2,
        },
        "suspended": {"claim_share": 0.3, "probation": PROBATION, "claim_granted_share": 0.8},
    },
}
NONE = {
    "om": {"conditional_sepot": {"breach_share": 0.0}},
    "courts": {"suspended": {"claim_share": 0.0}},
}


@pytest.fixture(scope="module")
def run():
    sc = small_scenario(extra=FEATURES)
    return sc, Model(sc, 0).run()


@pytest.fixture(scope="module")
def run_without():
    sc = small_scenario(extra=S.deep_merge(FEATURES, NONE))
    return sc, Model(sc, 0).run()


def test_a_transactie_is_paid_via_cjib_and_never_reaches_court(run):
    _, res = run
    c = res.columns
    tr = c["route_initial"] == Route.TRANSACTIE
    assert tr.sum() > 100
    assert np.all(c["route"][tr] == Route.TRANSACTIE)
    assert np.all(np.isnan(c["t_first_hearing"][tr])) and np.all(np.isnan(c["t_verdict"][tr]))
    assert not np.isin(np.nonzero(tr)[0], res.hearings["case_id"]).any()
    assert np.all(c["verdict"][tr] == Verdict.FINE)
    delivered = tr & ~np.isnan(c["t_cjib"])
    assert delivered.sum() > 0.8 * tr.sum()
    assert np.all(c["execution"][delivered] == 0)  # ExecutionKind.FINE: paid via CJIB like a fine
    assert np.mean(c["outcome"][tr] == Outcome.EXECUTED) > 0.8


def test_a_conditional_sepot_ends_with_its_own_outcome_and_a_breach_is_summoned(run, run_without):
    sc, res = run
    c = res.columns
    cs = c["route_initial"] == Route.CONDITIONAL_SEPOT
    kept = cs & (c["route"] == Route.CONDITIONAL_SEPOT)
    breached = cs & (c["route"] == Route.REGULAR)
    assert kept.sum() > 50 and breached.sum() > 10
    assert kept.sum() + breached.sum() == cs.sum()
    assert np.all(c["outcome"][kept] == Outcome.CONDITIONAL_SEPOT)
    assert np.all(c["probation_days"][cs] == PROBATION)
    # summoned after the breach, within the probation: heard no sooner than the summons term after the sepot
    heard = breached & ~np.isnan(c["t_first_hearing"])
    assert heard.sum() > 0
    wait = c["t_first_hearing"][heard] - c["t_decision"][heard]
    assert np.all(wait >= sc.legal.summons_term_days - 1e-3)
    assert np.all(c["outcome"][breached] != Outcome.CONDITIONAL_SEPOT)
    # without breaches no conditional sepot reaches court
    c0 = run_without[1].columns
    cs0 = c0["route_initial"] == Route.CONDITIONAL_SEPOT
    assert cs0.sum() > 50
    assert np.all(np.isnan(c0["t_first_hearing"][cs0]))
    assert np.all(c0["outcome"][cs0] == Outcome.CONDITIONAL_SEPOT)


def test_a_custodial_and_taakstraf_sentence_is_executed_only_after_both_parts(run):
    _, res = run
    c = res.columns
    custodial = (c["verdict"] == Verdict.CUSTODIAL) & ~np.isnan(c["t_verdict"])
    both = custodial & ((c["sanctions"] & sanction_bit(Verdict.TAAKSTRAF)) != 0)
    only = custodial & ~both
    assert both.sum() > 20
    executed = both & (c["outcome"] == Outcome.EXECUTED)
    assert executed.sum() > 5
    # the taakstraf was done, after the custodial part: time in both stages, the detention first
    assert np.all(c["days_taakstraf"][executed] > 0)
    assert not np.any(np.isnan(c["t_detention_start"][executed]))  # a place taken (a stay of 0 days after remand)
    done = executed & ~c["replacement_detention"]  # (a failed taakstraf ends in a second stay in detention)
    assert done.sum() > 5
    assert np.all(c["t_exec_end"][done] >= c["t_detention_start"][done] + c["days_taakstraf"][done] - 1e-2)
    # a custodial sentence alone has no taakstraf to do
    assert np.all(c["days_taakstraf"][only & (c["outcome"] == Outcome.EXECUTED)] == 0)
    # still in its taakstraf at the end: not executed
    in_taak = both & (res.columns["stage_at_end"] == 8)  # Stage.TAAKSTRAF
    assert np.all(c["outcome"][in_taak] == Outcome.OPEN)


def test_verdicts_combine_sanctions_as_the_shares_say(run):
    _, res = run
    c = res.columns
    judged = ~np.isnan(c["t_verdict"])
    v, parts = c["verdict"][judged], c["sanctions"][judged].astype(int)
    assert np.all(parts[v == Verdict.ACQUITTAL] == 0)
    for verdict in (Verdict.FINE, Verdict.TAAKSTRAF, Verdict.CUSTODIAL, Verdict.SUSPENDED):
        assert np.all(parts[v == verdict] & sanction_bit(verdict))  # the principal's own bit
    custodial = parts[v == Verdict.CUSTODIAL]
    assert np.mean(custodial & sanction_bit(Verdict.SUSPENDED) != 0) == pytest.approx(0.5, abs=0.08)
    assert np.mean(custodial & sanction_bit(Verdict.TAAKSTRAF) != 0) == pytest.approx(0.3, abs=0.08)
    fines = parts[v == Verdict.FINE]
    assert np.mean(fines & sanction_bit(Verdict.SUSPENDED) != 0) == pytest.approx(0.2, abs=0.06)
    assert not np.any(fines & sanction_bit(Verdict.TAAKSTRAF))


def test_claims_are_filed_within_the_probation_and_heard_in_snelrecht_sessions(run):
    sc, res = run
    c = res.columns
    filed = ~np.isnan(c["t_claim"])
    assert filed.sum() > 50
    suspended_part = (c["sanctions"] & sanction_bit(Verdict.SUSPENDED)) != 0
    assert np.all(suspended_part[filed])  # only a sentence with a suspended part
    start, days = c["t_probation_start"][filed], c["probation_days"][filed]
    assert np.all(c["t_claim"][filed] >= start) and np.all(c["t_claim"][filed] <= start + days + 1e-3)
    heard = ~np.isnan(c["t_claim_hearing"])
    # every claim is heard, but for those filed too near the end of the run (censored)
    early = filed & (c["t_claim"] < sc.total_days - 100.0)
    assert early.sum() > 0.8 * filed.sum() and heard[early].mean() > 0.98
    assert np.all(c["t_claim_hearing"][heard] >= c["t_claim"][heard])
    # heard within months of filing: claims take the snelrecht sessions' slots left free by detained suspects, after
    # snelrecht for suspects not detained, so they wait longer when those sessions are full (the empty small chain's
    # median is about 100 days; it was 35 when its police and OM started with a stock of work)
    assert np.median(c["t_claim_hearing"][heard] - c["t_claim"][heard]) < 180
    # every claim hearing sits in a snelrecht session, one per heard claim, at the recorded time
    h = res.hearings
    claim = h["queue"] == CourtQueue.CLAIM
    assert claim.sum() == heard.sum()
    snelrecht = list(sc.courts.sessions).index("snelrecht")
    assert np.all(h["session_type"][claim] == snelrecht)
    assert np.allclose(np.sort(h["time"][claim]), np.sort(c["t_claim_hearing"][heard].astype(float)), atol=1e-3)
    granted = h["result"][claim] == HearingResult.CLAIM_GRANTED
    assert granted.sum() == c["claim_granted"].sum()
    assert 0.6 < granted.mean() < 0.95
    # a granted claim sends the suspended part to a DJI place; a refused one does not
    executed = ~np.isnan(c["t_claim_executed"])
    assert np.all(c["claim_granted"][executed])
    assert executed.sum() > 0.5 * c["claim_granted"].sum()
    assert np.all(c["t_claim_executed"][executed] > c["t_claim_hearing"][executed])


def test_no_claim_share_gives_no_claims(run_without):
    _, res = run_without
    c = res.columns
    assert ((c["sanctions"] & sanction_bit(Verdict.SUSPENDED)) != 0).sum() > 100  # suspended parts there are
    assert np.all(np.isnan(c["t_claim"])) and np.all(np.isnan(c["t_claim_hearing"]))
    assert not np.any(res.hearings["queue"] == CourtQueue.CLAIM)
    assert not c["claim_granted"].any()


def test_key_figures_per_sanction_and_decision_add_up(run):
    sc, res = run
    c = res.columns
    cohort = cohort_mask(c, sc)
    years = (sc.horizon_days - sc.warmup_days) / 365.25
    k = sanction_kpis(c, cohort, years)
    judged = cohort & ~np.isnan(c["t_verdict"])
    parts = c["sanctions"][judged].astype(int)
    popcount = sum(int(np.count_nonzero(parts & (1 << b))) for b in range(8))
    per_part = sum(k[("sanctions_imposed", v.key)] for v in (Verdict.FINE, Verdict.TAAKSTRAF, Verdict.CUSTODIAL))
    per_part += k[("sanctions_imposed", "suspended")]
    assert per_part * years == pytest.approx(popcount)
    both = np.count_nonzero(
        (parts & sanction_bit(Verdict.CUSTODIAL)) & ((parts & sanction_bit(Verdict.SUSPENDED)) >> 1)
    )
    any_custodial = k[("sanctions_imposed", "custodial")] + k[("sanctions_imposed", "suspended")] - both / years
    assert k[("sanctions_imposed", "custodial_any")] == pytest.approx(any_custodial)
    # combined sentences count more parts than verdicts
    assert per_part * years > np.count_nonzero(parts)
    decided = np.count_nonzero(cohort & (c["route_initial"] >= 0))
    om = sum(v for (m, _), v in k.items() if m == "om_decisions")
    assert om * years == pytest.approx(decided)
    assert k[("claims", "granted")] <= k[("claims", "heard")] <= k[("claims", "filed")]


def test_claims_need_a_session_that_hears_them():
    over = {
        "courts": {
            "suspended": {"claim_share": 0.1},
            "sessions": {"snelrecht": {"serves": ["snelrecht_detained", "snelrecht_not_detained"]}},
        }
    }
    with pytest.raises(S.ScenarioError, match="no session type serves 'claim'"):
        S.load(BASELINE, overrides=over)
    over["courts"]["suspended"]["claim_share"] = 0.0
    S.load(BASELINE, overrides=over)  # no claims: no session needed
