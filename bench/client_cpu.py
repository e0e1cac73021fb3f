"""Client CPU per article on answers of a real model's size (issue 23, point 7).

The stub's answers are small (one event quoting the article's start: about 800
characters); a capable model's run to about six characters per article character. This
runs the eval sets' articles (seed, conventions, stories: 47 articles of 0.6 to 6.5
thousand characters) through the pipeline, one at a time in one thread, and reads the
thread's CPU time (`time.thread_time`: the machine is shared, and its load stretches wall
time, not a thread's CPU):

- the whole batch path (`item_for`, `summarize_item`, the output line appended to a
  results file), openai provider (paced, as by default), against the stub in its own
  process answering each request with the capable model's recorded response
  (`stub_server --recordings`), and against the plain stub (its small answers);
- the `openai` SDK alone sending the same requests, to either stub;
- the pipeline with the replay provider (no SDK, no HTTP);
- the SDK's parse of an answer alone (`json.loads`, then the SDK's `construct_type` into
  a `ChatCompletion`, as it reads a response), recorded and stub-size.

Each round runs every mode over every article, the modes in a rotated order; each
article's figure is its median over the rounds. Also: the answers' sizes, and the Python
memory one article holds while it runs (tracemalloc's peak over one article, the
recorded answers), which is what each article in flight costs.

    python -m bench.client_cpu [ROUNDS]     # default 20
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
from openai._models import construct_type
from openai.types.chat import ChatCompletion
from pydantic import SecretStr

from bench.batch_throughput import requests_for
from bench.common import report, stub_process
from bench.stub_server import answer
from summarizer.batch import BatchItem, item_for
from summarizer.batch.engine import summarize_item
from summarizer.core import ArticleRequest
from summarizer.evals.evaluation import EvalSet
from summarizer.evals.sets import RecordingSet, load_set
from summarizer.extract import Summarizer, load_prompts
from summarizer.io import ResultFile
from summarizer.providers.openai_handler import OpenAIProvider
from summarizer.record import load_recordings, request_hash
from summarizer.settings import Settings

EVALS = Path(__file__).resolve().parent.parent / "evals"
SETS = ("seed", "conventions", "stories")
MODEL = "claude-standin"  # the capable model's recording sets
ROUNDS = 20


@dataclass
class Article:
    set: str
    id: str
    chars: int
    item: BatchItem
    requests: list[dict[str, Any]]  # what the pipeline sends for it, as recorded
    recorded: list[bytes]  # the recorded responses to them, as the endpoint sent them
    stubbed: list[bytes]  # the stub's answers to them


@dataclass
class EvalData:
    evalset: EvalSet
    recordings: RecordingSet
    settings: Settings  # the openai provider's, with the set's request-shaping settings


def eval_data() -> list[EvalData]:
    base = Settings(provider="openai", openai_api_key=SecretStr("bench"), model=MODEL, timeout=30)
    found = []
    for name in SETS:
        evalset = EvalSet.load(EVALS / name)
        recordings = load_set(evalset.recordings / MODEL)
        found.append(EvalData(evalset, recordings, base.model_copy(update=recordings.settings)))
    return found


def articles_of(data: EvalData) -> list[Article]:
    recorded = load_recordings(data.recordings.directory)
    articles = []
    for entry in data.evalset.corpus:
        request = ArticleRequest(text=entry.text, id=entry.id, published_at=entry.published_at)
        item = item_for(request)
        requests = requests_for(data.settings, [item])
        responses = [recorded[request_hash(r)].response for r in requests]
        articles.append(
            Article(
                data.evalset.name,
                entry.id,
                len(entry.text),
                item,
                requests,
                [json.dumps(r).encode() for r in responses],
                [json.dumps(answer({"model": MODEL, **r})).encode() for r in requests],
            )
        )
    return articles


def answer_chars(body: bytes) -> int:
    """The characters of an answer's content or tool-call arguments."""
    message = json.loads(body)["choices"][0]["message"]
    calls = message.get("tool_calls") or []
    return len(message.get("content") or "") + sum(len(c["function"]["arguments"]) for c in calls)


