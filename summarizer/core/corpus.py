"""The corpus's types: canonical actors (the actor entries of many records that denote one
actor, with how each was joined) and the threat ledger (one entry per threat, with every
article that reports it). `summarizer corpus` writes a `Corpus` as JSON, and the API's
`GET /v1/batches/{id}/ledger` answers one; `summarizer.corpus` builds them."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from summarizer.core.types import ActionType, ActorType, CountryCode, Strict


class Mention(Strict):
    """One actor entry of one record, by article id and index in its `actors`."""

    article: str = Field(description="The id of the article whose record lists the actor.")
    index: int = Field(description="The actor's index in that record's `actors`, from 0.")
    name: str = Field(
        description="The name the record gives it; in a merge, the name (or alias) that matched."
    )


class Merge(Strict):
    """Why two mentions are one actor: the names that matched and the rule that matched them."""

    a: Mention
    b: Mention
    rule: str = Field(
        description="'user alias' (a `same` group of the alias file), 'same name' (the names "
        "of both, normalised), 'alias in record' (a name of one is an alias of the other), "
        "'fuzzy N' (the normalised names are N/100 alike by rapidfuzz's ratio, N >= 90), "
        "'core name' (equal without generic organisational words, legal forms and "
        "particles), 'own country' (the same words without their country's names) or "
        "'middle names' (a person's name with and without middle names)."
    )


class CanonicalActor(Strict):
    """One actor across the corpus: every mention of it, and the merges that joined them
    (one fewer than the mentions: a tree over them)."""

    id: str = Field(
        description="Stable id: the display name as a slug, the type and the country "
        "('kataib-hezbollah/armed_group/IQ'); '#2', '#3' when two actors would share one."
    )
    name: str = Field(description="The display name: the spelling most mentions use.")
    type: ActorType = Field(description="The type most mentions give.")
    country: CountryCode | None = Field(description="The country most mentions give; null if none.")
    mentions: list[Mention]
    merges: list[Merge]


class ActorRef(Strict):
    """An actor a threat names: its canonical actor, else the name as written."""

    id: str | None = Field(
        description="The canonical actor's id; null when the name is no actor of its record "
        "(a place, or a name the record does not list)."
    )
    name: str = Field(description="The canonical actor's display name, else the name as written.")


class Report(Strict):
    """One article's report of a ledger entry: its threat (by index in `threats`)."""

    article: str
    index: int = Field(description="The threat's index in that record's `threats`, from 0.")
    date: dt.date | None = Field(
        description="When the threat was made, as the article dates it (`when.date`, the "
        "start of an interval); null when the article gives no date for it (never the "
        "publication date)."
    )
    published_at: dt.date | None = Field(description="The article's publication date.")
    speaker: str | None
    evidence: list[str] = Field(description="The threat's evidence quotes.")
    other_story: bool = Field(description="The threat comes from another story on the page.")


class LedgerEntry(Strict):
    """One threat, however many articles report it. Its wording is its first report's."""

    id: str = Field(
        description="Stable id: its first report's article id and threat index ('000/threats/0')."
    )
    issuer: ActorRef
    targets: list[ActorRef]
    condition: str | None
    action: str
    action_type: ActionType
    conditional: bool
    first_reported: dt.date | None = Field(
        description="The earliest publication date of an article that reports it; null "
        "when none has one."
    )
    last_reported: dt.date | None = Field(
        description="The latest publication date of an article that reports it; null when "
        "none has one."
    )
    reports: list[Report]
    follows: str | None = Field(
        description="The entry this one changes: the latest entry of the same issuer against "
        "agreeing targets made on an earlier occasion (an escalation, a new condition, the "
        "threat made again); null if none or if either has no date."
    )


class Corpus(Strict):
    """Canonical actors and the threat ledger of a set of records."""

    actors: list[CanonicalActor]
    ledger: list[LedgerEntry]
