"""Cache stage: finished records in a diskcache directory, keyed by everything that
could change the model's answer."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache
import pydantic_core
from pydantic import ValidationError

from summarizer.core import (
    SCHEMA_VERSION,
    ArticleMeta,
    ChunkPlan,
    GenerationParams,
    SummaryRecord,
)


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
    plan: ChunkPlan,
) -> str:
    parts = {
        "text": text,
        "published_at": published_at.isoformat() if published_at else None,
        "provider": provider,
        "model": model,
        "prompt_version": prompt_version,
        "schema_version": SCHEMA_VERSION,
        "params": params.model_dump(),
        "plan": plan.model_dump(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


class RecordCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache = diskcache.Cache(str(directory))

    def hit(self, key: str, article: ArticleMeta) -> str | None:
        """The record stored under `key` as JSON, as served from the cache: with this
        caller's article metadata (title, url and id are not part of the key) and
        `cached: true`. None when there is none, or it is not a valid record."""
        raw = self._cache.get(key)
        template = _hit_template(raw) if isinstance(raw, str) else None
        if template is None:
            return None
        head, tail = template
        return head + article.model_dump_json() + tail

    def put(self, key: str, record: SummaryRecord, text: str | None = None) -> None:
        # JSON, not pickle: entries stay readable and hold nothing but the record.
        self._cache.set(key, record.model_dump_json())
        if text is not None:  # what the record's offsets index, for its page (`view`)
            self._cache.set(f"text:{key}", text)
        self.link(key, record.article)

    def link(self, key: str, article: ArticleMeta) -> None:
        """Let `by_id` find the record under this caller's article id and metadata, but
        not where a batch read it: the API serves these, and a local path is no one else's."""
        name = f"id:{article.id}"
        meta = article.model_dump(mode="json", exclude={"source"})
        value = json.dumps({"key": key, "article": meta})
        if self._cache.get(name) != value:  # a hit should not cost a write transaction
            self._cache.set(name, value)

    def by_id(self, article_id: str) -> str | None:
        """The record last served under this article id, with that caller's metadata."""
        link = self._link(article_id)
        return self.hit(link["key"], ArticleMeta.model_validate(link["article"])) if link else None

    def text_by_id(self, article_id: str) -> str | None:
        """The article text of the record last served under this id, if it was kept."""
        link = self._link(article_id)
        text = self._cache.get(f"text:{link['key']}") if link else None
        return text if isinstance(text, str) else None

    def _link(self, article_id: str) -> dict[str, Any] | None:
        raw = self._cache.get(f"id:{article_id}")
        return json.loads(raw) if isinstance(raw, str) else None

    def stats(self) -> CacheStats:
        records = sum(1 for key in self._cache.iterkeys() if ":" not in str(key))
        return CacheStats(self.directory, records, self._cache.volume())

    def clear(self) -> int:
        records = self.stats().entries
        self._cache.clear()
        return records


# Stands where the caller's article metadata goes; no record contains it.
_ARTICLE = f"article-{uuid.uuid4().hex}"


# Entries never change under a key, so a stored record is validated and laid out once per
# process, not per hit: re-validating and re-serialising it costs more than serving it.
@functools.lru_cache(maxsize=128)
def _hit_template(raw: str) -> tuple[str, str] | None:
    """A stored record's JSON as served from the cache, split where the article metadata
    goes; None if it is not a valid record (written by an incompatible version: a miss)."""
    try:
        record = SummaryRecord.model_validate_json(raw)
    except ValidationError:
        return None
    record.provenance.cached = True
    data = record.model_dump(mode="json") | {"article": _ARTICLE}
    head, tail = pydantic_core.to_json(data).decode().split(f'"{_ARTICLE}"')
    return head, tail
