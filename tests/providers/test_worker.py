"""The worker process: real processes that really crash (SIGSEGV, abort), never mocks."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from summarizer.core import ConfigError, ProviderCrashed, ProviderError, ProviderTimeout
from summarizer.providers.worker import Worker, describe_exit
from tests.providers import crashing_model
from tests.test_metrics import sample


def ask(content: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": content}]}


@pytest.fixture
def worker() -> Iterator[Worker]:
    w = Worker(crashing_model.load, '{"ok": true}', timeout=30)
    yield w
    w.close()


def answered_by(worker: Worker, content: str = "hello") -> str:
    return str(worker.call(ask(content))["id"])


def test_one_worker_is_loaded_once_and_reused(worker: Worker) -> None:
    first = answered_by(worker)
    assert first == answered_by(worker) == f"pid-{worker.pid}"


@pytest.mark.parametrize(("trigger", "signal"), [("SEGFAULT", "SIGSEGV"), ("ABORT", "SIGABRT")])
def test_a_crash_fails_the_call_and_the_next_call_gets_a_new_worker(
    worker: Worker, trigger: str, signal: str
) -> None:
    before = answered_by(worker)
    crashes = sample("summarizer_worker_failures_total", reason="crashed")
    restarts = sample("summarizer_worker_restarts_total")
    with pytest.raises(ProviderCrashed, match=f"killed by {signal}"):
        worker.call(ask(trigger))
    after = answered_by(worker)
    assert after != before
    assert sample("summarizer_worker_failures_total", reason="crashed") - crashes == 1
    assert sample("summarizer_worker_restarts_total") - restarts == 1


def test_a_python_error_fails_the_call_but_keeps_the_worker(worker: Worker) -> None:
    before = answered_by(worker)
    restarts = sample("summarizer_worker_restarts_total")
    with pytest.raises(ProviderError, match="ValueError: this request is not for me") as caught:
        worker.call(ask("RAISE"))
    assert not isinstance(caught.value, ProviderCrashed)
    assert answered_by(worker) == before
    assert sample("summarizer_worker_restarts_total") == restarts


def test_a_hung_call_times_out_and_its_worker_is_ended() -> None:
    worker = Worker(crashing_model.load, "{}", timeout=1)
    restarts = sample("summarizer_worker_restarts_total")
    try:
        before = answered_by(worker)
        timeouts = sample("summarizer_worker_failures_total", reason="timeout")
        with pytest.raises(ProviderTimeout, match="did not finish the call in 1 s"):
            worker.call(ask("HANG"))
        assert answered_by(worker) != before
        assert sample("summarizer_worker_failures_total", reason="timeout") - timeouts == 1
        assert sample("summarizer_worker_restarts_total") - restarts == 1  # the first is no restart
    finally:
        worker.close()


def test_a_model_that_cannot_load_is_a_config_error() -> None:
    worker = Worker(crashing_model.load, "UNLOADABLE", timeout=30)
    with pytest.raises(ConfigError, match="could not be loaded: RuntimeError: not a model file"):
        worker.call(ask("hello"))


def test_concurrent_callers_are_served_one_at_a_time_by_one_worker(worker: Worker) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(lambda _: answered_by(worker), range(12)))
    assert ids == {f"pid-{worker.pid}"}


def test_exit_descriptions() -> None:
    assert describe_exit(-11) == "killed by SIGSEGV"
    assert describe_exit(-9) == "killed by SIGKILL"
    assert describe_exit(3) == "exit status 3"
    assert describe_exit(None) == "no exit status"
