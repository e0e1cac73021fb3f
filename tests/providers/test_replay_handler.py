from pathlib import Path

import pytest

from summarizer.core import DraftRecord, GenerationParams, RecordingMissing
from summarizer.extract.extraction import extract
from summarizer.providers.replay_handler import ReplayProvider
from tests.fakes import FakeProvider

MESSAGES = [{"role": "user", "content": "News."}]


def test_replay_answers_what_was_recorded(draft_000: DraftRecord, tmp_path: Path) -> None:
    fake = FakeProvider("{broken", draft_000)  # one re-ask: two recorded calls
    recorded = extract(fake, MESSAGES, GenerationParams(), max_reasks=2, record_dir=tmp_path)
    replay = ReplayProvider(tmp_path)
    assert (replay.model, replay.mode) == ("fake-model", "json_schema")
    replayed = extract(replay, MESSAGES, GenerationParams(), max_reasks=2)
    assert replayed.draft.model_dump() == recorded.draft.model_dump()
    assert replayed.usage == recorded.usage


def test_unrecorded_request_names_its_hash_and_the_command(
    draft_000: DraftRecord, tmp_path: Path
) -> None:
    extract(
        FakeProvider(draft_000), MESSAGES, GenerationParams(), max_reasks=0, record_dir=tmp_path
    )
    replay = ReplayProvider(tmp_path)
    other = [{"role": "user", "content": "Other news."}]
    with pytest.raises(RecordingMissing, match=r"no recording for request [0-9a-f]{64}") as caught:
        extract(replay, other, GenerationParams(), max_reasks=0)
    # The command names the provider that made the recordings (the fake, here).
    assert "summarizer eval --record --provider fake" in str(caught.value)


def test_changed_parameters_miss_the_recording(draft_000: DraftRecord, tmp_path: Path) -> None:
    extract(
        FakeProvider(draft_000), MESSAGES, GenerationParams(), max_reasks=0, record_dir=tmp_path
    )
    with pytest.raises(RecordingMissing):
        extract(ReplayProvider(tmp_path), MESSAGES, GenerationParams(seed=1), max_reasks=0)
