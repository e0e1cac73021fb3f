"""What the routes share: the settings, the API keys, the summarizer, the cache it reads,
the batch jobs and the limits on model calls in flight. One per app, made by `create_app`."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from summarizer import pages
from summarizer.extract import RecordCache, Summarizer
from summarizer.providers import LazyProvider
from summarizer.serve import context
from summarizer.serve.errors import ApiError
from summarizer.serve.jobs import JobStore
from summarizer.serve.keys import api_keys
from summarizer.settings import Settings


class Service:
    def __init__(self, settings: Settings, summarizer: Summarizer | None = None) -> None:
        self.settings = settings
        self.keys = api_keys(settings)  # a bad key file stops the server here
        # The configured pipeline builds its provider on the first cache miss: hits are
        # served even before a model is loaded.
        self.summarizer = summarizer or Summarizer.from_settings(settings)
        # The records by article id are the ones the summarizer stores.
        cache = self.summarizer.cache
        self.cache = cache if cache is not None else RecordCache(settings.cache_dir)
        # How a request's URL may be fetched: not at all unless the server allows it.
        self.fetch = pages.Limits.of(settings) if settings.api_fetch else None
        self.jobs = JobStore(settings.cache_dir / "jobs", settings.batch_concurrency, self.fetch)
        # Cache misses in flight by key name, under both limits.
        self.inflight: Counter[str] = Counter()
        self._inflight_lock = threading.Lock()

    def check_provider(self) -> None:
        """Build the configured provider if it is not built yet (no model is loaded: that
        waits for the first call); a ConfigError says what the configuration lacks."""
        provider = self.summarizer.provider
        if isinstance(provider, LazyProvider):
            provider.get()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """One of a bounded number of model calls in flight, and of a smaller number for
        the request's key, so one key cannot take them all; beyond either, an error at once
        with Retry-After. The messages name the limit, never the key."""
        key = context.current.get().key
        with self._inflight_lock:
            self._check_room(key)
            self.inflight[key] += 1
        try:
            yield
        finally:
            with self._inflight_lock:
                self.inflight[key] -= 1

    def _check_room(self, key: str) -> None:
        if self.inflight.total() >= self.settings.max_inflight:
            raise ApiError(503, "busy", "at the concurrency limit; retry shortly", retry_after=1)
        # Without keys every caller is `anonymous`: one share would be a smaller global limit.
        limit = self.settings.key_max_inflight
        if self.keys and self.inflight[key] >= limit:
            message = f"this key is at its limit of cache misses in flight ({limit}); retry shortly"
            raise ApiError(429, "key_busy", message, retry_after=1)
