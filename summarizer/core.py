"""Basic types: the output contract, the model-facing draft, the input article and errors.

This module imports nothing else of the package (an import-linter contract enforces it),
so every stage can depend on it and it depends on none of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Protocol

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    model_validator,
)

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


class _Strict(BaseModel):
    # Validators are built on first use: a cache hit validates a record, never a draft.
    model_config = ConfigDict(extra="forbid", defer_build=True)


# --- The output contract (shared/spec/output-contract.md, version 1) -----------------


class Evidence(_Strict):
    quote: str
    start: int | None
    end: int | None
    grounded: bool


class Grounded(Protocol):
    """Any extracted item: it carries evidence."""

    @property
    def evidence(self) -> list[Evidence]: ...


class When(_Strict):
    text: str
    date: dt.date | None
    end_date: dt.date | None
    precision: Precision


class ArticleMeta(_Strict):
    id: str
    title: str | None
    url: str | None
    published_at: IsoDate
    language: str = "en"


class Actor(_Strict):
    name: str
    aliases: list[str]
    type: ActorType
    country: CountryCode | None
    title: str | None
    affiliation: str | None
    evidence: list[Evidence]


class Location(_Strict):
    name: str
    type: LocationType
    country: CountryCode | None
    evidence: list[Evidence]


class Event(_Strict):
    type: EventType
    description: str
    actors: list[str]
    targets: list[str]
    locations: list[str]
    when: When | None
    status: EventStatus
    casualties: str | None
    evidence: list[Evidence]


class Threat(_Strict):
    issuer: str
    speaker: str | None
    targets: list[str]
    condition: str | None
    action: str
    action_type: ActionType
    conditional: bool
    when: When | None
    evidence: list[Evidence]


class Usage(_Strict):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Provenance(_Strict):
    provider: str
    model: str
    prompt_version: str
    created_at: dt.datetime
    cached: bool
    usage: Usage


class SummaryRecord(_Strict):
    schema_version: Literal["1"] = SCHEMA_VERSION
    article: ArticleMeta
    summary: str
    actors: list[Actor]
    locations: list[Location]
    events: list[Event]
    threats: list[Threat]
    provenance: Provenance
    warnings: list[str]


# --- What the model is asked for ------------------------------------------------------
# The model proposes content and verbatim quotes; offsets, dates, ISO codes and warnings
# are computed by the pipeline, never trusted from the model. The bounds are safety bounds
# far above what an article's true content reaches (a capable model is never asked to
# leave items out); the local model's grammar is tightened separately, for its token
# budget (`providers/local_model.compact`).

MAX_ITEMS = 500
Name = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Quote = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Sentence = Annotated[str, StringConstraints(max_length=2000)]
Names = Annotated[list[Name], Field(max_length=100)]
Quotes = Annotated[
    list[Quote],
    Field(
        min_length=1, max_length=20, description="Short sentences copied verbatim from the article"
    ),
]
WhenText = Annotated[
    Annotated[str, StringConstraints(max_length=300)] | None,
    Field(description="The time expression exactly as written in the article, e.g. 'on Sunday'"),
]
OtherStory = Annotated[
    bool,
    Field(
        description="True when the item comes from another story on the page (a teaser, a "
        "related-story blurb), not from the article itself"
    ),
]
Short = Annotated[str | None, StringConstraints(max_length=300)]


class DraftActor(_Strict):
    name: Name = Field(description="The fullest name used in the article")
    aliases: Names = Field(description="Other names and short forms used in the article")
    type: ActorType
    country: Short = Field(description="ISO 3166-1 alpha-2 code of the actor's home country")
    title: Short = Field(description="A person's office or role as stated")
    affiliation: Short = Field(description="For a person: the actor they speak for")
    evidence: Quotes


class DraftLocation(_Strict):
    name: Name
    type: LocationType
    country: Short
    evidence: Quotes


class DraftEvent(_Strict):
    type: EventType
    description: Sentence
    actors: Names
    targets: Names
    locations: Names
    when: WhenText
    status: EventStatus
    casualties: Short
    other_story: OtherStory
    evidence: Quotes


class DraftThreat(_Strict):
    issuer: Name = Field(description="The organisation or state that threatens")
    speaker: Short = Field(description="The person quoted, if any")
    targets: Names
    condition: Sentence | None = Field(
        description="The trigger ('if ...'), or null when unconditional"
    )
    action: Sentence
    action_type: ActionType
    conditional: bool
    when: WhenText
    other_story: OtherStory
    evidence: Quotes


class DraftRecord(_Strict):
    """The structured answer requested from the model."""

    summary: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    actors: list[DraftActor] = Field(max_length=MAX_ITEMS)
    locations: list[DraftLocation] = Field(max_length=MAX_ITEMS)
    events: list[DraftEvent] = Field(max_length=MAX_ITEMS)
    threats: list[DraftThreat] = Field(max_length=MAX_ITEMS)


class ChunkPlan(_Strict):
    """How an article is cut into calls: characters per piece, overlap, passes. Part of
    every cache key and of `prompt_version`."""

    chars: int
    overlap: int
    passes: int


# --- Input ----------------------------------------------------------------------------


class ArticleRequest(_Strict):
    """An article as a caller submits it (API body, JSON file, JSONL line): its text, a
    web page's HTML, or a URL to fetch (`fetch: true`)."""

    text: Annotated[str, StringConstraints(min_length=1)] | None = None
    html: Annotated[str, StringConstraints(min_length=1)] | None = None
    title: str | None = None
    url: str | None = None
    fetch: bool = Field(default=False, description="Fetch the page at `url` and read it")
    published_at: IsoDate = None
    id: str | None = None
    # What reading a page found out about the article, said in the record's warnings.
    _notes: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _one_source(self) -> ArticleRequest:
        given = [self.text is not None, self.html is not None, self.fetch]
        if sum(given) != 1:
            raise ValueError("give exactly one of text, html, or url with fetch: true")
        if self.fetch and not self.url:
            raise ValueError("fetch: true needs a url")
        return self

    @property
    def notes(self) -> tuple[str, ...]:
        return self._notes

    @property
    def needs_reading(self) -> bool:
        """Whether the text is still to be read from a page (its HTML, or its URL)."""
        return self.html is not None or self.fetch

    def with_page(self, text: str, notes: tuple[str, ...], **found: object) -> ArticleRequest:
        """This request with a page's text, and its metadata where the caller gave none."""
        fill = {k: v for k, v in found.items() if getattr(self, k) is None and v is not None}
        read = self.model_copy(update={"text": text, "html": None, "fetch": False, **fill})
        read._notes = notes
        return read


