"""Provider handlers behind one interface, chosen by name.

A provider is known by its identity (name, model, mode) before it is built: the cache key
needs only that, so a cache hit never loads a model or imports an SDK. `LazyProvider`
builds the handler on its first call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from summarizer.choices import ProviderName
from summarizer.providers import local_handler
from summarizer.providers.base import Provider
from summarizer.record import load_recordings, recorded_identity
from summarizer.settings import Settings

DEMO_NOTICE = (
    "summarizer: using the built-in demo model SmolLM2-135M (tiny: expect poor answers). "
    "For real results set SUMMARIZER_PROVIDER=openai with OPENAI_API_KEY (or OPENAI_BASE_URL) "
    "and SUMMARIZER_MODEL, or SUMMARIZER_LOCAL_MODEL_PATH to a larger GGUF model."
)

__all__ = [
    "DEMO_NOTICE",
    "Identity",
    "LazyProvider",
    "Provider",
    "identify",
    "is_demo_default",
    "make_provider",
    "provider_name",
]


@dataclass(frozen=True)
class Identity:
    name: ProviderName
    model: str
    mode: str
    concurrent: bool


def provider_name(settings: Settings) -> ProviderName:
    """The configured provider; with none configured, `local` if it is installed."""
    if settings.provider is not None:
        return settings.provider
    return "local" if local_handler.is_installed() else "openai"


def is_demo_default(settings: Settings) -> bool:
    return (
        settings.provider is None
        and settings.local_model_path is None
        and (provider_name(settings) == "local")
    )


def identify(settings: Settings) -> Identity:
    """What the configured provider is, without building it (no model, no SDK)."""
    name = provider_name(settings)
    if name == "local":
        model = local_handler.model_name(settings.local_model_path)
        return Identity(name, model, local_handler.LocalProvider.mode, False)
    if name == "replay":
        model, mode = recorded_identity(load_recordings(settings.recordings_dir))
        return Identity(name, model, mode, True)
    return Identity(name, settings.model, settings.instructor_mode, True)


def make_provider(settings: Settings) -> Provider:
    name = provider_name(settings)
    if name == "local":
        return local_handler.LocalProvider(
            settings.local_model_path,
            settings.local_n_ctx,
            settings.local_threads,
            settings.local_extra_buffers,
            settings.local_timeout,
        )
    # Imported here: the SDK is start-up time that a cache hit never needs.
    if name == "replay":
        from summarizer.providers.replay_handler import ReplayProvider

        return ReplayProvider(settings.recordings_dir)
    from summarizer.providers.openai_handler import OpenAIProvider

    return OpenAIProvider(settings)


class LazyProvider:
    """The configured provider: its identity at once, the handler on first use."""

    def __init__(self, settings: Settings) -> None:
        identity = identify(settings)
        self.name, self.model = identity.name, identity.model
        self.mode, self.concurrent = identity.mode, identity.concurrent
        self._settings = settings
        self._built: Provider | None = None
        self._lock = threading.Lock()

    def get(self) -> Provider:
        """The handler, built once; a ConfigError says what the configuration lacks."""
        with self._lock:
            if self._built is None:
                self._built = make_provider(self._settings)
            return self._built

    def create(self, **request: Any) -> Any:
        return self.get().create(**request)
