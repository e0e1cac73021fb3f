"""Name stage: one normal form for names, the rules by which two names denote one entity
(the scorer's and the corpus's), ISO country codes, and a check that every name an event or
threat refers to is an actor or location of the same record."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import pycountry
from rapidfuzz import fuzz, process

from summarizer.core import SummaryRecord

_NON_WORD = re.compile(r"[\W_]+")
_LEADING = re.compile(r"^(?:al|el|the)\s+")
# Character-level similarity (over 100) at which two normalised names are one: spelling
# variants ("Kataib Hizbollah", "Kataib Hezbollah") pass, a name inside another does not.
NAME_CUTOFF = 90.0


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    """Case-, diacritic-, punctuation- and hyphen-insensitive form; a leading "al-" or
    "the" dropped ("Al Sudani" = "al-Sudani" = "Sudani"). Cached: a corpus compares the
    same names many times."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NON_WORD.sub(" ", plain.casefold().replace("'", "").replace("’", "")).strip()
    return _LEADING.sub("", words)


class NameMatch(NamedTuple):
    """How two names match: a score (1.0 when equal or grouped, else the fuzzy ratio over
    100) and the rule that matched them ("same name", "alias table", "fuzzy 93")."""

    score: float
    rule: str


class NameMatcher:
    """Two names denote one entity when, normalised, they are equal, in one group of an
    alias table, or at least `NAME_CUTOFF` apart by `rapidfuzz.fuzz.ratio`."""

    def __init__(self, alias_groups: Iterable[Iterable[str]] = ()) -> None:
        self._group: dict[str, int] = {}
        for index, group in enumerate(alias_groups):
            for name in group:
                self._group[normalize_name(name)] = index

    def match(self, a: str, b: str) -> NameMatch | None:
        return self.match_normalized(normalize_name(a), normalize_name(b))

    def match_normalized(self, na: str, nb: str) -> NameMatch | None:
        """`match` for names already normalised."""
        if na == nb:
            return NameMatch(1.0, "same name")
        if na in self._group and self._group.get(nb) == self._group[na]:
            return NameMatch(1.0, "alias table")
        ratio = fuzz.ratio(na, nb)
        return NameMatch(ratio / 100, f"fuzzy {int(ratio)}") if ratio >= NAME_CUTOFF else None

    def similarity(self, a: str, b: str) -> float:
        """1.0 for the same entity by name or alias group; the fuzzy ratio if at least 90."""
        found = self.match(a, b)
        return found.score if found else 0.0

    def best(self, names_a: Sequence[str], names_b: Sequence[str]) -> float:
        return max((self.similarity(a, b) for a in names_a for b in names_b), default=0.0)


def fuzzy_pairs(keys: Sequence[str]) -> Iterator[tuple[int, int, float]]:
    """Every pair (i < j) of normalised names that match by the fuzzy ratio, with its ratio,
    found by rapidfuzz's batch search rather than by comparing each pair in Python."""
    for i, key in enumerate(keys):
        rest = keys[i + 1 :]
        for _, ratio, offset in process.extract(
            key, rest, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF, limit=None
        ):
            yield i, i + 1 + offset, ratio


def token_f1(a: str | None, b: str | None) -> float:
    """F1 of the words two texts share (normalised as names are, counted with repeats);
    two nulls score 1, a null against a text 0."""
    if a is None or b is None:
        return 1.0 if a is None and b is None else 0.0
    ta, tb = Counter(normalize_name(a).split()), Counter(normalize_name(b).split())
    common = sum((ta & tb).values())
    return 2 * common / (sum(ta.values()) + sum(tb.values())) if common else 0.0


def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 for a code or country name; None when it is neither."""
    if value is None or not value.strip():
        return None
    try:
        return str(pycountry.countries.lookup(value.strip()).alpha_2)
    except LookupError:
        return None


def unresolved_references(record: SummaryRecord) -> list[str]:
    """Warnings for names in events and threats that match no actor or location."""
    actors = _known(name for a in record.actors for name in [a.name, *a.aliases])
    places = _known(loc.name for loc in record.locations)
    everything = actors | places
    warnings: list[str] = []

    def check(owner: str, field: str, names: Iterable[str | None], known: set[str]) -> None:
        for name in names:
            if name is not None and normalize_name(name) not in known:
                warnings.append(f"{owner} {field} {name!r} matches no listed actor or location")

    for i, event in enumerate(record.events):
        check(f"events[{i}]", "actor", event.actors, everything)
        check(f"events[{i}]", "target", event.targets, everything)
        check(f"events[{i}]", "location", event.locations, places)
    for i, threat in enumerate(record.threats):
        check(f"threats[{i}]", "issuer", [threat.issuer], actors)
        check(f"threats[{i}]", "speaker", [threat.speaker], actors)
        check(f"threats[{i}]", "target", threat.targets, everything)
    return warnings


def _known(names: Iterable[str]) -> set[str]:
    return {normalize_name(name) for name in names}
