"""The corpus gold loader: references resolve to gold items, and anything it cannot resolve
exactly once is refused with the file, the entry and what it found."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from summarizer.core import ConfigError
from summarizer.evals.corpusgold import CorpusGold, load_corpus_gold
from summarizer.evals.evaluation import EvalSet
from summarizer.extract import normalize_name
from tests.evalhelp import EVALSET, TEXTS
from tests.paths import CHECKOUT

FIXTURE = CHECKOUT / "tests" / "fixtures" / "corpus-gold.json"


def load(tmp_path: Path, data: dict[str, Any]) -> CorpusGold:
    path = tmp_path / "corpus-gold.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_corpus_gold(path, EVALSET.gold, TEXTS)


def one_actor(*mentions: tuple[str, str]) -> dict[str, Any]:
    listed = [{"article": a, "name": n} for a, n in mentions]
    return {"actors": [{"id": "x", "name": "X", "mentions": listed}]}


def one_threat(*reports: tuple[str, str], follows: str | None = None) -> dict[str, Any]:
    listed = [{"article": a, "quote": q} for a, q in reports]
    return {"threats": [{"id": "t", "follows": follows, "reports": listed}]}


def test_references_resolve_to_gold_items_and_the_rest_stand_alone() -> None:
    gold = load_corpus_gold(FIXTURE, EVALSET.gold, TEXTS)
    # "Kataib Hizbollah" is actor 7 of 000; "US" an alias of its actor 9; "Sudani" of 001's 9.
    assert gold.cluster("actors", ("000", 7)) == "kataib-hezbollah"
    assert gold.cluster("actors", ("000", 9)) == gold.cluster("actors", ("003", 2))
    assert gold.cluster("actors", ("001", 9)) == "mohammed-shia-al-sudani"
    assert gold.cluster("threats", ("000", 0)) == gold.cluster("threats", ("001", 0))
    assert gold.cluster("actors", ("000", 4)) == "000/actors/4"  # Israel: not listed


REFUSED = [
    (one_actor(("009", "Iran")), r"reference 0 \(009: 'Iran'\): article '009' is not in the"),
    (one_actor(("000", "Hezbollah")), "no gold actor of the article has this name or alias"),
    (
        one_actor(("000", "Iran"), ("001", "Tehran"), ("000", "Islamic republic")),
        r"reference 2 .*gold actor 1 \(Iran\), which actors\[0\] \(x\), reference 0",
    ),
    (one_threat(("000", "not in the text at all")), "the quote is not in the article's text"),
    (one_threat(("000", "Iran")), "the quote is in the article more than once"),
    (
        one_threat(("000", "Iran’s President Masoud Pezeshkian urged Iraq")),
        "no gold threat's evidence overlaps the quote",
    ),
    (one_threat(("003", TEXTS["003"][2150:2200])), r"the evidence of gold threats \[1, 2\]"),
    (
        one_threat(("001", "should the United States deepen"), follows="gone"),
        "follows 'gone', which is no other threat",
    ),
    ({"actors": [{"id": "x", "name": "X", "mentions": []}] * 2}, "id 'x' is used twice"),
    ({"actors": [{"id": "x", "mentions": []}]}, "is not in the corpus gold format"),
]


@pytest.mark.parametrize(("data", "problem"), REFUSED)
def test_what_it_cannot_resolve_once_is_refused(
    tmp_path: Path, data: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem) as refused:
        load(tmp_path, data)
    assert "corpus gold" in str(refused.value) and "corpus-gold.json" in str(refused.value)


def test_a_name_two_gold_actors_share_is_ambiguous(tmp_path: Path) -> None:
    gold = dict(EVALSET.gold)
    record = gold["000"]
    actors = list(record.actors)
    actors[11] = actors[11].model_copy(update={"aliases": ["Iran"]})  # the Iranian presidency
    gold["000"] = record.model_copy(update={"actors": actors})
    path = tmp_path / "corpus-gold.json"
    path.write_text(json.dumps(one_actor(("000", "Iran"))), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ambiguous: gold actors 1 \(Iran\), 11 \(Iranian"):
        load_corpus_gold(path, gold, TEXTS)


@pytest.mark.parametrize("name", ["seed", "stories"])
def test_every_actor_named_in_several_articles_gold_is_in_a_cluster(name: str) -> None:
    """The corpus gold lists every actor that several articles' gold records name alike
    (a name or alias equal after normalisation): a missing one would count the corpus's
    right merges against it."""
    evalset = EvalSet.load(CHECKOUT / "evals" / name)
    assert evalset.corpus_gold is not None
    clustered = {
        (article, normalize_name(mention))
        for cluster in json.loads((evalset.directory / "corpus-gold.json").read_text())["actors"]
        for article, mention in ((m["article"], m["name"]) for m in cluster["mentions"])
    }
    articles_of: dict[str, set[str]] = defaultdict(set)
    for article, gold in evalset.gold.items():
        for actor in gold.actors:
            names = {normalize_name(n) for n in actor.names}
            if not any((article, n) in clustered for n in names):
                articles_of[normalize_name(actor.name)].add(article)
    assert {n: a for n, a in articles_of.items() if len(a) > 1} == {}
