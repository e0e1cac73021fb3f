"""Records as self-contained HTML pages (Jinja2 templates in `templates/`, autoescaped):
one page per record, and an index for a results file."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from summarizer.core import Event, Precision, SummaryRecord, When
from summarizer.view.highlight import LISTS, highlighted, item_evidence, spans

TITLE_CHARS = 120  # an article's first line as its heading is cut to this length


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
            published=at_precision(record.article.published_at, "day"),
            index=index,
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
