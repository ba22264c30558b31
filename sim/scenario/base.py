"""What every section of the scenario format shares: the strict, frozen pydantic base class and the plain number
types."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

PosFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1)]


def calendar_date(v: object) -> dt.date:
    """A calendar date, as TOML writes it (``2019-01-01``) or as an ISO string; not a number (which pydantic would
    read as a Unix timestamp) and not a date with a time of day (which would be lost)."""
    if isinstance(v, dt.datetime):
        if v.time() != dt.time(0) or v.tzinfo is not None:
            raise ValueError(f"{v.isoformat()} has a time of day; give a date such as 2019-01-01")
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise ValueError(f"{v!r} is not a date; give a date such as 2019-01-01 (TOML: start_date = 2019-01-01)")


Date = Annotated[dt.date, BeforeValidator(calendar_date)]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
