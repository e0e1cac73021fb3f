"""The `openai` provider: any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama,
llama.cpp server) through the `openai` SDK, with transport retries by tenacity and each
attempt paced to the endpoint's rate limits (`pacing.py`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import httpx2
import openai
from openai.types.chat import ChatCompletion
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from summarizer.core import ConfigError, ContextExceeded, ProviderError, ProviderTimeout
from summarizer.metrics import RATE_LIMITED, RETRIES
from summarizer.providers.base import BatchState
from summarizer.providers.pacing import Pacer, PacingConfig, shared_pacer
from summarizer.settings import Settings

_RETRYABLE_STATUS = {408, 409, 429}
CHAT_PATH = "/chat/completions"  # under the client's base URL
BATCH_ENDPOINT = f"/v1{CHAT_PATH}"  # as a Batch API line names it
T = TypeVar("T")
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


def count_retry(state: RetryCallState) -> None:
    """tenacity calls this before each wait for another attempt: one transport retry."""
    RETRIES.labels(OpenAIProvider.name).inc()


def to_provider_error(exc: Exception, endpoint: str) -> ProviderError:
    """The typed error for an SDK failure. `endpoint` names the base URL tried (a `where`:
    the CLI shows it, an API answer does not name the server's endpoint)."""
    where = f"tried {endpoint}"
    if isinstance(exc, json.JSONDecodeError):
        return ProviderError(f"the model endpoint sent an unreadable response: {exc}", where)
    if isinstance(exc, openai.APITimeoutError):
        return ProviderTimeout(f"the model endpoint did not answer in time: {exc}", where)
    if isinstance(exc, openai.APIStatusError):
        message = f"the model endpoint answered HTTP {exc.status_code}: {exc.message}"
        if getattr(exc, "code", None) == CONTEXT_CODE:
            return ContextExceeded(message, where)
        return ProviderError(message, where)
    return ProviderError(f"could not reach the model endpoint: {exc}", where)


def used_tokens(completion: Any) -> int | None:
    """Prompt plus completion tokens, as the answer reports them (None: it does not; the
    SDK does not validate an answer, so a server may leave either out)."""
    usage = getattr(completion, "usage", None)
    prompt = getattr(usage, "prompt_tokens", None)
    answer = getattr(usage, "completion_tokens", None)
    return prompt + answer if isinstance(prompt, int) and isinstance(answer, int) else None


def send_chat(client: openai.OpenAI, model: str, request: dict[str, Any]) -> httpx2.Response:
    """`request` sent as it is, by the SDK's generic `post` (its errors, timeout and
    connection pool as for `chat.completions.create`); the raw HTTP answer. The request is
    JSON already, built by instructor, and `create` would first walk it through the SDK's
    typed request transform, to the same bytes, at about 0.6 ms a request (a third of the
    SDK's CPU per call; bench/README.md section 9)."""
    return client.post(CHAT_PATH, cast_to=httpx2.Response, body={**request, "model": model})


def completion_of(response: httpx2.Response, endpoint: str) -> ChatCompletion:
    """The answer as the SDK reads one: its models built leniently from the JSON, as
    `create` does (a local server may leave fields out). A body that is JSON but not an
    object is no chat completion (a cut-off body raises JSONDecodeError: transient)."""
    body = response.json()
    if not isinstance(body, dict):
        raise ProviderError(
            f"the model endpoint answered with JSON that is not a chat completion: "
            f"{type(body).__name__}",
            f"tried {endpoint}",
        )
    return ChatCompletion.construct(**body)


def shown(url: httpx2.URL) -> str:
    """A base URL as an error may show it: without credentials or a query."""
    return str(url.copy_with(username=None, password=None, query=None))


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
        self._endpoint = shown(self._client.base_url)
        self._retrying = Retrying(
            stop=stop_after_attempt(settings.max_attempts),
            wait=BackoffWait(settings.max_backoff),
            retry=retry_if_exception(is_transient),
            before_sleep=count_retry,
            reraise=True,
        )
        # One pacer per endpoint and model in the process: every provider built for them
        # (a batch's, the API's) shares its budgets and its slots.
        self._pacer: Pacer | None = (
            shared_pacer(self.name, self._endpoint, self.model, PacingConfig.of(settings))
            if settings.rate_pacing
            else None
        )

    def create(self, **request: Any) -> ChatCompletion:
        return self._call(self._attempt, **request)

    def _attempt(self, **request: Any) -> ChatCompletion:
        """One attempt, let through by the pacer when pacing is on."""
        if self._pacer is None:
            return completion_of(self._post(request), self._endpoint)
        with self._pacer.call(request) as call:
            try:
                raw = self._post(request)
            except openai.APIStatusError as exc:
                call.refused(exc.response.headers, limited=exc.status_code == 429)
                raise
            completion = completion_of(raw, self._endpoint)
            call.answered(raw.headers, used_tokens(completion))
            return completion

    def _post(self, request: dict[str, Any]) -> httpx2.Response:
        """The raw HTTP answer, whose headers carry the rate limits; 429s are counted."""
        try:
            return send_chat(self._client, self.model, request)
        except openai.RateLimitError:
            RATE_LIMITED.labels(self.name).inc()
            raise

    def _call(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return self._retrying(method, *args, **kwargs)
        except (openai.OpenAIError, json.JSONDecodeError) as exc:
            raise to_provider_error(exc, self._endpoint) from exc

    # --- The Batch API: the same requests, answered within 24 hours at half the price ---

    def batch_line(self, custom_id: str, request: dict[str, Any]) -> bytes:
        body = {"model": self.model, **request}
        line = {"custom_id": custom_id, "method": "POST", "url": BATCH_ENDPOINT, "body": body}
        return (json.dumps(line) + "\n").encode("utf-8")

    def submit_batch(self, lines: Iterable[bytes]) -> str:
        upload = ("requests.jsonl", b"".join(lines), "application/jsonl")
        file = self._call(self._client.files.create, file=upload, purpose="batch")
        batch = self._call(
            self._client.batches.create,
            input_file_id=file.id,
            endpoint=BATCH_ENDPOINT,
            completion_window="24h",
        )
        return str(batch.id)

    def batch_state(self, batch_id: str) -> BatchState:
        batch = self._call(self._client.batches.retrieve, batch_id)
        counts = batch.request_counts
        return BatchState(
            id=batch.id,
            status=batch.status,
            total=counts.total if counts else 0,
            completed=counts.completed if counts else 0,
            failed=counts.failed if counts else 0,
            output_file=batch.output_file_id,
            error_file=batch.error_file_id,
        )

    def batch_answers(self, state: BatchState) -> dict[str, Any]:
        if state.output_file is None:
            return {}
        content = self._call(self._client.files.content, state.output_file).text
        answers: dict[str, Any] = {}
        for line in content.split("\n"):  # newlines only: JSON may hold U+2028 raw
            try:  # a partial output file ends in a torn line: the items after it are missing
                item = json.loads(line)
                response = item.get("response") or {}
                if response.get("status_code") == 200:
                    answers[item["custom_id"]] = ChatCompletion.model_validate(response["body"])
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                continue
        return answers