# --- The modes: one article's client work each --------------------------------------------

Mode = Callable[[Article], object]


def pipeline(summarizers: dict[str, Summarizer], out: ResultFile) -> Mode:
    """The batch engine's work for one article: its item, its line, the line written."""

    def one(article: Article) -> None:
        request = article.item.request
        assert request is not None
        out.append(summarize_item(summarizers[article.set], item_for(request), use_cache=False))

    return one


def sdk_alone(url: str) -> Mode:
    sdk = openai.OpenAI(api_key="bench", base_url=url, max_retries=0)
    return lambda article: [
        sdk.chat.completions.create(model=MODEL, **request) for request in article.requests
    ]


def sdk_parse(recorded: bool) -> Mode:
    def one(article: Article) -> None:
        for body in article.recorded if recorded else article.stubbed:
            construct_type(type_=ChatCompletion, value=json.loads(body))

    return one


def modes(
    data: list[EvalData], recorded_url: str, stub_url: str, out: ResultFile
) -> dict[str, Mode]:
    def summarizers(url: str | None) -> dict[str, Summarizer]:
        built = {}
        for d in data:
            if url is None:
                settings = d.recordings.replay_settings(d.settings)
                built[d.evalset.name] = Summarizer.from_settings(settings)
            else:
                settings = d.settings.model_copy(update={"openai_base_url": url})
                built[d.evalset.name] = Summarizer(
                    OpenAIProvider(settings), load_prompts(), None, settings
                )
        return built

    return {
        "pipeline, openai over HTTP, recorded answers": pipeline(summarizers(recorded_url), out),
        "pipeline, openai over HTTP, stub answers": pipeline(summarizers(stub_url), out),
        "pipeline, replay provider, recorded answers": pipeline(summarizers(None), out),
        "openai SDK alone over HTTP, recorded answers": sdk_alone(recorded_url),
        "openai SDK alone over HTTP, stub answers": sdk_alone(stub_url),
        "SDK parse alone, recorded answers": sdk_parse(True),
        "SDK parse alone, stub answers": sdk_parse(False),
    }


def timed(modes: dict[str, Mode], articles: list[Article], rounds: int) -> dict[str, list[float]]:
    """Per mode, each article's median thread CPU ms over `rounds` (after one round
    unmeasured: first calls build schemas, open connections)."""
    for mode in modes.values():
        for article in articles:
            mode(article)
    times: dict[str, list[list[float]]] = {name: [[] for _ in articles] for name in modes}
    named = list(modes.items())
    for round_ in range(rounds):
        shift = round_ % len(named)
        for name, mode in named[shift:] + named[:shift]:
            for n, article in enumerate(articles):
                started = time.thread_time()
                mode(article)
                times[name][n].append(1000 * (time.thread_time() - started))
    return {name: [statistics.median(t) for t in per] for name, per in times.items()}


def held(mode: Mode, articles: list[Article]) -> list[float]:
    """Per article, the peak of Python memory (KiB) above what was held before it ran."""
    peaks = []
    tracemalloc.start()
    for article in articles:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        mode(article)
        peaks.append((tracemalloc.get_traced_memory()[1] - before) / 1024)
    tracemalloc.stop()
    return peaks


# --- Reporting ----------------------------------------------------------------------------


def groups(articles: list[Article]) -> Iterator[tuple[str, list[int]]]:
    for name in SETS:
        yield name, [n for n, a in enumerate(articles) if a.set == name]
    yield "all", list(range(len(articles)))


def cpu_rows(articles: list[Article], medians: dict[str, list[float]]) -> list[dict[str, Any]]:
    rows = []
    for mode, per_article in medians.items():
        for group, members in groups(articles):
            ms = sum(per_article[n] for n in members)
            chars = sum(articles[n].chars for n in members)
            rows.append(
                {
                    "mode": mode,
                    "set": group,
                    "articles": len(members),
                    "chars/article": round(chars / len(members)),
                    "ms/article": round(ms / len(members), 2),
                    "ms per 1,000 chars": round(1000 * ms / chars, 2),
                }
            )
    return rows


