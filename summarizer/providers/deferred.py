"""Providers for answering later: `Capturing` learns the exact requests the synchronous
path sends (every piece and pass of an article), `Answering` serves the answers a batch
job returned for them, so those answers go through the same validation, grounding,
dates, names and cache as a synchronous one."""

from __future__ import annotations

import threading
from typing import Any

from summarizer.core import DraftRecord, ProviderError
from summarizer.providers.base import Provider
from summarizer.record import request_hash

# A schema-valid answer that ends the capture run at once for every piece.
_PLACEHOLDER = DraftRecord(summary="-", actors=[], locations=[], events=[], threats=[])


class MissingAnswer(ProviderError):
    """The batch job gave no answer for a request it was sent."""

    kind = "batch_item_failed"


def message_for(request: dict[str, Any], content: str) -> dict[str, Any]:
    """`content` as the assistant message the request asked for: a call of its first tool
    (tools mode), or the message content."""
    if not request.get("tools"):
        return {"role": "assistant", "content": content}
    name = request["tools"][0]["function"]["name"]
    call = {"id": "call-0", "type": "function", "function": {"name": name, "arguments": content}}
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def completion(request: dict[str, Any], content: str) -> Any:
    """`content` as the ChatCompletion answering the request."""
    from openai.types.chat import ChatCompletion

    message = message_for(request, content)
    return ChatCompletion.model_validate(
        {
            "id": "deferred",
            "object": "chat.completion",
            "created": 0,
            "model": "deferred",
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        }
    )


class Capturing:
    """Looks like `provider`; records each request and answers it with a placeholder."""

    def __init__(self, provider: Provider) -> None:
        self.name, self.model, self.mode = provider.name, provider.model, provider.mode
        self.concurrent = True
        self.requests: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def create(self, **request: Any) -> Any:
        with self._lock:
            self.requests[request_hash(request)] = request
        return completion(request, _PLACEHOLDER.model_dump_json())


class Answering:
    """Looks like `provider`; answers a submitted request from the batch's answers, and
    any other (a re-ask, a piece cut again) synchronously through `provider`."""

    def __init__(
        self, provider: Provider, answers: dict[str, Any], submitted: set[str], batch_id: str
    ) -> None:
        self.name, self.model, self.mode = provider.name, provider.model, provider.mode
        self.concurrent = provider.concurrent
        self._provider, self._answers, self._submitted = provider, answers, submitted
        self._batch_id = batch_id

    def create(self, **request: Any) -> Any:
        key = request_hash(request)
        if key in self._answers:
            return self._answers[key]
        if key in self._submitted:
            raise MissingAnswer(
                f"batch {self._batch_id} gave no answer for request {key[:12]}; "
                "rerun with --retry-failed to submit it again"
            )
        return self._provider.create(**request)
