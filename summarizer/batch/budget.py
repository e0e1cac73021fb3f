"""`summarizer batch --max-cost USD`: no article is started once what the run has spent
(the costs of the records it made, from their usage) plus what the articles in flight may
cost would pass the budget. Every started article finishes; from then on, none starts,
and the rest stay out of the results file for a rerun to do."""

from __future__ import annotations

import threading

from summarizer.batch.estimate import Estimator
from summarizer.batch.inputs import BatchItem
from summarizer.io import ErrorLine, ResultLine
from summarizer.providers.prices import usd


class Budget:
    """Admits articles while the spend and the most the articles in flight may cost (their
    estimate at max_tokens a call) stay within `limit` USD. An article that failed counts
    at that estimate (its calls' usage is lost with it); one from the cache costs nothing."""

    def __init__(self, limit: float, estimator: Estimator) -> None:
        self.limit = limit
        self.estimator = estimator
        self.spent = 0.0
        self.stopped = False
        self.refused = 0  # articles not started
        self._in_flight: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def why(self) -> str:
        return f"--max-cost {usd(self.limit)} reached"

    def start(self, item: BatchItem) -> bool:
        """Whether `item` may start; once one may not, none may."""
        estimate = self.estimator.most(item)
        with self._lock:
            planned = self.spent + sum(self._in_flight.values()) + estimate
            self.stopped = self.stopped or planned > self.limit
            if self.stopped:
                self.refused += 1
            else:
                self._in_flight[item.id] = estimate
            return not self.stopped

    def finish(self, item: BatchItem, line: ResultLine) -> None:
        """A started article's line is made: its cost is now known."""
        with self._lock:
            estimate = self._in_flight.pop(item.id)
            if isinstance(line, ErrorLine):
                self.spent += estimate
            elif not line.provenance.cached:
                self.spent += line.provenance.cost_usd or 0.0
