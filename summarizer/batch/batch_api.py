"""`summarizer batch --via batch-api`: the same requests as the synchronous path, sent
through the provider's Batch API (half the price, answered within 24 hours).

1. The articles not yet in the results (and not cache hits, unless `--no-cache`: then
   the cache is neither read nor written, as on the synchronous path) are run, in input
   order, through the pipeline with a capturing provider, which learns the exact requests
   the synchronous path sends. They fill one batch within the provider's limits
   (`BatchLimits`: requests, and bytes of the input file): an article's requests go in
   whole or not at all, and capturing stops at the first article that does not fit, so
   memory holds at most one batch's lines. An article whose requests alone pass a limit
   is an error line.
2. The batch is submitted; its id and the articles it covers are written beside the
   output at once, so a killed run, rerun with the same arguments, resumes that batch
   and never submits (and pays for) the same requests twice.
3. The batch is polled to its end; its answers then go through the in-process engine with
   a provider that serves them, so validation, re-asks (synchronous, bounded), grounding,
   dates, names, cache and the one-line-per-input results are exactly the synchronous
   path's. A request the batch did not answer (a failed item, an expired batch) is an
   error line naming the batch; `--retry-failed` submits those again, and only those.
   The articles still to do that the batch does not cover (nor the cache answer) are
   left undone, with no line, as `--max-cost` leaves them: the same command again
   submits the next batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from summarizer.batch.engine import BatchStats, run_batch, to_run
from summarizer.batch.estimate import requests_of, to_call
from summarizer.batch.inputs import BatchInputs, BatchItem
from summarizer.core import ConfigError, InputTooLarge
from summarizer.extract import Summarizer
from summarizer.io import ResultFile, ResultLine
from summarizer.providers import BatchLimits, LazyProvider, registered
from summarizer.providers.base import BatchProvider, BatchState
from summarizer.providers.deferred import Answering
from summarizer.record import write_atomic

STATE_SUFFIX = ".batches.json"


class Submitted(BaseModel):
    batch_id: str
    requests: list[str]  # custom ids: the requests' hashes
    # The ids of the articles whose requests it holds (None: a batch submitted before
    # batches were bounded, which holds every article's).
    articles: list[str] | None = None
    status: str = "submitted"  # until it is polled to its end: then how it ended

    @property
    def finished(self) -> bool:
        return self.status != "submitted"


class Ledger(BaseModel):
    """The batches submitted for one results file, kept beside it."""

    batches: list[Submitted] = []

    @classmethod
    def load(cls, path: Path) -> Ledger:
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValidationError) as exc:
            raise ConfigError(f"unreadable batch state {path.name}: {exc}", str(path)) from None

    def save(self, path: Path) -> None:
        write_atomic(path, self.model_dump_json(indent=2) + "\n")

    def active(self) -> Submitted | None:
        return next((b for b in self.batches if not b.finished), None)


def state_path(results: Path) -> Path:
    return results.with_name(results.name + STATE_SUFFIX)


def batch_provider(summarizer: Summarizer) -> tuple[BatchProvider, BatchLimits]:
    """The built provider and the limits of its batches; a ConfigError if it has no Batch
    API."""
    provider, limits = summarizer.provider, summarizer.capabilities.batch_api
    if limits is None:
        able = ", ".join(s.name for s in registered() if s.capabilities.batch_api is not None)
        raise ConfigError(
            f"--via batch-api needs a provider with a Batch API ({able}), not {provider.name}"
        )
    built = provider.get() if isinstance(provider, LazyProvider) else provider
    return built, limits  # type: ignore[return-value]


class BatchFile:
    """The requests of one batch's input file as it is filled, an article at a time: all
    the article's requests or none, within the limits. Each request counts as the line the
    upload writes (`BatchProvider.batch_line`); one already in (from an article of the
    same text) is not counted twice. It keeps their sizes, not the lines."""

    def __init__(self, limits: BatchLimits) -> None:
        self.limits = limits
        self.sizes: dict[str, int] = {}  # by custom id
        self.size = 0
        self.articles: list[str] = []

    def add(self, article_id: str, lines: dict[str, bytes]) -> bool:
        """Whether the article's lines fit beside those already in (then they count in); an
        InputTooLarge if they pass the limits alone, so that no batch can hold them."""
        new = {key: len(line) for key, line in lines.items() if key not in self.sizes}
        if not self.limits.hold(len(self.sizes) + len(new), self.size + sum(new.values())):
            size = sum(map(len, lines.values()))
            if not self.limits.hold(len(lines), size):
                raise InputTooLarge(
                    f"too large for a batch: its {len(lines):,} requests of {size:,} bytes "
                    f"pass the Batch API's limits of {self.limits.requests:,} requests and "
                    f"{self.limits.bytes:,} bytes a batch; run it with --via sync"
                )
            return False
        self.sizes.update(new)
        self.size += sum(new.values())
        self.articles.append(article_id)
        return True


def batch_lines(provider: BatchProvider, requests: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    """Requests (`requests_of` an article) as the lines of a batch's input file, by custom
    id."""
    return {key: provider.batch_line(key, request) for key, request in requests.items()}


def run_batch_api(
    summarizer: Summarizer,
    items: BatchInputs,
    results: ResultFile,
    *,
    concurrency: int,
    poll_seconds: float,
    use_cache: bool = True,
    on_state: Callable[[BatchState], None] = lambda _: None,
    on_done: Callable[[BatchStats], None] = lambda _: None,
) -> tuple[BatchStats, BatchState | None]:
    """Summarise the items not yet in `results` that one batch (resumed if one is still
    out) holds, and those the cache answers; returns the counts (the rest undone) and how
    the batch ended, if one ran. The items are read twice: to capture their requests, then
    to run them with the batch's answers."""
    provider, limits = batch_provider(summarizer)
    ledger_path = state_path(results.path)
    ledger = Ledger.load(ledger_path)
    # The articles no batch can hold, found by this run's capture (a run that resumes a
    # batch leaves them undone: the next run's capture finds them again).
    too_large: dict[str, InputTooLarge] = {}
    batch = ledger.active()
    if batch is None:
        todo = to_run(items, results.ids(), BatchStats())  # counted when they run
        batch = _submit(summarizer, provider, limits, todo, use_cache, too_large)
        if batch is not None:
            ledger.batches.append(batch)
            ledger.save(ledger_path)
    state = None
    answers: dict[str, Any] = {}
    if batch is not None:
        state = _poll(provider, batch.batch_id, poll_seconds, on_state)
        answers = provider.batch_answers(state)
        batch.status = state.status
        ledger.save(ledger_path)
    submitted = set(batch.requests) if batch else set()
    answering = Answering(provider, answers, submitted, batch.batch_id if batch else "")
    replier = summarizer.with_provider(answering, batch_api=True)
    covered = Covered(summarizer, batch, limits, use_cache)
    stats = run_batch(
        replier,
        _refusing(items, too_large),
        results,
        concurrency=concurrency,
        use_cache=use_cache,
        on_done=on_done,
        gate=covered,
    )
    return stats, state


