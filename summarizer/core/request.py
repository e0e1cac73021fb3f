"""The input: an article as a caller submits it, and the same article once its page is read."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, WithJsonSchema, model_validator

from summarizer.core.types import DATE_FORM, IsoDate, Strict

# Empty text is refused by the input stage in the same words as blank text (so a batch
# fails that article alone); the schema still says what is accepted.
Content = Annotated[str, WithJsonSchema({"type": "string", "minLength": 1})]


class ArticleRequest(Strict):
    """An article as a caller submits it (API body, JSON file, JSONL line): its text, a
    web page's HTML, or a URL to fetch (`fetch: true`)."""

    # What a request is, for the message about a body that is none.
    shape: ClassVar[str] = "a JSON object with text, html or url"
    text: Content | None = None
    html: Content | None = None
    title: str | None = None
    url: str | None = None
    fetch: bool = Field(default=False, description="Fetch the page at `url` and read it")
    published_at: IsoDate = Field(default=None, description=DATE_FORM)
    id: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ArticleRequest:
        sources = {"text": self.text is not None, "html": self.html is not None}
        given = [name for name, on in {**sources, "url with fetch: true": self.fetch}.items() if on]
        if not given:
            raise ValueError("no article: give one of text, html, or url with fetch: true")
        if len(given) > 1:
            also = " and ".join(given)
            raise ValueError(f"give only one of text, html, or url with fetch: true, not {also}")
        if self.fetch and not self.url:
            raise ValueError("fetch: true needs a url")
        return self

    @property
    def needs_reading(self) -> bool:
        """Whether the text is still to be read from a page (its HTML, or its URL)."""
        return self.html is not None or self.fetch

    def with_page(self, text: str, notes: tuple[str, ...], **found: object) -> ReadArticle:
        """This request with a page's text, and its metadata where the caller gave none."""
        fill = {k: v for k, v in found.items() if getattr(self, k) is None and v is not None}
        fields = {**self.model_dump(), "html": None, "fetch": False, **fill}
        return ReadArticle.model_validate({**fields, "text": text, "notes": notes})


class ReadArticle(ArticleRequest):
    """An article whose page has been read, with what reading it found out (where its
    published_at came from), said in its record's warnings. The notes are a field so they
    survive every trip through JSON (a job's input file, a Ray row); callers send an
    `ArticleRequest`, which has no such field, so they cannot write a record's warnings."""

    notes: tuple[str, ...] = ()
