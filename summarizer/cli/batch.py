"""`summarizer batch`: many articles into one JSONL file, with progress bars and a report.
Which engine runs them is the batch package's choice (`summarizer.batch.run`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.choices import BatchEngine, BatchVia
from summarizer.cli.common import (
    EXIT_FAILED,
    EXIT_UNDONE,
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
        help="Files, directories or quoted glob patterns: .txt .json .html .htm articles, "
        ".jsonl of article objects, .parquet and .csv tables of articles; a directory with "
        "a manifest.json is read through it"
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
    typer.Option(
        help="sync: call the model per article; batch-api: the provider's Batch API, one "
        f"batch a run within its limits (rerun while it exits {EXIT_UNDONE})"
    ),
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
COST = "Cost"
DryRun = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Say what the run would send and cost (articles, pieces, tokens, USD, time); "
        "call no model, write nothing",
        rich_help_panel=COST,
    ),
]
MaxCost = Annotated[
    float | None,
    typer.Option(
        min=0.0,
        metavar="USD",
        help="Start no article once the spend plus what is in flight could pass this; the "
        f"rest stay undone for a rerun (exit code {EXIT_UNDONE})",
        rich_help_panel=COST,
    ),
]


def _field(part: str, default: str) -> Any:
    """The option naming where a part of each article is in JSONL objects and tables."""
    return typer.Option(
        help=f"The {part}'s field (JSONL) or column (Parquet, CSV) \\[default: {default}]",
        rich_help_panel="Where the articles' parts are",
    )


TextField = Annotated[str | None, _field("article text", "text")]
IdField = Annotated[str | None, _field("article id", "id, where there is one")]
DateField = Annotated[str | None, _field("publication date", "published_at")]
TitleField = Annotated[str | None, _field("title", "title")]
UrlField = Annotated[str | None, _field("URL", "url")]


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
    # Where the articles' parts are, in JSONL objects and table rows
    text_field: TextField = None,
    id_field: IdField = None,
    date_field: DateField = None,
    title_field: TitleField = None,
    url_field: UrlField = None,
    dry_run: DryRun = False,
    max_cost: MaxCost = None,
) -> None:
    """Summarise many articles into one JSONL file (with Ray, a directory of shards): a
    record or an error line for each."""
    from summarizer.batch import BatchOptions, Fields, InputFiles, check_runnable, open_inputs, run
    from summarizer.batch import dry_run as estimate
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
            max_cost=max_cost,
        )
        settings = load_settings(provider=provider, model=model, passes=passes)
        fields = Fields.of(
            text=text_field,
            id=id_field,
            published_at=date_field,
            title=title_field,
            url=url_field,
        )
        date = parse_date(published_at) if published_at else None
        items = open_inputs(
            inputs, out, options, published_at=date, fields=fields, in_process=dry_run
        )
        summarizer = Summarizer.from_settings(settings, notify=notify, eager=not dry_run)
        check_runnable(summarizer, options)
        if dry_run:
            assert not isinstance(items, InputFiles)  # read in this process for a dry run
            for line in estimate(summarizer, items, out, options=options).lines():
                typer.echo(line)
            return
        with progress_bars() as shown:
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
        if stats.undone:
            raise typer.Exit(EXIT_UNDONE)
        if stats.failed or stats.failed_before:
            raise typer.Exit(EXIT_FAILED)


class BatchProgress:
    """The batch command's bars: articles done, and the provider's batch job if any."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.articles = progress.add_task("batch", total=None, cached=0, failed=0)
        self.job: TaskID | None = None

    def advance(self, stats: BatchStats) -> None:
        """The inputs are read as the run goes: their number is known once all are read."""
        done = stats.skipped + stats.ok + stats.failed
        self.progress.update(
            self.articles,
            total=stats.total if stats.read_all else None,
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
def progress_bars() -> Iterator[BatchProgress]:
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
        yield BatchProgress(progress)


def report_batch(stats: BatchStats, state: BatchState | None) -> None:
    """How the run ended, on stderr: a provider's batch that did not complete, the first
    failures, the counts, tokens and cost, and what to rerun."""
    from summarizer.providers.prices import usd

    if state is not None and state.status != "completed":
        typer.echo(
            f"batch {state.id} ended {state.status}: {state.completed} of {state.total} "
            "answered; rerun with --retry-failed to submit the rest again",
            err=True,
        )
    for error in stats.errors:  # the first few
        typer.echo(f"failed: {error}", err=True)
    if stats.failed > len(stats.errors):
        typer.echo(f"... and {stats.failed - len(stats.errors)} more failures", err=True)
    unpriced = f" and {stats.unpriced} records without a price" if stats.unpriced else ""
    typer.echo(
        f"{stats.ok} ok, {stats.failed} failed, {stats.cached} cached, "
        f"{stats.skipped} already done; tokens {stats.prompt_tokens} in "
        f"({stats.cached_prompt_tokens} cached), {stats.completion_tokens} out; "
        f"cost {usd(stats.cost_usd)}{unpriced}; {stats.seconds:.1f} s",
        err=True,
    )
    if stats.undone:
        left = f"{stats.undone} article{'' if stats.undone == 1 else 's'}"
        typer.echo(f"{stats.undone_by}: {left} left undone; rerun to continue them", err=True)
    if stats.failed_before:
        typer.echo(
            f"{stats.failed_before} failed in an earlier run: rerun with --retry-failed", err=True
        )
