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

from summarizer.core import SCHEMA_VERSION, ArticleMeta, GenerationParams, SummaryRecord


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
        self.link(key, record.article)

    def link(self, key: str, article: ArticleMeta) -> None:
        """Let `by_id` find the record under this caller's article id and metadata."""
        name = f"id:{article.id}"
        value = json.dumps({"key": key, "article": article.model_dump(mode="json")})
        if self._cache.get(name) != value:  # a hit should not cost a write transaction
            self._cache.set(name, value)

    def by_id(self, article_id: str) -> SummaryRecord | None:
        raw = self._cache.get(f"id:{article_id}")
        link = json.loads(raw) if isinstance(raw, str) else None
        record = self.get(link["key"]) if link else None
        if link is None or record is None:
            return None
        record.article = ArticleMeta.model_validate(link["article"])
        record.provenance.cached = True
        return record

    def stats(self) -> CacheStats:
        records = sum(1 for key in self._cache.iterkeys() if not str(key).startswith("id:"))
        return CacheStats(self.directory, records, self._cache.volume())

    def clear(self) -> int:
        records = self.stats().entries
        self._cache.clear()
        return records
