"""``ketensim validate`` and ``ketensim show``: check scenario files, print a resolved scenario. The work is
`sim.scenario` (`load`, `dump_toml`)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..scenario import ScenarioError, dump_toml, load
from .app import console, fail, load_scenario, problems_of


def validate(files: list[Path] = typer.Argument(..., help="Scenario TOML files.")):
    """Check scenario files: every problem is listed with file, key and reason; exit code 2 if any.

    Example: `ketensim validate scenarios/*.toml`
    """
    problems = []
    for f in files:
        try:
            sc = load(f)
            console.print(f"[green]ok[/green] {f} ({sc.name})")
        except ScenarioError as e:
            problems += problems_of(e)
    if problems:
        fail(problems)


def show(file: Path = typer.Argument(..., help="Scenario TOML file.")):
    """Print the fully resolved scenario (parents merged, defaults filled) as TOML.

    Example: `ketensim show scenarios/baseline.toml > resolved.toml`
    """
    sc = load_scenario(file)
    sys.stdout.write(dump_toml(sc))
