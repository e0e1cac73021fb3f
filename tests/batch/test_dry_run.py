"""`summarizer batch --dry-run` on the seed corpus: the articles and pieces counted exactly,
the tokens of the very requests a run sends, priced; no model called, nothing written."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from summarizer.batch.estimate import ANSWER_TOKENS_PER_CHAR
from summarizer.core import Price
from summarizer.extract.chunking import split
from summarizer.providers import BatchLimits
from summarizer.providers.tokens import CHARS_PER_TOKEN, TokenCounter
from summarizer.record import load_recordings
from tests.cli.invoke import run
from tests.fakes import article_in
from tests.paths import CORPUS, EVALS, RECORDINGS

# Nothing listens here: a model call would fail the command.
UNREACHABLE = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "SUMMARIZER_MAX_ATTEMPTS": "1"}
OPENAI = ["--provider", "openai", "--model", "gpt-4o-mini"]
MAX_TOKENS = 16384  # a remote provider's answer budget


def dry_run(out: Path, *args: str, **env: str) -> dict[str, str]:
    """The dry run's lines by their first word."""
    code, stdout, stderr = run(
        "batch", str(CORPUS), "--out", str(out), "--dry-run", *args, **{**UNREACHABLE, **env}
    )
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0] == "dry run: no model called, nothing written"
    return {line.split(":")[0]: line for line in lines[1:]}


def corpus_texts() -> list[str]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [(CORPUS / a["file"]).read_text(encoding="utf-8") for a in manifest["articles"]]


def number(line: str, before: str) -> float:
    found = re.search(rf"\$?([\d,.]+) {re.escape(before)}", line)
    assert found is not None, line
    return float(found.group(1).replace(",", ""))


