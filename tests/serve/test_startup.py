"""The server says at start-up what answers cache misses and whether it can; one whose
provider cannot still starts, serves cache hits and answers misses with a 503 saying why.
Its start-up leaves the corpus package (scipy, duckdb) to the first export or ledger."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from summarizer.core import ArticleRequest, SummaryRecord
from summarizer.extract.article import build_article
from summarizer.extract.pipeline import Summarizer
from summarizer.serve import create_app
from summarizer.settings import Settings
from tests.conftest import corpus_article
from tests.test_core import EXAMPLE

TEXT = corpus_article("000").text


@pytest.fixture
def lines(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    # A uvicorn started by an earlier test configures its loggers not to propagate to the
    # root, where the capture listens: it listens on the logger itself.
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(caplog.handler)
    monkeypatch.setattr(logger, "propagate", False)
    yield caplog
    logger.removeHandler(caplog.handler)


def said(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    """The lines the app logged through uvicorn's logger."""
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "uvicorn.error"]


def test_a_usable_provider_is_announced_ready(
    settings: Settings, lines: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(settings.model_copy(update={"provider": "replay"}))):
        pass
    assert said(lines) == [
        (
            "INFO",
            f"summarizer: provider replay, model claude-standin, cache {settings.cache_dir}: ready",
        )
    ]


def test_an_unusable_provider_is_announced_with_the_reason(
    settings: Settings, lines: pytest.LogCaptureFixture
) -> None:
    keyless = settings.model_copy(update={"provider": "openai"})
    with TestClient(create_app(keyless)) as client:
        assert client.get("/healthz").status_code == 200
    assert said(lines) == [
        (
            "WARNING",
            f"summarizer: provider openai, model gpt-4o-mini, cache {settings.cache_dir}: not "
            "usable: the openai provider needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local "
            "OpenAI-compatible server (cache hits are still served)",
        )
    ]


def test_with_no_provider_usable_the_server_starts_serves_hits_and_names_the_ways_out(
    settings: Settings, lines: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # a base install, no [local]
    stored = Summarizer.from_settings(settings)
    assert stored.cache is not None
    key = stored._key(build_article(ArticleRequest(text=TEXT), settings.max_chars))
    stored.cache.put(key, SummaryRecord.model_validate(EXAMPLE))
    with TestClient(create_app(settings)) as client:
        hit = client.post("/v1/summaries", json={"text": TEXT})
        assert hit.status_code == 200 and hit.json()["provenance"]["cached"] is True
        miss = client.post("/v1/summaries", json={"text": TEXT + " More."})
        ready = client.get("/readyz")
    for answer in (miss, ready):
        assert answer.status_code == 503
        error = answer.json()["error"]
        assert error["type"] == "configuration_error"
        assert error["message"].startswith("no provider can run here: local needs ")
    ((level, line),) = said(lines)
    assert level == "WARNING" and f"not usable: {error['message']} (cache hits" in line


# Builds the app as `summarizer serve` does and documents it, in a process of its own (this
# one has imported what other tests needed).
BUILT = """
import json, sys
from summarizer.serve import create_app
create_app().openapi()
print(json.dumps(sorted(sys.modules)))
"""


def test_building_the_app_imports_no_corpus_package(tmp_path: Path) -> None:
    """The ledger route's answer, `Corpus`, is core's: the corpus package and what it
    pulls in (scipy, duckdb) wait for the first export or ledger."""
    env = {**os.environ, "SUMMARIZER_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", BUILT], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert not [m for m in loaded if m.partition(".")[0] in ("scipy", "duckdb")]
    assert not [m for m in loaded if m == "summarizer.corpus" or m.startswith("summarizer.corpus.")]
