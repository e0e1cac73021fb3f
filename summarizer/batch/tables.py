"""Parquet and CSV inputs: a file is a table, a row an article. A table is opened and its
columns checked before any work (a missing or mistyped column is the user's to fix, so
the error names the columns there are), then read by pyarrow's streaming readers a batch
at a time, in one thread: Parquet page by page (`ParquetFile.iter_batches`: a row group,
which may hold a million articles, is never decoded whole, as pyarrow.dataset's scanner
decodes it; bench/README.md, section 7), CSV a block at a time.
A table is read from its path (the local engines) or from its bytes (a Ray read task,
which has them from Ray Data's `read_binary_files`); either way a row becomes an
article object by `article_object`, so a JSONL line and a row are read by one rule.
Imported only to read a table: pyarrow is no cost to a run without one."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.parquet as pq

from summarizer.batch.fields import OPTIONS, Fields
from summarizer.core import InputError

ROWS_PER_BATCH = 256  # Parquet rows decoded at a time (CSV: a block of 1 MiB)
PARQUET_BUFFER = 1 << 20  # bytes of a Parquet column read at a time
TypeCheck = Callable[[pa.DataType], bool]
TEXT: tuple[TypeCheck, ...] = (
    pa.types.is_string,
    pa.types.is_large_string,
    pa.types.is_string_view,
)
# What each part's column may hold besides text (and nulls): an id may be a number, a
# date a date or a timestamp (read as its date, in its own zone).
ALSO: dict[str, tuple[TypeCheck, ...]] = {
    "id": (pa.types.is_integer,),
    "published_at": (pa.types.is_date, pa.types.is_timestamp),
}
WANTED = {"id": "text or whole numbers", "published_at": "text, dates or timestamps"}


@dataclass(frozen=True)
class Table:
    """A table file, opened and checked."""

    path: Path  # what its errors and its rows' sources name
    fields: Fields
    columns: dict[str, str]  # part -> its column, for the parts the table has
    raw: bytes | None = None  # its bytes, where a Ray read task has them; else read at `path`

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each row as an article's JSON object, in the file's order. A file that cannot
        be read to its end raises an InputError where it stops."""
        try:
            source = _source(self.path, self.raw)
            for batch in _batches(source, self.path.suffix, list(self.columns.values())):
                for row in batch.to_pylist():
                    yield article_object(row, self.fields)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"cannot read {self.path} to its end: {_first_line(exc)}") from None


def open_table(path: Path, fields: Fields, raw: bytes | None = None) -> Table:
    """The table at `path` (or of its bytes `raw`) with the columns of `fields`: a needed
    column it lacks, or a column of a type that cannot hold its part, is an InputError
    naming its columns."""
    schema = _schema(path, fields, raw)
    columns = {}
    for part, option in OPTIONS.items():
        column = fields.name(part)
        if column in schema.names:
            _check_type(path, schema, part, column)
            columns[part] = column
        elif fields.required(part):
            raise InputError(
                f"{path} has no column {column!r} for the article's {part} ({option}); "
                f"its columns: {_columns(schema)}"
            )
    return Table(path, fields, columns, raw)


def article_object(row: Mapping[str, Any], fields: Fields) -> dict[str, Any]:
    """A row as an article request's JSON, each part from its column: a null or empty
    value is none (as a CSV gives an empty field; a text without one is empty), a numeric
    id its digits; a date or timestamp stays one (the request reads it as its date)."""
    data = {}
    for part in OPTIONS:
        value = row.get(fields.name(part))
        if value is not None and value != "":
            data[part] = value
    data["text"] = data.get("text", "")
    if isinstance(data.get("id"), int):
        data["id"] = str(data["id"])
    return data


def _source(path: Path, raw: bytes | None) -> Path | pa.BufferReader:
    """Where pyarrow reads the table: its bytes where they are in hand, else its path."""
    return path if raw is None else pa.BufferReader(raw)


def _schema(path: Path, fields: Fields, raw: bytes | None) -> pa.Schema:
    """The table's columns: Parquet's from its footer, CSV's from its first block (every
    part's column read as text: a CSV column of numbers may still be ids or titles)."""
    try:
        if path.suffix == ".parquet":
            with pq.ParquetFile(_source(path, raw)) as table:
                return table.schema_arrow
        text = {fields.name(part): pa.string() for part in OPTIONS}
        with _csv(_source(path, raw), csv.ConvertOptions(column_types=text)) as reader:
            return reader.schema
    except (pa.ArrowException, OSError) as exc:
        reason = _first_line(exc)
        raise InputError(f"{path} is not a readable {path.suffix} file: {reason}") from None


def _batches(
    source: Path | pa.BufferReader, suffix: str, columns: list[str]
) -> Iterator[pa.RecordBatch]:
    if suffix == ".parquet":
        with pq.ParquetFile(source, pre_buffer=False, buffer_size=PARQUET_BUFFER) as table:
            yield from table.iter_batches(ROWS_PER_BATCH, columns=columns, use_threads=False)
        return
    text = {column: pa.string() for column in columns}
    with _csv(source, csv.ConvertOptions(column_types=text, include_columns=columns)) as reader:
        yield from reader


def _csv(source: Path | pa.BufferReader, convert: csv.ConvertOptions) -> csv.CSVStreamingReader:
    """A CSV file read a block at a time, quoted values spanning lines."""
    return csv.open_csv(
        source,
        read_options=csv.ReadOptions(use_threads=False),
        parse_options=csv.ParseOptions(newlines_in_values=True),
        convert_options=convert,
    )


def _check_type(path: Path, schema: pa.Schema, part: str, column: str) -> None:
    kind = schema.field(column).type
    if pa.types.is_dictionary(kind):  # categorical strings, as pandas writes them
        kind = kind.value_type
    if not any(check(kind) for check in (pa.types.is_null, *TEXT, *ALSO.get(part, ()))):
        raise InputError(
            f"{path}: column {column!r} ({OPTIONS[part]}) holds {kind}, not "
            f"{WANTED.get(part, 'text')}; its columns: {_columns(schema)}"
        )


def _columns(schema: pa.Schema) -> str:
    return ", ".join(f"{field.name} ({field.type})" for field in schema)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0]
