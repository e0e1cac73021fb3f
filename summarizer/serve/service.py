"""What the routes share: the settings, the summarizer, the cache it reads, the batch
jobs and a limit on model calls in flight. One per app, made by `create_app`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from summarizer.extract import RecordCache, Summarizer
from summarizer.providers import LazyProvider
from summarizer.serve.errors import ApiError
from summarizer.serve.jobs import JobStore
from summarizer.settings import Settings


class Service:
    def __init__(self, settings: Settings, summarizer: Summarizer | None = None) -> None:
        self.settings = settings
        # The configured pipeline builds its provider on the first cache miss: hits are
        # served even before a model is loaded.
        self.summarizer = summarizer or Summarizer.from_settings(settings)
        # The records by article id are the ones the summarizer stores.
        cache = self.summarizer.cache
        self.cache = cache if cache is not None else RecordCache(settings.cache_dir)
        self.jobs = JobStore(settings.cache_dir / "jobs", settings.batch_concurrency)
        self.slots = threading.BoundedSemaphore(settings.max_inflight)

    def check_provider(self) -> None:
        """Build the configured provider if it is not built yet (no model is loaded: that
        waits for the first call); a ConfigError says what the configuration lacks."""
        provider = self.summarizer.provider
        if isinstance(provider, LazyProvider):
            provider.get()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """One of a bounded number of model calls in flight; beyond that, 503 at once."""
        if not self.slots.acquire(blocking=False):
            raise ApiError(503, "busy", "at the concurrency limit; retry shortly", retry_after=1)
        try:
            yield
        finally:
            self.slots.release()
