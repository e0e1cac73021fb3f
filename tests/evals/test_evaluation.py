from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import DraftRecord, ProviderError
from summarizer.evals import evaluation
from summarizer.evals.evaluation import EvalSet
from summarizer.evals.sets import load_set
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.providers.replay_handler import ReplayProvider
from summarizer.settings import Settings
from tests.cli.invoke import one_line_error
from tests.evalhelp import EVALSET, as_prediction
from tests.fakes import FakeProvider
from tests.paths import SEED


def write_gold_predictions(directory: Path) -> None:
    directory.mkdir()
    for article_id, gold in EVALSET.gold.items():
        record = as_prediction(gold)
        (directory / f"{article_id}.json").write_text(record.model_dump_json(), encoding="utf-8")


def test_predictions_pair_by_id_then_stem_and_invalid_files_count(tmp_path: Path) -> None:
    write_gold_predictions(tmp_path / "p")
    renamed = tmp_path / "p" / "whatever.json"
    (tmp_path / "p" / "001.json").rename(renamed)  # still paired: by article.id
    (tmp_path / "p" / "002.json").write_text('{"schema_version": "1"}')  # invalid
    (tmp_path / "p" / "003.json").unlink()  # missing
    outcomes = {o.id: o for o in evaluation.read_predictions(tmp_path / "p", EVALSET.corpus)}
    assert outcomes["001"].record is not None
    assert outcomes["002"].record is None and "not contract-valid" in str(outcomes["002"].error)
    assert outcomes["003"].record is None and outcomes["003"].error == "no prediction file"
    report = evaluation.score(list(outcomes.values()), EVALSET)
    assert report.total.schema_valid.mean == pytest.approx(3 / 5)


