"""The top of the format: legal time limits, intake and its streams, regions, and `Scenario`, the whole validated
file with its derived views (volumes by year and replication, the chain of a region, the resolved data)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from pydantic import Field, PrivateAttr, field_validator, model_validator

from .base import Base, NonNegFloat, PosFloat, Share
from .checks import _override_problems, chain_problems
from .schedules import Schedule, ShareSched
from .sections import CHAIN_KEYS, ChainConfig


class LegalConfig(Base):
    """Legal time limits (docs/domain.md §3). Windows are hard: a fast-track case is never heard after its window."""

    ophouden_hours: PosFloat = 9.0  # art. 56a Sv
    inverzekeringstelling_days: PosFloat = 3.0  # art. 58 Sv
    supersnelrecht_window_days: PosFloat = 3.0  # from arrest
    snelrecht_detained_window_days: PosFloat = 17.0  # 3 days inverzekeringstelling + 14 bewaring (art. 64 Sv)
    snelrecht_not_detained_window_days: PosFloat = 28.0  # 2-4 weeks from the summons
    snelrecht_not_detained_min_days: NonNegFloat = 14.0  # earliest hearing after the summons
    summons_term_days: NonNegFloat = 10.0  # art. 265 Sv


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


class RunConfig(Base):
    """What a scenario sets besides the chain's sections: its name, the period simulated, seed and replications,
    the legal time limits, the intake and the regions."""

    name: str
    description: str = ""
    extends: str | None = None
    start_date: dt.date
    horizon_days: PosFloat
    warmup_days: NonNegFloat = 0.0
    runout_days: NonNegFloat = 0.0  # keep simulating without new intake so cases can finish
    seed: Annotated[int, Field(ge=0)] = 1
    replications: Annotated[int, Field(ge=1)] = 5
    legal: LegalConfig = LegalConfig()
    intake: IntakeConfig
    regions: dict[str, RegionSpec] = Field(default_factory=lambda: {"national": RegionSpec(share=1.0)})

    @field_validator("start_date", mode="before")
    @classmethod
    def _date(cls, v):
        if isinstance(v, dt.datetime):
            return v.date()
        return v

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
        for name, st in self.courts.sessions.items():
            if {"regular_pr", "regular_mk"} & set(st.serves) and st.fill_lead_days < term:
                problems.append(
                    f"courts.sessions.{name}.fill_lead_days: {st.fill_lead_days:g} days is shorter than the summons "
                    f"term ({term:g} days, art. 265 Sv) for the regular cases this session type serves"
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
        data = self.model_dump(mode="python", exclude={"extends"})
        return _plain(data)


def _plain(obj):
    if isinstance(obj, Schedule):
        return obj.to_plain()
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj
