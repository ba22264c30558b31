"""The top of the format: legal time limits, intake and its streams, regions, and `Scenario`, the whole validated
file with its derived views (volumes by year and replication, the chain of a region, the resolved data)."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any

from pydantic import Field, PrivateAttr, field_validator, model_validator

from .base import Base, NonNegFloat, PosFloat, Share, calendar_date
from .checks import _override_problems, chain_problems
from .schedules import Schedule, ShareSched
from .sections import CHAIN_KEYS, ChainConfig

MAX_DAYS = 36525.0  # a century: longer runs are a typo, and dates past 2300 would overflow
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")


class LegalConfig(Base):
    """Legal time limits (docs/domain.md §3). Windows are hard: a fast-track case is never heard after its window."""

    ophouden_hours: PosFloat = 9.0  # art. 56a Sv
    inverzekeringstelling_days: PosFloat = 3.0  # art. 58 Sv
    supersnelrecht_window_days: PosFloat = 3.0  # from arrest
    snelrecht_detained_window_days: PosFloat = 17.0  # 3 days inverzekeringstelling + 14 bewaring (art. 64 Sv)
    snelrecht_not_detained_window_days: PosFloat = 28.0  # 2-4 weeks from the summons
    snelrecht_not_detained_min_days: NonNegFloat = 14.0  # earliest hearing after the summons
    summons_term_days: NonNegFloat = 10.0  # art. 265 Sv
    # the custody clock (sim/custody.py; domain §3)
    ophouden_night_start_hour: Annotated[float, Field(ge=0.0, le=24.0)] = 0.0  # art. 56a Sv: 0:00-9:00 not counted
    ophouden_night_end_hour: Annotated[float, Field(ge=0.0, le=24.0)] = 9.0
    inverzekeringstelling_extension_days: NonNegFloat = 3.0  # art. 58 lid 2 Sv: once
    voorgeleiding_days: PosFloat = 3.625  # art. 59a Sv: before the RC within 3 days 15 hours of the arrest
    bewaring_days: PosFloat = 14.0  # art. 64 Sv
    gevangenhouding_days: PosFloat = 30.0  # art. 66 Sv: the first order
    gevangenhouding_max_days: PosFloat = 90.0  # art. 66 Sv: order and extensions before the trial starts
    pro_forma_interval_days: PosFloat = 90.0  # art. 66 lid 3 Sv: after the trial starts, extended per 90 days at most

    @model_validator(mode="after")
    def _custody_limits(self):
        if self.gevangenhouding_max_days < self.gevangenhouding_days:
            raise ValueError("gevangenhouding_max_days must be at least gevangenhouding_days")
        if not self.ophouden_night_start_hour <= self.ophouden_night_end_hour < self.ophouden_night_start_hour + 24:
            raise ValueError(
                "ophouden_night_end_hour must be at least ophouden_night_start_hour and leave hours that count"
            )
        return self

    @model_validator(mode="after")
    def _windows_agree(self):
        """Windows that contradict each other would make every case of a route fall back, or try a suspect
        detained after the custody that holds him has ended: refuse them, naming the keys."""
        problems = []
        if self.snelrecht_not_detained_min_days >= self.snelrecht_not_detained_window_days:
            problems.append(
                f"snelrecht_not_detained_min_days ({self.snelrecht_not_detained_min_days:g}) must be below "
                f"snelrecht_not_detained_window_days ({self.snelrecht_not_detained_window_days:g}): no day would be "
                "left to hear a case, so every one would fall back"
            )
        if self.supersnelrecht_window_days > self.snelrecht_detained_window_days:
            problems.append(
                f"supersnelrecht_window_days ({self.supersnelrecht_window_days:g}) must not exceed "
                f"snelrecht_detained_window_days ({self.snelrecht_detained_window_days:g}): supersnelrecht is the "
                "faster of the two detained routes"
            )
        custody = (
            self.ophouden_hours / 24.0 + self.inverzekeringstelling_days + self.inverzekeringstelling_extension_days
        )
        if self.supersnelrecht_window_days > custody:
            problems.append(
                f"supersnelrecht_window_days ({self.supersnelrecht_window_days:g}) must not exceed the police custody "
                f"that holds the suspect (ophouden_hours/24 + inverzekeringstelling_days + "
                f"inverzekeringstelling_extension_days = {custody:g} days)"
            )
        held = self.ophouden_hours / 24.0 + self.inverzekeringstelling_days + self.bewaring_days
        if self.snelrecht_detained_window_days > held + self.inverzekeringstelling_extension_days:
            problems.append(
                f"snelrecht_detained_window_days ({self.snelrecht_detained_window_days:g}) must not exceed the custody "
                f"that holds the suspect (ophouden, inverzekeringstelling with its extension and bewaring: "
                f"{held + self.inverzekeringstelling_extension_days:g} days)"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class StreamSpec(Base):
    volume: Any  # offences registered per year: a number, or {"2019" = n, ...}; checked in _volume
    known_suspect_share: ShareSched
    # selectiviteitskader (Actieplan): of the offences without a known suspect, the share the police give detective
    # capacity, and the share of those that gets a suspect (and then enters the chain as a case)
    no_suspect_investigated_share: ShareSched = 0.0
    no_suspect_solved_share: ShareSched = 0.0
    arrested_share: ShareSched  # of the cases with a known suspect at registration
    youth_share: ShareSched = 0.0

    @model_validator(mode="before")
    @classmethod
    def _old_keys(cls, data):
        if isinstance(data, dict) and "screened_out_share" in data:
            raise ValueError(
                "'screened_out_share' was replaced: a case with a known suspect always goes to the OM (Actieplan); "
                "the selectiviteitskader is now no_suspect_investigated_share and no_suspect_solved_share "
                "(offences without a known suspect that get detective capacity, and the share of those solved)"
            )
        return data

    @field_validator("volume")
    @classmethod
    def _volume(cls, v):
        if isinstance(v, bool):
            raise ValueError("volume must be a number of offences per year or a table of year = number")
        if isinstance(v, (int, float)):
            if v < 0:
                raise ValueError("volume must be >= 0")
            return float(v)
        if isinstance(v, dict) and "forecast" in v:
            return dict(v)  # a forecast spec: checked and evaluated once the scenario is complete (`_forecasts`)
        if isinstance(v, dict) and v:
            out = {}
            for year, n in v.items():
                try:
                    y = int(year)
                except ValueError:
                    raise ValueError(f"volume key {year!r} is not a year") from None
                if isinstance(n, bool) or not isinstance(n, (int, float)) or n < 0:
                    raise ValueError(f"volume for {year} must be a number >= 0")
                out[str(y)] = float(n)
            return dict(sorted(out.items()))
        raise ValueError("volume must be a number of offences per year or a table of year = number")

    @property
    def forecast(self) -> dict | None:
        """The forecast spec, if this stream's volume comes from a forecast (see sim/forecast/intake.py)."""
        return self.volume if isinstance(self.volume, dict) and "forecast" in self.volume else None

    def volume_in(self, year: int) -> float:
        if self.forecast is not None:
            raise ValueError("a forecast volume depends on the replication: use Scenario.volume(stream, year, rep)")
        if isinstance(self.volume, float):
            return self.volume
        years = sorted(int(y) for y in self.volume)
        use = years[0]
        for y in years:
            if y <= year:
                use = y
        return self.volume[str(use)]


