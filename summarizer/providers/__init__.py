"""Providers: handlers behind one interface (`base.Provider`), registered as data
(`router.ProviderSpec`) and chosen by name.

A provider is known by its spec before it is built: the cache key needs only its identity
(name, model, mode), so a cache hit never loads a model or imports an SDK. `LazyProvider`
builds the handler on its first call. Adding one: `providers/README.md`.
"""

from __future__ import annotations

import threading
from typing import Any

from summarizer.providers.base import Provider
from summarizer.providers.router import (
    BatchLimits,
    Capabilities,
    ProviderSpec,
    capabilities_of,
    chosen,
    register,
    registered,
    require_usable,
    spec_for,
    unregister,
)
from summarizer.settings import Settings

__all__ = [
    "BatchLimits",
    "Capabilities",
    "LazyProvider",
    "Provider",
    "ProviderSpec",
    "capabilities_of",
    "register",
    "registered",
    "require_usable",
    "spec_for",
    "unregister",
]


class LazyProvider:
    """The configured provider: its identity at once, the handler on first use."""

    def __init__(self, settings: Settings) -> None:
        self.spec = chosen(settings)
        self.name = self.spec.name
        self.model, self.mode = self.spec.identify(settings)
        self.concurrent = self.spec.capabilities.concurrent
        self.notice = self.spec.notice(settings)
        self._settings = settings
        self._built: Provider | None = None
        self._lock = threading.Lock()

    def get(self) -> Provider:
        """The handler, built once; a ConfigError says what the configuration lacks."""
        built = self._built
        if built is not None:  # every call after the first: no lock for 64 threads to share
            return built
        with self._lock:
            if self._built is None:
                require_usable(self._settings)
                self._built = self.spec.build(self._settings)
            return self._built

    def create(self, **request: Any) -> Any:
        return self.get().create(**request)
