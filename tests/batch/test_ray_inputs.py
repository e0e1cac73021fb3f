"""What the Ray engine's read tasks make of the inputs is what `read_inputs` makes of them:
the same ids, sources, requests (a page's notes too) and error lines. The read functions
run here on each listed file's bytes, without Ray."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from summarizer.batch import BatchItem, Fields, list_inputs, read_inputs, unread_line
from summarizer.batch.ray_inputs import InputFiles, items
from summarizer.core import InputError, ReadArticle
from summarizer.extract import EMPTY, content_id, normalize_text
from summarizer.io import ErrorLine
from tests.batch.test_inputs import manifest_dir
from tests.conftest import CORPUS
from tests.pages.server import PAGE

pa = pytest.importorskip("pyarrow", reason="the ray extra is not installed")
parquet = pytest.importorskip("pyarrow.parquet")

Seen = tuple[str, str | None, ReadArticle | None, ErrorLine | None]
DAY = dt.date(2025, 6, 15)


def seen(item: BatchItem) -> Seen:
    return item.id, item.source, item.request, None if item.request else unread_line(item)


def read_by_workers(inputs: InputFiles) -> list[Seen]:
    """Each listed file's bytes through a read task's function; a file no worker can read
    has its line from the listing."""
    found: list[Seen] = []
    for key, file in inputs.files.items():
        if file.unread is not None:
            found.append((file.unread.id, file.unread.source, None, file.unread))
        else:
            found.extend(seen(item) for item in items(Path(key).read_bytes(), file, inputs))
    return found


def test_the_workers_read_the_inputs_as_read_inputs_does(tmp_path: Path) -> None:
    entries = [
        {"file": "a.txt", "id": "one", "title": "A", "published_at": "2024-01-02"},
        {"file": "b.json"},
        {"file": "gone.txt", "id": "gone"},
        {"file": "paper.pdf"},
        {"file": "page.html", "id": "page"},
    ]
    folder = manifest_dir(
        tmp_path,
        entries,
        **{"a.txt": "Some news.", "b.json": '{"id": "bee", "text": "More news."}'},
    )
    (folder / "page.html").write_bytes(PAGE)
    (folder / "paper.pdf").write_bytes(b"%PDF")
    lines = [
        json.dumps({"id": "x", "text": "A line\u2028with a line separator."}),
        "",
        "{not json",
        json.dumps({"html": PAGE.decode()}),
        json.dumps({"text": ""}),
    ]
    jsonl = tmp_path / "lines.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    paths = [CORPUS, folder, jsonl]
    by_workers = read_by_workers(list_inputs(paths, DAY, Fields()))
    assert by_workers == [seen(item) for item in read_inputs(paths, DAY)]
    assert len(by_workers) == 5 + 5 + 4  # the blank line is no input


def test_a_line_that_is_not_utf8_is_an_error_line_of_its_own(tmp_path: Path) -> None:
    """Read as the run goes, by a worker as by the in-process engine, only that line
    fails."""
    jsonl = tmp_path / "mixed.jsonl"
    jsonl.write_bytes(b'{"id": "ok", "text": "Fine."}\n{"id": "bad", "text": "\xff"}\n')
    (ok, bad) = read_by_workers(list_inputs([jsonl], None, Fields()))
    assert [ok, bad] == [seen(item) for item in read_inputs([jsonl])]
    assert ok[0] == "ok" and ok[2] is not None
    assert bad[:2] == (f"{jsonl}:2", f"{jsonl}:2") and bad[3] is not None
    assert bad[3].error.message.startswith(f"{jsonl}:2 is not UTF-8 text")


def test_table_rows_are_articles_by_the_columns_given(tmp_path: Path) -> None:
    """Rows numbered from 1 in their file; empty cells are absent fields; a CSV is read as
    text (an id `007` stays so), a Parquet file's numbers and dates become text."""
    fields = Fields.of(text="body", id="key", published_at="day", title="headline")
    csv = tmp_path / "news.csv"
    rows = ["key,body,day,headline,other", "007,Text one.,2025-06-16,T,9", ",Text two.,,,", "x,,,,"]
    csv.write_text("\n".join(rows) + "\n")
    table = pa.table(
        {
            "key": [7, None],
            "body": ["Text three.", None],
            "day": pa.array([dt.datetime(2025, 6, 17, 8), None], pa.timestamp("s")),
            "headline": pa.array([None, None], pa.string()),  # a named column is needed
        }
    )
    pq = tmp_path / "news.parquet"
    parquet.write_table(table, pq)
    found = read_by_workers(list_inputs([csv, pq], DAY, fields))
    requests = {article_id: request for article_id, _, request, _ in found if request}
    two = content_id(normalize_text("Text two."))
    assert [(article_id, source) for article_id, source, _, _ in found] == [
        ("007", f"{csv}:1"),
        (two, f"{csv}:2"),
        ("x", f"{csv}:3"),
        ("7", f"{pq}:1"),
        (f"{pq}:2", f"{pq}:2"),
    ]
    assert requests["007"].title == "T" and requests["007"].published_at == dt.date(2025, 6, 16)
    assert requests[two].published_at == DAY and requests[two].title is None
    assert requests["7"].published_at == dt.date(2025, 6, 17)
    errors = [line.error.message for *_, line in found if line]
    assert errors == [EMPTY] * 2, errors


def test_a_file_that_is_no_table_is_one_error_line(tmp_path: Path) -> None:
    fake = tmp_path / "fake.parquet"
    fake.write_text("not parquet")
    ((article_id, source, request, line),) = read_by_workers(list_inputs([fake], None, Fields()))
    assert article_id == source == str(fake) and request is None and line is not None
    assert line.error.message.startswith(f"{fake} is not a readable .parquet file")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("missing.jsonl", "no such file or directory"),
        ("paper.pdf", "supported: .txt, .json, .html, .htm, .jsonl, .parquet, .csv"),
        ("empty", "no articles found in the inputs"),
    ],
)
def test_a_path_no_worker_could_read_is_refused_when_listed(
    tmp_path: Path, name: str, problem: str
) -> None:
    (tmp_path / "paper.pdf").write_bytes(b"%PDF")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=problem):
        list_inputs([tmp_path / name], None, Fields())


def test_a_table_without_a_named_column_is_one_error_line(tmp_path: Path) -> None:
    """The in-process engine refuses it before any work; a worker, in the middle of a
    run, makes it the file's one error line, with the same message."""
    table = tmp_path / "news.csv"
    table.write_text("body,day\nText one.,2025-06-16\n")
    fields = Fields.of(text="body", title="headline")
    with pytest.raises(InputError) as refused:
        read_inputs([table], None, fields)
    ((article_id, source, request, line),) = read_by_workers(list_inputs([table], None, fields))
    assert article_id == source == str(table) and request is None and line is not None
    assert line.error.message == str(refused.value)
    assert "no column 'headline'" in line.error.message
