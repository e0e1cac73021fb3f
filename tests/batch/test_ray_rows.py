"""A Ray row carries the whole read article: the worker's record says what reading its
page found, as the in-process engine's does. The row functions run here without Ray."""

from __future__ import annotations

from pathlib import Path

from bench.stub_server import StubConfig, StubServer
from summarizer.batch import item_for, run_batch
from summarizer.batch.ray_engine import SummarizeRows
from summarizer.batch.ray_inputs import row_of
from summarizer.core import ArticleRequest, SummaryRecord
from summarizer.extract import Summarizer
from summarizer.io import ResultFile, Shards, iter_results
from summarizer.settings import Settings
from tests.pages.server import PAGE

NOTE = "published_at: from the page's metadata"


def test_a_ray_row_keeps_the_page_s_notes(tmp_path: Path) -> None:
    item = item_for(ArticleRequest(html=PAGE.decode(), id="page"))
    assert item.request is not None and item.request.notes == (NOTE,)
    with StubServer(StubConfig()) as stub:
        settings = Settings(
            provider="openai",
            openai_api_key="sk-test",
            openai_base_url=stub.url,
            model="stub-model",
            cache_dir=tmp_path / "cache",
        )
        row = row_of(item)
        shards = Shards.next_run(tmp_path / "shards")
        worker = SummarizeRows(settings, use_cache=False, threads=1, shards=shards)
        tally = worker({k: [v] for k, v in row.items()})
        results = ResultFile(tmp_path / "local.jsonl")
        run_batch(
            Summarizer.from_settings(settings, use_cache=False), [item], results, concurrency=1
        )
        results.close()
    assert '"ok": 1' in tally["tally"][0]
    (from_ray,) = iter_results(tmp_path / "shards")
    (local,) = iter_results(tmp_path / "local.jsonl")
    assert isinstance(local, SummaryRecord) and isinstance(from_ray, SummaryRecord)
    assert NOTE in from_ray.warnings and from_ray.warnings == local.warnings
    assert from_ray.article == local.article
