"""Corpus scores: B-cubed on hand-made clusters, and `summarizer eval` on a set with corpus
gold (its table, its JSON report, its thresholds)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.evals.bcubed import bcubed
from summarizer.evals.sets import load_set
from tests.paths import CHECKOUT, SEED

FIXTURE = CHECKOUT / "tests" / "fixtures" / "corpus-gold.json"


def clusters(*groups: str) -> dict[str, str]:
    """Items (letters) by cluster: clusters("ab", "c") puts a and b in one, c alone."""
    return {item: group for group in groups for item in group}


def test_the_textbook_example() -> None:
    # Gold {a, b, c} {d, e}; predicted {a, b} {c, d, e}. Precision per item: a, b 2/2; c 1/3;
    # d, e 2/3, mean 11/15. Recall per item: a, b 2/3; c 1/3; d, e 2/2, mean 11/15.
    score = bcubed(clusters("ab", "cde"), clusters("abc", "de"), total=6)
    assert score.precision == pytest.approx(11 / 15)
    assert score.recall == pytest.approx(11 / 15)
    assert score.f1 == pytest.approx(11 / 15)
    assert score.coverage == pytest.approx(5 / 6)


def test_one_cluster_for_all_is_all_recall_and_singletons_all_precision() -> None:
    gold = clusters("ab", "cd", "e")
    lumped = bcubed(clusters("abcde"), gold, total=5)
    assert lumped.recall == 1.0
    assert lumped.precision == pytest.approx((2 / 5 * 4 + 1 / 5) / 5)
    split = bcubed(clusters("a", "b", "c", "d", "e"), gold, total=5)
    assert split.precision == 1.0 and split.recall == pytest.approx((1 / 2 * 4 + 1) / 5)
    assert bcubed(clusters("ab", "cd", "e"), gold, total=5).f1 == 1.0


def test_nothing_scored_is_not_measured() -> None:
    empty = bcubed({}, {}, total=3)
    assert (empty.precision, empty.recall, empty.f1, empty.coverage) == (None, None, None, 0.0)
    assert bcubed({}, {}, total=0).coverage is None


def test_eval_reports_and_gates_the_corpus_scores(tmp_path: Path) -> None:
    evals = tmp_path / "evals"
    shutil.copytree(SEED, evals / "seed", ignore=shutil.ignore_patterns("smollm2*"))
    shutil.copy(FIXTURE, evals / "seed" / "corpus-gold.json")
    report = tmp_path / "report.json"
    args = ["eval", "--evals-dir", str(evals), "--report", str(report)]
    result = CliRunner().invoke(app, [*args, "--update-thresholds"])
    assert result.exit_code == 0, result.output
    assert "corpus.threats.bcubed_f1" in result.stdout and "(no interval)" in result.stdout
    scored = json.loads(report.read_text())["eval_sets"]["seed"]["recording_sets"]
    micro = scored["claude-standin"]["micro"]
    # The Kataib Hezbollah threat of 000 and 001 is one ledger entry, as the gold says.
    assert micro["corpus.threats.bcubed_precision"] == micro["corpus.threats.bcubed_recall"] == 1
    # The fixture lists few of the seed's shared actors: those it leaves alone cost precision.
    assert micro["corpus.actors.bcubed_recall"] == 1 > micro["corpus.actors.bcubed_precision"]
    assert "corpus.actors.bcubed_f1" not in scored["claude-standin"]["micro_interval"]
    gates = load_set(evals / "seed" / "recordings" / "claude-standin").min
    corpus = {n: v for n, v in micro.items() if n.startswith("corpus.")}
    assert {n: gates[n] for n in corpus} == {
        n: pytest.approx(max(0.0, v - 0.1), abs=0.001) for n, v in corpus.items()
    }
    # A corpus worse than its gate fails the run.
    gold = json.loads(FIXTURE.read_text(encoding="utf-8"))
    gold["threats"] = []  # now the two reports are two threats, which the ledger joins
    (evals / "seed" / "corpus-gold.json").write_text(json.dumps(gold), encoding="utf-8")
    failed = CliRunner().invoke(app, args)
    assert failed.exit_code == 1
    assert "below threshold: corpus.threats.bcubed_precision" in failed.stderr
