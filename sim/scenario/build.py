"""From merged data to a validated `Scenario`: the roll-out applied, the whole file validated, every region's chain
resolved and checked, forecast volumes evaluated; `load` does it for a file."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .checks import chain_problems
from .files import deep_merge, load_raw
from .forecast_volumes import _forecasts
from .problems import Problem, ScenarioError, _problems_from
from .regions import _apply_rollout, _regional_raw
from .scenario_model import Scenario
from .sections import ChainConfig


def load(path: str | Path, overrides: dict | None = None) -> Scenario:
    """Load, merge and validate a scenario file; raise ScenarioError listing every problem."""
    merged, files = load_raw(path)
    if overrides:
        merged = deep_merge(merged, overrides)
    return from_dict(merged, str(path))


# Tables of named things a scenario may add to: a name that is new and lacks required keys is most likely a typo.
NAMED_TABLES = {
    ("courts", "sessions"): "session type",
    ("advice",): "advice report kind",
    ("intake", "streams"): "case stream",
}


def _name_new_tables(problems: list[Problem], merged: dict) -> list[Problem]:
    """Replace the "Field required" problems of a new named table (``[courts.sessions.politierechtr]``) by one
    problem saying it is not a known one, with the closest known name: a misspelt name otherwise reads as "slots:
    Field required"."""
    import difflib

    out: list[Problem] = []
    done: set[tuple[str, ...]] = set()
    for p in problems:
        parts = tuple(p.key.split("."))
        for prefix, what in NAMED_TABLES.items():
            n = len(prefix)
            if parts[:n] != prefix or len(parts) != n + 2:
                continue
            name = parts[n]
            table = merged
            for k in prefix:
                table = table.get(k, {}) if isinstance(table, dict) else {}
            siblings = [
                p2 for p2 in problems if tuple(p2.key.split("."))[: n + 1] == (*prefix, name) and p2.key != p.key
            ]
            if p.reason != "Field required" or any(s2.reason != "Field required" for s2 in siblings):
                continue
            key = (*prefix, name)
            if key not in done:
                done.add(key)
                known = sorted(k for k in table if k != name) if isinstance(table, dict) else []
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
                needs = sorted({q.key.split(".")[-1] for q in [p, *siblings]})
                hint = f"did you mean {close[0]!r}? " if close else ""
                out.append(
                    Problem(
                        p.file,
                        ".".join(key),
                        f"not a {what} of this scenario ({hint}known: {', '.join(known) or 'none'}); "
                        f"a new {what} needs {', '.join(needs)}",
                    )
                )
            break
        else:
            out.append(p)
    return out


def from_dict(merged: dict, file: str = "<scenario>") -> Scenario:
    if "rollout" in merged:
        merged = _apply_rollout(merged, file)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as e:
        raise ScenarioError(_name_new_tables(_problems_from(e, file), merged)) from None
    problems: list[Problem] = []
    chains = {}
    regions = merged.get("regions") or {"national": {"share": 1.0}}
    for name, spec in regions.items():
        raw = _regional_raw(merged, name, spec, len(regions))
        try:
            chains[name] = ChainConfig.model_validate(raw)
        except ValidationError as e:
            problems += _problems_from(e, file, f"regions.{name}(resolved)")
            continue
        if spec.get("override"):
            streams = set(scenario.intake.streams)
            for text in chain_problems(chains[name], streams):
                key, _, reason = text.partition(": ")
                problems.append(Problem(file, f"regions.{name}(resolved).{key}", reason))
    if problems:
        raise ScenarioError(problems)
    scenario._chains.update(chains)
    scenario._forecasts.update(_forecasts(scenario, file))
    return scenario
