"""The price table, and the settings' prices over it."""

from __future__ import annotations

from typing import Any

import pytest

from summarizer.core import Price
from summarizer.providers.prices import BATCH_API_FACTOR, price_table, pricing_for, usd
from summarizer.settings import Settings
from tests.cli.invoke import one_line_error, run


def test_the_packaged_table_prices_openai_models_and_nothing_for_local_or_replay() -> None:
    table = price_table()
    assert table["openai/gpt-4o-mini"] == Price(input=0.15, cached_input=0.075, output=0.6)
    assert all(p.output >= p.input > 0 for name, p in table.items() if name.startswith("openai/"))
    for free in ("local", "replay"):
        assert table[free].cost(10**6, 0, 10**6) == 0.0


def test_a_cost_charges_cached_prompt_tokens_at_the_cached_price() -> None:
    price = Price(input=2.0, cached_input=0.5, output=8.0)
    # 1,000 prompt tokens of which 400 cached, 100 answer tokens.
    assert price.cost(1000, 400, 100) == pytest.approx((600 * 2 + 400 * 0.5 + 100 * 8) / 1e6)
    assert Price(input=2.0, output=8.0).cost(1000, 400, 0) == pytest.approx(1000 * 2 / 1e6)


def test_the_settings_prices_come_first_then_provider_model_then_provider() -> None:
    settings = Settings(prices={"openai/gpt-4o-mini": Price(input=1, output=2)})
    pricing = pricing_for(settings, "openai", "gpt-4o-mini")
    assert pricing is not None and pricing.price == Price(input=1, output=2)
    # A replayed OpenAI model is a replay: the provider's entry, at zero.
    replayed = pricing_for(Settings(), "replay", "gpt-4o-mini")
    assert replayed is not None and replayed.entry == "replay"
    assert pricing_for(Settings(), "openai", "llama3") is None
    own = Settings(prices={"openai": Price(input=0, output=0)})
    assert pricing_for(own, "openai", "llama3") is not None


def test_the_batch_api_halves_every_rate() -> None:
    sync = pricing_for(Settings(), "openai", "gpt-4o")
    batch = pricing_for(Settings(), "openai", "gpt-4o", batch_api=True)
    assert sync is not None and batch is not None
    assert BATCH_API_FACTOR == 0.5
    assert batch.cost(10_000, 4_000, 1_000) == pytest.approx(sync.cost(10_000, 4_000, 1_000) / 2)


def test_prices_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_PRICES", '{"replay": {"input": 1, "output": 3}}')
    pricing = pricing_for(Settings(), "replay", "claude-standin")
    assert pricing is not None and pricing.cost(10**6, 0, 10**6) == 4.0


def test_a_bad_price_is_one_line_naming_the_variable(tmp_path: Any) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Some news.")
    code, _, stderr = run(
        "batch", str(article), "--out", str(tmp_path / "out.jsonl"), "--provider", "replay",
        "--dry-run", SUMMARIZER_PRICES='{"replay": {"input": -1, "output": 0}}',
    )  # fmt: skip
    assert code == 2
    one_line_error(stderr, "SUMMARIZER_PRICES")


def test_amounts_are_shown_to_a_hundredth_of_a_cent() -> None:
    assert (usd(0.02173), usd(1234.5)) == ("$0.0217", "$1,234.50")
