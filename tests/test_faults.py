"""The fault matrix: the openai provider against a real HTTP stub that misbehaves."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bench.stub_server import FAULTS, StubConfig, StubServer
from summarizer.batch import item_for, run_batch
from summarizer.core import ArticleRequest, GenerationParams, SummaryRecord
from summarizer.extract.cache import RecordCache
from summarizer.extract.extraction import extract
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.io import ResultFile, iter_results, line_id, parse_line
from summarizer.providers.openai_handler import OpenAIProvider
from summarizer.serve import create_app
from summarizer.settings import Settings
from tests.evalhelp import corpus_jsonl, replay_batch_command
from tests.serve.test_api import wait_for

TEXT = "Two armed drones targeted Ain al-Asad air base on Tuesday. Nobody was hurt."


def openai_settings(stub: StubServer, tmp_path: Path, **overrides: Any) -> Settings:
    fields: dict[str, Any] = {
        "provider": "openai",
        "openai_api_key": "sk-test",
        "openai_base_url": stub.url,
        "model": "stub-model",
        "timeout": 0.5,
        "max_attempts": 4,
        "max_backoff": 0.05,
        "max_reasks": 2,
        "cache_dir": tmp_path / "cache",
        **overrides,
    }
    return Settings(**fields)


@pytest.fixture
def faulty() -> Iterator[StubServer]:
    """30% of calls faulty, spread evenly over every fault kind."""
    config = StubConfig(faults={f: 0.30 / len(FAULTS) for f in FAULTS}, hang=1.0, seed=7)
    with StubServer(config) as stub:
        yield stub


def test_batch_of_200_under_30_percent_faults_loses_nothing(
    faulty: StubServer, tmp_path: Path
) -> None:
    settings = openai_settings(faulty, tmp_path)
    summarizer = Summarizer(OpenAIProvider(settings), load_prompts(), None, settings)
    items = [
        item_for(ArticleRequest(id=f"a{i:03}", text=f"Article {i}. {TEXT}")) for i in range(200)
    ]
    results = ResultFile(tmp_path / "out.jsonl")
    run_batch(summarizer, items, results, concurrency=16)
    results.close()
    written = list(iter_results(tmp_path / "out.jsonl"))
    ids = [line_id(e) for e in written]
    records = sum(isinstance(e, SummaryRecord) for e in written)
    assert sorted(ids) == sorted(i.id for i in items)  # exactly one line each, none lost
    assert all(faulty.served[f] > 0 for f in FAULTS), faulty.served
    assert records >= 190, f"{records} records, {200 - records} errors; {faulty.served}"
    print(
        f"\nfault matrix: {records} records / {200 - records} errors / "
        f"{200 - len(set(ids))} lost; calls {sum(faulty.served.values())}: {dict(faulty.served)}"
    )


def test_api_batch_job_under_30_percent_faults_loses_nothing(
    faulty: StubServer, tmp_path: Path
) -> None:
    """POST /v1/batches on the faulty stub: every article, an unreadable one too, ends in
    exactly one line and the job is done."""
    articles = [{"id": f"j{i:02}", "text": f"Article {i}. {TEXT}"} for i in range(40)]
    articles.append({"id": "nav", "html": "<html><body><nav>Home</nav></body></html>"})
    settings = openai_settings(faulty, tmp_path, batch_concurrency=8)
    with TestClient(create_app(settings)) as client:
        job_id = client.post("/v1/batches", json={"articles": articles}).json()["id"]
        status = wait_for(client, job_id, seconds=300)
        lines = client.get(f"/v1/batches/{job_id}/results").text.splitlines()
    ids = [line_id(parse_line(line, "results")) for line in lines]
    assert sorted(ids) == sorted(str(a["id"]) for a in articles)  # one line each, none lost
    assert status["status"] == "done" and status["done"] == status["total"] == len(articles)
    assert any(faulty.served[f] > 0 for f in FAULTS), faulty.served
    assert status["ok"] >= 35, (status, faulty.served)


def call(stub: StubServer, tmp_path: Path, **overrides: Any) -> None:
    settings = openai_settings(stub, tmp_path, **overrides)
    messages = load_prompts().messages(TEXT, None)
    extract(OpenAIProvider(settings), messages, GenerationParams(), settings.max_reasks)


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    with StubServer(StubConfig(script=["429", "ok"], retry_after=0.4)) as stub:
        call(stub, tmp_path, max_backoff=5.0)
    assert stub.arrivals[1] - stub.arrivals[0] >= 0.4


def test_waits_are_bounded(tmp_path: Path) -> None:
    with StubServer(StubConfig(script=["429", "ok"], retry_after=30)) as stub:
        call(stub, tmp_path, max_backoff=0.2)
    assert 0.2 <= stub.arrivals[1] - stub.arrivals[0] < 2.0
    with StubServer(StubConfig(script=["500", "503", "500", "ok"])) as stub:
        call(stub, tmp_path, max_backoff=0.1)
    gaps = [b - a for a, b in zip(stub.arrivals, stub.arrivals[1:], strict=False)]
    assert len(stub.arrivals) == 4 and max(gaps) < 0.5


def test_schema_invalid_output_is_re_asked(tmp_path: Path) -> None:
    with StubServer(StubConfig(script=["invalid", "ok"])) as stub:
        call(stub, tmp_path)
    assert len(stub.requests) == 2
    reask = json.dumps(stub.requests[1]["messages"])
    assert "militia" in reask and len(stub.requests[1]["messages"]) > 2


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ("500", 502),
        ("503", 502),
        ("429", 502),
        ("drop", 502),
        ("truncated", 502),
        ("invalid", 502),
        ("hang", 504),
    ],
)
def test_api_answers_gateway_errors_and_stays_up(tmp_path: Path, fault: str, status: int) -> None:
    with StubServer(StubConfig(faults={fault: 1.0}, hang=1.0)) as stub:
        settings = openai_settings(stub, tmp_path, max_attempts=2, max_reasks=1)
        with TestClient(create_app(settings)) as client:
            response = client.post("/v1/summaries", json={"text": TEXT})
            assert response.status_code == status, response.text
            assert set(response.json()["error"]) == {"type", "message"}
            assert client.get("/healthz").status_code == 200
            stub.config.faults = {}
            assert client.post("/v1/summaries", json={"text": TEXT}).status_code == 200


def test_concurrent_processes_share_one_cache_without_corruption(tmp_path: Path) -> None:
    source = corpus_jsonl(tmp_path / "corpus.jsonl", copies=10)  # 50 lines, 5 texts
    env = {**os.environ, "SUMMARIZER_CACHE_DIR": str(tmp_path / "shared-cache")}
    processes = [
        subprocess.Popen(
            replay_batch_command(source, tmp_path / f"out{n}.jsonl", "--concurrency", "4"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(4)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()[-2000:]
    cache = RecordCache(tmp_path / "shared-cache")
    assert cache.stats().entries == 5  # one entry per key
    contents: dict[str, set[str]] = {}
    for n in range(4):
        for line in (tmp_path / f"out{n}.jsonl").read_text().splitlines():
            record = SummaryRecord.model_validate_json(line)
            text_part = record.model_dump_json(exclude={"article", "provenance"})
            contents.setdefault(record.article.id.split("-")[0], set()).add(text_part)
    assert len(contents) == 5 and all(len(v) == 1 for v in contents.values())
