"""Batch inputs as users have them: a corpus directory with its manifest, file names as
ids, a date for the undated, one id per run, and where every line came from."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.batch import BatchItem, read_inputs, run
from summarizer.cli import app
from summarizer.core import DraftRecord, InputError, SummaryRecord
from summarizer.extract import content_id, normalize_text
from summarizer.io import ErrorLine, iter_results, line_id
from summarizer.settings import Settings
from tests.batch.test_batch import summarizer_for
from tests.batch.test_runner import OPTIONS
from tests.cli.invoke import one_line_error
from tests.conftest import CORPUS
from tests.fakes import FakeProvider
from tests.pages.server import PAGE

DATED = b'<meta property="article:published_time" content="2025-06-15T09:30:00+00:00">'


def by_id(items: Iterable[BatchItem]) -> dict[str, BatchItem]:
    return {item.id: item for item in items}


def manifest_dir(root: Path, articles: list[dict[str, str]], **files: str) -> Path:
    folder = root / "corpus"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"about": "a test", "articles": articles}))
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_the_eval_corpus_is_read_through_its_manifest() -> None:
    items = list(read_inputs([CORPUS]))
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    assert [i.id for i in items] == [a["id"] for a in manifest["articles"]]
    for item, entry in zip(items, manifest["articles"], strict=True):
        assert item.request is not None and item.error is None
        assert item.request.published_at == dt.date.fromisoformat(entry["published_at"])
        assert item.source == str(CORPUS / entry["file"])


def test_a_manifest_gives_ids_dates_titles_and_only_its_files(tmp_path: Path) -> None:
    entries = [
        {"file": "a.txt", "id": "one", "title": "A", "published_at": "2024-01-02"},
        {"file": "b.json"},  # the JSON's own id and date, the manifest silent
        {"file": "gone.txt", "id": "gone"},
        {"file": "paper.pdf"},
    ]
    b = json.dumps({"id": "bee", "text": "Rockets hit a port.", "published_at": "2024-03-04"})
    folder = manifest_dir(
        tmp_path, entries, **{"a.txt": "Drones hit a base.", "b.json": b, "extra.txt": "unlisted"}
    )
    items = by_id(read_inputs([folder]))
    assert list(items) == ["one", "bee", "gone", "paper"]  # never the manifest, nor extra.txt
    one = items["one"].request
    assert one is not None and (one.title, one.published_at) == ("A", dt.date(2024, 1, 2))
    assert items["bee"].request is not None
    assert items["bee"].request.published_at == dt.date(2024, 3, 4)
    assert "cannot read" in str(items["gone"].error)
    assert str(items["paper"].error).endswith(
        "paper.pdf: not an article file; supported: .txt, .json, .html, .htm"
    )


def test_the_manifest_wins_over_the_file_and_a_broken_one_is_a_usage_error(
    tmp_path: Path,
) -> None:
    b = json.dumps({"id": "bee", "text": "Rockets.", "published_at": "2024-03-04"})
    entries = [{"file": "b.json", "id": "B", "published_at": "2024-05-06"}]
    items = list(read_inputs([manifest_dir(tmp_path, entries, **{"b.json": b})]))
    request = items[0].request
    assert items[0].id == "B" and request is not None
    assert request.published_at == dt.date(2024, 5, 6)
    (tmp_path / "corpus" / "manifest.json").write_text('{"articles": [{"id": "x"}]}')
    with pytest.raises(InputError, match=r"manifest.json is not a manifest: articles.0.file"):
        read_inputs([tmp_path / "corpus"])


def test_a_file_s_id_is_its_name_unless_its_json_gives_one(tmp_path: Path) -> None:
    (tmp_path / "story one.txt").write_text("Drones hit a base.")
    (tmp_path / "b.json").write_text(json.dumps({"text": "Rockets hit a port."}))
    (tmp_path / "c.json").write_text(json.dumps({"id": "given", "text": "A militia spoke."}))
    (tmp_path / "d.txt").write_bytes(b"\xff not UTF-8")
    (tmp_path / "e.jsonl").write_text(json.dumps({"text": "A line of its own."}) + "\n")
    items = by_id(read_inputs([tmp_path]))
    line_id_ = content_id(normalize_text("A line of its own."))
    assert list(items) == ["b", "given", "d", line_id_, "story one"]
    assert items["d"].error is not None  # unreadable, yet under its own name
    assert items[line_id_].source == f"{tmp_path / 'e.jsonl'}:1"


def test_published_at_dates_only_the_undated(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("Drones hit a base on Sunday.")
    (tmp_path / "own.json").write_text(
        json.dumps({"text": "Rockets.", "published_at": "2024-01-01"})
    )
    (tmp_path / "page.html").write_bytes(PAGE)  # the page's own date, 2025-06-15
    (tmp_path / "undated.html").write_bytes(PAGE.replace(DATED, b""))
    default = dt.date(2020, 2, 2)
    items = by_id(read_inputs([tmp_path], default))
    dates = {i: item.request.published_at for i, item in items.items() if item.request}
    assert dates == {
        "own": dt.date(2024, 1, 1),
        "page": dt.date(2025, 6, 15),
        "plain": default,
        "undated": default,
    }
    undated = items["undated"].request
    assert undated is not None and "published_at: given by the caller" in undated.notes
    (plain,) = read_inputs([tmp_path / "plain.txt"])
    assert plain.request is not None and plain.request.published_at is None


def test_a_duplicate_id_is_an_error_line_naming_the_first(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(f"Drones hit base {folder}.")
    (tmp_path / "more.jsonl").write_text(json.dumps({"id": "story", "text": "Again."}) + "\n")
    out = tmp_path / "out.jsonl"  # among the inputs, and never read as one
    items = read_inputs([tmp_path], output=out)
    stats, _ = run(summarizer_for(FakeProvider(draft_000), settings), items, out, options=OPTIONS)
    lines = list(iter_results(out))
    ids = [line_id(line) for line in lines]
    assert len(lines) == 3 and len(set(ids)) == 3 and (stats.ok, stats.failed) == (1, 2)
    records = [line for line in lines if isinstance(line, SummaryRecord)]
    assert [r.article.source for r in records] == [str(tmp_path / "a" / "story.txt")]
    errors = {line.source: line for line in lines if isinstance(line, ErrorLine)}
    second = errors[str(tmp_path / "b" / "story.txt")]
    assert second.id == second.source and second.error.type == "duplicate_id"
    assert second.error.message == f"id 'story' is already used by {tmp_path / 'a' / 'story.txt'}"
    assert errors[f"{tmp_path / 'more.jsonl'}:1"].error.type == "duplicate_id"


def test_every_line_says_where_its_input_came_from(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    (tmp_path / "a.txt").write_text("Drones hit a base.")
    lines_in = [{"id": "ok", "text": "Rockets hit a port."}, {"id": "bad", "title": "no text"}]
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines_in))
    out = tmp_path / "out.jsonl"
    options = replace(OPTIONS, concurrency=1)
    run(
        summarizer_for(FakeProvider(draft_000), settings),
        read_inputs([tmp_path], output=out),
        out,
        options=options,
    )
    sources = {}
    for line in iter_results(out):
        if isinstance(line, ErrorLine):
            sources[line.id] = line.source
        else:
            sources[line.article.id] = line.article.source
            text = "Drones hit a base." if line.article.id == "a" else "Rockets hit a port."
            assert line.provenance.content_id == content_id(text)
    assert sources == {
        "a": str(tmp_path / "a.txt"),
        "ok": f"{tmp_path / 'b.jsonl'}:1",
        "bad": f"{tmp_path / 'b.jsonl'}:2",
    }


def test_cli_batch_of_the_corpus_directory_gives_five_records(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(
        app, ["batch", str(CORPUS), "--out", str(out), "--provider", "replay"]
    )
    assert result.exit_code == 0, result.output
    assert "5 ok, 0 failed" in result.stderr
    records = list(iter_results(out))
    assert sorted(line_id(r) for r in records) == ["000", "001", "002", "003", "004"]


def test_cli_batch_published_at_dates_a_file_given_alone(tmp_path: Path) -> None:
    """The recordings answer article 000 only with its date in the request."""
    article = next(CORPUS.glob("000_*.txt"))
    out = tmp_path / "out.jsonl"
    args = ["batch", str(article), "--out", str(out), "--provider", "replay"]
    result = CliRunner().invoke(app, [*args, "--published-at", "2025-06-15"])
    assert result.exit_code == 0, result.output
    (record,) = iter_results(out)
    assert isinstance(record, SummaryRecord)
    assert (record.article.id, str(record.article.published_at)) == (article.stem, "2025-06-15")
    bad = CliRunner().invoke(app, [*args, "--published-at", "June"])
    assert bad.exit_code == 2 and "'June'" in bad.stderr


def test_an_unsupported_file_given_is_a_usage_error_naming_the_suffixes(tmp_path: Path) -> None:
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF-1.7")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(paper), "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()
    one_line_error(result.stderr, "paper.pdf: not an article file; supported: .txt, .json")


def test_batch_help_names_every_input_kind() -> None:
    result = CliRunner().invoke(app, ["batch", "--help"], env={"COLUMNS": "200"})
    flat = re.sub(r"\s+", " ", result.stdout)
    for kind in (".txt", ".json", ".html", ".jsonl", "manifest.json", "--published-at"):
        assert kind in flat


def test_a_jsonl_line_with_a_unicode_line_separator_is_one_article(tmp_path: Path) -> None:
    """JSON may leave U+2028 and U+0085 unescaped in a string: lines end at newlines only."""
    lines = [{"id": "a", "text": "One\u2028two."}, {"id": "b", "text": "Three\x85four."}]
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    (tmp_path / "odd.jsonl").write_text(body, encoding="utf-8")
    items = list(read_inputs([tmp_path / "odd.jsonl"]))
    assert [(i.id, i.error) for i in items] == [("a", None), ("b", None)]
