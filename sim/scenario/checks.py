"""Cross-checks no single section can make: per-stream tables against the intake streams, court queues against
the session types that serve them, and what a regional override may not set."""

from __future__ import annotations

from typing import Any

from ..domain import COURT_QUEUES
from .sections import NATIONAL_ONLY


def chain_problems(chain, streams: set[str]) -> list[str]:
    """Cross-section checks that hold for the national chain and for every region's resolved chain: every
    per-stream table names exactly the intake streams, every court queue has a session type that serves it, and
    regular cases get at least the summons term (art. 265 Sv) before a session they are put on."""
    problems = []

    def need_streams(mapping: dict, where: str):
        missing = sorted(streams - set(mapping))
        extra = sorted(set(mapping) - streams)
        if missing:
            problems.append(f"{where}: missing streams {missing}")
        if extra:
            problems.append(f"{where}: unknown streams {extra} (intake has {sorted(streams)})")

    need_streams(chain.om.decision_mix, "om.decision_mix")
    need_streams(chain.om.zsm_share_not_arrested, "om.zsm_share_not_arrested")
    need_streams(chain.courts.mk_share, "courts.mk_share")
    need_streams(chain.execution.custodial.length, "execution.custodial.length")
    extra = sorted(set(chain.custody.regular_remand_share) - streams)
    if extra:
        problems.append(f"custody.regular_remand_share: unknown streams {extra} (intake has {sorted(streams)})")
    for name, kind in chain.advice.items():
        need_streams(kind.share, f"advice.{name}.share")
    for i, closure in enumerate(chain.courts.closures):
        unknown = sorted(set(closure.session_types) - set(chain.courts.sessions))
        if unknown:
            problems.append(
                f"courts.closures[{i}].session_types: unknown session types {unknown} "
                f"(known: {sorted(chain.courts.sessions)})"
            )
    served = {q for st in chain.courts.sessions.values() for q in st.serves}
    claims = any(v > 0 for v in chain.courts.suspended.claim_share.values())
    for q in COURT_QUEUES:
        if q == "claim" and not claims:
            continue  # claims to execute suspended sentences need a session only when there are any
        if q not in served:
            problems.append(f"courts.sessions: no session type serves {q!r}")
    return problems


def _override_problems(region: str, override: dict, advice_kinds: set[str]) -> list[str]:
    problems = []
    where = f"regions.{region}.override"
    for path in NATIONAL_ONLY:
        node: Any = override
        for p in path:
            node = node.get(p) if isinstance(node, dict) else None
        if node is not None:
            problems.append(f"{where}.{'.'.join(path)}: a national capacity; set it in [{'.'.join(path[:-1])}]")
    advice = override.get("advice")
    if isinstance(advice, dict):
        for kind, spec in advice.items():
            if kind not in advice_kinds:
                problems.append(
                    f"{where}.advice.{kind}: unknown advice kind; a kind must be defined nationally "
                    f"(known: {sorted(advice_kinds)})"
                )
            elif isinstance(spec, dict) and "fte" in spec:
                problems.append(f"{where}.advice.{kind}.fte: a national capacity; set it in [advice.{kind}]")
    return problems
