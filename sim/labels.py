"""Words for the things the chain is made of: routes, stages, session types, channels, how a case ended, and the
events counted per week. Figures, the report and the key-figure catalogue (`sim.catalogue`) take their labels
from here, so each thing has one name everywhere.
"""

from __future__ import annotations

from .results import OM_ROUTES, UNDECIDED

ROUTE_LABELS = {
    "sepot": "sepot (dismissal)",
    "strafbeschikking": "OM-strafbeschikking",
    "supersnelrecht": "supersnelrecht",
    "snelrecht_detained": "snelrecht, detained",
    "snelrecht_not_detained": "snelrecht, not detained",
    "regular": "regular summons",
    "transactie": "transactie (settlement)",
    "conditional_sepot": "conditional sepot",
    "all": "all routes",
}
# Shorter route names for the nodes of the flow diagram, and shorter still for its line of fall-backs.
FLOW_ROUTE_LABELS = {
    "sepot": "sepot",
    "strafbeschikking": "strafbeschikking",
    "supersnelrecht": "supersnelrecht",
    "snelrecht_detained": "snelrecht, detained",
    "snelrecht_not_detained": "snelrecht, not det.",
    "regular": "regular summons",
    "transactie": "transactie",
    "conditional_sepot": "conditional sepot",
    UNDECIDED: "not decided yet",
}
FALLBACK_ROUTE_LABELS = {
    "supersnelrecht": "supersnelrecht",
    "snelrecht_detained": "snelrecht det.",
    "snelrecht_not_detained": "snelrecht not det.",
    "regular": "regular",
}
STAGE_LABELS = {
    "police": "police",
    "om_zsm": "OM: ZSM desk",
    "om_regular": "OM: regular",
    "ready_to_plan": "OM: ready to plan in court",
    "court": "court (first instance)",
    "appeal": "appeal",
    "cjib_delivery": "delivery to CJIB",
    "fine": "fines",
    "taakstraf": "taakstraf",
    "zelfmelder_wait": "zelfmelders not yet called up",
    "zelfmelder_called_up": "zelfmelders called up",
    "arrestant_wait": "arrestanten waiting",
    "detention": "in detention",
    "advice_reports": "advice reports",
}
COURT_QUEUE_LABELS = {
    "supersnelrecht": "supersnelrecht",
    "snelrecht_detained": "snelrecht, detained",
    "snelrecht_not_detained": "snelrecht, not detained",
    "regular_pr": "politierechter",
    "regular_mk": "meervoudige kamer",
    "claim": "claims to execute suspended sentences",
}
SANCTION_LABELS = {
    "custodial_any": "custodial, wholly or partly suspended included",
    "custodial": "custodial (unconditional part)",
    "suspended": "suspended custodial part",
    "taakstraf": "taakstraf",
    "fine": "fine",
    "summons": "summons to court",
    "filed": "filed",
    "heard": "heard",
    "granted": "granted",
}
CHANNEL_LABELS = {"zsm": "ZSM desk", "regular": "regular OM"}
END_LABELS = {
    "sepot": "sepot: case ends",
    "acquittal": "acquittal",
    "suspended": "suspended sentence",
    "fine": "fine",
    "taakstraf": "taakstraf",
    "aansluitend": "custodial: aansluitend",
    "zelfmelder": "custodial: zelfmelder",
    "arrestant": "custodial: arrestant",
    "conditional_sepot": "conditional sepot: conditions kept",
    "open": "not finished by end of run",
}
# Events counted per week (columns of cases.parquet, `sim.results.WEEKLY_COLUMNS`) -> what they mean.
WEEKLY_EVENTS = {
    "t_om_intake": "OM intake",
    "t_decision": "OM decisions (incl. summonses)",
    "t_verdict": "court verdicts (first instance)",
    "t_exec_end": "executions completed",
}
UNDECIDED_LABEL = "not decided by the end of the run"
# Station kinds (the `group` of stations.csv) -> the partner and its capacity.
STATION_LABELS = {
    "detectives": "police: detectives",
    "zsm": "OM: ZSM desk",
    "om_regular": "OM: regular handling",
    "advice:reclassering": "reclassering: advice reports",
    "advice:rvdk": "RvdK: advice reports",
    "advice:nifp": "NIFP: reports",
    "reclassering": "reclassering: taakstraf",
    "dji_cells": "DJI: cells",
    "gerechtshof": "gerechtshof: appeals",
}


def decided_at(route: str) -> str:
    """Where a route's lead time ends: "OM decision" for sepot and strafbeschikking, else "verdict"."""
    return "OM decision" if route in OM_ROUTES else "verdict"


def session_type_label(session_type: str) -> str:
    """``rc_supersnelrecht`` -> "RC\\nsupersnelrecht": words on lines, so four types fit under a half-width panel."""
    words = session_type.split("_")
    return "\n".join(w.upper() if w == "rc" else w for w in words)


def group_label(kind: str, group: str) -> str:
    """The readable name of a key figure's group of the given kind ("route", "stage", "session type",
    "verdict", "all"); "all" is the whole chain and has no name."""
    if group == "all":
        return ""
    if kind == "stage":
        return STAGE_LABELS.get(group, group)
    if kind == "session type":
        return session_type_label(group).replace("\n", " ")
    if kind == "court queue":
        return COURT_QUEUE_LABELS.get(group, group)
    if kind == "station":
        return STATION_LABELS.get(group, group)
    if kind in ("sanction", "claim") or group == "summons":
        return SANCTION_LABELS.get(group, group)
    if group == UNDECIDED:
        return UNDECIDED_LABEL
    return ROUTE_LABELS.get(group, group)
