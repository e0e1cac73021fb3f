from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer.batch import BatchItem, BatchStats, read_inputs, run
from summarizer.cli import app
from summarizer.core import DraftRecord, InputError, ProviderError, SummaryRecord
from summarizer.extract.cache import RecordCache
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.io import ErrorLine, ResultFile, ResultLine, error_line, iter_results, line_id
from summarizer.settings import Settings
from tests.batch.test_runner import OPTIONS
from tests.evalhelp import corpus_jsonl, replay_batch_command
from tests.fakes import FakeProvider


class FailingOn(FakeProvider):
    """Fails for any article containing the word FAIL."""

    def create(self, **request: Any) -> Any:
        if "FAIL" in request["messages"][-1]["content"]:
            raise ProviderError("the model endpoint answered HTTP 500")
        return super().create(**request)


def mixed_inputs(root: Path) -> Path:
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Drones hit a base.")
    (folder / "sub" / "b.json").write_text(
        json.dumps({"text": "Rockets hit a port.", "published_at": "2024-11-05"})
    )
    (folder / "c.jsonl").write_text(
        json.dumps({"id": "c1", "text": "A militia threatened a strike."})
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "c3", "title": "no text"})
        + "\n\n"
        + json.dumps({"id": "c4", "text": "FAIL this one."})
        + "\n"
    )
    (folder / "ignored.md").write_text("not an input")
    return folder


def lines(path: Path) -> list[ResultLine]:
    return list(iter_results(path))


def test_inputs_from_files_directories_and_jsonl(tmp_path: Path) -> None:
    folder = mixed_inputs(tmp_path)
    items = list(read_inputs([folder]))
    by_id = {i.id: i for i in items}
    bad_line = f"{folder / 'c.jsonl'}:2"
    # A file's id is its name; a line's is its own; an unreadable line's is where it is.
    assert list(by_id) == ["a", "c1", bad_line, "c3", "c4", "b"]
    assert by_id["c1"].request is not None and by_id["c3"].error is not None
    assert by_id[bad_line].error is not None
    assert by_id["a"].source == str(folder / "a.txt")
    assert by_id["b"].source == str(folder / "sub" / "b.json")
    assert by_id["c4"].source == f"{folder / 'c.jsonl'}:5"
    with pytest.raises(InputError, match="no such file"):
        read_inputs([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no articles found"):
        list(read_inputs([tmp_path / "empty"]))


def summarizer_for(provider: FakeProvider, settings: Settings) -> Summarizer:
    return Summarizer(provider, load_prompts(), RecordCache(settings.cache_dir), settings)


def run_into(
    out: Path,
    provider: FakeProvider,
    settings: Settings,
    items: list[BatchItem],
    retry_failed: bool = False,
) -> BatchStats:
    options = replace(OPTIONS, retry_failed=retry_failed)
    return run(summarizer_for(provider, settings), items, out, options=options)[0]


def test_one_line_per_input_and_failures_do_not_stop_the_run(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    items = list(read_inputs([mixed_inputs(tmp_path)]))
    stats = run_into(tmp_path / "out.jsonl", FailingOn(draft_000), settings, items)
    written = lines(tmp_path / "out.jsonl")
    assert sorted(line_id(e) for e in written) == sorted(i.id for i in items)
    assert (stats.ok, stats.failed) == (3, 3)
    errors = {e.id: e.error.type for e in written if isinstance(e, ErrorLine)}
    assert errors["c4"] == "provider_error" and errors["c3"] == "invalid_input"


def test_rerun_skips_what_is_done_and_drops_a_torn_line(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    items = list(read_inputs([mixed_inputs(tmp_path)]))
    out = tmp_path / "out.jsonl"
    run_into(out, FailingOn(draft_000), settings, items[:4])
    with out.open("a") as handle:  # a crash in the middle of a line
        handle.write('{"schema_version": "1", "article": {"id": "')
    stats = run_into(out, FailingOn(draft_000), settings, items)
    assert stats.skipped == 4 and stats.ok + stats.failed == 2
    assert sorted(line_id(e) for e in lines(out)) == sorted(i.id for i in items)


def test_opening_results_cuts_only_a_torn_last_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    for before, after in [
        (b"", b""),
        (b'{"id": "a', b""),
        (b'{"id": "a"}\n', b'{"id": "a"}\n'),
        (b'{"id": "a"}\n{"id": "b', b'{"id": "a"}\n'),
    ]:
        out.write_bytes(before)
        ResultFile(out).close()
        assert out.read_bytes() == after


def test_retry_failed_runs_errors_again(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    items = list(read_inputs([mixed_inputs(tmp_path)]))
    out = tmp_path / "out.jsonl"
    run_into(out, FailingOn(draft_000), settings, items)
    stats = run_into(out, FakeProvider(draft_000), settings, items, retry_failed=True)
    assert stats.ok == 1 and stats.failed == 2  # c4 now works; unreadable inputs still fail
    assert len(lines(out)) == len(items)


def test_cli_batch_replays_the_five_articles(tmp_path: Path) -> None:
    source = corpus_jsonl(tmp_path / "corpus.jsonl")
    out = tmp_path / "out.jsonl"
    args = ["batch", str(source), "--out", str(out), "--provider", "replay"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = lines(out)
    assert len(written) == 5 and all(isinstance(e, SummaryRecord) for e in written)
    assert {e.provenance.model for e in written if isinstance(e, SummaryRecord)} == {
        "claude-standin"
    }
    assert "5 ok, 0 failed" in result.stderr
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and "5 already done" in again.stderr and len(lines(out)) == 5


def test_cli_batch_exit_codes(tmp_path: Path) -> None:
    unrecorded = tmp_path / "new.txt"
    unrecorded.write_text("An article nobody recorded.")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["batch", str(unrecorded), "--out", str(out), "--provider", "replay"]
    )
    assert result.exit_code == 1 and "0 ok, 1 failed" in result.stderr
    (line,) = lines(out)
    assert isinstance(line, ErrorLine) and line.error.type == "recording_missing"
    usage = CliRunner().invoke(app, ["batch", str(tmp_path / "missing"), "--out", str(out)])
    assert usage.exit_code == 2 and "no such file" in usage.stderr


def test_sigkill_mid_run_then_rerun_gives_exactly_one_line_each(tmp_path: Path) -> None:
    source = corpus_jsonl(tmp_path / "many.jsonl", copies=60)  # 300 articles
    out = tmp_path / "out.jsonl"
    command = replay_batch_command(source, out, "--no-cache", "--concurrency", "4")
    env = {**os.environ, "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= 20:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = out.read_bytes().count(b"\n")
    assert 20 <= partial < 300
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    written = lines(out)
    ids = [line_id(e) for e in written]
    assert len(ids) == 300 and len(set(ids)) == 300
    assert all(isinstance(e, SummaryRecord) for e in written)


def test_the_report_names_a_failed_input_once() -> None:
    stats = BatchStats()
    stats.count(error_line("a.jsonl:1", InputError("a.jsonl:1: text: required but missing")))
    stats.count(error_line("c4", ProviderError("the model call failed")))
    assert stats.errors == ["a.jsonl:1: text: required but missing", "c4: the model call failed"]
