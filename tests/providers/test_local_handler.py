"""The local provider; the end-to-end tests run the real SmolLM2 model in its worker."""

import json
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import ArticleRequest, ConfigError, SummaryRecord
from summarizer.providers import local_handler
from summarizer.providers.local_handler import LocalProvider
from summarizer.providers.local_model import LocalModel, ModelConfig
from tests.conftest import CORPUS

needs_model = pytest.mark.skipif(
    local_handler.demo_model_path() is None, reason="summarizer[local] is not installed"
)
ARTICLE = CORPUS / "000_d82f81b60eb39696.txt"
# Three articles that at the default context are three pieces, no more: each is a call.
LONG_TEXT = (ARTICLE, CORPUS / "002_38687f60f6619e4b.txt", CORPUS / "003_e59efc3eed4c5dcc.txt")


def test_missing_model_file_is_a_config_error_that_names_the_path_locally_only(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match="local model file not found") as caught:
        LocalProvider(tmp_path / "absent.gguf", 2048, None)
    assert str(tmp_path) in str(caught.value)
    assert str(tmp_path) not in caught.value.public_message


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


@pytest.mark.local_model
@needs_model
@pytest.mark.parametrize("setting", ["off", "on"])
def test_the_extra_buffer_setting_reaches_the_loaded_model(setting: str) -> None:
    path = local_handler.demo_model_path()
    assert path is not None
    model = LocalModel(ModelConfig(str(path), 512, None, setting))  # type: ignore[arg-type]
    assert model._llama.model_params.use_extra_bufts is (setting == "on")
    answer = model.create({"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4})
    assert answer["usage"]["completion_tokens"] > 0


def kill_worker_when_it_starts(sig: signal.Signals) -> threading.Thread:
    """Send `sig` to the local model's worker process once it has started."""

    def run() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            children = multiprocessing.active_children()
            if children and children[0].pid is not None:
                time.sleep(1.5)  # loaded and generating
                os.kill(children[0].pid, sig)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.local_model
@needs_model
def test_a_real_worker_killed_by_sigsegv_is_one_cli_line_and_exit_1(tmp_path: Path) -> None:
    killer = kill_worker_when_it_starts(signal.SIGSEGV)
    args = ["summarize", str(ARTICLE), "--published-at", "2025-06-15", "--no-cache"]
    result = CliRunner().invoke(app, args, env={"SUMMARIZER_CACHE_DIR": str(tmp_path)})
    killer.join()
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("summarizer: error")]
    assert len(errors) == 1 and "killed by SIGSEGV" in errors[0], result.stderr
    assert "Traceback" not in result.output


@pytest.mark.local_model
@needs_model
def test_after_a_real_crash_the_next_call_starts_a_fresh_worker() -> None:
    provider = LocalProvider(None, 2048, None)
    request = {"messages": [{"role": "user", "content": "Hello"}], "max_tokens": 4}
    try:
        provider.create(**request)
        first = provider.worker.pid
        assert first is not None
        os.kill(first, signal.SIGSEGV)
        time.sleep(0.2)
        answer = provider.create(**request)  # the dead worker is noticed and replaced
        assert answer.usage.completion_tokens > 0
        assert provider.worker.pid not in (None, first)
    finally:
        provider.worker.close()


@pytest.mark.local_model
@needs_model
def test_real_local_model_on_a_text_longer_than_its_context_gives_a_record() -> None:
    """Three corpus articles (8,811 characters) against the default 8192-token context:
    with the prompt and a full answer's budget beside it the text does not fit one call,
    so it is read in three pieces that do, and merged; the pieces' prompts together are
    more than the context holds. (Each piece is one real call of about two minutes here:
    three pieces keep the test to a few.)"""
    from summarizer.extract import Summarizer, build_article, load_prompts
    from summarizer.extract.chunking import split
    from summarizer.providers import LazyProvider
    from summarizer.settings import Settings

    text = "\n\n".join(path.read_text(encoding="utf-8") for path in LONG_TEXT)
    settings = Settings(provider="local")
    summarizer = Summarizer(LazyProvider(settings), load_prompts(), None, settings)
    article = build_article(ArticleRequest(text=text, published_at="2025-06-15"), 100_000)
    record = summarizer.summarize(article, use_cache=False)
    assert len(split(text, summarizer.plan.chars, summarizer.plan.overlap)) == 3
    assert SummaryRecord.model_validate(record.model_dump(mode="json")) == record
    assert record.provenance.usage.prompt_tokens > settings.local_n_ctx
    for group in (record.actors, record.locations, record.events, record.threats):
        for item in group:
            for e in item.evidence:
                assert not e.grounded or text[e.start : e.end] == e.quote  # type: ignore[misc]
