import datetime as dt
import json
from pathlib import Path

import pytest

from summarizer.core import ArticleMeta, ChunkPlan, GenerationParams, SummaryRecord
from summarizer.extract import content_id
from summarizer.extract.cache import RecordCache, cache_key
from summarizer.extract.pipeline import Summarizer
from tests.conftest import corpus_article
from tests.fakes import FakeProvider

BASE = {
    "text": "News.",
    "published_at": dt.date(2025, 6, 15),
    "provider": "local",
    "model": "m",
    "prompt_version": "p-1",
    "params": GenerationParams(),
    "plan": ChunkPlan(chars=8000, overlap=300, passes=1),
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "News!"),
        ("published_at", None),
        ("provider", "openai"),
        ("model", "m2"),
        ("prompt_version", "p-2"),
        ("params", GenerationParams(temperature=0.5)),
        ("params", GenerationParams(max_tokens=10)),
        ("plan", ChunkPlan(chars=4000, overlap=300, passes=1)),
        ("plan", ChunkPlan(chars=8000, overlap=100, passes=1)),
        ("plan", ChunkPlan(chars=8000, overlap=300, passes=2)),
    ],
)
def test_every_input_of_the_answer_changes_the_key(field: str, value: object) -> None:
    assert cache_key(**BASE) == cache_key(**BASE)  # type: ignore[arg-type]
    assert cache_key(**{**BASE, field: value}) != cache_key(**BASE)  # type: ignore[arg-type]


def test_miss_then_hit_without_calling_the_model(
    summarizer: Summarizer, fake: FakeProvider
) -> None:
    article = corpus_article("000")
    first = summarizer.summarize(article)
    second = summarizer.summarize(article)
    assert len(fake.requests) == 1
    assert (first.provenance.cached, second.provenance.cached) == (False, True)
    assert second.model_copy(update={"provenance": first.provenance}) == first
    assert second.provenance.created_at == first.provenance.created_at


def test_hit_carries_this_callers_metadata(summarizer: Summarizer) -> None:
    summarizer.summarize(corpus_article("000"))
    other = corpus_article("000")
    other = type(other)(
        text=other.text, meta=other.meta.model_copy(update={"id": "x", "title": "T"})
    )
    hit = summarizer.summarize(other)
    assert hit.provenance.cached and (hit.article.id, hit.article.title) == ("x", "T")


def test_no_cache_neither_reads_nor_writes(summarizer: Summarizer, fake: FakeProvider) -> None:
    article = corpus_article("000")
    summarizer.summarize(article, use_cache=False)
    summarizer.summarize(article, use_cache=False)
    assert len(fake.requests) == 2
    assert summarizer.cache is not None and summarizer.cache.stats().entries == 0


def test_stats_and_clear(summarizer: Summarizer) -> None:
    summarizer.summarize(corpus_article("000"))
    cache = summarizer.cache
    assert cache is not None
    stats = cache.stats()
    assert stats.entries == 1 and stats.size_bytes > 0
    assert cache.clear() == 1 and cache.stats().entries == 0


def test_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    cache = RecordCache(tmp_path)
    cache._cache.set("k", '{"schema_version": "0"}')
    assert cache.hit("k", ArticleMeta(id="a", title=None, url=None, published_at=None)) is None


def test_a_record_cached_before_content_ids_is_still_a_hit(summarizer: Summarizer) -> None:
    """Entries written by an earlier version have no `content_id` and no `source`."""
    article = corpus_article("000")
    made = summarizer.summarize(article)
    assert made.provenance.content_id == content_id(article.text)
    cache = summarizer.cache
    assert cache is not None
    key = summarizer._key(article)
    old = json.loads(made.model_dump_json())
    del old["provenance"]["content_id"], old["article"]["source"]
    cache._cache.set(key, json.dumps(old))
    hit = summarizer.summarize(article)
    assert hit.provenance.cached and hit.provenance.content_id is None
    assert hit.model_copy(update={"provenance": made.provenance}) == made


def test_where_a_batch_read_an_article_is_not_served_by_id(summarizer: Summarizer) -> None:
    """The API serves records by id from the cache; a local path is the batch's own."""
    article = corpus_article("000")
    read = type(article)(
        text=article.text, meta=article.meta.model_copy(update={"source": "/home/me/000.txt"})
    )
    assert summarizer.summarize(read).article.source == "/home/me/000.txt"
    cache = summarizer.cache
    assert cache is not None
    served = SummaryRecord.model_validate_json(cache.by_id("000") or "")
    assert served.article.source is None and served.article.id == "000"
