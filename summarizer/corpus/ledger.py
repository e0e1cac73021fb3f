"""The threat ledger: the threats of many records, one entry per threat however many
articles report it.

A threat is one harm, said by one issuer against one set of targets, under one condition,
on one occasion. Threats are taken in date order (undated ones last, then by article id
and index), and each joins the entry it fits best, or starts one. A threat fits an entry
when

- its issuer is the entry's (the same canonical actor; a name no actor holds by name),
- its `action_type` is the entry's,
- its targets agree with the entry's: the same canonical actors, one set within the
  other, or one of them empty, where a state stands for its own government and forces,
- its occasion is the same as that of every dated report of the entry (`when`, as an
  interval, within `SAME_OCCASION` of theirs), or it or the entry has no date,
- its wording is alike enough to some report's: the action and, when both give one, the
  condition share content words, and their mean likeness is at least `ALIKE` (at least
  `ALIKE_SAME_OCCASION` when the dates show the same occasion), and
- no report of the entry comes from its article (a record lists each threat once).

Best is the highest likeness (ties: the entry started first). An entry of the same issuer
against agreeing targets that starts on a later occasion than another (an escalation, a
new condition, a threat repeated) `follows` the latest such entry.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from summarizer.core import ActorRef, LedgerEntry, Report, Threat, When
from summarizer.corpus.wording import alike, content_words
from summarizer.extract import normalize_name

# Two dated reports are of one occasion when their dates, as intervals, are at most this
# far apart: a statement made late one day is often dated the next.
SAME_OCCASION = dt.timedelta(days=1)
# The least mean likeness of action and condition for a report to join an entry; lower
# when the dates show the same occasion (issuer, targets, kind and day agree, so the words
# need only tell this harm from another harm of the same statement).
ALIKE = 0.5
ALIKE_SAME_OCCASION = 0.4
# A state stands, as a target, for these actors of its own country.
ORGANS_OF_STATE = frozenset(["government", "military"])


@dataclass(frozen=True)
class Occasion:
    """When a threat was made, as an interval of days: its `when.date` to its `end_date`,
    or to the end of the week, month or year that `precision` says the date begins."""

    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, when: When | None) -> Occasion | None:
        if when is None or when.date is None:
            return None
        start = when.date
        if when.end_date is not None:
            return cls(start, max(start, when.end_date))
        if when.precision == "week":
            return cls(start, start + dt.timedelta(days=6))
        if when.precision == "month":
            last = calendar.monthrange(start.year, start.month)[1]
            return cls(start, start.replace(day=last))
        if when.precision == "year":
            return cls(start, start.replace(month=12, day=31))
        return cls(start, start)

    def same(self, other: Occasion) -> bool:
        """Whether the two intervals are at most `SAME_OCCASION` apart."""
        gap = max(self.start, other.start) - min(self.end, other.end)
        return gap <= SAME_OCCASION


@dataclass(frozen=True)
class Party:
    """An actor a threat names: its reference, and the canonical actor's type and country
    (None for a name no actor of the record holds)."""

    ref: ActorRef
    type: str | None = None
    country: str | None = None

    @property
    def key(self) -> str:
        return ref_key(self.ref)

    def stands_for(self, other: Party) -> bool:
        """A state stands for its own government and forces, as a target."""
        return (
            self.type == "state"
            and other.type in ORGANS_OF_STATE
            and self.country is not None
            and self.country == other.country
        )


@dataclass(frozen=True)
class Sighting:
    """One threat as one record gives it, its names resolved to canonical actors."""

    article: str
    index: int
    threat: Threat
    issuer: ActorRef
    targets: tuple[Party, ...]
    occasion: Occasion | None
    published_at: dt.date | None

    @property
    def date(self) -> dt.date | None:
        return self.occasion.start if self.occasion else None

    def order(self) -> tuple[bool, dt.date, str, int]:
        return self.date is None, self.date or dt.date.min, self.article, self.index

    def report(self) -> Report:
        return Report(
            article=self.article,
            index=self.index,
            date=self.date,
            published_at=self.published_at,
            speaker=self.threat.speaker,
            evidence=[e.quote for e in self.threat.evidence],
            other_story=self.threat.other_story,
        )


def ref_key(ref: ActorRef) -> str:
    """What two references are compared by: the canonical id, else the normalised name."""
    return ref.id if ref.id is not None else f"name:{normalize_name(ref.name)}"


def agree(a: Iterable[Party], b: Iterable[Party]) -> bool:
    """Target sets agree when one is within the other (an empty one is within any), a
    state standing for its own government and forces."""
    xs, ys = list(a), list(b)
    return _within(xs, ys) or _within(ys, xs)


def _within(xs: list[Party], ys: list[Party]) -> bool:
    return all(any(x.key == y.key or x.stands_for(y) or y.stands_for(x) for y in ys) for x in xs)


def likeness(a: Threat, b: Threat) -> float | None:
    """How alike two threats' wordings are: the mean of the actions' and the conditions'
    likeness (the actions' alone when either gives no condition: a brief recall may drop
    it); None when the actions, or the two conditions, share no content word."""
    action = alike(content_words(a.action), content_words(b.action))
    if not action:
        return None
    if a.condition is None or b.condition is None:
        return action
    condition = alike(content_words(a.condition), content_words(b.condition))
    return (action + condition) / 2 if condition else None


@dataclass
class Draft:
    """An entry being built: its reports so far, the first one leading."""

    sightings: list[Sighting]
    targets: dict[str, Party] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for target in self.sightings[0].targets:
            self.targets.setdefault(target.key, target)

    @property
    def first(self) -> Sighting:
        return self.sightings[0]

    @property
    def id(self) -> str:
        return f"{self.first.article}/threats/{self.first.index}"

    def fit(self, s: Sighting) -> float | None:
        """How well `s` fits as another report of this entry; None when it cannot be one."""
        if s.threat.action_type != self.first.threat.action_type:
            return None
        if any(x.article == s.article for x in self.sightings):
            return None
        if not agree(self.targets.values(), s.targets):
            return None
        dated = [x.occasion for x in self.sightings if x.occasion is not None]
        if s.occasion is not None and not all(s.occasion.same(o) for o in dated):
            return None
        least = ALIKE_SAME_OCCASION if s.occasion is not None and dated else ALIKE
        scores = [likeness(x.threat, s.threat) for x in self.sightings]
        best = max((score for score in scores if score is not None), default=None)
        return best if best is not None and best >= least else None

    def add(self, s: Sighting) -> None:
        self.sightings.append(s)
        for target in s.targets:
            self.targets.setdefault(target.key, target)

    def entry(self, follows: str | None) -> LedgerEntry:
        lead = self.first.threat
        dates = [x.published_at for x in self.sightings if x.published_at is not None]
        return LedgerEntry(
            id=self.id,
            issuer=self.first.issuer,
            targets=[target.ref for target in self.targets.values()],
            condition=lead.condition,
            action=lead.action,
            action_type=lead.action_type,
            conditional=lead.conditional,
            first_reported=min(dates, default=None),
            last_reported=max(dates, default=None),
            reports=[x.report() for x in self.sightings],
            follows=follows,
        )


def build_ledger(sightings: list[Sighting]) -> list[LedgerEntry]:
    """The ledger of `sightings`, by first date (undated last), then id."""
    by_issuer: dict[str, list[Draft]] = {}
    for s in sorted(sightings, key=Sighting.order):
        drafts = by_issuer.setdefault(ref_key(s.issuer), [])
        fits = {n: score for n, d in enumerate(drafts) if (score := d.fit(s)) is not None}
        if fits:
            drafts[max(fits, key=fits.__getitem__)].add(s)
        else:
            drafts.append(Draft([s]))
    entries = [entry for drafts in by_issuer.values() for entry in _linked(drafts)]
    return sorted(entries, key=lambda e: (e.first_reported is None, e.first_reported, e.id))


def _linked(drafts: list[Draft]) -> list[LedgerEntry]:
    """One issuer's entries, each with the entry it follows."""
    entries = []
    for draft in drafts:
        earlier = [d for d in drafts if _follows(draft, d)]
        latest = max(earlier, key=lambda d: d.first.order(), default=None)
        entries.append(draft.entry(None if latest is None else latest.id))
    return entries


def _follows(later: Draft, earlier: Draft) -> bool:
    start, before = later.first.occasion, earlier.first.occasion
    if start is None or before is None or before.start >= start.start or start.same(before):
        return False
    return agree(later.targets.values(), earlier.targets.values())
