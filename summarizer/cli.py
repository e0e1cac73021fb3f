"""Command line: `summarizer summarize | batch | eval | serve | schema | cache`.

Each command imports the stages it uses when it runs: `--help` needs none of them, and a
cache hit needs neither the model nor an SDK, nor instructor.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from summarizer.choices import BatchEngine, BatchVia

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from summarizer.batch import BatchStats
    from summarizer.core import ArticleRequest
    from summarizer.evals import SetResult
    from summarizer.extract import Summarizer
    from summarizer.providers.base import BatchState
    from summarizer.settings import Settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
cache_app = typer.Typer(no_args_is_help=True, help="Inspect or empty the record cache.")
app.add_typer(cache_app, name="cache")

EXIT_FAILED = 1
EXIT_USAGE = 2


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"summarizer: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def clear_errors() -> Iterator[None]:
    """Every known failure becomes one line on stderr and an exit code, never a traceback."""
    from pydantic import ValidationError

    from summarizer.core import ConfigError, InputError, SummarizerError

    try:
        yield
    except (InputError, ConfigError) as exc:
        fail(str(exc), EXIT_USAGE)
    except SummarizerError as exc:
        fail(str(exc), EXIT_FAILED)
    except ValidationError as exc:  # a bad environment variable
        fail(
            f"invalid configuration: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", EXIT_USAGE
        )


def load_settings(**overrides: Any) -> Settings:
    from summarizer.settings import Settings

    return Settings().model_copy(update={k: v for k, v in overrides.items() if v is not None})


def read_input(path: str) -> bytes:
    from summarizer.core import InputError

    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def read_request(path: str) -> ArticleRequest:
    """The article a `summarize` argument names: a URL to fetch, a file or stdin."""
    from summarizer.core import ArticleRequest
    from summarizer.extract import request_from_bytes

    if path.startswith(("http://", "https://")):
        return ArticleRequest(url=path, fetch=True)
    suffix = Path(path).suffix.lower()
    as_json = {".json": True, ".txt": False}.get(suffix)
    source = "stdin" if path == "-" else path
    return request_from_bytes(read_input(path), source, as_json, suffix in (".html", ".htm"))


def read_page_of(request: ArticleRequest, settings: Settings) -> ArticleRequest:
    """The request with its page read, when it is HTML or a URL (the CLI may fetch)."""
    if not request.needs_reading:
        return request
    from summarizer import pages  # the web stack (httpx, trafilatura): only for pages

    return pages.read(request, pages.Limits.of(settings))


def emit(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def make_summarizer(
    settings: Settings, notify: Callable[[str], None], eager: bool = False
) -> Summarizer:
    """The pipeline; its provider is built on the first cache miss, or at once when `eager`
    (a batch should stop on a configuration it cannot run with, not fail every line)."""
    from summarizer.extract import Summarizer

    return Summarizer.from_settings(settings, notify=notify, eager=eager)


ProviderOpt = Annotated[
    str | None, typer.Option(help="Provider name (`summarizer providers` lists them)")
]
Passes = Annotated[
    int | None,
    typer.Option(min=1, max=10, help="Extraction passes, merged [default: SUMMARIZER_PASSES]"),
]


@app.command()
def summarize(
    path: Annotated[
        str,
        typer.Argument(help="Article file (.txt, .json or .html), an http(s) URL, or - for stdin"),
    ],
    published_at: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD")] = None,
    title: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    provider: Annotated[
        str | None, typer.Option(help="Provider name (`summarizer providers` lists them)")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name (openai provider)")] = None,
    passes: Passes = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache")
    ] = False,
) -> None:
    """Summarise one article and print its record as JSON."""
    from summarizer.extract import build_article, parse_date

    with clear_errors():
        settings = load_settings(provider=provider, model=model, passes=passes)
        request = read_request(path)
        given = {
            "title": title,
            "url": url,
            "published_at": parse_date(published_at) if published_at else None,
        }
        request = request.model_copy(update={k: v for k, v in given.items() if v is not None})
        article = build_article(read_page_of(request, settings), settings.max_chars)
        summarizer = make_summarizer(settings, lambda line: typer.echo(line, err=True))
        record = summarizer.summarize(article, use_cache=not no_cache)
        emit(record.model_dump(mode="json"))


@app.command()
def batch(
    inputs: Annotated[list[Path], typer.Argument(help="Files or directories: .txt .json .jsonl")],
    out: Annotated[Path, typer.Option(help="JSONL output; rerunning skips ids already in it")],
    concurrency: Annotated[int, typer.Option(min=1, help="Articles in flight at once")] = 4,
    provider: Annotated[
        str | None, typer.Option(help="Provider name (`summarizer providers` lists them)")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name (openai provider)")] = None,
    passes: Passes = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache")
    ] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run again the articles that failed before")
    ] = False,
    via: Annotated[
        BatchVia,
        typer.Option(help="sync: call the model per article; batch-api: the provider's Batch API"),
    ] = "sync",
    poll_seconds: Annotated[
        float, typer.Option(min=0.0, help="With --via batch-api: seconds between polls")
    ] = 30.0,
    engine: Annotated[
        BatchEngine,
        typer.Option(help="local: this process; ray: Ray Data workers, --concurrency each"),
    ] = "local",
    ray_workers: Annotated[
        int, typer.Option(min=1, help="With --engine ray: worker processes")
    ] = 2,
    ray_address: Annotated[
        str | None, typer.Option(help="With --engine ray: the cluster [default: a local Ray]")
    ] = None,
) -> None:
    """Summarise many articles into one JSONL file: a record or an error line for each."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from summarizer.batch import BatchOptions, read_inputs, run
    from summarizer.io import ResultFile

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
        items = read_inputs(inputs)
        summarizer = make_summarizer(settings, lambda line: typer.echo(line, err=True), eager=True)
        results = ResultFile(out)
        columns = (
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(show_speed=True),
            TimeRemainingColumn(),
            TextColumn("{task.fields[cached]} cached, {task.fields[failed]} failed"),
        )
        with Progress(*columns, console=Console(stderr=True)) as progress:
            shown = BatchProgress(progress, len(items))
            stats, state = run(
                summarizer,
                items,
                results,
                options=options,
                on_state=shown.polled,
                on_done=shown.advance,
            )
            shown.advance(stats)
        results.close()
        if state is not None and state.status != "completed":
            typer.echo(
                f"batch {state.id} ended {state.status}: {state.completed} of {state.total} "
                "answered; rerun with --retry-failed to submit the rest again",
                err=True,
            )
        report_batch(stats)
        if stats.failed or stats.failed_before:
            raise typer.Exit(EXIT_FAILED)


