"""Canonical actors: the actor entries of many records, clustered into one actor each.

Each actor entry of a record is a mention. Mentions are joined in a union-find (scipy's
`DisjointSet`) tier by tier, strongest evidence first, each tier in a fixed order, so the
result does not depend on the order of the records:

1. `user alias`: the alias file's `same` groups, across types and countries;
2. `same name`: the records' names, normalised, are equal;
3. `alias in record`: a name of one equals an alias of the other (or two aliases do);
4. `fuzzy N`: two names at least 90/100 alike by rapidfuzz's ratio, most alike first;
5. `core name`: the names are equal once generic organisational words ("brigades",
   "kataib", "movement"...), a company's legal form and particles are set aside, and
   two distinctive words at least remain (`summarizer.corpus.variants`);
6. `own country`: two mentions of one country whose names have the same words once that
   country's names, adjectives and codes are set aside (in any order);
7. `middle names`: two people named with and without middle names or a patronymic.

Tiers 2 to 7 never join two clusters that share no actor type, that both have countries
and share none, or that both hold a mention of one record (a record lists each actor
once). Tier 5 never joins clusters whose generic words name different kinds of
organisation ("X Brigades", "X Movement"); tier 7 never joins clusters whose people's
names disagree (two different middle names). No tier joins clusters holding the two
names of a `different` pair. Every join is kept as a merge: the two names that matched,
and by which rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import product
from typing import TypeVar

from scipy.cluster.hierarchy import DisjointSet

from summarizer.core import Actor, ActorType, CanonicalActor, CountryCode, Mention, Merge
from summarizer.corpus.aliases import UserAliases
from summarizer.corpus.variants import (
    core_name,
    middle_names_dropped,
    organisational_kinds,
    own_country_key,
)
from summarizer.extract import NameMatcher, fuzzy_pairs, normalize_name

Key = tuple[str, int]  # article id, index in the record's actors
T = TypeVar("T", bound=str)


@dataclass(frozen=True)
class ActorMention:
    """One actor entry of one record, with what the clustering reads of it."""

    article: str
    index: int
    names: tuple[str, ...]  # the record's name first, then its aliases
    type: ActorType
    country: CountryCode | None

    @classmethod
    def of(cls, article: str, index: int, actor: Actor) -> ActorMention:
        return cls(article, index, tuple(actor.names), actor.type, actor.country)

    @property
    def key(self) -> Key:
        return self.article, self.index


@dataclass(frozen=True, order=True)
class Named:
    """A mention under one of its names (sorted by mention, the record's name first)."""

    article: str
    index: int
    alias: bool
    normal: str
    name: str

    @property
    def key(self) -> Key:
        return self.article, self.index

    def mention(self) -> Mention:
        return Mention(article=self.article, index=self.index, name=self.name)


@dataclass
class Cluster:
    """What a union-find root knows of its members, to allow or refuse a join, and the
    merges that made it (numbered in the order they were made)."""

    types: set[str]
    countries: set[str]
    articles: set[str]
    marks: set[str]  # the normalised names of `different` pairs its mentions carry
    kinds: set[str]  # the kinds of organisation its names' generic words say
    people: set[str]  # the normalised names of its person mentions, of two words or more
    merges: list[tuple[int, Merge]] = field(default_factory=list)

    def compatible(self, other: Cluster) -> bool:
        """The automatic tiers' guard: a shared type, no two sets of countries apart, no
        record on both sides."""
        if not self.types & other.types or self.articles & other.articles:
            return False
        return not (self.countries and other.countries) or bool(self.countries & other.countries)

    def absorb(self, other: Cluster) -> None:
        """Take in `other`'s members (in place: a large cluster is not copied per join)."""
        self.types |= other.types
        self.countries |= other.countries
        self.articles |= other.articles
        self.marks |= other.marks
        self.kinds |= other.kinds
        self.people |= other.people
        self.merges += other.merges


# A tier's own guard: whether it may join the clusters of two members it found alike.
Guard = Callable[[Named, Named, Cluster, Cluster], bool]


class Clustering:
    """The union-find over mentions, with what each cluster holds and the joins it refuses."""

    def __init__(self, mentions: list[ActorMention], aliases: UserAliases) -> None:
        pairs = ({normalize_name(a), normalize_name(b)} for a, b in aliases.different)
        self.forbidden = {frozenset(pair) for pair in pairs if len(pair) == 2}
        marked = {name for pair in self.forbidden for name in pair}
        self.sets: DisjointSet[Key] = DisjointSet(m.key for m in mentions)
        self.clusters = {
            m.key: Cluster(
                {m.type},
                {m.country} if m.country else set(),
                {m.article},
                {normalize_name(n) for n in m.names} & marked,
                {kind for n in m.names for kind in organisational_kinds(normalize_name(n))},
                _people(m),
            )
            for m in mentions
        }
        self.matcher = NameMatcher()
        self.made = 0  # merges made so far

    def gather(
        self,
        members: Iterable[Named],
        forced: bool = False,
        rule: str | None = None,
        allows: Guard | None = None,
    ) -> None:
        """Join each cluster among `members` (by its first member, in order) to the first
        cluster met before it that allows it. `rule` names the join (else the name rule
        that matched); `allows` is the tier's own guard, on the two members and clusters."""
        firsts: dict[Key, Named] = {}
        for named in sorted(members):
            firsts.setdefault(self.sets[named.key], named)
        heads: list[Named] = []
        for named in firsts.values():
            if not any(self.join(head, named, forced, rule, allows) for head in heads):
                heads.append(named)

    def join(
        self,
        a: Named,
        b: Named,
        forced: bool,
        rule: str | None = None,
        allows: Guard | None = None,
    ) -> bool:
        """Join the clusters of `a` and `b` unless refused; whether they are now one."""
        ra, rb = self.sets[a.key], self.sets[b.key]
        if ra == rb:
            return True
        ca, cb = self.clusters[ra], self.clusters[rb]
        if self.forbids(ca, cb) or not (forced or ca.compatible(cb)):
            return False
        if allows is not None and not allows(a, b, ca, cb):
            return False
        big, small = (ca, cb) if len(ca.articles) >= len(cb.articles) else (cb, ca)
        big.absorb(small)
        merge = Merge(a=a.mention(), b=b.mention(), rule=rule or self.rule(a, b, forced))
        big.merges.append((self.made, merge))
        self.made += 1
        self.sets.merge(ra, rb)
        del self.clusters[ra], self.clusters[rb]
        self.clusters[self.sets[ra]] = big
        return True

    def forbids(self, a: Cluster, b: Cluster) -> bool:
        return any(frozenset((x, y)) in self.forbidden for x in a.marks for y in b.marks)

    def rule(self, a: Named, b: Named, forced: bool) -> str:
        if forced:
            return "user alias"
        found = self.matcher.match_normalized(a.normal, b.normal)
        assert found is not None  # only matching names are gathered
        if found.rule == "same name" and (a.alias or b.alias):
            return "alias in record"
        return found.rule


def cluster_actors(mentions: list[ActorMention], aliases: UserAliases) -> list[CanonicalActor]:
    """The canonical actors of `mentions`, by id."""
    clustering = Clustering(mentions, aliases)
    names = _named(mentions)
    by_any: dict[str, list[Named]] = {}
    for named in names:
        by_any.setdefault(named.normal, []).append(named)
    for group in aliases.same:
        wanted = {normalize_name(name) for name in group}
        clustering.gather((n for key in wanted for n in by_any.get(key, [])), forced=True)
    for normal in sorted(by_any):
        clustering.gather(n for n in by_any[normal] if not n.alias)
    for normal in sorted(by_any):
        clustering.gather(by_any[normal])
    for a, b in _fuzzy_order(sorted(by_any)):
        clustering.gather([*by_any[a], *by_any[b]])
    by_key = {m.key: m for m in mentions}
    for alike in _grouped(names, lambda n: _core_key(n, by_key[n.key])):
        clustering.gather(alike, rule="core name", allows=_same_kind)
    states = _state_names(mentions)
    for alike in _grouped(names, lambda n: _country_key(n, by_key[n.key], states)):
        clustering.gather(alike, rule="own country")
    for alike in _grouped(names, lambda n: _ends_key(n, by_key[n.key])):
        clustering.gather(alike, rule="middle names", allows=_one_person)
    return _actors(mentions, clustering)


VariantKey = tuple[str, ...] | None


def _grouped(names: list[Named], key: Callable[[Named], VariantKey]) -> list[list[Named]]:
    """The names that share a key (of two names or more), in the order of their keys."""
    found: dict[tuple[str, ...], list[Named]] = {}
    for named in names:
        k = key(named)
        if k is not None:
            found.setdefault(k, []).append(named)
    return [found[k] for k in sorted(found) if len(found[k]) > 1]


def _core_key(named: Named, mention: ActorMention) -> VariantKey:
    return None if mention.type == "person" else core_name(named.normal)


def _same_kind(a: Named, b: Named, ca: Cluster, cb: Cluster) -> bool:
    """Tier 5's guard: the generic words of the two names, and of the two clusters, name
    no two different kinds of organisation (a name with none agrees with any)."""
    ka, kb = organisational_kinds(a.normal), organisational_kinds(b.normal)
    apart = bool(ka and kb and ka != kb)
    return not apart and not (ca.kinds and cb.kinds and not ca.kinds & cb.kinds)


def _state_names(mentions: list[ActorMention]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Per article and country, the names and aliases of the record's state actors."""
    found: dict[tuple[str, str], set[str]] = {}
    for m in mentions:
        if m.type == "state" and m.country:
            found.setdefault((m.article, m.country), set()).update(m.names)
    return {key: tuple(sorted(names)) for key, names in found.items()}


def _country_key(
    named: Named, mention: ActorMention, states: dict[tuple[str, str], tuple[str, ...]]
) -> VariantKey:
    if mention.country is None or mention.type == "state":
        return None
    extra = states.get((mention.article, mention.country), ())
    key = own_country_key(named.name, mention.country, extra)
    return None if key is None else (mention.country, *key)


def _ends_key(named: Named, mention: ActorMention) -> VariantKey:
    words = named.normal.split()
    return (words[0], words[-1]) if mention.type == "person" and len(words) >= 2 else None


def _one_person(a: Named, b: Named, ca: Cluster, cb: Cluster) -> bool:
    """Tier 7's guard: one name is the other with middle names left out, and every two
    names of the clusters' people agree: equal, alike by the name rules, or one the
    other without middle names (a "John Smith" does not join "John Paul Smith" to "John
    Peter Smith")."""
    if not middle_names_dropped(a.normal, b.normal):
        return False
    matcher = NameMatcher()
    return all(
        matcher.match_normalized(x, y) is not None or middle_names_dropped(x, y)
        for x, y in product(ca.people, cb.people)
    )


def _people(m: ActorMention) -> set[str]:
    if m.type != "person":
        return set()
    return {n for n in map(normalize_name, m.names) if len(n.split()) >= 2}


def _named(mentions: list[ActorMention]) -> list[Named]:
    """Every mention under each of its names, once per normal form (the record's name
    first); names that normalise to nothing are left out."""
    found: dict[tuple[Key, str], Named] = {}
    for m in mentions:
        for position, name in enumerate(m.names):
            normal = normalize_name(name)
            if normal:
                found.setdefault(
                    (m.key, normal), Named(m.article, m.index, position > 0, normal, name)
                )
    return sorted(found.values())


def _fuzzy_order(keys: list[str]) -> list[tuple[str, str]]:
    """Pairs of names that match by the fuzzy ratio, most alike first."""
    scored = sorted((-ratio, keys[i], keys[j]) for i, j, ratio in fuzzy_pairs(keys))
    return [(a, b) for _, a, b in scored]


def _actors(mentions: list[ActorMention], clustering: Clustering) -> list[CanonicalActor]:
    members: dict[Key, list[ActorMention]] = {}
    for m in sorted(mentions, key=lambda m: m.key):
        members.setdefault(clustering.sets[m.key], []).append(m)
    drafts = [
        _actor(group, [m for _, m in sorted(clustering.clusters[root].merges)])
        for root, group in members.items()
    ]
    taken: Counter[str] = Counter()
    actors = []
    for draft in sorted(drafts, key=lambda d: (d.id, d.mentions[0].article, d.mentions[0].index)):
        taken[draft.id] += 1
        suffix = f"#{taken[draft.id]}" if taken[draft.id] > 1 else ""
        actors.append(draft.model_copy(update={"id": draft.id + suffix}))
    return sorted(actors, key=lambda a: a.id)


def _actor(group: list[ActorMention], merges: list[Merge]) -> CanonicalActor:
    """A cluster as a canonical actor: the most used spelling of the most used name (ties:
    the earliest mention's), the most given type and country (ties: alphabetical)."""
    normal = _most([normalize_name(m.names[0]) for m in group])
    name = _most([m.names[0] for m in group if normalize_name(m.names[0]) == normal])
    kind = _most(sorted(m.type for m in group))
    countries = sorted(m.country for m in group if m.country)
    country = _most(countries) if countries else None
    slug = "-".join(normal.split()) or "actor"
    return CanonicalActor(
        id="/".join([slug, kind, country] if country else [slug, kind]),
        name=name,
        type=kind,
        country=country,
        mentions=[Mention(article=m.article, index=m.index, name=m.names[0]) for m in group],
        merges=merges,
    )


def _most(values: list[T]) -> T:
    """The most frequent value; on a tie, the first of them in `values`."""
    return Counter(values).most_common(1)[0][0]
