"""Table inputs (Parquet, CSV): which column holds which field of an article, and a row
as the article object a JSONL line would hold, so that it is read by the same rules (its
id, or its text's content id; an error line naming `file:row` when it is no article).
Rows are numbered from 1 in their file, the header not counted."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from summarizer.core import InputError

TABLE_SUFFIXES = (".parquet", ".csv")


@dataclass(frozen=True)
class Fields:
    """The column of each article field; a row without one (or with an empty cell) lacks
    that field."""

    text: str = "text"
    id: str = "id"
    published_at: str = "published_at"
    title: str = "title"
    url: str = "url"

    def columns(self) -> list[str]:
        return list(asdict(self).values())


def article_object(row: Mapping[str, Any], fields: Fields) -> dict[str, Any]:
    """A table row as an article object: each field from its column, empty cells (null,
    "", NaN) left out, a date or time as its date `YYYY-MM-DD`, a numeric id as text."""
    found: dict[str, Any] = {}
    for field, column in asdict(fields).items():
        value = row.get(column)
        if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif field == "id" and isinstance(value, int | float):
            value = str(value)
        found[field] = value
    return found


def table_rows(raw: bytes, suffix: str, fields: Fields) -> Iterator[dict[str, Any]]:
    """The rows of a Parquet or CSV file's bytes, the mapped columns only (a CSV's read as
    text, so an id such as `007` stays as written). An InputError names what is wrong."""
    import pyarrow as pa
    from pyarrow import csv, parquet

    source = pa.BufferReader(raw)
    try:
        if suffix == ".parquet":
            table = parquet.ParquetFile(source)
            present = [c for c in fields.columns() if c in table.schema_arrow.names]
            batches: Iterator[Any] = table.iter_batches(columns=present)
        else:
            text = {column: pa.string() for column in fields.columns()}
            options = csv.ConvertOptions(column_types=text, include_columns=fields.columns())
            options.include_missing_columns = True
            batches = iter(csv.open_csv(source, convert_options=options))
        for batch in batches:
            yield from batch.to_pylist()
    except (pa.ArrowException, OSError) as exc:
        kind = "Parquet" if suffix == ".parquet" else "CSV"
        raise InputError(f"not a readable {kind} file: {exc}") from None
