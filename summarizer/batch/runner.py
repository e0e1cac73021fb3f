"""One entry for a batch run: the options, checked whole, choose the engine (this process,
Ray workers, or the provider's Batch API) and how the inputs are read and the results
written, so the command line only passes them on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from summarizer.batch.batch_api import batch_provider, run_batch_api
from summarizer.batch.budget import CostGate
from summarizer.batch.dryrun import RunEstimate, estimate_run
from summarizer.batch.engine import BatchStats, run_batch
from summarizer.batch.estimate import Estimator
from summarizer.batch.fields import Fields
from summarizer.batch.inputs import BatchInputs, read_inputs
from summarizer.batch.ray_engine import check_out, require_ray, run_ray
from summarizer.batch.ray_inputs import InputFiles, list_inputs
from summarizer.choices import BatchEngine, BatchVia
from summarizer.core import ConfigError, InputError
from summarizer.extract import Summarizer
from summarizer.io import ResultFile
from summarizer.providers import require_usable
from summarizer.providers.base import BatchState

# Read here, as the run goes; or, for Ray, only listed (its workers read them).
EngineInputs: TypeAlias = BatchInputs | InputFiles


@dataclass(frozen=True, kw_only=True)
class BatchOptions:
    """How a batch runs. Made before any work, so a combination that cannot be honoured
    stops the run at once, with one clear line, instead of being quietly ignored."""

    via: BatchVia  # sync: a model call per article; batch-api: the provider's Batch API
    engine: BatchEngine  # local: this process; ray: Ray Data workers
    concurrency: int  # articles in flight at once (in each worker, with Ray)
    workers: int  # Ray worker processes
    address: str | None  # the Ray cluster; None starts a local Ray
    poll_seconds: float  # between polls of a Batch API job
    use_cache: bool
    retry_failed: bool  # the articles with an error line run again
    max_cost: float | None = None  # USD: no article starts once it could pass this

    def __post_init__(self) -> None:
        if self.via == "batch-api" and self.engine == "ray":
            raise InputError(
                "--via batch-api cannot run with --engine ray: the batch is submitted, "
                "polled and answered from this process"
            )
        if self.address is not None and self.engine != "ray":
            raise InputError("--ray-address needs --engine ray")
        if self.max_cost is not None and self.via == "batch-api":
            raise InputError(
                "--max-cost runs with --via sync: a Batch API is handed the articles together, "
                "and what they cost is known only once it has answered them all"
            )


def check_runnable(summarizer: Summarizer, options: BatchOptions) -> None:
    """What only the provider and the installed packages can tell, checked before any
    output or progress: a Batch API the provider has, Ray where it is asked for."""
    if options.via == "batch-api":
        batch_provider(summarizer)
    if options.engine == "ray":
        require_ray()
    if options.max_cost is not None and summarizer.pricing is None:
        model = f"{summarizer.provider.name}/{summarizer.provider.model}"
        raise ConfigError(f"--max-cost needs a price for {model}: add it to SUMMARIZER_PRICES")


def dry_run(
    summarizer: Summarizer, items: BatchInputs, out: Path, *, options: BatchOptions
) -> RunEstimate:
    """What `run` would send and cost, without calling a model or writing to `out`."""
    require_usable(summarizer.settings)
    return estimate_run(
        summarizer,
        items,
        out,
        concurrency=options.concurrency,
        batch_api=options.via == "batch-api",
        use_cache=options.use_cache,
        retry_failed=options.retry_failed,
    )


def open_inputs(
    paths: list[Path],
    out: Path,
    options: BatchOptions,
    *,
    published_at: dt.date | None = None,
    fields: Fields | None = None,
    in_process: bool = False,
) -> EngineInputs:
    """The inputs as the engine takes them, and `out` checked to fit it (one results
    file, or with Ray a shard directory), before any output: a bad path stops here.
    `in_process` (a dry run) reads them in this process, whichever the engine."""
    fields = fields or Fields()
    if options.engine == "ray":
        check_out(out)
        if not in_process:
            return list_inputs(paths, published_at, fields)
    elif out.is_dir():
        raise InputError(
            f"--out {out} is a directory: the {options.engine} engine writes one results "
            "file (.jsonl); a shard directory is --engine ray's"
        )
    return read_inputs(paths, published_at, fields, output=out)


def run(
    summarizer: Summarizer,
    inputs: EngineInputs,
    out: Path,
    *,
    options: BatchOptions,
    on_state: Callable[[BatchState], None] = lambda _: None,
    on_done: Callable[[BatchStats], None] = lambda _: None,
) -> tuple[BatchStats, BatchState | None]:
    """Summarise every input not yet in `out` as `options` say; returns the counts and,
    through a Batch API, how its batch ended. Ray workers build their own summarizer from
    this one's settings and write the shards of `out` themselves."""
    if isinstance(inputs, InputFiles):  # what `open_inputs` gives for --engine ray
        stats = run_ray(
            summarizer.settings,
            inputs,
            out,
            workers=options.workers,
            concurrency=options.concurrency,
            address=options.address,
            use_cache=options.use_cache,
            retry_failed=options.retry_failed,
            max_cost=options.max_cost,
            on_done=on_done,
        )
        return stats, None
    results = ResultFile(out)
    try:
        if options.retry_failed:
            results.drop_errors()
        if options.via == "batch-api":
            return run_batch_api(
                summarizer,
                inputs,
                results,
                concurrency=options.concurrency,
                poll_seconds=options.poll_seconds,
                use_cache=options.use_cache,
                on_state=on_state,
                on_done=on_done,
            )
        stats = run_batch(
            summarizer,
            inputs,
            results,
            concurrency=options.concurrency,
            use_cache=options.use_cache,
            on_done=on_done,
            gate=None
            if options.max_cost is None
            else CostGate(options.max_cost, Estimator(summarizer, use_cache=options.use_cache)),
        )
        return stats, None
    finally:
        results.close()
