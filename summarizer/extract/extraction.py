"""Validation and re-ask stage: one provider call (plus bounded re-asks) through instructor,
the same for every provider, ending in a schema-valid draft or a typed error."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import instructor
from instructor.core.exceptions import (
    IncompleteOutputException,
    InstructorError,
    InstructorRetryException,
)
from pydantic import ValidationError

from summarizer.core import (
    AnswerCutOff,
    DraftRecord,
    ExtractionFailed,
    GenerationParams,
    ProviderError,
    SummarizerError,
    Usage,
    first_problem,
)
from summarizer.extract.instructor_compat import quiet
from summarizer.metrics import PROVIDER_CALL_SECONDS, PROVIDER_CALLS, REASKS, TOKENS
from summarizer.providers import Provider
from summarizer.record import recording_create

# instructor wraps a plain model in a new class on every call, which misses its schema
# cache (a third of the client's CPU per article); a model it has already wrapped is used
# as is. Its own wrapper keeps DraftRecord's name and docstring, so the requests are the
# ones instructor builds for DraftRecord, byte for byte.
_ANSWER = instructor.response_schema(DraftRecord)


MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}


@dataclass(frozen=True)
class Extraction:
    draft: DraftRecord
    usage: Usage


def extract(
    provider: Provider,
    messages: list[dict[str, str]],
    params: GenerationParams,
    max_reasks: int,
    record_dir: Path | None = None,
) -> Extraction:
    create = provider.create
    if record_dir is not None:
        create = recording_create(create, record_dir, provider.name, provider.model, provider.mode)
    calls = _Calls(provider.name, create)
    with quiet(), calls.current():
        try:
            draft: DraftRecord = _patched(provider.mode)(
                response_model=_ANSWER,
                messages=messages,
                max_retries=max_reasks,  # instructor counts re-asks: attempts = re-asks + 1
                **params.model_dump(),
            )
        except InstructorError as exc:
            raise _translate(exc, params) from exc
    return Extraction(draft=draft, usage=calls.usage())


@functools.cache
def _patched(mode: str) -> Callable[..., Any]:
    """instructor's create for `mode`, patched once: it sends each request through the
    extraction running in this thread or task (patching on every call was a tenth of
    instructor's work per call)."""
    return instructor.patch(create=_create_current, mode=MODES[mode])


def _create_current(**request: Any) -> Any:
    return _CURRENT.get().create(**request)


class _Calls:
    """The provider calls of one extraction, for its usage and the metrics.

    Tokens over every attempt, re-asks included, are taken from each answer as the call
    returns it: instructor has no cheaper public way (passing it hooks makes it deep-copy
    its running total on every attempt, and the total it leaves on the answer is private).
    instructor calls again only after an answer that broke the schema, so every call after
    the first is a re-ask."""

    def __init__(self, provider: str, create: Callable[..., Any]) -> None:
        self.provider = provider
        self._create = create
        self.calls = 0
        self.prompt = 0
        self.cached = 0
        self.completion = 0

    @contextmanager
    def current(self) -> Iterator[None]:
        """The extraction whose calls instructor makes in this thread or task, while the
        block runs."""
        token = _CURRENT.set(self)
        try:
            yield
        finally:
            _CURRENT.reset(token)

    def create(self, **request: Any) -> Any:
        """One call, counted, its answer's tokens added up."""
        if self.calls:
            REASKS.labels(self.provider).inc()
        self.calls += 1
        response = self._timed(self._create, request)
        self._add(getattr(response, "usage", None))
        return response

    def _timed(self, create: Callable[..., Any], request: dict[str, Any]) -> Any:
        """One call, its time and its outcome counted: ok, or the kind of its error."""
        with PROVIDER_CALL_SECONDS.labels(self.provider).time():
            try:
                response = create(**request)
            except Exception as exc:
                kind = exc.kind if isinstance(exc, SummarizerError) else "error"
                PROVIDER_CALLS.labels(self.provider, kind).inc()
                raise
        PROVIDER_CALLS.labels(self.provider, "ok").inc()
        return response

    def _add(self, usage: Any) -> None:
        prompt = getattr(usage, "prompt_tokens", 0) or 0
        completion = getattr(usage, "completion_tokens", 0) or 0
        details = getattr(usage, "prompt_tokens_details", None)
        self.cached += getattr(details, "cached_tokens", 0) or 0
        self.prompt += prompt
        self.completion += completion
        TOKENS.labels(self.provider, "prompt").inc(prompt)
        TOKENS.labels(self.provider, "completion").inc(completion)

    def usage(self) -> Usage:
        return Usage(
            prompt_tokens=self.prompt,
            completion_tokens=self.completion,
            cached_prompt_tokens=self.cached,
        )


_CURRENT: ContextVar[_Calls] = ContextVar("current_extraction")


def _translate(exc: InstructorError, params: GenerationParams) -> SummarizerError:
    if isinstance(exc, IncompleteOutputException):
        return AnswerCutOff(
            f"the model's answer was cut off at max_tokens={params.max_tokens} "
            "(raise SUMMARIZER_MAX_TOKENS, or lower SUMMARIZER_CHUNK_CHARS)"
        )
    cause = exc.__cause__
    if isinstance(cause, SummarizerError):  # a provider's own typed error, passed through
        return cause
    if isinstance(exc, InstructorRetryException) and exc.failed_attempts:
        last = exc.failed_attempts[-1].exception
        problem = (
            first_problem(last.errors(), "answer")
            if isinstance(last, ValidationError)
            else str(last).splitlines()[0]
        )
        return ExtractionFailed(
            f"the model gave no schema-valid answer in {exc.n_attempts} attempts: {problem}"
        )
    return ProviderError(f"the model call failed: {cause or exc}")
