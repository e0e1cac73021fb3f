"""Assembly: a validated draft becomes a contract record. Quotes are grounded, `when`
expressions resolved, countries coded, and everything the pipeline could not verify is
said in `warnings`."""

from __future__ import annotations

from summarizer.core import (
    Actor,
    DraftRecord,
    Event,
    Evidence,
    Location,
    Provenance,
    SummaryRecord,
    Threat,
)
from summarizer.extract.article import Article
from summarizer.extract.dates import resolve_when
from summarizer.extract.grounding import Grounder
from summarizer.extract.names import country_code, unresolved_references


class _Assembler:
    def __init__(self, article: Article) -> None:
        self.published_at = article.meta.published_at
        self.grounder = Grounder(article.text)
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


def assemble(draft: DraftRecord, article: Article, provenance: Provenance) -> SummaryRecord:
    a = _Assembler(article)
    actors = [
        Actor(
            **d.model_dump(exclude={"country", "evidence"}),
            country=a.country(f"actor {d.name!r}", d.country),
            evidence=a.evidence(f"actor {d.name!r}", d.evidence),
        )
        for d in draft.actors
    ]
    locations = [
        Location(
            name=d.name,
            type=d.type,
            country=a.country(f"location {d.name!r}", d.country),
            evidence=a.evidence(f"location {d.name!r}", d.evidence),
        )
        for d in draft.locations
    ]
    events = [
        Event(
            **d.model_dump(exclude={"when", "evidence"}),
            when=resolve_when(d.when, a.published_at, ahead=d.status == "planned"),
            evidence=a.evidence(f"events[{i}]", d.evidence),
        )
        for i, d in enumerate(draft.events)
    ]
    threats = [
        Threat(
            **d.model_dump(exclude={"when", "evidence"}),
            when=resolve_when(d.when, a.published_at),
            evidence=a.evidence(f"threats[{i}]", d.evidence),
        )
        for i, d in enumerate(draft.threats)
    ]
    record = SummaryRecord(
        article=article.meta,
        summary=draft.summary,
        actors=actors,
        locations=locations,
        events=events,
        threats=threats,
        provenance=provenance,
        warnings=a.warnings,
    )
    record.warnings.extend(unresolved_references(record))
    return record
