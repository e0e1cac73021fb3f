"""A model in a process of its own: loaded once, reused, one call at a time.

Native code (llama.cpp) can die in ways Python cannot catch: a segfault, an abort, the
OOM killer. In the caller's process that would take the CLI run or the whole API server
with it; here it ends only the worker. The call in flight fails with `ProviderCrashed`
and the next call starts a fresh worker.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Protocol

from summarizer.core import ConfigError, ProviderCrashed, ProviderError, ProviderTimeout
from summarizer.metrics import WORKER_FAILURES, WORKER_RESTARTS

# Seconds a new worker may take to load its model before it counts as failed.
LOAD_TIMEOUT = 300.0


class Model(Protocol):
    def create(self, request: dict[str, Any]) -> dict[str, Any]: ...


# Builds the model inside the worker; must be importable by name (a module-level function).
Factory = Callable[[Any], Model]


def serve(conn: Connection, factory: Factory, config: Any) -> None:
    """The worker's loop: load once, then answer requests until the caller hangs up."""
    try:
        model = factory(config)
    except Exception as exc:
        conn.send(("fatal", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):  # the caller is gone
            return
        try:
            conn.send(("ok", model.create(request)))
        except Exception as exc:  # a Python error is the call's, not the worker's
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class Worker:
    """The caller's side: starts the worker on first use and again after it died."""

    def __init__(self, factory: Factory, config: Any, timeout: float) -> None:
        self._factory = factory
        self._config = config
        self._timeout = timeout
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._started = False  # a later start is a restart

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            conn = self._ensure()
            status, payload = self._exchange(conn, request)
        if status == "error":
            raise ProviderError(f"the local model failed: {payload}")
        result: dict[str, Any] = payload
        return result

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _ensure(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        # spawn, not fork: the caller may be a threaded server, and a forked copy of its
        # locks and threads is not safe to run.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=serve, args=(theirs, self._factory, self._config), daemon=True
        )
        process.start()
        theirs.close()
        if self._started:
            WORKER_RESTARTS.inc()
        self._started = True
        self._process, self._conn = process, ours
        status, payload = self._receive(ours, LOAD_TIMEOUT, "loading the model")
        if status == "fatal":
            self._stop()
            raise ConfigError(f"the local model could not be loaded: {payload}")
        return ours

    def _exchange(self, conn: Connection, request: dict[str, Any]) -> tuple[str, Any]:
        try:
            conn.send(request)
        except OSError:
            raise self._died("before the call") from None
        return self._receive(conn, self._timeout, "the call")

    def _receive(self, conn: Connection, timeout: float, during: str) -> tuple[str, Any]:
        try:
            ready = conn.poll(timeout)
            if ready:
                message: tuple[str, Any] = conn.recv()
                return message
        except (EOFError, OSError):
            raise self._died(f"during {during}") from None
        self._stop()
        WORKER_FAILURES.labels("timeout").inc()
        raise ProviderTimeout(f"the local model did not finish {during} in {timeout:.0f} s")

    def _died(self, when: str) -> ProviderCrashed:
        process = self._process
        if process is not None:
            process.join(timeout=5)
        code = process.exitcode if process is not None else None
        self._stop()
        WORKER_FAILURES.labels("crashed").inc()
        return ProviderCrashed(
            f"the local model's worker process died {when} ({describe_exit(code)}); "
            "the next call starts a new one"
        )

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._process, self._conn = None, None


def describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
