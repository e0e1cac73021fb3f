"""The corpus page's threat ledger: each entry with links to its reports' threats on
their record pages, the issuer-to-target pairs that count them, and the timeline that
places them (`timeline`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from summarizer.corpus import Corpus, LedgerEntry
from summarizer.view.timeline import Timeline, actor_key, timeline

MANY = 12  # more entries (or pairs) than this and their list starts folded
NO_TARGET = "no target named"


@dataclass(frozen=True)
class ReportLink:
    """A report as a link to its threat's card on its record's page (selected on load),
    titled with the page's heading."""

    article: str
    href: str
    title: str


@dataclass(frozen=True)
class EntryItem:
    """A ledger entry as the page shows it."""

    entry: LedgerEntry
    reports: list[ReportLink]

    @property
    def anchor(self) -> str:
        return "entry-" + re.sub(r"[^A-Za-z0-9_-]+", "-", self.entry.id)

    @property
    def other_story(self) -> bool:
        """Every report is of a threat from another story on its page (a teaser)."""
        return all(report.other_story for report in self.entry.reports)


@dataclass(frozen=True)
class Pair:
    """An issuer and one of its targets, with the entries of the one against the other."""

    issuer: str
    target: str
    items: list[EntryItem]

    @property
    def reports(self) -> int:
        return sum(len(item.reports) for item in self.items)


@dataclass(frozen=True)
class LedgerView:
    """The ledger's entries newest first (undated last), its pairs, most entries first,
    and its timeline (None when no entry is dated)."""

    items: list[EntryItem]
    pairs: list[Pair]
    timeline: Timeline | None

    @property
    def by_id(self) -> dict[str, EntryItem]:
        return {item.entry.id: item for item in self.items}

    @property
    def reports(self) -> int:
        return sum(len(item.reports) for item in self.items)

    @property
    def undated(self) -> int:
        return sum(item.entry.first_reported is None for item in self.items)


def pairs(items: Sequence[EntryItem]) -> list[Pair]:
    """Each issuer and target the entries name together (an entry with no target counts
    under `NO_TARGET`), most entries first, then most reports, then by name."""
    found: dict[tuple[str, str], Pair] = {}
    for item in items:
        issuer = actor_key(item.entry.issuer)
        targets = {actor_key(t): t.name for t in item.entry.targets} or {NO_TARGET: NO_TARGET}
        for key, name in targets.items():
            pair = found.setdefault((issuer, key), Pair(item.entry.issuer.name, name, []))
            pair.items.append(item)
    return sorted(
        found.values(),
        key=lambda p: (-len(p.items), -p.reports, p.issuer.casefold(), p.target.casefold()),
    )


def ledger_view(corpus: Corpus, pages: Mapping[str, tuple[str, str]]) -> LedgerView:
    """The corpus's ledger for its page; `pages` are the record pages of its articles,
    by article id: the page's file name and its heading."""
    newest = sorted(
        corpus.ledger, key=lambda e: (e.first_reported or dt.date.min, e.id), reverse=True
    )
    items = [EntryItem(entry, _links(entry, pages)) for entry in newest]
    return LedgerView(items, pairs(items), timeline(corpus.ledger))


def _links(entry: LedgerEntry, pages: Mapping[str, tuple[str, str]]) -> list[ReportLink]:
    """Each report's threat on its article's page: `#item-threats-N` selects it on load."""
    links = []
    for report in entry.reports:
        page, title = pages[report.article]
        links.append(ReportLink(report.article, f"{page}#item-threats-{report.index}", title))
    return links
