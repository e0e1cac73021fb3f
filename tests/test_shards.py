"""A shard directory is read wherever a results file is: each shard written whole, in run
order, an error line superseded by a later run's line of its id."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import InputError, SummaryRecord
from summarizer.io import Shards, check_results, done_ids, error_line, iter_results, line_id
from tests.corpus.records import KH, US, record


def ids(path: Path) -> list[tuple[str, bool]]:
    return [(line_id(line), isinstance(line, SummaryRecord)) for line in iter_results(path)]


def test_a_later_run_s_line_supersedes_an_error_line(tmp_path: Path) -> None:
    first = Shards.next_run(tmp_path / "out")
    first.write([record("a", [KH]), error_line("b", InputError("no article"))])
    first.write([error_line("c", InputError("no article"))])
    second = Shards.next_run(tmp_path / "out")
    assert (first.run, second.run) == (1, 2)
    second.write([record("b", [US]), error_line("c", InputError("still no article"))])
    assert sorted(ids(tmp_path / "out")) == [("a", True), ("b", True), ("c", False)]
    (c,) = [line for line in iter_results(tmp_path / "out") if line_id(line) == "c"]
    assert "still" in c.model_dump_json()
    assert done_ids(tmp_path / "out") == {"a": True, "b": True, "c": False}


def test_a_shard_is_written_whole_and_a_block_written_again_replaces_it(tmp_path: Path) -> None:
    shards = Shards.next_run(tmp_path)
    shards.write([error_line("a", InputError("first try"))])
    shards.write([record("a", [KH])])  # the same block, retried: the same shard
    (shard,) = tmp_path.iterdir()  # no temporary file is left beside it
    assert shard.name.startswith("000001-") and ids(tmp_path) == [("a", True)]


def test_a_directory_without_shards_is_no_results(tmp_path: Path) -> None:
    (tmp_path / "notes.jsonl").write_text("{}\n")  # a JSONL file, not named as a shard
    with pytest.raises(InputError, match=r"no shards \(RUN-HASH.jsonl\); view takes a results"):
        check_results(tmp_path, "view")
    with pytest.raises(InputError, match="missing: no such file; view takes"):
        check_results(tmp_path / "missing", "view")


def test_export_corpus_and_view_read_a_shard_directory(tmp_path: Path) -> None:
    shards = Shards.next_run(tmp_path / "out")
    shards.write([record("a", [KH, US]), error_line("b", InputError("no text"))])
    shards.write([record("c", [KH])])
    out = str(tmp_path / "out")
    runner = CliRunner()
    exported = runner.invoke(
        app, ["export", out, "-o", str(tmp_path / "tables"), "--format", "csv"]
    )
    assert exported.exit_code == 0 and "2 articles" in exported.stderr + exported.stdout
    corpus = runner.invoke(app, ["corpus", out, "-o", str(tmp_path / "corpus.json")])
    assert corpus.exit_code == 0, corpus.stderr
    viewed = runner.invoke(app, ["view", out, "-o", str(tmp_path / "site")])
    assert viewed.exit_code == 0, viewed.stderr
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        "a.html",
        "c.html",
        "index.html",
    ]
