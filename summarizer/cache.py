"""Cache stage: finished records in a diskcache directory, keyed by everything that
could change the model's answer."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import diskcache
from pydantic import ValidationError

from summarizer.core import SCHEMA_VERSION, GenerationParams, SummaryRecord


@dataclass(frozen=True)
class CacheStats:
    directory: Path
    entries: int
    size_bytes: int


def cache_key(
    text: str,
    published_at: dt.date | None,
    provider: str,
    model: str,
    prompt_version: str,
    params: GenerationParams,
) -> str:
    parts = {
        "text": text,
        "published_at": published_at.isoformat() if published_at else None,
        "provider": provider,
        "model": model,
        "prompt_version": prompt_version,
        "schema_version": SCHEMA_VERSION,
        "params": params.model_dump(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


class RecordCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache = diskcache.Cache(str(directory))

    def get(self, key: str) -> SummaryRecord | None:
        raw = self._cache.get(key)
        if not isinstance(raw, str):
            return None
        try:
            return SummaryRecord.model_validate_json(raw)
        except ValidationError:  # written by an incompatible version: treat as a miss
            return None

    def put(self, key: str, record: SummaryRecord) -> None:
        # JSON, not pickle: entries stay readable and hold nothing but the record.
        self._cache.set(key, record.model_dump_json())

    def stats(self) -> CacheStats:
        return CacheStats(self.directory, len(self._cache), self._cache.volume())

    def clear(self) -> int:
        return self._cache.clear()
