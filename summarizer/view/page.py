"""Records as self-contained HTML pages (Jinja2 templates in `templates/`, autoescaped):
one page per record, and an index for a results file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from summarizer.core import Event, SummaryRecord
from summarizer.view.highlight import LISTS, highlighted, item_evidence, spans


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("summarizer.view", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page_name(article_id: str) -> str:
    """A file name for a record's page ("sha256:ab12..." -> "sha256-ab12....html")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", article_id).strip("-.") + ".html"


def _event_order(pair: tuple[int, Event]) -> tuple[dt.date, int]:
    when = pair[1].when
    return (when.date if when and when.date else dt.date.max, pair[0])


def render_record(record: SummaryRecord, text: str | None) -> str:
    """One record's page; with the article text, every grounded quote is highlighted."""
    marks = spans(record, text) if text is not None else []
    ungrounded = [
        (item, e.quote)
        for item, evidence in item_evidence(record).items()
        for e in evidence
        if not e.grounded
    ]
    return (
        _environment()
        .get_template("record.html.j2")
        .render(
            record=record,
            article=highlighted(text, marks) if text is not None else None,
            events=sorted(enumerate(record.events), key=_event_order),
            ungrounded=ungrounded,
            lists=LISTS,
        )
    )


@dataclass(frozen=True)
class IndexEntry:
    article_id: str
    page: str | None  # None for an input that failed
    record: SummaryRecord | None
    error: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self.record, name)) for name in LISTS} if self.record else {}


def render_index(entries: list[IndexEntry], source: str) -> str:
    return (
        _environment()
        .get_template("index.html.j2")
        .render(entries=entries, source=source, lists=LISTS)
    )
