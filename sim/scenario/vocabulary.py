"""The chain's vocabulary: the OM decision routes, the fast-track routes, the court queues and the verdicts.

The names scenarios use in their per-route and per-verdict tables. (Soon owned by `sim.domain`; kept here meanwhile.)
"""

ROUTES = (
    "sepot",
    "strafbeschikking",
    "supersnelrecht",
    "snelrecht_detained",
    "snelrecht_not_detained",
    "regular",
)
FAST_TRACK = ("supersnelrecht", "snelrecht_detained", "snelrecht_not_detained")
COURT_QUEUES = ("supersnelrecht", "snelrecht_detained", "snelrecht_not_detained", "regular_pr", "regular_mk")
VERDICTS = ("acquittal", "fine", "taakstraf", "custodial", "suspended")
