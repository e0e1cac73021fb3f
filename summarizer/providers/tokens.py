"""A request's tokens counted without a model: tiktoken's encoding of the model where
tiktoken is installed and knows the model (OpenAI's), else an estimate of one token per
four characters, the rule of thumb for English under common tokenizers. The count says
which it is."""

from __future__ import annotations

import functools
import importlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

CHARS_PER_TOKEN = 4
# OpenAI's chat format: each message's role and delimiters, and the reply's priming.
MESSAGE_TOKENS = 3
REPLY_TOKENS = 3


@dataclass(frozen=True)
class TokenCounter:
    method: str  # how the tokens are counted, as the dry run says it
    encode: Callable[[str], list[int]] | None = None  # tiktoken's, where it is used

    def count(self, text: str) -> int:
        if self.encode is None:
            return math.ceil(len(text) / CHARS_PER_TOKEN)
        return len(self.encode(text))

    def request(self, request: Mapping[str, Any]) -> int:
        """The prompt tokens of a chat-completions request: its messages and the schema it
        asks the answer in."""
        messages = request.get("messages", [])
        return self.count(request_text(request)) + MESSAGE_TOKENS * len(messages) + REPLY_TOKENS

    def static(self, request: Mapping[str, Any]) -> int:
        """The tokens of its part that is the same for every article: the system prompt and
        the schema (what a provider's prompt cache can serve)."""
        system = [m for m in request.get("messages", []) if m.get("role") == "system"]
        return self.request({**request, "messages": system}) - REPLY_TOKENS


def request_text(request: Mapping[str, Any]) -> str:
    """What the model reads of a request: each message's text, then the schema it is
    asked to answer in (tools, or a response format), as JSON."""
    parts = [str(message.get("content") or "") for message in request.get("messages", [])]
    for key in ("tools", "response_format"):
        if request.get(key):
            parts.append(json.dumps(request[key], ensure_ascii=False))
    return "\n".join(parts)


@functools.cache
def token_counter(model: str) -> TokenCounter:
    """tiktoken's count for `model` where it can give one, else four characters a token."""
    estimate = f"chars/{CHARS_PER_TOKEN} estimate"
    try:
        tiktoken: Any = importlib.import_module("tiktoken")
    except ImportError:
        return TokenCounter(f"{estimate}: tiktoken is not installed")
    try:
        encoding = tiktoken.encoding_for_model(model)
    except KeyError:
        return TokenCounter(f"{estimate}: tiktoken does not know {model}")
    except Exception as exc:  # its encodings are downloaded on first use: offline, no count
        failed = type(exc).__name__
        return TokenCounter(f"{estimate}: tiktoken could not load {model}'s encoding ({failed})")
    return TokenCounter(f"tiktoken {encoding.name}", encoding.encode)
