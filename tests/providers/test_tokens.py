"""Counting a request's tokens without a model: tiktoken's where it knows the model, else
four characters a token, and the count says which."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from summarizer.providers.tokens import CHARS_PER_TOKEN, token_counter


@pytest.fixture
def fresh_counters() -> Iterator[None]:
    token_counter.cache_clear()
    yield
    token_counter.cache_clear()


def test_without_tiktoken_tokens_are_four_characters_and_the_count_says_so(
    monkeypatch: pytest.MonkeyPatch, fresh_counters: None
) -> None:
    monkeypatch.setitem(sys.modules, "tiktoken", None)  # as if it were not installed
    counter = token_counter("gpt-4o-mini")
    assert counter.method == "chars/4 estimate: tiktoken is not installed"
    assert counter.count("x" * 41) == 11 and CHARS_PER_TOKEN == 4


def test_with_tiktoken_an_openai_model_is_counted_by_its_encoding(
    monkeypatch: pytest.MonkeyPatch, fresh_counters: None
) -> None:
    encoding = types.SimpleNamespace(name="o200k_base", encode=lambda text: text.split())

    def encoding_for_model(model: str) -> Any:
        if model.startswith("gpt-"):
            return encoding
        raise KeyError(model)

    fake = types.ModuleType("tiktoken")
    fake.encoding_for_model = encoding_for_model  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tiktoken", fake)
    counter = token_counter("gpt-4o-mini")
    assert counter.method == "tiktoken o200k_base" and counter.count("three words here") == 3
    other = token_counter("claude-standin")
    assert other.method == "chars/4 estimate: tiktoken does not know claude-standin"
    request = {"messages": [{"role": "system", "content": "a b"}, {"role": "user", "content": "c"}]}
    # Each message's text, plus the chat format's few tokens a message and for the reply.
    assert counter.request(request) == 3 + 2 * 3 + 3
    assert counter.static(request) == 2 + 3
