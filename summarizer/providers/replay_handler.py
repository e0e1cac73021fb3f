"""The `replay` provider: answers each request with the recorded response of a real
model to that exact request, so evals run in CI with no key, no network, no model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openai.types.chat import ChatCompletion

from summarizer.core import RecordingMissing
from summarizer.providers.replay_miss import Misses
from summarizer.providers.router import no_recording_set
from summarizer.record import load_recordings, recorded_identity, request_hash
from summarizer.settings import Settings


def corpus_beside(directory: Path) -> Path:
    """The corpus a set was recorded from: `summarizer eval` keeps recording sets in
    `<evals>/<eval set>/recordings/<set>/`, beside `<evals>/<eval set>/corpus/`."""
    return directory.resolve().parent.parent / "corpus"


class ReplayProvider:
    name = "replay"
    concurrent = True

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        if not directory.is_dir():
            raise no_recording_set(directory)
        # An empty set stays usable: each call is then a miss, which `summarizer eval` reads
        # as a set whose recordings no longer match.
        self._recordings = load_recordings(directory)
        # Named after what was recorded, so provenance says which model really answered.
        self.model, self.mode = recorded_identity(self._recordings)
        self._misses = Misses(self._recordings.values(), corpus_beside(directory))

    @classmethod
    def from_settings(cls, settings: Settings) -> ReplayProvider:
        return cls(settings.recordings_dir)

    def create(self, **request: Any) -> Any:
        recording = self._recordings.get(request_hash(request))
        if recording is None:
            raise RecordingMissing(self._misses.explain(request))
        return ChatCompletion.model_validate(recording.response)
