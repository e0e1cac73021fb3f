"""The `replay` provider: answers each request with the recorded response of a real
model to that exact request, so evals run in CI with no key, no network, no model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openai.types.chat import ChatCompletion

from summarizer.core import ConfigError, RecordingMissing
from summarizer.recording import load_recordings, request_hash

RECORD_HINT = (
    "record it with `summarizer eval --record` (corpus articles), or for any article "
    "`SUMMARIZER_RECORD_DIR={dir} summarizer summarize PATH --provider local`"
)


class ReplayProvider:
    name = "replay"
    concurrent = True

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._recordings = load_recordings(directory) if directory.is_dir() else {}
        models = {r.model for r in self._recordings.values()}
        modes = {r.mode for r in self._recordings.values()}
        if len(modes) > 1:
            raise ConfigError(f"recordings in {directory} mix instructor modes {sorted(modes)}")
        # Named after what was recorded, so provenance says which model really answered.
        self.model = " + ".join(sorted(models)) or "none-recorded"
        self.mode = modes.pop() if modes else "json_schema"

    def create(self, **request: Any) -> Any:
        key = request_hash(request)
        recording = self._recordings.get(key)
        if recording is None:
            raise RecordingMissing(
                f"no recording for request {key} in {self.directory}; "
                + RECORD_HINT.format(dir=self.directory)
            )
        return ChatCompletion.model_validate(recording.response)
