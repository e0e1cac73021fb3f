"""Name stage: one normal form for names, ISO country codes, and a check that every name
an event or threat refers to is an actor or location of the same record."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pycountry

from summarizer.core import SummaryRecord

_NON_WORD = re.compile(r"[\W_]+")
_LEADING = re.compile(r"^(?:al|el|the)\s+")


def normalize_name(name: str) -> str:
    """Case-, diacritic-, punctuation- and hyphen-insensitive form; a leading "al-" or
    "the" dropped ("Al Sudani" = "al-Sudani" = "Sudani")."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NON_WORD.sub(" ", plain.casefold().replace("'", "").replace("’", "")).strip()
    return _LEADING.sub("", words)


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
