"""A fuzzer for scenario files (issue 11 §5): hypothesis mutates a valid scenario (the small golden one, written
out in full) — a key removed, a value replaced by one of another type or out of range, an unknown key added, a
table replaced by a value — and `ketensim validate` must either accept the file or refuse it cleanly: exit 2, no
traceback, each problem naming the file, and nothing written.

The default suite runs 60 examples; ``pytest -m long`` runs the 1,000-example version (`.ci/run` does).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
import tomli_w
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim import scenario as S
from sim.cli import app

runner = CliRunner()
SMALL = ROOT / "tests" / "golden" / "small.toml"


def _valid() -> dict:
    """The small scenario, resolved and written out in full (no `extends`), so every key can be mutated."""
    data = S.load(SMALL).resolved_dict()
    data.pop("extends", None)
    return data


VALID = _valid()


def _paths(d, prefix=()):
    for k, v in d.items():
        yield (*prefix, k)
        if isinstance(v, dict):
            yield from _paths(v, (*prefix, k))


PATHS = sorted(_paths(VALID), key=lambda p: ".".join(map(str, p)))

ODD_VALUES = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0, -1, 1e300, -1e-300, 1e9, 0.5, 2.0]),
    st.text(max_size=12),
    st.sampled_from(["[/red]", ":abc:", "../../x", "", "2019-13-01", "nan", "inf", "lognormal"]),
    st.booleans(),
    st.lists(st.integers(min_value=-5, max_value=10), max_size=4),
    st.just([["2019-01-01", 1.0]]),
    st.just({"dist": "lognormal", "mean": -3, "cv": 0}),
    st.just({"dist": "nonsense"}),
    st.just({}),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)


def _set(d: dict, path, value) -> None:
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = value


def _delete(d: dict, path) -> None:
    for k in path[:-1]:
        d = d[k]
    del d[path[-1]]


@st.composite
def mutated(draw):
    import copy

    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(PATHS))
        try:
            op = draw(st.sampled_from(["replace", "delete", "unknown"]))
            if op == "replace":
                _set(data, path, copy.deepcopy(draw(ODD_VALUES)))  # st.just gives one shared object
            elif op == "delete":
                _delete(data, path)
            else:
                _set(data, (*path[:-1], draw(st.sampled_from(["detectivs", "x", "Staff", "per week"]))), 1)
        except (KeyError, TypeError):
            continue  # the path went away with an earlier mutation
    return data


def _diff(a, b, prefix="") -> list[str]:
    """Where `b` differs from `a`: "key.path: old -> new" (for the failure message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            p = f"{prefix}.{k}" if prefix else str(k)
            if k not in b:
                out.append(f"{p}: deleted")
            elif k not in a:
                out.append(f"{p}: added {b[k]!r}")
            else:
                out += _diff(a[k], b[k], p)
        return out
    return [] if a == b else [f"{prefix}: {a!r} -> {b!r}"]


def _check(tmp: Path, data: dict) -> None:
    f = tmp / "mutant.toml"
    try:
        f.write_text(tomli_w.dumps(data))
    except (TypeError, ValueError):  # a value TOML cannot hold (e.g. None)
        return
    before = sorted(p.name for p in tmp.iterdir())
    r = runner.invoke(app, ["validate", str(f)])
    what = f"mutations {_diff(VALID, data)}: {r.output}"
    assert r.exception is None or isinstance(r.exception, SystemExit), f"{r.exception!r}; {what}"
    assert "Traceback" not in r.output
    assert r.exit_code in (0, 2), r.output
    if r.exit_code == 2:
        errors = [ln for ln in r.output.splitlines() if ln.startswith("error:")]
        assert errors, what
        assert all(str(f) in ln for ln in errors), what
    assert sorted(p.name for p in tmp.iterdir()) == before  # nothing written


def _fuzz(examples: int):
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(data=mutated())
    def run(tmp_path, data):
        _check(tmp_path, data)

    return run


test_mutated_scenarios_are_accepted_or_refused_cleanly = _fuzz(60)
test_mutated_scenarios_are_accepted_or_refused_cleanly_long = pytest.mark.long(_fuzz(1000))


def test_the_unmutated_scenario_is_valid(tmp_path):
    f = tmp_path / "full.toml"
    f.write_text(tomli_w.dumps(VALID))
    r = runner.invoke(app, ["validate", str(f)])
    assert r.exit_code == 0, r.output
    assert not math.isnan(len(PATHS)) and len(PATHS) > 100  # the fuzzer has many keys to mutate
