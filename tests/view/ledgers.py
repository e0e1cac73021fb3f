"""Invented ledgers for the corpus page: ledger entries as the corpus gives them, and a
results file's worth of records whose ledger is large (many issuers over several years)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from summarizer.core import SummaryRecord
from summarizer.corpus import ActorRef, LedgerEntry, Report
from tests.corpus.records import actor, record, threat


def report(article: str, date: str | None, other_story: bool = False) -> Report:
    day = dt.date.fromisoformat(date) if date else None
    return Report(
        article=article,
        index=0,
        date=day,
        published_at=day,
        speaker=None,
        evidence=[],
        other_story=other_story,
    )


def entry(
    issuer: str,
    *dates: str | None,
    id: str | None = None,
    follows: str | None = None,
    other_story: bool = False,
    targets: Sequence[str] = ("United States",),
) -> LedgerEntry:
    """An entry of `issuer` (its canonical actor's id, its name as slug) reported on each
    of `dates`, one article each."""
    key = id or f"{issuer}-{dates[0]}/threats/0"
    reports = [report(f"{key}-{n}", date, other_story) for n, date in enumerate(dates)]
    known = sorted(dt.date.fromisoformat(d) for d in dates if d)
    return LedgerEntry(
        id=key,
        issuer=ActorRef(id=issuer.casefold().replace(" ", "-"), name=issuer),
        targets=[ActorRef(id=None, name=name) for name in targets],
        condition="if the United States intervenes",
        action=f"attack ({key})",
        action_type="violence",
        conditional=True,
        first_reported=known[0] if known else None,
        last_reported=known[-1] if known else None,
        reports=reports,
        follows=follows,
    )


# Sixty issuers (names no two of which are alike enough to be one actor), five targets.
WORDS = ("Amber", "Basalt", "Cedar", "Delta", "Onyx", "Falcon", "Granite", "Harbor", "Iris", "Jade")
KINDS = ("Front", "Brigades", "Movement", "Council", "Guard", "Legion")
ISSUERS = [f"{word} {kind}" for kind in KINDS for word in WORDS]
TARGETS = [
    actor("United States", "state", "US"),
    actor("Israel", "state", "IL"),
    actor("Iraq", "state", "IQ"),
    actor("US forces", "military", "US"),
    actor("Iraqi government", "government", "IQ"),
]
START = dt.date(2021, 1, 1)


def _entries(issuer: int) -> int:
    """A few issuers with many threats, most with few: 6 x 10, 14 x 4, 40 x 2."""
    return 10 if issuer < 6 else 4 if issuer < 20 else 2


def _reports(issuer: int, threat_no: int) -> list[int]:
    """When a threat's reports come, in days after its first: every third threat is
    reported again 4 days later, and for the first three issuers again 12 days after that."""
    if threat_no % 3:
        return [0]
    return [0, 4, 16] if issuer < 3 else [0, 4]


def _record(issuer: int, threat_no: int, later: int, date: dt.date | None) -> SummaryRecord:
    name, target = ISSUERS[issuer], TARGETS[issuer % len(TARGETS)]
    when = date.isoformat() if date else None
    teaser = (issuer + threat_no) % 23 == 0 and later == 0
    said = threat(name, [target["name"]], when=when, other_story=teaser)
    article = f"s{issuer:02d}-{threat_no}-{later}"
    return record(article, [actor(name, country="IQ"), target], [said], published_at=when)


def large_ledger() -> list[SummaryRecord]:
    """About 200 ledger entries of 60 issuers over four years: each issuer's threats 75
    days apart (so each is an entry, following the one before), some reported two or three
    times, some only by another story on a page, and one with no date at all."""
    records = []
    for issuer in range(len(ISSUERS)):
        first = START + dt.timedelta(days=issuer * 89 % 1460)
        for threat_no in range(_entries(issuer)):
            day = first + dt.timedelta(days=75 * threat_no)
            records += [
                _record(issuer, threat_no, later, day + dt.timedelta(days=later))
                for later in _reports(issuer, threat_no)
            ]
    name = ISSUERS[0]
    said = threat(name, ["United States"], None, "seize the border crossings", None, "territory")
    undated = record("undated", [actor(name, country="IQ"), TARGETS[0]], [said], None)
    return [*records, undated]


def as_jsonl(records: Sequence[SummaryRecord]) -> str:
    return "".join(r.model_dump_json() + "\n" for r in records)