def test_record_replaces_old_recordings_and_replay_reproduces_the_run(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    (recordings / "stale.json").write_text("{}")
    settings = Settings(cache_dir=tmp_path / "cache")
    fake = FakeProvider("not json", draft_000)  # the first article needs a re-ask
    recorded = evaluation.record(
        Summarizer(fake, load_prompts(), None, settings), EVALSET.corpus, recordings
    )
    files = sorted(p.name for p in recordings.glob("*.json"))
    assert "stale.json" not in files and len(files) == len(EVALSET.corpus) + 1
    replay = Summarizer(ReplayProvider(recordings), load_prompts(), None, settings)
    replayed = evaluation.run_pipeline(replay, EVALSET.corpus)
    for a, b in zip(recorded, replayed, strict=True):
        assert a.record is not None and b.record is not None
        assert a.record.model_dump(exclude={"provenance"}) == b.record.model_dump(
            exclude={"provenance"}
        )


def test_cli_outside_a_checkout_says_where_it_looked(tmp_path: Path) -> None:
    """The eval data is the working directory's evals/ (here there is none)."""
    result = CliRunner().invoke(app, ["eval"])
    assert result.exit_code == 2
    one_line_error(result.stderr, "--evals-dir")
    assert str((tmp_path / "evals").resolve()) in result.stderr


def test_cli_scores_a_predictions_directory(tmp_path: Path) -> None:
    write_gold_predictions(tmp_path / "p")
    evals = copy_evals(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--predictions",
            str(tmp_path / "p"),
            "--evals-dir",
            str(evals),
            "--report",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["micro"]["threats.f1"] == 1.0 and report["micro"]["schema_valid_rate"] == 1.0
    assert set(report["articles"]) == {"000", "001", "002", "003", "004"}


def make_set(
    evals: Path, draft: DraftRecord, model: str, eval_set: str = "seed", **minimums: float
) -> Path:
    """A recording set made by recording a fake model over an eval set's corpus."""
    settings = Settings(cache_dir=evals / "cache")
    fake = FakeProvider(draft)
    fake.model = model
    summarizer = Summarizer(fake, load_prompts(), None, settings)
    result = evaluation.record_set(EvalSet.load(evals / eval_set), summarizer, True)
    result.recording_set.model_copy(update={"min": minimums or result.recording_set.min}).save()
    return result.recording_set.directory


def copy_evals(tmp_path: Path) -> Path:
    """An evals directory holding a copy of the seed set without its recordings."""
    evals = tmp_path / "evals"
    shutil.copytree(SEED, evals / "seed", ignore=shutil.ignore_patterns("recordings"))
    return evals


def test_recording_a_set_writes_its_model_settings_and_thresholds(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    directory = make_set(copy_evals(tmp_path), draft_000, "Fake Model 1.0")
    assert directory.name == "fake-model-1-0"
    assert len(list(directory.glob("*.json"))) == len(EVALSET.corpus)
    saved = load_set(directory)
    assert (saved.model, saved.provider) == ("Fake Model 1.0", "fake")
    assert saved.settings["chunk_chars"] == 8000 and saved.settings["passes"] == 1
    assert saved.min["schema_valid_rate"] == 1.0 and "threats.f1" in saved.min


def test_cli_replays_every_set_side_by_side_and_one_by_model(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    evals = copy_evals(tmp_path)
    make_set(evals, draft_000, "model-a")
    make_set(evals, draft_000, "model-b")
    report = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["eval", "--evals-dir", str(evals), "--report", str(report)])
    assert result.exit_code == 0, result.output
    # The report is the output (`summarizer eval > eval.txt`); notices stay on stderr.
    assert "side by side" in result.stdout and "side by side" not in result.stderr
    assert "eval took" in result.stderr and "eval took" not in result.stdout
    sets = json.loads(report.read_text())["eval_sets"]["seed"]["recording_sets"]
    assert set(sets) == {"model-a", "model-b"}
    assert sets["model-a"]["provider"] == "replay" and sets["model-a"]["model"] == "model-a"
    assert set(sets["model-b"]["articles"]) == {"000", "001", "002", "003", "004"}
    one = CliRunner().invoke(
        app, ["eval", "--evals-dir", str(evals), "--model", "model-b", "--report", str(report)]
    )
    replayed = json.loads(report.read_text())["eval_sets"]["seed"]["recording_sets"]
    assert one.exit_code == 0 and set(replayed) == {"model-b"}
    none = CliRunner().invoke(app, ["eval", "--evals-dir", str(evals), "--model", "gpt-9"])
    assert none.exit_code == 2 and "no recording set for model 'gpt-9'" in none.stderr


def test_cli_says_how_to_re_record_when_recordings_are_stale(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    evals = copy_evals(tmp_path)
    directory = make_set(evals, draft_000, "m")
    for recording in directory.glob("*.json"):
        recording.unlink()
    load_set(directory).model_copy(update={"provider": "local"}).save()
    result = CliRunner().invoke(app, ["eval", "--evals-dir", str(evals)])
    assert result.exit_code == 1
    assert "re-record with `summarizer eval --record --set seed --provider local`" in result.stderr
    assert "Traceback" not in result.output


def test_cli_fails_when_a_set_is_below_its_thresholds(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    evals = copy_evals(tmp_path)
    make_set(evals, draft_000, "weak", **{"threats.recall": 0.9})
    result = CliRunner().invoke(app, ["eval", "--evals-dir", str(evals)])
    assert result.exit_code == 1
    assert "seed/weak: below threshold: threats.recall" in result.stderr


def test_an_incomplete_recording_run_leaves_the_set_as_it_was(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    evals = copy_evals(tmp_path)
    directory = make_set(evals, draft_000, "fake-model")
    before = {p.name: p.read_text() for p in directory.iterdir()}
    settings = Settings(cache_dir=tmp_path / "cache")
    failing = FakeProvider(draft_000, draft_000, ProviderError("endpoint down"))
    summarizer = Summarizer(failing, load_prompts(), None, settings)
    result = evaluation.record_set(EvalSet.load(evals / "seed"), summarizer, True)
    assert result.report.failed_articles() == ["002", "003", "004"]
    assert {p.name: p.read_text() for p in directory.iterdir()} == before
