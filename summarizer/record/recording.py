"""Recorded model calls: one JSON file per call, named by the hash of the request.

A recording holds exactly what a real provider was sent and what it returned, so the
replay provider can answer the same request again without a model. Requests carry no
credentials (clients hold those), so nothing secret is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from summarizer.core import ConfigError

Create = Callable[..., Any]


class Recording(BaseModel):
    request_hash: str
    provider: str
    model: str
    mode: str
    recorded_at: dt.datetime
    request: dict[str, Any]
    response: dict[str, Any]


def request_hash(request: Mapping[str, Any]) -> str:
    canonical = json.dumps(request, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_atomic(path: Path, content: str) -> None:
    """Write a whole file or nothing: a crash never leaves a torn file behind. The file
    gets the mode any new file gets (the umask's), not a temporary file's 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(tmp, path)


def recording_create(
    create: Create, directory: Path, provider: str, model: str, mode: str
) -> Create:
    """Wrap a provider's `create` so that every call it answers is recorded."""

    def recorded(**request: Any) -> Any:
        response = create(**request)
        key = request_hash(request)
        recording = Recording(
            request_hash=key,
            provider=provider,
            model=model,
            mode=mode,
            recorded_at=dt.datetime.now(dt.UTC),
            request=json.loads(json.dumps(request, default=str)),
            response=response.model_dump(mode="json"),
        )
        write_atomic(directory / f"{key}.json", recording.model_dump_json(indent=2) + "\n")
        return response

    return recorded


def recorded_identity(recordings: Mapping[str, Recording]) -> tuple[str, str]:
    """The model name (each model that answered, joined) and the instructor mode of a set."""
    models = sorted({r.model for r in recordings.values()})
    modes = sorted({r.mode for r in recordings.values()})
    if len(modes) > 1:
        raise ConfigError(f"recordings mix instructor modes {modes}")
    return " + ".join(models) or "none-recorded", modes[0] if modes else "json_schema"


def load_recordings(directory: Path) -> dict[str, Recording]:
    """Every recording in the directory by request hash (none when there is no directory)."""
    recordings: dict[str, Recording] = {}
    if not directory.is_dir():
        return recordings
    for path in sorted(directory.glob("*.json")):
        try:
            recording = Recording.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError) as exc:
            raise ConfigError(f"unreadable recording {path.name}: {exc}", str(path)) from None
        recordings[recording.request_hash] = recording
    return recordings
