"""Pacing calls to an endpoint's rate limits, for every caller in the process at once.

OpenAI limits requests and tokens per minute, per model, for a whole account, and says
where a client stands on every answer: `x-ratelimit-limit-{requests,tokens}` (the limit),
`x-ratelimit-remaining-{requests,tokens}` (what is left) and `x-ratelimit-reset-*` (when
it is full again; not needed here, since the window's length is known). A request is
charged on arrival: one request, and its prompt plus its `max_tokens`; the answer settles
the tokens at what it used.

A `Pacer` mirrors that: a `TokenBucket` per limit, filled from the settings
(SUMMARIZER_RATE_RPM / _TPM) or from the first answer's headers, charged with each call's
estimate before it is sent (a call waits until its charge fits), settled with the tokens
the answer reports, and lowered to what the endpoint says remains; and an
`AdaptiveConcurrency` for the calls in flight, halved on a 429 and grown while the answers
leave room. Until the limits are known the pacer sends one call at a time: the first
answer says what they are (or, with no such headers, that there are none, and the pacer
then only counts). One `Pacer` per endpoint and model, shared by every provider built in
the process (a batch's threads, the API's requests): `shared_pacer`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from summarizer.metrics import PACING_CONCURRENCY, PACING_WAIT_SECONDS, PACING_WAITS
from summarizer.providers.bucket import Clock, TokenBucket
from summarizer.providers.concurrency import AdaptiveConcurrency
from summarizer.settings import Settings

LIMITS = ("requests", "tokens")
# OpenAI's own rule of thumb for English text, and what its limiter estimates a prompt by.
CHARS_PER_TOKEN = 4


def estimate_tokens(request: Mapping[str, Any]) -> int:
    """What the endpoint charges a request on arrival: the prompt (messages and tools) at
    four characters a token, plus the answer's budget."""
    chars = sum(len(str(message.get("content") or "")) for message in request["messages"])
    if request.get("tools"):
        chars += len(json.dumps(request["tools"]))
    budget = request.get("max_completion_tokens") or request.get("max_tokens") or 0
    return chars // CHARS_PER_TOKEN + int(budget)


def has_limits(headers: Mapping[str, str]) -> bool:
    return any(f"x-ratelimit-limit-{name}" in headers for name in LIMITS)


def header_number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class PacingConfig:
    window: float
    maximum: int
    requests: int | None = None
    tokens: int | None = None

    @classmethod
    def of(cls, settings: Settings) -> PacingConfig:
        return cls(
            window=settings.rate_window,
            maximum=settings.rate_max_concurrency,
            requests=settings.rate_rpm,
            tokens=settings.rate_tpm,
        )


@dataclass
class Call:
    """One call let through: its number (for the concurrency's rounds) and what it was
    charged, by limit; `settle` once its answer (or refusal) is in."""

    pacer: Pacer
    number: int
    charged: dict[str, float]
    settled: bool = field(default=False)

    def answered(self, headers: Mapping[str, str], used_tokens: int | None) -> None:
        """A 2xx answer: the tokens it used (None: not reported) and its headers."""
        self.pacer.settle(self, headers, used_tokens)

    def refused(self, headers: Mapping[str, str], limited: bool) -> None:
        """An error answer, charged nothing; `limited`: it was a 429."""
        self.pacer.refuse(self, headers, limited)


