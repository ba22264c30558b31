"""The resolved scenario written back as TOML (`ketensim show`, ``scenario.toml`` in results)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenario_model import Scenario


def dump_toml(scenario: Scenario) -> str:
    """The resolved scenario as TOML, with short arrays (schedules, weekdays) kept on one line."""
    import re

    import tomli_w

    text = tomli_w.dumps(scenario.resolved_dict())
    inner = re.compile(r"\[\n((?:[ ]+[^\[\]\n]+,\n)+)[ ]*\]")
    outer = re.compile(r"\[\n((?:[ ]+(?:\[[^\[\]\n]*\]|[^\[\]\n]+),\n)+)[ ]*\]")

    def one_line(m: re.Match) -> str:
        items = [x.strip().rstrip(",") for x in m.group(1).splitlines()]
        line = "[" + ", ".join(items) + "]"
        return line if len(line) <= 110 else m.group(0)

    for pattern in (inner, outer):
        text = pattern.sub(one_line, text)
    return text
