"""Words for the things the chain is made of: routes, stages, session types, channels, how a case ended, and the
events counted per week. Figures, the report and the key-figure catalogue (`sim.catalogue`) take their labels
from here, so each thing has one name everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from .results import OM_ROUTES, UNDECIDED


class TranslatedLabels(dict[str, str]):
    """A label table whose look-ups (``[key]`` and ``.get``) answer in the current language; iterating and
    ``.values()`` give the English words (the keys of the translation table)."""

    def __getitem__(self, key: str) -> str:
        return tr(super().__getitem__(key))

    def get(self, key: str, default: Any = None) -> Any:
        value = super().get(key)
        return tr(value) if value is not None else default


ROUTE_LABELS = TranslatedLabels(
    {
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
)
# Shorter route names for the nodes of the flow diagram, and shorter still for its line of fall-backs.
FLOW_ROUTE_LABELS = TranslatedLabels(
    {
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
)
FALLBACK_ROUTE_LABELS = TranslatedLabels(
    {
        "supersnelrecht": "supersnelrecht",
        "snelrecht_detained": "snelrecht det.",
        "snelrecht_not_detained": "snelrecht not det.",
        "regular": "regular",
    }
)
STAGE_LABELS = TranslatedLabels(
    {
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
)
COURT_QUEUE_LABELS = TranslatedLabels(
    {
        "supersnelrecht": "supersnelrecht",
        "snelrecht_detained": "snelrecht, detained",
        "snelrecht_not_detained": "snelrecht, not detained",
        "regular_pr": "politierechter",
        "regular_mk": "meervoudige kamer",
        "claim": "claims to execute suspended sentences",
    }
)
SANCTION_LABELS = TranslatedLabels(
    {
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
)
CHANNEL_LABELS = TranslatedLabels({"zsm": "ZSM desk", "regular": "regular OM"})
END_LABELS = TranslatedLabels(
    {
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
)
# Events counted per week (columns of cases.parquet, `sim.results.WEEKLY_COLUMNS`) -> what they mean.
WEEKLY_EVENTS = TranslatedLabels(
    {
        "t_om_intake": "OM intake",
        "t_decision": "OM decisions (incl. summonses)",
        "t_verdict": "court verdicts (first instance)",
        "t_exec_end": "executions completed",
    }
)
UNDECIDED_LABEL = "not decided by the end of the run"  # through `tr` where shown
# Station kinds (the `group` of stations.csv) -> the partner and its capacity.
STATION_LABELS = TranslatedLabels(
    {
        "detectives": "police: detectives",
        "zsm": "OM: ZSM desk",
        "om_regular": "OM: regular handling",
        "advice:reclassering": "reclassering: advice reports",
        "advice:rvdk": "RvdK: advice reports",
        "advice:nifp": "NIFP: reports",
        "reclassering": "reclassering: taakstraf",
        "dji_cells": "DJI: cells",
        "dji_remand": "DJI: remand places",
        "police_cells": "police: cells (arrestees)",
        "gerechtshof": "gerechtshof: appeals",
    }
)


# The arrondissementen (the scenarios' region keys, ``[regions.oost-brabant]``) by their proper names, the same
# in both languages: the court districts as the Rechtspraak and the OM name them ('s-Hertogenbosch is the seat of
# Oost-Brabant, Arnhem and Zutphen of Gelderland, ...).
REGION_NAMES = {
    "amsterdam": "Amsterdam",
    "den-haag": "Den Haag",
    "gelderland": "Gelderland",
    "limburg": "Limburg",
    "midden-nederland": "Midden-Nederland",
    "noord-holland": "Noord-Holland",
    "noord-nederland": "Noord-Nederland",
    "oost-brabant": "Oost-Brabant",
    "overijssel": "Overijssel",
    "rotterdam": "Rotterdam",
    "zeeland-west-brabant": "Zeeland-West-Brabant",
}


def region_label(key: str) -> str:
    """A region's proper name ("den-haag" -> "Den Haag"); a key the table does not know (a test's "district",
    a scenario's own region) as it is."""
    return REGION_NAMES.get(key, key)


def breakdown_label(breakdown: str) -> str:
    """A breakdown of the key figures in words: "region=oost-brabant" -> "arrondissement Oost-Brabant" (in the
    current language), "stream=vvc" -> "stream: vvc"."""
    by, _, name = breakdown.partition("=")
    if by == "region":
        return f"{tr('arrondissement')} {region_label(name)}"
    return f"{tr(by)}: {name}" if name else breakdown


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
        return tr_phrases(session_type_label(group).replace("\n", " "))
    if kind == "court queue":
        return COURT_QUEUE_LABELS.get(group, group)
    if kind == "station":
        return STATION_LABELS.get(group, group)
    if kind in ("sanction", "claim") or group == "summons":
        return SANCTION_LABELS.get(group, group)
    if group == UNDECIDED:
        return tr(UNDECIDED_LABEL)
    return ROUTE_LABELS.get(group, group)


# ------------------------------------------------------------------------------------------------ languages

# `--lang nl`: the same words in Dutch, as the chain's partners use them. The translation table is the one place
# where Dutch is written; everything a user reads takes its words through `tr` (a whole text) or `tr_phrases` (a
# composed text such as a figure title, phrase by phrase), so English stays the code's language and the default.
LANGUAGES = ("en", "nl")
_LANGUAGE: ContextVar[str] = ContextVar("ketensim_language", default="en")


def language() -> str:
    """The language user-visible text is written in now: "en" (the default) or "nl"."""
    return _LANGUAGE.get()


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Write user-visible text in `lang` ("en" or "nl") inside the block; a language not in `LANGUAGES` is a
    ValueError naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def tr(text: str) -> str:
    """`text` in the current language: the table's entry for the whole text, else the text as it is."""
    if _LANGUAGE.get() == "en":
        return text
    return NL.get(text, text)


def tr_phrases(text: str) -> str:
    """A composed text (a title "Backlog (voorraad) per stage over time — scenario “x”", a legend entry
    "p50 3 · p90 9 days") in the current language: the whole text if the table has it, else each phrase the
    table has, the longest first, in one pass (a Dutch word is never translated again). Names and numbers between
    the phrases, and scenario names in quotes, stay as they are."""
    if _LANGUAGE.get() == "en" or not text:
        return text
    if text in NL:
        return NL[text]
    pattern = _phrase_pattern()
    # a scenario's name is quoted (“baseline”) and stays as it is
    parts = re.split(r"(“[^”]*”)", text)
    return "".join(p if p.startswith("“") else pattern.sub(lambda m: _PHRASES[m.group(0)], p) for p in parts)


@lru_cache(maxsize=1)
def _phrase_pattern() -> re.Pattern[str]:
    _PHRASES.clear()
    for en, nl in NL.items():
        _PHRASES[en] = nl
        _PHRASES.setdefault(en[:1].upper() + en[1:], nl[:1].upper() + nl[1:])
    for word in WHOLE_TEXT_ONLY:
        _PHRASES.pop(word, None)
        _PHRASES.pop(word[:1].upper() + word[1:], None)
    alternatives = sorted(_PHRASES, key=len, reverse=True)
    # phrases that start or end with a letter only match whole words ("fine" not inside "confined")
    parts = [
        (r"(?<![\w])" if p[:1].isalnum() else "") + re.escape(p) + (r"(?![\w])" if p[-1:].isalnum() else "")
        for p in alternatives
    ]
    return re.compile("|".join(parts))


