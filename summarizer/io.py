"""Results files: one JSON line per input article, its record or an error line.

The one place that writes and parses those lines (as langextract's `io.py` does for its
documents): `summarizer batch` and the API's jobs write them through `ResultFile`, the
Ray engine's workers through `Shards`; `view`, `export`, `corpus`, the job status,
skip-done and the tests read them through `iter_results` (typed, streaming) or
`done_ids` (the ids only), from a results file or a shard directory alike. A whole JSON
file (a record, a manifest) is read through `read_model`, with the same kind of error.

A shard directory holds `RUN-HASH.jsonl` files, each written whole (a hidden temporary
file, then a rename): `RUN` is the run's number in the directory (six digits, one more
than the highest already there), `HASH` a digest of the shard's ids. Shards are never
rewritten, so a line may be superseded: read in name order (run order), the last line of
an id wins. Only an error line can be superseded, by a later run's `--retry-failed`
(skip-done runs no other id again), so a reader keeps only the failed ids in memory.
"""

from __future__ import annotations

import functools
import hashlib
import mmap
import os
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeAlias, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
)

from summarizer.core import InputError, SummarizerError, SummaryRecord, first_problem


class ErrorDetail(BaseModel):
    type: str
    message: str


class ErrorLine(BaseModel):
    """The line for an article that gave no record: its id, where it was read, and why."""

    id: str
    source: str | None = Field(
        default=None,
        description="Where a batch read the input: its file, or `file:line` in JSONL; "
        "null when it came from no file (the API)",
    )
    error: ErrorDetail


ResultLine: TypeAlias = SummaryRecord | ErrorLine
M = TypeVar("M", bound=BaseModel)
RUN = re.compile(r"\d{6}-[0-9a-f]{16}\.jsonl$")  # a shard's name: its run, its ids' digest


def line_id(line: ResultLine) -> str:
    return line.id if isinstance(line, ErrorLine) else line.article.id


def public_message(error: Exception) -> str:
    """What may be shown of an error outside the server: no paths, no internals."""
    return error.public_message if isinstance(error, SummarizerError) else type(error).__name__


def error_line(article_id: str, error: Exception, source: str | None = None) -> ErrorLine:
    """The line for a failed article; the API serves these files, so no server paths
    (`source` is a batch's input, given by the one who reads the file)."""
    kind = error.kind if isinstance(error, SummarizerError) else "internal_error"
    detail = ErrorDetail(type=kind, message=public_message(error))
    return ErrorLine(id=article_id, source=source, error=detail)


def parse_line(text: str | bytes, source: str) -> ResultLine:
    """One line of a results file; an InputError names `source` and what is wrong."""
    try:
        return _adapter().validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise InputError(f"{source} is not JSON: {first['msg']}") from None
        problem = first_problem(exc.errors(), "line")
        raise InputError(f"{source} is neither a record nor an error line: {problem}") from None


def read_model(path: Path, model: type[M], what: str) -> M:
    """A whole JSON file (a record, a manifest) as `model`; an InputError names the file
    and its first problem."""
    try:
        return model.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except ValidationError as exc:
        raise InputError(f"{path} is not a {what}: {first_problem(exc.errors(), what)}") from None


def iter_results(path: Path) -> Iterator[ResultLine]:
    """The lines of a results file in order, or of a shard directory in name order less
    the superseded ones, read one at a time. A last line with no newline is one still
    being written (or torn by a crash) and is left out."""
    files = _files(path)  # listed once, for both passes: a shard written since is not read
    last = _superseding(files) if path.is_dir() else {}
    for file, number, raw in _numbered(files):
        line = parse_line(raw, f"{file}:{number}")
        here = (file.name, number)
        if last.get(line_id(line), here) == here:
            yield line


def iter_models(path: Path, model: type[M]) -> Iterator[M]:
    """The whole lines of a JSONL file, each as `model`. Lines end at a newline only: JSON
    leaves U+2028 or U+0085 in a string unescaped, and `str.splitlines` would cut there."""
    for _, raw in _lines(path):
        yield model.model_validate_json(raw)


def done_ids(path: Path) -> dict[str, bool]:
    """Ids in a results file or a shard directory, each with whether its (last) line is a
    record, not an error. A line that is no result line is passed over: its article runs
    again."""
    done: dict[str, bool] = {}
    for _, _, raw in _numbered(_files(path)):
        head = _head(raw)
        if head is not None and head.article_id is not None:
            done[head.article_id] = head.error is None  # a later line of the id wins
    return done


def check_results(path: Path, command: str) -> None:
    """`path` is a results file or a shard directory, or an InputError says what it is."""
    if path.is_file() or (path.is_dir() and shards(path)):
        return
    problem = "a directory with no shards (RUN-HASH.jsonl)" if path.is_dir() else "no such file"
    raise InputError(
        f"{path}: {problem}; {command} takes a results file (.jsonl) or a shard directory"
    )


