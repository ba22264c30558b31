"""Scenario settings in words and units, for people who do not read key paths.

The report lists what a scenario changes relative to the reference. A workshop reads
"5% → 8% of VVC cases decided at ZSM with the suspect held go to supersnelrecht", not
``om.decision_mix.vvc.zsm_arrested.supersnelrecht 0.05 → 0.08``. `describe_change` turns one changed key (as
`sim.report.scenario_changes` finds it) into such a sentence; a key it has no words for keeps its path, with the
values written readably. The patterns follow docs/scenario-reference.md; a region's override
(``regions.<name>.override.<key>``) is the same sentence with "in <region>" added.

`direct_inputs` says which key figures a changed key sets directly (a lever that sets the share of sessions without
an officier to zero makes "sessions cancelled" fall by construction): such a difference is the scenario's input,
not a finding, and the report's summary never shows it as one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from . import formatting as fmt
from .labels import ROUTE_LABELS, session_type_label, tr

STREAMS = {"vvc": "VVC", "hic": "HIC", "other": "other"}
OM_SITUATIONS = {
    "zsm_arrested": "{s} cases decided at ZSM with the suspect held",
    "zsm": "other {s} cases decided at ZSM",
    "regular": "{s} cases in regular OM handling",
}
DESKS = {"zsm": "the ZSM desk", "regular": "regular OM handling"}
ADVICE = {"reclassering": "reclassering", "rvdk": "RvdK", "nifp": "NIFP"}


def _stream(key: str) -> str:
    return tr(STREAMS.get(key, key))


def _session(key: str) -> str:
    return tr(session_type_label(key).replace("\n", " "))


def _route(key: str) -> str:
    return ROUTE_LABELS.get(key, key)


# (pattern over the key path, the kind of value, the sentence). The sentence gets the named groups (put through
# the functions in `WORDS`) and "{change}" = "before → after" in the value's unit. Kinds: "share" (a fraction
# written as %), "scale" (a factor on durations, written as ×), "fte", "plain".
RULES: tuple[tuple[str, str, str], ...] = (
    (
        r"om\.decision_mix\.(?P<stream>\w+)\.(?P<situation>\w+)\.(?P<route>\w+)",
        "share",
        "{change} of {situation} to {route}",
    ),
    (
        r"om\.zsm_share_not_arrested\.(?P<stream>\w+)",
        "share",
        "{change} of {stream} cases without an arrest to the ZSM desk",
    ),
    (
        r"om\.(?P<desk>zsm|regular)\.return_share",
        "share",
        "{change} of the cases handled by {desk} returned to the police",
    ),
    (r"om\.(?P<desk>zsm|regular)\.fte", "fte", "OM staff at {desk}: {change}"),
    (
        r"intake\.streams\.(?P<stream>\w+)\.no_suspect_investigated_share",
        "share",
        "{change} of {stream} offences without a known suspect investigated by the police",
    ),
    (
        r"intake\.streams\.(?P<stream>\w+)\.no_suspect_solved_share",
        "share",
        "{change} of investigated {stream} offences without a known suspect that get a suspect",
    ),
    (r"intake\.streams\.(?P<stream>\w+)\.volume", "plain", "{stream} offences per year: {change}"),
    (r"police\.detective_fte", "fte", "police detectives: {change}"),
    (r"police\.file_completion\.scale", "scale", "time for the police to complete a case file: {change}"),
    (r"advice\.(?P<advice>\w+)\.duration\.scale", "scale", "time to write a {advice} advice report: {change}"),
    (r"advice\.(?P<advice>\w+)\.fte", "fte", "{advice} report writers: {change}"),
    (
        r"courts\.sessions\.(?P<session>\w+)\.officier_share",
        "share",
        "{change} of {session} sessions with an officier available",
    ),
    (r"courts\.sessions\.(?P<session>\w+)\.per_week", "plain", "{session} sessions per week: {change}"),
    (r"courts\.adjournment_share", "share", "{change} of hearings adjourned (aanhouding)"),
    (r"execution\.delivery\.scale", "scale", "time to deliver a verdict to CJIB: {change}"),
    (r"execution\.delivery_return_share", "share", "{change} of deliveries to CJIB returned for rework"),
    (r"execution\.fines\.paid_share", "share", "{change} of fines paid in one go"),
    (r"execution\.fines\.plan_share", "share", "{change} of fines paid on a payment plan"),
    (r"execution\.taakstraf\.failure_share", "share", "{change} of taakstraffen not completed"),
    (r"execution\.taakstraf\.fte", "fte", "reclassering staff on taakstraffen: {change}"),
    (r"execution\.custodial\.callup\.scale", "scale", "time from call-up to reporting date: {change}"),
    (r"execution\.custodial\.no_show_share", "share", "{change} of zelfmelders who do not report"),
    (r"execution\.custodial\.callup_share", "share", "{change} of zelfmelders called up when a place is expected"),
    (
        r"execution\.custodial\.verkeerstoren_share",
        "share",
        "{change} of arrestanten found matched by the verkeerstoren",
    ),
    (r"execution\.custodial\.cells", "plain", "DJI places for the chain's convicts: {change}"),
    (r"appeal\.fte", "fte", "gerechtshof staff on appeals: {change}"),
)
WORDS: dict[str, Callable[[str], str]] = {
    "stream": _stream,
    "route": _route,
    "desk": lambda k: tr(DESKS.get(k, k)),
    "advice": lambda k: ADVICE.get(k, k),
    "session": _session,
}
_REGION = r"(?:regions\.(?P<region>[\w-]+)\.override\.)?"
_COMPILED = tuple((re.compile(_REGION + p + "$"), kind, text) for p, kind, text in RULES)

# Key figure (metric of kpis.csv) -> the key paths that set it directly. A named group "group" ties the figure's
# group to a part of the path (the session type whose officier share changed); without it every group of the
# figure is set.
DIRECT_INPUTS: dict[str, tuple[str, ...]] = {
    "sessions_cancelled_share": (r"courts\.sessions\.(?P<group>\w+)\.officier_share",),
    "sessions_without_judges_share": (r"courts\.judge_dagdelen_per_week", r"courts\.sessions\.(?P<group>\w+)\.judges"),
    "sessions_low_fill_share": (r"courts\.sessions\.(?P<group>\w+)\.min_fill\w*",),
    "via_zsm_share": (r"om\.zsm_share_not_arrested\.\w+",),
    "returned_share": (r"om\.\w+\.return_share",),
    "adjournments_per_hearing_case": (r"courts\.adjournment_share",),
    "cases": (r"om\.decision_mix\..+", r"om\.zsm_share_not_arrested\.\w+"),
    "strafbeschikkingen": (r"om\.decision_mix\..+",),
    "station_capacity": (r".*fte", r"execution\.custodial\.cells", r"custody\.remand_places"),
    "om_intake": (r"intake\.streams\.\w+\.volume",),
}
_DIRECT = {m: tuple(re.compile(_REGION + p + "$") for p in ps) for m, ps in DIRECT_INPUTS.items()}


def describe_change(path: str, before: Any, after: Any, missing: Any = None) -> str:
    """One changed setting in words and units: "5% → 8% of VVC cases decided at ZSM with the suspect held to
    supersnelrecht"; a key without words here: "key.path: 0.3 → 0.5". `missing` is the marker of "not set"."""
    kind = setting_kind(path)
    change = f"{value_text(before, kind, missing)} → {value_text(after, kind, missing)}"
    return _sentence(path, change)