def _submit(
    summarizer: Summarizer,
    provider: BatchProvider,
    limits: BatchLimits,
    todo: Iterable[BatchItem],
    use_cache: bool,
    too_large: dict[str, InputTooLarge],
) -> Submitted | None:
    """One batch of the requests of the articles still to do that the cache cannot answer
    (without the cache, of any), in input order until one does not fit, submitted; an
    article no batch can hold goes into `too_large`."""
    batch, lines = BatchFile(limits), dict[str, bytes]()
    for item in todo:
        article = to_call(summarizer, item, use_cache)
        if isinstance(article, str):  # no call: its line is made without the batch
            continue
        found = batch_lines(provider, requests_of(summarizer, article))
        try:
            if not batch.add(item.id, found):
                break  # the batch is full: this article and the rest are the next run's
        except InputTooLarge as exc:
            too_large[item.id] = exc
            continue
        lines.update(found)
    if not lines:
        return None
    batch_id = provider.submit_batch(lines.values())
    return Submitted(batch_id=batch_id, requests=list(lines), articles=batch.articles)


def _refusing(
    items: Iterable[BatchItem], too_large: dict[str, InputTooLarge]
) -> Iterator[BatchItem]:
    """The items, those no batch can hold with their error instead of their article."""
    for item in items:
        error = too_large.get(item.id)
        yield item if error is None else BatchItem(item.id, error=error, source=item.source)


class Covered:
    """The gate of a Batch API run: it starts the articles its batch covers, and those
    that need no call (unreadable, too large for any batch, or answered by the cache); it
    leaves the others undone, for the next run's batch."""

    def __init__(
        self, summarizer: Summarizer, batch: Submitted | None, limits: BatchLimits, use_cache: bool
    ) -> None:
        self.summarizer, self.limits, self.use_cache = summarizer, limits, use_cache
        self.articles: set[str] | None = set()  # None: every article
        if batch is not None:
            self.articles = None if batch.articles is None else set(batch.articles)
        self.refused = 0
        self._lock = threading.Lock()

    @property
    def why(self) -> str:
        limits = self.limits
        return (
            f"one batch a run, of at most {limits.requests:,} requests and {limits.bytes:,} bytes"
        )

    def start(self, item: BatchItem) -> bool:
        if self.articles is None or item.id in self.articles:
            return True
        if isinstance(to_call(self.summarizer, item, self.use_cache), str):
            return True
        with self._lock:
            self.refused += 1
        return False

    def finish(self, item: BatchItem, line: ResultLine) -> None:
        """Nothing to settle: the batch is paid for."""


def _poll(
    provider: BatchProvider, batch_id: str, seconds: float, on_state: Callable[[BatchState], None]
) -> BatchState:
    while True:
        state = provider.batch_state(batch_id)
        on_state(state)
        if state.finished:
            return state
        time.sleep(seconds)
