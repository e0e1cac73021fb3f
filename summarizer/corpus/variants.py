"""Name variants that spelling does not catch: the same organisation named with or without
a generic word ("Kataib X Y", "X Y Brigades"), the same body named with its country in
another form ("Portugal's Audit Office", "Audit Office of the Portuguese Republic"),
and the same person with or without middle names or a patronymic.

Each rule gives a name a *key*; the clustering joins mentions whose keys are equal (and
whose clusters pass its guards). Every function here takes names already normalised by
`summarizer.extract.normalize_name`, except `own_country_key`, which reads the name as
written to see country codes in capitals ("US Army").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import pycountry

from summarizer.extract import normalize_name

# Generic organisational words, in English and in common transliterations of the Arabic,
# each with the kind it names: "Kataib X" and "X Brigades" are one name, "X Brigades" and
# "X Movement" are not. Normalised (apostrophes dropped: "kata'ib" is "kataib").
ORGANISATIONAL = {
    **dict.fromkeys(["brigade", "brigades", "kataib", "kataeb"], "brigade"),
    **dict.fromkeys(["battalion", "battalions", "katiba", "katibat"], "battalion"),
    **dict.fromkeys(["movement", "harakat", "haraka", "harakah"], "movement"),
    **dict.fromkeys(["front", "jabhat", "jabha", "jabhah"], "front"),
    **dict.fromkeys(["forces", "force"], "forces"),
    **dict.fromkeys(["group", "jamaat", "jamaah"], "group"),
    **dict.fromkeys(["organisation", "organization", "munazzamat", "tanzim"], "organisation"),
}
# A company's legal form, which outlets keep or drop at will ("X Shipping Limited").
LEGAL_FORMS = frozenset(
    ["company", "co", "limited", "ltd", "inc", "incorporated", "corporation", "corp", "plc", "llc"]
)
# Words that join a name's parts and identify nothing ("Sayf al-Jabal", "of the").
PARTICLES = frozenset(["al", "el", "the", "of", "for", "and"])
# A core name needs this many distinctive words: "Jabal" is too weak to say that
# "Kataib Jabal" is it.
CORE_WORDS = 2
# A country's adjective from its one-word name: it keeps the name's first letters (at
# least `ADJECTIVE_PREFIX`), may leave off its last ones (at most `ADJECTIVE_DROP`:
# "Uzbek(istan)") and adds at most `ADJECTIVE_ADDS` that end as the adjectives of countries
# do: Oman-i, Kenya-n, Ghana-ian, Morocc-an, Chin-ese, Portug-uese, Swed-ish. "Indiana"
# is no adjective of India.
ADJECTIVE_PREFIX = 4
ADJECTIVE_DROP = 5
ADJECTIVE_ADDS = 4
ADJECTIVE_ENDINGS = ("i", "an", "ese", "ish")


def core_name(normal: str) -> tuple[str, ...] | None:
    """The name without generic organisational words, legal forms and particles; None
    when fewer than `CORE_WORDS` words remain."""
    ignored = ORGANISATIONAL.keys() | LEGAL_FORMS | PARTICLES
    core = tuple(w for w in normal.split() if w not in ignored)
    return core if len(core) >= CORE_WORDS else None


def organisational_kinds(normal: str) -> frozenset[str]:
    """The kinds of organisation a name's generic words say it is ("brigade", "front")."""
    return frozenset(ORGANISATIONAL[w] for w in normal.split() if w in ORGANISATIONAL)


def own_country_key(
    name: str, country: str, state_names: Iterable[str] = ()
) -> tuple[str, ...] | None:
    """The words of `name` once its country's names, adjectives and codes are set aside
    (and particles dropped), sorted: "Portugal's defence ministry" and "Ministry of
    Defence of the Portuguese Republic" are both ("defence", "ministry"). `state_names`
    are more names of the country (the record's own state actor's). None when nothing is
    left or no country word was found."""
    codes = {country.lower(), *_alpha3(country)}
    capitals = {w.lower() for w in re.findall(r"\b[A-Z]{2,3}\b", name)} & codes
    words = normalize_name(name).split()
    phrases, stems = _country_words(country, tuple(sorted(map(normalize_name, state_names))))
    kept, found, i = [], False, 0
    while i < len(words):
        span = _phrase_at(words, i, phrases)
        if span:
            i, found = i + span, True
        elif words[i] in capitals or _designates(words[i], stems):
            i, found = i + 1, True
        else:
            kept.append(words[i])
            i += 1
    rest = tuple(sorted(w for w in kept if w not in PARTICLES))
    return rest if found and rest else None


def middle_names_dropped(a: str, b: str) -> bool:
    """Whether two person names are one with and one without middle names or a
    patronymic: the same first and last word, the shorter's words in order within the
    longer's, two words at least."""
    wa, wb = a.split(), b.split()
    short, long = sorted((wa, wb), key=len)
    if len(short) < 2 or len(short) == len(long):
        return False
    if short[0] != long[0] or short[-1] != long[-1]:
        return False
    rest = iter(long[1:-1])
    return all(word in rest for word in short[1:-1])


def _phrase_at(words: list[str], i: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    """The length of the longest country name at `words[i]` (its last word may take a
    possessive "s"), else 0."""
    for phrase in phrases:  # longest first
        end = i + len(phrase)
        if end > len(words):
            continue
        *head, last = phrase
        if words[i : end - 1] == head and words[end - 1] in (last, last + "s"):
            return len(phrase)
    return 0


def _designates(word: str, stems: tuple[str, ...]) -> bool:
    """Whether `word` is a one-word name of the country (possessive included) or its
    adjective formed by a usual ending."""
    for stem in stems:
        if word in (stem, stem + "s"):
            return True
        shared = len(_common_prefix(word, stem))
        added = word[shared:]
        if (
            shared >= ADJECTIVE_PREFIX
            and len(stem) - shared <= ADJECTIVE_DROP
            and len(added) <= ADJECTIVE_ADDS
            and (added in ("", "n") or added.endswith(ADJECTIVE_ENDINGS))
        ):
            return True
    return False


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


@functools.lru_cache(maxsize=1024)
def _country_words(
    country: str, extra: tuple[str, ...]
) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """A country's names as word sequences (longest first) and its one-word names, from
    pycountry (name, official and common name, each also cut at a comma: "Korea, Republic
    of" gives "Korea") and `extra`."""
    found = pycountry.countries.get(alpha_2=country)
    raw = [getattr(found, key, None) for key in ("name", "official_name", "common_name")]
    names = {n for r in raw if r for n in (r, r.split(",")[0])}
    normal = {normalize_name(n) for n in names} | set(extra)
    phrases = sorted({tuple(n.split()) for n in normal if n}, key=lambda p: (-len(p), p))
    stems = tuple(sorted(p[0] for p in phrases if len(p) == 1))
    return tuple(phrases), stems


def _alpha3(country: str) -> set[str]:
    found = pycountry.countries.get(alpha_2=country)
    return {found.alpha_3.lower()} if found else set()