class Pacer:
    def __init__(self, provider: str, config: PacingConfig, clock: Clock = time.monotonic) -> None:
        self.provider = provider
        self.window = config.window
        self._clock = clock
        preset = {"requests": config.requests, "tokens": config.tokens}
        self.budgets = {
            name: TokenBucket(limit, config.window, clock=clock)
            for name, limit in preset.items()
            if limit is not None
        }
        self.slots = AdaptiveConcurrency(config.maximum, start=None if self.budgets else 1)
        self._cond = threading.Condition()
        self._shown = 0
        self._show_slots()

    @contextmanager
    def call(self, request: Mapping[str, Any]) -> Iterator[Call]:
        """A slot and the budget for `request`, held while it runs; a call that ends
        unanswered (a dropped connection, a timeout) gives its charge back. With no limit
        known, nothing is estimated or charged: an endpoint without limits costs a slot."""
        started = time.perf_counter()
        number, slot_waited = self.slots.enter()
        try:
            charged, budget_waited = self._spend(request) if self.budgets else ({}, False)
            self._count_wait(started, slot_waited, budget_waited)
            call = Call(self, number, charged)
            try:
                yield call
            finally:
                if not call.settled:
                    self._give(call.charged)
        finally:
            self.slots.leave()

    def settle(self, call: Call, headers: Mapping[str, str], used_tokens: int | None) -> None:
        headroom = True
        if self.budgets or has_limits(headers):
            with self._cond:
                if used_tokens is not None and "tokens" in call.charged:
                    self.budgets["tokens"].give(call.charged["tokens"] - used_tokens)
                self._observe(headers)
                headroom = all(
                    bucket.level() >= call.charged.get(name, 0)
                    for name, bucket in self.budgets.items()
                )
                self._cond.notify_all()
        call.settled = True
        self.slots.open()
        self.slots.answered(headroom)
        self._show_slots()

    def refuse(self, call: Call, headers: Mapping[str, str], limited: bool) -> None:
        with self._cond:
            self._give_locked(call.charged)
            self._observe(headers)
        call.settled = True
        self.slots.open()
        if limited:
            self.slots.limited(call.number)
        self._show_slots()

    # --- The budgets -------------------------------------------------------------------

    def _spend(self, request: Mapping[str, Any]) -> tuple[dict[str, float], bool]:
        """Wait until the request's charge fits every known limit, then take it; what was
        taken (a limit learnt later never charged this call) and whether it waited."""
        charge = {"requests": 1.0, "tokens": float(estimate_tokens(request))}
        waited = False
        with self._cond:
            while (wait := self._shortfall(charge)) > 0:
                waited = True
                self._cond.wait(wait)
            charged = {name: charge[name] for name in self.budgets}
            for name, amount in charged.items():
                self.budgets[name].take(amount)
        return charged, waited

    def _shortfall(self, charge: dict[str, float]) -> float:
        return max(
            (bucket.shortfall(charge[name]) for name, bucket in self.budgets.items()),
            default=0.0,
        )

    def _give(self, charged: dict[str, float]) -> None:
        with self._cond:
            self._give_locked(charged)

    def _give_locked(self, charged: dict[str, float]) -> None:
        for name, amount in charged.items():
            self.budgets[name].give(amount)
        self._cond.notify_all()

    def _observe(self, headers: Mapping[str, str]) -> None:
        """Learn each limit the headers name, and lower its level to what they say is left."""
        for name in LIMITS:
            limit = header_number(headers, f"x-ratelimit-limit-{name}")
            remaining = header_number(headers, f"x-ratelimit-remaining-{name}")
            if limit is None or remaining is None or limit <= 0:
                continue
            bucket = self.budgets.get(name)
            if bucket is None:
                self.budgets[name] = TokenBucket(limit, self.window, remaining, self._clock)
            elif bucket.capacity != limit:
                bucket.resize(limit, remaining)
            else:
                bucket.lower_to(remaining)

    # --- Metrics -----------------------------------------------------------------------

    def _count_wait(self, started: float, slot_waited: bool, budget_waited: bool) -> None:
        if slot_waited:
            PACING_WAITS.labels(self.provider, "slot").inc()
        if budget_waited:
            PACING_WAITS.labels(self.provider, "budget").inc()
        if slot_waited or budget_waited:
            PACING_WAIT_SECONDS.labels(self.provider).inc(time.perf_counter() - started)

    def _show_slots(self) -> None:
        if self.slots.slots != self._shown:
            self._shown = self.slots.slots
            PACING_CONCURRENCY.labels(self.provider).set(self._shown)


_pacers: dict[tuple[str, str, PacingConfig], Pacer] = {}
_pacers_lock = threading.Lock()


def shared_pacer(provider: str, endpoint: str, model: str, config: PacingConfig) -> Pacer:
    """The process's pacer for this endpoint and model (and configuration)."""
    with _pacers_lock:
        key = (endpoint, model, config)
        if key not in _pacers:
            _pacers[key] = Pacer(provider, config)
        return _pacers[key]
