"""Corpus gold (`evals/<set>/corpus-gold.json`): which gold actors of different articles
are one actor, and which gold threats are one threat (one ledger entry).

An actor mention names an article and a name; it resolves to that article's gold actor
whose name or an alias is that name, normalised. A threat report names an article and a
quote, an exact substring found once in the article; it resolves to that article's gold
threat whose evidence overlaps the quote. Gold actors and threats not listed are each one
alone. A reference that resolves to nothing, or to more than one, is refused with the
file, the entry and what was found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from pydantic import BaseModel, ConfigDict, ValidationError

from summarizer.core import ConfigError
from summarizer.evals.evalset import GoldRecord
from summarizer.evals.scoring import overlap, spans
from summarizer.extract import normalize_name

Item = tuple[str, int]  # article id, index in its gold record's list


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldMention(_Strict):
    article: str
    name: str


class GoldActorCluster(_Strict):
    id: str
    name: str
    mentions: list[GoldMention]


class GoldReport(_Strict):
    article: str
    quote: str


class GoldLedgerEntry(_Strict):
    id: str
    follows: str | None = None
    reports: list[GoldReport]


class CorpusGoldFile(_Strict):
    about: str = ""
    actors: list[GoldActorCluster] = []
    threats: list[GoldLedgerEntry] = []


@dataclass(frozen=True)
class CorpusGold:
    """Gold clusters: each listed gold actor and threat, by article and index, to its
    cluster's id; an unlisted one is a cluster of its own."""

    actors: dict[Item, str]
    threats: dict[Item, str]

    def cluster(self, kind: str, item: Item) -> str:
        listed = self.actors if kind == "actors" else self.threats
        return listed.get(item, f"{item[0]}/{kind}/{item[1]}")


def load_corpus_gold(path: Path, gold: dict[str, GoldRecord], texts: dict[str, str]) -> CorpusGold:
    try:
        data = CorpusGoldFile.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise ConfigError(f"corpus gold {path} is not in the corpus gold format: {exc}") from None
    _check_ids(path, data)
    resolver = _Resolver(path, gold, texts)
    actors = resolver.clusters(
        "actors",
        [(c.id, [(m.article, m.name) for m in c.mentions]) for c in data.actors],
        resolver.actor,
    )
    threats = resolver.clusters(
        "threats",
        [(e.id, [(r.article, r.quote) for r in e.reports]) for e in data.threats],
        resolver.threat,
    )
    return CorpusGold(actors, threats)


def _check_ids(path: Path, data: CorpusGoldFile) -> None:
    for kind, ids in (
        ("actors", [c.id for c in data.actors]),
        ("threats", [e.id for e in data.threats]),
    ):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ConfigError(f"corpus gold {path}: {kind}: id {twice[0]!r} is used twice")
    known = {e.id for e in data.threats}
    for n, entry in enumerate(data.threats):
        if entry.follows is not None and entry.follows not in known - {entry.id}:
            raise ConfigError(
                f"corpus gold {path}: threats[{n}] ({entry.id}): follows {entry.follows!r}, "
                "which is no other threat of the file"
            )


class _Resolver:
    def __init__(self, path: Path, gold: dict[str, GoldRecord], texts: dict[str, str]) -> None:
        self.path, self.gold, self.texts = path, gold, texts

    def clusters(
        self,
        kind: str,
        listed: list[tuple[str, list[tuple[str, str]]]],
        resolve: Callable[[str, str], tuple[int | None, str]],
    ) -> dict[Item, str]:
        """Each reference of each listed cluster as a gold item, refused when it finds none,
        more than one, or an item another reference already took."""
        found: dict[Item, str] = {}
        where: dict[Item, str] = {}
        for n, (cluster, references) in enumerate(listed):
            for m, (article, given) in enumerate(references):
                label = f"{kind}[{n}] ({cluster}), reference {m} ({article}: {given!r})"
                if article not in self.gold:
                    known = ", ".join(sorted(self.gold))
                    self.refuse(label, f"article {article!r} is not in the eval set ({known})")
                index, problem = resolve(article, given)
                if index is None:
                    self.refuse(label, problem)
                item = (article, index)
                if item in where:
                    self.refuse(label, f"{problem}, which {where[item]} already names")
                found[item], where[item] = cluster, label
        return found

    def actor(self, article: str, name: str) -> tuple[int | None, str]:
        actors = self.gold[article].actors
        wanted = normalize_name(name)
        hits = [i for i, a in enumerate(actors) if wanted in {normalize_name(n) for n in a.names}]
        if len(hits) == 1:
            return hits[0], f"gold actor {hits[0]} ({actors[hits[0]].name})"
        if not hits:
            return None, "no gold actor of the article has this name or alias"
        named = ", ".join(f"{i} ({actors[i].name})" for i in hits)
        return None, f"the name is ambiguous: gold actors {named} all have it"

    def threat(self, article: str, quote: str) -> tuple[int | None, str]:
        text = self.texts[article]
        start = text.find(quote)
        if start < 0:
            return None, "the quote is not in the article's text"
        if text.find(quote, start + 1) >= 0:
            return None, "the quote is in the article more than once: quote more of it"
        span = [(start, start + len(quote))]
        threats = self.gold[article].threats
        hits = [i for i, t in enumerate(threats) if overlap(span, spans(t.evidence, text))]
        if len(hits) == 1:
            return hits[0], f"gold threat {hits[0]} ({threats[hits[0]].action!r})"
        if not hits:
            return None, f"no gold threat's evidence overlaps the quote (at {start})"
        return None, f"the quote overlaps the evidence of gold threats {hits}: quote less of it"

    def refuse(self, label: str, problem: str) -> NoReturn:
        raise ConfigError(f"corpus gold {self.path}: {label}: {problem}")
