"""`summarizer batch`: many articles into one JSONL file, with progress bars and a report.
Which engine runs them is the batch package's choice (`summarizer.batch.run`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.choices import BatchEngine, BatchVia
from summarizer.cli.common import (
    EXIT_FAILED,
    ModelName,
    NoCache,
    Passes,
    ProviderName,
    clear_errors,
    load_settings,
    notify,
)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from summarizer.batch import BatchStats
    from summarizer.providers.base import BatchState

Inputs = Annotated[
    list[Path],
    typer.Argument(
        help="Files or directories: .txt .json .html .htm articles, .jsonl of article objects "
        "(with --engine ray also .parquet and .csv tables); a directory with a manifest.json "
        "is read through it"
    ),
]
PublishedAt = Annotated[
    str | None,
    typer.Option(help="Publication date YYYY-MM-DD of the articles that give none"),
]
Out = Annotated[
    Path,
    typer.Option(
        help="JSONL output, or with --engine ray a directory of shards; rerunning skips ids "
        "already in it"
    ),
]
Concurrency = Annotated[int, typer.Option(min=1, help="Articles in flight at once")]
RetryFailed = Annotated[
    bool, typer.Option("--retry-failed", help="Run again the articles that failed before")
]
Via = Annotated[
    BatchVia,
    typer.Option(help="sync: call the model per article; batch-api: the provider's Batch API"),
]
PollSeconds = Annotated[
    float, typer.Option(min=0.0, help="With --via batch-api: seconds between polls")
]
Engine = Annotated[
    BatchEngine,
    typer.Option(help="local: this process; ray: Ray Data workers, --concurrency each"),
]
RayWorkers = Annotated[int, typer.Option(min=1, help="With --engine ray: worker processes")]
RayAddress = Annotated[
    str | None, typer.Option(help="With --engine ray: the cluster \\[default: a local Ray]")
]


def column(field: str) -> object:
    return typer.Option(help=f"The column of a table input (.parquet, .csv) holding the {field}")


TextField = Annotated[str, column("text")]
IdField = Annotated[str, column("id")]
DateField = Annotated[str, column("publication date")]
TitleField = Annotated[str, column("title")]
UrlField = Annotated[str, column("URL")]


def batch(
    inputs: Inputs,
    out: Out,
    published_at: PublishedAt = None,
    concurrency: Concurrency = 4,
    provider: ProviderName = None,
    model: ModelName = None,
    passes: Passes = None,
    no_cache: NoCache = False,
    retry_failed: RetryFailed = False,
    via: Via = "sync",
    poll_seconds: PollSeconds = 30.0,
    engine: Engine = "local",
    ray_workers: RayWorkers = 2,
    ray_address: RayAddress = None,
    text_field: TextField = "text",
    id_field: IdField = "id",
    date_field: DateField = "published_at",
    title_field: TitleField = "title",
    url_field: UrlField = "url",
) -> None:
    """Summarise many articles into one JSONL file (with Ray, a directory of shards): a
    record or an error line for each."""
    from summarizer.batch import BatchOptions, Fields, check_runnable, open_inputs, run
    from summarizer.extract import Summarizer, parse_date

    with clear_errors():
        options = BatchOptions(
            via=via,
            engine=engine,
            concurrency=concurrency,
            workers=ray_workers,
            address=ray_address,
            poll_seconds=poll_seconds,
            use_cache=not no_cache,
            retry_failed=retry_failed,
        )
        settings = load_settings(provider=provider, model=model, passes=passes)
        items = open_inputs(
            inputs,
            out,
            options,
            published_at=parse_date(published_at) if published_at else None,
            fields=Fields(text_field, id_field, date_field, title_field, url_field),
        )
        summarizer = Summarizer.from_settings(settings, notify=notify, eager=True)
        check_runnable(summarizer, options)
        # Ray's workers read the inputs: how many there are is known at the end.
        with progress_bars(len(items) if isinstance(items, list) else None) as shown:
            stats, state = run(
                summarizer,
                items,
                out,
                options=options,
                on_state=shown.polled,
                on_done=shown.advance,
            )
            shown.advance(stats)
        report_batch(stats, state)
        if stats.failed or stats.failed_before:
            raise typer.Exit(EXIT_FAILED)


class BatchProgress:
    """The batch command's bars: articles done, and the provider's batch job if any."""

    def __init__(self, progress: Progress, total: int | None) -> None:
        self.progress = progress
        self.articles = progress.add_task("batch", total=total, cached=0, failed=0)
        self.job: TaskID | None = None

    def advance(self, stats: BatchStats) -> None:
        done = stats.skipped + stats.ok + stats.failed
        self.progress.update(
            self.articles,
            total=stats.total or None,  # None leaves it: unknown while Ray reads
            completed=done,
            cached=stats.cached,
            failed=stats.failed,
        )

    def polled(self, state: BatchState) -> None:
        if self.job is None:
            self.job = self.progress.add_task("batch API", total=None, cached=0, failed=0)
        self.progress.update(
            self.job,
            description=f"batch {state.id}: {state.status}",
            total=state.total or None,
            completed=state.completed + state.failed,
        )


@contextmanager
def progress_bars(total: int | None) -> Iterator[BatchProgress]:
    """The bars, on stderr (stdout stays free), while the batch runs."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(show_speed=True),
        TimeRemainingColumn(),
        TextColumn("{task.fields[cached]} cached, {task.fields[failed]} failed"),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:
        yield BatchProgress(progress, total)


def report_batch(stats: BatchStats, state: BatchState | None) -> None:
    """How the run ended, on stderr: a provider's batch that did not complete, the first
    failures, the counts, and what to rerun."""
    if state is not None and state.status != "completed":
        typer.echo(
            f"batch {state.id} ended {state.status}: {state.completed} of {state.total} "
            "answered; rerun with --retry-failed to submit the rest again",
            err=True,
        )
    for error in stats.errors[:10]:
        typer.echo(f"failed: {error}", err=True)
    if len(stats.errors) > 10:
        typer.echo(f"... and {len(stats.errors) - 10} more failures", err=True)
    typer.echo(
        f"{stats.ok} ok, {stats.failed} failed, {stats.cached} cached, "
        f"{stats.skipped} already done; tokens {stats.prompt_tokens} in, "
        f"{stats.completion_tokens} out; {stats.seconds:.1f} s",
        err=True,
    )
    if stats.failed_before:
        typer.echo(
            f"{stats.failed_before} failed in an earlier run: rerun with --retry-failed", err=True
        )
