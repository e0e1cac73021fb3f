"""Recording sets: one directory of recordings per model and eval set
(`evals/<eval set>/recordings/<slug>/`), with `set.toml` naming the model, the settings
that shaped its requests (replayed with it, so the same requests are made again) and its
own thresholds, drawn from its scores' intervals (`intervals`)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarizer.core import ConfigError
from summarizer.evals.intervals import LEVEL, POINT_MARGIN, Estimate
from summarizer.extract import Summarizer
from summarizer.record import write_atomic
from summarizer.settings import Settings

SET_FILE = "set.toml"
HEADER = (
    "# A recording set: the recorded answers of one model to the requests of an eval\n"
    "# set's corpus. Written by `summarizer eval --record`; `settings` are replayed with\n"
    "# it. `[min]` is written by `--update-thresholds`: for each score, the lower of two\n"
    "# lower bounds at `level`, Wilson's on the micro counts and the article bootstrap's\n"
    "# (`gate`), rounded down; for a corpus score (`corpus.*`, no interval) its value\n"
    f"# minus {POINT_MARGIN}. See docs/annotation-guide.md, Thresholds.\n"
)


def slug(model: str) -> str:
    """A directory name for a model ("SmolLM2-135M-Instruct.Q4_1": "smollm2-135m-instruct-q4-1")."""
    return re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "model"


class RecordingSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str
    provider: str
    settings: dict[str, Any] = Field(default_factory=dict)
    # How `min` was drawn, said where it is read (one method so far).
    gate: Literal["wilson-or-bootstrap"] = "wilson-or-bootstrap"
    level: float = Field(default=LEVEL, gt=0, lt=1)
    min: dict[str, float] = Field(default_factory=dict)
    directory: Path = Field(exclude=True)

    @property
    def name(self) -> str:
        return self.directory.name

    def replay_settings(self, base: Settings) -> Settings:
        """Settings that make exactly the recorded requests again, from the recordings."""
        return base.model_copy(
            update={**self.settings, "provider": "replay", "recordings_dir": self.directory}
        )

    def recorded_by(self, summarizer: Summarizer) -> RecordingSet:
        """This set after `summarizer` recorded it: its model and request-shaping settings."""
        params = summarizer.params().model_dump()
        shaping = {
            "chunk_chars": summarizer.plan.chars,
            "chunk_overlap": summarizer.plan.overlap,
            "passes": summarizer.plan.passes,
            **params,
        }
        update = {"model": summarizer.provider.model, "provider": summarizer.provider.name}
        return self.model_copy(update={**update, "settings": shaping})

    def with_thresholds(self, estimates: dict[str, Estimate]) -> RecordingSet:
        """Each score's gate (estimated at this set's `level`); every article must still
        give a contract-valid record."""
        minimums = {
            name: 1.0 if name == "schema_valid_rate" else estimate.floor
            for name, estimate in estimates.items()
        }
        return self.model_copy(update={"min": minimums})

    def below(self, metrics: dict[str, float | None]) -> list[str]:
        failures = []
        for name, minimum in sorted(self.min.items()):
            value = metrics.get(name)
            if value is None or value < minimum:
                shown = "not measured" if value is None else f"{value:.3f}"
                failures.append(f"{name} = {shown}, below the threshold {minimum:.3f}")
        return failures

    def save(self) -> None:
        body = tomli_w.dumps(self.model_dump(mode="json"))
        write_atomic(self.directory / SET_FILE, HEADER + body)


def load_set(directory: Path) -> RecordingSet:
    path = directory / SET_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return RecordingSet.model_validate({**data, "directory": directory})
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"unreadable recording set {directory.name}: {exc}", str(path)) from None


def discover(root: Path) -> list[RecordingSet]:
    """Every recording set under `root`, by name."""
    return [load_set(d) for d in sorted(root.iterdir()) if (d / SET_FILE).is_file()]


def choose(root: Path, model: str | None) -> list[RecordingSet]:
    """All sets, or the one of `model` (by model name or directory name)."""
    sets = discover(root) if root.is_dir() else []
    if model is not None:
        sets = [s for s in sets if model in (s.model, s.name) or slug(model) == s.name]
    if not sets:
        wanted = f" for model {model!r}" if model else ""
        where = f"{root.parent.name}/{root.name}/"
        raise ConfigError(f"no recording set{wanted} in {where} (record one with --record)")
    return sets


def for_recording(root: Path, model: str, provider: str) -> RecordingSet:
    """The set a recording run of `model` writes: the existing one, or a new one."""
    directory = root / slug(model)
    if (directory / SET_FILE).is_file():
        return load_set(directory)
    return RecordingSet(model=model, provider=provider, directory=directory)
