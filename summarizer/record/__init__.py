"""Recordings: each real model exchange kept as a file, keyed by the request's hash."""

from summarizer.record.recording import (
    Recording,
    load_recordings,
    recorded_identity,
    recording_create,
    request_hash,
    write_atomic,
)

__all__ = [
    "Recording",
    "load_recordings",
    "recorded_identity",
    "recording_create",
    "request_hash",
    "write_atomic",
]
