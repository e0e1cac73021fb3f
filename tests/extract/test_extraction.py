import json
from pathlib import Path

import instructor
import pytest
from instructor.v2.core import patch as instructor_patch
from instructor.v2.validation import async_validators
from instructor.v2.validation.async_validators import async_field_validator
from pydantic import BaseModel

from summarizer.core import (
    DraftRecord,
    ExtractionFailed,
    GenerationParams,
    ProviderTimeout,
)
from summarizer.extract.extraction import _checked_once, extract
from tests.fakes import FakeProvider

MESSAGES = [{"role": "system", "content": "Extract."}, {"role": "user", "content": "News."}]
PARAMS = GenerationParams()


def test_valid_answer_gives_the_draft_and_usage(draft_000: DraftRecord) -> None:
    fake = FakeProvider(draft_000)
    result = extract(fake, MESSAGES, PARAMS, max_reasks=2)
    assert result.draft.model_dump() == draft_000.model_dump()
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (100, 50)
    request = fake.requests[0]
    assert request["response_format"]["json_schema"]["schema"] == DraftRecord.model_json_schema()
    assert (request["temperature"], request["max_tokens"], request["seed"]) == (0.0, 4096, 0)


def test_schema_invalid_answer_is_re_asked_with_the_error(draft_000: DraftRecord) -> None:
    broken = draft_000.model_dump()
    broken["actors"][0]["type"] = "militia"  # not an allowed type
    fake = FakeProvider(json.dumps(broken), draft_000)
    result = extract(fake, MESSAGES, PARAMS, max_reasks=2)
    assert result.draft.model_dump() == draft_000.model_dump()
    assert len(fake.requests) == 2
    reask = json.dumps(fake.requests[1]["messages"])
    assert "militia" in reask and "type" in reask
    assert result.usage.prompt_tokens == 200  # both attempts counted


def test_re_asks_are_bounded() -> None:
    fake = FakeProvider('{"summary": "no lists"}')
    with pytest.raises(ExtractionFailed, match="no schema-valid answer in 3 attempts"):
        extract(fake, MESSAGES, PARAMS, max_reasks=2)
    assert len(fake.requests) == 3


def test_cut_off_answer_is_a_clear_failure(draft_000: DraftRecord) -> None:
    fake = FakeProvider(draft_000, finish_reason="length")
    with pytest.raises(ExtractionFailed, match="cut off at max_tokens=4096"):
        extract(fake, MESSAGES, PARAMS, max_reasks=2)


def test_provider_errors_pass_through_typed() -> None:
    fake = FakeProvider(ProviderTimeout("endpoint too slow"))
    with pytest.raises(ProviderTimeout, match="endpoint too slow"):
        extract(fake, MESSAGES, PARAMS, max_reasks=2)
    assert len(fake.requests) == 1  # transport failures are not re-asked


def test_record_dir_records_every_call(draft_000: DraftRecord, tmp_path: Path) -> None:
    fake = FakeProvider("not json", draft_000)
    extract(fake, MESSAGES, PARAMS, max_reasks=2, record_dir=tmp_path)
    recordings = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("*.json"))]
    assert len(recordings) == 2
    assert {r["provider"] for r in recordings} == {"fake"}
    assert {r["model"] for r in recordings} == {"fake-model"}
    assert all(
        set(r["request"]) >= {"messages", "response_format", "temperature"} for r in recordings
    )


class _WithAsyncValidator(BaseModel):
    name: str

    @async_field_validator("name")
    async def name_is_known(self, value: str) -> str:
        return value


def test_instructor_checks_each_model_class_for_async_validators_once() -> None:
    checked: list[object] = []
    check = _checked_once(checked.append)
    for model in (DraftRecord, DraftRecord, list[DraftRecord], list[DraftRecord], None):
        check(model)
    assert checked == [DraftRecord, list[DraftRecord], list[DraftRecord], None]
    for module in (async_validators, instructor_patch):  # every instructor call site
        assert module.reject_async_validators.__qualname__.startswith("_checked_once")


def test_a_model_with_async_validators_is_still_refused_on_every_call(
    draft_000: DraftRecord,
) -> None:
    create = instructor.patch(create=FakeProvider(draft_000).create, mode=instructor.Mode.TOOLS)
    for _ in range(2):
        with pytest.raises(ValueError, match="async validators are not supported"):
            create(response_model=_WithAsyncValidator, messages=MESSAGES)