def test_the_seed_corpus_counted_as_a_run_would_send_it(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    shown = dry_run(out, *OPENAI)
    assert not out.exists()
    assert shown["articles"] == (
        "articles: 5: 5 to run, 0 already done, 0 in the cache, 0 unreadable"
    )
    assert shown["pieces"] == "pieces: 5 of at most 8,000 characters, 1 pass: 5 calls"
    # The requests a run sends are the recorded ones (replay answers them by their hash):
    # their tokens, each message's text and the tools' schema at four characters a token.
    recorded = [r.request for r in load_recordings(RECORDINGS).values()]
    counted = sum(TokenCounter("chars/4").request(request) for request in recorded)
    body = sum(len(json.dumps(request, ensure_ascii=False)) for request in recorded)
    assert number(shown["input tokens"], "(") == counted
    assert 0.9 < counted / (body / CHARS_PER_TOKEN) < 1.1
    assert "chars/4 estimate" in shown["input tokens"] or "tiktoken" in shown["input tokens"]
    expected = sum(math.ceil(ANSWER_TOKENS_PER_CHAR * len(article_in(r))) for r in recorded)
    assert number(shown["output tokens"], "expected") == expected
    assert number(shown["output tokens"], "at most") == 5 * MAX_TOKENS
    price = Price(input=0.15, cached_input=0.075, output=0.6)
    assert number(shown["cost"], "expected") == pytest.approx(
        price.cost(counted, 0, expected), abs=1e-4
    )
    assert number(shown["cost"], "at most") == pytest.approx(
        price.cost(counted, 0, 5 * MAX_TOKENS), abs=1e-4
    )
    assert shown["time"].startswith("time: unknown rate (set SUMMARIZER_RATE_TPM)")


def test_pieces_and_passes_follow_the_settings(tmp_path: Path) -> None:
    shown = dry_run(tmp_path / "out.jsonl", *OPENAI, "--passes", "2", SUMMARIZER_CHUNK_CHARS="1500")
    pieces = sum(len(split(text, 1500, 300)) for text in corpus_texts())
    assert pieces > 5
    assert shown["pieces"] == (
        f"pieces: {pieces} of at most 1,500 characters, 2 passes: {2 * pieces} calls"
    )


def test_the_batch_api_halves_the_cost_and_a_rate_gives_the_time(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    sync = dry_run(out, *OPENAI, SUMMARIZER_RATE_TPM="100000")
    batch = dry_run(out, *OPENAI, "--via", "batch-api")
    for what in ("expected", "at most"):
        half = number(sync["cost"], what) / 2  # each shown to a hundredth of a cent
        assert number(batch["cost"], what) == pytest.approx(half, abs=1e-4)
    assert "through the Batch API (half price)" in batch["price"]
    assert batch["time"] == "time: within 24 hours (the Batch API's window)"
    assert batch["batches"] == (
        "batches: 1, one a run of the same command, each of at most 50,000 requests and "
        "200,000,000 bytes"
    )
    assert "batches" not in sync
    tokens = number(sync["input tokens"], "(") + number(sync["output tokens"], "expected")
    assert re.match(
        r"time: \d+ s expected, \d+ s at most, at 100,000 tokens a minute", sync["time"]
    )
    assert number(sync["time"], "s expected") == round(tokens / 100_000 * 60)


def test_the_batch_api_runs_the_corpus_needs_at_the_provider_s_limits(
    tmp_path: Path, batch_limits: Callable[[BatchLimits], None]
) -> None:
    """A corpus article is one request of 22 to 26 kB: two a batch, or one, or none."""
    out = tmp_path / "out.jsonl"
    batch_limits(BatchLimits(requests=2, bytes=200_000_000))
    assert dry_run(out, *OPENAI, "--via", "batch-api")["batches"].startswith(
        "batches: 3, one a run of the same command, each of at most 2 requests and "
    )
    batch_limits(BatchLimits(requests=2, bytes=30_000))
    assert dry_run(out, *OPENAI, "--via", "batch-api")["batches"].startswith("batches: 5, ")
    batch_limits(BatchLimits(requests=2, bytes=23_000))  # 000 and 002 fit, one a batch
    shown = dry_run(out, *OPENAI, "--via", "batch-api")
    assert shown["batches"].endswith(
        "each of at most 2 requests and 23,000 bytes; 3 too large for any batch (an error "
        "line each)"
    )
    assert shown["batches"].startswith("batches: 2, ")
    assert shown["pieces"] == "pieces: 2 of at most 8,000 characters, 1 pass: 2 calls"


def test_what_is_done_or_cached_is_not_counted_and_the_results_are_left_as_they_were(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.jsonl"
    code, _, stderr = run("batch", str(CORPUS), "--out", str(out), "--provider", "replay")
    assert code == 0, stderr
    before = out.read_bytes()
    kept = before.split(b"\n")[:2]
    out.write_bytes(b"\n".join(kept) + b"\n")  # two articles done; the cache has all five
    shown = dry_run(out, "--provider", "replay")
    assert (
        shown["articles"] == "articles: 5: 0 to run, 2 already done, 3 in the cache, 0 unreadable"
    )
    assert out.read_bytes() == b"\n".join(kept) + b"\n"
    fresh = dry_run(out, "--provider", "replay", "--no-cache")
    assert fresh["articles"].startswith("articles: 5: 3 to run, 2 already done, 0 in the cache")
    assert number(fresh["cost"], "expected") == 0.0  # replay costs nothing


def test_a_model_without_a_price_has_an_unknown_cost(tmp_path: Path) -> None:
    shown = dry_run(tmp_path / "out.jsonl", "--provider", "openai", "--model", "llama3")
    assert shown["cost"] == (
        "cost: unknown: no price for openai/llama3 (add it to SUMMARIZER_PRICES)"
    )
    priced = dry_run(
        tmp_path / "out.jsonl",
        "--provider",
        "openai",
        "--model",
        "llama3",
        SUMMARIZER_PRICES='{"openai/llama3": {"input": 1, "output": 1}}',
    )
    assert "price: openai/llama3, USD per million tokens: 1 input" in priced["price"]


def test_the_answer_estimate_is_the_recorded_capable_answers_mean() -> None:
    """ANSWER_TOKENS_PER_CHAR, derived again from every capable recording set: answer
    characters per article character, at four characters a token."""
    article = answer = 0
    for directory in sorted(EVALS.glob("*/recordings/claude-standin")):
        for recording in load_recordings(directory).values():
            article += len(article_in(recording.request))
            message = recording.response["choices"][0]["message"]
            calls = message.get("tool_calls") or []
            answer += sum(len(c["function"]["arguments"]) for c in calls)
    assert round(answer / article / CHARS_PER_TOKEN, 1) == ANSWER_TOKENS_PER_CHAR
