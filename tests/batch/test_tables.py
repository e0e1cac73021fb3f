"""Parquet and CSV inputs: files, directories of shards and glob patterns, read a batch of
rows at a time; the fields of an article's parts named by the user (JSONL too); a table
without a needed column, or with a column of the wrong type, is a usage error that names
the columns there are; an empty text is an error line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from summarizer.batch import BatchItem, Fields, read_inputs
from summarizer.batch.tables import ROWS_PER_BATCH
from summarizer.cli import app
from summarizer.core import InputError, SummaryRecord
from summarizer.io import iter_results
from tests.cli.invoke import one_line_error
from tests.evalhelp import EVALSET


def parquet(path: Path, columns: dict[str, Any], **options: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path, **options)
    return path


def read(*paths: Path, fields: Fields | None = None) -> list[BatchItem]:
    return list(read_inputs(paths, fields=fields))


def summary(items: list[BatchItem]) -> list[tuple[str, str | None, str | None]]:
    """Each item's id, source, and text (or error)."""
    return [
        (item.id, item.source, item.request.text if item.request else str(item.error))
        for item in items
    ]


def test_a_parquet_file_s_rows_are_articles(tmp_path: Path) -> None:
    path = parquet(
        tmp_path / "news.parquet",
        {
            "id": pa.array([7, 8], pa.int64()),  # whole numbers are ids too
            "text": ["Drones hit a base.", "Rockets hit a port."],
            "published_at": pa.array([dt.date(2025, 6, 15), None], pa.date32()),
            "title": ["A base", None],
            "url": ["https://example.org/a", None],
            "views": [10, 20],  # a column no part needs is not read
        },
    )
    first, second = read(path, fields=None)
    assert (first.id, first.source, second.id, second.source) == (
        "7",
        f"{path}:1",
        "8",
        f"{path}:2",
    )
    assert first.request is not None and second.request is not None
    assert first.request.published_at == dt.date(2025, 6, 15)
    assert (first.request.title, first.request.url) == ("A base", "https://example.org/a")
    assert (second.request.published_at, second.request.title) == (None, None)


def test_rows_are_read_in_order_a_batch_at_a_time(tmp_path: Path) -> None:
    count = 3 * ROWS_PER_BATCH + 5
    texts = [f"Article number {n}." for n in range(count)]
    path = parquet(tmp_path / "many.parquet", {"text": texts}, row_group_size=100)
    items = read(path)
    assert [item.source for item in items] == [f"{path}:{n}" for n in range(1, count + 1)]
    assert [item.request.text for item in items if item.request] == texts


def test_csv_reads_every_part_as_text_and_values_across_lines(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        'id,text,published_at,title\n1,"Drones hit a base.\nNobody was hurt.",2025-06-15,42\n'
        '2,"Rockets, again.",,\n'
    )
    first, second = read(path)
    assert (first.id, second.id) == ("1", "2")
    assert first.request is not None and second.request is not None
    assert first.request.text == "Drones hit a base.\nNobody was hurt."
    assert (first.request.published_at, first.request.title) == (dt.date(2025, 6, 15), "42")
    assert second.request.text == "Rockets, again."


def test_a_directory_of_shards_and_a_glob(tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    parquet(shards / "part-1.parquet", {"id": ["b"], "text": ["Second shard."]})
    parquet(shards / "part-0.parquet", {"id": ["a"], "text": ["First shard."]})
    (shards / "part-2.csv").write_text("id,text\nc,A CSV shard.\n")
    (shards / "notes.md").write_text("not an input")
    assert [item.id for item in read(shards)] == ["a", "b", "c"]
    assert [item.id for item in read(Path(f"{shards}/*.parquet"))] == ["a", "b"]
    with pytest.raises(InputError, match=r"no file matches .*\*\.feather"):
        read_inputs([Path(f"{shards}/*.feather")])


def test_empty_texts_are_error_lines_under_their_id_or_their_row(tmp_path: Path) -> None:
    path = parquet(
        tmp_path / "gaps.parquet", {"id": ["a", None, "c"], "text": ["", None, "Some news."]}
    )
    assert summary(read(path)) == [
        ("a", f"{path}:1", "article text is empty"),
        (f"{path}:2", f"{path}:2", "article text is empty"),
        ("c", f"{path}:3", "Some news."),
    ]


def test_a_table_without_the_text_column_names_its_columns(tmp_path: Path) -> None:
    path = parquet(tmp_path / "t.parquet", {"id": ["a"], "body": ["Some news."]})
    with pytest.raises(InputError) as caught:
        read_inputs([path])
    assert str(caught.value) == (
        f"{path} has no column 'text' for the article's text (--text-field); "
        "its columns: id (string), body (string)"
    )
    assert [item.id for item in read(path, fields=Fields.of(text="body"))] == ["a"]
    with pytest.raises(InputError, match=r"no column 'doc' for the article's id \(--id-field\)"):
        read_inputs([path], fields=Fields.of(text="body", id="doc"))


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"text": [1, 2]}, "column 'text' (--text-field) holds int64, not text"),
        (
            {"text": ["a"], "id": pa.array([1.5], pa.float64())},
            "column 'id' (--id-field) holds double, not text or whole numbers",
        ),
        (
            {"text": ["a"], "published_at": [True]},
            "column 'published_at' (--date-field) holds bool, not text, dates or timestamps",
        ),
    ],
)
def test_a_mistyped_column_is_a_usage_error(
    tmp_path: Path, columns: dict[str, Any], message: str
) -> None:
    path = parquet(tmp_path / "t.parquet", columns)
    with pytest.raises(InputError, match=r"its columns: ") as caught:
        read_inputs([path])
    assert message in str(caught.value)


