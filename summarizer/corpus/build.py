"""Records in, a corpus out: each record's actor entries clustered into canonical actors,
then its threats, their issuer and targets resolved through the record's own actors to
those canonical actors, entered in the ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from summarizer.core import ActorRef, CanonicalActor, Corpus, InputError, SummaryRecord, Threat
from summarizer.corpus.actors import ActorMention, cluster_actors
from summarizer.corpus.aliases import UserAliases, load_aliases
from summarizer.corpus.ledger import Occasion, Party, Sighting, build_ledger
from summarizer.extract import NameMatcher
from summarizer.io import check_results, iter_results


@dataclass(frozen=True)
class Kept:
    """What the corpus keeps of a record: its id, date, actor entries and threats."""

    article: str
    published_at: dt.date | None
    mentions: list[ActorMention]
    threats: list[Threat]

    @classmethod
    def of(cls, record: SummaryRecord) -> Kept:
        article = record.article.id
        mentions = [ActorMention.of(article, i, actor) for i, actor in enumerate(record.actors)]
        return cls(article, record.article.published_at, mentions, record.threats)


def build_corpus(records: Iterable[SummaryRecord], aliases: UserAliases | None = None) -> Corpus:
    """The canonical actors and the threat ledger of `records` (one per article id), the
    same whatever their order. `records` is read once, and only the actors and threats of
    each record are kept."""
    kept = _kept(records)
    actors = cluster_actors([m for k in kept for m in k.mentions], aliases or UserAliases())
    canonical = {(m.article, m.index): actor for actor in actors for m in actor.mentions}
    sightings = [s for k in kept for s in _sightings(k, canonical)]
    return Corpus(actors=actors, ledger=build_ledger(sightings))


def read_corpus(results: Path, aliases: Path | None = None) -> Corpus:
    """The corpus of the records of a results file or shard directory (error lines are
    passed over), with the user's alias file if given."""
    check_results(results, "corpus")
    user = None if aliases is None else load_aliases(aliases)
    found = []

    def records() -> Iterator[SummaryRecord]:
        for line in iter_results(results):
            if isinstance(line, SummaryRecord):
                found.append(line.article.id)
                yield line

    corpus = build_corpus(records(), user)
    if not found:
        raise InputError(f"{results} has no records (a corpus needs at least one)")
    return corpus


def _kept(records: Iterable[SummaryRecord]) -> list[Kept]:
    kept: dict[str, Kept] = {}
    for record in records:
        if record.article.id in kept:
            raise InputError(
                f"article id {record.article.id!r} is in two records; the corpus is keyed "
                "by article id (one record per article)"
            )
        kept[record.article.id] = Kept.of(record)
    return list(kept.values())


def _sightings(kept: Kept, canonical: dict[tuple[str, int], CanonicalActor]) -> list[Sighting]:
    def resolve(name: str) -> Party:
        index = _actor_index(name, kept.mentions)
        if index is None:
            return Party(ActorRef(id=None, name=name))
        actor = canonical[(kept.article, index)]
        return Party(ActorRef(id=actor.id, name=actor.name), actor.type, actor.country)

    return [
        Sighting(
            article=kept.article,
            index=i,
            threat=threat,
            issuer=resolve(threat.issuer).ref,
            targets=tuple(resolve(target) for target in threat.targets),
            occasion=Occasion.of(threat.when),
            published_at=kept.published_at,
        )
        for i, threat in enumerate(kept.threats)
    ]


def _actor_index(name: str, mentions: list[ActorMention]) -> int | None:
    """The record's actor a name refers to: the best match by the name rules (an equal
    name or alias first), the first on a tie; None when no actor's name matches."""
    matcher = NameMatcher()
    scores = [matcher.best([name], m.names) for m in mentions]
    best = max(scores, default=0.0)
    return scores.index(best) if best > 0 else None
