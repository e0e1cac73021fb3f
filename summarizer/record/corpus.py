"""Corpus directories: a `manifest.json` listing articles' files with their ids, dates and
titles (the eval corpus's own format, which `summarizer batch` reads too), and the eval
corpus that recording sets are made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from summarizer.core import IsoDate, Strict
from summarizer.io import read_model

MANIFEST = "manifest.json"


class ManifestEntry(Strict):
    """One article of a manifest; what it gives wins over what its file says."""

    file: str = Field(description="The article's file, relative to the manifest")
    id: str | None = Field(default=None, description="Default: the file's name, no suffix")
    title: str | None = None
    url: str | None = None
    published_at: IsoDate = None
    date_basis: str | None = Field(default=None, description="Why that date; not read")

    @property
    def article_id(self) -> str:
        """The id the manifest gives, else the file's name without its suffix."""
        return self.id or Path(self.file).stem

    def given(self) -> dict[str, Any]:
        """What the manifest says of its article, to lay over what its file says."""
        return self.model_dump(include={"id", "title", "url", "published_at"}, exclude_none=True)


class Manifest(Strict):
    """A corpus directory's `manifest.json`: its articles' files, ids, dates and titles."""

    about: str | None = Field(default=None, description="What the corpus is; not read")
    articles: list[ManifestEntry]


def load_manifest(path: Path) -> Manifest:
    return read_model(path, Manifest, "manifest")


@dataclass(frozen=True)
class CorpusArticle:
    id: str
    text: str
    published_at: dt.date | None


def load_corpus(directory: Path) -> list[CorpusArticle]:
    """The articles its manifest lists."""
    return [
        CorpusArticle(
            id=entry.article_id,
            text=(directory / entry.file).read_text(encoding="utf-8"),
            published_at=entry.published_at,
        )
        for entry in load_manifest(directory / MANIFEST).articles
    ]
