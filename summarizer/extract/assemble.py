"""Assembly: a validated draft for one piece of the article becomes contract items.
Quotes are grounded within the piece (offsets into the whole article), `when`
expressions resolved, countries coded, and everything the pipeline could not verify is
said in `warnings`."""

from __future__ import annotations

from dataclasses import dataclass, field

from summarizer.core import (
    Actor,
    DraftEvent,
    DraftRecord,
    DraftThreat,
    Event,
    Evidence,
    Location,
    Threat,
    When,
)
from summarizer.extract.article import Article
from summarizer.extract.chunking import Piece
from summarizer.extract.dates import resolve_when
from summarizer.extract.grounding import Grounder
from summarizer.extract.names import country_code

LABEL_CHARS = 60


@dataclass
class Findings:
    """What one call found (or several calls, merged): the record's content lists."""

    summary: str
    actors: list[Actor] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    threats: list[Threat] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def label(kind: str, text: str) -> str:
    short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return f"{kind} {short!r}"


class _Assembler:
    def __init__(self, article: Article, piece: Piece) -> None:
        self.published_at = article.meta.published_at
        self.grounder = Grounder(piece.text, piece.start)
        self.warnings: list[str] = []

    def evidence(self, label: str, quotes: list[str]) -> list[Evidence]:
        found = [self.grounder.locate(quote) for quote in quotes]
        if not any(e.grounded for e in found):
            self.warnings.append(f"{label}: no evidence quote was found in the article")
        return found

    def country(self, label: str, value: str | None) -> str | None:
        code = country_code(value)
        if value and code is None:
            self.warnings.append(f"{label}: country {value!r} is not an ISO 3166 country; dropped")
        return code

    def when(self, label: str, item: DraftEvent | DraftThreat, ahead: bool = False) -> When | None:
        """Resolved against the article's date, except for an item the model marked as
        another story's (a teaser on the page): its relative dates are not this article's,
        so only a date the text states in full is resolved."""
        if not item.other_story:
            return resolve_when(item.when, self.published_at, ahead)
        if item.when:
            self.warnings.append(
                f"{label}: from another story on the page; its date is not resolved "
                "against the article's"
            )
        return resolve_when(item.when, None, ahead)


def assemble(draft: DraftRecord, article: Article, piece: Piece) -> Findings:
    a = _Assembler(article, piece)
    actors = [
        Actor(
            **d.model_dump(exclude={"country", "evidence"}),
            country=a.country(label("actor", d.name), d.country),
            evidence=a.evidence(label("actor", d.name), d.evidence),
        )
        for d in draft.actors
    ]
    locations = [
        Location(
            name=d.name,
            type=d.type,
            country=a.country(label("location", d.name), d.country),
            evidence=a.evidence(label("location", d.name), d.evidence),
        )
        for d in draft.locations
    ]
    events = [
        Event(
            **d.model_dump(exclude={"when", "evidence"}),
            when=a.when(label("event", d.description), d, ahead=d.status == "planned"),
            evidence=a.evidence(label("event", d.description), d.evidence),
        )
        for d in draft.events
    ]
    threats = [
        Threat(
            **d.model_dump(exclude={"when", "evidence"}),
            when=a.when(label("threat", d.action), d),
            evidence=a.evidence(label("threat", d.action), d.evidence),
        )
        for d in draft.threats
    ]
    return Findings(draft.summary, actors, locations, events, threats, a.warnings)
