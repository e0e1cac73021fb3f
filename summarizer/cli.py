"""Command line: `summarizer summarize | schema | cache stats | cache clear`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

from summarizer.article import build_article, parse_date, request_from_bytes
from summarizer.cache import RecordCache
from summarizer.core import ConfigError, InputError, SummarizerError, SummaryRecord
from summarizer.pipeline import Summarizer
from summarizer.prompts import load_prompts
from summarizer.providers import DEMO_NOTICE, is_demo_default, make_provider
from summarizer.settings import ProviderName, Settings

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
    return Settings().model_copy(update={k: v for k, v in overrides.items() if v is not None})


def read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def emit(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def make_summarizer(settings: Settings, notify: Callable[[str], None]) -> Summarizer:
    if is_demo_default(settings):
        notify(DEMO_NOTICE)
    return Summarizer(
        make_provider(settings), load_prompts(), RecordCache(settings.cache_dir), settings
    )


@app.command()
def summarize(
    path: Annotated[str, typer.Argument(help="Article file (.txt or .json), or - for stdin")],
    published_at: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD")] = None,
    title: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    provider: Annotated[ProviderName | None, typer.Option(help="local | openai | replay")] = None,
    model: Annotated[str | None, typer.Option(help="Model name (openai provider)")] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache")
    ] = False,
) -> None:
    """Summarise one article and print its record as JSON."""
    with clear_errors():
        settings = load_settings(provider=provider, model=model)
        as_json = {".json": True, ".txt": False}.get(Path(path).suffix.lower())
        request = request_from_bytes(read_input(path), "stdin" if path == "-" else path, as_json)
        given = {
            "title": title,
            "url": url,
            "published_at": parse_date(published_at) if published_at else None,
        }
        request = request.model_copy(update={k: v for k, v in given.items() if v is not None})
        article = build_article(request, settings.max_chars)
        summarizer = make_summarizer(settings, lambda line: typer.echo(line, err=True))
        record = summarizer.summarize(article, use_cache=not no_cache)
        emit(record.model_dump(mode="json"))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output record."""
    emit(SummaryRecord.model_json_schema())


@cache_app.command("stats")
def cache_stats() -> None:
    """Entries and size of the cache."""
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
    with clear_errors():
        removed = RecordCache(load_settings().cache_dir).clear()
        typer.echo(f"removed {removed} cached record(s)", err=True)
