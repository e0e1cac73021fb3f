"""Errors: each has a `kind` (the API's error type, the batch line's) and a public
message; `where` adds server-side detail that only the CLI shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def first_problem(errors: Sequence[Mapping[str, Any]], whole: str, skip: int = 0) -> str:
    """A validation error in a line: where its first problem is (the location past its
    first `skip` parts, or `whole`), and what it is."""
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ())[skip:])
    return f"{where or whole}: {first.get('msg', 'invalid')}"


class SummarizerError(Exception):
    """Base of every error the CLI and API turn into a clear message.

    `where` names places on the server (a directory, a model file): the CLI's message
    shows it, the API's error body never does (`public_message`).
    """

    kind = "error"

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(f"{message} ({where})" if where else message)
        self.public_message = message


class InputError(SummarizerError):
    """The article or a parameter is unusable (empty, not UTF-8, bad date, too long)."""

    kind = "invalid_input"


class InputTooLarge(InputError):
    kind = "input_too_large"


class RecordingMissing(InputError):
    """The replay provider has no recording of this request: a usage problem (another
    article or date than the recorded ones), not a model's failure."""

    kind = "recording_missing"


class ConfigError(SummarizerError):
    """The provider cannot be set up as configured (missing key, model file, package)."""

    kind = "configuration_error"


class ProviderError(SummarizerError):
    """The model could not produce a record after retries."""

    kind = "provider_error"


class ProviderTimeout(ProviderError):
    kind = "provider_timeout"


class ProviderCrashed(ProviderError):
    """The process that ran the model died during the call (a native crash, an abort, the
    OOM killer); the next call starts a fresh one."""

    kind = "provider_crashed"


class ExtractionFailed(ProviderError):
    """The model answered, but never with a schema-valid record within the re-ask budget."""

    kind = "extraction_failed"


class AnswerCutOff(ExtractionFailed):
    """The answer reached max_tokens before it was complete: a smaller piece may fit."""

    kind = "answer_cut_off"


class ContextExceeded(ProviderError):
    """The request does not fit the model's context window: a smaller piece may fit."""

    kind = "context_exceeded"
