"""The one interface every provider handler implements."""

from __future__ import annotations

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
