"""The `openai` provider: any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama,
llama.cpp server) through the `openai` SDK, with transport retries by tenacity."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from summarizer.core import ConfigError, ContextExceeded, ProviderError, ProviderTimeout
from summarizer.settings import Settings

_RETRYABLE_STATUS = {408, 409, 429}
# OpenAI's error code for a request longer than the model's context window.
CONTEXT_CODE = "context_length_exceeded"


def is_transient(exc: BaseException) -> bool:
    """Worth another attempt: rate limits, server errors, timeouts, dropped connections,
    and a response body cut off in transit (the SDK raises a bare JSONDecodeError)."""
    if isinstance(exc, openai.APIConnectionError | json.JSONDecodeError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRYABLE_STATUS or exc.status_code >= 500
    return False


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if it did."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            continue  # an HTTP-date: fall back to our own backoff
    return None


class BackoffWait:
    """Honour Retry-After when given, else exponential backoff with full jitter."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait
        self._jitter = wait_random_exponential(multiplier=0.5, max=max_wait)

    def __call__(self, state: RetryCallState) -> float:
        asked = retry_after(state.outcome.exception() if state.outcome else None)
        return min(asked, self.max_wait) if asked is not None else self._jitter(state)


def to_provider_error(exc: Exception) -> ProviderError:
    if isinstance(exc, json.JSONDecodeError):
        return ProviderError(f"the model endpoint sent an unreadable response: {exc}")
    if isinstance(exc, openai.APITimeoutError):
        return ProviderTimeout(f"the model endpoint did not answer in time: {exc}")
    if isinstance(exc, openai.APIStatusError):
        message = f"the model endpoint answered HTTP {exc.status_code}: {exc.message}"
        if getattr(exc, "code", None) == CONTEXT_CODE:
            return ContextExceeded(message)
        return ProviderError(message)
    return ProviderError(f"could not reach the model endpoint: {exc}")


class OpenAIProvider:
    name = "openai"
    concurrent = True

    def __init__(self, settings: Settings, http_client: httpx2.Client | None = None) -> None:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        if key is None and settings.openai_base_url is None:
            raise ConfigError(
                "the openai provider needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local "
                "OpenAI-compatible server"
            )
        self.model = settings.model
        self.mode = settings.instructor_mode
        # Local servers ignore the key but the SDK insists on one.
        self._client = openai.OpenAI(
            api_key=key or "not-needed",
            base_url=settings.openai_base_url,
            timeout=settings.timeout,
            max_retries=0,  # retries are ours, below, so they are bounded and observable
            http_client=http_client,
        )
        self._retrying = Retrying(
            stop=stop_after_attempt(settings.max_attempts),
            wait=BackoffWait(settings.max_backoff),
            retry=retry_if_exception(is_transient),
            reraise=True,
        )

    def create(self, **request: Any) -> Any:
        try:
            return self._retrying(self._client.chat.completions.create, model=self.model, **request)
        except (openai.OpenAIError, json.JSONDecodeError) as exc:
            raise to_provider_error(exc) from exc
