"""The guard on what we do to instructor: these fail when instructor changes under it."""

import contextlib
import logging
import sys
from types import ModuleType
from typing import Any

import instructor
import pytest
from instructor.v2.validation.async_validators import async_field_validator
from pydantic import BaseModel

from summarizer.core import DraftRecord, GenerationParams, SummarizerError
from summarizer.extract import instructor_compat
from summarizer.extract.extraction import MODES, extract
from summarizer.extract.instructor_compat import (
    checked_once,
    install,
    misfits,
    quiet,
    uncovered,
)
from tests.fakes import FakeProvider

MESSAGES = [{"role": "user", "content": "News."}]


def test_the_patch_fits_the_installed_instructor() -> None:
    assert misfits() == []


def test_every_instructor_module_and_logger_is_covered_after_calls_in_every_mode(
    draft_000: DraftRecord,
) -> None:
    for mode in MODES:  # the calls load what instructor loads lazily
        fake = FakeProvider("not json", draft_000)
        fake.mode = mode
        with contextlib.suppress(SummarizerError):  # tools mode: the fake sends no tool call
            extract(fake, MESSAGES, GenerationParams(), max_reasks=1)
    assert uncovered() == []


def test_another_instructor_version_is_a_misfit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(instructor, "__version__", "1.18.0")
    assert misfits() == ["instructor 1.18.0 is installed, not 1.17.x"]


def test_a_gone_or_changed_function_is_a_misfit(monkeypatch: pytest.MonkeyPatch) -> None:
    check, has_usage, _ = instructor_compat.PATCHES
    monkeypatch.setitem(instructor_compat.ORIGINALS, check, None)
    assert misfits() == [f"{check.where} is gone"]

    def changed(response: object, total_usage: object, strict: bool) -> None: ...

    monkeypatch.setitem(instructor_compat.ORIGINALS, check, checked_once(lambda _: None))
    monkeypatch.setitem(instructor_compat.ORIGINALS, has_usage, changed)
    assert misfits() == [
        "instructor.v2.core.usage.has_compatible_usage no longer takes response, total_usage"
    ]


def _original_check() -> object:
    return instructor_compat.ORIGINALS[instructor_compat.PATCHES[0]]


def _late_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """An instructor module loaded after the patch, binding instructor's own check."""
    module = ModuleType("instructor.late")
    module.reject_async_validators = _original_check()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_a_module_or_logger_the_patch_missed_is_found_and_then_covered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _late_module(monkeypatch)
    late = logging.Logger("instructor.late")
    monkeypatch.setitem(logging.Logger.manager.loggerDict, late.name, late)
    assert uncovered() == [
        "instructor.late (reject_async_validators)",
        "logger instructor.late",
    ]
    install()
    assert uncovered() == []
    assert module.reject_async_validators is not _original_check()


def test_a_misfit_leaves_instructor_unpatched_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _late_module(monkeypatch)
    monkeypatch.setattr(instructor, "__version__", "2.0.0")
    with pytest.warns(RuntimeWarning, match="instructor left unpatched: instructor 2.0.0"):
        install()
    assert module.reject_async_validators is _original_check()


def test_each_model_class_is_checked_once() -> None:
    checked: list[object] = []
    check = checked_once(checked.append)
    for model in (DraftRecord, DraftRecord, list[DraftRecord], list[DraftRecord], None):
        check(model)
    assert checked == [DraftRecord, list[DraftRecord], list[DraftRecord], None]


class _WithAsyncValidator(BaseModel):
    name: str

    @async_field_validator("name")
    async def name_is_known(self, value: str) -> str:
        return value


def test_a_model_with_async_validators_is_still_refused_on_every_call(
    draft_000: DraftRecord,
) -> None:
    create = instructor.patch(create=FakeProvider(draft_000).create, mode=instructor.Mode.TOOLS)
    for _ in range(2):
        with pytest.raises(ValueError, match="async validators are not supported"):
            create(response_model=_WithAsyncValidator, messages=MESSAGES)


def test_instructor_keeps_no_token_total_inside_our_calls_only(draft_000: DraftRecord) -> None:
    """Inside our calls the answer keeps the usage the endpoint sent, and instructor leaves
    no total of its own; outside them instructor keeps its total as before."""
    fake = FakeProvider(draft_000)
    create = instructor.patch(create=fake.create, mode=instructor.Mode.JSON_SCHEMA)
    with quiet():
        ours: Any = create(response_model=DraftRecord, messages=MESSAGES)
    theirs: Any = create(response_model=DraftRecord, messages=MESSAGES)
    ours_usage, theirs_usage = (d._raw_response.usage for d in (ours, theirs))
    assert ours_usage.prompt_tokens_details is None
    assert not hasattr(ours, "_total_usage")
    assert theirs_usage.prompt_tokens_details is not None  # instructor's copy of its total
    total = theirs._total_usage
    assert (total.prompt_tokens, total.completion_tokens) == (100, 50)
