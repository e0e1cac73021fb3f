"""`summarizer view`: records as HTML pages, their quotes highlighted in the article."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli.common import clear_errors, load_settings

Source = Annotated[Path, typer.Argument(help="A record (.json) or a batch's results (.jsonl)")]
Out = Annotated[
    Path, typer.Option("-o", "--out", help="The page (.html), or a directory for results")
]
Texts = Annotated[
    list[Path] | None,
    typer.Option(help="The article(s) the records came from; default: the cache's copy"),
]


def view(source: Source, out: Out, text: Texts = None) -> None:
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
