"""The output contract, version 1: the record every provider's answer becomes.

The descriptions are the contract's documentation in `summarizer schema` and the API's
OpenAPI schema (docs/output-contract.md says the same at length). They are never sent to
a model: what the model is asked for is the draft schema (`draft.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Protocol

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

_NAMES = "each the name or an alias of an entry of `actors` (or `locations`) in this record"


class Evidence(Strict):
    """A quote from the article that supports an item, and where the pipeline found it."""

    quote: str = Field(
        description="The quoted text. When grounded, exactly the article's characters at "
        "start:end; when not, the quote as the model gave it."
    )
    start: int | None = Field(
        description="Offset of the quote's first character in the article's normalised text "
        "(BOM removed, CRLF and CR to LF, Unicode NFC), in Unicode code points from 0; null "
        "when not grounded."
    )
    end: int | None = Field(
        description="Offset just past the quote's last character (text[start:end] is the "
        "quote); null when not grounded."
    )
    grounded: bool = Field(
        description="True when the pipeline located the quote in the article; false when it "
        "could not (start and end are then null)."
    )


Support = Annotated[
    list[Evidence], Field(description="Quotes from the article that support the entry.")
]
OtherStory = Annotated[
    bool,
    Field(
        description="True when the item comes from another story on the page (a teaser after "
        "the article), not from the article itself; its relative dates are then not resolved. "
        "False in records made before it was kept."
    ),
]


class Grounded(Protocol):
    """Any extracted item: it carries evidence."""

    @property
    def evidence(self) -> list[Evidence]: ...


class When(Strict):
    """A time expression of the article and the date it resolves to."""

    text: str = Field(description="The time expression as the article writes it ('on Sunday').")
    date: dt.date | None = Field(
        description="The date it means (YYYY-MM-DD), resolved against article.published_at, "
        "never the clock: the day, or the first day of the week (Monday), month, year or "
        "interval; null when it cannot be resolved."
    )
    end_date: dt.date | None = Field(
        description="The end of an interval ('from October 17 to 30': the 30th), resolved like "
        "`date`; null when the expression is not an interval."
    )
    precision: Precision = Field(
        description="How exact `date` is: day, week, month or year; unknown when `date` is null."
    )


class ArticleMeta(Strict):
    """The article the record is about."""

    id: str = Field(
        description="The caller's id (in a batch: the manifest's, the JSON's, or the file's name "
        "without its extension), else the content id: 'sha256:' and the hex SHA-256 of the "
        "normalised text."
    )
    title: str | None = Field(
        description="The caller's title, else the page's (HTML input); null if neither."
    )
    url: str | None = Field(
        description="The caller's URL, else the page's canonical URL (HTML input); null if neither."
    )
    published_at: IsoDate = Field(
        description="Publication date (YYYY-MM-DD), the caller's or the page's metadata; "
        "relative dates are resolved against it. Null when unknown: relative dates then stay "
        "unresolved."
    )
    language: str = Field(
        default="en",
        description="The article's language: always 'en'; only English articles are supported.",
    )
    source: str | None = Field(
        default=None,
        description="Where a batch read the article: its file, or `file:line` in JSONL; "
        "null when it came from no file (the API, stdin).",
    )


class Actor(Strict):
    """Who: a state, government body, armed group, military force, organisation or named
    person that acts, speaks, is targeted or is threatened."""

    name: str = Field(description="The fullest name the article uses for the actor.")
    aliases: list[str] = Field(
        description="Every other name or short form the article itself uses for the actor."
    )
    type: ActorType = Field(description="What kind of actor it is.")
    country: CountryCode | None = Field(
        description="ISO 3166-1 alpha-2 code of the actor's home country; null when unknown "
        "or not a country (a warning says so)."
    )
    title: str | None = Field(
        description="For a person: the office or role the article states; else null."
    )
    affiliation: str | None = Field(
        description="For a person: the actor they speak for or belong to; else null."
    )
    evidence: Support

    @property
    def names(self) -> list[str]:
        """Every name the article uses for the actor."""
        return [self.name, *self.aliases]


class Location(Strict):
    """Where: a place where something happens or that is targeted; one entry per place."""

    name: str = Field(description="The place's name as the article writes it.")
    type: LocationType = Field(
        description="What kind of place it is; a country's territory or airspace is the country."
    )
    country: CountryCode | None = Field(
        description="ISO 3166-1 alpha-2 code of the country it is in (or is); null when "
        "unknown or not a country (a warning says so)."
    )
    evidence: Support

    @property
    def names(self) -> list[str]:
        return [self.name]


class Event(Strict):
    """What: a happening or speech act the article reports."""

    type: EventType = Field(description="What kind of happening or speech act it is.")
    description: str = Field(description="One neutral sentence saying what happened.")
    actors: list[str] = Field(description=f"Who acted or spoke: {_NAMES}.")
    targets: list[str] = Field(description=f"Who it was aimed at or addressed to: {_NAMES}.")
    locations: list[str] = Field(
        description="Where it happened: each the name of an entry of `locations`."
    )
    when: When | None = Field(
        description="When it happened (for a planned event, when it is to happen); null "
        "when the article gives no time."
    )
    status: EventStatus = Field(
        description="How the article presents it: occurred, claimed, reported (unconfirmed), "
        "denied, planned (ahead) or hypothetical (only under a condition)."
    )
    casualties: str | None = Field(
        description="Casualties as the article states them ('three killed'); null if it "
        "states none."
    )
    other_story: OtherStory = False
    evidence: Support


class Threat(Strict):
    """A statement that an actor (or someone) will or could do harm to another, with the
    condition that would trigger it, if any."""

    issuer: str = Field(
        description="Who threatens: the organisation or state the speaker speaks for (the "
        "name or an alias of an entry of `actors`)."
    )
    speaker: str | None = Field(
        description="The person quoted making the threat (an entry of `actors`); null when "
        "no person is named."
    )
    targets: list[str] = Field(description=f"Who would suffer the threatened action: {_NAMES}.")
    condition: str | None = Field(
        description="The trigger in plain words ('the United States intervenes'); null when "
        "unconditional."
    )
    action: str = Field(description="The harm threatened, close to the article's words.")
    action_type: ActionType = Field(
        description="Kind of harm: violence, restrict (blockades, closures), relations "
        "(cutting ties), sanction, territory (seizing or annexing), other."
    )
    conditional: bool = Field(
        description="True when the article states a trigger ('if', 'unless', 'should'); "
        "`condition` then says what it is."
    )
    when: When | None = Field(
        description="When the threat was made (not when it would be carried out); null when "
        "the article gives no time."
    )
    other_story: OtherStory = False
    evidence: Support


class Usage(Strict):
    """Tokens the provider reported."""

    prompt_tokens: int = Field(
        default=0, description="Prompt tokens over every call for the record, re-asks included."
    )
    completion_tokens: int = Field(
        default=0, description="Answer tokens over every call for the record, re-asks included."
    )
    cached_prompt_tokens: int = Field(
        default=0,
        description="Of the prompt tokens, those the provider served from its prompt cache "
        "(OpenAI's `prompt_tokens_details.cached_tokens`), charged at the cached price.",
    )


class Provenance(Strict):
    """How the record was made; never scored."""

    provider: str = Field(description="The provider that answered ('local', 'openai', ...).")
    model: str = Field(description="The model that answered.")
    prompt_version: str = Field(
        description="Hash of the prompt files, the schema the model was asked for, the schema "
        "version and how the article was cut into calls."
    )
    created_at: dt.datetime = Field(
        description="When the record was extracted (UTC); a cached record keeps its original time."
    )
    cached: bool = Field(description="True when the record was served from the cache.")
    usage: Usage = Field(description="Tokens used; zeros where the provider reports none.")
    cost_usd: float | None = Field(
        default=None,
        description="What the calls cost in USD, from `usage` and the price of the provider's "
        "model (cached prompt tokens at the cached price; half of each through a Batch API); "
        "null where the model has no price, and in records made before costs were kept. A "
        "cached record keeps its original cost.",
    )
    content_id: str | None = Field(
        default=None,
        description="`sha256:` of the normalised article text the record was made from, "
        "whatever id the caller gave; null in records made before it was kept.",
    )


class SummaryRecord(Strict):
    """What one article becomes: who, where, what, the threats, each with its evidence."""

    schema_version: Literal["1"] = Field(
        default=SCHEMA_VERSION,
        description="Version of this contract. A record of another version does not validate "
        "as this one.",
    )
    article: ArticleMeta = Field(description="The article: id, title, URL, date, language.")
    summary: str = Field(
        description="Two to four neutral sentences: who did what, where, when, and what is "
        "threatened."
    )
    actors: list[Actor] = Field(description="Who: one entry per actor.")
    locations: list[Location] = Field(description="Where: one entry per place.")
    events: list[Event] = Field(description="What happened or was said.")
    threats: list[Threat] = Field(description="The threats, conditional or not.")
    provenance: Provenance = Field(description="How the record was made.")
    warnings: list[str] = Field(
        description="What the pipeline could not verify: quotes not found, countries dropped, "
        "names that match no entry, dates not resolved, where published_at came from."
    )