class IntakeConfig(Base):
    """Offences per case stream, spread over the week by `weekday_pattern` (Monday first)."""

    weekday_pattern: list[PosFloat] = Field(default=[1.0] * 7, min_length=7, max_length=7)
    streams: dict[str, StreamSpec] = Field(min_length=1)


class RegionSpec(Base):
    share: Share
    capacity_share: Share | None = None  # share of national capacity; defaults to `share`
    override: dict[str, Any] = Field(default_factory=dict)


class StartStock(Base):
    """Cases already in the chain on the start date (national counts, split over the regions by their intake share
    and over the streams by their share of the known-suspect intake), so a run can start from the stocks the chain
    really had instead of an empty chain and a warm-up (sim/standing.py). Each becomes a case row registered
    `age_days` (exponential mean) before the start; such cases are never in the key figures' cohort, but they are in
    every stock, and they load every station downstream of where they start."""

    police: NonNegFloat = (
        0.0  # cases without an arrest in the detectives' queue (beside the work-only police.initial_stock)
    )
    om_regular: NonNegFloat = 0.0  # waiting for regular OM handling (beside the work-only om.regular.initial_stock)
    court_pr: NonNegFloat = 0.0  # summoned to the politierechter, reports in, ready to plan or planned
    court_mk: NonNegFloat = 0.0  # the same for the meervoudige kamer
    appeal: NonNegFloat = 0.0  # appealed, waiting for the gerechtshof
    fines: NonNegFloat = 0.0  # a fine (court or strafbeschikking) at CJIB, being paid
    taakstraf: NonNegFloat = 0.0  # a community service order at the reclassering
    zelfmelders: NonNegFloat = 0.0  # custodial sentence, self-reporter not yet called up
    unfindable: NonNegFloat = 0.0  # custodial sentence, convict sought by the police and not yet found
    prison: NonNegFloat = 0.0  # serving a custodial sentence (the rest of a sentence already begun)
    age_days: PosFloat = 180.0  # mean time since registration of a standing case (ASSUMPTION; only in its records)

    def counts(self) -> dict[str, int]:
        """The stocks with at least one case, as whole cases."""
        return {k: round(getattr(self, k)) for k in STOCK_KINDS if round(getattr(self, k)) > 0}


