"""Batch inputs as users have them: article files (.txt .json .html), directories of them
(read through their `manifest.json` where they have one), .jsonl files of article
objects, and Parquet and CSV tables of articles, named as files, directories or glob
patterns. Each input becomes one item with a unique id and the place it was read from.

The inputs are read lazily, in order, one article at a time: a run holds the articles in
flight, never the corpus. What can be known before reading any article (every path
there, of a kind read here; every table with its columns) is checked first."""

from __future__ import annotations

import datetime as dt
import glob
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from summarizer import pages
from summarizer.batch.fields import Fields
from summarizer.core import (
    ArticleRequest,
    InputError,
    ReadArticle,
    SummarizerError,
)
from summarizer.extract import (
    EMPTY,
    content_id,
    decode,
    normalize_text,
    request_from_bytes,
    request_from_json,
)
from summarizer.record import MANIFEST, ManifestEntry, load_manifest

if TYPE_CHECKING:
    from summarizer.batch.tables import Table

ARTICLE_SUFFIXES = (".txt", ".json", ".html", ".htm")
TABLE_SUFFIXES = (".parquet", ".csv")
SUFFIXES = (*ARTICLE_SUFFIXES, ".jsonl", *TABLE_SUFFIXES)
PATTERN = re.compile(r"[*?[]")  # what makes an input a glob pattern


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
    date; its id is the caller's, else the content id of its text. An empty text is an
    error, under the caller's id, else its source: it has nothing else to be told by."""
    try:
        request = pages.read(request, limits, default_date=published_at)
    except InputError as exc:
        fallback = content_id(request.html or request.url or "")
        return BatchItem(request.id or fallback, error=exc, source=source)
    assert request.text is not None  # pages.read leaves text or raises
    text = normalize_text(request.text)
    if not text.strip():
        fallback = source or content_id(text)
        return BatchItem(request.id or fallback, error=InputError(EMPTY), source=source)
    article_id = request.id or content_id(text)
    return BatchItem(article_id, request.model_copy(update={"id": article_id}), source=source)


@dataclass(frozen=True)
class Inputs:
    """The articles of `paths`, read anew each time they are iterated, in order, each id
    once; `published_at` dates those that give no date of their own, `fields` says where
    a JSONL object's or a table row's parts are. The results file `output` (absolute),
    written as the run reads, is never one of them."""

    paths: tuple[Path, ...]
    published_at: dt.date | None = None
    fields: Fields = field(default_factory=Fields)
    output: Path | None = None

    def __iter__(self) -> Iterator[BatchItem]:
        read = 0
        for item in unique(self._items()):
            read += 1
            yield item
        if not read:
            raise InputError(f"no articles found in the inputs ({', '.join(SUFFIXES)})")

    def check(self) -> None:
        """What can be known before reading any article: every file of a kind read here
        (every manifest readable), every table with the columns it needs."""
        for path, entry in self._files():
            if entry is None and path.suffix in TABLE_SUFFIXES:
                _open_table(path, self.fields)

    def _files(self) -> Iterator[tuple[Path, ManifestEntry | None]]:
        for path in self.paths:
            for file, entry in _files(path):
                if not self._written(file):
                    yield file, entry
                elif file == path:
                    raise InputError(f"{path} is where the results go (--out), not an input")

    def _written(self, path: Path) -> bool:
        """Whether `path` is the results file, or one the run keeps beside it
        (`results.jsonl.batches.json`)."""
        out = self.output
        if out is None or not (path.name == out.name or path.name.startswith(f"{out.name}.")):
            return False
        return path.parent.resolve() == out.parent

    def _items(self) -> Iterator[BatchItem]:
        for path, entry in self._files():
            if entry is not None or path.suffix in ARTICLE_SUFFIXES:
                yield _read_article(path, entry, self.published_at)
            elif path.suffix == ".jsonl":
                yield from _read_jsonl(path, self.published_at, self.fields)
            else:
                yield from _read_table(path, self.published_at, self.fields)


