"""Keys never leak: not into logs, recordings, the cache, job files or error bodies."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bench.stub_server import StubConfig, StubServer
from summarizer.serve import create_app
from tests.test_faults import TEXT, openai_settings

OPENAI_KEY = "sk-test-OPENAI-secret-4f9a"
API_KEY = "api-secret-7c21"


def test_keys_appear_in_no_log_recording_cache_entry_or_error_body(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("", "openai", "httpx", "httpcore", "instructor", "summarizer", "uvicorn"):
        caplog.set_level(logging.DEBUG, logger=name or None)
    seen: list[str] = []
    config = StubConfig(faults={"500": 0.3, "invalid": 0.3, "429": 0.1}, seed=3)
    with StubServer(config) as stub:
        settings = openai_settings(
            stub,
            tmp_path,
            openai_api_key=SecretStr(OPENAI_KEY),
            api_key=SecretStr(API_KEY),
            record_dir=tmp_path / "rec",
            max_attempts=2,
            max_reasks=1,
        )
        with TestClient(create_app(settings)) as client:
            seen.append(client.post("/v1/summaries", json={"text": TEXT}).text)  # 401
            auth = {"Authorization": f"Bearer {API_KEY}"}
            wrong = {"Authorization": f"Bearer {API_KEY}x"}
            seen.append(client.post("/v1/summaries", json={"text": TEXT}, headers=wrong).text)
            for n in range(8):
                body = {"text": f"{n}. {TEXT}"}
                seen.append(client.post("/v1/summaries", json=body, headers=auth).text)
            job = client.post(
                "/v1/batches",
                headers=auth,
                json={"articles": [{"text": f"batch {n}. {TEXT}"} for n in range(6)]},
            )
            job_id = job.json()["id"]
            for _ in range(100):
                if client.get(f"/v1/batches/{job_id}", headers=auth).json()["status"] == "done":
                    break
                time.sleep(0.05)
            seen.append(client.get(f"/v1/batches/{job_id}/results", headers=auth).text)
    assert any('"error"' in body for body in seen)  # error bodies were really produced
    assert "HTTP Request: POST" in caplog.text  # and the HTTP layers' logs were captured
    assert any(p.suffix == ".json" for p in (tmp_path / "rec").iterdir())
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("cache" in p.parts for p in files)
    for secret in (OPENAI_KEY, API_KEY):
        assert secret not in caplog.text
        assert not any(secret in body for body in seen)
        leaking = [p for p in files if secret.encode() in p.read_bytes()]
        assert not leaking, leaking
