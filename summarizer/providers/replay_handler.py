"""The `replay` provider: answers each request with the recorded response of a real
model to that exact request, so evals run in CI with no key, no network, no model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openai.types.chat import ChatCompletion

from summarizer.core import RecordingMissing
from summarizer.record import load_recordings, recorded_identity, request_hash
from summarizer.settings import Settings

RECORD_HINT = (
    "record it with `summarizer eval --record --provider {provider}` (corpus articles), or "
    "for any article `SUMMARIZER_RECORD_DIR=<recordings dir> summarizer summarize PATH "
    "--provider {provider}`"
)


class ReplayProvider:
    name = "replay"
    concurrent = True

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._recordings = load_recordings(directory)
        # Named after what was recorded, so provenance says which model really answered.
        self.model, self.mode = recorded_identity(self._recordings)
        providers = {r.provider for r in self._recordings.values()}
        self._recorded_by = providers.pop() if len(providers) == 1 else "<provider>"

    @classmethod
    def from_settings(cls, settings: Settings) -> ReplayProvider:
        return cls(settings.recordings_dir)

    def create(self, **request: Any) -> Any:
        key = request_hash(request)
        recording = self._recordings.get(key)
        if recording is None:
            raise RecordingMissing(
                f"no recording for request {key}; "
                + RECORD_HINT.format(provider=self._recorded_by),
                f"in {self.directory}",
            )
        return ChatCompletion.model_validate(recording.response)
