"""`summarizer batch --engine ray`: the inputs through Ray Data, past one process and one
machine. The cluster reads the inputs (`ray_inputs`); each worker builds its own
summarizer once (provider, prompts, cache), summarises the blocks of articles it is
handed, and writes each block's lines as one shard of the results directory (`Shards`:
whole or not at all). The command's own process holds neither articles nor lines: it
streams back one small tally a block, for the progress bar and the report. A local Ray
is started when no address is given. With `--max-cost`, the run's `Budget` is one actor
(`SharedBudget`, like `RunIds`): a worker estimates a block's articles, asks it which may
start, and tells it what they cost once their shard is written."""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from summarizer.batch.budget import Budget, reached, spent
from summarizer.batch.engine import ERRORS_KEPT, BatchStats, summarize_item
from summarizer.batch.estimate import Estimator
from summarizer.batch.inputs import BatchItem
from summarizer.batch.ray_inputs import InputFiles, RunIds, read_rows
from summarizer.core import ConfigError, InputError, ReadArticle
from summarizer.extract import Summarizer
from summarizer.io import ErrorLine, ResultLine, Shards
from summarizer.settings import Settings

INSTALL = "the ray engine needs Ray: pip install -e '.[ray]'"
# Blocks of about this many bytes of read articles, so that one large file is spread over
# every worker (Ray's default, 128 MiB, hands it whole to one).
BLOCK_BYTES = 1024 * 1024
TALLIED = (
    "ok",
    "failed",
    "cached",
    "prompt_tokens",
    "cached_prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "unpriced",
    "undone",
)


# A row as a worker runs it: the article, or (an input that could not be read, or a
# duplicate) its error line, made without a model call.
Entry = BatchItem | ErrorLine


class SummarizeRows:
    """A Ray Data actor: one summarizer per worker process, built once. The rows of a
    block run concurrently in its threads (a model call mostly waits on the network);
    their lines become one shard, and the block's tally is what goes back. With the run's
    `budget` (a `SharedBudget`), only the rows it admits run; the others get no line."""

    def __init__(
        self,
        settings: Settings,
        use_cache: bool,
        threads: int,
        shards: Shards,
        budget: Any = None,
    ) -> None:
        self.summarizer = Summarizer.from_settings(settings, use_cache=use_cache)
        self.use_cache = use_cache
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.shards = shards
        self.budget = budget
        self.estimator = None if budget is None else Estimator(self.summarizer, use_cache=use_cache)

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[str]]:
        import ray

        columns = zip(rows["id"], rows["request"], rows["error"], rows["source"], strict=True)
        block = [entry(*row) for row in columns]
        started = self.admitted(block)
        lines = list(self.pool.map(self.line, started))
        if lines:
            self.shards.write(lines)
        if self.budget is not None:
            costs = {row.id: spent(line) for row, line in zip(started, lines, strict=True)}
            ray.get(self.budget.finish_all.remote(costs))
        tally = BatchStats(undone=len(block) - len(started))
        for line in lines:
            tally.count(line)
        return {"tally": [json.dumps(asdict(tally))]}

    def admitted(self, block: list[Entry]) -> list[Entry]:
        """The rows that may start: all of them, or those the run's budget admits, asked
        in one call with the most each may cost (an error line costs nothing)."""
        import ray

        if self.budget is None or self.estimator is None:
            return block
        most = {
            row.id: 0.0 if isinstance(row, ErrorLine) else self.estimator.most(row) for row in block
        }
        admitted = ray.get(self.budget.start_all.remote(most))
        return [row for row, ok in zip(block, admitted, strict=True) if ok]

    def line(self, row: Entry) -> ResultLine:
        if isinstance(row, ErrorLine):
            return row
        return summarize_item(self.summarizer, row, self.use_cache)


def entry(item_id: object, request: str, error: str, source: object) -> Entry:
    """A Ray row (`ray_inputs.row_of`) as the worker runs it."""
    if error:
        return ErrorLine.model_validate_json(error)
    return BatchItem(
        str(item_id), ReadArticle.model_validate_json(request), source=str(source) or None
    )


class SharedBudget(Budget):
    """The run's `Budget` as one Ray actor, which every worker on every node asks: a
    block's articles start, and later say what they cost, in one call each."""

    def start_all(self, most: dict[str, float]) -> list[bool]:
        """Whether each article may start, `most` USD at most, in order."""
        return [self.start(article_id, cost) for article_id, cost in most.items()]

    def finish_all(self, costs: dict[str, float | None]) -> None:
        for article_id, cost in costs.items():
            self.finish(article_id, cost)


def require_ray() -> None:
    """Ray is an extra: a run without it stops before any work, saying how to install it."""
    if importlib.util.find_spec("ray") is None:
        raise ConfigError(INSTALL)


def check_out(out: Path) -> None:
    """The Ray engine writes a shard directory: `--out` names a directory, not a file."""
    if out.suffix == ".jsonl" or (out.exists() and not out.is_dir()):
        raise InputError(
            f"--out {out}: --engine ray writes its results as shards into a directory; "
            "give a directory (e.g. --out results/)"
        )


def run_ray(
    settings: Settings,
    inputs: InputFiles,
    out: Path,
    *,
    workers: int,
    concurrency: int,
    address: str | None = None,
    use_cache: bool = True,
    retry_failed: bool = False,
    max_cost: float | None = None,
    on_done: Callable[[BatchStats], None] = lambda _: None,
) -> BatchStats:
    """Summarise every input not yet in the shard directory `out` in `workers` Ray
    workers, `concurrency` articles at a time in each (a shard is those articles); with
    `max_cost`, those the budget does not admit are left undone."""
    try:
        import ray
    except ImportError:
        raise ConfigError(INSTALL) from None
    started = time.perf_counter()
    shards = Shards.next_run(out)
    if not ray.is_initialized():
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False, configure_logging=False
        )
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the command draws its own
    context.print_on_execution_start = False
    context.target_max_block_size = BLOCK_BYTES
    run_ids: Any = ray.remote(RunIds).options(num_cpus=0).remote(out, retry_failed)
    budget: Any = None
    if max_cost is not None:
        budget = ray.remote(SharedBudget).options(num_cpus=0).remote(max_cost)
    tallies = read_rows(inputs, run_ids, workers).map_batches(
        SummarizeRows,
        fn_constructor_args=(settings, use_cache, concurrency, shards, budget),
        compute=ray.data.ActorPoolStrategy(size=workers),
        batch_size=concurrency,
        num_cpus=1,
    )
    stats = BatchStats()
    try:
        for row in tallies.iter_rows():
            tally = json.loads(row["tally"])
            for name in TALLIED:
                setattr(stats, name, getattr(stats, name) + tally[name])
            stats.errors.extend(tally["errors"][: ERRORS_KEPT - len(stats.errors)])
            on_done(stats)
        stats.skipped, stats.failed_before = ray.get(run_ids.counts.remote())
    finally:
        for actor in (run_ids, budget):
            if actor is not None:
                ray.kill(actor)
    stats.total = stats.skipped + stats.ok + stats.failed + stats.undone
    if max_cost is not None:
        stats.undone_by = reached(max_cost)
    stats.read_all = True
    stats.seconds = time.perf_counter() - started
    return stats
