from pathlib import Path

import pytest

from summarizer.core import ConfigError
from summarizer.record import load_recordings, recorded_identity, request_hash, write_atomic


def test_request_hash_ignores_key_order() -> None:
    assert request_hash({"a": 1, "b": [2]}) == request_hash({"b": [2], "a": 1})
    assert request_hash({"a": 1}) != request_hash({"a": 2})


def test_write_atomic_leaves_only_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "x.json"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]


def test_a_missing_directory_is_no_recordings(tmp_path: Path) -> None:
    recordings = load_recordings(tmp_path / "absent")
    assert recordings == {}
    assert recorded_identity(recordings) == ("none-recorded", "json_schema")


def test_an_unreadable_recording_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "abc.json").write_text("{not json")
    with pytest.raises(ConfigError, match=r"unreadable recording abc\.json"):
        load_recordings(tmp_path)
