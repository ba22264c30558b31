"""The ``ketensim report`` command: one self-contained HTML workshop report from a compare folder or run folders.

Thin by design (STYLE.md principle 9): it parses, calls `sim.report.write_report`, and renders bad input once,
through the ``fail`` the main command line passes in (``folder: reason`` lines, exit code 2, nothing written).
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import List, Optional

HELP = """Write ONE self-contained HTML report (plots embedded, no JavaScript, nothing loaded from elsewhere) for a
`ketensim compare` folder, or for one or more `ketensim run` folders side by side.

In the order a workshop discusses it: provenance (scenarios, seed, replications, version, dates, commands); per
scenario its description and the settings it changes relative to the reference (before → after); the headline
findings (significant paired differences, largest first, with units and 95% intervals); the key figures per theme
with their intervals and differences; and the plots, each with a caption. Run folders were not paired, so they are
shown side by side without differences, and the report says so.

Example: `ketensim report results/compare/20261122-101500-baseline-vs-actieplan --out workshop.html`
"""


def register(app, fail) -> None:
    """Add the ``report`` command to the Typer ``app``; ``fail(lines)`` reports bad input and exits with 2."""
    import typer

    @app.command(help=HELP)
    def report(
        results: List[Path] = typer.Argument(..., help="A `ketensim compare` folder, or one or more `ketensim run` "
                                                       "folders."),
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="The HTML file to write (default: "
                                                                    "FIRST_FOLDER/report.html)."),
    ):
        from rich.console import Console

        from .report import ReportError, write_report

        command = shlex.join(["ketensim", "report", *map(str, results)] + (["--out", str(out)] if out else []))
        try:
            path = write_report(results, out, command=command)
        except ReportError as e:
            fail(e.problems)
        except (FileNotFoundError, ValueError) as e:  # a file that vanished or cannot be read while drawing
            fail([str(e)])
        Console().print(f"report: {path} ({path.stat().st_size / 1e6:.1f} MB)")
