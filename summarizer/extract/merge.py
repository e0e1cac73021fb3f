"""Merge stage: the findings of several calls (the pieces of a long article, the passes)
become one set. Actors and locations are one entry per normalised name or alias, their
aliases and evidence united; an event or threat found by two calls is one entry when
their evidence overlaps in the article. Items of one call are never merged with each
other: two events may rightly quote the same sentence."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from summarizer.core import Actor, Event, Evidence, Location, Threat
from summarizer.extract.assemble import Findings
from summarizer.extract.names import normalize_name

T = TypeVar("T", Event, Threat)


def merge(found: Sequence[Findings]) -> Findings:
    """One set of findings from many; the first call's values win where they differ."""
    if len(found) == 1:
        return found[0]
    return Findings(
        summary=_summary(found),
        actors=_merge_named([f.actors for f in found], _merge_actor),
        locations=_merge_named([f.locations for f in found], _merge_location),
        events=_merge_spanned([f.events for f in found], _same_type),
        threats=_merge_spanned([f.threats for f in found], _same_issuer),
        warnings=_unique(w for f in found for w in f.warnings),
    )


def _summary(found: Sequence[Findings]) -> str:
    # Passes over the same text repeat a summary word for word at temperature 0.
    return " ".join(_unique(f.summary.strip() for f in found))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- Actors and locations: by normalised name or alias ----------------------------------

Named = TypeVar("Named", Actor, Location)


def _merge_named(
    groups: list[list[Named]], combine: Callable[[Named, Named], Named]
) -> list[Named]:
    merged: list[Named] = []
    index: dict[str, int] = {}  # normalised name or alias -> position in `merged`
    for item in (i for group in groups for i in group):
        keys = [normalize_name(n) for n in item.names]
        at = next((index[k] for k in keys if k in index), None)
        if at is None:
            at = len(merged)
            merged.append(item)
        else:
            merged[at] = combine(merged[at], item)
        for key in (normalize_name(n) for n in merged[at].names):
            index.setdefault(key, at)
    return merged


def _merge_actor(a: Actor, b: Actor) -> Actor:
    # The fullest name leads; every other name either call used becomes an alias.
    name = max([a.name, b.name], key=len)
    seen = {normalize_name(name)}
    aliases = []
    for alias in [a.name, *a.aliases, b.name, *b.aliases]:
        if normalize_name(alias) not in seen:
            seen.add(normalize_name(alias))
            aliases.append(alias)
    return a.model_copy(
        update={
            "name": name,
            "aliases": aliases,
            "country": a.country or b.country,
            "title": a.title or b.title,
            "affiliation": a.affiliation or b.affiliation,
            "evidence": _evidence(a.evidence, b.evidence),
        }
    )


def _merge_location(a: Location, b: Location) -> Location:
    return a.model_copy(
        update={"country": a.country or b.country, "evidence": _evidence(a.evidence, b.evidence)}
    )


def _evidence(a: list[Evidence], b: list[Evidence]) -> list[Evidence]:
    seen = {_where(e) for e in a}
    return [*a, *(e for e in b if _where(e) not in seen)]


def _where(e: Evidence) -> object:
    """What makes two quotes one: the span where grounded, else the words."""
    return (e.start, e.end) if e.grounded else e.quote


# --- Events and threats: by overlapping evidence ---------------------------------------


@dataclass
class _Entry(Generic[T]):
    item: T
    sources: set[int] = field(default_factory=set)


def _same_type(a: Event, b: Event) -> bool:
    return a.type == b.type


def _same_issuer(a: Threat, b: Threat) -> bool:
    return normalize_name(a.issuer) == normalize_name(b.issuer)


def _overlap(a: list[Evidence], b: list[Evidence]) -> int:
    return sum(
        max(0, min(x.end, y.end) - max(x.start, y.start))
        for x in a
        for y in b
        if x.start is not None and x.end is not None and y.start is not None and y.end is not None
    )


def _merge_spanned(groups: list[list[T]], alike: Callable[[T, T], bool]) -> list[T]:
    """Each item joins the entry from another call whose evidence overlaps it most (one
    item per call and entry), preferring one of the same type or issuer; else it is new."""
    entries: list[_Entry[T]] = []
    for source, group in enumerate(groups):
        taken: set[int] = set()
        for item in group:
            best, best_score = None, (0, 0)
            for at, entry in enumerate(entries):
                if source in entry.sources or at in taken:
                    continue
                overlap = _overlap(entry.item.evidence, item.evidence)
                score = (int(alike(entry.item, item)), overlap)
                if overlap > 0 and score > best_score:
                    best, best_score = at, score
            if best is None:
                entries.append(_Entry(item, {source}))
                continue
            taken.add(best)
            entry = entries[best]
            entry.sources.add(source)
            entry.item = entry.item.model_copy(
                update={"evidence": _evidence(entry.item.evidence, item.evidence)}
            )
    return [e.item for e in entries]