_PHRASES: dict[str, str] = {}
# Entries translated only as a whole text (a heading, a table cell), never as a phrase inside a composed text: as
# words they could be part of a scenario's name on a legend ("reference (median)").
WHOLE_TEXT_ONLY = frozenset(
    {"reference", "first run", "run", "runs", "key", "change", "all", "regular", "status", "source", "details", "and"}
    | {"scenario", "mean", "unit", "identical", "filed", "granted", "year", "route", "station", "claim"}
    | {"by", "in", "no", "yes", "start", "region", "now", "answer", "rank", "assumption", "swing"}
)

# English -> Dutch. Every value of the label tables above has an entry (tests/test_labels.py checks it), and so do
# the key figures' labels (`sim.catalogue`), the themes, the figures' titles, axes and legends, the report's
# headings and the console's table headings. Terms of art as the partners write them: doorlooptijd, voorraad,
# zitting, politierechter, meervoudige kamer, (super)snelrecht, ZSM, OM, tenuitvoerlegging, arrondissement.
NL: dict[str, str] = {
    # routes
    "sepot (dismissal)": "sepot",
    "OM-strafbeschikking": "OM-strafbeschikking",
    "supersnelrecht": "supersnelrecht",
    "snelrecht, detained": "snelrecht, gedetineerd",
    "snelrecht, not detained": "snelrecht, niet gedetineerd",
    "snelrecht, not det.": "snelrecht, niet ged.",
    "snelrecht det.": "snelrecht ged.",
    "snelrecht not det.": "snelrecht niet ged.",
    "regular summons": "reguliere dagvaarding",
    "regular": "regulier",
    "transactie (settlement)": "transactie",
    "transactie": "transactie",
    "conditional sepot": "voorwaardelijk sepot",
    "all routes": "alle routes",
    "sepot": "sepot",
    "strafbeschikking": "strafbeschikking",
    "not decided yet": "nog niet beslist",
    "not decided by the end of the run": "niet beslist aan het eind van de run",
    # stages
    "police": "politie",
    "OM: ZSM desk": "OM: ZSM-tafel",
    "OM: regular": "OM: regulier",
    "OM: ready to plan in court": "OM: gereed voor planning ter zitting",
    "court (first instance)": "rechtbank (eerste aanleg)",
    "appeal": "hoger beroep",
    "delivery to CJIB": "aanlevering aan CJIB",
    "fines": "geldboetes",
    "taakstraf": "taakstraf",
    "zelfmelders not yet called up": "zelfmelders, geen oproep",
    "zelfmelders called up": "zelfmelders opgeroepen",
    "arrestanten waiting": "wachtende arrestanten",
    "in detention": "in detentie",
    "advice reports": "adviesrapportages",
    # court queues
    "politierechter": "politierechter",
    "meervoudige kamer": "meervoudige kamer",
    "claims to execute suspended sentences": "vorderingen tenuitvoerlegging",
    # sanctions
    "custodial, wholly or partly suspended included": "vrijheidsstraf, ook (deels) voorwaardelijk",
    "custodial (unconditional part)": "vrijheidsstraf (onvoorwaardelijk deel)",
    "suspended custodial part": "voorwaardelijk deel vrijheidsstraf",
    "fine": "geldboete",
    "summons to court": "dagvaarding",
    "filed": "ingediend",
    "heard": "behandeld",
    "granted": "toegewezen",
    # channels
    "ZSM desk": "ZSM-tafel",
    "regular OM": "regulier OM",
    # how a case ended
    "sepot: case ends": "sepot: zaak eindigt",
    "acquittal": "vrijspraak",
    "suspended sentence": "voorwaardelijke straf",
    "custodial: aansluitend": "vrijheidsstraf: aansluitend",
    "custodial: zelfmelder": "vrijheidsstraf: zelfmelder",
    "custodial: arrestant": "vrijheidsstraf: arrestant",
    "conditional sepot: conditions kept": "voorwaardelijk sepot: voorwaarden nageleefd",
    "not finished by end of run": "niet afgerond aan het eind van de run",
    # weekly events
    "OM intake": "instroom OM",
    "OM decisions (incl. summonses)": "OM-beslissingen (incl. dagvaardingen)",
    "court verdicts (first instance)": "vonnissen (eerste aanleg)",
    "executions completed": "tenuitvoerleggingen afgerond",
    # stations
    "police: detectives": "politie: opsporing",
    "OM: regular handling": "OM: reguliere afhandeling",
    "reclassering: advice reports": "reclassering: adviesrapportages",
    "RvdK: advice reports": "RvdK: adviesrapportages",
    "NIFP: reports": "NIFP: rapportages",
    "reclassering: taakstraf": "reclassering: taakstraf",
    "DJI: cells": "DJI: cellen",
    "gerechtshof: appeals": "gerechtshof: hoger beroep",
    # where a lead time ends
    "OM decision": "OM-beslissing",
    "verdict": "vonnis",
    "decision": "beslissing",
    # themes of the key figures
    "Routes": "Afdoeningsroutes",
    "Fast-track windows": "Termijnen (super)snelrecht",
    "Backlogs": "Voorraden",
    "Court sessions": "Zittingen",
    "Sentences": "Straffen en beslissingen",
    "Chain": "Keten",
    "Court norms": "Normen rechtspraak",
    "Capacity per station": "Capaciteit per ketenpartner",
    # key figures (`sim.catalogue`)
    "cases per year": "zaken per jaar",
    "median days to {to}": "mediane dagen tot {to}",
    "90th percentile of days to {to}": "90e percentiel dagen tot {to}",
    "median days from registration to end of execution": "mediane doorlooptijd inschrijving tot einde tenuitvoerlegging",
    "heard within the legal window": "behandeld binnen de wettelijke termijn",
    "fall-backs per year": "terugvallers per jaar",
    "longest time to the verdict hearing": "langste tijd tot de zitting",
    "backlog at the end of intake": "voorraad aan het eind van de instroom",
    "cohort cases still open at the end of the run": "zaken van het cohort nog open aan het eind van de run",
    "session fill rate": "bezettingsgraad zittingen",
    "sessions cancelled": "zittingen vervallen",
    "adjournments per case heard": "aanhoudingen per behandelde zaak",
    "sessions not held: no judges or courtroom": "zittingen niet gehouden: geen rechters of zittingszaal",
    "sessions cancelled below minimum fill": "zittingen vervallen onder de minimale bezetting",
    "sessions struck by a court closure": "zittingen vervallen door sluiting van de rechtbank",
    "cases postponed by cancelled sessions": "zaken uitgesteld door vervallen zittingen",
    "verdicts per year": "vonnissen per jaar",
    "sanctions imposed by judges per year": "door de rechter opgelegde sancties per jaar",
    "OM decisions per year": "OM-beslissingen per jaar",
    "conditional sepots sent to court after a breach": "voorwaardelijke sepots na overtreding alsnog gedagvaard",
    "claims to execute suspended sentences per year": "vorderingen tenuitvoerlegging per jaar",
    "mean days from a claim to its hearing": "gemiddelde dagen van vordering tot zitting",
    "OM intake per year": "instroom OM per jaar",
    "share of OM intake via ZSM": "aandeel instroom OM via ZSM",
    "share of OM intake returned to the police": "aandeel instroom OM teruggestuurd naar de politie",
    "OM strafbeschikkingen per year": "OM-strafbeschikkingen per jaar",
    "median days from offence to end of execution": "mediane doorlooptijd delict tot einde tenuitvoerlegging",
    "politierechter cases decided within 5 weeks of the first hearing": "politierechterzaken afgedaan binnen 5 weken na de eerste zitting",
    "meervoudige kamer cases decided within 6 months of the first hearing": "MK-zaken afgedaan binnen 6 maanden na de eerste zitting",
    "mean days from summons to first hearing": "gemiddelde dagen van dagvaarding tot eerste zitting",
    "median days from summons to first hearing": "mediane dagen van dagvaarding tot eerste zitting",
    "convicts sought, not yet found, on 31 December": "gezochte veroordeelden, nog niet gevonden, op 31 december",
    "persons in DJI places on 30 September": "personen in DJI-plaatsen op 30 september",
    "custodial sentences started within two years of the verdict": "vrijheidsstraffen gestart binnen twee jaar na het vonnis",
    "capacity (fte; DJI: cells)": "capaciteit (fte; DJI: cellen)",
    "utilisation": "bezettingsgraad",
    "mean wait": "gemiddelde wachttijd",
    "mean stock (waiting + in work)": "gemiddelde voorraad (wachtend + in behandeling)",
    # units and table headings (console and report)
    "days": "dagen",
    "%": "%",
    "cases": "zaken",
    "percentage points": "procentpunt",
    "key figures": "kerncijfers",
    "key figure": "kerncijfer",
    "unit": "eenheid",
    "scenario": "scenario",
    "scenarios": "scenario's",
    "mean": "gemiddelde",
    "mean ± 95% CI": "gemiddelde ± 95%-BI",
    "Δ [95% CI]": "Δ [95%-BI]",
    "whole chain": "hele keten",
    "route": "route",
    "stage": "fase",
    "session type": "zittingstype",
    "court queue": "rechtbankwachtrij",
    "station": "ketenpartner",
    "sanction": "sanctie",
    "claim": "vordering",
    "year": "jaar",
    "all": "alle",
    "replications": "replicaties",
    "replication(s)": "replicatie(s)",
    "95% CI": "95%-BI",
    # figures: titles, axes, legends
    "Lead time per route: registration → OM decision or verdict": "Doorlooptijd per route: inschrijving → OM-beslissing of vonnis",
    "Fast-track routes: time to the verdict hearing within the legal window": "(Super)snelrecht: tijd tot de zitting binnen de wettelijke termijn",
    "Backlog (voorraad) per stage over time": "Voorraad per fase in de tijd",
    "Cases per year per route": "Zaken per jaar per route",
    "End-to-end lead time: offence → end of execution": "Doorlooptijd ketenbreed: delict → einde tenuitvoerlegging",
    "Court sessions: fill rate and cancellations per session type": "Zittingen: bezettingsgraad en vervallen zittingen per zittingstype",
    "Fast-track routes: heard within the legal window, and fall-backs": "(Super)snelrecht: behandeld binnen de wettelijke termijn, en terugvallers",
    "Flow of cases over the chain, cases per year": "Stroom van zaken door de keten, zaken per jaar",
    "Weekly throughput over time": "Doorstroom per week in de tijd",
    "Monthly median lead time per arrondissement": "Mediane doorlooptijd per maand per arrondissement",
    "Effect per arrondissement over time: monthly median lead time minus": "Effect per arrondissement in de tijd: mediane doorlooptijd per maand min",
    "Difference from": "Verschil met",
    "differences from": "verschillen met",
    "days from registration to decision": "dagen van inschrijving tot beslissing",
    "days from registration to OM decision": "dagen: inschrijving → OM-beslissing",
    "days from registration to verdict": "dagen: inschrijving → vonnis",
    "days from offence to end of execution": "dagen: delict → einde tenuitvoerlegging",
    "% of cases (cumulative)": "% van de zaken (cumulatief)",
    "no cases": "geen zaken",
    "Markers: ● p50 (median), ◆ p90.": "Markeringen: ● p50 (mediaan), ◆ p90.",
    "legal window": "wettelijke termijn",
    "from": "van",
    "arrest": "aanhouding",
    "summons": "dagvaarding",
    "window start": "begin termijn",
    "to verdict hearing": "tot de zitting",
    "% of cases heard in the route": "% van de in de route behandelde zaken",
    "within window": "binnen termijn",
    "heard within the window:": "behandeld binnen de termijn:",
    "fall-backs:": "terugvallers:",
    "per year": "per jaar",
    "cases in the stage (start of day)": "zaken in de fase (begin van de dag)",
    "OM intake per week": "instroom OM per week",
    "handled by": "behandeld door",
    "decided in\n(after fall-backs)": "afgedaan in\n(na terugval)",
    "how the case ended": "afloop",
    "fall-backs per year (red bands):": "terugvallers per jaar (rode banden):",
    "fill rate: slots used in held sessions": "bezettingsgraad: gebruikte plekken op gehouden zittingen",
    "cancelled: planned sessions not held": "vervallen: geplande zittingen niet gehouden",
    "% of slots offered": "% van de aangeboden plekken",
    "% of planned sessions": "% van de geplande zittingen",
    "cases per week": "zaken per week",
    "no differences": "geen verschillen",
    "Identical in every scenario (left out)": "Gelijk in elk scenario (weggelaten)",
    "No significant difference in any scenario (left out)": "In geen scenario een significant verschil (weggelaten)",
    "Smaller differences (left out; see the report's tables)": "Kleinere verschillen (weggelaten; zie de tabellen van het rapport)",
    "fall-backs to a slower route": "terugval naar een tragere route",
    "% of cases that started in the route": "% van de zaken die in de route begonnen",
    "median days: registration → OM decision or verdict": "mediane dagen: inschrijving → OM-beslissing of vonnis",
    "end of warm-up": "einde inloopperiode",
    "end of intake (horizon)": "einde instroom (horizon)",
    "volumes a year": "volumes per jaar",
    "shares, lead times and stocks": "aandelen, doorlooptijden en voorraden",
    "model / published": "model / gepubliceerd",
    "supersnelrecht: 3 days": "supersnelrecht: 3 dagen",
    "snelrecht detained: 17 days": "snelrecht gedetineerd: 17 dagen",
    "snelrecht not detained: 28 days": "snelrecht niet gedetineerd: 28 dagen",
    "legal window:": "wettelijke termijn:",
    "Dashed red: the legal window's last day, counted from the arrest (supersnelrecht, snelrecht detained) or the summons (snelrecht not detained).": "Rood gestippeld: de laatste dag van de wettelijke termijn, gerekend vanaf de aanhouding (supersnelrecht, snelrecht gedetineerd) of de dagvaarding (snelrecht niet gedetineerd).",
    "legal window\n": "wettelijke termijn\n",
    "from arrest": "na aanhouding",
    "from summons": "na dagvaarding",
    # the report's headings and fixed texts
    "ketensim report": "ketensim-rapport",
    "Summary": "Samenvatting",
    "The question.": "De vraag.",
    "The scenarios": "De scenario's",
    "What was found": "Bevindingen",
    "(reference)": "(referentie)",
    "Changes:": "Wijzigingen:",
    "better": "beter",
    "worse": "slechter",
    "Plots": "Figuren",
    "Figure": "Figuur",
    "Key figures per theme": "Kerncijfers per thema",
    "Per region or stream": "Per regio of stroom",
    "All significant differences": "Alle significante verschillen",
    "compared with": "vergeleken met",
    "The scenarios and their settings": "De scenario's en hun instellingen",
    "Model vs published figures": "Model tegenover gepubliceerde cijfers",
    "Provenance": "Herkomst",
    "Paired comparison with common random numbers; the first scenario is the reference.": "Gepaarde vergelijking met gemeenschappelijke toevalsgetallen; het eerste scenario is de referentie.",
    "Results of one run.": "Resultaten van één run.",
    "Runs side by side (not a paired comparison).": "Runs naast elkaar (geen gepaarde vergelijking).",
    "Compared with": "Vergeleken met",
}
NL |= {
    # the console's notes beside its tables
    "(mean ± half-width of the 95% interval over replications)": "(gemiddelde ± halve breedte van het 95%-betrouwbaarheidsinterval over replicaties)",
    "(Δ = paired difference with its 95% interval over replications; * = the interval excludes zero; shares in %, their differences in percentage points)": "(Δ = gepaard verschil met zijn 95%-interval over replicaties; * = het interval bevat nul niet; aandelen in %, hun verschillen in procentpunten)",
    "key figures": "kerncijfers",
    "replications, 95% CI": "replicaties, 95%-BI",
    "cases simulated in": "zaken gesimuleerd in",
    "cases/s": "zaken/s",
    "results:": "resultaten:",
    "plots:": "figuren:",
    "files in": "bestanden in",
    "workshop report:": "workshoprapport:",
    "a maximum, no interval": "een maximum, geen interval",
}
NL |= {
    # the report's sentences (with their places for names and numbers)
    "cases registered from {start} to {end}": "zaken ingeschreven van {start} tot {end}",
    "What do {others} change for the chain compared with “{ref}”: the lead time from offence to the end of execution, the fast-track legal windows, the courts' norms, the stocks (voorraden) and the fall-backs? {period}; {reps} replications per scenario, paired (common random numbers).": "Wat veranderen {others} voor de keten ten opzichte van “{ref}”: de doorlooptijd van delict tot einde tenuitvoerlegging, de wettelijke termijnen van (super)snelrecht, de normen van de rechtspraak, de voorraden en de terugval? {period}; {reps} replicaties per scenario, gepaard (gemeenschappelijke toevalsgetallen).",
    "What do the {runs} {names} show for the chain? {period}.": "Wat laten de {runs} {names} zien voor de keten? {period}.",
    "runs": "runs",
    "run": "run",
    "and": "en",
    "No setting differs from “{ref}”.": "Geen instelling wijkt af van “{ref}”.",
    "The differences from “{ref}” that matter most for the chain's goals, each with its 95% interval (paired by replication); figures a scenario sets itself are not findings.": "De verschillen met “{ref}” die het meest tellen voor de doelen van de keten, elk met zijn 95%-interval (gepaard per replicatie); cijfers die een scenario zelf instelt zijn geen bevindingen.",
    "no difference in the chain's goal figures with an interval that excludes zero ({reps} replications).": "geen verschil in de doelcijfers van de keten met een interval dat nul uitsluit ({reps} replicaties).",
    "details": "details",
    "every figure per theme": "alle cijfers per thema",
    "reference": "referentie",
    "first run": "eerste run",
    "change": "wijziging",
    "key": "sleutel",
    "No key figure differs significantly from “{ref}” with {reps} replications.": "Geen kerncijfer wijkt significant af van “{ref}” bij {reps} replicaties.",
    "more significant differences": "andere significante verschillen",
    "Set by “{n}” itself (its input, not a finding):": "Door “{n}” zelf ingesteld (invoer, geen bevinding):",
    "The same figures for each part of the breakdown (folded; click to open).": "Dezelfde cijfers voor elk deel van de uitsplitsing (ingeklapt; klik om te openen).",
    "identical": "gelijk",
    "to": "tot",
    "figure (published year)": "cijfer (jaar van publicatie)",
    "status": "status",
    "published": "gepubliceerd",
    "source": "bron",
    "tolerance": "tolerantie",
    "Written by ketensim {version} on {when}. Self-contained: the plots are embedded, nothing is loaded from elsewhere.": "Geschreven door ketensim {version} op {when}. Op zichzelf staand: de figuren zijn ingebed, er wordt niets van elders geladen.",
    # provenance rows
    "What": "Wat",
    "Scenarios": "Scenario's",
    "Seed": "Seed",
    "Replications": "Replicaties",
    "Breakdown": "Uitsplitsing",
    "ketensim version": "ketensim-versie",
    "Run started": "Run gestart",
    "Run time": "Rekentijd",
    "Results folder": "Resultatenmap",
    "Command (compare)": "Opdracht (compare)",
    "Period": "Periode",
    "Cohort": "Cohort",
    "Report written": "Rapport geschreven",
    "Command (report)": "Opdracht (report)",
    # captions of the report's figures (`sim.report.CAPTIONS`)
    "Lead time per route, registration → OM decision (sepot, strafbeschikking) or → verdict (court routes), as cumulative distributions; ● median, ◆ 90th percentile; the fast-track routes' legal windows dashed. A curve further left is faster.": "Doorlooptijd per route, inschrijving → OM-beslissing (sepot, strafbeschikking) of → vonnis (routes via de rechter), als cumulatieve verdelingen; ● mediaan, ◆ 90e percentiel; de wettelijke termijnen van (super)snelrecht gestippeld. Een curve verder naar links is sneller.",
    "Days from the start of the legal window to the verdict hearing for the cases heard in each fast-track route, as a share of the cases that started in it; hatched red beside each route: the share that fell back to a slower route. The legal window is shaded and its limits are dashed red lines. Boxes: share heard within the window, fall-backs and cases heard per year.": "Dagen van het begin van de wettelijke termijn tot de zitting voor de zaken die in elke snelrechtroute zijn behandeld, als aandeel van de zaken die in de route begonnen; rood gearceerd naast elke route: het aandeel dat terugviel naar een tragere route. De wettelijke termijn is gearceerd en zijn grenzen zijn rode streeplijnen. Kaders: aandeel behandeld binnen de termijn, terugvallers en behandelde zaken per jaar.",
    "Fast-track window attainment and fall-backs per year, per route, with 95% intervals over replications; the legal window is under each route.": "Behandeld binnen de wettelijke termijn en terugvallers per jaar, per snelrechtroute, met 95%-intervallen over replicaties; de wettelijke termijn staat onder elke route.",
    "How the cases flow over the chain, in cases per year: OM intake → ZSM desk or regular OM → the OM's decision → the route the case was decided in (fall-backs in dark red) → how it ended. In brackets: the difference from the reference.": "Hoe de zaken door de keten stromen, in zaken per jaar: instroom OM → ZSM-tafel of regulier OM → de vervolgingsbeslissing van het OM → de route waarin de zaak is afgedaan (terugval in donkerrood) → hoe de zaak eindigde. Tussen haakjes: het verschil met de referentie.",
    "Cases per year per route (after fall-backs), with 95% intervals and the share of all decided cases; on the right the fast-track routes again, on their own scale.": "Zaken per jaar per route (na terugval), met 95%-intervallen en het aandeel in alle afgedane zaken; rechts de snelrechtroutes nogmaals, op hun eigen schaal.",
    "Backlog (voorraad) per stage over time: median over replications with a band over replications; end of warm-up and end of intake marked.": "Voorraad per fase in de tijd: mediaan over replicaties met een band over replicaties; einde inloopperiode en einde instroom gemarkeerd.",
    "Weekly throughput over calendar time: OM intake, OM decisions, court verdicts and executions completed per week, median over replications with a band.": "Doorstroom per week in kalendertijd: instroom OM, OM-beslissingen, vonnissen en afgeronde tenuitvoerleggingen per week, mediaan over replicaties met een band.",
    "Per arrondissement, the monthly median lead time (registration → OM decision or verdict, by month of registration); in a comparison, each scenario minus the reference, with the dates on which the scenario's schedules switch in that region marked (a phased roll-out shows one date per region).": "Per arrondissement de mediane doorlooptijd per maand (inschrijving → OM-beslissing of vonnis, naar maand van inschrijving); in een vergelijking elk scenario min de referentie, met de data waarop de roosters van het scenario in dat arrondissement wisselen (een gefaseerde invoering toont één datum per arrondissement).",
    "End-to-end lead time, offence → end of execution, per route and overall: the Actieplan's measure.": "Ketenbrede doorlooptijd, delict → einde tenuitvoerlegging, per route en in totaal: de maatstaf van het Actieplan.",
    "Court sessions per type: fill rate of held sessions and share cancelled (no officier), with 95% intervals.": "Zittingen per type: bezettingsgraad van gehouden zittingen en aandeel vervallen (geen officier), met 95%-intervallen.",
}
_DIFFERENCE_TAIL = (
    " Only the key figures that differ significantly in some scenario, the largest first if there are more than fit a "
    "slide (the others are named under the plot). Filled markers: the interval excludes zero, the value written "
    "beside them in green where better, red where worse. Left of the zero line: fewer days, a lower share, fewer cases."
)
_DIFFERENCE_TAIL_NL = (
    " Alleen de kerncijfers die in enig scenario significant verschillen, de grootste eerst als er meer zijn dan op "
    "een dia passen (de andere staan onder de figuur). Gevulde markeringen: het interval sluit nul uit, de waarde "
    "ernaast groen waar beter, rood waar slechter. Links van de nullijn: minder dagen, een kleiner aandeel, minder zaken."
)
_DIFFERENCE_HEAD = "Difference of each scenario from the reference, paired by replication, with the 95% interval: "
_DIFFERENCE_HEAD_NL = "Verschil van elk scenario met de referentie, gepaard per replicatie, met het 95%-interval: "
NL |= {
    _DIFFERENCE_HEAD + en + "." + _DIFFERENCE_TAIL: _DIFFERENCE_HEAD_NL + nl + "." + _DIFFERENCE_TAIL_NL
    for en, nl in (
        ("lead times in days", "doorlooptijden in dagen"),
        (
            "fast-track windows, ZSM and court sessions in percentage points",
            "termijnen van (super)snelrecht, ZSM en zittingen in procentpunten",
        ),
        ("fall-backs and cases per route, per year", "terugvallers en zaken per route, per jaar"),
        (
            "backlogs at the end of intake and cases still open",
            "voorraden aan het eind van de instroom en zaken nog open",
        ),
    )
}
NL |= {
    # the figures' notes, sentence by sentence (`tr_phrases` puts the dates and numbers between them)
    "Cohort: cases registered after the warm-up, from": "Cohort: zaken ingeschreven na de inloopperiode, van",
    "to the end of intake on": "tot het einde van de instroom op",
    "(day": "(dag",
    "replications pooled.": "replicaties samengenomen.",
    "replication pooled.": "replicatie samengenomen.",
    "Steps not reached by the end of the run": "Stappen die aan het eind van de run niet bereikt zijn",
    "days of run-out) are left out.": "dagen uitloop) blijven buiten beschouwing.",
    "Route: the route the case was finally decided in (after fall-backs).": "Route: de route waarin de zaak uiteindelijk is afgedaan (na terugval).",
    "Bars: cases heard in the route (verzet cases excluded), as a share of the cases that started in it; hatched red beside each route: the share that fell back to a slower route (not heard in time).": "Staven: zaken behandeld in de route (verzetzaken niet meegeteld), als aandeel van de zaken die in de route begonnen; rood gearceerd naast elke route: het aandeel dat terugviel naar een tragere route (niet op tijd behandeld).",
    "Counts per year.": "Aantallen per jaar.",
    "Legal windows drawn are those of": "De getekende wettelijke termijnen zijn die van",
    "Cases registered after the warm-up, per year, by the route they were finally decided in (after fall-backs);": "Zaken ingeschreven na de inloopperiode, per jaar, naar de route waarin ze uiteindelijk zijn afgedaan (na terugval);",
    "Error bars: 95% interval over replications.": "Foutbalken: 95%-interval over replicaties.",
    "Percentages: share of all decided cases.": "Percentages: aandeel in alle afgedane zaken.",
    "Only cases whose sentence was executed (paid, served or completed); a sepot, an acquittal or a suspended sentence has nothing to execute.": "Alleen zaken waarvan de straf is tenuitvoergelegd (betaald, uitgezeten of afgerond); een sepot, vrijspraak of voorwaardelijke straf heeft niets ten uitvoer te leggen.",
    "Court sessions planned between the end of the warm-up": "Zittingen gepland tussen het einde van de inloopperiode",
    "and the horizon": "en de horizon",
    "Court sessions planned between the end of the warm-up and the horizon.": "Zittingen gepland tussen het einde van de inloopperiode en de horizon.",
    "Difference of each scenario from the reference, replication by replication (common random numbers;": "Verschil van elk scenario met de referentie, replicatie voor replicatie (gemeenschappelijke toevalsgetallen;",
    "with the 95% interval of the paired difference.": "met het 95%-interval van het gepaarde verschil.",
    "Shares in percentage points.": "Aandelen in procentpunten.",
    "Cohort:": "Cohort:",
    "Cases that reached the OM, per year (mean over replications; cases still at the police when the run ended are left out:": "Zaken die het OM bereikten, per jaar (gemiddelde over replicaties; zaken die aan het eind van de run nog bij de politie lagen blijven buiten beschouwing:",
    "Band colour: the OM's decision; dark red: a fast-track case that fell back to a slower route.": "Kleur van de band: de beslissing van het OM; donkerrood: een snelrechtzaak die terugviel naar een tragere route.",
    "Execution kinds include sentences still being executed at the end of the run.": "De soorten tenuitvoerlegging omvatten straffen die aan het eind van de run nog worden tenuitvoergelegd.",
    "In brackets: the difference from the first scenario.": "Tussen haakjes: het verschil met het eerste scenario.",
    "Very small nodes are drawn at a minimum height.": "Zeer kleine knopen zijn op een minimale hoogte getekend.",
    "Cases in each stage at the start of every day": "Zaken in elke fase aan het begin van elke dag",
    "The chain starts empty, so the warm-up is not representative; after the horizon no new cases arrive and the stages drain (run-out).": "De keten begint leeg, dus de inloopperiode is niet representatief; na de horizon komen er geen nieuwe zaken bij en lopen de fasen leeg (uitloop).",
    "The chain starts from its stocks on the start date; after the horizon no new cases arrive and the stages drain (run-out).": "De keten begint met haar voorraden op de startdatum; na de horizon komen er geen nieuwe zaken bij en lopen de fasen leeg (uitloop).",
    "Cases per calendar week, all cases (not only the cohort).": "Zaken per kalenderweek, alle zaken (niet alleen het cohort).",
    "Line: median over replications.": "Lijn: mediaan over replicaties.",
    "Cases per calendar week, all cases (not only the cohort); the chain starts empty, so the warm-up is not representative, and after the end of intake no new cases arrive. Line: median over replications.": "Zaken per kalenderweek, alle zaken (niet alleen het cohort); de keten begint leeg, dus de inloopperiode is niet representatief, en na het einde van de instroom komen er geen nieuwe zaken bij. Lijn: mediaan over replicaties.",
    "registration": "inschrijving",
    "offence": "delict",
    "end of execution": "einde tenuitvoerlegging",
    "median": "mediaan",
    "day": "dag",
    "week": "week",
    "month": "maand",
    "per week": "per week",
    "the police": "de politie",
    "intake": "instroom",
}
NL |= {
    # scenario settings in words (`sim.settings_text`)
    "other": "overig",
    "{s} cases decided at ZSM with the suspect held": "{s}-zaken afgedaan op ZSM met de verdachte aangehouden",
    "other {s} cases decided at ZSM": "overige {s}-zaken afgedaan op ZSM",
    "{s} cases in regular OM handling": "{s}-zaken in reguliere OM-afhandeling",
    "the ZSM desk": "de ZSM-tafel",
    "regular OM handling": "reguliere OM-afhandeling",
    "{change} of {situation} to {route}": "{change} van de {situation} naar {route}",
    "{change} of {stream} cases without an arrest to the ZSM desk": "{change} van de {stream}-zaken zonder aanhouding naar de ZSM-tafel",
    "{change} of the cases handled by {desk} returned to the police": "{change} van de zaken bij {desk} teruggestuurd naar de politie",
    "OM staff at {desk}: {change}": "OM-medewerkers bij {desk}: {change}",
    "{change} of {stream} offences without a known suspect investigated by the police": "{change} van de {stream}-delicten zonder bekende verdachte door de politie onderzocht",
    "{change} of investigated {stream} offences without a known suspect that get a suspect": "{change} van de onderzochte {stream}-delicten zonder bekende verdachte die een verdachte krijgen",
    "{stream} offences per year: {change}": "{stream}-delicten per jaar: {change}",
    "police detectives: {change}": "rechercheurs van de politie: {change}",
    "time for the police to complete a case file: {change}": "tijd voor de politie om een proces-verbaal af te ronden: {change}",
    "time to write a {advice} advice report: {change}": "tijd voor een adviesrapport van {advice}: {change}",
    "{advice} report writers: {change}": "rapporteurs {advice}: {change}",
    "{change} of {session} sessions with an officier available": "{change} van de zittingen {session} met een officier beschikbaar",
    "{session} sessions per week: {change}": "zittingen {session} per week: {change}",
    "{change} of hearings adjourned (aanhouding)": "{change} van de zittingen aangehouden",
    "time to deliver a verdict to CJIB: {change}": "tijd om een vonnis aan het CJIB aan te leveren: {change}",
    "{change} of deliveries to CJIB returned for rework": "{change} van de aanleveringen aan het CJIB teruggestuurd voor herstel",
    "{change} of fines paid in one go": "{change} van de geldboetes in één keer betaald",
    "{change} of fines paid on a payment plan": "{change} van de geldboetes betaald via een betalingsregeling",
    "{change} of taakstraffen not completed": "{change} van de taakstraffen niet voltooid",
    "reclassering staff on taakstraffen: {change}": "medewerkers reclassering voor taakstraffen: {change}",
    "time from call-up to reporting date: {change}": "tijd van oproep tot meldingsdatum: {change}",
    "{change} of zelfmelders who do not report": "{change} van de zelfmelders die zich niet melden",
    "{change} of zelfmelders called up when a place is expected": "{change} van de zelfmelders opgeroepen als een plaats wordt verwacht",
    "{change} of arrestanten found matched by the verkeerstoren": "{change} van de gevonden arrestanten gekoppeld door de verkeerstoren",
    "DJI places for the chain's convicts: {change}": "DJI-plaatsen voor de veroordeelden uit de keten: {change}",
    "gerechtshof staff on appeals: {change}": "medewerkers gerechtshof voor hoger beroep: {change}",
    "in": "in",
    "not set": "niet ingesteld",
    "yes": "ja",
    "no": "nee",
}
NL |= {
    # the report's detail sections (HTML as the report writes it; names and numbers go into the places)
    "the reference": "de referentie",
    "the first run": "de eerste run",
    "<p>Each scenario below is described by its own <code>description</code>; the table lists every setting whose resolved value differs from {what} “{ref}” (parents merged, defaults filled), in words and units, with its key in the scenario file. Schedules read “value · from date: value”.</p>": "<p>Elk scenario hieronder wordt beschreven door zijn eigen <code>description</code>; de tabel noemt elke instelling waarvan de uitgewerkte waarde afwijkt van {what} “{ref}” (ouders samengevoegd, standaardwaarden ingevuld), in woorden en eenheden, met de sleutel in het scenariobestand. Roosters lezen als “waarde · vanaf datum: waarde”.</p>",
    '<p>Differences from the reference “{ref}” whose 95% interval (paired by replication) excludes zero, the largest first (relative to the size of the figure). Shares are in percentage points. <span class="legend"><span style="background:#E3F4EA">better</span><span style="background:#FBE4E2">worse</span></span> where a direction is clear (shorter, smaller, more within the window). Figures that a scenario sets itself are listed apart: they are its input, not a finding.</p>': '<p>Verschillen met de referentie “{ref}” waarvan het 95%-interval (gepaard per replicatie) nul uitsluit, de grootste eerst (naar de omvang van het cijfer). Aandelen in procentpunten. <span class="legend"><span style="background:#E3F4EA">beter</span><span style="background:#FBE4E2">slechter</span></span> waar een richting duidelijk is (korter, kleiner, meer binnen de termijn). Cijfers die een scenario zelf instelt staan apart: dat is zijn invoer, geen bevinding.</p>',
    "<p>Only one scenario: there is nothing to compare it with.</p>": "<p>Eén scenario: er is niets om het mee te vergelijken.</p>",
    '<p class="note">About {n_keys} key figures are compared per scenario: even without any real effect about one in twenty would come out “significant” by chance. Small significant differences deserve a second run with more replications before anyone acts on them.</p>': '<p class="note">Per scenario worden ongeveer {n_keys} kerncijfers vergeleken: ook zonder enig echt effect komt ongeveer één op de twintig bij toeval “significant” uit. Kleine significante verschillen verdienen een tweede run met meer replicaties voordat iemand erop handelt.</p>',
    "<p>Each scenario's mean over replications with its 95% interval; under it, for the scenarios other than the reference “{ref}”, the paired difference Δ with its 95% interval. ★ and bold: the interval of the difference excludes zero (green: better, red: worse, blue: no clear direction). Shares in %, their differences in percentage points (pp).</p>": "<p>Het gemiddelde van elk scenario over de replicaties met zijn 95%-interval; daaronder, voor de scenario's naast de referentie “{ref}”, het gepaarde verschil Δ met zijn 95%-interval. ★ en vet: het interval van het verschil sluit nul uit (groen: beter, rood: slechter, blauw: geen duidelijke richting). Aandelen in %, hun verschillen in procentpunten (pp).</p>",
    "<p>Each run's mean over its replications with the 95% interval. The runs were not paired, so no differences are shown.</p>": "<p>Het gemiddelde van elke run over zijn replicaties met het 95%-interval. De runs zijn niet gepaard, dus er worden geen verschillen getoond.</p>",
    "No validation table:": "Geen validatietabel:",
    "<p>Each published figure the model should reproduce (calibration/targets.csv), beside the model's value on the same definition with its 95% interval over replications. <b>Targets</b> count in “met”; <b>references</b> (other years, secondary figures, inputs shown as a check) are shown only. Definitions, sources and the figures the model cannot match: calibration/targets.csv and docs/validation.md.</p>": "<p>Elk gepubliceerd cijfer dat het model moet reproduceren (calibration/targets.csv), naast de waarde van het model volgens dezelfde definitie met zijn 95%-interval over replicaties. <b>Doelen</b> tellen mee in “gehaald”; <b>referenties</b> (andere jaren, secundaire cijfers, invoer ter controle) worden alleen getoond. Definities, bronnen en de cijfers die het model niet haalt: calibration/targets.csv en docs/validation.md.</p>",
    "{met} of {targets} targets met.": "{met} van {targets} doelen gehaald.",
    '<p class="note">These runs were not paired: the plots show them side by side, without differences.</p>': '<p class="note">Deze runs zijn niet gepaard: de figuren tonen ze naast elkaar, zonder verschillen.</p>',
}
NL |= {
    # the comparison figures' themes (`sim.catalogue.MAIN_DIFFERENCES`; titles use them in lower case)
    "Lead times": "Doorlooptijden",
    "lead times": "doorlooptijden",
    "Fast-track windows, ZSM and court sessions": "Termijnen (super)snelrecht, ZSM en zittingen",
    "fast-track windows, zsm and court sessions": "termijnen (super)snelrecht, ZSM en zittingen",
    "Cases per year": "Zaken per jaar",
    "Backlogs at the end of intake, and cases still open": "Voorraden aan het eind van de instroom, en zaken nog open",
    "backlogs at the end of intake, and cases still open": "voorraden aan het eind van de instroom, en zaken nog open",
    "difference from": "verschil met",
    # the windows' panels and notes
    "window": "termijn",
    "fall-backs/yr": "terugvallers/jr",
    "heard/yr": "behandeld/jr",
    "cases heard in the route": "zaken behandeld in de route",
    "fell back": "terugval",
    # the workbook (`ketensim export --lang nl`)
    "About": "Over",
    "Key figures": "Kerncijfers",
    "Comparison": "Vergelijking",
    "By region": "Per arrondissement",
    "By stream": "Per stroom",
    "Stations": "Ketenpartners",
    "Started": "Gestart",
    "Settings (--set)": "Instellingen (--set)",
    "Command": "Opdracht",
    "How to read": "Zo lees je het",
    "Sheets": "Werkbladen",
    "(the first is the reference)": "(de eerste is de referentie)",
    "none": "geen",
    "ketensim results": "ketensim-resultaten",
    "95% low": "95% onder",
    "95% high": "95% boven",
    "difference: 95% low": "verschil: 95% onder",
    "difference: 95% high": "verschil: 95% boven",
    "unit of the difference": "eenheid van het verschil",
    "interval excludes 0": "interval sluit 0 uit",
    "Every value is the mean over replications with its 95% interval (Student t). Values are in the unit of the Unit column: shares in %, their differences in percentage points; cases per simulated year after the warm-up. The CSV files of the results folder hold the same numbers (shares as fractions).": "Elke waarde is het gemiddelde over replicaties met het 95%-interval (Student t). Waarden staan in de eenheid van de kolom Eenheid: aandelen in %, hun verschillen in procentpunten; zaken per gesimuleerd jaar na de inloopperiode. De CSV-bestanden van de resultatenmap bevatten dezelfde getallen (aandelen als breuken).",
    "Key figures; Comparison (paired differences); By region / By stream (with --by); Stations.": "Kerncijfers; Vergelijking (gepaarde verschillen); Per arrondissement / Per stroom (met --by); Ketenpartners.",
    "within {days} days": "binnen {days} dagen",
    "Lead times per route and norms": "Doorlooptijden per route en normen",
    " “≥”: more days than the run followed the last cases registered (its run-out), so cases still open might yet be decided in time: a lower bound.": " “≥”: meer dagen dan de run de laatst ingeschreven zaken volgde (de uitloop), dus zaken die nog open zijn kunnen nog op tijd worden afgedaan: een ondergrens.",
    "Per route: the median (p50) and the 90th percentile (p90) of the days from registration to the OM's decision or the verdict, each with its 95% interval, and the share of the route's cases decided within so many days of registration (pooled over replications; `ketensim report --norm-days` chooses the days).": "Per route: de mediaan (p50) en het 90e percentiel (p90) van de dagen van inschrijving tot de beslissing van het OM of het vonnis, elk met het 95%-interval, en het aandeel van de zaken in de route dat binnen zoveel dagen na inschrijving is afgedaan (samengenomen over replicaties; `ketensim report --norm-days` kiest de dagen).",
    "The key figure against the lever with its interval and the target line": "Het kengetal tegen de hefboom met het interval en de doellijn",
    "Tornado: each assumption at its low and high end, paired with the reference": "Tornado: elke aanname op haar lage en hoge waarde, gepaard met de referentie",
    "Morris: the mean absolute elementary effect of each assumption with its interval": "Morris: het gemiddelde absolute elementaire effect van elke aanname met het interval",
    "region": "regio",
    "now": "nu",
    "answer": "antwoord",
    "one step below": "een stap lager",
    "Capacity search: the smallest value of {lever} meeting {targets} at {confidence} confidence": "Capaciteitszoektocht: de kleinste waarde van {lever} die {targets} haalt met {confidence} zekerheid",
    "not found within the budget": "niet gevonden binnen het budget",
    "Sensitivity ({method}) of scenario {scenario}, {n} replications per point, common random numbers": "Gevoeligheid ({method}) van scenario {scenario}, {n} replicaties per punt, gemeenschappelijke toevalsgetallen",
    "rank": "rang",
    "assumption": "aanname",
    "low → high": "laag → hoog",
    "change at low": "verandering bij laag",
    "change at high": "verandering bij hoog",
    "swing": "bereik",
    "Capacity needed and the assumptions that matter": "Benodigde capaciteit en de aannames die ertoe doen",
    "the whole chain": "de hele keten",
    " A case is in an OM route (sepot, strafbeschikking, transactie) only once the OM has decided it, so for those routes the shares count decided cases and lean high.": " Een zaak hoort pas bij een OM-route (sepot, strafbeschikking, transactie) als het OM erover heeft beslist, dus voor die routes tellen de aandelen alleen besliste zaken en vallen ze hoog uit.",
    "Backlogs over the period": "Voorraden over de periode",
    "mean backlog over the period (cases)": "gemiddelde voorraad over de periode (zaken)",
    "backlog at the end of intake (cases)": "voorraad aan het eind van de instroom (zaken)",
    "days to clear after the end of intake": "dagen tot weggewerkt na het eind van de instroom",
    "Per stage: the backlog (voorraad) averaged over the days from the end of the warm-up to the end of intake, its size at the end of intake, and the days after that until it is down to a tenth of that size, while no new cases arrive (“&gt; N”: not by the end of the run, N days later). Mean over replications with the 95% interval.": "Per fase: de voorraad gemiddeld over de dagen van het einde van de inloopperiode tot het eind van de instroom, de omvang aan het eind van de instroom, en het aantal dagen daarna tot die tot een tiende is teruggebracht, terwijl er geen nieuwe zaken bijkomen (“&gt; N”: niet voor het eind van de run, N dagen later). Gemiddelde over replicaties met het 95%-interval.",
    "DJI: remand places": "DJI: plaatsen voorlopige hechtenis",
    "police: cells (arrestees)": "politie: cellen (arrestanten)",
    "Per station (chain partner): its capacity, the share of it in use, the mean wait of the cases it started and its mean stock (waiting + in work), from the end of the warm-up to the horizon.": "Per ketenpartner: de capaciteit, het deel daarvan dat in gebruik is, de gemiddelde wachttijd van de gestarte zaken en de gemiddelde voorraad (wachtend + in behandeling), van het einde van de inloopperiode tot de horizon.",
    "arrondissement": "arrondissement",
    "Per arrondissement": "Per arrondissement",
    "intake quantile": "kwantiel instroom",
    "offences": "delicten",
    "need": "behoefte",
    "not met": "niet gehaald",
    "Capacity need per forecast year: the smallest value of {lever} meeting {targets}, at quantiles of the forecast intake; each year from the scenario's own stocks": "Capaciteitsbehoefte per prognosejaar: de kleinste waarde van {lever} waarmee {targets} gehaald wordt, bij kwantielen van de voorspelde instroom; elk jaar vanaf de eigen voorraden van het scenario",
    "The capacity needed per forecast year, with the band of the forecast's intake, against today's": "De benodigde capaciteit per prognosejaar, met de band van de voorspelde instroom, tegen de huidige",
    "The districts side by side: each figure's mean with its 95% interval over the replications{paired}; the backlogs are those at the end of intake. Every figure per district is in the folded tables below.": "De arrondissementen naast elkaar: per cijfer het gemiddelde met het 95%-interval over de replicaties{paired}; de voorraden zijn die aan het einde van de instroom. Alle cijfers per arrondissement staan in de ingeklapte tabellen hieronder.",
    " and the paired difference to the reference": " en het gepaarde verschil met de referentie",
    "stream": "stroom",
    "heard in the route:": "behandeld in de route:",
    "legal limit": "wettelijke grens",
    "fast-track routes, own scale": "snelrechtroutes, eigen schaal",
    "CI": "BI",
    "fall-back (legal window missed)": "terugval (wettelijke termijn gemist)",
    "schedule switches in the region": "rooster wisselt in het arrondissement",
    "Within window: cases heard in the route / (those + cases that fell back out of it); a case that cannot be heard inside its legal window is released and falls back to a slower route.": "Binnen termijn: zaken behandeld in de route / (die + zaken die eruit terugvielen); een zaak die niet binnen de wettelijke termijn kan worden behandeld, wordt losgelaten en valt terug naar een tragere route.",
    "Difference of the monthly median lead time (registration → OM decision for sepot and strafbeschikking, → verdict for court routes; by month of registration) from the reference, replication by replication (common random numbers).": "Verschil van de mediane doorlooptijd per maand (inschrijving → OM-beslissing voor sepot en strafbeschikking, → vonnis voor routes via de rechter; naar maand van inschrijving) met de referentie, replicatie voor replicatie (gemeenschappelijke toevalsgetallen).",
    "Monthly median lead time (registration → OM decision for sepot and strafbeschikking, → verdict for court routes), by month of registration.": "Mediane doorlooptijd per maand (inschrijving → OM-beslissing voor sepot en strafbeschikking, → vonnis voor routes via de rechter), naar maand van inschrijving.",
    "Months with fewer than": "Maanden met minder dan",
    "decided cases are left out; cases not decided by the end of the run are left out, so the last months lean to the fast cases.": "afgedane zaken zijn weggelaten; zaken die aan het eind van de run niet beslist zijn blijven buiten beschouwing, dus de laatste maanden neigen naar de snelle zaken.",
}
NL |= {
    # the report's provenance in words
    "Paired comparison (`ketensim compare`): every scenario ran with the same seed and replication numbers, so each draws the same offences and durations where the scenarios agree (common random numbers); differences are taken replication by replication.": "Gepaarde vergelijking (`ketensim compare`): elk scenario draaide met dezelfde seed en replicatienummers, zodat elk dezelfde delicten en duren trekt waar de scenario's overeenkomen (gemeenschappelijke toevalsgetallen); verschillen worden replicatie voor replicatie genomen.",
    "Separate runs (`ketensim run`), shown side by side. They were not run as one paired comparison, so differences between them are not tested here; use `ketensim compare` for paired differences with 95% intervals.": "Afzonderlijke runs (`ketensim run`), naast elkaar getoond. Ze zijn niet als één gepaarde vergelijking gedraaid, dus verschillen ertussen worden hier niet getoetst; gebruik `ketensim compare` voor gepaarde verschillen met 95%-intervallen.",
    "per scenario": "per scenario",
    "key figures also per": "kerncijfers ook per",
    "start": "start",
    "warm-up": "inloopperiode",
    "intake until day": "instroom tot dag",
    "run-out": "uitloop",
    "cases registered after the warm-up, from": "zaken ingeschreven na de inloopperiode, van",
    "by": "door",
}
