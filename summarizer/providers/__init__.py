"""Provider handlers behind one interface, chosen by name."""

from __future__ import annotations

from summarizer.providers import local_handler
from summarizer.providers.base import Provider
from summarizer.settings import ProviderName, Settings

DEMO_NOTICE = (
    "summarizer: using the built-in demo model SmolLM2-135M (tiny: expect poor answers). "
    "For real results set SUMMARIZER_PROVIDER=openai with OPENAI_API_KEY (or OPENAI_BASE_URL) "
    "and SUMMARIZER_MODEL, or SUMMARIZER_LOCAL_MODEL_PATH to a larger GGUF model."
)

__all__ = ["DEMO_NOTICE", "Provider", "is_demo_default", "make_provider", "provider_name"]


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


def make_provider(settings: Settings) -> Provider:
    name = provider_name(settings)
    if name == "local":
        return local_handler.LocalProvider(
            settings.local_model_path, settings.local_n_ctx, settings.local_threads
        )
    if name == "replay":
        from summarizer.providers.replay_handler import ReplayProvider

        return ReplayProvider(settings.recordings_dir)
    from summarizer.providers.openai_handler import OpenAIProvider

    return OpenAIProvider(settings)
