"""What the batch tests share: the openai provider with batches of other limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from summarizer.providers import BatchLimits, ProviderSpec, register, spec_for


def with_batch_limits(spec: ProviderSpec, limits: BatchLimits) -> ProviderSpec:
    """`spec` whose batches hold at most `limits`, as a provider's spec declares them."""
    return replace(spec, capabilities=replace(spec.capabilities, batch_api=limits))


@pytest.fixture
def batch_limits() -> Iterator[Callable[[BatchLimits], None]]:
    """Registers the openai provider with batches of the limits given, for the test."""
    openai = spec_for("openai")
    yield lambda limits: register(with_batch_limits(openai, limits))
    register(openai)
