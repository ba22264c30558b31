"""The Typer app of the `ketensim` command line, its shared parts, and the one place where errors are rendered.

Bad input (a scenario that does not validate, a missing file, a results folder that is not one) is printed as
``file: key.path: reason`` lines and the command exits with code 2, without a traceback and without writing anything:
commands call `fail`, or wrap a library call in `bad_input`, and never print errors themselves.

The commands live in one module per group (`run`, `scenarios`, `plots`, `forecast`, `bench`); `sim/cli/__init__.py`
adds them to `app` in the order `ketensim --help` lists them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

from .. import __version__
from ..labels import use_language
from ..scenario import ScenarioError, load
from ..stopping import stop_on_signals

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # a bug report should not print arrays of a million cases
    rich_markup_mode="markdown",
    help="ketensim: discrete-event simulator of the Dutch criminal justice chain (strafrechtketen).\n\n"
    "Example: `ketensim run scenarios/baseline.toml --replications 5 --jobs 2`",
)
console = Console()
if not console.is_terminal:  # a log file or a pipe: no terminal width to respect, keep tables on one line per row
    console = Console(width=160)
err = Console(stderr=True)


# ------------------------------------------------------------------------------------------------------ errors


def fail(lines: Iterable[str]) -> NoReturn:
    """Report bad input, one ``error:`` line each, on standard error, and exit with code 2."""
    for line in lines:
        # user text (file names, keys, values) is printed literally: never read as rich markup or emoji codes
        err.print(Text.assemble(("error:", "red"), " ", str(line)), highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def problems_of(e: BaseException) -> list[str]:
    """The lines an error is reported as: its ``problems`` (ScenarioError: ``file: key.path: reason``; the report's
    and the forecaster's errors: ``file: reason``) if it has them, else its message."""
    problems = getattr(e, "problems", None)
    return [str(p) for p in problems] if problems is not None else [str(e)]


@contextmanager
def bad_input(*errors: type[BaseException]):
    """Report these errors, raised by the library inside the block, as bad input (`fail`). Anything else is a bug
    and keeps its traceback."""
    try:
        yield
    except errors as e:
        fail(problems_of(e))


def load_scenario(path: Path, settings: list[str] | None = None):
    """The scenario in `path`, resolved and validated, with the ``--set key.path=value`` settings applied; a
    scenario (or a setting) that does not validate is bad input."""
    return load_scenarios([path], settings)[0]


def load_scenarios(paths: list[Path], settings: list[str] | None = None) -> list:
    """Every scenario in `paths`, resolved and validated, each with the ``--set`` settings applied; the problems of
    *all* files that do not validate are reported together as bad input."""
    overrides, problems = parse_settings(settings or [])
    if problems:
        fail(problems)
    loaded = []
    for path in paths:
        try:
            loaded.append(load(path, overrides=overrides or None))
        except ScenarioError as e:
            problems += problems_of(e)
    if problems:
        fail(problems)
    return loaded


def parse_settings(settings: list[str]) -> tuple[dict, list[str]]:
    """``--set`` values (``om.zsm.return_share=0.05``, ``courts.sessions.politierechter.per_week=110``,
    ``start_date=2020-01-01``, ``name="variant"``) as one nested override, and the problems of those that are not
    ``key.path=value``. A value is read as a TOML value (a number, a date, true/false, a quoted string, a list or an
    inline table); anything else is taken as a plain string. The scenario then validates it like a file."""
    import tomllib

    out: dict = {}
    problems = []
    for item in settings:
        key, sep, raw = item.partition("=")
        parts = key.strip().split(".")
        if not sep or not all(p.strip() for p in parts):
            problems.append(f"--set {item}: give key.path=value, e.g. --set om.zsm.return_share=0.05")
            continue
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        node = out
        for p in parts[:-1]:
            nxt = node.setdefault(p.strip(), {})
            if not isinstance(nxt, dict):
                problems.append(f"--set {item}: {p} is set to a value by another --set")
                break
            node = nxt
        else:
            node[parts[-1].strip()] = value
    return out, problems


# ------------------------------------------------------------------------------------------------- shared parts


class Lang(str, Enum):
    en = "en"
    nl = "nl"


def lang_option() -> Lang:
    """The ``--lang`` option of the commands that write for people (run, compare, plot, report)."""
    return typer.Option(
        Lang.en,
        "--lang",
        help="Language of the console summary, the plots and the report: en (English) or nl (Dutch, the chain's "
        "own terms: doorlooptijd, voorraad, zitting ...).",
    )


def in_language(command: Callable) -> Callable:
    """Run a command whose ``lang`` parameter is `lang_option` with its user-visible text in that language
    (`sim.labels.use_language`); the files it writes for code (CSV, Parquet, JSON) are the same in every language."""

    @functools.wraps(command)
    def run_in_language(*args, **kwargs):
        lang = kwargs.get("lang", Lang.en)
        with use_language(lang.value if isinstance(lang, Lang) else str(lang)):
            return command(*args, **kwargs)

    return run_in_language


@contextmanager
def progress(label: str, total: int, done: int = 0):
    """A progress bar on standard error while work is done (only on a terminal), starting at `done` of `total`;
    yields `advance(k, label=None)`, which also relabels the bar when given a label."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=total, completed=done)

        def advance(k: int, relabel: str | None = None) -> None:
            bar.update(task, advance=k, description=relabel or label)

        yield advance


def _version(value: bool):
    if value:
        console.print(f"ketensim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
):
    stop_on_signals()  # Ctrl-C and SIGTERM stop a command cleanly (sim.stopping)
