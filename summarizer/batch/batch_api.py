"""`summarizer batch --via batch-api`: the same requests as the synchronous path, sent
through the provider's Batch API (half the price, answered within 24 hours).

1. Every article not yet in the results (and not a cache hit, unless `--no-cache`: then
   the cache is neither read nor written, as on the synchronous path) is run through the
   pipeline with a capturing provider, which learns the exact requests the synchronous
   path sends.
2. They are submitted as one batch; its id is written beside the output at once, so a
   killed run, rerun with the same arguments, resumes that batch and never submits (and
   pays for) the same requests twice.
3. The batch is polled to its end; its answers then go through the in-process engine with
   a provider that serves them, so validation, re-asks (synchronous, bounded), grounding,
   dates, names, cache and the one-line-per-input results are exactly the synchronous
   path's. A request the batch did not answer (a failed item, an expired batch) is an
   error line naming the batch; `--retry-failed` submits those again, and only those.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from summarizer.batch.engine import BatchStats, run_batch, to_run
from summarizer.batch.inputs import BatchInputs, BatchItem
from summarizer.core import ConfigError
from summarizer.extract import Summarizer, build_article
from summarizer.io import ResultFile
from summarizer.providers import LazyProvider, registered
from summarizer.providers.base import BatchProvider, BatchState
from summarizer.providers.deferred import Answering, Capturing
from summarizer.record import write_atomic

STATE_SUFFIX = ".batches.json"


class Submitted(BaseModel):
    batch_id: str
    requests: list[str]  # custom ids: the requests' hashes
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


def batch_provider(summarizer: Summarizer) -> BatchProvider:
    provider = summarizer.provider
    if not summarizer.capabilities.batch_api:
        able = ", ".join(s.name for s in registered() if s.capabilities.batch_api)
        raise ConfigError(
            f"--via batch-api needs a provider with a Batch API ({able}), not {provider.name}"
        )
    built = provider.get() if isinstance(provider, LazyProvider) else provider
    return built  # type: ignore[return-value]


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
    """Summarise every item not yet in `results` through one batch (resumed if one is
    still out); returns the counts and how the batch ended, if one ran. The items are
    read twice: to capture their requests, then to run them with the batch's answers."""
    provider = batch_provider(summarizer)
    ledger_path = state_path(results.path)
    ledger = Ledger.load(ledger_path)
    todo = to_run(items, results.ids(), BatchStats())  # counted when they run
    batch = ledger.active() or _submit(summarizer, provider, todo, ledger, ledger_path, use_cache)
    state = None
    answers = {}
    if batch is not None:
        state = _poll(provider, batch.batch_id, poll_seconds, on_state)
        answers = provider.batch_answers(state)
        batch.status = state.status
        ledger.save(ledger_path)
    submitted = set(batch.requests) if batch else set()
    answering = Answering(provider, answers, submitted, batch.batch_id if batch else "")
    replier = summarizer.with_provider(answering, batch_api=True)
    stats = run_batch(
        replier, items, results, concurrency=concurrency, use_cache=use_cache, on_done=on_done
    )
    return stats, state


def _submit(
    summarizer: Summarizer,
    provider: BatchProvider,
    todo: Iterable[BatchItem],
    ledger: Ledger,
    path: Path,
    use_cache: bool,
) -> Submitted | None:
    """The requests of every article still to do that the cache cannot answer (without the
    cache, of every one), submitted as one batch and written down before anything else can
    happen."""
    capturing = Capturing(provider)
    capture = summarizer.with_provider(capturing, use_cache=False)
    for item in todo:
        if item.request is None:
            continue
        try:
            article = build_article(item.request, summarizer.settings.max_chars)
        except Exception:
            continue
        if not use_cache or summarizer.lookup_json(article) is None:
            capture.extract(article, store=False)
    if not capturing.requests:
        return None
    batch_id = provider.submit_batch(capturing.requests)
    submitted = Submitted(batch_id=batch_id, requests=list(capturing.requests))
    ledger.batches.append(submitted)
    ledger.save(path)
    return submitted


def _poll(
    provider: BatchProvider, batch_id: str, seconds: float, on_state: Callable[[BatchState], None]
) -> BatchState:
    while True:
        state = provider.batch_state(batch_id)
        on_state(state)
        if state.finished:
            return state
        time.sleep(seconds)
