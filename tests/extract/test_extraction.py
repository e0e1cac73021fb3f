import contextlib
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import instructor
import pytest
from instructor.core.exceptions import InstructorRetryException
from openai.types.chat import ChatCompletion

from summarizer.core import (
    DraftRecord,
    ExtractionFailed,
    GenerationParams,
    ProviderTimeout,
)
from summarizer.extract.extraction import MODES, extract
from summarizer.extract.instructor_compat import quiet
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


class _UsageOnlyOn(FakeProvider):
    """Reports token usage on the given call only (1-based), as some endpoints do."""

    def __init__(self, call: int, *answers: DraftRecord | str) -> None:
        super().__init__(*answers)
        self.call = call

    def create(self, **request: Any) -> ChatCompletion:
        answer = super().create(**request)
        return (
            answer if len(self.requests) == self.call else answer.model_copy(update={"usage": None})
        )


@pytest.mark.parametrize("call", [1, 2])
def test_an_attempt_without_usage_adds_nothing(draft_000: DraftRecord, call: int) -> None:
    fake = _UsageOnlyOn(call, "not json", draft_000)
    result = extract(fake, MESSAGES, PARAMS, max_reasks=2)
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (100, 50)


def test_re_asks_are_bounded() -> None:
    fake = FakeProvider('{"summary": "no lists"}')
    with pytest.raises(ExtractionFailed, match="no schema-valid answer in 3 attempts") as caught:
        extract(fake, MESSAGES, PARAMS, max_reasks=2)
    assert len(fake.requests) == 3
    # The last attempt's first problem, in the project's words, not pydantic's.
    assert str(caught.value).endswith("attempts: actors: required but missing")
    assert "DraftRecord" not in str(caught.value)


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


def _fake(mode: str, answers: tuple[str, DraftRecord]) -> FakeProvider:
    fake = FakeProvider(*answers)
    fake.mode = mode
    return fake


@pytest.mark.parametrize("mode", sorted(MODES))
def test_requests_are_instructors_own_for_the_draft_byte_for_byte(
    draft_000: DraftRecord, mode: str
) -> None:
    broken = draft_000.model_dump()
    broken["actors"][0]["type"] = "militia"
    answers = (json.dumps(broken), draft_000)  # the second request is a re-ask
    ours = _fake(mode, answers)
    with contextlib.suppress(ExtractionFailed):  # tools mode finds no tool call: re-asks
        extract(ours, MESSAGES, PARAMS, max_reasks=1)
    # instructor as documented: a plain model, which it wraps anew on every call.
    plain = _fake(mode, answers)
    create = instructor.patch(create=plain.create, mode=MODES[mode])
    with contextlib.suppress(InstructorRetryException):
        create(response_model=DraftRecord, messages=MESSAGES, max_retries=1, **PARAMS.model_dump())
    assert len(ours.requests) == 2
    assert json.dumps(ours.requests) == json.dumps(plain.requests)


def test_instructor_uses_the_response_model_as_is(draft_000: DraftRecord) -> None:
    # Wrapped anew on each call, the answers would be of a new class each time.
    first = extract(FakeProvider(draft_000), MESSAGES, PARAMS, max_reasks=0).draft
    second = extract(FakeProvider(draft_000), MESSAGES, PARAMS, max_reasks=0).draft
    assert type(first) is type(second)
    assert isinstance(first, DraftRecord)


def _instructor_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("instructor")]


def test_failed_attempts_log_nothing_and_instructor_elsewhere_logs_as_before(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ExtractionFailed):
        extract(FakeProvider('{"summary": "no lists"}'), MESSAGES, PARAMS, max_reasks=1)
    assert _instructor_records(caplog) == []
    assert logging.getLogger("instructor").level == logging.NOTSET  # no process-wide change

    create = instructor.patch(create=FakeProvider('{"summary": "no lists"}').create)
    with pytest.raises(InstructorRetryException):  # instructor used directly, not by us
        create(response_model=DraftRecord, messages=MESSAGES, max_retries=1)
    assert any("Max retries exceeded" in message for message in _instructor_records(caplog))


def test_only_the_thread_inside_our_call_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("instructor.v2.retry")
    with quiet():
        logger.error("inside our call")
        other = threading.Thread(target=logger.error, args=("another thread",))
        other.start()
        other.join()
    logger.error("after our call")
    assert _instructor_records(caplog) == ["another thread", "after our call"]


def test_concurrent_extractions_each_get_their_own_calls(draft_000: DraftRecord) -> None:
    """instructor is patched once per mode: each extraction's requests, its re-ask too,
    still go to its own provider, and each counts only its own tokens, while another runs
    in another thread (both are in flight before either re-asks)."""
    both_in_flight = threading.Barrier(2, timeout=5)

    class Waiting(FakeProvider):
        def create(self, **request: Any) -> ChatCompletion:
            both_in_flight.wait()
            return super().create(**request)

    fakes = [Waiting("not json", draft_000), Waiting("not json", draft_000)]
    texts = ["First article.", "Second article."]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(
                lambda fake, text: extract(
                    fake, [{"role": "user", "content": text}], PARAMS, max_reasks=1
                ),
                fakes,
                texts,
            )
        )
    assert [fake.requests[0]["messages"][0]["content"] for fake in fakes] == texts
    assert [len(fake.requests) for fake in fakes] == [2, 2]
    assert [(r.usage.prompt_tokens, r.usage.completion_tokens) for r in results] == [(200, 100)] * 2
