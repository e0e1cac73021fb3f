"""Batch inputs as users have them: article files (.txt .json .html), directories of them
(read through their `manifest.json` where they have one) and .jsonl files of article
objects. Each input becomes one item with a unique id and the place it was read from."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from summarizer import pages
from summarizer.core import (
    ArticleRequest,
    InputError,
    ReadArticle,
    SummarizerError,
)
from summarizer.extract import (
    content_id,
    decode,
    normalize_text,
    request_from_bytes,
    request_from_json,
)
from summarizer.record import MANIFEST, ManifestEntry, load_manifest

ARTICLE_SUFFIXES = (".txt", ".json", ".html", ".htm")
SUFFIXES = (*ARTICLE_SUFFIXES, ".jsonl")


class DuplicateId(InputError):
    """An input whose id an earlier input of the run already has."""

    kind = "duplicate_id"


@dataclass(frozen=True)
class BatchItem:
    """One input article, or the reason it could not be read."""

    id: str
    request: ReadArticle | None = None
    error: SummarizerError | None = None
    source: str | None = None  # where it was read: its file, or `file:line` in JSONL


def item_for(
    request: ArticleRequest,
    source: str | None = None,
    published_at: dt.date | None = None,
    limits: pages.Limits | None = None,
) -> BatchItem:
    """The article to run, its HTML read (its URL fetched only within `limits`: a batch
    of files fetches none) and dated `published_at` where neither it nor its page gives a
    date; its id is the caller's, else the content id of its text."""
    try:
        request = pages.read(request, limits, default_date=published_at)
    except InputError as exc:
        fallback = content_id(request.html or request.url or "")
        return BatchItem(request.id or fallback, error=exc, source=source)
    assert request.text is not None  # pages.read leaves text or raises
    article_id = request.id or content_id(normalize_text(request.text))
    return BatchItem(article_id, request.model_copy(update={"id": article_id}), source=source)


def read_inputs(paths: Iterable[Path], published_at: dt.date | None = None) -> list[BatchItem]:
    """Every article in the inputs, in order, each id once: `published_at` dates those
    that give no date of their own."""
    items = [item for path in paths for item in _read_path(path, published_at)]
    if not items:
        raise InputError(f"no articles found in the inputs ({', '.join(SUFFIXES)})")
    return unique(items)


def _unsupported(path: Path, suffixes: tuple[str, ...]) -> str:
    return f"{path}: not an article file; supported: {', '.join(suffixes)}"


def _read_path(path: Path, published_at: dt.date | None) -> list[BatchItem]:
    if not path.exists():
        raise InputError(f"no such file or directory: {path}")
    if path.is_dir():
        return [i for file, entry in _walk(path) for i in _read_file(file, entry, published_at)]
    if path.suffix not in SUFFIXES:
        raise InputError(_unsupported(path, SUFFIXES))
    return _read_file(path, None, published_at)


def _walk(directory: Path) -> Iterator[tuple[Path, ManifestEntry | None]]:
    """The files of a directory tree, or of its manifest (then only those) where it has
    one; the manifest itself is never an article."""
    manifest = directory / MANIFEST
    if manifest.is_file():
        for entry in load_manifest(manifest).articles:
            yield directory / entry.file, entry
        return
    for child in sorted(directory.iterdir()):
        if child.is_dir():
            yield from _walk(child)
        elif child.suffix in SUFFIXES:
            yield child, None


def _read_file(
    path: Path, entry: ManifestEntry | None, published_at: dt.date | None
) -> list[BatchItem]:
    if path.suffix == ".jsonl" and entry is None:
        return _read_jsonl(path, published_at)
    return [_read_article(path, entry, published_at)]


def _read_article(
    path: Path, entry: ManifestEntry | None, published_at: dt.date | None, raw: bytes | None = None
) -> BatchItem:
    """One article file (its bytes `raw`, where a Ray worker has read them); its id is the
    manifest's, else the JSON's, else the file's name."""
    source = str(path)
    given = entry.given() if entry is not None else {}
    try:
        if path.suffix not in ARTICLE_SUFFIXES:  # listed in a manifest
            raise InputError(_unsupported(path, ARTICLE_SUFFIXES))
        html = path.suffix in (".html", ".htm")
        raw = _read_bytes(path) if raw is None else raw
        request = request_from_bytes(raw, source, path.suffix == ".json", html)
    except InputError as exc:
        return BatchItem(entry.article_id if entry else path.stem, error=exc, source=source)
    request = request.model_copy(update={"id": request.id or path.stem, **given})
    return item_for(request, source, published_at)


def _read_jsonl(path: Path, published_at: dt.date | None) -> list[BatchItem]:
    # Newlines only: JSON may leave U+2028 or U+0085 unescaped, where splitlines would cut.
    lines = decode(_read_bytes(path), str(path)).split("\n")
    return [
        _read_line(line, f"{path}:{number}", published_at)
        for number, line in enumerate(lines, 1)
        if line.strip()
    ]


def _read_line(line: str, source: str, published_at: dt.date | None) -> BatchItem:
    """One JSONL line; without an id of its own, its id is its text's content id."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return BatchItem(
            source, error=InputError(f"{source} is not JSON: {exc.msg}"), source=source
        )
    try:
        return item_for(request_from_json(data, source), source, published_at)
    except InputError as exc:  # the caller's id, where it gave one, names the failure
        given = data.get("id") if isinstance(data, dict) else None
        return BatchItem(given if isinstance(given, str) else source, error=exc, source=source)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def unique(items: list[BatchItem]) -> list[BatchItem]:
    """Ids are unique in a run: an input whose id is taken gets an error line of its own,
    under its source, never a second record."""
    first: dict[str, BatchItem] = {}
    kept = []
    for item in items:
        taken = first.setdefault(item.id, item)
        if taken is not item:
            error = DuplicateId(f"id {item.id!r} is already used by {taken.source}")
            item = BatchItem(item.source or item.id, error=error, source=item.source)
        kept.append(item)
    return kept
