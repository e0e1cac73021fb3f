"""How many calls may be in flight to one endpoint: additive increase, multiplicative
decrease (AIMD), as TCP paces a connection.

A 429 halves the limit, from the calls actually in flight when the limit was above them,
once per round: the other calls of the round that drew it were sent before the cut, so
their 429s cut nothing more. An answer that leaves room under the endpoint's limits, while
callers are held back for a slot, grows the limit by one per round (1/limit per answer).
The limit never goes above `maximum` nor below 1.

A controller that `start`s below its maximum is probing: one call until the endpoint has
answered once (its answer says what its limits are), then `open` lets in up to the
maximum.
"""

from __future__ import annotations

import threading

DECREASE = 0.5


class AdaptiveConcurrency:
    def __init__(self, maximum: int, start: int | None = None) -> None:
        self.maximum = maximum
        self.limit = float(maximum if start is None else min(start, maximum))
        self.inflight = 0
        self.waiting = 0
        self._opened = start is None
        self._admitted = 0  # calls let in so far: each call's number
        self._cut_at = 0  # the number of the last call let in before the last cut
        self._cond = threading.Condition()

    @property
    def slots(self) -> int:
        return int(self.limit)

    def enter(self) -> tuple[int, bool]:
        """Wait for a slot; the call's number, and whether it had to wait."""
        with self._cond:
            waited = self.inflight >= self.slots
            if waited:
                self.waiting += 1
                while self.inflight >= self.slots:
                    self._cond.wait()
                self.waiting -= 1
            self.inflight += 1
            self._admitted += 1
            return self._admitted, waited

    def leave(self) -> None:
        with self._cond:
            self.inflight -= 1
            self._cond.notify()

    def open(self) -> None:
        """The endpoint has answered: a probing controller lets in up to its maximum."""
        if self._opened:
            return
        with self._cond:
            if not self._opened:
                self._opened = True
                self._resize(float(self.maximum))

    def limited(self, number: int) -> None:
        """Call `number` drew a 429: halve, unless its round was already cut."""
        with self._cond:
            if number > self._cut_at:
                self._resize(max(1.0, min(self.limit, self.inflight) * DECREASE))
                self._cut_at = self._admitted

    def answered(self, headroom: bool) -> None:
        """An answer; `headroom`: the endpoint's limits would take another call now.
        Whether the limit binds is read without the lock (most answers find it does not):
        a stale read grows it at most one step early."""
        binding = self.waiting > 0 or self.inflight >= self.slots
        if headroom and binding and self._opened:
            with self._cond:
                self._resize(min(float(self.maximum), self.limit + 1 / self.limit))

    def _resize(self, limit: float) -> None:
        grew = int(limit) > self.slots
        self.limit = limit
        if grew:
            self._cond.notify_all()
