"""The threat ledger: the threats of many records, one entry per threat however many
articles report it.

Threats are taken in date order (undated ones last, then by article id and index), and
each joins the entry it fits best, or starts one. A threat fits an entry when

- its issuer is the entry's (the same canonical actor; a name no actor holds by name),
- its targets agree with the entry's: the same canonical actors, one set within the
  other, or one of them empty,
- its `conditional` flag and `action_type` are the entry's,
- its condition and its action are each at least `TEXT_SIMILAR` alike (token F1, as the
  scorer measures them) to those of some report of the entry,
- its date is unknown, or within `DATE_WINDOW` of some dated report of the entry, and
- no report of the entry comes from its article (a record lists each threat once).

Best is the highest sum of the two similarities (ties: the entry started first). An entry
of the same issuer against agreeing targets that starts later than another (an escalation,
a new condition, a threat renewed after the window) `follows` the latest such entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from summarizer.core import Threat
from summarizer.corpus.model import ActorRef, LedgerEntry, Report
from summarizer.extract import normalize_name, token_f1

DATE_WINDOW = dt.timedelta(days=14)
TEXT_SIMILAR = 0.5


@dataclass(frozen=True)
class Sighting:
    """One threat as one record gives it, its names resolved to canonical actors."""

    article: str
    index: int
    threat: Threat
    issuer: ActorRef
    targets: tuple[ActorRef, ...]
    date: dt.date | None
    published_at: dt.date | None

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


def agree(a: set[str], b: set[str]) -> bool:
    """Target sets agree when equal, one within the other, or one empty."""
    return a <= b or b <= a


def similarity(a: Threat, b: Threat) -> float | None:
    """The sum of the condition's and the action's token F1; None when either is too low."""
    condition, action = token_f1(a.condition, b.condition), token_f1(a.action, b.action)
    return condition + action if min(condition, action) >= TEXT_SIMILAR else None


@dataclass
class Draft:
    """An entry being built: its reports so far, the first one leading."""

    sightings: list[Sighting]
    targets: dict[str, ActorRef] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for target in self.sightings[0].targets:
            self.targets.setdefault(ref_key(target), target)

    @property
    def first(self) -> Sighting:
        return self.sightings[0]

    @property
    def id(self) -> str:
        return f"{self.first.article}/threats/{self.first.index}"

    def fit(self, s: Sighting) -> float | None:
        """How well `s` fits as another report of this entry; None when it cannot be one."""
        lead = self.first.threat
        same_kind = (s.threat.conditional, s.threat.action_type) == (
            lead.conditional,
            lead.action_type,
        )
        if not same_kind or any(x.article == s.article for x in self.sightings):
            return None
        if not agree(set(self.targets), {ref_key(t) for t in s.targets}):
            return None
        if not self.in_window(s.date):
            return None
        scores = [similarity(x.threat, s.threat) for x in self.sightings]
        return max((score for score in scores if score is not None), default=None)

    def in_window(self, date: dt.date | None) -> bool:
        dates = [x.date for x in self.sightings if x.date is not None]
        return date is None or not dates or any(abs(date - d) <= DATE_WINDOW for d in dates)

    def add(self, s: Sighting) -> None:
        self.sightings.append(s)
        for target in s.targets:
            self.targets.setdefault(ref_key(target), target)

    def entry(self, follows: str | None) -> LedgerEntry:
        lead = self.first.threat
        dates = [x.date for x in self.sightings if x.date is not None]
        return LedgerEntry(
            id=self.id,
            issuer=self.first.issuer,
            targets=list(self.targets.values()),
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
    start, before = later.first.date, earlier.first.date
    if start is None or before is None or before >= start:
        return False
    return agree(set(later.targets), set(earlier.targets))
