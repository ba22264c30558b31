"""The `ketensim` command line: a thin Typer app (`app.py`: the app, shared parts, error rendering) and one module
per command group. Commands parse, call the library, and render; they do no work of their own.

| module | commands |
|---|---|
| `run.py` | `run`, `compare` (their console tables: `summary.py`) |
| `scenarios.py` | `validate`, `show` |
| `plots.py` | `plot`, `report` |
| `export.py` | `export` |
| `capacity.py` | `capacity`, `need` |
| `calibrate.py` | `calibrate` |
| `sensitivity.py` | `sensitivity` |
| `forecast.py` | `forecast` |
| `bench.py` | `bench` |
| `validation.py` | `validate-data` |
| `workshop.py` | `workshop` (the workshop page, `sim.workshop`) |

The commands are added to `app` here, in the order `ketensim --help` lists them. Every module is imported
unconditionally: a module that fails to import fails the whole command line, it never makes a command disappear.
"""

from . import bench, calibrate, capacity, export, forecast, plots, run, scenarios, sensitivity, validation, workshop
from .app import app

app.command()(run.run)
app.command()(scenarios.validate)
app.command(name="validate-data")(validation.validate_data)
app.command()(scenarios.show)
app.command()(plots.plot)
app.command()(run.compare)
app.command()(bench.bench)
app.command()(plots.report)
app.command()(export.export)
app.command()(capacity.capacity)
app.command()(capacity.need)
app.command()(calibrate.calibrate)
app.command()(sensitivity.sensitivity)
app.command()(forecast.forecast)
app.command()(workshop.workshop)

__all__ = ["app"]
