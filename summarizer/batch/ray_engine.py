"""`summarizer batch --engine ray`: the same inputs through Ray Data, past one process
and one machine. Each Ray worker builds its own summarizer once (provider, prompts, cache)
and summarises the articles it is handed; the driver alone appends the output lines, so
the results file keeps its one-line-per-input, skip-done and `--retry-failed` behaviour.
A local Ray is started when no address is given."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from summarizer.batch.engine import BatchStats, summarize_item, to_run, unread_line
from summarizer.batch.inputs import BatchItem
from summarizer.core import ConfigError, ReadArticle
from summarizer.extract import Summarizer
from summarizer.io import ResultFile, parse_line
from summarizer.settings import Settings

INSTALL = "the ray engine needs Ray: pip install -e '.[ray]'"


class SummarizeRows:
    """A Ray Data actor: one summarizer per worker process, built once; the rows of a block
    run concurrently in its threads (a model call mostly waits on the network)."""

    def __init__(self, settings: Settings, use_cache: bool, threads: int) -> None:
        self.summarizer = Summarizer.from_settings(settings, use_cache=use_cache)
        self.use_cache = use_cache
        self.pool = ThreadPoolExecutor(max_workers=threads)

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[str]]:
        columns = zip(rows["id"], rows["request"], rows["source"], strict=True)
        lines = list(self.pool.map(lambda row: self.line(*row), columns))
        return {"id": [str(i) for i in rows["id"]], "line": lines}

    def line(self, item_id: object, raw: str, source: object) -> str:
        request = ReadArticle.model_validate_json(raw)  # notes and all
        item = BatchItem(str(item_id), request, source=str(source) if source else None)
        return summarize_item(self.summarizer, item, self.use_cache).model_dump_json()


def row_of(item: BatchItem) -> dict[str, str]:
    """A read item as a Ray row: its request as JSON, which keeps every field."""
    assert item.request is not None  # an unread item needs no worker
    return {"id": item.id, "request": item.request.model_dump_json(), "source": item.source or ""}


def require_ray() -> None:
    """Ray is an extra: a run without it stops before any work, saying how to install it."""
    if importlib.util.find_spec("ray") is None:
        raise ConfigError(INSTALL)


def run_ray(
    settings: Settings,
    items: Iterable[BatchItem],
    results: ResultFile,
    *,
    workers: int,
    concurrency: int,
    address: str | None = None,
    use_cache: bool = True,
    on_done: Callable[[BatchStats], None] = lambda _: None,
) -> BatchStats:
    """Summarise every item not yet in `results` in `workers` Ray workers, `concurrency`
    articles at a time in each. The items still to run are read first: Ray Data makes
    its dataset of them all (in its object store)."""
    try:
        import ray
    except ImportError:
        raise ConfigError(INSTALL) from None
    started = time.perf_counter()
    stats = BatchStats()
    rows = []
    for item in to_run(items, results.ids(), stats):
        if item.request is None:  # unreadable input: its error line needs no worker
            line = unread_line(item)
            results.append(line)
            stats.count(line)
            continue
        rows.append(row_of(item))
    if rows:
        ray.init(
            address=address,
            ignore_reinit_error=True,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
        lines = ray.data.from_items(rows).map_batches(
            SummarizeRows,
            fn_constructor_args=(settings, use_cache, concurrency),
            concurrency=workers,
            batch_size=concurrency,
            num_cpus=1,
        )
        for row in lines.iter_rows():
            results.append_json(row["line"])
            stats.count(parse_line(row["line"], f"worker's line for {row['id']}"))
            on_done(stats)
    stats.seconds = time.perf_counter() - started
    return stats
