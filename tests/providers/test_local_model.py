"""What runs inside the local worker: the compact grammar and the extra-buffer choice."""

from __future__ import annotations

import json

import pytest

from summarizer.core import DraftRecord
from summarizer.providers import local_handler, local_model
from summarizer.providers.local_model import compact, use_extra_buffers

needs_llama = pytest.mark.skipif(
    not local_handler.is_installed(), reason="summarizer[local] is not installed"
)
WITH_AMX = "CPU : SSE3 = 1 | AVX512 = 1 | AVX512_VNNI = 1 | AMX_INT8 = 1 | REPACK = 1 |"
WITHOUT_AMX = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | REPACK = 1 |"


def test_compact_grammar_bounds_every_list_and_string() -> None:
    schema = compact(DraftRecord.model_json_schema())
    seen: list[dict[str, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("array", "string") and "enum" not in node:
                seen.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert seen
    for node in seen:
        limit = node.get("maxItems", node.get("maxLength"))
        assert isinstance(limit, int) and limit <= 120


def test_auto_keeps_extra_buffers_off_only_where_amx_kernels_are_built_in() -> None:
    assert use_extra_buffers("auto", WITH_AMX) is False
    assert use_extra_buffers("auto", WITHOUT_AMX) is True
    assert use_extra_buffers("on", WITH_AMX) is True
    assert use_extra_buffers("off", WITHOUT_AMX) is False


@needs_llama
def test_model_params_reach_the_native_defaults_for_one_load_only() -> None:
    from llama_cpp import llama_cpp as native

    assert native.llama_model_default_params().use_extra_bufts is True
    with local_model._model_params(use_extra_bufts=False):
        assert native.llama_model_default_params().use_extra_bufts is False
    assert native.llama_model_default_params().use_extra_bufts is True


@needs_llama
def test_grammar_keeps_control_characters_out_of_strings() -> None:
    schema = json.dumps(compact(DraftRecord.model_json_schema()), sort_keys=True)
    gbnf = local_model.json_gbnf(schema)
    assert local_model._JSON_CHAR in gbnf
    assert local_model._LOOSE_CHAR not in gbnf
