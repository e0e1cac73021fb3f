"""Intervals of micro scores and the gates drawn from them: an equally good second run
passes, a broken one fails."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from summarizer.evals import evaluation
from summarizer.evals.intervals import estimates, wilson
from summarizer.evals.scoring import ListCounts, Score
from summarizer.evals.sets import RecordingSet
from tests.evalhelp import EVALSET, as_prediction


def articles(*threats: tuple[int, int, int]) -> list[Score]:
    """One Score per article, with these (tp, fp, fn) threat counts."""
    scores = []
    for tp, fp, fn in threats:
        score = Score()
        score.lists["threats"] = ListCounts(tp, fp, fn)
        scores.append(score)
    return scores


def test_a_perfect_set_still_has_room_below_one() -> None:
    """Every article perfect: the bootstrap alone says [1, 1]; the gate does not."""
    perfect = estimates(articles(*[(3, 0, 0)] * 4))["threats.precision"]
    assert (perfect.value, perfect.low, perfect.high) == (1.0, 1.0, 1.0)
    assert 0.7 < perfect.floor < 0.8  # Wilson, 12 of 12 at 95%
    low, high = wilson(np.array([12.0]), np.array([12.0]), 0.95)
    assert low[0] == pytest.approx(0.7575, abs=1e-4) and high[0] == 1.0


def test_more_articles_narrow_the_interval() -> None:
    mixed = [(3, 0, 0), (2, 1, 1), (3, 1, 0), (1, 0, 2)]
    few, many = estimates(articles(*mixed)), estimates(articles(*mixed * 6))
    for name in ("threats.precision", "threats.recall", "threats.f1"):
        assert few[name].value == many[name].value
        assert many[name].high - many[name].low < few[name].high - few[name].low
        assert few[name].floor < many[name].floor < many[name].value


def test_the_bootstrap_is_the_same_every_time() -> None:
    mixed = articles((3, 0, 0), (2, 1, 1), (3, 1, 0), (1, 0, 2), (4, 2, 0))
    assert estimates(mixed) == estimates(mixed)


def test_f1_is_a_fraction_of_its_counts() -> None:
    counts = ListCounts(tp=9, fp=2, fn=3)
    p, r = 9 / 11, 9 / 12
    assert counts.f1 == pytest.approx(2 * p * r / (p + r))
    assert ListCounts().f1 == 1.0 and ListCounts(fp=1).f1 == 0.0


def predictions(change: Any) -> evaluation.EvalReport:
    """The seed set's gold as predictions, each record passed through `change`."""
    outcomes = []
    for article_id, gold in EVALSET.gold.items():
        record = as_prediction(gold)
        outcomes.append(evaluation.Outcome(article_id, change(article_id, record)))
    return evaluation.score(outcomes, EVALSET)


def test_a_noisy_equal_run_passes_the_gates_a_broken_one_fails(tmp_path: Any) -> None:
    """The gates of a perfect run on the seed set: a second run that claims one extra
    threat in two articles and misses an actor passes; one that claims a spurious threat
    per gold one (precision one half), or finds one threat per article, fails."""
    gates = RecordingSet(model="m", provider="openai", directory=tmp_path)
    gates = gates.with_thresholds(predictions(lambda _, r: r).estimates())

    def noisy(article_id: str, record: Any) -> Any:
        if article_id in ("003", "004"):  # a second reading of one threat, counted apart
            extra = record.threats[0].model_copy(update={"evidence": record.actors[0].evidence})
            record = record.model_copy(update={"threats": [*record.threats, extra]})
        if article_id == "001":  # an actor no threat names: the corpus keeps its links
            kept = [a for a in record.actors if a.name != "Iraqi News Agency"]
            assert len(kept) == len(record.actors) - 1
            record = record.model_copy(update={"actors": kept})
        return record

    def spurious(_: str, record: Any) -> Any:
        made_up = [
            t.model_copy(update={"evidence": record.actors[0].evidence}) for t in record.threats
        ]
        return record.model_copy(update={"threats": [*record.threats, *made_up]})

    def missed(_: str, record: Any) -> Any:
        return record.model_copy(update={"threats": record.threats[:1]})

    noisy_report = predictions(noisy)
    assert noisy_report.total.lists["threats"].precision < 0.9
    assert gates.below(noisy_report.metrics()) == []
    broken = gates.below(predictions(spurious).metrics())
    assert any(f.startswith("threats.precision = 0.500") for f in broken)
    assert any(f.startswith("threats.recall") for f in gates.below(predictions(missed).metrics()))
