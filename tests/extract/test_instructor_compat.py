"""The guard on what we do to instructor: these fail when instructor changes under it."""

import contextlib
import logging
import sys
from types import ModuleType

import instructor
import pytest
from instructor.v2.validation.async_validators import async_field_validator
from pydantic import BaseModel

from summarizer.core import DraftRecord, GenerationParams, SummarizerError
from summarizer.extract import instructor_compat
from summarizer.extract.extraction import MODES, extract
from summarizer.extract.instructor_compat import checked_once, install, misfits, uncovered
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


def test_a_gone_or_changed_check_is_a_misfit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(instructor_compat, "ORIGINAL", None)
    assert misfits() == [f"{instructor_compat.HOME}.reject_async_validators is gone"]

    def changed(response_model: object, strict: bool) -> None: ...

    monkeypatch.setattr(instructor_compat, "ORIGINAL", changed)
    assert misfits() == [
        f"{instructor_compat.HOME}.reject_async_validators no longer takes just the response model"
    ]


def _late_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """An instructor module loaded after the patch, binding instructor's own check."""
    module = ModuleType("instructor.late")
    module.reject_async_validators = instructor_compat.ORIGINAL  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_a_module_or_logger_the_patch_missed_is_found_and_then_covered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _late_module(monkeypatch)
    late = logging.Logger("instructor.late")
    monkeypatch.setitem(logging.Logger.manager.loggerDict, late.name, late)
    assert uncovered() == ["instructor.late", "logger instructor.late"]
    install()
    assert uncovered() == []
    assert module.reject_async_validators is not instructor_compat.ORIGINAL


def test_a_misfit_leaves_instructor_unpatched_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _late_module(monkeypatch)
    monkeypatch.setattr(instructor, "__version__", "2.0.0")
    with pytest.warns(RuntimeWarning, match="instructor left unpatched: instructor 2.0.0"):
        install()
    assert module.reject_async_validators is instructor_compat.ORIGINAL


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
