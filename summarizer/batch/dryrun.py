"""`summarizer batch --dry-run`: what the run would do and cost (articles, pieces, tokens,
USD, time at the known rate limit), told without calling a model or writing a line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.batch.batch_api import BatchFile, batch_lines, batch_provider
from summarizer.batch.estimate import (
    ANSWER_TOKENS_PER_CHAR,
    Estimator,
    Tokens,
    requests_of,
    to_call,
)
from summarizer.batch.inputs import BatchItem
from summarizer.core import ChunkPlan, InputTooLarge
from summarizer.extract import Summarizer
from summarizer.io import done_ids
from summarizer.providers import BatchLimits
from summarizer.providers.prices import Pricing, usd
from summarizer.settings import env_name


@dataclass
class RunEstimate:
    """The run a batch command would make, counted before it is made."""

    model: str  # "provider/model"
    plan: ChunkPlan
    max_tokens: int
    concurrency: int
    batch_api: bool
    rate_tpm: int | None  # tokens per window of rate_window seconds
    rate_window: float
    method: str  # how the prompt tokens were counted
    pricing: Pricing | None
    articles: int = 0
    done: int = 0  # already in the results file
    cached: int = 0  # the cache holds their records
    unreadable: int = 0  # an error line without a call
    tokens: Tokens = field(default_factory=Tokens)
    limits: BatchLimits | None = None  # of the provider's batches, through the Batch API
    batches: int = 0  # the batches (one a run) the articles to run fill
    too_large: int = 0  # of those to run, articles no batch can hold: an error line each

    @property
    def to_run(self) -> int:
        return self.articles - self.done - self.cached - self.unreadable

    def lines(self) -> list[str]:
        tokens = self.tokens
        passes = "pass" if self.plan.passes == 1 else "passes"
        return [
            "dry run: no model called, nothing written",
            f"articles: {self.articles:,}: {self.to_run:,} to run, {self.done:,} already done, "
            f"{self.cached:,} in the cache, {self.unreadable:,} unreadable",
            f"pieces: {tokens.pieces:,} of at most {self.plan.chars:,} characters, "
            f"{self.plan.passes} {passes}: {tokens.calls:,} calls",
            f"input tokens: {tokens.input:,} ({self.method})",
            f"output tokens: {tokens.output:,} expected ({ANSWER_TOKENS_PER_CHAR} per article "
            "character, the recorded capable answers' mean), "
            f"{tokens.output_most:,} at most (max_tokens {self.max_tokens:,} a call)",
            *self._cost(),
            *self._batches(),
            self._time(),
        ]

    def _cost(self) -> list[str]:
        if self.pricing is None:
            return [f"cost: unknown: no price for {self.model} (add it to SUMMARIZER_PRICES)"]
        price, tokens = self.pricing.price, self.tokens
        through = " through the Batch API (half price)" if self.batch_api else ""
        cached = price.input if price.cached_input is None else price.cached_input
        a_call = tokens.static // tokens.calls if tokens.calls else 0
        return [
            f"price: {self.pricing.entry}{through}, USD per million tokens: {price.input:g} "
            f"input, {cached:g} cached input, {price.output:g} output",
            f"cost: {usd(tokens.cost(self.pricing))} expected, "
            f"{usd(tokens.cost(self.pricing, most=True))} at most; "
            f"{usd(tokens.cost(self.pricing, prefix_cached=True))} expected with the system "
            f"prompt and schema ({a_call:,} tokens a call) from the prompt cache",
        ]

    def _batches(self) -> list[str]:
        if self.limits is None:
            return []
        too_large = (
            f"; {self.too_large:,} too large for any batch (an error line each)"
            if self.too_large
            else ""
        )
        return [
            f"batches: {self.batches:,}, one a run of the same command, each of at most "
            f"{self.limits.requests:,} requests and {self.limits.bytes:,} bytes{too_large}"
        ]

    def _time(self) -> str:
        if self.batch_api:
            return "time: within 24 hours (the Batch API's window)"
        if self.rate_tpm is None:
            return (
                f"time: unknown rate (set {env_name('rate_tpm')}): {self.tokens.calls:,} "
                f"calls, {self.concurrency} articles at a time"
            )
        per_minute = self.rate_tpm * 60 / self.rate_window
        expected = (self.tokens.input + self.tokens.output) / per_minute
        most = (self.tokens.input + self.tokens.output_most) / per_minute
        return (
            f"time: {minutes(expected)} expected, {minutes(most)} at most, at "
            f"{per_minute:,.0f} tokens a minute ({env_name('rate_tpm')})"
        )


def minutes(value: float) -> str:
    if value < 2:
        return f"{value * 60:.0f} s"
    return f"{value:.0f} min" if value < 120 else f"{value / 60:.1f} h"


def estimate_run(
    summarizer: Summarizer,
    items: Iterable[BatchItem],
    out: Path,
    *,
    concurrency: int,
    batch_api: bool,
    use_cache: bool,
    retry_failed: bool,
) -> RunEstimate:
    """What running `items` into `out` would send and cost, reading `items` once as it
    goes; `out` is only read."""
    estimator = Estimator(summarizer, use_cache=use_cache, batch_api=batch_api)
    provider, settings = summarizer.provider, summarizer.settings
    estimate = RunEstimate(
        model=f"{provider.name}/{provider.model}",
        plan=summarizer.plan,
        max_tokens=estimator.max_tokens,
        concurrency=concurrency,
        batch_api=batch_api,
        rate_tpm=settings.rate_tpm,
        rate_window=settings.rate_window,
        method=estimator.counter.method,
        pricing=estimator.pricing,
        articles=0,
    )
    done = {key for key, ok in done_ids(out).items() if ok or not retry_failed}
    packing = Packing(summarizer, estimate) if batch_api else None
    for item in items:
        estimate.articles += 1
        if item.id in done:
            estimate.done += 1
            continue
        article = to_call(summarizer, item, use_cache)
        if article == "unreadable":
            estimate.unreadable += 1
        elif article == "cached":
            estimate.cached += 1
        else:
            requests = requests_of(summarizer, article)
            if packing is None or packing.add(item.id, requests):
                estimate.tokens.add(estimator.tokens(article, requests.values()))
    return estimate


class Packing:
    """Counts the batches the articles fill, as the runs of `--via batch-api` fill them:
    each run's batch in input order, until an article does not fit."""

    def __init__(self, summarizer: Summarizer, estimate: RunEstimate) -> None:
        self.summarizer, self.estimate = summarizer, estimate
        self.provider, estimate.limits = batch_provider(summarizer)
        self.batch = BatchFile(estimate.limits)

    def add(self, article_id: str, requests: dict[str, dict[str, Any]]) -> bool:
        """Whether a batch can hold the article's requests (else its line is an error)."""
        lines = batch_lines(self.provider, requests)
        try:
            fits = self.batch.add(article_id, lines)
        except InputTooLarge:
            self.estimate.too_large += 1
            return False
        if not fits:  # the next run's batch
            self.batch = BatchFile(self.batch.limits)
            self.batch.add(article_id, lines)
        self.estimate.batches += len(self.batch.articles) == 1  # a batch's first article
        return True
