import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import openai
import pytest

from summarizer.core import (
    ConfigError,
    ContextExceeded,
    DraftRecord,
    GenerationParams,
    ProviderError,
    ProviderTimeout,
)
from summarizer.extract.extraction import extract
from summarizer.providers.openai_handler import OpenAIProvider
from summarizer.settings import Settings

MESSAGES = [{"role": "user", "content": "News."}]
SECRET = "sk-test-must-never-leak"


def completion(draft: DraftRecord) -> dict[str, object]:
    call = {
        "id": "c1",
        "type": "function",
        "function": {"name": "DraftRecord", "arguments": draft.model_dump_json()},
    }
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": None, "tool_calls": [call]},
            }
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }


def provider(
    handler: Callable[[httpx.Request], httpx.Response], **overrides: object
) -> OpenAIProvider:
    fields: dict[str, object] = {
        "openai_api_key": SECRET,
        "model": "gpt-test",
        "max_attempts": 3,
        "max_backoff": 0.05,
        **overrides,
    }
    settings = Settings(**fields)  # type: ignore[arg-type]
    return OpenAIProvider(
        settings, http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )


def scripted(
    *responses: httpx.Response | Exception,
) -> tuple[Callable[[httpx.Request], httpx.Response], list[float]]:
    queue, times = list(responses), []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(time.monotonic())
        assert request.headers["authorization"] == f"Bearer {SECRET}"
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, times


def test_tools_mode_through_instructor(draft_000: DraftRecord) -> None:
    handler, times = scripted(httpx.Response(200, json=completion(draft_000)))
    result = extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=1)
    assert result.draft.model_dump() == draft_000.model_dump() and len(times) == 1


def test_retry_after_is_honoured_then_success(draft_000: DraftRecord) -> None:
    handler, times = scripted(
        httpx.Response(
            429, headers={"retry-after": "0.3"}, json={"error": {"message": "slow down"}}
        ),
        httpx.Response(200, json=completion(draft_000)),
    )
    extract(provider(handler, max_backoff=5.0), MESSAGES, GenerationParams(), max_reasks=0)
    assert len(times) == 2 and times[1] - times[0] >= 0.3


def test_server_errors_retry_a_bounded_number_of_times() -> None:
    handler, times = scripted(httpx.Response(503, json={"error": {"message": "overloaded"}}))
    with pytest.raises(ProviderError, match="HTTP 503") as caught:
        extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=2)
    assert len(times) == 3  # max_attempts, and no re-ask on top of transport failures
    assert SECRET not in str(caught.value)


def test_client_errors_are_not_retried() -> None:
    handler, times = scripted(httpx.Response(401, json={"error": {"message": "bad key"}}))
    with pytest.raises(ProviderError, match="HTTP 401"):
        extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=0)
    assert len(times) == 1


def test_a_request_over_the_context_window_is_context_exceeded() -> None:
    error = {"message": "maximum context length is 8192 tokens", "code": "context_length_exceeded"}
    handler, times = scripted(httpx.Response(400, json={"error": error}))
    with pytest.raises(ContextExceeded, match="HTTP 400"):
        extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=0)
    assert len(times) == 1


def test_timeouts_become_provider_timeout() -> None:
    handler, times = scripted(httpx.ReadTimeout("too slow"))
    with pytest.raises(ProviderTimeout):
        extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=0)
    assert len(times) == 3


def test_dropped_connection_then_success(draft_000: DraftRecord) -> None:
    handler, times = scripted(
        httpx.RemoteProtocolError("dropped"), httpx.Response(200, json=completion(draft_000))
    )
    extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=0)
    assert len(times) == 2


def test_a_key_or_endpoint_is_required() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        OpenAIProvider(Settings())


def test_recorded_requests_hold_no_key(draft_000: DraftRecord, tmp_path: Path) -> None:
    handler, _ = scripted(httpx.Response(200, json=completion(draft_000)))
    extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=0, record_dir=tmp_path)
    text = "".join(p.read_text() for p in tmp_path.glob("*.json"))
    assert text and SECRET not in text and "authorization" not in text.lower()
    assert json.loads(text)["model"] == "gpt-test"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
        ({}, None),
    ],
)
def test_retry_after_header_forms(headers: dict[str, str], expected: float | None) -> None:
    from summarizer.providers.openai_handler import retry_after

    response = httpx.Response(429, headers=headers, request=httpx.Request("POST", "http://x"))
    error = openai.RateLimitError("limited", response=response, body=None)
    assert retry_after(error) == expected


