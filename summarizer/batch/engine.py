"""Batch stage: many articles, one JSONL line each (the record, or an error record),
appended whole, resumable by id. Serves both `summarizer batch` and the API's jobs.

The inputs are read as the run goes: at most `IN_FLIGHT_PER_THREAD` articles per thread
are read and not yet written (running, or queued so that no thread waits for the reader),
so memory holds those, the ids of the results already written (to skip them) and the ids
read (each once a run), never the corpus. Lines are written in the order the articles
finish: the input's order with one thread, about it with more."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from summarizer.batch.inputs import BatchItem
from summarizer.core import InputError
from summarizer.extract import Summarizer, build_article
from summarizer.io import ErrorLine, ResultFile, ResultLine, error_line

IN_FLIGHT_PER_THREAD = 2
ERRORS_KEPT = 10  # the failures a report names; the rest are counted
T = TypeVar("T")


@dataclass
class BatchStats:
    total: int = 0  # inputs read so far
    skipped: int = 0
    failed_before: int = 0
    ok: int = 0
    failed: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    cached_prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0  # of the records made in this run that have a price
    unpriced: int = 0  # records made in this run whose model has no price
    undone: int = 0  # articles left out of the results, for a rerun: the gate refused them
    undone_by: str = ""  # what refused them, in the user's words
    seconds: float = 0.0
    read_all: bool = False  # every input read: `total` is the run's
    errors: list[str] = field(default_factory=list)  # the first ERRORS_KEPT failures

    def count(self, line: ResultLine) -> None:
        """One output line written: a record or an error."""
        if isinstance(line, ErrorLine):
            self.failed += 1
            if len(self.errors) < ERRORS_KEPT:
                self.errors.append(_named(line))
            return
        provenance = line.provenance
        self.ok += 1
        self.cached += provenance.cached
        if not provenance.cached:
            self.prompt_tokens += provenance.usage.prompt_tokens
            self.cached_prompt_tokens += provenance.usage.cached_prompt_tokens
            self.completion_tokens += provenance.usage.completion_tokens
            self.cost_usd += provenance.cost_usd or 0.0
            self.unpriced += provenance.cost_usd is None


def _named(line: ErrorLine) -> str:
    """A failure as the report shows it: the input's error may already begin with where
    it was read (its id then)."""
    message = line.error.message
    return message if message.startswith(f"{line.id}: ") else f"{line.id}: {message}"


# --- Running ----------------------------------------------------------------------------


def run_batch(
    summarizer: Summarizer,
    items: Iterable[BatchItem],
    results: ResultFile,
    *,
    concurrency: int,
    use_cache: bool = True,
    on_done: Callable[[BatchStats], None] = lambda _: None,
    gate: Gate | None = None,
) -> BatchStats:
    """Summarise every item not yet in `results`, reading `items` as the run goes; one bad
    article never stops the run. An error reading the inputs stops it once the articles
    in flight are written. With a `gate`, an item it does not admit is left undone."""
    started = time.perf_counter()
    stats = BatchStats()
    lock = threading.Lock()

    def one(item: BatchItem) -> None:
        if gate is not None and not gate.start(item):
            return
        line = summarize_item(summarizer, item, use_cache)
        if gate is not None:
            gate.finish(item, line)
        results.append(line)
        with lock:
            stats.count(line)
            on_done(stats)

    threads = max(1, concurrency)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        window = Window(pool, IN_FLIGHT_PER_THREAD * threads)
        for item in to_run(items, results.ids(), stats):
            window.submit(one, item)
    window.raise_failure()
    if gate is not None:
        stats.undone, stats.undone_by = gate.refused, gate.why
    stats.seconds = time.perf_counter() - started
    return stats


class Gate(Protocol):
    """Which articles a run starts (`--max-cost`'s budget, a Batch API run's batch): one
    it refuses gets no line, and a rerun of the same command starts it."""

    @property
    def refused(self) -> int:
        """The articles not started."""
        ...

    @property
    def why(self) -> str:
        """What leaves the refused articles undone, in the user's words."""
        ...

    def start(self, item: BatchItem) -> bool:
        """Whether `item` may start (from any of the run's threads)."""
        ...

    def finish(self, item: BatchItem, line: ResultLine) -> None:
        """A started item's line is made."""
        ...


class Window:
    """Submits tasks to `pool`, at most `size` of them submitted and not finished. A
    submitter that finds the window full waits until a quarter of it is free, so that it
    is woken once per quarter window rather than at every task's end, while the quarter
    left queued keeps the threads busy. A task's exception (a results file that cannot be
    written) wakes the submitter, and is raised at its next submit or by `raise_failure`."""

    def __init__(self, pool: Executor, size: int) -> None:
        self.pool = pool
        self.size = size
        self.refill_at = size - max(1, size // 4)  # tasks in flight when it is woken
        self.in_flight = 0
        self.room = threading.Condition()
        self.failures: list[BaseException] = []

    def submit(self, task: Callable[[T], None], arg: T) -> None:
        with self.room:
            if self.in_flight >= self.size:
                self.room.wait_for(lambda: self.in_flight <= self.refill_at or self.failures)
            self.in_flight += 1
        self.raise_failure()
        self.pool.submit(task, arg).add_done_callback(self._finished)

    def _finished(self, future: Future[None]) -> None:
        failure = future.exception()
        with self.room:
            if failure is not None:
                self.failures.append(failure)
            self.in_flight -= 1
            if self.in_flight == self.refill_at or failure is not None:
                self.room.notify()

    def raise_failure(self) -> None:
        if self.failures:
            raise self.failures[0]


def to_run(
    items: Iterable[BatchItem], done: dict[str, bool], stats: BatchStats
) -> Iterator[BatchItem]:
    """The items not yet in the results (`done`: their ids, each with whether its line
    is a record), counted into `stats` as they are read."""
    for item in items:
        stats.total += 1
        state = done.get(item.id)
        if state is None:
            yield item
            continue
        stats.skipped += 1
        stats.failed_before += not state
    stats.read_all = True


def unread_line(item: BatchItem) -> ErrorLine:
    """The error line of an item that could not be read (its request is None)."""
    return error_line(item.id, item.error or InputError("no article"), item.source)


def summarize_item(summarizer: Summarizer, item: BatchItem, use_cache: bool) -> ResultLine:
    """The item's output line: its record, or an error line."""
    if item.request is None:
        return unread_line(item)
    try:
        article = build_article(item.request, summarizer.settings.max_chars, item.source)
        record = summarizer.summarize(article, use_cache=use_cache)
    except Exception as exc:  # one article's failure, even a bug, must not stop the run
        return error_line(item.id, exc, item.source)
    return record
