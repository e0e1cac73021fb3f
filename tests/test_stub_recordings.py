"""The stub given recording sets (`bench.stub_server --recordings`, for benchmarks that
need answers of a real model's size) answers a recorded request with its recorded
response, and any other with its own draft."""

from __future__ import annotations

from typing import Any

import openai

from bench.stub_server import StubConfig, StubServer, recorded_responses
from summarizer.record import load_recordings
from tests.paths import SEED


def arguments(answer: Any) -> str:
    return str(answer.choices[0].message.tool_calls[0].function.arguments)


def test_a_recorded_request_gets_its_recorded_response_and_another_the_draft() -> None:
    directory = SEED / "recordings" / "claude-standin"
    recording = next(iter(load_recordings(directory).values()))
    with StubServer(StubConfig(recorded=recorded_responses([directory]))) as stub:
        sdk = openai.OpenAI(api_key="sk-test", base_url=stub.url, max_retries=0)
        answered = sdk.chat.completions.create(model="any", **recording.request)
        other = sdk.chat.completions.create(model="any", **{**recording.request, "seed": 1})
    recorded = recording.response["choices"][0]["message"]["tool_calls"][0]["function"]
    assert arguments(answered) == recorded["arguments"]
    assert arguments(other) != recorded["arguments"]
    assert '"summary"' in arguments(other)
