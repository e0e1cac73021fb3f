"""`summarizer view`: records as HTML pages, their quotes highlighted in the article."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.cli.common import clear_errors, load_settings, notify

if TYPE_CHECKING:
    from summarizer.core import SummaryRecord

Source = Annotated[
    Path,
    typer.Argument(help="A record (.json), or a batch's results (.jsonl, or a shard directory)"),
]
Out = Annotated[
    Path, typer.Option("-o", "--out", help="The page (.html), or a directory for results")
]
Texts = Annotated[
    list[Path] | None,
    typer.Option(
        help="The article(s) the records came from, matched by id, file name or content id; "
        "default: the cache's copy"
    ),
]


def view(source: Source, out: Out, text: Texts = None) -> None:
    """Write HTML pages: each record with its quotes highlighted in the article text."""
    from summarizer import view as pages
    from summarizer.extract import RecordCache

    with clear_errors():
        entries = pages.read_entries(source, out)
        given = pages.Texts.read(text) if text else None
        missing = given.unmatched(entries) if given else []
        if missing:
            shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
            notify(
                f"summarizer: warning: --text has no text for {len(missing)} records "
                f"({shown}); their pages use the cache's copy, if any"
            )
        cache = RecordCache(load_settings().cache_dir)

        def text_for(record: SummaryRecord) -> str | None:
            found = given.find(record) if given else None
            return found or cache.text_by_id(record.article.id)

        written = pages.write_pages(source, entries, out, text_for)
        typer.echo(
            f"wrote {written[0]}" + (f" and {len(written) - 1} pages" if len(written) > 1 else "")
        )
