"""``ketensim workshop``: the workshop page, a local web app (Shiny for Python, `sim.workshop`) bound to 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import webbrowser
from pathlib import Path

import typer

from .app import console, fail, load_scenarios

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def workshop(
    scenarios: list[Path] = typer.Argument(
        None, help="Base scenarios to choose from (default: the library's files in scenarios/)."
    ),
    port: int = typer.Option(8765, "--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port)."),
    browser: bool = typer.Option(True, "--browser/--no-browser", help="Open the page in the default browser."),
    replications: int = typer.Option(4, "--replications", "-r", min=2, help="Paired replications per run."),
    horizon_days: float = typer.Option(
        365.0, "--horizon-days", min=1.0, help="Days of intake simulated in every workshop run."
    ),
    runout_days: float = typer.Option(180.0, "--runout-days", min=0.0, help="Days without intake after it."),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Worker processes per run."),
    first_answer_days: float = typer.Option(
        182.0,
        "--first-answer-days",
        min=0.0,
        help="Days of intake of the first answer shown while the full one runs (one replication per job, 90 days of run-out); 0: the first round of the full run's replications instead.",
    ),
    out: Path = typer.Option(
        Path("results") / "workshop", "--out", "-o", help="Folder for the session's runs (a new subfolder each time)."
    ),
):
    """Start the workshop page: move the Actieplan's levers in a browser and see lead times and backlogs change
    against the base, paired by replication (common random numbers). Works offline; stop it with Ctrl-C.

    Example: `ketensim workshop` (or `ketensim workshop scenarios/baseline.toml --port 8800 --no-browser`)
    """
    import uvicorn

    from ..workshop import WorkshopSettings, make_app, new_session

    files = list(scenarios) if scenarios else sorted(SCENARIOS.glob("*.toml"), key=_library_order)
    if not files:
        fail([f"{SCENARIOS}: no scenario files; give one, e.g. ketensim workshop scenarios/baseline.toml"])
    missing = [f"{f}: no such file" for f in files if not f.is_file()]
    if missing:
        fail(missing)
    load_scenarios(files[:1])  # the first base must validate; the others say so on the page when chosen
    settings = WorkshopSettings(horizon_days, runout_days, None, replications, None, jobs, first_answer_days or None)
    session = new_session(out, settings)
    if port == 0:
        port = free_port()
    url = f"http://127.0.0.1:{port}/"
    console.print(f"workshop page: {url}  ({settings.describe()}; runs in {session.folder}; Ctrl-C stops it)")
    if browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(make_app(session, files), host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    """A port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _library_order(f: Path) -> tuple[int, str]:
    """The baseline first, then the rest by name."""
    return (0 if f.stem == "baseline" else 1, f.stem)
