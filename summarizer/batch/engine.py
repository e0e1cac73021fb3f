"""Batch stage: many articles, one JSONL line each (the record, or an error record),
appended whole, resumable by id. Serves both `summarizer batch` and the API's jobs."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from summarizer import pages
from summarizer.core import ArticleRequest, InputError, SummarizerError
from summarizer.extract import (
    Summarizer,
    build_article,
    content_id,
    normalize_text,
    request_from_bytes,
    request_from_json,
)
from summarizer.io import ErrorLine, ResultFile, ResultLine, error_line

SUFFIXES = (".txt", ".json", ".jsonl", ".html", ".htm")


@dataclass(frozen=True)
class BatchItem:
    """One input article, or the reason it could not be read."""

    id: str
    request: ArticleRequest | None = None
    error: SummarizerError | None = None


@dataclass
class BatchStats:
    total: int = 0
    skipped: int = 0
    failed_before: int = 0
    ok: int = 0
    failed: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def count(self, line: ResultLine) -> None:
        """One output line written: a record or an error."""
        if isinstance(line, ErrorLine):
            self.failed += 1
            self.errors.append(f"{line.id}: {line.error.message}")
            return
        provenance = line.provenance
        self.ok += 1
        self.cached += provenance.cached
        if not provenance.cached:
            self.prompt_tokens += provenance.usage.prompt_tokens
            self.completion_tokens += provenance.usage.completion_tokens


# --- Inputs -----------------------------------------------------------------------------


def item_for(request: ArticleRequest) -> BatchItem:
    """The article to run, its HTML read (a batch fetches no URLs); its id is the
    caller's, else the content id of its text."""
    try:
        request = pages.read(request)
    except InputError as exc:
        source = request.html or request.url or ""
        return BatchItem(request.id or content_id(source), error=exc)
    assert request.text is not None  # with no limits, pages.read leaves text or raises
    article_id = request.id or content_id(normalize_text(request.text))
    return BatchItem(article_id, request.model_copy(update={"id": article_id}))


def read_inputs(paths: Iterable[Path]) -> list[BatchItem]:
    """Files or directories of .txt/.json articles and .jsonl files of article objects."""
    items: list[BatchItem] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or directory: {path}")
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES) if path.is_dir() else [path]
        )
        for file in files:
            items.extend(_read_file(file))
    if not items:
        raise InputError("no articles found in the inputs (.txt, .json or .jsonl)")
    return items


def _read_file(path: Path) -> list[BatchItem]:
    if path.suffix != ".jsonl":
        try:
            html = path.suffix in (".html", ".htm")
            raw = path.read_bytes()
            request = request_from_bytes(raw, str(path), path.suffix == ".json", html)
        except InputError as exc:
            return [BatchItem(str(path), error=exc)]
        return [item_for(request)]
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(BatchItem(source, error=InputError(f"{source} is not JSON: {exc.msg}")))
            continue
        try:
            items.append(item_for(request_from_json(data, source)))
        except InputError as exc:  # the caller's id, where it gave one, names the failure
            given = data.get("id") if isinstance(data, dict) else None
            items.append(BatchItem(given if isinstance(given, str) else source, error=exc))
    return items


# --- Running ----------------------------------------------------------------------------


def run_batch(
    summarizer: Summarizer,
    items: list[BatchItem],
    results: ResultFile,
    *,
    concurrency: int,
    use_cache: bool = True,
    on_done: Callable[[BatchStats], None] = lambda _: None,
) -> BatchStats:
    """Summarise every item not yet in `results`; one bad article never stops the run."""
    started = time.perf_counter()
    todo, stats = pending(items, results)
    lock = threading.Lock()

    def one(item: BatchItem) -> None:
        line = summarize_item(summarizer, item, use_cache)
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


def summarize_item(summarizer: Summarizer, item: BatchItem, use_cache: bool) -> ResultLine:
    """The item's output line: its record, or an error line."""
    if item.error is not None or item.request is None:
        return error_line(item.id, item.error or InputError("no article"))
    try:
        article = build_article(item.request, summarizer.settings.max_chars)
        record = summarizer.summarize(article, use_cache=use_cache)
    except Exception as exc:  # one article's failure, even a bug, must not stop the run
        return error_line(item.id, exc)
    return record