STOCK_KINDS = (
    "police",
    "om_regular",
    "court_pr",
    "court_mk",
    "appeal",
    "fines",
    "taakstraf",
    "zelfmelders",
    "unfindable",
    "prison",
)


class RunConfig(Base):
    """What a scenario sets besides the chain's sections: its name, the period simulated, seed and replications,
    the legal time limits, the intake and the regions."""

    name: str  # also the name of its results folder in a comparison: a safe file name (see `_safe_name`)
    description: str = ""
    extends: str | None = None

    start_date: dt.date
    horizon_days: PosFloat
    warmup_days: NonNegFloat = 0.0
    runout_days: NonNegFloat = 0.0  # keep simulating without new intake so cases can finish
    seed: Annotated[int, Field(ge=0)] = 1
    replications: Annotated[int, Field(ge=1)] = 5
    legal: LegalConfig = LegalConfig()
    start_stock: StartStock = StartStock()
    intake: IntakeConfig
    regions: dict[str, RegionSpec] = Field(default_factory=lambda: {"national": RegionSpec(share=1.0)})

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        """A scenario's name names folders (`compare` writes OUT/<name>/), so it must be a plain file name: letters,
        digits, '-', '_' and '.', starting with a letter or digit; no path separators, no '..', not empty."""
        if not _NAME.fullmatch(v) or ".." in v:
            raise ValueError(
                f"{v!r} is not a safe scenario name: use letters, digits, '-', '_' and '.', starting with a letter "
                "or digit (at most 80 characters; no '/', no '..'), e.g. \"actieplan-2021\""
            )
        return v

    @field_validator("start_date", mode="before")
    @classmethod
    def _date(cls, v):
        return calendar_date(v)

    @model_validator(mode="after")
    def _period(self):
        """A period the simulator can run: dates between 1900 and 2200 and at most a century simulated."""
        if not 1900 <= self.start_date.year <= 2200:
            raise ValueError(f"start_date: {self.start_date.isoformat()} is outside 1900-2200")
        for key in ("horizon_days", "warmup_days", "runout_days"):
            if getattr(self, key) > MAX_DAYS:
                raise ValueError(f"{key}: {getattr(self, key):g} days is more than a century ({MAX_DAYS:g} days)")
        return self

    @field_validator("regions")
    @classmethod
    def _regions(cls, v):
        if not v:
            raise ValueError("at least one region is needed")
        total = sum(r.share for r in v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"region shares must sum to 1, they sum to {total:.6g}")
        caps = [r.capacity_share for r in v.values() if r.capacity_share is not None]
        if caps and len(caps) != len(v):
            raise ValueError("give capacity_share for every region or for none")
        if caps and abs(sum(caps) - 1.0) > 1e-6:
            raise ValueError(f"region capacity shares must sum to 1, they sum to {sum(caps):.6g}")
        for name, r in v.items():
            bad = sorted(set(r.override) - set(CHAIN_KEYS))
            if bad:
                raise ValueError(f"{name}.override: unknown sections {bad}; allowed {list(CHAIN_KEYS)}")
        return v


