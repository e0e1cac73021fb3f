"""Parquet and CSV inputs: a file is a table, a row an article. A table is opened and its
columns checked before any work (a missing or mistyped column is the user's to fix, so
the error names the columns there are), then read by pyarrow.dataset in batches of rows,
so a file of any size is read in constant memory. Imported only to read a table: pyarrow
is no cost to a run without one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.dataset as ds

from summarizer.batch.fields import OPTIONS, Fields
from summarizer.core import InputError

ROWS_PER_BATCH = 256  # rows decoded at a time
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

    path: Path
    dataset: ds.Dataset
    columns: dict[str, str]  # part -> its column, for the parts the table has

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each row as an article's JSON object, in the file's order. A file that cannot
        be read to its end raises an InputError where it stops."""
        try:
            for batch in self.dataset.to_batches(
                columns=list(self.columns.values()),
                batch_size=ROWS_PER_BATCH,
                fragment_scan_options=_scan_options(self.path),
            ):
                for row in batch.to_pylist():
                    yield _article({part: row[column] for part, column in self.columns.items()})
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"cannot read {self.path} to its end: {_first_line(exc)}") from None


def open_table(path: Path, fields: Fields) -> Table:
    """The table at `path` with the columns of `fields`: a needed column it lacks, or a
    column of a type that cannot hold its part, is an InputError naming its columns."""
    try:
        dataset = ds.dataset(str(path), format=_format(path, fields))
    except (pa.ArrowException, OSError) as exc:
        reason = _first_line(exc)
        raise InputError(f"{path} is not a readable {path.suffix} file: {reason}") from None
    schema = dataset.schema
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
    return Table(path, dataset, columns)


def _format(path: Path, fields: Fields) -> ds.FileFormat:
    """Parquet as written; CSV with every part's column read as text (a CSV column of
    numbers may still be ids or titles), quoted values spanning lines."""
    if path.suffix == ".parquet":
        return ds.ParquetFileFormat()
    return ds.CsvFileFormat(
        parse_options=csv.ParseOptions(newlines_in_values=True),
        convert_options=csv.ConvertOptions(
            column_types={fields.name(part): pa.string() for part in OPTIONS}
        ),
    )


def _scan_options(path: Path) -> ds.FragmentScanOptions | None:
    """Parquet read page by page: a row group (which may hold a million articles) is
    never buffered whole."""
    if path.suffix != ".parquet":
        return None
    return ds.ParquetFragmentScanOptions(use_buffered_stream=True, pre_buffer=False)


def _check_type(path: Path, schema: pa.Schema, part: str, column: str) -> None:
    kind = schema.field(column).type
    if pa.types.is_dictionary(kind):  # categorical strings, as pandas writes them
        kind = kind.value_type
    if not any(check(kind) for check in (pa.types.is_null, *TEXT, *ALSO.get(part, ()))):
        raise InputError(
            f"{path}: column {column!r} ({OPTIONS[part]}) holds {kind}, not "
            f"{WANTED.get(part, 'text')}; its columns: {_columns(schema)}"
        )


def _article(row: dict[str, Any]) -> dict[str, Any]:
    """A row as an article request's JSON: a null or empty value is none (as a CSV gives
    an empty field; a text without one is empty), a numeric id its digits."""
    data = {part: value for part, value in row.items() if value is not None and value != ""}
    data["text"] = data.get("text", "")
    if isinstance(data.get("id"), int):
        data["id"] = str(data["id"])
    return data


def _columns(schema: pa.Schema) -> str:
    return ", ".join(f"{field.name} ({field.type})" for field in schema)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0]
