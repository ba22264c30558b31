"""The shipped scenario library: every file validates, says where its numbers come from, changes only its levers,
and the stress scenarios reproduce what they claim."""

from __future__ import annotations

import datetime as dt
import re
import tomllib

import pytest
from conftest import ROOT

from sim import scenario as S
from sim.domain import Stage
from sim.model import run_replication
from sim.rollout import diff

SCEN = ROOT / "scenarios"
FILES = sorted(SCEN.glob("*.toml"))
LEVERS = [
    "zsm-selection",
    "flexible-courts",
    "officier-available",
    "files-right-first-time",
    "faster-advice",
    "faster-delivery",
    "execution-info",
    "selectiviteitskader",
    "digital-self-reporting",
    "verkeerstoren",
]


def flat(d, prefix=""):
    out = {}
    for k, v in (d or {}).items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.update(flat(v, key))
        else:
            out[key] = v
    return out


@pytest.fixture(scope="module")
def baseline():
    return S.load(SCEN / "baseline.toml").resolved_dict()


def test_the_library_is_complete():
    names = {p.stem for p in FILES}
    assert {"baseline", "actieplan", "actieplan-phased", "corona-2020", "cell-shortage-2024", *LEVERS} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_validates_and_opens_with_its_purpose(path):
    sc = S.load(path)
    assert sc.name == path.stem
    assert sc.description
    first = path.read_text().splitlines()[0]
    assert first.startswith("# "), "a scenario file opens with a comment saying what it represents"


KEY_LINE = re.compile(r"^[A-Za-z_][\w-]* *=")


def _documented(lines: list[str], i: int) -> bool:
    """Line i has a comment, or a comment sits in the lines just above it (other keys and table headers allowed in
    between, up to a blank line)."""
    j = i
    while j >= 0 and lines[j].strip():
        if "#" in lines[j]:
            return True
        j -= 1
    return False


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_parameter_says_where_it_comes_from(path):
    """Each `key = value` line says where its value comes from (a comment on the line, above it, or on its table);
    a variant may instead explain its few values in its opening comment."""
    text = path.read_text()
    lines = text.splitlines()
    is_variant = "extends" in tomllib.loads(text)
    opening = "\n".join(ln for ln in lines[:25] if ln.startswith("#"))
    for i, ln in enumerate(lines):
        if not KEY_LINE.match(ln) or ln.split("=")[0].strip() in ("extends", "name", "description", "include"):
            continue
        if not _documented(lines, i):
            assert is_variant and ("ASSUMPTION" in opening or "cal:" in opening), f"{path.name}: {ln!r} has no source"


@pytest.mark.parametrize("name", LEVERS)
def test_lever_changes_only_its_own_keys(name, baseline):
    lever = S.load(SCEN / f"{name}.toml").resolved_dict()
    changed = set(flat(diff(lever, baseline)))
    changed -= {"name", "description"}
    raw = S._read_toml(SCEN / f"{name}.toml", name)
    own = {k for k in flat({k: v for k, v in raw.items() if k not in S.OWN_KEYS})}
    # every changed key is one the file sets (or inside a table it sets)
    assert changed and all(any(c == o or c.startswith(o + ".") for o in own) for c in changed), changed - own


def test_actieplan_is_the_sum_of_the_levers(baseline):
    actie = flat(diff(S.load(SCEN / "actieplan.toml").resolved_dict(), baseline))
    union = {}
    for name in LEVERS:
        union.update(flat(diff(S.load(SCEN / f"{name}.toml").resolved_dict(), baseline)))
    for k in ("name", "description"):
        actie.pop(k, None)
        union.pop(k, None)
    assert actie == union


def test_phased_actieplan_switches_per_district():
    phased = S.load(SCEN / "actieplan-phased.toml")
    base, actie = S.load(SCEN / "baseline.toml"), S.load(SCEN / "actieplan.toml")
    for region, day in (("rotterdam", dt.date(2021, 3, 1)), ("limburg", dt.date(2022, 6, 1))):
        before, after = day - dt.timedelta(days=1), day
        ch = phased.chain(region)
        rc = ch.courts.sessions["rc_supersnelrecht"].per_week
        assert rc.at_date(before) == base.chain(region).courts.sessions["rc_supersnelrecht"].per_week.at_date(before)
        assert rc.at_date(after) == actie.chain(region).courts.sessions["rc_supersnelrecht"].per_week.at_date(after)
        adj = ch.courts.adjournment_share
        assert adj.at_date(before) == 0.12 and adj.at_date(after) == 0.08


def _backlog_on(res, sc, date, stage):
    return res.backlog[(date - sc.start_date).days, Stage.from_key(stage)]


@pytest.mark.long  # a national run of three and a half years (about 80 s): in `.ci/run`'s long tests
def test_cell_shortage_reproduces_the_published_zelfmelder_backlog():
    """cal:zelfmelders_voorraad: about 1,100 (Dec 2023), 3,445 (Sep 2024), 4,109 (Jan 2025)."""
    sc = S.load(SCEN / "cell-shortage-2024.toml")
    res = run_replication(sc, 0)
    dec23 = _backlog_on(res, sc, dt.date(2023, 12, 5), "zelfmelder_wait")
    sep24 = _backlog_on(res, sc, dt.date(2024, 9, 1), "zelfmelder_wait")
    jan25 = _backlog_on(res, sc, dt.date(2025, 1, 15), "zelfmelder_wait")
    assert 700 <= dec23 <= 1_800
    assert 2_400 <= sep24 <= 4_800
    assert 2_900 <= jan25 <= 5_500 and jan25 > sep24 > dec23
