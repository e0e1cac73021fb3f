"""`summarizer batch --via batch-api` against the stub's Batch API, fault by fault."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bench.stub_server import BatchFaults, StubConfig, StubServer
from summarizer.batch import item_for, state_path
from summarizer.batch.batch_api import Covered, Ledger
from summarizer.cli import app
from summarizer.core import ArticleRequest, DraftRecord, SummaryRecord
from summarizer.extract import RecordCache
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.io import ErrorLine, ResultLine, iter_results
from summarizer.providers import BatchLimits
from summarizer.settings import Settings
from tests.conftest import CORPUS
from tests.fakes import FakeProvider
from tests.pages.server import PAGE
from tests.paths import CHECKOUT

ARGS = ["--provider", "openai", "--model", "stub-model", "--poll-seconds", "0"]


def polling_batch(tmp_path: Path, out: Path) -> list[str]:
    """The arguments of a Batch API run over `tmp_path`'s articles that polls every 0.05 s."""
    articles = str(tmp_path / "articles")
    return ["batch", articles, "--out", str(out), "--via", "batch-api", *ARGS[:-1], "0.05"]


@pytest.fixture(autouse=True)
def articles(tmp_path: Path) -> Path:
    """The five corpus articles, alone in a directory (the batch's input)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for source in CORPUS.glob("*.txt"):
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


def run(stub: StubServer, out: Path, *extra: str, **more_env: str) -> tuple[int, str]:
    env = {
        "OPENAI_BASE_URL": stub.url,
        "OPENAI_API_KEY": "x",
        "SUMMARIZER_MAX_BACKOFF": "0.05",
        **more_env,
    }
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(out.parent / "articles"),
            "--out",
            str(out),
            "--via",
            "batch-api",
            *ARGS,
            *extra,
        ],
        env=env,
    )
    return result.exit_code, result.stderr


def lines(out: Path) -> list[ResultLine]:
    return list(iter_results(out))


def records(out: Path) -> dict[str, SummaryRecord]:
    return {e.article.id: e for e in lines(out) if isinstance(e, SummaryRecord)}


def test_one_batch_answers_every_article_through_the_same_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same records, at half the price."""
    monkeypatch.setenv("SUMMARIZER_PRICES", '{"openai/stub-model": {"input": 1, "output": 4}}')
    with StubServer(StubConfig(batch=BatchFaults(polls=2))) as stub:
        code, _ = run(stub, tmp_path / "batch.jsonl")
        assert code == 0
        assert stub.batch_api.created == 1 and sum(stub.served.values()) == 0  # no sync calls
        (tmp_path / "cache2").mkdir()
        env = {"SUMMARIZER_CACHE_DIR": str(tmp_path / "cache2")}
        sync = CliRunner().invoke(
            app,
            ["batch", str(tmp_path / "articles"), "--out", str(tmp_path / "sync.jsonl"), *ARGS],
            env={"OPENAI_BASE_URL": stub.url, "OPENAI_API_KEY": "x", **env},
        )
        assert sync.exit_code == 0, sync.output
    batch, direct = records(tmp_path / "batch.jsonl"), records(tmp_path / "sync.jsonl")
    assert len(batch) == 5 and batch.keys() == direct.keys()
    for key, record in batch.items():
        assert record.model_copy(update={"provenance": None}) == direct[key].model_copy(
            update={"provenance": None}
        )
        assert record.provenance.usage == direct[key].provenance.usage
        sync_cost = direct[key].provenance.cost_usd
        assert sync_cost and record.provenance.cost_usd == pytest.approx(sync_cost / 2)
    state = json.loads((tmp_path / "batch.jsonl.batches.json").read_text())
    assert [b["status"] for b in state["batches"]] == ["completed"]


@pytest.mark.parametrize(
    ("faults", "answered"),
    [
        (BatchFaults(fail_every=2), 3),  # failed items
        (BatchFaults(expire=True), 2),  # expired half done
        (BatchFaults(partial=True), 3),  # output file cut mid-line
    ],
)
def test_unanswered_items_are_error_lines_and_retry_failed_resubmits_only_them(
    tmp_path: Path, faults: BatchFaults, answered: int
) -> None:
    out = tmp_path / "out.jsonl"
    with StubServer(StubConfig(batch=faults)) as stub:
        code, stderr = run(stub, out)
        assert code == 1 and len(lines(out)) == 5 and len(records(out)) == answered
        errors = [e for e in lines(out) if isinstance(e, ErrorLine)]
        assert all("batch-0 gave no answer" in e.error.message for e in errors)
        if faults.expire:
            assert "batch batch-0 ended expired" in stderr
        stub.batch_api.faults = BatchFaults()  # the provider recovers
        code, _ = run(stub, out, "--retry-failed")
        assert code == 0 and len(lines(out)) == 5 and len(records(out)) == 5
        second = stub.batch_api.batches["batch-1"]["request_counts"]["total"]
        assert stub.batch_api.created == 2 and second == 5 - answered


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path: Path) -> None:
    """The cache's answers would spare a second batch; --no-cache submits every article."""
    cache = tmp_path / "cache"
    with StubServer(StubConfig()) as stub:
        assert run(stub, tmp_path / "cached.jsonl")[0] == 0  # fills the cache
        entries = RecordCache(cache).stats().entries
        assert entries > 0
        code, _ = run(stub, tmp_path / "fresh.jsonl", "--no-cache")
        assert code == 0 and len(records(tmp_path / "fresh.jsonl")) == 5
        assert stub.batch_api.created == 2 and sum(stub.served.values()) == 0
        assert stub.batch_api.batches["batch-1"]["request_counts"]["total"] == 5
    assert RecordCache(cache).stats().entries == entries


def test_server_errors_while_polling_are_retried(tmp_path: Path) -> None:
    with StubServer(StubConfig(batch=BatchFaults(polls=1, poll_errors=2))) as stub:
        code, _ = run(stub, tmp_path / "out.jsonl")
    assert code == 0 and len(records(tmp_path / "out.jsonl")) == 5


def test_a_batch_needs_the_openai_provider(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(tmp_path / "articles"),
            "--out",
            str(tmp_path / "o.jsonl"),
            "--via",
            "batch-api",
            "--provider",
            "replay",
        ],
    )
    assert result.exit_code == 2
    assert "needs a provider with a Batch API (openai), not replay" in result.stderr


def test_sigkill_between_submit_and_download_resumes_the_same_batch(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    ledger = tmp_path / "out.jsonl.batches.json"
    command = [sys.executable, "-m", "summarizer", *polling_batch(tmp_path, out)]
    with StubServer(StubConfig(batch=BatchFaults(polls=1_000_000))) as stub:
        env = {**os.environ, "OPENAI_BASE_URL": stub.url, "OPENAI_API_KEY": "x"}
        first = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not ledger.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ledger.exists(), "the batch was never submitted"
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert stub.batch_api.created == 1
        stub.batch_api.faults.polls = 0
        stub.batch_api._polls["batch-0"] = 0  # the provider finishes the batch now
        again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert again.returncode == 0, again.stderr
        assert stub.batch_api.created == 1  # resumed, never submitted (or billed) twice
    assert len(records(out)) == 5 and len(lines(out)) == 5


def test_a_page_s_notes_reach_its_record_through_the_batch(tmp_path: Path) -> None:
    (tmp_path / "articles" / "page.html").write_bytes(PAGE)
    with StubServer(StubConfig()) as stub:
        code, _ = run(stub, tmp_path / "out.jsonl")
    assert code == 0
    assert (
        "published_at: from the page's metadata" in records(tmp_path / "out.jsonl")["page"].warnings
    )


# --- Corpora past one batch: one batch a run, within the provider's limits ---------------

SetLimits = Callable[[BatchLimits], None]
THREE_REQUESTS = BatchLimits(requests=3, bytes=200_000_000)  # a corpus article is one request
LEFT = "one batch a run, of at most 3 requests and 200,000,000 bytes: 2 articles left undone"


def ledger(out: Path) -> list[dict[str, Any]]:
    """The batches the ledger beside `out` lists."""
    batches: list[dict[str, Any]] = json.loads(state_path(out).read_text())["batches"]
    return batches


def test_a_corpus_past_the_limits_takes_one_batch_a_run_and_a_rerun_does_the_rest(
    tmp_path: Path, batch_limits: SetLimits
) -> None:
    """The first run submits a batch of at most the limit and leaves the rest out of the
    results (exit 3, as --max-cost does); the same command again submits the rest. The
    records are those of one run without the limit."""
    out, whole = tmp_path / "out.jsonl", tmp_path / "whole.jsonl"
    with StubServer(StubConfig()) as stub:
        env = {"SUMMARIZER_CACHE_DIR": str(tmp_path / "cache2")}
        assert run(stub, whole, **env)[0] == 0  # one batch, at OpenAI's limits
        batch_limits(THREE_REQUESTS)
        code, stderr = run(stub, out)
        assert code == 3, stderr
        assert f"{LEFT}; rerun to continue them" in stderr
        assert "3 ok, 0 failed, 0 cached, 0 already done" in stderr
        first = stub.batch_api.batches["batch-1"]["request_counts"]["total"]
        assert first == 3 and len(lines(out)) == 3
        assert sorted(ledger(out)[0]["articles"]) == sorted(records(out))
        code, stderr = run(stub, out)
        assert code == 0, stderr
        assert "2 ok, 0 failed, 0 cached, 3 already done" in stderr and "undone" not in stderr
        assert stub.batch_api.batches["batch-2"]["request_counts"]["total"] == 2
        assert stub.batch_api.created == 3 and sum(stub.served.values()) == 0
    ids = [line.article.id for line in lines(out) if isinstance(line, SummaryRecord)]
    assert len(ids) == len(set(ids)) == len(lines(out)) == 5
    bounded, unbounded = records(out), records(whole)
    assert bounded.keys() == unbounded.keys()
    for key, record in bounded.items():
        assert record.model_copy(update={"provenance": None}) == unbounded[key].model_copy(
            update={"provenance": None}
        )
        assert record.provenance.usage == unbounded[key].provenance.usage


def test_an_article_no_batch_can_hold_is_an_error_line_naming_the_limit(
    tmp_path: Path, batch_limits: SetLimits
) -> None:
    """A corpus article's request is 22 to 26 kB; the long one's 8 pieces are 194 kB."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    long = "\n\n".join(f"Part {n}. {text}" for n in range(2) for text in texts)
    (tmp_path / "articles" / "long.txt").write_text(long, encoding="utf-8")
    batch_limits(BatchLimits(requests=50_000, bytes=150_000))
    out = tmp_path / "out.jsonl"
    with StubServer(StubConfig()) as stub:
        code, stderr = run(stub, out)
        assert code == 1, stderr
        assert len(records(out)) == 5 and stub.batch_api.created == 1
        (error,) = [line for line in lines(out) if isinstance(line, ErrorLine)]
        assert error.id == "long" and error.error.type == "input_too_large"
        assert "too large for a batch: its " in error.error.message
        assert "pass the Batch API's limits of 50,000 requests and 150,000 bytes a batch; " in (
            error.error.message
        )
        assert "undone" not in stderr
        # Alone, it submits nothing, and never loops: an error line again.
        code, stderr = run(stub, out, "--retry-failed")
        assert code == 1 and "too large for a batch" in stderr
        assert stub.batch_api.created == 1 and len(lines(out)) == 6


def test_an_article_of_the_same_text_shares_the_requests_in_the_batch(
    tmp_path: Path, batch_limits: SetLimits
) -> None:
    """The copy, read right after the original, adds no request: both fit a batch of one."""
    original = sorted((tmp_path / "articles").glob("*.txt"))[0]
    (tmp_path / "articles" / f"{original.stem[:3]}a.txt").write_bytes(original.read_bytes())
    batch_limits(BatchLimits(requests=1, bytes=200_000_000))
    out = tmp_path / "out.jsonl"
    with StubServer(StubConfig()) as stub:
        code, stderr = run(stub, out)
        assert code == 3 and "4 articles left undone" in stderr
        assert stub.batch_api.batches["batch-0"]["request_counts"]["total"] == 1
    assert sorted(records(out)) == [original.stem, f"{original.stem[:3]}a"]
    assert ledger(out)[0]["articles"] == sorted(records(out))


def test_a_batch_submitted_before_batches_were_bounded_covers_every_article(
    settings: Settings, draft_000: DraftRecord
) -> None:
    """Its ledger names no articles: a rerun answers them all from it, as it was meant."""
    old = Ledger.model_validate_json('{"batches": [{"batch_id": "batch-0", "requests": []}]}')
    summarizer = Summarizer(FakeProvider(draft_000), load_prompts(), None, settings)
    gate = Covered(summarizer, old.active(), THREE_REQUESTS, use_cache=False)
    items = [item_for(ArticleRequest(id=f"a{n}", text="Drones hit a base.")) for n in range(5)]
    assert all(gate.start(item) for item in items) and gate.refused == 0


# Runs the command with the openai provider's batches at THREE_REQUESTS (a test's spec,
# registered in the process that runs it).
LIMITED = f"""
from summarizer.cli import app
from summarizer.providers import BatchLimits, register, spec_for
from tests.batch.conftest import with_batch_limits
register(with_batch_limits(spec_for("openai"), {THREE_REQUESTS!r}))
app(prog_name="summarizer")
"""


def test_a_killed_run_resumes_its_batch_for_the_same_articles(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-c", LIMITED, *polling_batch(tmp_path, out)]
    with StubServer(StubConfig(batch=BatchFaults(polls=1_000_000))) as stub:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": stub.url,
            "OPENAI_API_KEY": "x",
            "PYTHONPATH": str(CHECKOUT),
        }
        first = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not state_path(out).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert state_path(out).exists(), "the batch was never submitted"
        first.send_signal(signal.SIGKILL)
        first.wait()
        (submitted,) = ledger(out)
        assert stub.batch_api.created == 1 and len(submitted["articles"]) == 3
        stub.batch_api.faults.polls = 0
        stub.batch_api._polls["batch-0"] = 0  # the provider finishes the batch now
        again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert again.returncode == 3, again.stderr
        assert LEFT in again.stderr
        assert stub.batch_api.created == 1  # resumed, never submitted (or billed) twice
        assert sorted(records(out)) == sorted(submitted["articles"])
        last = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert last.returncode == 0, last.stderr
        assert stub.batch_api.created == 2
    assert len(records(out)) == 5 and len(lines(out)) == 5
