"""`summarizer summarize`: one article (a file, a URL or stdin) to its record on stdout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.cli.common import (
    ModelName,
    NoCache,
    Passes,
    ProviderName,
    clear_errors,
    emit,
    load_settings,
    notify,
)

if TYPE_CHECKING:
    from summarizer.core import ArticleRequest
    from summarizer.settings import Settings


def summarize(
    path: Annotated[
        str,
        typer.Argument(help="Article file (.txt, .json or .html), an http(s) URL, or - for stdin"),
    ],
    published_at: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD (or an ISO 8601 timestamp)")
    ] = None,
    title: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    provider: ProviderName = None,
    model: ModelName = None,
    passes: Passes = None,
    no_cache: NoCache = False,
) -> None:
    """Summarise one article and print its record as JSON.

    The default provider is local (the built-in demo model) if installed, else openai;
    --provider or SUMMARIZER_PROVIDER chooses another. `summarizer providers` lists them and
    what each needs.
    """
    from summarizer.extract import Summarizer, build_article, parse_date

    with clear_errors():
        settings = load_settings(provider=provider, model=model, passes=passes)
        request = read_request(path)
        given = {
            "title": title,
            "url": url,
            "published_at": parse_date(published_at, "--published-at") if published_at else None,
        }
        request = request.model_copy(update={k: v for k, v in given.items() if v is not None})
        source = None if path == "-" or request.fetch else path  # the file it was read from
        article = build_article(read_page_of(request, settings), settings.max_chars, source)
        summarizer = Summarizer.from_settings(settings, notify=notify)
        record = summarizer.summarize(article, use_cache=not no_cache)
        emit(record.model_dump(mode="json"))


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