def test_a_body_cut_off_in_transit_is_retried_then_reported(draft_000: DraftRecord) -> None:
    cut = httpx.Response(
        200, content=b'{"id": "x", "choi', headers={"content-type": "application/json"}
    )
    handler, times = scripted(cut, httpx.Response(200, json=completion(draft_000)))
    extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=0)
    assert len(times) == 2
    handler, times = scripted(cut)
    with pytest.raises(ProviderError, match="unreadable response"):
        extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=2)
    assert len(times) == 3


def test_a_connection_error_names_the_endpoint_it_tried_without_credentials() -> None:
    handler, _ = scripted(httpx.ConnectError("refused"))
    endpoint = "http://user:pw-secret@models.internal:8080/v1"
    with pytest.raises(ProviderError) as caught:
        extract(provider(handler, openai_base_url=endpoint), MESSAGES, GenerationParams(), 0)
    assert str(caught.value) == (
        "could not reach the model endpoint: Connection error. "
        "(tried http://models.internal:8080/v1/)"
    )
    assert caught.value.public_message == "could not reach the model endpoint: Connection error."


def test_the_tokens_an_answer_used_are_read_only_where_it_reports_them() -> None:
    from openai.types.chat import ChatCompletion

    from summarizer.providers.openai_handler import used_tokens

    answer = completion(DraftRecord(summary="-", actors=[], locations=[], events=[], threats=[]))
    assert used_tokens(ChatCompletion.model_validate(answer)) == 10
    assert used_tokens(ChatCompletion.construct(**{**answer, "usage": None})) is None
    partial = ChatCompletion.construct(**{**answer, "usage": {"prompt_tokens": 7}})
    assert used_tokens(partial) is None  # the SDK does not validate what a server sends


def test_a_request_goes_as_the_sdks_create_would_send_it_and_its_answer_reads_the_same(
    draft_000: DraftRecord,
) -> None:
    """The handler sends requests through the SDK's generic `post`, skipping `create`'s
    typed transform: the body is the same JSON, and the answer (here one a local server
    might send, without `created`, `object` or usage) the same ChatCompletion."""
    answer = {key: value for key, value in completion(draft_000).items() if key != "usage"}
    del answer["created"], answer["object"]
    bodies: list[dict[str, object]] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/chat/completions"
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=answer)

    request = {
        "messages": [{"role": "system", "content": "Brief."}, *MESSAGES],
        "tools": [{"type": "function", "function": {"name": "DraftRecord", "parameters": {}}}],
        "tool_choice": {"type": "function", "function": {"name": "DraftRecord"}},
        "temperature": 0.0,
        "max_tokens": 5,
        "seed": 1,
    }
    ours = provider(endpoint).create(**request)
    sdk = openai.OpenAI(
        api_key="x", http_client=httpx.Client(transport=httpx.MockTransport(endpoint))
    )
    theirs = sdk.chat.completions.create(model="gpt-test", **request)  # type: ignore[call-overload]
    assert bodies[0] == bodies[1] and bodies[0]["model"] == "gpt-test"
    assert type(ours) is type(theirs) and ours.model_dump() == theirs.model_dump()
    assert ours.choices[0].message.tool_calls[0].function.name == "DraftRecord"  # type: ignore[index,union-attr]


@pytest.mark.parametrize("body", [b"[]", b'"busy"', b"null"])
def test_an_answer_that_is_json_but_no_chat_completion_is_a_provider_error(body: bytes) -> None:
    answer = httpx.Response(200, content=body, headers={"content-type": "application/json"})
    handler, times = scripted(answer)
    with pytest.raises(ProviderError, match="not a chat completion") as caught:
        extract(provider(handler), MESSAGES, GenerationParams(), max_reasks=2)
    assert len(times) == 1 and "tried https://api.openai.com/v1" in str(caught.value)
