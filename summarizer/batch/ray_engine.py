"""`summarizer batch --engine ray`: the inputs through Ray Data, past one process and one
machine. The cluster reads the inputs (`ray_inputs`); each worker builds its own
summarizer once (provider, prompts, cache), summarises the blocks of articles it is
handed, and writes each block's lines as one shard of the results directory (`Shards`:
whole or not at all). The command's own process holds neither articles nor lines: it
streams back one small tally a block, for the progress bar and the report. A local Ray
is started when no address is given."""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from summarizer.batch.engine import ERRORS_KEPT, BatchStats, summarize_item
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
)


class SummarizeRows:
    """A Ray Data actor: one summarizer per worker process, built once. The rows of a
    block run concurrently in its threads (a model call mostly waits on the network);
    their lines become one shard, and the block's tally is what goes back."""

    def __init__(self, settings: Settings, use_cache: bool, threads: int, shards: Shards) -> None:
        self.summarizer = Summarizer.from_settings(settings, use_cache=use_cache)
        self.use_cache = use_cache
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.shards = shards

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[str]]:
        columns = zip(rows["id"], rows["request"], rows["error"], rows["source"], strict=True)
        lines = list(self.pool.map(lambda row: self.line(*row), columns))
        if lines:
            self.shards.write(lines)
        tally = BatchStats()
        for line in lines:
            tally.count(line)
        return {"tally": [json.dumps(asdict(tally))]}

    def line(self, item_id: object, request: str, error: str, source: object) -> ResultLine:
        if error:  # an input that could not be read, or a duplicate: no model call
            return ErrorLine.model_validate_json(error)
        item = BatchItem(
            str(item_id), ReadArticle.model_validate_json(request), source=str(source) or None
        )
        return summarize_item(self.summarizer, item, self.use_cache)


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
    on_done: Callable[[BatchStats], None] = lambda _: None,
) -> BatchStats:
    """Summarise every input not yet in the shard directory `out` in `workers` Ray
    workers, `concurrency` articles at a time in each (a shard is those articles)."""
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
    tallies = read_rows(inputs, run_ids, workers).map_batches(
        SummarizeRows,
        fn_constructor_args=(settings, use_cache, concurrency, shards),
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
        ray.kill(run_ids)
    stats.total = stats.skipped + stats.ok + stats.failed
    stats.read_all = True
    stats.seconds = time.perf_counter() - started
    return stats
