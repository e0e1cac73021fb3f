"""What a replay miss says, in the user's words: the recorded article this request's text
is and the date it was recorded with, or else which articles the set can answer.

A recording holds its whole request, so its article and publication date can be read
back from the message that carries them (`prompts/user.md`: a line with the date, then
the article inside `<article>` tags that the article itself cannot close).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from summarizer.core import InputError
from summarizer.record import Recording, load_corpus

ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.DOTALL)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OPENING_WORDS = 6
USE_A_MODEL = "use a model (`summarizer providers` says what each needs)"


@dataclass(frozen=True)
class Asked:
    """What one request is about: an article (or a piece of one) and its date."""

    text: str
    published_at: str | None


@dataclass(frozen=True)
class Name:
    """A recorded article as the user knows it: its eval corpus id (the pieces of one
    article are one name), else its first words."""

    corpus_id: str | None
    opening: str

    def __str__(self) -> str:
        return f"article {self.corpus_id}" if self.corpus_id else f"the article {self.short}"

    @property
    def short(self) -> str:
        return self.corpus_id or f"“{self.opening}…”"


def asked(request: Mapping[str, Any]) -> Asked | None:
    """The article a request carries and its date (None: sent without one), from its first
    user message (the system prompt speaks of the tags too)."""
    for message in request.get("messages", ()):
        user = isinstance(message, Mapping) and message.get("role") == "user"
        content = message.get("content") if user else None
        found = ARTICLE.search(content) if isinstance(content, str) else None
        if found is not None:
            date = DATE.search(found.string[: found.start()])
            return Asked(found.group(1), date.group(0) if date else None)
    return None


def flat(text: str) -> str:
    """Whitespace made uniform, so a recorded piece and its corpus file compare alike."""
    return " ".join(text.split())


class Misses:
    """Explains the requests a recording set has no answer to."""

    def __init__(self, recordings: Collection[Recording], corpus: Path) -> None:
        self.recorded = [(a, r.request) for r in recordings if (a := asked(r.request))]
        self.empty = not recordings
        self.corpus = corpus

    def explain(self, request: Mapping[str, Any]) -> str:
        given = asked(request)
        same = [(a, r) for a, r in self.recorded if given is not None and a.text == given.text]
        if given is None or not same:
            return self.unknown()
        name = self.names[given.text]
        dates = {a.published_at for a, _ in same}
        if given.published_at not in dates:
            return other_date(name, dates, given.published_at)
        candidates = [r for a, r in same if a.published_at == given.published_at]
        closest = min((differences(r, request) for r in candidates), key=len)
        return f"{name} is recorded {dated(given.published_at)}, but this request differs: " + (
            "; ".join(closest)
        )

    def unknown(self) -> str:
        """The articles the set can answer, and where others must go."""
        dates: dict[Name, set[str | None]] = {}
        for a, _ in self.recorded:
            dates.setdefault(self.names[a.text], set()).add(a.published_at)
        listed = sorted(dates.items(), key=lambda item: item[0].short)
        ids = [f"{n.short} ({days(d)})" for n, d in listed if n.corpus_id]
        others = [f"{n.short} ({days(d)})" for n, d in listed if not n.corpus_id]
        where = "/".join(self.corpus.parts[-3:])  # evals/<eval set>/corpus
        known = ([f"the eval corpus ({where}) articles " + ", ".join(ids)] if ids else []) + others
        if self.empty:
            return "no recordings for replay in the directory SUMMARIZER_RECORDINGS_DIR names"
        if not known:
            return (
                f"no recording of this request (replay answers only recorded ones); {USE_A_MODEL}"
            )
        return (
            f"no recording of this article: replay answers only {', '.join(known)}; "
            f"for others, {USE_A_MODEL}"
        )

    @cached_property
    def names(self) -> dict[str, Name]:
        """Each recorded text's name, found on the first miss (a set's hits need none):
        the eval corpus article it is (a piece of), else its first words."""
        try:
            corpus = [(flat(a.text), a.id) for a in load_corpus(self.corpus)]
        except (OSError, InputError):  # not a set of the corpus beside it
            corpus = []
        names = {}
        for a, _ in self.recorded:
            piece = flat(a.text)
            found = next((id_ for whole, id_ in corpus if piece in whole), None)
            names[a.text] = Name(found, "" if found else " ".join(piece.split()[:OPENING_WORDS]))
        return names


def dated(published_at: str | None) -> str:
    return f"with published_at {published_at}" if published_at else "without published_at"


def days(dates: set[str | None]) -> str:
    return ", ".join(sorted(d or "no date" for d in dates))


def other_date(name: Name, recorded: set[str | None], given: str | None) -> str:
    """The article is recorded, with another date than the one given (or with none)."""
    known = sorted(d for d in recorded if d)
    if not known:
        return f"{name} is recorded without published_at; you gave {given}: leave it out"
    told = f"{name} is recorded with published_at {' and '.join(known)}; you gave"
    if given is None:
        return f"{told} none: add --published-at {known[0]}"
    return f"{told} {given}"


def differences(recorded: Mapping[str, Any], request: Mapping[str, Any]) -> list[str]:
    """How a request differs from a recorded one of the same article and date: its
    generation parameters by value, the rest by name."""
    given = json.loads(json.dumps(request, default=str))  # as the recording stored it
    found = []
    for key in sorted(recorded.keys() | given.keys()):
        was, now = recorded.get(key), given.get(key)
        if was == now:
            continue
        if key == "messages":
            found.append("other prompts")
        elif isinstance(was, str | int | float | None) and isinstance(
            now, str | int | float | None
        ):
            found.append(f"{key} {now} (recorded: {was})")
        else:
            found.append(f"another {key}")
    return found
