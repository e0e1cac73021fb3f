"""Recordings: each real model exchange kept as a file, keyed by the request's hash, and
the eval corpus that recording sets are made of."""

from summarizer.record.corpus import (
    MANIFEST,
    CorpusArticle,
    Manifest,
    ManifestEntry,
    load_corpus,
    load_manifest,
)
from summarizer.record.recording import (
    Recording,
    load_recordings,
    recorded_identity,
    recording_create,
    request_hash,
    write_atomic,
)

__all__ = [
    "MANIFEST",
    "CorpusArticle",
    "Manifest",
    "ManifestEntry",
    "Recording",
    "load_corpus",
    "load_manifest",
    "load_recordings",
    "recorded_identity",
    "recording_create",
    "request_hash",
    "write_atomic",
]
