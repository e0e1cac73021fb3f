"""A results file (or a shard directory) as tables an analyst opens: `articles`, `actors`,
`locations`, `events`, `threats`, `evidence` and `errors`, and the corpus's
`canonical_actors`, `actor_merges`, `ledger` and `ledger_reports` (`tables`), written as
CSV, Parquet or one DuckDB database.

The file is read twice through `iter_results` (one line at a time, validated as the
contract says): first for the corpus, which keeps only each record's actors and threats,
then for the rows, flat, one NDJSON file per table; DuckDB loads those with the declared
column types and writes the format asked for. Python holds one record and the corpus at a
time and DuckDB works from a database on disk, so a results file of any size fits.

An item row is keyed by its article's id and its index in the record's list (`item`, from
0); an evidence row adds the table of its item and its own index. An actor row carries its
`canonical_id`, a threat row its `ledger_id`. Nothing is lost: the tables give back every
record and every error line (a test rebuilds them).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from itertools import chain
from pathlib import Path
from typing import IO, get_args

import duckdb

from summarizer.choices import ExportFormat
from summarizer.core import Corpus, InputError, SummaryRecord
from summarizer.corpus.build import build_corpus
from summarizer.corpus.tables import CORPUS_TABLES, NAMES, Columns, CorpusIds, Row, corpus_rows
from summarizer.io import ErrorLine, ResultLine, check_results, iter_results, line_id

# Every row of an item says which article it is from, and that article's date and source,
# so a table is useful alone (a spreadsheet) as well as joined.
ARTICLE_KEY: Columns = {"article_id": "VARCHAR", "published_at": "DATE", "source": "VARCHAR"}
ITEM_KEY: Columns = {**ARTICLE_KEY, "item": "INTEGER"}
WHEN: Columns = {
    "when_text": "VARCHAR",
    "when_date": "DATE",
    "when_end_date": "DATE",
    "when_precision": "VARCHAR",
}
ITEM_TABLES = ("actors", "locations", "events", "threats")
TABLES: dict[str, Columns] = {
    "articles": {
        "line": "BIGINT",
        **ARTICLE_KEY,
        "title": "VARCHAR",
        "url": "VARCHAR",
        "language": "VARCHAR",
        "summary": "VARCHAR",
        "warnings": NAMES,
        "schema_version": "VARCHAR",
        "provider": "VARCHAR",
        "model": "VARCHAR",
        "prompt_version": "VARCHAR",
        "created_at": "TIMESTAMPTZ",
        "cached": "BOOLEAN",
        "prompt_tokens": "BIGINT",
        "completion_tokens": "BIGINT",
        "cached_prompt_tokens": "BIGINT",
        "cost_usd": "DOUBLE",
        "content_id": "VARCHAR",
    },
    "actors": {
        **ITEM_KEY,
        "name": "VARCHAR",
        "aliases": NAMES,
        "type": "VARCHAR",
        "country": "VARCHAR",
        "title": "VARCHAR",
        "affiliation": "VARCHAR",
        "canonical_id": "VARCHAR",
    },
    "locations": {**ITEM_KEY, "name": "VARCHAR", "type": "VARCHAR", "country": "VARCHAR"},
    "events": {
        **ITEM_KEY,
        "type": "VARCHAR",
        "description": "VARCHAR",
        "actors": NAMES,
        "targets": NAMES,
        "locations": NAMES,
        **WHEN,
        "status": "VARCHAR",
        "casualties": "VARCHAR",
        "other_story": "BOOLEAN",
    },
    "threats": {
        **ITEM_KEY,
        "issuer": "VARCHAR",
        "speaker": "VARCHAR",
        "targets": NAMES,
        "condition": "VARCHAR",
        "action": "VARCHAR",
        "action_type": "VARCHAR",
        "conditional": "BOOLEAN",
        **WHEN,
        "other_story": "BOOLEAN",
        "ledger_id": "VARCHAR",
    },
    "evidence": {
        **ARTICLE_KEY,
        "item_table": "VARCHAR",
        "item": "INTEGER",
        "evidence_item": "INTEGER",
        "quote": "VARCHAR",
        "quote_start": "INTEGER",
        "quote_end": "INTEGER",
        "grounded": "BOOLEAN",
    },
    "errors": {
        "line": "BIGINT",
        "article_id": "VARCHAR",
        "source": "VARCHAR",
        "error_type": "VARCHAR",
        "message": "VARCHAR",
    },
    **CORPUS_TABLES,
}
DATABASE = "corpus.duckdb"
# CSV has no types: timestamps are written as ISO 8601 in UTC, lists as JSON arrays.
CSV_TIMESTAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def export_results(results: Path, out: Path, fmt: str, *, force: bool = False) -> dict[str, int]:
    """Write the tables of `results` into the directory `out` as `fmt`; the rows of each
    table. A directory with files in it is refused unless `force`, which replaces the
    tables' files only; every file is written aside first, so a failure leaves `out` as
    it was."""
    chosen = _format(fmt)
    _check_paths(results, out, force)
    try:
        return _export(results, out, chosen)
    except (OSError, duckdb.IOException) as exc:
        raise InputError(f"cannot write {out}: {_reason(exc)}") from None


def _format(fmt: str) -> ExportFormat:
    for known in get_args(ExportFormat):
        if fmt == known:
            return known  # type: ignore[no-any-return]
    choices = ", ".join(get_args(ExportFormat))
    raise InputError(f"unknown export format {fmt!r}: choose one of {choices}")


def _check_paths(results: Path, out: Path, force: bool) -> None:
    check_results(results, "export")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file: -o takes a directory for the tables")
    if not force and out.is_dir() and any(out.iterdir()):
        raise InputError(
            f"{out} is not empty: choose a new directory, or --force to write over its tables"
        )


def _export(results: Path, out: Path, fmt: ExportFormat) -> dict[str, int]:
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent, prefix=f".{out.name}.export-") as tmp:
        work = Path(tmp)
        records = (line for _, line in _lines(results) if isinstance(line, SummaryRecord))
        rows = _write_rows(results, work, build_corpus(records))
        with duckdb.connect(work / DATABASE) as con:
            con.execute("SET TimeZone = 'UTC'")
            for table in TABLES:
                _load(con, table, work / f"{table}.jsonl")
            names = _WRITERS[fmt](con, work)
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.replace(work / name, out / name)
    return rows


def _write_rows(results: Path, work: Path, corpus: Corpus) -> dict[str, int]:
    """Every line of `results` as rows, and the corpus's, one NDJSON file per table; the
    counts per table."""
    counts = dict.fromkeys(TABLES, 0)
    ids = CorpusIds(corpus)
    with ExitStack() as stack:
        files: dict[str, IO[str]] = {
            table: stack.enter_context((work / f"{table}.jsonl").open("w", encoding="utf-8"))
            for table in TABLES
        }
        lines = (row for number, line in _lines(results) for row in _rows(number, line, ids))
        for table, row in chain(lines, corpus_rows(corpus)):
            files[table].write(json.dumps(row, ensure_ascii=False) + "\n")
            counts[table] += 1
    return counts


def _lines(results: Path) -> Iterator[tuple[int, ResultLine]]:
    """The numbered lines of `results`, refused when an article id is on two of them or
    there are none."""
    seen: set[str] = set()
    for number, line in enumerate(iter_results(results), 1):
        article_id = line_id(line)
        if article_id in seen:
            raise InputError(
                f"{results}: article id {article_id!r} is on two lines; the tables are "
                "keyed by article id (one line per article, as `summarizer batch` writes)"
            )
        seen.add(article_id)
        yield number, line
    if not seen:
        raise InputError(f"{results} has no result lines")


def _rows(number: int, line: ResultLine, ids: CorpusIds) -> Iterator[tuple[str, Row]]:
    if isinstance(line, ErrorLine):
        error = {"error_type": line.error.type, "message": line.error.message}
        yield "errors", {"line": number, "article_id": line.id, "source": line.source, **error}
        return
    data = line.model_dump(mode="json")
    meta = data["article"]
    key = {"article_id": meta["id"], "published_at": meta["published_at"], "source": meta["source"]}
    yield "articles", _article_row(number, data)
    for table in ITEM_TABLES:
        for item, entry in enumerate(data[table]):
            own = _flat(entry) | ids.columns(table, meta["id"], item)
            yield table, {**key, "item": item, **own}
            for n, quote in enumerate(entry["evidence"]):
                yield "evidence", {**key, "item_table": table, "item": item, **_quote(n, quote)}


def _article_row(number: int, data: Row) -> Row:
    meta, provenance = data["article"], data["provenance"]
    return {
        "line": number,
        "article_id": meta["id"],
        **{k: v for k, v in meta.items() if k != "id"},
        "summary": data["summary"],
        "warnings": data["warnings"],
        "schema_version": data["schema_version"],
        **{k: v for k, v in provenance.items() if k != "usage"},
        **provenance["usage"],
    }


def _flat(entry: Row) -> Row:
    """An item's own fields, its `when` spread over the `when_` columns, its evidence left
    to the evidence table."""
    flat = {k: v for k, v in entry.items() if k not in ("evidence", "when")}
    if "when" in entry:
        when = entry["when"] or {}
        flat.update({column: when.get(column.removeprefix("when_")) for column in WHEN})
    return flat


def _quote(n: int, quote: Row) -> Row:
    return {
        "evidence_item": n,
        "quote": quote["quote"],
        "quote_start": quote["start"],
        "quote_end": quote["end"],
        "grounded": quote["grounded"],
    }


def _load(con: duckdb.DuckDBPyConnection, table: str, rows: Path) -> None:
    columns = TABLES[table]
    declared = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
    types = ", ".join(f"{_literal(name)}: {_literal(kind)}" for name, kind in columns.items())
    con.execute(f"CREATE TABLE {table} ({declared})")
    con.execute(
        f"INSERT INTO {table} SELECT * FROM read_json({_literal(str(rows))}, "
        f"format = 'newline_delimited', columns = {{{types}}})"
    )


def _write_csv(con: duckdb.DuckDBPyConnection, work: Path) -> list[str]:
    names = []
    for table, columns in TABLES.items():
        lists = [f'to_json("{c}") AS "{c}"' for c, kind in columns.items() if kind == NAMES]
        replaced = f" REPLACE ({', '.join(lists)})" if lists else ""
        name = f"{table}.csv"
        con.execute(
            f"COPY (SELECT *{replaced} FROM {table}) TO {_literal(str(work / name))} "
            f"(HEADER, TIMESTAMPFORMAT {_literal(CSV_TIMESTAMP)})"
        )
        names.append(name)
    return names


def _write_parquet(con: duckdb.DuckDBPyConnection, work: Path) -> list[str]:
    names = []
    for table in TABLES:
        name = f"{table}.parquet"
        con.execute(f"COPY {table} TO {_literal(str(work / name))} (FORMAT parquet)")
        names.append(name)
    return names


def _keep_database(con: duckdb.DuckDBPyConnection, work: Path) -> list[str]:
    """The working database is the export; it is checkpointed so no WAL file is needed."""
    con.execute("CHECKPOINT")
    return [DATABASE]


_WRITERS: dict[ExportFormat, Callable[[duckdb.DuckDBPyConnection, Path], list[str]]] = {
    "csv": _write_csv,
    "parquet": _write_parquet,
    "duckdb": _keep_database,
}


def _literal(text: str) -> str:
    """A SQL string literal: COPY takes no parameters, and a path may hold a quote."""
    return "'" + text.replace("'", "''") + "'"


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
