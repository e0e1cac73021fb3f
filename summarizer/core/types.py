"""The shared vocabulary: the closed sets of labels, the strict base model, and the
parameters that shape every request (sampling, chunking). Imports nothing of the package."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

SCHEMA_VERSION: Literal["1"] = "1"

ActorType = Literal[
    "state",
    "government",
    "person",
    "armed_group",
    "military",
    "international_organization",
    "coalition",
    "political_group",
    "media",
    "other",
]
LocationType = Literal[
    "country",
    "region",
    "city",
    "military_base",
    "facility",
    "airspace",
    "body_of_water",
    "other",
]
EventType = Literal[
    "attack",
    "strike",
    "interception",
    "threat",
    "statement",
    "demand",
    "denial",
    "warning",
    "meeting",
    "call",
    "deployment",
    "diplomatic_action",
    "other",
]
EventStatus = Literal["occurred", "claimed", "reported", "denied", "planned", "hypothetical"]
ActionType = Literal["violence", "restrict", "relations", "sanction", "territory", "other"]
Precision = Literal["day", "week", "month", "year", "unknown"]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


DATE_FORM = "YYYY-MM-DD, or an ISO 8601 timestamp such as 2025-06-15T10:00:00Z"
_DATE_PART = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!\d)")


def iso_date(value: object) -> dt.date:
    """The one reading of a publication date: a date, or an ISO 8601 timestamp's date as
    written, in the timestamp's own zone (a feed's `2025-06-15T23:30:00-05:00` is June 15
    where it was published, whatever the zone of this machine). Only strings and dates:
    pydantic's lax mode would read 0 or "1700000000" as a timestamp."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            _check_calendar(value.strip())
    raise ValueError(f"{reprlib.repr(value)} is not a date: expected {DATE_FORM}")


def _check_calendar(value: str) -> None:
    """A value in the form whose day is not in the calendar (February 30) says so."""
    found = _DATE_PART.match(value)
    if found is None:
        return
    try:
        dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        raise ValueError(f"{found.group(0)} is not a date in the calendar") from None


def _iso_date(value: object) -> dt.date | None:
    return None if value is None else iso_date(value)


IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]


class Strict(BaseModel):
    # Validators are built on first use: a cache hit validates a record, never a draft.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class GenerationParams(Strict):
    """Sampling settings; part of every cache key and recorded request."""

    temperature: float = 0.0
    max_tokens: int = 4096
    seed: int = 0


class Price(Strict):
    """What a model's tokens cost, in USD per million tokens."""

    input: float = Field(ge=0, description="USD per million prompt tokens")
    cached_input: float | None = Field(
        default=None,
        ge=0,
        description="USD per million prompt tokens served from the provider's prompt cache; "
        "unset: the input price",
    )
    output: float = Field(ge=0, description="USD per million answer tokens")

    def cost(self, prompt: int, cached: int, completion: int) -> float:
        """USD for these tokens; `cached` is the part of `prompt` the provider's prompt
        cache served."""
        cached_price = self.input if self.cached_input is None else self.cached_input
        total = (prompt - cached) * self.input + cached * cached_price + completion * self.output
        return round(total / 1_000_000, 8)

    def scaled(self, factor: float) -> Price:
        """Every rate times `factor` (a Batch API's discount)."""
        cached = None if self.cached_input is None else self.cached_input * factor
        return Price(input=self.input * factor, cached_input=cached, output=self.output * factor)


class ChunkPlan(Strict):
    """How an article is cut into calls: characters per piece, overlap, passes. Part of
    every cache key and of `prompt_version`."""

    chars: int
    overlap: int
    passes: int