def shards(directory: Path) -> list[Path]:
    """A shard directory's shards (`RUN-HASH.jsonl`) in name order: the order of the runs
    that wrote them. Other files are not shards, so a directory of them is no results."""
    return sorted(p for p in directory.glob("*.jsonl") if RUN.match(p.name) and p.is_file())


def _files(path: Path) -> list[Path]:
    return shards(path) if path.is_dir() else [path]


def _superseding(files: list[Path]) -> dict[str, tuple[str, int]]:
    """Where the last line is (shard name, line number) of each id with an error line:
    the only ids a later run writes again. Another line of such an id is superseded."""
    last: dict[str, tuple[str, int]] = {}
    for shard, number, raw in _numbered(files):
        head = _head(raw)
        if head is None or head.article_id is None:
            continue
        if head.error is not None or head.article_id in last:
            last[head.article_id] = (shard.name, number)
    return last


def _numbered(files: list[Path]) -> Iterator[tuple[Path, int, bytes]]:
    for file in files:
        for number, raw in _lines(file):
            yield file, number, raw


def _head(raw: bytes) -> _Head | None:
    """What a line says of itself; None for a line that is no result line."""
    try:
        return _Head.model_validate_json(raw)
    except ValidationError:
        return None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Numbered whole lines (ending in a newline), blank ones left out."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        for number, raw in enumerate(handle, 1):
            if raw.endswith(b"\n") and raw.strip():
                yield number, raw


def _kind(data: Any) -> str:
    return "error" if isinstance(data, dict) and "error" in data else "record"


@functools.cache
def _adapter() -> TypeAdapter[ResultLine]:
    """Built on first use: a record's validators are no import-time cost."""
    line = Annotated[
        Annotated[SummaryRecord, Tag("record")] | Annotated[ErrorLine, Tag("error")],
        Discriminator(_kind),
    ]
    return TypeAdapter(line)


class _Article(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str


class _Head(BaseModel):
    """What every line says of itself, read without validating a whole record."""

    model_config = ConfigDict(extra="ignore")
    id: str | None = None
    error: dict[str, Any] | None = None
    article: _Article | None = None

    @property
    def article_id(self) -> str | None:
        if self.error is not None:
            return self.id
        return self.article.id if self.article is not None else None


class ResultFile:
    """The writer: an append-only JSONL file, each line written by one `write` on an
    O_APPEND descriptor; a line torn by a crash is cut off before anything is appended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._drop_torn_tail()
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()

    def _drop_torn_tail(self) -> None:
        """Cut a last line with no newline, looking back from the end of the file only as
        far as the newline before it (a results file may be gigabytes)."""
        if not self.path.exists():
            return
        with self.path.open("r+b") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                whole = data.rfind(b"\n") + 1
            if whole != size:
                handle.truncate(whole)

    def ids(self) -> dict[str, bool]:
        return done_ids(self.path)

    def drop_errors(self) -> None:
        """Rewrite the file without its error lines, so those articles run again."""
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as kept:
            for _, raw in _lines(self.path):
                if _Head.model_validate_json(raw).error is None:
                    kept.write(raw)
        with self._lock:
            os.replace(tmp, self.path)
            os.close(self._fd)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)

    def append(self, line: ResultLine) -> None:
        self.append_json(line.model_dump_json())

    def append_json(self, line: str) -> None:
        """A line already serialised (by a worker process) from a `ResultLine`."""
        data = (line + "\n").encode("utf-8")
        with self._lock:
            os.write(self._fd, data)

    def close(self) -> None:
        os.close(self._fd)


@dataclass(frozen=True)
class Shards:
    """The writer of a shard directory, one per run (picklable, so each worker has one):
    each block of lines is one shard. The name is the run's number and a digest of the
    block's ids, so a block written again (a retried task) replaces its own shard."""

    path: Path
    run: int

    @classmethod
    def next_run(cls, path: Path) -> Shards:
        """The writer of the next run into `path`, which is made if need be."""
        path.mkdir(parents=True, exist_ok=True)
        return cls(path, max((int(p.name[:6]) for p in shards(path)), default=0) + 1)

    def write(self, lines: list[ResultLine]) -> None:
        """The lines as one shard, whole or not at all: written to a hidden temporary
        file beside it, flushed to the disk, then renamed."""
        ids = "\n".join(sorted(line_id(line) for line in lines)).encode()
        name = f"{self.run:06d}-{hashlib.sha256(ids).hexdigest()[:16]}.jsonl"
        tmp = self.path / f".{name}.{uuid.uuid4().hex}.tmp"
        with tmp.open("wb") as handle:
            handle.writelines((line.model_dump_json() + "\n").encode() for line in lines)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path / name)