class BatchProgress:
    """The batch command's bars: articles done, and the provider's batch job if any."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress = progress
        self.articles = progress.add_task("batch", total=total, cached=0, failed=0)
        self.job: TaskID | None = None

    def advance(self, stats: BatchStats) -> None:
        done = stats.skipped + stats.ok + stats.failed
        self.progress.update(
            self.articles, completed=done, cached=stats.cached, failed=stats.failed
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


def report_batch(stats: BatchStats) -> None:
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


@app.command("eval")
def eval_command(
    record: Annotated[
        bool, typer.Option("--record", help="Run the real provider into its model's recording set")
    ] = False,
    provider: Annotated[
        str | None, typer.Option(help="With --record: the provider to record")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(help="Replay only this model's set; with --record: the model (openai)"),
    ] = None,
    predictions: Annotated[
        Path | None, typer.Option(help="Score this directory of contract JSON files instead")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the JSON report here")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write each prediction here as <set>/<id>.json")
    ] = None,
    evals_dir: Annotated[
        Path | None, typer.Option(help="Corpus, gold, aliases, recordings [default: evals/]")
    ] = None,
    update_thresholds: Annotated[
        bool,
        typer.Option("--update-thresholds", help="With --record: thresholds = scores - 0.02"),
    ] = False,
) -> None:
    """Score the extractor against the gold records, replaying every recording set."""
    # The eval stack (scipy) is half a second of start-up that other commands never need.
    from rich.console import Console

    from summarizer import evals

    evals_dir = evals_dir or evals.EVALS_DIR
    console = Console(stderr=True)
    with clear_errors():
        started = time.perf_counter()
        evalset = evals.EvalSet.load(evals_dir)
        if predictions is not None:
            scored = evals.score(evals.read_predictions(predictions, evalset.corpus), evalset)
            evals.render(scored, console)
            if report is not None:
                evals.dump_json(report, scored.to_json({"predictions": str(predictions)}))
            return

        def make(settings: Settings) -> Summarizer:
            return make_summarizer(settings, lambda line: typer.echo(line, err=True))

        root = evals_dir / "recordings"
        if record:
            summarizer = make(load_settings(provider=provider, model=model))
            results = [evals.record_set(root, evalset, summarizer, update_thresholds)]
        else:
            base = load_settings()
            results = [evals.replay_set(s, evalset, make, base) for s in evals.choose(root, model)]
        for result in results:
            evals.render(result.report, console, result.recording_set.model)
        if len(results) > 1:
            evals.render_side_by_side(results, console)
        if report is not None:
            evals.dump_json(report, evals.report_json(results))
        if out is not None:
            for result in results:
                evals.save_predictions(result.report.outcomes, out / result.recording_set.name)
        typer.echo(f"eval took {time.perf_counter() - started:.2f} s", err=True)
        failed = results[0].report.failed_articles()
        if record and failed:
            fail(
                f"recording incomplete: no record for {', '.join(failed)}; the set "
                f"{results[0].recording_set.name} is unchanged",
                EXIT_FAILED,
            )
        check_sets(results)


def check_sets(results: list[SetResult]) -> None:
    """Exit 1 when a set's recordings no longer match the requests or it is below its
    thresholds, naming the set and what to do."""
    failed = False
    for result in results:
        name = result.recording_set.model
        if result.report.stale_recordings():
            typer.echo(
                f"summarizer: {name}: no recording matches the current prompts, schema or "
                f"parameters (prompt_version {result.about['prompt_version']}); re-record with "
                f"`{result.rerecord}` and commit evals/recordings",
                err=True,
            )
            failed = True
        for failure in result.failures:
            typer.echo(f"summarizer: {name}: below threshold: {failure}", err=True)
            failed = True
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def view(
    source: Annotated[Path, typer.Argument(help="A record (.json) or a batch's results (.jsonl)")],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="The page (.html), or a directory for results")
    ],
    text: Annotated[
        list[Path] | None,
        typer.Option(help="The article(s) the records came from; default: the cache's copy"),
    ] = None,
) -> None:
    """Write HTML pages: each record with its quotes highlighted in the article text."""
    from summarizer.extract import RecordCache
    from summarizer.view import texts_from_inputs, write_pages

    with clear_errors():
        given = texts_from_inputs(text) if text else {}
        cache = RecordCache(load_settings().cache_dir)

        def text_for(article_id: str) -> str | None:
            return given.get(article_id) or cache.text_by_id(article_id)

        pages = write_pages(source, out, text_for)
        typer.echo(f"wrote {pages[0]}" + (f" and {len(pages) - 1} pages" if len(pages) > 1 else ""))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    log_level: Annotated[
        str, typer.Option(help="uvicorn's log level; below info, no line per request")
    ] = "info",
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn  # the server stack is start-up time the other commands never need

    from summarizer.serve import create_app

    with clear_errors():
        uvicorn.run(create_app(load_settings()), host=host, port=port, log_level=log_level)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output record."""
    from summarizer.core import SummaryRecord

    emit(SummaryRecord.model_json_schema())


@cache_app.command("stats")
def cache_stats() -> None:
    """Entries and size of the cache."""
    from summarizer.extract import RecordCache

    with clear_errors():
        stats = RecordCache(load_settings().cache_dir).stats()
        emit(
            {
                "directory": str(stats.directory),
                "entries": stats.entries,
                "size_bytes": stats.size_bytes,
            }
        )


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every cached record."""
    from summarizer.extract import RecordCache

    with clear_errors():
        removed = RecordCache(load_settings().cache_dir).clear()
        typer.echo(f"removed {removed} cached record(s)", err=True)
