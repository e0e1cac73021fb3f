"""`summarizer batch --max-cost USD`: no article starts once the spend (from the usage of
the records made) plus the most the articles in flight may cost would pass the budget;
the started ones finish, the rest stay undone, and a rerun finishes them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from summarizer.batch import BatchItem, BatchStats, item_for, run
from summarizer.batch.budget import Budget, spent
from summarizer.batch.estimate import Estimator
from summarizer.batch.ray_engine import SharedBudget
from summarizer.core import ArticleRequest, DraftRecord, Price, ProviderError
from summarizer.extract import build_article
from summarizer.extract.cache import RecordCache
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.io import error_line, iter_results, line_id
from summarizer.providers import register, unregister
from summarizer.settings import Settings
from tests.batch.test_runner import OPTIONS
from tests.cli.invoke import one_line_error
from tests.cli.invoke import run as cli
from tests.fakes import FakeProvider
from tests.paths import CORPUS
from tests.providers import toy

# A token of answer costs a cent, prompts are free: the fake's answers report 50 tokens
# (50 cents an article), and an answer of at most max_tokens=100 may cost a dollar.
PRICE = Price(input=0, output=10_000)


@pytest.fixture
def priced(settings: Settings) -> Settings:
    return settings.model_copy(update={"prices": {"fake": PRICE}, "max_tokens": 100})


def articles(count: int) -> list[BatchItem]:
    return [
        item_for(ArticleRequest(id=f"a{n}", text=f"Article {n}: drones hit a base."))
        for n in range(count)
    ]


def summarizer_for(settings: Settings, draft: DraftRecord) -> Summarizer:
    provider = FakeProvider(draft)
    return Summarizer(provider, load_prompts(), RecordCache(settings.cache_dir), settings)


def run_within(out: Path, summarizer: Summarizer, max_cost: float | None) -> BatchStats:
    options = replace(OPTIONS, concurrency=1, max_cost=max_cost, use_cache=False)
    return run(summarizer, articles(6), out, options=options)[0]


def test_the_budget_stops_new_articles_and_a_rerun_does_the_rest(
    tmp_path: Path, priced: Settings, draft_000: DraftRecord
) -> None:
    out = tmp_path / "out.jsonl"
    summarizer = summarizer_for(priced, draft_000)
    # Spent 0, 0.5, 1.0 when the first three start (each may cost 1.0): within 2.2; the
    # fourth would start at 1.5 + 1.0.
    stats = run_within(out, summarizer, 2.2)
    assert (stats.ok, stats.undone) == (3, 3)
    assert stats.cost_usd == pytest.approx(1.5)
    assert [line_id(line) for line in iter_results(out)] == ["a0", "a1", "a2"]
    again = run_within(out, summarizer, 2.2)
    assert (again.skipped, again.ok, again.undone) == (3, 3, 0)
    assert sorted(line_id(line) for line in iter_results(out)) == [f"a{n}" for n in range(6)]


def test_what_is_in_flight_counts_at_its_most_and_a_failure_at_its_estimate(
    priced: Settings, draft_000: DraftRecord
) -> None:
    estimator = Estimator(summarizer_for(priced, draft_000), use_cache=False)
    budget = Budget(2.5)
    first, second, third, fourth = articles(4)
    assert estimator.most(first) == pytest.approx(1.0)  # one call of at most 100 tokens
    assert budget.start(first.id, 1.0) and budget.start(second.id, 1.0)  # 2.0 in flight
    assert not budget.start(third.id, 1.0)  # 3.0 would pass 2.5
    failed = error_line(first.id, ProviderError("HTTP 500"))
    assert spent(failed) is None
    budget.finish(first.id, spent(failed))
    assert budget.spent == pytest.approx(1.0)  # its calls' usage is lost: the estimate
    assert not budget.start(fourth.id, 0.0)  # stopped: no article starts again in this run
    assert budget.refused == 2


def test_a_record_counts_at_its_usage(priced: Settings, draft_000: DraftRecord) -> None:
    summarizer = summarizer_for(priced, draft_000)
    budget = Budget(10.0)
    (item,) = articles(1)
    assert budget.start(item.id, 1.0) and item.request is not None
    record = summarizer.summarize(build_article(item.request, 100_000), use_cache=False)
    budget.finish(item.id, spent(record))
    assert budget.spent == pytest.approx(0.5) == record.provenance.cost_usd


@pytest.fixture
def toy_provider() -> Iterator[None]:
    """A provider that reports usage: 100 prompt and 50 answer tokens a call."""
    register(toy.SPEC)
    yield
    unregister(toy.SPEC.name)


def test_the_command_says_how_many_are_left_and_exits_3(tmp_path: Path, toy_provider: None) -> None:
    out = tmp_path / "out.jsonl"
    args = ["batch", str(CORPUS), "--out", str(out), "--provider", "toy", "--concurrency", "1"]
    # The toy cuts an article into 6 to 18 pieces, each of which may cost half a dollar.
    prices = '{"toy": {"input": 1, "output": 1000}}'
    code, _, stderr = cli(*args, "--max-cost", "4", SUMMARIZER_PRICES=prices)
    assert code == 3, stderr
    done = len(list(iter_results(out)))
    assert 0 < done < 5
    left = f"{5 - done} article{'' if done == 4 else 's'}"
    assert f"--max-cost $4.0000 reached: {left} left undone; rerun" in stderr
    spent = float(stderr.split("; cost $")[1].split(";")[0])
    assert 0 < spent <= 4
    code, _, stderr = cli(*args, SUMMARIZER_PRICES=prices)
    assert code == 0, stderr
    assert f"{5 - done} ok, 0 failed, 0 cached, {done} already done" in stderr
    # The summary's tokens and cost: 100 prompt and 50 answer tokens a call (a piece).
    found = re.search(r"tokens (\d+) in \(0 cached\), (\d+) out; cost \$([\d.]+);", stderr)
    assert found is not None, stderr
    prompt, answer, cost = int(found[1]), int(found[2]), float(found[3])
    assert prompt == 2 * answer and cost == pytest.approx(prompt * 1e-6 + answer * 1e-3, abs=1e-4)
    ids = [line_id(line) for line in iter_results(out)]
    assert len(ids) == len(set(ids)) == 5


def test_a_budget_needs_a_price_and_the_sync_calls(tmp_path: Path, toy_provider: None) -> None:
    out = tmp_path / "out.jsonl"
    args = ["batch", str(CORPUS), "--out", str(out), "--max-cost", "1"]
    code, _, stderr = cli(*args, "--provider", "toy")
    assert code == 2 and not out.exists()
    one_line_error(stderr, "--max-cost needs a price for toy/toy-1: add it to SUMMARIZER_PRICES")
    code, _, stderr = cli(*args, "--provider", "replay", "--via", "batch-api")
    assert code == 2 and not out.exists()
    one_line_error(stderr, "--max-cost runs with --via sync: a Batch API is handed")


def test_the_ray_workers_budget_admits_a_block_in_order_and_settles_it() -> None:
    """The Ray engine's one budget for the run (here without Ray): a block's articles are
    admitted by the same rule, in order, and settle together once their shard is written."""
    budget = SharedBudget(2.5)
    assert budget.start_all({"a": 1.0, "b": 1.0, "c": 1.0, "d": 0.0}) == [True, True, False, False]
    budget.finish_all({"a": None, "b": 0.25})  # a failed: at its estimate
    assert budget.spent == pytest.approx(1.25) and budget.refused == 2
    assert budget.start_all({"e": 0.0}) == [False]  # stopped, for every worker