def fit(articles: list[Article], per_article: list[float]) -> dict[str, float]:
    """ms = intercept + slope × thousands of characters, over the articles."""
    slope, intercept = statistics.linear_regression([a.chars / 1000 for a in articles], per_article)
    return {"intercept_ms": round(intercept, 2), "ms_per_1000_chars": round(slope, 2)}


def answer_fit(articles: list[Article]) -> dict[str, float]:
    """Answer characters = intercept + slope × article characters, over the articles."""
    answers = [sum(answer_chars(b) for b in a.recorded) for a in articles]
    slope, intercept = statistics.linear_regression([a.chars for a in articles], answers)
    return {"intercept_chars": round(intercept), "answer_chars_per_article_char": round(slope, 2)}


def size_rows(articles: list[Article], held_kib: list[float]) -> list[dict[str, Any]]:
    rows = []
    for group, members in groups(articles):
        answers = [sum(answer_chars(b) for b in articles[n].recorded) for n in members]
        stubbed = [sum(answer_chars(b) for b in articles[n].stubbed) for n in members]
        ratios = [a / articles[n].chars for a, n in zip(answers, members, strict=True)]
        chars = sum(articles[n].chars for n in members)
        rows.append(
            {
                "set": group,
                "articles": len(members),
                "calls": sum(len(articles[n].requests) for n in members),
                "article chars (mean)": round(chars / len(members)),
                "answer chars (mean)": round(statistics.mean(answers)),
                "answer chars (max)": max(answers),
                "answer/article chars": round(sum(answers) / chars, 2),
                "answer/article chars (min-max)": f"{min(ratios):.1f}-{max(ratios):.1f}",
                "answer tokens at chars/4 (mean)": round(statistics.mean(answers) / 4),
                "stub answer chars (mean)": round(statistics.mean(stubbed)),
                "response bytes (mean)": round(
                    statistics.mean(sum(len(b) for b in articles[n].recorded) for n in members)
                ),
                "Python KiB held while running (median)": round(
                    statistics.median(held_kib[n] for n in members)
                ),
                "(max)": round(max(held_kib[n] for n in members)),
            }
        )
    return rows


def main() -> None:
    rounds = int(sys.argv[1]) if sys.argv[1:] else ROUNDS
    data = eval_data()
    articles = [a for d in data for a in articles_of(d)]
    sets = [f"--recordings={d.recordings.directory}" for d in data]
    with ExitStack() as stack:
        recorded_url = stack.enter_context(stub_process(*sets))
        stub_url = stack.enter_context(stub_process())
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        out = ResultFile(scratch / "out.jsonl")
        stack.callback(out.close)
        run = modes(data, recorded_url, stub_url, out)
        medians = timed(run, articles, rounds)
        held_kib = held(run["pipeline, openai over HTTP, recorded answers"], articles)
    fits = {mode: fit(articles, per_article) for mode, per_article in medians.items()}
    report(
        "client_cpu_sizes",
        "The capable model's answers: sizes, and Python memory an article holds while it runs",
        size_rows(articles, held_kib),
        answer_fit=answer_fit(articles),
    )
    report(
        "client_cpu",
        f"Client CPU per article, one thread, thread CPU time, median of {rounds} rounds",
        cpu_rows(articles, medians),
        rounds=rounds,
        fits=fits,
        articles={f"{a.set}/{a.id}": a.chars for a in articles},
        per_article_ms=medians,
    )
    print(f"answer characters: {answer_fit(articles)}")
    for mode, line in fits.items():
        print(f"{mode}: {line['intercept_ms']} ms + {line['ms_per_1000_chars']} ms per 1,000 chars")


if __name__ == "__main__":
    main()
