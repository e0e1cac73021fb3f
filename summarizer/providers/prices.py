"""What model calls cost: the packaged price table (`prices.toml`), under the settings'
own prices (`SUMMARIZER_PRICES`), looked up by provider and model."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib.resources import files

from summarizer.core import ConfigError, Price
from summarizer.settings import Settings

PRICES_FILE = files("summarizer.providers") / "prices.toml"
# OpenAI's Batch API answers the same requests at half the price of each kind of token.
BATCH_API_FACTOR = 0.5


@dataclass(frozen=True)
class Pricing:
    """The price a provider's model is charged at, and the entry it came from."""

    entry: str  # "provider/model", or "provider" for all its models
    price: Price  # USD per million tokens, after the Batch API's discount where it applies

    def cost(self, prompt: int, cached: int, completion: int) -> float:
        return self.price.cost(prompt, cached, completion)


@functools.cache
def price_table() -> dict[str, Price]:
    """The packaged table, by entry name."""
    try:
        data = tomllib.loads(PRICES_FILE.read_text(encoding="utf-8"))
        return {name: Price.model_validate(entry) for name, entry in data.items()}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"unreadable price table {PRICES_FILE.name}: {exc}") from None


def pricing_for(
    settings: Settings, provider: str, model: str, *, batch_api: bool = False
) -> Pricing | None:
    """The price of `provider`'s `model`: "provider/model", then "provider", in the
    settings' prices, then in the table; None when neither has it."""
    for prices in (settings.prices, price_table()):
        for entry in (f"{provider}/{model}", provider):
            if entry in prices:
                price = prices[entry]
                if batch_api:
                    price = price.scaled(BATCH_API_FACTOR)
                return Pricing(entry=entry, price=price)
    return None


def usd(value: float) -> str:
    """An amount as the commands show it: cents and below to four decimals."""
    return f"${value:,.2f}" if value >= 100 else f"${value:,.4f}"
