"""What articles would cost before any model is called: the requests the pipeline would
send for each (every piece and pass, learnt by a capturing provider, as the Batch API's
are), their tokens counted, the answers' tokens estimated, all priced."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from summarizer.batch.inputs import BatchItem
from summarizer.core import SummarizerError
from summarizer.extract import Article, Summarizer, build_article
from summarizer.extract.chunking import split
from summarizer.providers.deferred import Capturing
from summarizer.providers.prices import Pricing, pricing_for
from summarizer.providers.tokens import token_counter

# Expected answer tokens per character of article: the capable model's recorded answers
# (claude-standin, the 47 requests of the seed, conventions and stories sets) run to 6.0
# answer characters per article character, 1.5 tokens at four characters a token.
# `tests/batch/test_dry_run.py` derives it again from the recordings.
ANSWER_TOKENS_PER_CHAR = 1.5


@dataclass
class Tokens:
    """The calls of some articles and their tokens: the prompts counted, the answers
    estimated (expected, and at most max_tokens a call)."""

    calls: int = 0
    pieces: int = 0
    input: int = 0
    static: int = 0  # of `input`, the system prompt and schema, the same in every call
    output: int = 0
    output_most: int = 0

    def add(self, other: Tokens) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def cost(self, pricing: Pricing, *, most: bool = False, prefix_cached: bool = False) -> float:
        """USD for these calls: the expected answers, or the longest (`most`); every prompt
        token at the input price, or the static part of every call after the first at the
        cached price (`prefix_cached`, a provider's prompt cache at its best)."""
        cached = self.static - self.static // self.calls if prefix_cached and self.calls else 0
        return pricing.cost(self.input, cached, self.output_most if most else self.output)


class Estimator:
    """Counts what an article's calls would send, without calling a model."""

    def __init__(
        self, summarizer: Summarizer, *, use_cache: bool = True, batch_api: bool = False
    ) -> None:
        provider = summarizer.provider
        self.summarizer = summarizer
        self.use_cache = use_cache
        self.counter = token_counter(provider.model)
        self.pricing = pricing_for(
            summarizer.settings, provider.name, provider.model, batch_api=batch_api
        )
        self.max_tokens = summarizer.params().max_tokens

    def tokens(self, article: Article, requests: Collection[dict[str, Any]]) -> Tokens:
        """The article's calls (`requests_of` it), as the pipeline would make them with
        these settings."""
        plan = self.summarizer.plan
        pieces = split(article.text, plan.chars, plan.overlap)
        answers = [
            min(self.max_tokens, math.ceil(ANSWER_TOKENS_PER_CHAR * len(p.text))) for p in pieces
        ]
        return Tokens(
            calls=len(requests),
            pieces=len(pieces),
            input=sum(self.counter.request(r) for r in requests),
            static=sum(self.counter.static(r) for r in requests),
            output=sum(answers) * plan.passes,
            output_most=self.max_tokens * len(requests),
        )

    def most(self, item: BatchItem) -> float:
        """The most the item's calls would cost (the longest answers): 0 when it makes
        none, or has no price."""
        article = to_call(self.summarizer, item, self.use_cache)
        if self.pricing is None or isinstance(article, str):
            return 0.0
        requests = requests_of(self.summarizer, article).values()
        return self.tokens(article, requests).cost(self.pricing, most=True)


def to_call(
    summarizer: Summarizer, item: BatchItem, use_cache: bool
) -> Article | Literal["unreadable", "cached"]:
    """The article whose calls a run would make for `item`, or why it makes none: it
    cannot be read (its error line needs no call), or the cache holds its record."""
    if item.request is None:
        return "unreadable"
    try:
        article = build_article(item.request, summarizer.settings.max_chars, item.source)
    except SummarizerError:
        return "unreadable"
    return "cached" if use_cache and summarizer.in_cache(article) else article


def requests_of(summarizer: Summarizer, article: Article) -> dict[str, dict[str, Any]]:
    """The requests the pipeline sends for the article (every piece and pass), by their
    hash, learnt by a capturing provider."""
    capturing = Capturing(summarizer.provider)
    summarizer.with_provider(capturing, use_cache=False).extract(article, store=False)
    return capturing.requests
