"""Grounding stage: find each quote the model proposed in the article and record where.

Three passes, strictest first: the exact string; then a match tolerant of whitespace,
case, quote-mark and dash variants; then a fuzzy alignment. A located quote is replaced
by the article's own characters, so `text[start:end] == quote` whenever `grounded`.
"""

from __future__ import annotations

import functools

from rapidfuzz import fuzz

from summarizer.core import Evidence

FUZZY_CUTOFF = 90.0
_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)
_STRIP = " \t\n\"'“”‘’«»"


def held_span(evidence: Evidence, text: str) -> tuple[int, int] | None:
    """The evidence's span, if its offsets really hold its quote in `text` (a claimed
    grounding is not trusted where a record comes from outside: a file, a cache)."""
    start, end = evidence.start, evidence.end
    if not evidence.grounded or start is None or end is None or end <= start:
        return None
    return (start, end) if text[start:end] == evidence.quote else None


class _Folded:
    """A folded copy of a text with, for each folded character, its index in the original."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            if char.isspace():
                if chars and chars[-1] == " ":
                    continue
                folded = " "
            else:
                folded = char.translate(_FOLD).lower()
            chars.extend(folded)
            origin.extend([index] * len(folded))
        self.text = "".join(chars)
        self.origin = origin

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


class Grounder:
    """Locates quotes in one article; the folded article is computed once, and only when
    a quote is not found as written (for most answers, none is)."""

    def __init__(self, text: str, offset: int = 0) -> None:
        """`text` is the article, or a piece of it found at `offset` in the article:
        offsets are always into the whole article."""
        self.text = text
        self.offset = offset

    @functools.cached_property
    def _folded(self) -> _Folded:
        return _Folded(self.text)

    def locate(self, quote: str) -> Evidence:
        span = self._find(quote.strip(_STRIP))
        if span is None:
            return Evidence(quote=quote, start=None, end=None, grounded=False)
        start, end = span
        return Evidence(
            quote=self.text[start:end],
            start=start + self.offset,
            end=end + self.offset,
            grounded=True,
        )

    def _find(self, quote: str) -> tuple[int, int] | None:
        if not quote:
            return None
        exact = self.text.find(quote)
        if exact >= 0:
            return exact, exact + len(quote)
        needle = _Folded(quote).text.strip()
        haystack = self._folded.text
        at = haystack.find(needle)
        if at >= 0:
            return self._folded.span(at, at + len(needle))
        return self._fuzzy(needle, haystack)

    def _fuzzy(self, needle: str, haystack: str) -> tuple[int, int] | None:
        if len(needle) > len(haystack):
            return None
        found = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=FUZZY_CUTOFF)
        if found is None or found.dest_end <= found.dest_start:
            return None
        start, end = self._folded.span(found.dest_start, found.dest_end)
        while end > start and self.text[end - 1].isspace():
            end -= 1
        while start < end and self.text[start].isspace():
            start += 1
        return start, end
