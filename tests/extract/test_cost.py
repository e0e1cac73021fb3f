"""A record's cost: from the usage its calls reported, at its provider's price."""

from __future__ import annotations

from typing import Any

import pytest
from openai.types.completion_usage import CompletionUsage, PromptTokensDetails

from summarizer.core import DraftRecord, Price
from summarizer.extract.article import Article
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.settings import Settings
from tests.fakes import FakeProvider

PRICE = Price(input=2.0, cached_input=0.5, output=8.0)


class CachingProvider(FakeProvider):
    """Reports 1,000 prompt tokens a call, 600 of them from its prompt cache, 200 out."""

    def create(self, **request: Any) -> Any:
        answer = super().create(**request)
        answer.usage = CompletionUsage(
            prompt_tokens=1000,
            completion_tokens=200,
            total_tokens=1200,
            prompt_tokens_details=PromptTokensDetails(cached_tokens=600),
        )
        return answer


def summarizer_for(settings: Settings, draft: DraftRecord, **kwargs: Any) -> Summarizer:
    return Summarizer(CachingProvider(draft), load_prompts(), None, settings, **kwargs)


def test_the_cost_is_the_usage_at_the_price_with_cached_tokens_cheaper(
    settings: Settings, draft_000: DraftRecord, article_000: Article
) -> None:
    priced = settings.model_copy(update={"prices": {"fake/fake-model": PRICE}})
    record = summarizer_for(priced, draft_000).summarize(article_000)
    usage = record.provenance.usage
    assert (usage.prompt_tokens, usage.cached_prompt_tokens, usage.completion_tokens) == (
        1000,
        600,
        200,
    )
    assert record.provenance.cost_usd == pytest.approx((400 * 2 + 600 * 0.5 + 200 * 8) / 1e6)


def test_every_call_of_a_long_article_is_counted(
    settings: Settings, draft_000: DraftRecord, article_000: Article
) -> None:
    pieces = settings.model_copy(update={"prices": {"fake": PRICE}, "chunk_chars": 1000})
    record = summarizer_for(pieces, draft_000).summarize(article_000)
    calls = record.provenance.usage.prompt_tokens // 1000
    assert calls > 1 and record.provenance.usage.cached_prompt_tokens == 600 * calls
    assert record.provenance.cost_usd == pytest.approx(calls * 0.0027)


def test_a_batch_api_answer_costs_half(
    settings: Settings, draft_000: DraftRecord, article_000: Article
) -> None:
    priced = settings.model_copy(update={"prices": {"fake": PRICE}})
    record = summarizer_for(priced, draft_000, batch_api=True).summarize(article_000)
    assert record.provenance.cost_usd == pytest.approx(0.0027 / 2)


def test_a_model_without_a_price_has_a_null_cost_and_a_cached_record_keeps_its_own(
    summarizer: Summarizer, article_000: Article
) -> None:
    fresh = summarizer.summarize(article_000)
    assert fresh.provenance.cost_usd is None  # "fake" is in no price table
    priced = summarizer.settings.model_copy(update={"prices": {"fake": PRICE}})
    again = Summarizer(summarizer.provider, summarizer.prompts, summarizer.cache, priced)
    hit = again.summarize(article_000)
    assert hit.provenance.cached and hit.provenance.cost_usd is None
