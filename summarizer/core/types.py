"""The shared vocabulary: the closed sets of labels, the strict base model, and the
parameters that shape every request (sampling, chunking). Imports nothing of the package."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints

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


def _iso_date(value: object) -> object:
    """Only an ISO date: pydantic's lax mode would read 0 or "1700000000" as a timestamp."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("expected a date as YYYY-MM-DD")


IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]


class Strict(BaseModel):
    # Validators are built on first use: a cache hit validates a record, never a draft.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class GenerationParams(Strict):
    """Sampling settings; part of every cache key and recorded request."""

    temperature: float = 0.0
    max_tokens: int = 4096
    seed: int = 0


class ChunkPlan(Strict):
    """How an article is cut into calls: characters per piece, overlap, passes. Part of
    every cache key and of `prompt_version`."""

    chars: int
    overlap: int
    passes: int
