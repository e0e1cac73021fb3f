"""The output contract, version 1: the record every provider's answer becomes."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol

from pydantic import Field

from summarizer.core.types import (
    SCHEMA_VERSION,
    ActionType,
    ActorType,
    CountryCode,
    EventStatus,
    EventType,
    IsoDate,
    LocationType,
    Precision,
    Strict,
)


class Evidence(Strict):
    quote: str
    start: int | None
    end: int | None
    grounded: bool


class Grounded(Protocol):
    """Any extracted item: it carries evidence."""

    @property
    def evidence(self) -> list[Evidence]: ...


class When(Strict):
    text: str
    date: dt.date | None
    end_date: dt.date | None
    precision: Precision


class ArticleMeta(Strict):
    id: str
    title: str | None
    url: str | None
    published_at: IsoDate
    language: str = "en"
    source: str | None = Field(
        default=None,
        description="Where a batch read the article: its file, or `file:line` in JSONL; "
        "null when it came from no file (the API, stdin)",
    )


class Actor(Strict):
    name: str
    aliases: list[str]
    type: ActorType
    country: CountryCode | None
    title: str | None
    affiliation: str | None
    evidence: list[Evidence]

    @property
    def names(self) -> list[str]:
        """Every name the article uses for the actor."""
        return [self.name, *self.aliases]


class Location(Strict):
    name: str
    type: LocationType
    country: CountryCode | None
    evidence: list[Evidence]

    @property
    def names(self) -> list[str]:
        return [self.name]


class Event(Strict):
    type: EventType
    description: str
    actors: list[str]
    targets: list[str]
    locations: list[str]
    when: When | None
    status: EventStatus
    casualties: str | None
    evidence: list[Evidence]


class Threat(Strict):
    issuer: str
    speaker: str | None
    targets: list[str]
    condition: str | None
    action: str
    action_type: ActionType
    conditional: bool
    when: When | None
    evidence: list[Evidence]


class Usage(Strict):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Provenance(Strict):
    provider: str
    model: str
    prompt_version: str
    created_at: dt.datetime
    cached: bool
    usage: Usage
    content_id: str | None = Field(
        default=None,
        description="`sha256:` of the normalised article text the record was made from, "
        "whatever id the caller gave; null in records made before it was kept",
    )


class SummaryRecord(Strict):
    schema_version: Literal["1"] = SCHEMA_VERSION
    article: ArticleMeta
    summary: str
    actors: list[Actor]
    locations: list[Location]
    events: list[Event]
    threats: list[Threat]
    provenance: Provenance
    warnings: list[str]