class Scenario(ChainConfig, RunConfig):
    """A whole scenario: the run settings (`RunConfig`) and the national chain (the sections of `ChainConfig`, the
    same definition each region's chain uses). pydantic puts the fields of the last base first, so the run settings
    come before the chain's sections, in the resolved TOML and in the order problems are reported."""

    _chains: dict[str, ChainConfig] = PrivateAttr(default_factory=dict)
    # streams whose volume is a forecast: (first year, point by year, sampled paths [path, year], info)
    _forecasts: dict[str, tuple] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistency(self):
        problems = chain_problems(self, set(self.intake.streams))
        for name, r in self.regions.items():
            problems += _override_problems(name, r.override, set(self.advice))
        if self.warmup_days >= self.horizon_days:
            problems.append("warmup_days: must be shorter than horizon_days")
        term = self.legal.summons_term_days
        horizon = self.courts.planning_horizon_weeks * 7.0
        if horizon < term:
            problems.append(
                f"courts.planning_horizon_weeks: {horizon:g} days is shorter than the summons term ({term:g} days, "
                "art. 265 Sv): no regular case could ever be planned"
            )
        if self.courts.adjournment_min_days > horizon:
            problems.append(
                f"courts.adjournment_min_days: {self.courts.adjournment_min_days:g} days is beyond the planning "
                f"horizon ({horizon:g} days): an adjourned case could not be given a new date"
            )
        cells = self.execution.custodial.cells.at_date(self.start_date)
        if round(self.start_stock.prison) > cells:
            problems.append(
                f"start_stock.prison: {self.start_stock.prison:g} prisoners on the start date do not fit in the "
                f"{cells:g} DJI places (execution.custodial.cells) on that date"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # ------------------------------------------------------------------ derived views

    @property
    def total_days(self) -> float:
        return self.horizon_days + self.runout_days

    def day_of(self, date: dt.date) -> float:
        """Simulation time (days since start_date) of a calendar date; dates before the start give <= 0."""
        if date == dt.date.min:
            return -math.inf
        return float((date - self.start_date).days)

    def chain(self, region: str) -> ChainConfig:
        return self._chains[region]

    def volume(self, stream: str, year: int, replication: int = 0) -> float:
        """Offences a year for `stream` in calendar `year`. A forecast volume gives replication r the r-th sampled
        intake path (cycling), so the replications together carry the forecast's uncertainty."""
        fc = self._forecasts.get(stream)
        if fc is None:
            return self.intake.streams[stream].volume_in(year)
        first, _, paths, _ = fc
        i = min(max(year - first, 0), paths.shape[1] - 1)
        return float(paths[replication % paths.shape[0], i])

    def forecast_info(self) -> dict:
        """What each forecast volume used (model, drivers and why, breaks, files), for provenance."""
        return {name: {"point": {str(y): v for y, v in fc[1].items()}, **fc[3]} for name, fc in self._forecasts.items()}

    def years(self) -> list[int]:
        """Calendar years the intake covers."""
        end = self.start_date + dt.timedelta(days=max(self.horizon_days - 1, 0))
        return list(range(self.start_date.year, end.year + 1))

    def resolved_dict(self) -> dict:
        """The fully resolved scenario (defaults filled, extends applied) as plain data, for `show` and provenance."""
        data = self.model_dump(mode="python", exclude={"extends"}, by_alias=True)
        return _plain(data)


def _plain(obj):
    if isinstance(obj, Schedule):
        return obj.to_plain()
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj
