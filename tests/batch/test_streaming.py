"""The engine reads its inputs as it runs: a bounded window of articles in flight, lines
written as articles finish, the ids done skipped and each id once, whatever the size of
the corpus. Everything goes through files: JSONL written here, the results file read."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.batch import BatchItem, read_inputs, run_batch
from summarizer.batch.engine import IN_FLIGHT_PER_THREAD, Window
from summarizer.cli import app
from summarizer.core import DraftRecord, InputError
from summarizer.io import ErrorLine, ResultFile, iter_results, line_id
from summarizer.settings import Settings
from tests.batch.test_batch import summarizer_for
from tests.cli.invoke import one_line_error
from tests.fakes import FakeProvider, GatedProvider


def jsonl(path: Path, ids: Iterable[str], word: str = "Drones") -> Path:
    lines = (json.dumps({"id": i, "text": f"{word} hit base {i}."}) + "\n" for i in ids)
    path.write_text("".join(lines))
    return path


def written(out: Path) -> int:
    return out.read_bytes().count(b"\n") if out.exists() else 0


def ids_in(out: Path) -> list[str]:
    return [line_id(line) for line in iter_results(out)]


def run_into(
    out: Path, provider: FakeProvider, settings: Settings, items: Iterable[BatchItem], threads: int
) -> None:
    results = ResultFile(out)
    try:
        run_batch(summarizer_for(provider, settings), items, results, concurrency=threads)
    finally:
        results.close()


def test_lines_are_written_while_the_inputs_are_still_read(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    """The inputs stop (raise) at article 31: by then all but a window's worth of the 30
    before are written, and the rest are written before the error stops the run."""
    source = jsonl(tmp_path / "in.jsonl", (f"a{n}" for n in range(60)))
    out = tmp_path / "out.jsonl"
    threads, stop = 2, 30
    seen_at_stop: list[int] = []

    def stopping(items: Iterable[BatchItem]) -> Iterator[BatchItem]:
        for n, item in enumerate(items):
            if n == stop:
                seen_at_stop.append(written(out))
                raise InputError("the inputs went away")
            yield item

    with pytest.raises(InputError, match="went away"):
        run_into(out, FakeProvider(draft_000), settings, stopping(read_inputs([source])), threads)
    assert seen_at_stop[0] >= stop - IN_FLIGHT_PER_THREAD * threads
    assert sorted(ids_in(out)) == sorted(f"a{n}" for n in range(stop))


def test_the_reader_stays_a_window_ahead_of_the_writers(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    """Every model call held: the reader stops once the window is full (and one more
    article is read, waiting for room); released, every article gets its line."""
    source = jsonl(tmp_path / "in.jsonl", (f"a{n}" for n in range(40)), word="hold")
    out = tmp_path / "out.jsonl"
    threads = 3
    window = IN_FLIGHT_PER_THREAD * threads
    read: list[int] = []
    behind: list[int] = []  # per article read: how many read before it are not yet written

    def counted(items: Iterable[BatchItem]) -> Iterator[BatchItem]:
        for n, item in enumerate(items):
            behind.append(n - written(out))
            read.append(n)
            yield item

    provider = GatedProvider(draft_000)
    items = counted(read_inputs([source]))
    runner = threading.Thread(target=run_into, args=(out, provider, settings, items, threads))
    runner.start()
    try:
        assert provider.held.wait(10)
        deadline = time.monotonic() + 10
        while len(read) < window + 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # room for the reader to run on, were it not bounded
        assert len(read) == window + 1 and written(out) == 0
    finally:
        provider.release.set()
        runner.join(30)
    assert max(behind) <= window
    assert sorted(ids_in(out)) == sorted(f"a{n}" for n in range(40))


def test_lines_are_in_the_order_articles_finish(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    """One thread writes in the inputs' order; with more, a slow first article is written
    after those that finish before it."""
    ids = [f"a{n}" for n in range(8)]
    source = jsonl(tmp_path / "in.jsonl", ids)
    run_into(tmp_path / "one.jsonl", FakeProvider(draft_000), settings, read_inputs([source]), 1)
    assert ids_in(tmp_path / "one.jsonl") == ids

    slow_first = tmp_path / "slow.jsonl"
    slow_first.write_text(source.read_text().replace("Drones hit base a0", "hold a0", 1))
    out = tmp_path / "out.jsonl"
    provider = GatedProvider(draft_000)
    items = read_inputs([slow_first])
    runner = threading.Thread(target=run_into, args=(out, provider, settings, items, 2))
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while written(out) < len(ids) - 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        provider.release.set()
        runner.join(30)
    assert ids_in(out) == [*ids[1:], "a0"]


def test_a_rerun_skips_what_is_done_and_an_id_counts_once_across_runs(
    tmp_path: Path, settings: Settings, draft_000: DraftRecord
) -> None:
    first = jsonl(tmp_path / "first.jsonl", ["a0", "a1", "a2"])
    more = jsonl(tmp_path / "more.jsonl", ["a3", "a1", "a4", "a3"])  # a1 and a3 again
    out = tmp_path / "out.jsonl"
    run_into(out, FakeProvider(draft_000), settings, read_inputs([first]), 2)
    results = ResultFile(out)
    summarizer = summarizer_for(FakeProvider(draft_000), settings)
    stats = run_batch(summarizer, read_inputs([first, more]), results, concurrency=2)
    results.close()
    assert (stats.total, stats.skipped, stats.ok, stats.failed) == (7, 3, 2, 2)
    assert stats.read_all
    lines = list(iter_results(out))
    errors = {line.source: line.error for line in lines if isinstance(line, ErrorLine)}
    assert {source: error.type for source, error in errors.items()} == {
        f"{more}:2": "duplicate_id",
        f"{more}:4": "duplicate_id",
    }
    assert errors[f"{more}:2"].message == f"id 'a1' is already used by {first}:2"
    assert errors[f"{more}:4"].message == f"id 'a3' is already used by {more}:1"
    assert sorted(line_id(line) for line in lines if not isinstance(line, ErrorLine)) == [
        "a0",
        "a1",
        "a2",
        "a3",
        "a4",
    ]
    results = ResultFile(out)
    again = run_batch(summarizer, read_inputs([first, more]), results, concurrency=2)
    results.close()
    assert (again.skipped, again.failed_before, again.ok + again.failed) == (7, 2, 0)


def test_the_output_among_the_inputs_is_never_read(tmp_path: Path) -> None:
    """Read as the run goes, a directory holding the results file would meet the lines
    being written; the file, and what the run keeps beside it, are left out."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("An article nobody recorded.")
    out = folder / "results.jsonl"
    (folder / "results.jsonl.batches.json").write_text('{"batches": []}')
    args = ["batch", str(folder), "--out", str(out), "--provider", "replay"]
    for _ in range(2):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        assert ids_in(out) == ["a"]
    assert "0 ok, 0 failed, 0 cached, 1 already done" in result.stderr
    given = CliRunner().invoke(app, ["batch", str(out), "--out", str(out)])
    assert given.exit_code == 2
    one_line_error(given.stderr, f"{out} is where the results go (--out), not an input")


def test_the_report_names_the_first_failures_and_counts_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"e{n}", "text": ""}) + "\n" for n in range(25)))
    out = tmp_path / "out.jsonl"
    args = ["batch", str(source), "--out", str(out), "--provider", "replay", "--concurrency", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    named = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert named[0] == "failed: e0: article text is empty" and len(named) == 10
    assert "... and 15 more failures" in result.stderr
    assert "0 ok, 25 failed" in result.stderr


def _until(done: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + 10
    while not done() and time.monotonic() < deadline:
        time.sleep(0.01)
    return done()


def test_a_full_window_takes_more_once_a_quarter_of_it_is_free() -> None:
    """The submitter is woken once a quarter of the window is free, not at each task's
    end; then it fills the window again."""
    size, tasks = 8, 12
    gates = [threading.Event() for _ in range(tasks)]
    submitted: list[int] = []
    with ThreadPoolExecutor(max_workers=size) as pool:
        window = Window(pool, size)

        def held(gate: threading.Event) -> None:
            gate.wait(10)

        def submitter() -> None:
            for n, gate in enumerate(gates):
                window.submit(held, gate)
                submitted.append(n)

        thread = threading.Thread(target=submitter)
        thread.start()
        try:
            assert _until(lambda: len(submitted) == size)
            gates[0].set()
            time.sleep(0.2)  # room for the submitter to run on, were it woken
            assert len(submitted) == size
            gates[1].set()
            assert _until(lambda: len(submitted) == size + 2)
        finally:
            for gate in gates:
                gate.set()
            thread.join(10)
    assert submitted == list(range(tasks))
