import json
from pathlib import Path

import pytest

from summarizer.core import ConfigError
from summarizer.evals.evalset import load_corpus, load_gold
from tests.paths import SEED

CORPUS = load_corpus(SEED / "corpus")
TEXT = {a.id: a.text for a in CORPUS}


def test_corpus_matches_the_manifest() -> None:
    assert [a.id for a in CORPUS] == ["000", "001", "002", "003", "004"]
    assert all(a.published_at is not None for a in CORPUS)


@pytest.mark.parametrize("article_id", sorted(TEXT))
def test_every_gold_file_loads_with_exact_quotes(article_id: str) -> None:
    gold = load_gold(SEED / "gold" / f"{article_id}.json", TEXT[article_id])
    assert gold.article.id == article_id
    assert gold.actors and gold.events


def test_trailing_story_dates_stay_unresolved() -> None:
    gold = load_gold(SEED / "gold" / "004.json", TEXT["004"])
    teaser = TEXT["004"].index("UN chief expresses deep concern")
    for item in [*gold.events, *gold.threats]:
        if item.evidence[0].start is not None and item.evidence[0].start > teaser and item.when:
            assert (item.when.date, item.when.precision) == (None, "unknown")


def shifted(tmp_path: Path, edit: str) -> Path:
    data = json.loads((SEED / "gold" / "000.json").read_text(encoding="utf-8"))
    evidence = data["actors"][0]["evidence"][0]
    if edit == "offset":
        evidence["start"] += 1
    elif edit == "contract":
        data["actors"][0]["type"] = "militia"
    path = tmp_path / "000.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_quote_off_its_offsets_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"actors\[0\]: quote .* is not at"):
        load_gold(shifted(tmp_path, "offset"), TEXT["000"])


def test_a_gold_file_breaking_the_contract_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="breaks the contract"):
        load_gold(shifted(tmp_path, "contract"), TEXT["000"])
