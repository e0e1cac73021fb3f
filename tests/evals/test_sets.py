from pathlib import Path

import pytest

from summarizer.core import ConfigError
from summarizer.evals.intervals import Estimate
from summarizer.evals.sets import RecordingSet, choose, load_set, slug
from summarizer.settings import Settings


def test_slugs_are_directory_names() -> None:
    assert slug("SmolLM2-135M-Instruct.Q4_1") == "smollm2-135m-instruct-q4-1"
    assert slug("claude-standin") == "claude-standin"
    assert slug("gpt-4o-mini") == "gpt-4o-mini"


def test_a_set_round_trips_and_checks_its_thresholds(tmp_path: Path) -> None:
    """A threshold is the score's gate; every article must still give a valid record."""
    estimates = {
        "actors.f1": Estimate(value=0.5, low=0.45, high=0.55, floor=0.48),
        "schema_valid_rate": Estimate(value=1.0, low=1.0, high=1.0, floor=0.565),
    }
    made = RecordingSet(model="m", provider="openai", directory=tmp_path / "m")
    made.with_thresholds(estimates).save()
    loaded = load_set(tmp_path / "m")
    assert loaded.min == {"actors.f1": 0.48, "schema_valid_rate": 1.0}
    assert (loaded.gate, loaded.level) == ("wilson-or-bootstrap", 0.95)
    metrics: dict[str, float | None] = {"actors.f1": 0.5, "schema_valid_rate": 1.0}
    assert loaded.below(metrics) == []
    assert loaded.below({"actors.f1": 0.4, "schema_valid_rate": None}) == [
        "actors.f1 = 0.400, below the threshold 0.480",
        "schema_valid_rate = not measured, below the threshold 1.000",
    ]


def test_replay_uses_the_settings_the_set_was_recorded_with(tmp_path: Path) -> None:
    recorded = RecordingSet(
        model="m",
        provider="local",
        settings={"chunk_chars": 8183, "passes": 2, "max_tokens": 4096},
        directory=tmp_path / "m",
    )
    replay = recorded.replay_settings(Settings(max_tokens=100, chunk_chars=600))
    assert (replay.provider, replay.recordings_dir) == ("replay", tmp_path / "m")
    assert (replay.chunk_chars, replay.passes, replay.max_tokens) == (8183, 2, 4096)


def test_a_broken_or_missing_set_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no recording set"):
        choose(tmp_path / "absent", None)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "set.toml").write_text("model = ")
    with pytest.raises(ConfigError, match="unreadable recording set bad"):
        choose(tmp_path, None)
    # A key it no longer has (the old fixed `tolerance`) is refused, not ignored.
    (tmp_path / "bad" / "set.toml").write_text('model = "m"\nprovider = "local"\ntolerance = 0.02')
    with pytest.raises(ConfigError, match="tolerance"):
        choose(tmp_path, None)