class GenerationParams(_Strict):
    """Sampling settings; part of every cache key and recorded request."""

    temperature: float = 0.0
    max_tokens: int = 4096
    seed: int = 0


# --- Errors ---------------------------------------------------------------------------


def first_problem(exc: ValidationError, whole: str) -> str:
    """A validation error in a line: where the first problem is, and what it is."""
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc']) or whole}: {first['msg']}"


class SummarizerError(Exception):
    """Base of every error the CLI and API turn into a clear message.

    `where` names places on the server (a directory, a model file): the CLI's message
    shows it, the API's error body never does (`public_message`).
    """

    kind = "error"

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(f"{message} ({where})" if where else message)
        self.public_message = message


class InputError(SummarizerError):
    """The article or a parameter is unusable (empty, not UTF-8, bad date, too long)."""

    kind = "invalid_input"


class InputTooLarge(InputError):
    kind = "input_too_large"


class ConfigError(SummarizerError):
    """The provider cannot be set up as configured (missing key, model file, package)."""

    kind = "configuration_error"


class ProviderError(SummarizerError):
    """The model could not produce a record after retries."""

    kind = "provider_error"


class ProviderTimeout(ProviderError):
    kind = "provider_timeout"


class ProviderCrashed(ProviderError):
    """The process that ran the model died during the call (a native crash, an abort, the
    OOM killer); the next call starts a fresh one."""

    kind = "provider_crashed"


class ExtractionFailed(ProviderError):
    """The model answered, but never with a schema-valid record within the re-ask budget."""

    kind = "extraction_failed"


class AnswerCutOff(ExtractionFailed):
    """The answer reached max_tokens before it was complete: a smaller piece may fit."""

    kind = "answer_cut_off"


class ContextExceeded(ProviderError):
    """The request does not fit the model's context window: a smaller piece may fit."""

    kind = "context_exceeded"


class RecordingMissing(ProviderError):
    kind = "recording_missing"
