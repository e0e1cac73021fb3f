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
    first_problem,
)


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


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"invalid published_at {value!r}: expected YYYY-MM-DD") from None


def build_article(request: ArticleRequest, max_chars: int, source: str | None = None) -> Article:
    """The validated, normalised article; `source` is the file it was read from, if any."""
    if request.text is None:  # HTML and URLs are read first (`summarizer.pages`)
        raise InputError("the article has no text: its page was not read")
    text = normalize_text(request.text)
    if not text.strip():
        raise InputError("article text is empty")
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
    return Article(text=text, meta=meta, notes=request.notes)


def decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = f"0x{raw[exc.start]:02x}"
        raise InputError(
            f"{source} is not UTF-8 text (invalid byte {byte} at offset {exc.start})"
        ) from None


def request_from_json(data: object, source: str) -> ArticleRequest:
    if not isinstance(data, dict):
        raise InputError(f"{source}: a JSON article must be an object with a 'text' field")
    try:
        return ArticleRequest.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{source}: field {first_problem(exc.errors(), 'body')}") from None


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
            raise InputError(f"{source}: article text is empty")
        return ArticleRequest(html=text) if as_html else ArticleRequest(text=text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    return request_from_json(data, source)
