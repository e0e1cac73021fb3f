"""The pipeline: article -> pieces -> prompt -> provider call -> validation/re-ask ->
grounding -> dates and names -> merge -> cache -> record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from summarizer.core import (
    AnswerCutOff,
    ContextExceeded,
    GenerationParams,
    Provenance,
    SummaryRecord,
    Usage,
)
from summarizer.extract.article import Article, content_id
from summarizer.extract.cache import RecordCache, cache_key
from summarizer.extract.chunking import Piece, halve, plan_for, split
from summarizer.extract.prompts import PromptSet, load_prompts
from summarizer.metrics import CACHE_LOOKUPS
from summarizer.providers import LazyProvider, Provider, capabilities_of
from summarizer.providers.prices import pricing_for
from summarizer.settings import Settings

if TYPE_CHECKING:
    from summarizer.extract.assemble import Findings


class Summarizer:
    def __init__(
        self,
        provider: Provider,
        prompts: PromptSet,
        cache: RecordCache | None,
        settings: Settings,
        *,
        batch_api: bool = False,
    ) -> None:
        self.provider = provider
        self.prompts = prompts
        self.cache = cache
        self.settings = settings
        self.capabilities = capabilities_of(provider.name)
        # What its calls cost: a Batch API's answers at its discount.
        self.pricing = pricing_for(settings, provider.name, provider.model, batch_api=batch_api)
        self.plan = plan_for(settings, self.capabilities, prompts.chars)
        self.prompt_version = prompts.version_for(self.plan)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        use_cache: bool = True,
        eager: bool = False,
        notify: Callable[[str], None] | None = None,
    ) -> Summarizer:
        """The configured pipeline: its provider is built on the first cache miss, or at
        once when `eager` (a batch should stop on a configuration it cannot run with, not
        fail every line); `notify` hears the provider's notice (the demo model's)."""
        provider = LazyProvider(settings)
        if notify is not None and provider.notice is not None:
            notify(provider.notice)
        if eager:
            provider.get()
        cache = RecordCache(settings.cache_dir) if use_cache else None
        return cls(provider, load_prompts(), cache, settings)

    def with_provider(
        self, provider: Provider, use_cache: bool = True, *, batch_api: bool = False
    ) -> Summarizer:
        """The same pipeline on another provider (one that stands in for this one), priced
        at the Batch API's discount when `batch_api`."""
        cache = self.cache if use_cache else None
        return Summarizer(provider, self.prompts, cache, self.settings, batch_api=batch_api)

    def summarize(self, article: Article, use_cache: bool = True) -> SummaryRecord:
        return (self.lookup(article) if use_cache else None) or self.extract(article, use_cache)

    def lookup(self, article: Article) -> SummaryRecord | None:
        hit = self.lookup_json(article)
        return SummaryRecord.model_validate_json(hit) if hit is not None else None

    def lookup_json(self, article: Article) -> str | None:
        """The cached record for this article as JSON, if any: no provider, no model, no
        waiting."""
        if self.cache is None:
            return None
        key = self._key(article)
        hit = self.cache.hit(key, article.meta)
        CACHE_LOOKUPS.labels("miss" if hit is None else "hit").inc()
        if hit is not None:
            self.cache.link(key, article.meta)
        return hit

    def in_cache(self, article: Article) -> bool:
        """Whether the cache holds this article's record: a look that, unlike a lookup,
        links and counts nothing."""
        return (
            self.cache is not None and self.cache.hit(self._key(article), article.meta) is not None
        )

    def _key(self, article: Article) -> str:
        return cache_key(
            article.text,
            article.meta.published_at,
            self.provider.name,
            self.provider.model,
            self.prompt_version,
            self.params(),
            self.plan,
        )

    def extract(self, article: Article, store: bool = True) -> SummaryRecord:
        """A fresh record from the model, put in the cache when `store`."""
        # Imported on a miss only: instructor and dateparser are most of the start-up time,
        # and a cache hit needs neither.
        from summarizer.extract.merge import merge
        from summarizer.extract.names import unresolved_references

        pieces = split(article.text, self.plan.chars, self.plan.overlap)
        calls = [(n, piece) for n in range(self.plan.passes) for piece in pieces]
        workers = min(
            len(calls), self.settings.chunk_concurrency if self.provider.concurrent else 1
        )
        if workers == 1:  # most articles are one call: no pool, no thread to start
            results = [self._piece(article, *call) for call in calls]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(lambda call: self._piece(article, *call), calls))
        found = merge([f for result in results for f, _ in result])
        usage = self.usage([u for result in results for _, u in result])
        provenance = Provenance(
            provider=self.provider.name,
            model=self.provider.model,
            prompt_version=self.prompt_version,
            created_at=dt.datetime.now(dt.UTC),
            cached=False,
            usage=usage,
            cost_usd=self.cost(usage),
            content_id=content_id(article.text),
        )
        record = SummaryRecord(
            article=article.meta,
            summary=found.summary,
            actors=found.actors,
            locations=found.locations,
            events=found.events,
            threats=found.threats,
            provenance=provenance,
            warnings=[*article.notes, *found.warnings],
        )
        record.warnings.extend(unresolved_references(record))
        if store and self.cache is not None:
            self.cache.put(self._key(article), record, article.text)
        return record

    @staticmethod
    def usage(calls: list[Usage]) -> Usage:
        """The tokens of every call, added up."""
        return Usage(
            prompt_tokens=sum(u.prompt_tokens for u in calls),
            completion_tokens=sum(u.completion_tokens for u in calls),
            cached_prompt_tokens=sum(u.cached_prompt_tokens for u in calls),
        )

    def cost(self, usage: Usage) -> float | None:
        """USD for these tokens at this provider's price; None where it has none."""
        if self.pricing is None:
            return None
        return self.pricing.cost(
            usage.prompt_tokens, usage.cached_prompt_tokens, usage.completion_tokens
        )

    def _piece(self, article: Article, n: int, piece: Piece) -> list[tuple[Findings, Usage]]:
        """One call's findings for one piece in pass `n`; a piece whose answer did not fit
        (cut off at max_tokens, or over the context window) is cut in two and retried."""
        from summarizer.extract.assemble import assemble
        from summarizer.extract.extraction import extract

        published = article.meta.published_at
        try:
            extraction = extract(
                self.provider,
                self.prompts.messages(piece.text, published.isoformat() if published else None),
                self.params(n),
                self.settings.max_reasks,
                self.settings.record_dir,
            )
        except (AnswerCutOff, ContextExceeded):
            halves = halve(piece, self.plan.overlap)
            if halves is None:
                raise
            return [found for half in halves for found in self._piece(article, n, half)]
        return [(assemble(extraction.draft, article, piece), extraction.usage)]

    def params(self, n: int = 0) -> GenerationParams:
        """Sampling settings; pass `n` samples with its own seed, so passes are distinct
        requests."""
        params = self.capabilities.generation(self.settings)
        return params.model_copy(update={"seed": params.seed + n}) if n else params
