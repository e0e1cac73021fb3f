"""A fake provider for unit tests: canned answers in OpenAI's response shape."""

from __future__ import annotations

import re
import threading
from typing import Any

from openai.types.chat import ChatCompletion
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_message import ChatCompletionMessage
from openai.types.completion_usage import CompletionUsage

from bench.stub_server import statement
from summarizer.core import DraftRecord


class FakeProvider:
    """Answers each call with the next canned answer (the last one repeats).

    An answer is a draft (sent as its JSON), raw text (sent as is) or an exception (raised).
    """

    name = "fake"
    model = "fake-model"
    mode = "json_schema"
    concurrent = True

    def __init__(
        self, *answers: DraftRecord | str | Exception, finish_reason: str = "stop"
    ) -> None:
        self.answers = list(answers)
        self.finish_reason = finish_reason
        self.requests: list[dict[str, Any]] = []

    def create(self, **request: Any) -> ChatCompletion:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        content = answer if isinstance(answer, str) else answer.model_dump_json()
        return ChatCompletion(
            id="fake-1",
            object="chat.completion",
            created=0,
            model=self.model,
            choices=[
                Choice(
                    index=0,
                    finish_reason=self.finish_reason,  # type: ignore[arg-type]
                    message=ChatCompletionMessage(role="assistant", content=content),
                )
            ],
            usage=CompletionUsage(prompt_tokens=100, completion_tokens=50, total_tokens=150),
        )


ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.DOTALL)
SENTENCE = re.compile(r"[^.!?\n]{20,}[.!?]")


def article_in(request: dict[str, Any]) -> str:
    """The article text (or piece of it) a request carries."""
    found = ARTICLE.search(request["messages"][-1]["content"])
    assert found is not None
    return found.group(1)


class ReadingProvider(FakeProvider):
    """Answers from the text it is sent, as a model would: an actor per known name the
    piece mentions and an event per sentence, each quoting the piece. Pieces longer than
    `fits` characters get an answer cut off at max_tokens."""

    NAMES = ("Iran", "Iraq", "Israel", "Kataib Hezbollah", "United States")

    def __init__(self, fits: int = 1_000_000) -> None:
        super().__init__("unused")
        self.fits = fits
        self.lock = threading.Lock()

    def create(self, **request: Any) -> ChatCompletion:
        text = article_in(request)
        cut = len(text) > self.fits
        with self.lock:  # the pipeline calls from several threads
            self.finish_reason = "length" if cut else "stop"
            self.answers = ["{" if cut else self.draft(text).model_dump_json()]
            return super().create(**request)

    def draft(self, text: str) -> DraftRecord:
        sentences = SENTENCE.findall(text)
        actors = [
            {
                "name": name,
                "aliases": [],
                "type": "state",
                "country": None,
                "title": None,
                "affiliation": None,
                "evidence": [next(s for s in sentences if name in s)],
            }
            for name in self.NAMES
            if any(name in s for s in sentences)
        ]
        events = [statement(s.strip()[:80], s.strip()) for s in sentences]
        return DraftRecord.model_validate(
            {
                "summary": (sentences or [text])[0].strip(),
                "actors": actors,
                "locations": [],
                "events": events,
                "threats": [],
            }
        )


class GatedProvider(FakeProvider):
    """Holds every call whose article says "hold" until `release` is set, so a test can
    keep a model call in flight while it sends others; `held` is set once one waits."""

    def __init__(self, *answers: DraftRecord | str | Exception) -> None:
        super().__init__(*answers)
        self.held = threading.Event()
        self.release = threading.Event()

    def create(self, **request: Any) -> ChatCompletion:
        if "hold" in article_in(request):
            self.held.set()
            self.release.wait()
        return super().create(**request)
