"""A model for worker tests that really ends its own process when the request asks it to:
a segfault (reading address 0 through ctypes), an abort, a hang, or a Python error.
Anything else gets the canned answer. It runs inside a real worker process."""

from __future__ import annotations

import ctypes
import json
import os
import time
from typing import Any


class CrashingModel:
    def __init__(self, answer: str) -> None:
        self.answer = answer

    def create(self, request: dict[str, Any]) -> dict[str, Any]:
        text = str(request["messages"][-1]["content"])
        if "SEGFAULT" in text:
            ctypes.string_at(0)
        if "ABORT" in text:
            os.abort()
        if "HANG" in text:
            time.sleep(3600)
        if "RAISE" in text:
            raise ValueError("this request is not for me")
        return completion(self.answer, os.getpid())


def completion(content: str, pid: int) -> dict[str, Any]:
    """OpenAI's response shape; the worker's pid as the id, so tests see which one answered."""
    return {
        "id": f"pid-{pid}",
        "object": "chat.completion",
        "created": 0,
        "model": "crashing-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


# The emptiest answer a draft may be: what a LocalProvider on this model returns.
EMPTY_DRAFT = json.dumps(
    {"summary": "A summary.", "actors": [], "locations": [], "events": [], "threats": []}
)


def load_for_provider(config: object) -> CrashingModel:
    """In the place of `local_model.load` behind a real LocalProvider and its worker."""
    return CrashingModel(EMPTY_DRAFT)


def load(answer: str) -> CrashingModel:
    if answer == "UNLOADABLE":
        raise RuntimeError("not a model file")
    return CrashingModel(answer)
