"""The article text as HTML with every grounded evidence span marked once.

Each distinct span (start, end) is one highlight, shared by every item that quotes it.
Spans nest as elements; where two spans overlap without nesting, the later one is split
at the earlier one's end, so its highlight is two adjacent elements with the same id.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from summarizer.core import Evidence, SummaryRecord
from summarizer.extract import held_span

LISTS = ("actors", "locations", "events", "threats")


@dataclass
class Span:
    id: str
    start: int
    end: int
    items: list[str] = field(default_factory=list)  # item ids: "actors-0", "events-2", ...

    @property
    def lists(self) -> list[str]:
        return sorted({item.rsplit("-", 1)[0] for item in self.items}, key=LISTS.index)


def item_evidence(record: SummaryRecord) -> dict[str, list[Evidence]]:
    """Each item's evidence by item id ("actors-0", ...), in the record's order."""
    return {
        f"{name}-{i}": item.evidence
        for name in LISTS
        for i, item in enumerate(getattr(record, name))
    }


def spans(record: SummaryRecord, text: str) -> list[Span]:
    """The distinct grounded spans whose offsets really hold their quote in `text`."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for item, evidence in item_evidence(record).items():
        for e in evidence:
            span = held_span(e, text)
            if span is not None and item not in found[span]:
                found[span].append(item)
    ordered = sorted(found, key=lambda span: (span[0], -span[1]))
    return [Span(f"s{n}", s, e, found[(s, e)]) for n, (s, e) in enumerate(ordered)]


def highlighted(text: str, marks: list[Span]) -> Markup:
    """`text`, escaped, with a <mark> per span (split where spans cross)."""
    cuts = sorted({0, len(text)} | {s.start for s in marks} | {s.end for s in marks})
    out: list[str] = []
    stack: list[Span] = []
    for left, right in itertools.pairwise(cuts):
        covering = [s for s in marks if s.start <= left and right <= s.end]
        keep = 0
        while keep < len(stack) and keep < len(covering) and stack[keep] is covering[keep]:
            keep += 1
        out.extend("</mark>" for _ in stack[keep:])
        stack = stack[:keep]
        for span in covering[keep:]:
            out.append(_open(span))
            stack.append(span)
        out.append(str(escape(text[left:right])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))


def _open(span: Span) -> str:
    classes = " ".join(span.lists)
    items = " ".join(span.items)
    return f'<mark class="{classes}" data-span="{span.id}" data-items="{items}">'
