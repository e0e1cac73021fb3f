"""Prefix caching: a provider serves a prompt's start from its cache when it is the same
byte for byte as an earlier one's. The requests the openai handler sends for two
different articles keep their static part (the system prompt, then the schema: tools, a
response format, or the schema folded into the system prompt) the same, and the article
last."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx2 as httpx
import pytest
from pydantic import SecretStr

from summarizer.choices import InstructorMode
from summarizer.core import DraftRecord
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.providers.deferred import message_for
from summarizer.providers.openai_handler import OpenAIProvider
from summarizer.settings import Settings
from tests.conftest import corpus_article
from tests.fakes import article_in

ANSWER = DraftRecord(summary="-", actors=[], locations=[], events=[], threats=[])
S = TypeVar("S", str, bytes)
SCHEMA_KEYS = ("tools", "tool_choice", "response_format")


def shared(first: S, second: S) -> S:
    """The start two texts have in common."""
    end = next((n for n, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), None)
    return first[:end] if end is not None else first[: len(second)]


def sent_bodies(mode: InstructorMode, settings: Settings) -> list[bytes]:
    """The HTTP bodies the openai handler sends for articles 000 and 001."""
    bodies: list[bytes] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        message = message_for(json.loads(request.content), ANSWER.model_dump_json())
        choice = {"index": 0, "finish_reason": "stop", "message": message}
        return httpx.Response(
            200,
            json={"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                  "choices": [choice]},
        )  # fmt: skip

    configured = settings.model_copy(
        update={"openai_api_key": SecretStr("x"), "model": "gpt-4o-mini", "instructor_mode": mode}
    )
    client = httpx.Client(transport=httpx.MockTransport(endpoint))
    provider = OpenAIProvider(configured, http_client=client)
    summarizer = Summarizer(provider, load_prompts(), None, configured)
    for article_id in ("000", "001"):
        summarizer.summarize(corpus_article(article_id), use_cache=False)
    return bodies


def as_read(body: dict[str, Any]) -> tuple[str, str]:
    """A request as the model reads it, serialised as it was sent: its static part (the
    system message, then the schema it answers in) and then the rest (the user message)."""
    system, *rest = body["messages"]
    schema = {key: body[key] for key in SCHEMA_KEYS if key in body}
    return json.dumps([system, schema], ensure_ascii=False), json.dumps(rest, ensure_ascii=False)


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_two_articles_requests_share_the_static_prefix_byte_for_byte(
    mode: InstructorMode, settings: Settings
) -> None:
    first_raw, second_raw = sent_bodies(mode, settings)
    first, second = json.loads(first_raw), json.loads(second_raw)
    (first_static, first_rest), (second_static, second_rest) = as_read(first), as_read(second)
    assert first_static == second_static
    assert "Kataib" not in first_static  # no article in it
    common = shared(first_static + first_rest, second_static + second_rest)
    assert len(common) > len(first_static)  # the shared prefix runs on into the user message
    # As sent: the system message opens the body and the schema is the same bytes in both.
    static = [first["messages"][0], *[first[k] for k in SCHEMA_KEYS if k in first]]
    for part in static:
        sent = json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode()
        assert sent in first_raw and sent in second_raw
    system = json.dumps(first["messages"][0], ensure_ascii=False, separators=(",", ":"))
    assert first_raw.index(system.encode()) == second_raw.index(system.encode()) < 20
    assert shared(first_raw, second_raw).endswith(b"Published on: 2025-06-1")
    # The article is last: before it only its date and tag, after it only text the same
    # for every article (its closing tag; in md_json, instructor's closing instruction).
    ends = []
    for body in (first, second):
        (user,) = [m["content"] for m in body["messages"] if m["role"] == "user"]
        article = article_in(body)
        assert len(user[: user.index(article)]) < 40
        ends.append(user[user.index(article) + len(article) :])
    assert ends[0] == ends[1] and ends[0].startswith("\n</article>") and len(ends[0]) < 120
