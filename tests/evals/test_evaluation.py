from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import DraftRecord
from summarizer.evals import evaluation
from summarizer.evals.evalset import EVALS_DIR
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.providers.replay_handler import ReplayProvider
from summarizer.settings import Settings
from tests.evalhelp import EVALSET, as_prediction
from tests.fakes import FakeProvider


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


def test_thresholds_round_trip_and_catch_regressions(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.toml"
    metrics: dict[str, float | None] = {
        "actors.f1": 0.5,
        "schema_valid_rate": 1.0,
        "threats.action_similarity": None,
    }
    evaluation.write_thresholds(path, metrics, "some-model", tolerance=0.02)
    model, minimums = evaluation.load_thresholds(path)
    assert model == "some-model"
    assert minimums == {"actors.f1": 0.48, "schema_valid_rate": 1.0}
    assert evaluation.below_thresholds(metrics, minimums) == []
    failures = evaluation.below_thresholds({"actors.f1": 0.4, "schema_valid_rate": None}, minimums)
    assert failures == [
        "actors.f1 = 0.400, below the threshold 0.480",
        "schema_valid_rate = not measured, below the threshold 1.000",
    ]


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


def test_cli_scores_a_predictions_directory(tmp_path: Path) -> None:
    write_gold_predictions(tmp_path / "p")
    evals = tmp_path / "evals"
    shutil.copytree(EVALS_DIR, evals, ignore=shutil.ignore_patterns("recordings"))
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


def test_cli_says_how_to_re_record_when_recordings_are_stale(tmp_path: Path) -> None:
    evals = tmp_path / "evals"
    shutil.copytree(EVALS_DIR, evals, ignore=shutil.ignore_patterns("recordings"))
    result = CliRunner().invoke(
        app,
        ["eval", "--evals-dir", str(evals)],
        env={"SUMMARIZER_RECORDINGS_DIR": str(tmp_path / "empty")},
    )
    assert result.exit_code == 1
    assert "re-record with `summarizer eval --record --provider local`" in result.stderr
    assert "Traceback" not in result.output


def test_cli_fails_below_thresholds(tmp_path: Path) -> None:
    write_gold_predictions(tmp_path / "p")
    (tmp_path / "p" / "003.json").unlink()
    evals = tmp_path / "evals"
    shutil.copytree(EVALS_DIR, evals, ignore=shutil.ignore_patterns("recordings"))
    (evals / "thresholds.toml").write_text('model = "m"\n[min]\n"threats.recall" = 0.9\n')
    result = CliRunner().invoke(
        app, ["eval", "--predictions", str(tmp_path / "p"), "--evals-dir", str(evals)]
    )
    assert result.exit_code == 1
    assert "below threshold: threats.recall" in result.stderr
