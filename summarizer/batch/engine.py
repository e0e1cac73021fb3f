"""Batch stage: many articles, one JSONL line each (the record, or an error record),
appended whole, resumable by id. Serves both `summarizer batch` and the API's jobs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from summarizer.batch.budget import Budget
from summarizer.batch.inputs import BatchItem
from summarizer.core import InputError
from summarizer.extract import Summarizer, build_article
from summarizer.io import ErrorLine, ResultFile, ResultLine, error_line


@dataclass
class BatchStats:
    total: int = 0
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
    undone: int = 0  # articles left out of the results: `--max-cost` stopped their start
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def count(self, line: ResultLine) -> None:
        """One output line written: a record or an error."""
        if isinstance(line, ErrorLine):
            self.failed += 1
            message = line.error.message
            # An input's error may already begin with where it was read (its id then).
            named = message.startswith(f"{line.id}: ")
            self.errors.append(message if named else f"{line.id}: {message}")
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


# --- Running ----------------------------------------------------------------------------


def run_batch(
    summarizer: Summarizer,
    items: list[BatchItem],
    results: ResultFile,
    *,
    concurrency: int,
    use_cache: bool = True,
    on_done: Callable[[BatchStats], None] = lambda _: None,
    budget: Budget | None = None,
) -> BatchStats:
    """Summarise every item not yet in `results`; one bad article never stops the run.
    With a `budget`, an item it does not admit is left undone."""
    started = time.perf_counter()
    todo, stats = pending(items, results)
    lock = threading.Lock()

    def one(item: BatchItem) -> None:
        if budget is not None and not budget.start(item):
            return
        line = summarize_item(summarizer, item, use_cache)
        if budget is not None:
            budget.finish(item, line)
        results.append(line)
        with lock:
            stats.count(line)
            on_done(stats)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        list(pool.map(one, todo))
    stats.seconds = time.perf_counter() - started
    return stats


def pending(items: list[BatchItem], results: ResultFile) -> tuple[list[BatchItem], BatchStats]:
    """The items not yet in `results`, and the run's counts so far."""
    done = results.ids()
    todo = [item for item in items if item.id not in done]
    stats = BatchStats(total=len(items), skipped=len(items) - len(todo))
    stats.failed_before = sum(1 for item in items if done.get(item.id) is False)
    return todo, stats


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
