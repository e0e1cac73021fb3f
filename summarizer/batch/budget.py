"""`summarizer batch --max-cost USD`: no article is started once what the run has spent
(the costs of the records it made, from their usage) plus what the articles in flight may
cost would pass the budget. Every started article finishes; from then on, none starts,
and the rest stay out of the results for a rerun to do.

The budget keeps the run's account in USD, by article id: the engine that runs an article
estimates it (`Estimator.most`, with its own summarizer) and reads what its line cost
(`spent`). The in-process engine asks one `CostGate` (a `Budget` and its estimator, the
engine's `Gate`); with Ray the `Budget` is one actor of the run, which every worker asks
(`ray_engine.SharedBudget`)."""

from __future__ import annotations

import threading

from summarizer.batch.estimate import Estimator
from summarizer.batch.inputs import BatchItem
from summarizer.io import ErrorLine, ResultLine
from summarizer.providers.prices import usd


class Budget:
    """Admits articles while the spend and the most the articles in flight may cost (their
    estimate at max_tokens a call) stay within `limit` USD."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.spent = 0.0
        self.stopped = False
        self.refused = 0  # articles not started
        self._in_flight: dict[str, float] = {}
        self._lock = threading.Lock()

    def start(self, article_id: str, most: float) -> bool:
        """Whether the article may start, `most` USD at most; once one may not, none may."""
        with self._lock:
            planned = self.spent + sum(self._in_flight.values()) + most
            self.stopped = self.stopped or planned > self.limit
            if self.stopped:
                self.refused += 1
            else:
                self._in_flight[article_id] = most
            return not self.stopped

    def finish(self, article_id: str, cost: float | None) -> None:
        """A started article's line is made: it cost `cost` (`spent`), or, unknown, its
        estimate."""
        with self._lock:
            most = self._in_flight.pop(article_id)
            self.spent += most if cost is None else cost


def spent(line: ResultLine) -> float | None:
    """What an article's line cost: unknown (None) for an error line, its calls' usage
    being lost with it; nothing for a record from the cache."""
    if isinstance(line, ErrorLine):
        return None
    provenance = line.provenance
    return 0.0 if provenance.cached else provenance.cost_usd or 0.0


def reached(limit: float) -> str:
    """What leaves articles undone under a budget of `limit` USD, in the user's words."""
    return f"--max-cost {usd(limit)} reached"


class CostGate:
    """`--max-cost` for the in-process engine: each article admitted by the run's `Budget`
    at its estimate, and settled at what its line cost."""

    def __init__(self, limit: float, estimator: Estimator) -> None:
        self.budget = Budget(limit)
        self.estimator = estimator

    @property
    def refused(self) -> int:
        return self.budget.refused

    @property
    def why(self) -> str:
        return reached(self.budget.limit)

    def start(self, item: BatchItem) -> bool:
        return self.budget.start(item.id, self.estimator.most(item))

    def finish(self, item: BatchItem, line: ResultLine) -> None:
        self.budget.finish(item.id, spent(line))
