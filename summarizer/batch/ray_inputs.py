"""The Ray engine's inputs, read by the cluster rather than by the command's process.

The command only lists the files (a directory through its manifest, as `read_inputs`
walks it) and refuses a path that is missing or of an unknown kind. Ray Data's
`read_binary_files` reads each file's bytes in a task, lazily and in parallel, and the
same task turns them into rows by the in-process engine's own rules: an article file
(.txt .json .html .htm) into one, a .jsonl file into one a line, a .parquet or .csv file
into one a table row (`tables`, from the file's bytes), each by `--text-field` and the
other field options (`Fields`). So ids, sources (`file`, `file:line`, `file:row`),
dates and a page's notes are the in-process engine's. Ray's own text and table readers
do not fit: `read_text` also cuts lines at U+2028 and U+0085 (`str.splitlines`), which
JSON leaves unescaped, and neither it nor `read_csv` nor `read_parquet` says which line
or row of its file a row is, the input's source and, without an id, its error line's id.

A row is `{id, source, request, error}`: the read article as JSON, or (request empty)
its error line. `RunIds`, one Ray actor for the run, says which rows run: it sees every
id, so that ids stay unique in a run and those already in the results are skipped.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from summarizer.batch.engine import unread_line
from summarizer.batch.fields import Fields
from summarizer.batch.inputs import (
    ARTICLE_SUFFIXES,
    SUFFIXES,
    TABLE_SUFFIXES,
    BatchItem,
    DuplicateId,
    _expand,
    _files,
    _read_article,
    _read_line,
    _read_object,
)
from summarizer.core import InputError
from summarizer.io import ErrorLine, done_ids, error_line
from summarizer.record import ManifestEntry

CHUNK = 256  # rows a read task admits at once (one call to the run's ids)
Row = dict[str, str]


@dataclass(frozen=True)
class InputFile:
    path: Path  # as given: what the sources name
    entry: ManifestEntry | None = None
    unread: ErrorLine | None = None  # a listed file no worker can read: its line, made here


@dataclass(frozen=True)
class InputFiles:
    """A run's inputs, listed and not read: each file under its absolute path (Ray's name
    for it), with the date for undated articles and the columns of table files."""

    files: dict[str, InputFile]
    published_at: dt.date | None
    fields: Fields


def list_inputs(paths: Iterable[Path], published_at: dt.date | None, fields: Fields) -> InputFiles:
    """The files to read (paths as `read_inputs` takes them: files, directories, glob
    patterns); a path that is missing or of an unknown kind is an InputError.
    A file a manifest lists but no worker can read (missing, of another kind) gets its
    error line here, as `read_inputs` gives it, without reading anything."""
    files: dict[str, InputFile] = {}
    listed = (found for path in paths for match in _expand(path) for found in _files(match))
    for path, entry in listed:
        readable = entry is None or (path.suffix in ARTICLE_SUFFIXES and path.is_file())
        unread = None if readable else unread_line(_read_article(path, entry, published_at))
        files.setdefault(os.path.abspath(path), InputFile(path, entry, unread))
    if not files:
        raise InputError(f"no articles found in the inputs ({', '.join(SUFFIXES)})")
    return InputFiles(files, published_at, fields)


def read_rows(inputs: InputFiles, run_ids: Any, tasks: int) -> Any:
    """The rows to run, as a lazy Ray dataset: at most `tasks` read tasks at once, which
    claim no CPU (the workers may claim them all; reading mostly waits on the disk)."""
    import ray

    readable = [key for key, file in inputs.files.items() if file.unread is None]
    unread = [{"bytes": b"", "path": key} for key, file in inputs.files.items() if file.unread]
    parts = []
    if readable:
        parts.append(
            ray.data.read_binary_files(readable, include_paths=True, num_cpus=0, concurrency=tasks)
        )
    if unread:
        parts.append(ray.data.from_items(unread))
    files = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    return files.map_batches(
        partial(read_files, inputs=inputs, run_ids=run_ids),
        batch_size=1,
        num_cpus=0,
        compute=ray.data.TaskPoolStrategy(size=tasks),
    )


def read_files(
    batch: dict[str, Any], inputs: InputFiles, run_ids: Any
) -> Iterator[dict[str, list[str]]]:
    """A Ray task: files (their bytes and path) to the rows that run, a chunk at a time."""
    for raw, key in zip(batch["bytes"], batch["path"], strict=True):
        file = inputs.files[key]
        rows = (
            iter([line_row(file.unread)]) if file.unread else map(row_of, items(raw, file, inputs))
        )
        while chunk := list(islice(rows, CHUNK)):
            kept = admitted(chunk, run_ids)
            if kept:
                yield {column: [row[column] for row in kept] for column in kept[0]}


def items(raw: bytes, file: InputFile, inputs: InputFiles) -> Iterator[BatchItem]:
    """A file's articles, as `read_inputs` reads them (a .jsonl or table file listed by a
    manifest is an article file of an unknown kind there, and here)."""
    path, published_at = file.path, inputs.published_at
    if path.suffix == ".jsonl" and file.entry is None:
        yield from _jsonl_items(raw, path, published_at, inputs.fields)
    elif path.suffix in TABLE_SUFFIXES and file.entry is None:
        yield from _table_items(raw, path, inputs.fields, published_at)
    else:
        yield _read_article(path, file.entry, published_at, raw)


def _jsonl_items(
    raw: bytes, path: Path, published_at: dt.date | None, fields: Fields
) -> Iterator[BatchItem]:
    """One item a line, numbered from 1, cut at newlines only. A line that is not UTF-8
    is an error line of its own (the in-process engine refuses the whole file)."""
    for number, line in enumerate(raw.split(b"\n"), 1):
        if line.strip():
            yield _read_line(line, f"{path}:{number}", published_at, fields)


def _table_items(
    raw: bytes, path: Path, fields: Fields, published_at: dt.date | None
) -> Iterator[BatchItem]:
    """One item a row, read as `read_inputs` reads it; a file that is no table, or lacks
    a column it needs, is one error line (the in-process engine refuses it before any
    work), and so is the rest of a file that cannot be read to its end."""
    from summarizer.batch.tables import open_table  # pyarrow, only for a run with a table

    try:
        for number, data in enumerate(open_table(path, fields, raw).rows(), 1):
            yield _read_object(data, f"{path}:{number}", published_at)
    except InputError as exc:
        yield BatchItem(str(path), error=exc, source=str(path))


def row_of(item: BatchItem) -> Row:
    """A read item as a Ray row: its request as JSON, which keeps every field and note."""
    if item.request is None:
        return line_row(unread_line(item))
    request = item.request.model_dump_json()
    return {"id": item.id, "source": item.source or "", "request": request, "error": ""}


def line_row(line: ErrorLine) -> Row:
    """An input's error line as a Ray row: it needs no model call."""
    error = line.model_dump_json()
    return {"id": line.id, "source": line.source or "", "request": "", "error": error}


