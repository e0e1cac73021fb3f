"""The input: an article as a caller submits it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, PrivateAttr, StringConstraints, model_validator

from summarizer.core.types import IsoDate, Strict


class ArticleRequest(Strict):
    """An article as a caller submits it (API body, JSON file, JSONL line): its text, a
    web page's HTML, or a URL to fetch (`fetch: true`)."""

    text: Annotated[str, StringConstraints(min_length=1)] | None = None
    html: Annotated[str, StringConstraints(min_length=1)] | None = None
    title: str | None = None
    url: str | None = None
    fetch: bool = Field(default=False, description="Fetch the page at `url` and read it")
    published_at: IsoDate = None
    id: str | None = None
    # What reading a page found out about the article, said in the record's warnings.
    _notes: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _one_source(self) -> ArticleRequest:
        given = [self.text is not None, self.html is not None, self.fetch]
        if sum(given) != 1:
            raise ValueError("give exactly one of text, html, or url with fetch: true")
        if self.fetch and not self.url:
            raise ValueError("fetch: true needs a url")
        return self

    @property
    def notes(self) -> tuple[str, ...]:
        return self._notes

    @property
    def needs_reading(self) -> bool:
        """Whether the text is still to be read from a page (its HTML, or its URL)."""
        return self.html is not None or self.fetch

    def with_page(self, text: str, notes: tuple[str, ...], **found: object) -> ArticleRequest:
        """This request with a page's text, and its metadata where the caller gave none."""
        fill = {k: v for k, v in found.items() if getattr(self, k) is None and v is not None}
        read = self.model_copy(update={"text": text, "html": None, "fetch": False, **fill})
        read._notes = notes
        return read
