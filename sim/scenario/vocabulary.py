"""The names scenario files use for routes, court queues and verdicts in their per-route and per-verdict tables.

They are views of the enums in `sim.domain`, which owns the vocabulary; the validators here need them as tuples of
names (for `Literal` types and error messages).
"""

from ..domain import FAST_TRACK_ROUTES, CourtQueue, Route, Verdict, keys

ROUTES = keys(Route)
FAST_TRACK = tuple(r.key for r in FAST_TRACK_ROUTES)
COURT_QUEUES = keys(CourtQueue)
VERDICTS = keys(Verdict)
