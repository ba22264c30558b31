"""The workshop page (``ketensim workshop``): the Actieplan's levers in a browser, each change simulated against
the base with common random numbers and shown beside it.

| module | what |
|---|---|
| `levers` | the levers (the Actieplan measures' keys), their baseline values, units and sources; controls → override |
| `session` | the runs of a workshop: base cached, variants, comparisons of any two, save as a scenario, the report |
| `page` | the results as HTML: key figures side by side, the report's findings, the report's figures |
| `app` | the Shiny for Python app that puts them on the page |

See docs/workshop.md for the settings a workshop run uses.
"""

from .levers import Lever, LeverError, lever_overrides, levers
from .session import Run, Session, WorkshopError, WorkshopSettings, new_session, save_variant


def make_app(session, files):
    """The Shiny app (imported here on demand: the library parts need no web framework)."""
    from .app import make_app as _make_app

    return _make_app(session, files)


__all__ = [
    "Lever",
    "LeverError",
    "Run",
    "Session",
    "WorkshopError",
    "WorkshopSettings",
    "lever_overrides",
    "levers",
    "make_app",
    "new_session",
    "save_variant",
]
