"""The pipeline: article -> prompt -> provider call -> validation/re-ask -> grounding ->
dates and names -> cache -> record."""

from __future__ import annotations

import datetime as dt

from summarizer.core import Provenance, SummaryRecord
from summarizer.extract.article import Article
from summarizer.extract.cache import RecordCache, cache_key
from summarizer.extract.prompts import PromptSet
from summarizer.providers import Provider
from summarizer.settings import Settings


class Summarizer:
    def __init__(
        self,
        provider: Provider,
        prompts: PromptSet,
        cache: RecordCache | None,
        settings: Settings,
    ) -> None:
        self.provider = provider
        self.prompts = prompts
        self.cache = cache
        self.settings = settings

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
        if hit is not None:
            self.cache.link(key, article.meta)
        return hit

    def _key(self, article: Article) -> str:
        return cache_key(
            article.text,
            article.meta.published_at,
            self.provider.name,
            self.provider.model,
            self.prompts.version,
            self.settings.generation(),
        )

    def extract(self, article: Article, store: bool = True) -> SummaryRecord:
        """A fresh record from the model, put in the cache when `store`."""
        # Imported on a miss only: instructor and dateparser are most of the start-up time,
        # and a cache hit needs neither.
        from summarizer.extract.assemble import assemble
        from summarizer.extract.extraction import extract

        params = self.settings.generation()
        published = article.meta.published_at
        extraction = extract(
            self.provider,
            self.prompts.messages(article.text, published.isoformat() if published else None),
            params,
            self.settings.max_reasks,
            self.settings.record_dir,
        )
        provenance = Provenance(
            provider=self.provider.name,
            model=self.provider.model,
            prompt_version=self.prompts.version,
            created_at=dt.datetime.now(dt.UTC),
            cached=False,
            usage=extraction.usage,
        )
        record = assemble(extraction.draft, article, provenance)
        if store and self.cache is not None:
            self.cache.put(self._key(article), record)
        return record
