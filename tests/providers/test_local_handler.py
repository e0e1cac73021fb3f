"""The local provider; the end-to-end test runs the real SmolLM2 model (about a minute)."""

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import ConfigError, DraftRecord, SummaryRecord
from summarizer.providers import local_handler
from summarizer.providers.local_handler import LocalProvider, compact
from tests.conftest import CORPUS

needs_model = pytest.mark.skipif(
    local_handler.demo_model_path() is None, reason="summarizer[local] is not installed"
)


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


def test_missing_model_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="local model file not found"):
        LocalProvider(tmp_path / "absent.gguf", 2048, None)


@needs_model
def test_demo_model_is_found_without_importing_its_package() -> None:
    path = local_handler.demo_model_path()
    assert path is not None and path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert LocalProvider(None, 2048, None).model == "SmolLM2-135M-Instruct.Q4_1"


@pytest.mark.local_model
@needs_model
def test_real_local_model_end_to_end(tmp_path: Path) -> None:
    """README's first command, on the real model: contract-valid, offsets right, cached."""
    source = CORPUS / "000_d82f81b60eb39696.txt"
    text = source.read_text(encoding="utf-8")
    runner = CliRunner()
    args = ["summarize", str(source), "--published-at", "2025-06-15"]
    first = runner.invoke(app, args, env={"SUMMARIZER_CACHE_DIR": str(tmp_path / "c")})
    assert first.exit_code == 0, first.output
    assert "tiny" in first.stderr  # the one-line demo notice
    record = SummaryRecord.model_validate_json(first.stdout)
    assert record.provenance.provider == "local" and not record.provenance.cached
    assert record.provenance.usage.completion_tokens > 0
    for group in (record.actors, record.locations, record.events, record.threats):
        for item in group:
            for evidence in item.evidence:
                if evidence.grounded:
                    assert text[evidence.start : evidence.end] == evidence.quote  # type: ignore[misc]
            if not any(e.grounded for e in item.evidence):
                assert any("no evidence quote" in w for w in record.warnings)
    second = runner.invoke(app, args, env={"SUMMARIZER_CACHE_DIR": str(tmp_path / "c")})
    assert second.exit_code == 0
    assert json.loads(second.stdout)["provenance"]["cached"] is True
    assert os.environ.get("OPENAI_API_KEY") is None


@needs_model
def test_cache_hit_never_loads_the_model(tmp_path: Path) -> None:
    from summarizer.cache import RecordCache, cache_key
    from summarizer.pipeline import Summarizer
    from summarizer.prompts import load_prompts
    from summarizer.settings import Settings
    from tests.conftest import corpus_article
    from tests.test_core import EXAMPLE

    settings = Settings(cache_dir=tmp_path)
    provider = LocalProvider(None, settings.local_n_ctx, None)
    prompts = load_prompts()
    article = corpus_article("000")
    cache = RecordCache(tmp_path)
    stored = SummaryRecord.model_validate(EXAMPLE)
    key = cache_key(
        article.text,
        article.meta.published_at,
        provider.name,
        provider.model,
        prompts.version,
        settings.generation(),
    )
    cache.put(key, stored)
    loads_before = local_handler._load.cache_info().misses
    record = Summarizer(provider, prompts, cache, settings).summarize(article)
    assert record.provenance.cached
    assert local_handler._load.cache_info().misses == loads_before


@needs_model
def test_grammar_keeps_control_characters_out_of_strings() -> None:
    schema = json.dumps(compact(DraftRecord.model_json_schema()), sort_keys=True)
    gbnf = local_handler.json_gbnf(schema)
    assert local_handler._JSON_CHAR in gbnf
    assert local_handler._LOOSE_CHAR not in gbnf
