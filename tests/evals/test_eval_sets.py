"""Several eval sets under one evals directory: each found, replayed and reported on its
own; `--set` picks one; predictions are checked against a chosen set's thresholds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import ConfigError, DraftRecord
from summarizer.evals import evaluation
from summarizer.evals.sets import load_set
from tests.evalhelp import as_prediction
from tests.evals.test_evaluation import make_set

ARTICLES = {
    "a": "Northland's defence minister Ana Berg said on Monday that Northland would close "
    "the Vell crossing if Southland moved troops to the river.",
    "b": "Southland's army held drills near the river on Tuesday, its spokesman said.",
}


def evidence(text: str, quote: str) -> list[dict[str, Any]]:
    start = text.index(quote)
    return [{"quote": quote, "start": start, "end": start + len(quote), "grounded": True}]


def actor(text: str, name: str, kind: str) -> dict[str, Any]:
    return {
        "name": name,
        "aliases": [],
        "type": kind,
        "country": None,
        "title": None,
        "affiliation": None,
        "evidence": evidence(text, name),
    }


def gold(article_id: str, text: str) -> dict[str, Any]:
    threats = []
    if article_id == "a":
        threats.append(
            {
                "issuer": "Northland",
                "speaker": "Ana Berg",
                "targets": ["Southland"],
                "condition": "Southland moved troops to the river",
                "action": "close the Vell crossing",
                "action_type": "restrict",
                "conditional": True,
                "when": None,
                "evidence": evidence(text, "Northland would close the Vell crossing"),
            }
        )
    return {
        "article": {"id": article_id, "title": None, "url": None, "published_at": "2025-03-04"},
        "summary": text,
        "actors": [actor(text, "Southland", "state")],
        "locations": [],
        "events": [],
        "threats": threats,
    }


def write_set(evals: Path, name: str) -> Path:
    """A tiny eval set of two articles, laid out as a checkout's evals/<name>/."""
    directory = evals / name
    (directory / "corpus").mkdir(parents=True)
    (directory / "gold").mkdir()
    manifest = []
    for article_id, text in ARTICLES.items():
        (directory / "corpus" / f"{article_id}.txt").write_text(text, encoding="utf-8")
        manifest.append(
            {"id": article_id, "file": f"{article_id}.txt", "published_at": "2025-03-04"}
        )
        record = gold(article_id, text)
        (directory / "gold" / f"{article_id}.json").write_text(json.dumps(record), encoding="utf-8")
    (directory / "corpus" / "manifest.json").write_text(json.dumps({"articles": manifest}))
    (directory / "aliases.json").write_text(json.dumps({"groups": []}))
    return directory


def test_every_directory_with_a_corpus_is_an_eval_set(tmp_path: Path) -> None:
    write_set(tmp_path, "tiny")
    write_set(tmp_path, "other")
    (tmp_path / "notes").mkdir()  # no corpus/manifest.json: not a set
    assert [e.name for e in evaluation.eval_sets(tmp_path)] == ["other", "tiny"]
    tiny = evaluation.eval_sets(tmp_path, "tiny")
    assert [e.name for e in tiny] == ["tiny"] and set(tiny[0].gold) == {"a", "b"}
    with pytest.raises(ConfigError, match=r"no eval set 'nope' in .* \(there are: other, tiny\)"):
        evaluation.eval_sets(tmp_path, "nope")


def test_cli_replays_every_eval_set_and_one_with_set(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    evals = tmp_path / "evals"
    write_set(evals, "tiny")
    write_set(evals, "other")
    make_set(evals, draft_000, "model-a", "tiny")
    make_set(evals, draft_000, "model-a", "other")
    make_set(evals, draft_000, "model-b", "other")
    report = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["eval", "--evals-dir", str(evals), "--report", str(report)])
    assert result.exit_code == 0, result.output
    eval_sets = json.loads(report.read_text())["eval_sets"]
    assert {n: set(e["recording_sets"]) for n, e in eval_sets.items()} == {
        "tiny": {"model-a"},
        "other": {"model-a", "model-b"},
    }
    assert "other: recording sets side by side" in result.stdout
    assert "tiny/model-a: micro scores" in result.stdout
    one = CliRunner().invoke(
        app, ["eval", "--evals-dir", str(evals), "--set", "tiny", "--report", str(report)]
    )
    assert one.exit_code == 0, one.output
    assert set(json.loads(report.read_text())["eval_sets"]) == {"tiny"}
    unknown = CliRunner().invoke(app, ["eval", "--evals-dir", str(evals), "--set", "nope"])
    assert unknown.exit_code == 2 and "no eval set 'nope'" in unknown.stderr


def test_update_thresholds_draws_them_from_the_replayed_scores(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    evals = tmp_path / "evals"
    write_set(evals, "tiny")
    directory = make_set(evals, draft_000, "m", "tiny", **{"actors.recall": 0.99})
    args = ["eval", "--evals-dir", str(evals), "--report", str(tmp_path / "r.json")]
    result = CliRunner().invoke(app, [*args, "--update-thresholds"])
    assert result.exit_code == 0, result.output
    saved = load_set(directory)
    scored = json.loads((tmp_path / "r.json").read_text())["eval_sets"]["tiny"]
    micro = scored["recording_sets"]["m"]["micro"]
    assert saved.min.keys() == {n for n, v in micro.items() if v is not None}
    assert saved.min["schema_valid_rate"] == 1.0 and saved.min["actors.recall"] < 0.99
    assert all(saved.min[n] <= micro[n] for n in saved.min)
    assert CliRunner().invoke(app, args).exit_code == 0  # the set now passes its own gates


def write_predictions(directory: Path, evals: Path, change: Any = lambda r: r) -> Path:
    directory.mkdir()
    for article_id, record in evaluation.EvalSet.load(evals / "tiny").gold.items():
        prediction = change(as_prediction(record))
        (directory / f"{article_id}.json").write_text(prediction.model_dump_json())
    return directory


def test_predictions_are_checked_against_a_chosen_sets_thresholds(
    tmp_path: Path, draft_000: DraftRecord
) -> None:
    evals = tmp_path / "evals"
    write_set(evals, "tiny")
    write_set(evals, "other")
    make_set(evals, draft_000, "m", "tiny", **{"threats.recall": 0.5})
    good = write_predictions(tmp_path / "good", evals)
    no_threats = write_predictions(
        tmp_path / "bad", evals, lambda r: r.model_copy(update={"threats": []})
    )
    score = ["eval", "--evals-dir", str(evals), "--set", "tiny", "--gates", "m", "--predictions"]
    passed = CliRunner().invoke(app, [*score, str(good)])
    assert passed.exit_code == 0, passed.output
    failed = CliRunner().invoke(app, [*score, str(no_threats)])
    assert failed.exit_code == 1
    assert "tiny/m: below threshold: threats.recall = 0.000" in failed.stderr
    both = CliRunner().invoke(app, ["eval", "--evals-dir", str(evals), "--predictions", str(good)])
    assert both.exit_code == 2 and "name it with --set (other, tiny)" in both.stderr