# Items a run may read more than once (the Batch API reads them twice): never a one-shot
# iterator.
BatchInputs: TypeAlias = Inputs | Sequence[BatchItem]


def read_inputs(
    paths: Iterable[Path],
    published_at: dt.date | None = None,
    fields: Fields | None = None,
    output: Path | None = None,
) -> Inputs:
    """The inputs at `paths` (files, directories, glob patterns), checked, to be read as
    they are iterated; the results file `output` and its companions are left out."""
    found = tuple(match for path in paths for match in _expand(path))
    out = output.resolve() if output is not None else None
    inputs = Inputs(found, published_at, fields or Fields(), out)
    inputs.check()
    return inputs


def unique(items: Iterable[BatchItem]) -> Iterator[BatchItem]:
    """Ids are unique in a run: an input whose id is taken gets an error line of its own,
    under its source, never a second record. Each id is kept with the source of its first
    input (about 180 bytes an id for a JSONL corpus: the id, the `file:line`, the entry)."""
    first: dict[str, str | None] = {}
    for item in items:
        if item.id not in first:
            first[item.id] = item.source
            yield item
            continue
        error = DuplicateId(f"id {item.id!r} is already used by {first[item.id]}")
        yield BatchItem(item.source or item.id, error=error, source=item.source)


def _expand(path: Path) -> list[Path]:
    """A path as given, or the paths a glob pattern matches (`'shards/*.parquet'`, quoted
    so that the shell leaves it to us) in order."""
    if path.exists():
        return [path]
    if PATTERN.search(str(path)):
        matches = sorted(glob.glob(str(path), recursive=True))
        if not matches:
            raise InputError(f"no file matches {path}")
        return [Path(match) for match in matches]
    raise InputError(f"no such file or directory: {path}")


def _unsupported(path: Path, suffixes: tuple[str, ...]) -> str:
    return f"{path}: not an article file; supported: {', '.join(suffixes)}"


def _files(path: Path) -> Iterator[tuple[Path, ManifestEntry | None]]:
    """The files to read at `path`, each with its manifest entry if it has one."""
    if path.is_dir():
        yield from _walk(path)
    elif path.suffix in SUFFIXES:
        yield path, None
    else:
        raise InputError(_unsupported(path, SUFFIXES))


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


def _read_jsonl(path: Path, published_at: dt.date | None, fields: Fields) -> Iterator[BatchItem]:
    """A JSONL file's lines, read one at a time. Lines end at newlines only: JSON may
    leave U+2028 or U+0085 unescaped, where `str.splitlines` would cut."""
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                if raw.strip():
                    yield _read_line(raw, f"{path}:{number}", published_at, fields)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _read_line(raw: bytes, source: str, published_at: dt.date | None, fields: Fields) -> BatchItem:
    try:
        data = json.loads(decode(raw, source))
    except InputError as exc:
        return BatchItem(source, error=exc, source=source)
    except json.JSONDecodeError as exc:
        error = InputError(f"{source} is not JSON: {exc.msg}")
        return BatchItem(source, error=error, source=source)
    return _read_object(fields.renamed(data), source, published_at)


def _read_table(path: Path, published_at: dt.date | None, fields: Fields) -> Iterator[BatchItem]:
    """A table's rows, a batch of rows at a time; where the file cannot be read further,
    one error line for the rest of it."""
    table = _open_table(path, fields)
    try:
        for number, data in enumerate(table.rows(), 1):
            yield _read_object(data, f"{path}:{number}", published_at)
    except InputError as exc:
        yield BatchItem(str(path), error=exc, source=str(path))


def _open_table(path: Path, fields: Fields) -> Table:
    from summarizer.batch.tables import open_table  # pyarrow, only for a run with a table

    return open_table(path, fields)


def _read_object(data: Any, source: str, published_at: dt.date | None) -> BatchItem:
    """One article object (a JSONL line, a table row); without an id of its own, its id
    is its text's content id."""
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
