"""Errors: each has a `kind` (the API's error type, the batch line's) and a public
message; `where` adds server-side detail that only the CLI shows."""

from __future__ import annotations

import json
import reprlib
from collections.abc import Mapping, Sequence
from typing import Any

# What each kind of validation problem means, in the user's words: `{input}` is the value
# given, `{shape}` what the whole should be, the other fields come from the error's context.
PROBLEMS: dict[str, str] = {
    "missing": "required but missing",
    "extra_forbidden": "not an accepted field",
    "string_type": "must be a string, not {input}",
    "int_type": "must be a whole number, not {input}",
    "int_parsing": "not a whole number: {input}",
    "int_from_float": "not a whole number: {input}",
    "float_type": "must be a number, not {input}",
    "float_parsing": "not a number: {input}",
    "bool_type": "must be true or false, not {input}",
    "bool_parsing": "must be true or false, not {input}",
    "string_too_short": "must have at least {min_length} characters",
    "string_too_long": "must have at most {max_length} characters",
    "too_short": "must have at least {min_length} items",
    "too_long": "must have at most {max_length} items",
    "greater_than": "must be more than {gt}, not {input}",
    "greater_than_equal": "must be {ge} or more, not {input}",
    "less_than": "must be less than {lt}, not {input}",
    "less_than_equal": "must be {le} or less, not {input}",
    "literal_error": "must be one of {expected}, not {input}",
    "enum": "must be one of {expected}, not {input}",
    "string_pattern_mismatch": "does not have the form {pattern}: {input}",
    "list_type": "must be a list, not {input}",
    "dict_type": "must be {shape}",
    "model_type": "must be {shape}",
    "model_attributes_type": "must be {shape}",
}
# Problems a validator words itself: its message is the whole of it.
OWN_WORDS = ("value_error", "assertion_error")
_SHORT = reprlib.Repr()  # a value shown in a message is cut short
_SHORT.maxstring = _SHORT.maxother = 40


def first_problem(
    errors: Sequence[Mapping[str, Any]], whole: str, skip: int = 0, shape: str = "a JSON object"
) -> str:
    """A validation error as one line in the user's words, never pydantic's: where its first
    problem is (the location past its first `skip` parts) and what it is. A problem of
    the whole names it as `whole`, which should be `shape`; a validator's own message
    stands alone."""
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ())[skip:])
    what = _described(first, shape)
    if where:
        return f"{where}: {what}"
    return what if first.get("type") in OWN_WORDS else f"{whole} {what}"


def _described(error: Mapping[str, Any], shape: str) -> str:
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind in OWN_WORDS:
        return str(context.get("error", error.get("msg")))
    if kind in ("string_too_short", "too_short") and context.get("min_length") == 1:
        return "must not be empty"
    template = PROBLEMS.get(kind)
    if template is None:  # a kind not listed yet: pydantic's words, made to read as ours
        return str(error.get("msg", "invalid")).replace("Input should be", "must be")
    return template.format_map({**context, "input": _shown(error.get("input")), "shape": shape})


def _shown(value: object) -> str:
    """A value as the user wrote it, cut short: JSON's words for true, false and null."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return _SHORT.repr(value)


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
