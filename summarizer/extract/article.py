"""Input stage: raw bytes or a request body become one validated, normalised article.

The text is normalised once here (BOM dropped, CRLF/CR to LF, Unicode NFC) and that
normalised text is the article from then on: its hash is the content id and evidence
offsets index it. For ordinary UTF-8 text with LF line ends it is the text as sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass

from pydantic import ValidationError

from summarizer.core import (
    ArticleMeta,
    ArticleRequest,
    InputError,
    InputTooLarge,
    ReadArticle,
    first_problem,
    iso_date,
)

# Empty and blank text, in one wording wherever they are found.
EMPTY = "article text is empty"


@dataclass(frozen=True)
class Article:
    text: str
    meta: ArticleMeta
    notes: tuple[str, ...] = ()  # what reading its page found (where published_at came from)


def normalize_text(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def content_id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_date(value: str, name: str = "published_at") -> dt.date:
    """A date given outside a request (a command's option, named `name`), read by the
    same rule as a request's."""
    try:
        return iso_date(value)
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from None


def build_article(request: ArticleRequest, max_chars: int, source: str | None = None) -> Article:
    """The validated, normalised article; `source` is the file it was read from, if any."""
    if request.text is None:  # HTML and URLs are read first (`summarizer.pages`)
        raise InputError("the article has no text: its page was not read")
    text = normalize_text(request.text)
    if not text.strip():
        raise InputError(EMPTY)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # JSON can carry lone surrogates; text cannot
        raise InputError(f"article text is not valid Unicode (at character {exc.start})") from None
    if len(text) > max_chars:
        raise InputTooLarge(
            f"article text is {len(text):,} characters, over the limit of {max_chars:,}"
        )
    meta = ArticleMeta(
        id=request.id or content_id(text),
        title=request.title,
        url=request.url,
        published_at=request.published_at,
        source=source,
    )
    notes = request.notes if isinstance(request, ReadArticle) else ()  # only a page has any
    return Article(text=text, meta=meta, notes=notes)


def decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = f"0x{raw[exc.start]:02x}"
        raise InputError(
            f"{source} is not UTF-8 text (invalid byte {byte} at offset {exc.start})"
        ) from None


def request_from_json(data: object, source: str | None = None) -> ArticleRequest:
    """An article from parsed JSON; a problem is named in the file or line `source`, or
    as the request body's when there is none."""
    try:
        return ArticleRequest.model_validate(data)
    except ValidationError as exc:
        whole = "the body" if source is None else "the article"
        problem = first_problem(exc.errors(), whole, shape=ArticleRequest.shape)
        raise InputError(problem if source is None else f"{source}: {problem}") from None


def request_from_bytes(
    raw: bytes, source: str, as_json: bool | None = None, as_html: bool = False
) -> ArticleRequest:
    """Plain text, a web page (`as_html`), or a JSON object `{text | html | url and fetch,
    title?, url?, published_at?, id?}`.

    `as_json=None` decides by content: text whose first non-blank character is `{`.
    """
    text = decode(raw, source)
    if as_json is None:
        as_json = not as_html and text.lstrip().startswith("{")
    if not as_json:
        if not text.strip():
            raise InputError(f"{source}: {EMPTY}")
        return ArticleRequest(html=text) if as_html else ArticleRequest(text=text)
    return request_from_json(load_json(text, source), source)


def request_from_body(raw: bytes, as_html: bool) -> ArticleRequest:
    """An API request's body: a page's HTML, read as leniently as a browser would, or
    JSON. Its problems are named as the body's. Read by `json`, not pydantic's parser:
    that refuses a lone surrogate as "not JSON", where `build_article` names it precisely."""
    if as_html:
        return request_from_json({"html": raw.decode("utf-8", errors="replace")})
    return request_from_json(load_json(decode(raw, "the body"), "the body"))


def load_json(text: str, source: str) -> object:
    """The JSON in `text` (after a byte order mark, which editors on Windows write)."""
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
