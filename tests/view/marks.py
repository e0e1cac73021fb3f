"""Reading highlights back out of a page's HTML (as written, or as a browser rendered it)."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser

from summarizer.core import SummaryRecord


class Marks(HTMLParser):
    """The text inside each highlight, by span id (a split highlight's parts joined), and
    the classes and items of each."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: dict[str, str] = defaultdict(str)
        self.parts: dict[str, int] = defaultdict(int)
        self.items: dict[str, set[str]] = defaultdict(set)
        self.classes: dict[str, set[str]] = defaultdict(set)
        self.article = ""
        self._open: list[str] = []
        self._in_article = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id") == "article":
            self._in_article = 1
        elif self._in_article and tag != "mark":
            self._in_article += 1
        if tag == "mark" and found.get("data-span"):
            span = found["data-span"] or ""
            self._open.append(span)
            self.parts[span] += 1
            self.items[span] |= set((found.get("data-items") or "").split())
            self.classes[span] |= set((found.get("class") or "").split())

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._open:
            self._open.pop()
        elif self._in_article and tag != "mark":
            self._in_article -= 1

    def handle_data(self, data: str) -> None:
        if self._in_article:
            self.article += data
        for span in set(self._open):
            self.text[span] += data


def grounded_spans(record: SummaryRecord) -> set[tuple[int, int]]:
    return {
        (e.start, e.end)
        for name in ("actors", "locations", "events", "threats")
        for item in getattr(record, name)
        for e in item.evidence
        if e.grounded and e.start is not None and e.end is not None
    }


def check_highlights(html: str, record: SummaryRecord, text: str) -> Marks:
    """Every grounded quote has exactly one highlight, holding exactly its text; the
    article reads as the text it was given."""
    marks = Marks(html)
    assert marks.article == text
    expected = sorted(text[s:e] for s, e in grounded_spans(record))
    assert sorted(marks.text.values()) == expected
    return marks
