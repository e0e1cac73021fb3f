"""The eval suite on the committed recordings of a real model, as CI runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.evals.sets import discover
from summarizer.record.recording import load_recordings
from tests.paths import EVALS, RECORDINGS

SETS = discover(RECORDINGS.parent)
SECRETS = re.compile(r"sk-[A-Za-z0-9]|bearer\s|authorization|api[_-]?key|x-api-key", re.IGNORECASE)


def test_replay_eval_meets_its_thresholds(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "--evals-dir", str(EVALS), "--report", str(tmp_path / "report.json")]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text())
    seed = report["eval_sets"]["seed"]["recording_sets"]
    assert set(seed) == {s.name for s in SETS} >= {"claude-standin", "smollm2-135m-instruct-q4-1"}
    for scored in seed.values():
        assert scored["provider"] == "replay" and scored["below_thresholds"] == []
        assert scored["micro"]["schema_valid_rate"] == 1.0
        assert set(scored["articles"]) == {"000", "001", "002", "003", "004"}
        low, high = scored["micro_interval"]["actors.f1"]
        assert low <= scored["micro"]["actors.f1"] <= high


def test_recordings_name_a_real_model_and_hold_no_secret() -> None:
    for recording_set in SETS:
        recordings = load_recordings(recording_set.directory)
        assert recordings and recording_set.min
        for recording in recordings.values():
            assert recording.provider == recording_set.provider in {"local", "openai"}
            assert recording.model == recording_set.model
            assert recording.response["model"]  # what the model itself reported
        for path in recording_set.directory.glob("*.json"):
            assert not SECRETS.search(path.read_text(encoding="utf-8")), path


def test_a_changed_prompt_no_longer_matches_the_recordings(tmp_path: Path) -> None:
    from summarizer.evals import evaluation
    from summarizer.extract.pipeline import Summarizer
    from summarizer.extract.prompts import DEFAULT_PROMPTS_DIR, load_prompts
    from summarizer.providers.replay_handler import ReplayProvider
    from summarizer.settings import Settings
    from tests.evalhelp import EVALSET

    prompts = tmp_path / "prompts"
    prompts.mkdir()
    for source in DEFAULT_PROMPTS_DIR.iterdir():
        text = source.read_text(encoding="utf-8")
        (prompts / source.name).write_text(text.replace("analysts", "analysts!"), encoding="utf-8")
    summarizer = Summarizer(
        ReplayProvider(RECORDINGS),
        load_prompts(prompts),
        None,
        Settings(cache_dir=tmp_path / "cache"),
    )
    report = evaluation.score(evaluation.run_pipeline(summarizer, EVALSET.corpus), EVALSET)
    assert report.stale_recordings()
    assert all(o.record is None for o in report.outcomes)
