"""A rate limit's budget as OpenAI keeps it: a bucket of `capacity` units (requests, or
tokens) that refills continuously, all of it over `window` seconds.

Written here rather than taken from a rate-limiting library because a pacer must do three
things those do not: change the capacity once the endpoint's headers name it, give back
the part of a reservation an answer did not use (a request reserves its `max_tokens`, the
answer settles at the tokens it used), and lower its level to what the endpoint says
remains. pyrate-limiter's token bucket (GCRA) keeps only a theoretical arrival time, so a
new rate rescales what is owed, and it accepts no negative weight; `limits` counts fixed
or sliding windows and never waits; aiolimiter is for asyncio only.

Not thread-safe: its owner holds a lock around every call.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]


class TokenBucket:
    def __init__(
        self,
        capacity: float,
        window: float,
        level: float | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.window = window
        self._clock = clock
        self._level = capacity if level is None else min(level, capacity)
        self._at = clock()

    @property
    def per_second(self) -> float:
        return self.capacity / self.window

    def level(self) -> float:
        """What is left now, refilled since the last look."""
        now = self._clock()
        self._level = min(self.capacity, self._level + (now - self._at) * self.per_second)
        self._at = now
        return self._level

    def shortfall(self, amount: float) -> float:
        """Seconds until `amount` fits (0: it fits now). An amount over the capacity is
        waited for as if it were the capacity: it can never fit whole."""
        missing = min(amount, self.capacity) - self.level()
        return max(0.0, missing / self.per_second)

    def take(self, amount: float) -> None:
        """Spend `amount`, to below zero if need be (a reservation already made)."""
        self._level = self.level() - amount

    def give(self, amount: float) -> None:
        """Return `amount` unused, never past the capacity."""
        self._level = min(self.capacity, self.level() + amount)

    def lower_to(self, remaining: float) -> None:
        """What the endpoint says remains, where that is less than this bucket thinks."""
        self._level = min(self.level(), remaining)

    def resize(self, capacity: float, remaining: float) -> None:
        """A new capacity, at the level the endpoint reports."""
        self.level()
        self.capacity = capacity
        self._level = min(remaining, capacity)

    def full_in(self) -> float:
        """Seconds until the bucket is full again (OpenAI's `x-ratelimit-reset-*`)."""
        return max(0.0, (self.capacity - self.level()) / self.per_second)