def describe_setting(path: str, value: Any) -> str:
    """One setting and its value in words and units, as `describe_change` writes a change: "55% of VVC cases
    without an arrest to the ZSM desk", "politierechter sessions per week: 105" (the workshop page's controls)."""
    return _sentence(path, value_text(value, setting_kind(path)))


def setting_kind(path: str) -> str:
    """The kind of value a key holds, as the sentences write it: "share" (a fraction, written as %), "scale" (a
    factor on durations, ×), "fte" or "plain"."""
    for pattern, kind, _ in _COMPILED:
        if pattern.match(path):
            return kind
    return "plain"


def _sentence(path: str, value: str) -> str:
    for pattern, _, text in _COMPILED:
        m = pattern.match(path)
        if m is None:
            continue
        parts = {k: WORDS[k](v) for k, v in m.groupdict().items() if k in WORDS and v is not None}
        if "situation" in parts or "situation" in m.groupdict():
            situation = OM_SITUATIONS.get(m["situation"], m["situation"])
            parts["situation"] = tr(situation).format(s=parts.get("stream", ""))
        sentence = tr(text).format(change=value, **parts)  # in the current language (`sim.labels.NL`)
        region = m["region"]
        return f"{sentence} ({tr('in')} {region})" if region else sentence
    return f"{path}: {value}"


def value_text(v: Any, kind: str, missing: Any = None) -> str:
    """A setting's value in its unit: shares as %, duration scales as "× 0.7", fte with "fte"; schedules as
    "5% · from 2021-03-01: 8%"."""
    if v is None or v is missing:
        return tr("not set")
    if isinstance(v, bool):
        return tr("yes" if v else "no")
    if isinstance(v, (int, float)):
        if kind == "share":
            return f"{fmt.plain_number(round(v * 100, 4))}%"
        if kind == "scale":
            return f"× {fmt.plain_number(v)}"
        if kind == "fte":
            return f"{fmt.plain_number(v)} fte"
        return fmt.plain_number(v)
    if _is_schedule(v):
        first, rest = v[0], v[1:]
        return " · ".join(
            [value_text(first[1], kind)] + [f"{tr('from')} {str(d)[:10]}: {value_text(x, kind)}" for d, x in rest]
        )
    if isinstance(v, (list, tuple)):
        return ", ".join(value_text(x, kind) for x in v) if v else "(none)"
    if isinstance(v, Mapping):
        return "; ".join(f"{k} = {value_text(x, kind)}" for k, x in v.items()) if v else "(empty)"
    return str(v)


def _is_schedule(v: Any) -> bool:
    if not isinstance(v, (list, tuple)) or not v:
        return False
    for p in v:
        if not (isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[1], (int, float))):
            return False
        if not isinstance(p[0], dt.date):
            try:
                dt.date.fromisoformat(str(p[0])[:10])
            except ValueError:
                return False
    return True


def direct_inputs(paths: Iterable[str]) -> dict[str, set[str] | None]:
    """The key figures the changed `paths` set directly: metric -> the groups set (None: every group)."""
    out: dict[str, set[str] | None] = {}
    for path in paths:
        for metric, patterns in _DIRECT.items():
            for p in patterns:
                m = p.match(path)
                if m is None:
                    continue
                group = m.groupdict().get("group")
                if group is None:
                    out[metric] = None
                elif metric not in out or out[metric] is not None:
                    out.setdefault(metric, set()).add(group)  # type: ignore[union-attr]
    return out


def is_input(metric: str, group: str, inputs: Mapping[str, set[str] | None]) -> bool:
    """Whether the key figure (metric, group) is one the scenario sets itself (see `direct_inputs`)."""
    if metric not in inputs:
        return False
    groups = inputs[metric]
    return groups is None or group in groups
