"""Records as self-contained HTML pages (Jinja2 templates in `templates/`, autoescaped):
one page per record, and an index of a results file's articles."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from summarizer.core import Event, Precision, SummaryRecord, When
from summarizer.corpus import Corpus
from summarizer.io import ErrorLine
from summarizer.view.highlight import LISTS, highlighted, item_evidence, spans
from summarizer.view.ledger import MANY, ledger_view

TITLE_CHARS = 120  # an article's first line as its heading is cut to this length
COUNTED = ("actors", "events", "threats")  # the lists the index counts for each article


def at_precision(date: dt.date | None, precision: Precision) -> str | None:
    """A date as exact as it is known: '15 June 2025', 'week of 16 June 2025', 'June 2025',
    '2003'; None for a date that is not known. The day of a month or year resolved to its
    first day is not shown, since the article never said it."""
    if date is None or precision == "unknown":
        return None
    day = f"{date.day} {date:%B %Y}"
    shown = {"day": day, "week": f"week of {day}", "month": f"{date:%B %Y}", "year": f"{date:%Y}"}
    return shown[precision]


def when_shown(when: When | None) -> str | None:
    """A resolved time expression's date, an interval as 'from ... to ...'; None when the
    article gave no time or its date is not known."""
    if when is None:
        return None
    start = at_precision(when.date, when.precision)
    end = at_precision(when.end_date, when.precision)
    return f"{start} to {end}" if start and end else start


def date_published(record: SummaryRecord) -> str | None:
    """The article's publication date as shown ('15 June 2025'); None when not known."""
    return at_precision(record.article.published_at, "day")


def heading(record: SummaryRecord, text: str | None) -> str:
    """The page's title: the article's, else its first line (cut to a heading's length),
    else, with no text, its id."""
    if record.article.title:
        return record.article.title
    first = next((line for line in (text or "").splitlines() if line.strip()), None)
    if first is None:
        return record.article.id
    return textwrap.shorten(first, TITLE_CHARS, placeholder=" …")


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("summarizer.view", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = when_shown
    environment.filters["day"] = lambda date: at_precision(date, "day")
    return environment


def page_name(article_id: str) -> str:
    """A file name for a record's page ("sha256:ab12..." -> "sha256-ab12....html")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", article_id).strip("-.") + ".html"


def _event_order(pair: tuple[int, Event]) -> tuple[dt.date, int]:
    when = pair[1].when
    return (when.date if when and when.date else dt.date.max, pair[0])


def render_record(record: SummaryRecord, text: str | None, index: str | None = None) -> str:
    """One record's page; with the article text, every grounded quote is highlighted.
    `index` is the address of the index page that lists it, for a link back, if any."""
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
            title=heading(record, text),
            published=date_published(record),
            index=index,
            article=highlighted(text, marks) if text is not None else None,
            events=sorted(enumerate(record.events), key=_event_order),
            ungrounded=ungrounded,
            lists=LISTS,
        )
    )


@dataclass(frozen=True)
class IndexRow:
    """A record as the index lists it, under its page's heading."""

    record: SummaryRecord
    title: str

    @property
    def page(self) -> str:
        return page_name(self.record.article.id)

    @property
    def published(self) -> str | None:
        return date_published(self.record)

    @property
    def source(self) -> tuple[str, str] | None:
        """Where the article came from, short (a URL's host, a file's name) and in full."""
        article = self.record.article
        if article.url:
            return urlsplit(article.url).hostname or article.url, article.url
        if article.source:
            return PurePath(article.source).name, article.source
        return None

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self.record, name)) for name in COUNTED}


def _newest_first(rows: list[IndexRow]) -> list[IndexRow]:
    """Rows by publication date, newest first, undated last; otherwise in file order."""
    return sorted(
        rows, key=lambda row: row.record.article.published_at or dt.date.min, reverse=True
    )


def render_index(
    rows: list[IndexRow], failures: list[ErrorLine], source: str, corpus: Corpus
) -> str:
    """The corpus page of a results file (named `source`): the threat ledger of its
    records' `corpus` (a timeline, issuers and targets, the entries), then its records,
    newest first, each linking to its page, then its inputs that failed."""
    pages = {row.record.article.id: (row.page, row.title) for row in rows}
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            rows=_newest_first(rows),
            failures=failures,
            source=source,
            counted=COUNTED,
            ledger=ledger_view(corpus, pages),
            many=MANY,
        )
    )
