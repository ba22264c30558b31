"""What every section of the scenario format shares: the strict, frozen pydantic base class and the plain number
types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

PosFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1)]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