def test_a_file_that_is_no_table_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    path.write_text("id,text\na,news\n")
    with pytest.raises(InputError, match=r"t.parquet is not a readable .parquet file: "):
        read_inputs([path])


def test_a_table_unreadable_past_its_start_ends_in_one_error_line(tmp_path: Path) -> None:
    """The CSV's types are read from its first block: a bad byte after it is found while
    reading, so the rows before it are articles and the rest one error line."""
    path = tmp_path / "late.csv"
    rows = "".join(f"r{n},Article number {n} of a long file.\n" for n in range(40_000))
    path.write_bytes(b"id,text\n" + rows.encode() + b"bad,caf\xe9\n")
    items = read(path)
    *rows_read, last = items
    assert rows_read and all(item.request is not None for item in rows_read)
    assert (last.id, last.source) == (str(path), str(path))
    assert str(last.error).startswith(f"cannot read {path} to its end: ")


def test_fields_name_the_parts_in_jsonl_and_csv(tmp_path: Path) -> None:
    fields = Fields.of(text="body", id="doc", published_at="day", title="headline", url="link")
    line = {"doc": "j", "body": "News.", "day": "2025-06-15", "headline": "H", "link": "u"}
    (tmp_path / "a.jsonl").write_text(json.dumps(line) + "\n" + json.dumps({"text": "x"}) + "\n")
    (tmp_path / "b.csv").write_text("doc,body,day,headline,link\nc,News.,2025-06-16,H,u\n")
    jsonl, unread = read(tmp_path / "a.jsonl", fields=fields)
    (table,) = read(tmp_path / "b.csv", fields=fields)
    for item, day in ((jsonl, 15), (table, 16)):
        assert item.request is not None, item.error
        assert (item.request.text, item.request.title, item.request.url) == ("News.", "H", "u")
        assert item.request.published_at == dt.date(2025, 6, day)
    assert (jsonl.id, table.id) == ("j", "c")
    assert "no article" in str(unread.error)  # its text is not where the fields say


def test_cli_runs_a_parquet_corpus_with_its_own_column_names(tmp_path: Path) -> None:
    """The eval corpus as a table of other names, answered from the recordings."""
    corpus = EVALSET.corpus
    table = parquet(
        tmp_path / "corpus.parquet",
        {
            "doc": [article.id for article in corpus],
            "body": [article.text for article in corpus],
            "day": pa.array([article.published_at for article in corpus], pa.date32()),
        },
    )
    out = tmp_path / "out.jsonl"
    names = ["--text-field", "body", "--id-field", "doc", "--date-field", "day"]
    args = ["batch", str(table), "--out", str(out), "--provider", "replay", *names]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    records = list(iter_results(out))
    assert all(isinstance(record, SummaryRecord) for record in records)
    assert sorted(r.article.id for r in records if isinstance(r, SummaryRecord)) == sorted(
        article.id for article in corpus
    )
    missing = CliRunner().invoke(app, ["batch", str(table), "--out", str(tmp_path / "x.jsonl")])
    assert missing.exit_code == 2 and not (tmp_path / "x.jsonl").exists()
    one_line_error(missing.stderr, "has no column 'text' for the article's text (--text-field)")
    assert "its columns: doc (string), body (string), day (date32[day])" in missing.stderr


def test_csv_written_by_pyarrow_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    csv.write_csv(
        pa.table({"id": ["a", "b"], "text": ['Said "no".', "Line one.\nLine two."]}), path
    )
    assert [item.request.text for item in read(path) if item.request] == [
        'Said "no".',
        "Line one.\nLine two.",
    ]
