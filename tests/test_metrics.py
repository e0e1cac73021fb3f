"""The pipeline's metrics move when the real pipeline does: each test reads a counter in
prometheus_client's default registry before and after (the registry is the process's, so
only the difference is this test's)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from bench.stub_server import StubConfig, StubServer
from summarizer.core import DraftRecord, ProviderError
from summarizer.extract.cache import RecordCache
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.providers.openai_handler import OpenAIProvider
from summarizer.serve import create_app
from summarizer.settings import Settings
from tests.conftest import corpus_article
from tests.fakes import FakeProvider
from tests.paths import CHECKOUT
from tests.test_faults import call, openai_settings


def sample(name: str, **labels: str) -> float:
    """A sample's value now; 0 for a label set never counted yet."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_importing_again_and_building_several_apps_registers_each_metric_once(
    tmp_path: Path,
) -> None:
    first = importlib.import_module("summarizer.metrics")
    assert importlib.import_module("summarizer.metrics") is first
    settings = Settings(provider="replay", cache_dir=tmp_path / "cache")
    for _ in range(2):
        create_app(settings)
        Summarizer.from_settings(settings)
    names = [metric.name for metric in REGISTRY.collect() if metric.name.startswith("summarizer_")]
    assert len(names) == len(set(names)) >= 8


def test_the_operations_page_lists_every_metric() -> None:
    importlib.import_module("summarizer.metrics")
    page = (CHECKOUT / "docs" / "operations.md").read_text(encoding="utf-8")
    names = {metric.name for metric in REGISTRY.collect() if metric.name.startswith("summarizer_")}
    assert names and not {name for name in names if f"`{name}" not in page}


def test_a_miss_calls_the_provider_and_counts_its_tokens_then_a_hit_calls_nothing(
    settings: Settings, draft_000: DraftRecord
) -> None:
    provider = FakeProvider(draft_000)  # 100 prompt and 50 completion tokens a call
    summarizer = Summarizer(provider, load_prompts(), RecordCache(settings.cache_dir), settings)
    counted = {
        "miss": ("summarizer_cache_lookups_total", {"result": "miss"}),
        "hit": ("summarizer_cache_lookups_total", {"result": "hit"}),
        "ok": ("summarizer_provider_calls_total", {"provider": "fake", "outcome": "ok"}),
        "timed": ("summarizer_provider_call_seconds_count", {"provider": "fake"}),
        "in": ("summarizer_tokens_total", {"provider": "fake", "kind": "prompt"}),
        "out": ("summarizer_tokens_total", {"provider": "fake", "kind": "completion"}),
    }
    before = {key: sample(name, **labels) for key, (name, labels) in counted.items()}

    def moved() -> dict[str, float]:
        return {
            key: sample(name, **labels) - before[key] for key, (name, labels) in counted.items()
        }

    summarizer.summarize(corpus_article("000"))
    assert moved() == {"miss": 1, "hit": 0, "ok": 1, "timed": 1, "in": 100, "out": 50}
    assert summarizer.summarize(corpus_article("000")).provenance.cached
    assert moved() == {"miss": 1, "hit": 1, "ok": 1, "timed": 1, "in": 100, "out": 50}


def test_a_schema_invalid_answer_asked_again_is_a_re_ask(tmp_path: Path) -> None:
    reasks = sample("summarizer_reasks_total", provider="openai")
    calls = sample("summarizer_provider_calls_total", provider="openai", outcome="ok")
    with StubServer(StubConfig(script=["invalid", "ok"])) as stub:
        call(stub, tmp_path)
    assert sample("summarizer_reasks_total", provider="openai") - reasks == 1
    assert sample("summarizer_provider_calls_total", provider="openai", outcome="ok") - calls == 2


def test_one_answer_is_no_re_ask(draft_000: DraftRecord) -> None:
    provider = FakeProvider(draft_000)
    reasks = sample("summarizer_reasks_total", provider="fake")
    Summarizer(provider, load_prompts(), None, Settings()).summarize(corpus_article("000"))
    assert sample("summarizer_reasks_total", provider="fake") == reasks
    assert len(provider.requests) == 1


@pytest.mark.parametrize("fault", ["500", "503", "429", "hang", "drop"])
def test_a_transient_failure_sent_again_is_a_retry_in_one_provider_call(
    tmp_path: Path, fault: str
) -> None:
    retries = sample("summarizer_provider_retries_total", provider="openai")
    calls = sample("summarizer_provider_calls_total", provider="openai", outcome="ok")
    with StubServer(StubConfig(script=[fault, "ok"], hang=1.0)) as stub:
        call(stub, tmp_path)
    assert len(stub.arrivals) == 2
    assert sample("summarizer_provider_retries_total", provider="openai") - retries == 1
    assert sample("summarizer_provider_calls_total", provider="openai", outcome="ok") - calls == 1


def test_a_call_that_fails_after_its_retries_is_counted_by_its_error_kind(tmp_path: Path) -> None:
    labels = {"provider": "openai", "outcome": "provider_error"}
    failed = sample("summarizer_provider_calls_total", **labels)
    retries = sample("summarizer_provider_retries_total", provider="openai")
    with StubServer(StubConfig(faults={"500": 1.0})) as stub:
        settings = openai_settings(stub, tmp_path, max_attempts=3)
        summarizer = Summarizer(OpenAIProvider(settings), load_prompts(), None, settings)
        with pytest.raises(ProviderError, match="HTTP 500"):
            summarizer.extract(corpus_article("000"))
    assert sample("summarizer_provider_calls_total", **labels) - failed == 1
    assert sample("summarizer_provider_retries_total", provider="openai") - retries == 2