def admitted(rows: list[Row], run_ids: Any) -> list[Row]:
    """The rows the run's ids let run, a second input with an id as its duplicate_id line."""
    import ray

    ids, sources = [row["id"] for row in rows], [row["source"] for row in rows]
    kept = []
    for row, first in zip(rows, ray.get(run_ids.admit.remote(ids, sources)), strict=True):
        if first is None:
            continue
        if first:
            error = DuplicateId(f"id {row['id']!r} is already used by {first}")
            row = line_row(error_line(row["source"], error, row["source"]))
        kept.append(row)
    return kept


class RunIds:
    """A run's ids, as one Ray actor: the first input with an id has it (an input read
    again by a retried task is the same input: it has the same source), a later one is a
    duplicate whose line is under its source; an id done in the results is skipped, a
    failed one too unless `retry_failed`. Which of two inputs with one id is first is
    the order they are read in, which across files running in parallel is not theirs
    on the command line."""

    def __init__(self, results: Path, retry_failed: bool) -> None:
        done = done_ids(results)
        self.done = {i: ok for i, ok in done.items() if ok or not retry_failed}
        self.first: dict[str, str] = {}
        self.skipped: dict[str, bool] = {}  # skipped ids, each with whether it succeeded

    def admit(self, ids: list[str], sources: list[str]) -> list[str | None]:
        """For each input: None when it is skipped, "" when it runs, else the source of
        the input that has its id (it runs as a duplicate)."""
        verdicts: list[str | None] = []
        for article_id, source in zip(ids, sources, strict=True):
            first = self.first.setdefault(article_id, source)
            line_id = article_id if first == source else source
            if line_id in self.done:
                self.skipped[line_id] = self.done[line_id]
                verdicts.append(None)
            else:
                verdicts.append("" if first == source else first)
        return verdicts

    def counts(self) -> tuple[int, int]:
        """The inputs skipped as done, and of those how many had failed."""
        return len(self.skipped), sum(not ok for ok in self.skipped.values())
