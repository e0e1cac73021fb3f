"""The one interface every provider handler implements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


class Provider(Protocol):
    """An OpenAI-style chat-completions `create`, plus what the pipeline must know of it.

    Handlers differ only in where the completion comes from; validation and re-ask are
    the extraction stage's, the same for all of them.
    """

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def mode(self) -> str:
        """How structure is requested: "tools", "json_schema" or "md_json"."""
        ...

    @property
    def concurrent(self) -> bool:
        """False when calls must be serialised (an in-process model is not thread-safe)."""
        ...

    def create(self, **request: Any) -> Any:
        """Answer one chat-completions request with an `openai` ChatCompletion."""
        ...


@dataclass(frozen=True)
class BatchState:
    """A provider-side batch job, as last polled."""

    id: str
    status: str  # validating, in_progress, finalizing, completed, failed, expired, cancelled, ...
    total: int
    completed: int
    failed: int
    output_file: str | None
    error_file: str | None

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "expired", "cancelled")


class BatchProvider(Provider, Protocol):
    """A provider that also answers requests in bulk, later and cheaper (OpenAI's Batch API)."""

    def batch_line(self, custom_id: str, request: dict[str, Any]) -> bytes:
        """The request as its line of a batch's input file (what counts against the file's
        limit of bytes, `Capabilities.batch_api`)."""
        ...

    def submit_batch(self, lines: Iterable[bytes]) -> str:
        """Upload the lines (from `batch_line`) as one file and start a batch; returns its id."""
        ...

    def batch_state(self, batch_id: str) -> BatchState: ...

    def batch_answers(self, state: BatchState) -> dict[str, Any]:
        """Each answered request's ChatCompletion, by custom id (failed items left out)."""
        ...
