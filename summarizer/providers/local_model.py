"""What runs inside the local model's worker process: llama-cpp-python, loaded once, answering
OpenAI-style chat requests with the output constrained by a grammar built from the schema.

Only this module touches llama_cpp (an import-linter contract), and only the worker
process imports it, so a native crash in llama.cpp kills the worker, never the caller.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from summarizer.choices import ExtraBuffers

# A small model fills every list and string to its schema bound; these tighter bounds,
# applied only to the grammar, keep its worst-case answer inside the token budget.
COMPACT_MAX_ITEMS = 3
COMPACT_MAX_LENGTH = 120
# llama-cpp-python's schema converter lets raw control characters into strings (its
# `char` rule is [^"\\]), so a model can write a newline inside a string: invalid JSON.
# JSON's own rule excludes them.
_LOOSE_CHAR = r'char ::= [^"\\] |'
_JSON_CHAR = r'char ::= [^"\\\x7F\x00-\x1F] |'
# What llama.cpp's system info says when its AMX kernels are compiled in.
AMX_MARK = "AMX_INT8 = 1"


@dataclass(frozen=True)
class ModelConfig:
    path: str
    n_ctx: int
    threads: int | None
    extra_buffers: ExtraBuffers


def compact(schema: Any) -> Any:
    """The schema with every array and free string bounded by the compact limits."""
    if isinstance(schema, list):
        return [compact(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    tight = {key: compact(value) for key, value in schema.items()}
    bound = {"array": ("maxItems", COMPACT_MAX_ITEMS), "string": ("maxLength", COMPACT_MAX_LENGTH)}
    kind = tight.get("type")
    if isinstance(kind, str) and kind in bound and "enum" not in tight:
        field, limit = bound[kind]
        tight[field] = min(tight.get(field, limit), limit)
    return tight


def json_gbnf(schema_json: str) -> str:
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return str(json_schema_to_gbnf(schema_json)).replace(_LOOSE_CHAR, _JSON_CHAR)


@functools.lru_cache(maxsize=8)
def json_grammar(schema_json: str) -> Any:
    """A llama.cpp grammar for strict JSON that matches the schema."""
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_string(json_gbnf(schema_json), verbose=False)


def use_extra_buffers(setting: ExtraBuffers, system_info: str) -> bool:
    """Whether llama.cpp may put weights in its extra CPU buffer types (AMX, repacked).

    A source build of llama-cpp-python compiles for the build machine (GGML_NATIVE), so on
    an AMX CPU it compiles in the AMX matmul kernels. Their tile set-up passes a stack
    buffer to `_tile_loadconfig`, whose inline asm in GCC <= 12 declares a read of 8 bytes
    only: the optimiser drops the stores of the tile shapes, the tile config is garbage and
    the first prompt's matmul crashes the process. Without the extra buffer types no
    weight goes to AMX and every matmul takes the ordinary AVX-512/AVX2 path. `auto` keeps
    them (the repacked-weight speed-up) wherever the build has no AMX kernels.
    """
    if setting == "auto":
        return AMX_MARK not in system_info
    return setting == "on"


@contextmanager
def _model_params(**fields: Any) -> Iterator[None]:
    """Set fields of the model parameters that `Llama()` does not take as arguments.

    `Llama.__init__` starts from `llama_model_default_params()` and loads the model at
    once; this worker process loads exactly one model, so swapping that function for the
    duration of the load is safe.
    """
    from llama_cpp import llama_cpp as native

    defaults = native.llama_model_default_params

    def tuned() -> Any:
        params = defaults()
        for name, value in fields.items():
            setattr(params, name, value)
        return params

    native.llama_model_default_params = tuned
    try:
        yield
    finally:
        native.llama_model_default_params = defaults


class LocalModel:
    """The loaded model; `create` answers one chat-completions request as a plain dict."""

    def __init__(self, config: ModelConfig) -> None:
        import llama_cpp

        info = llama_cpp.llama_print_system_info().decode("utf-8", "replace")
        self.extra_buffers = use_extra_buffers(config.extra_buffers, info)
        with _model_params(use_extra_bufts=self.extra_buffers):
            self._llama = llama_cpp.Llama(
                model_path=config.path, n_ctx=config.n_ctx, n_threads=config.threads, verbose=False
            )

    def create(self, request: dict[str, Any]) -> dict[str, Any]:
        # instructor's JSON_SCHEMA mode speaks OpenAI's `json_schema` response format;
        # here it becomes a grammar that constrains decoding.
        response_format = request.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            schema = compact(response_format["json_schema"]["schema"])
            request = {k: v for k, v in request.items() if k != "response_format"}
            request["grammar"] = json_grammar(json.dumps(schema, sort_keys=True))
        answer: dict[str, Any] = self._llama.create_chat_completion(**request)  # type: ignore[assignment]
        return answer


def load(config: ModelConfig) -> LocalModel:
    return LocalModel(config)
