"""What the model is asked for: the draft schema. Its field descriptions are prompt text,
sent to the model inside the JSON Schema of every request (and so part of every
recording's key)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from summarizer.core.types import (
    ActionType,
    ActorType,
    EventStatus,
    EventType,
    LocationType,
    Strict,
)

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


class DraftActor(Strict):
    name: Name = Field(description="The fullest name used in the article")
    aliases: Names = Field(description="Other names and short forms used in the article")
    type: ActorType
    country: Short = Field(description="ISO 3166-1 alpha-2 code of the actor's home country")
    title: Short = Field(description="A person's office or role as stated")
    affiliation: Short = Field(description="For a person: the actor they speak for")
    evidence: Quotes


class DraftLocation(Strict):
    name: Name
    type: LocationType
    country: Short
    evidence: Quotes


class DraftEvent(Strict):
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


class DraftThreat(Strict):
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


class DraftRecord(Strict):
    """The structured answer requested from the model."""

    summary: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    actors: list[DraftActor] = Field(max_length=MAX_ITEMS)
    locations: list[DraftLocation] = Field(max_length=MAX_ITEMS)
    events: list[DraftEvent] = Field(max_length=MAX_ITEMS)
    threats: list[DraftThreat] = Field(max_length=MAX_ITEMS)
