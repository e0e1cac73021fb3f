"""Prompt stage: the prompt files (`summarizer/prompts/`, package data), the messages built
from them, and `prompt_version`, which changes whenever a prompt file or the requested
schema does."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from string import Template

from summarizer.core import SCHEMA_VERSION, ChunkPlan, ConfigError, DraftRecord

# Read through importlib.resources, so an installed wheel finds them as a checkout does.
DEFAULT_PROMPTS_DIR = files("summarizer") / "prompts"
SYSTEM_FILE = "system.md"
USER_FILE = "user.md"

# An article must not be able to close (or reopen) its own delimiter.
_TAG = re.compile(r"<(/?)(article)\b", re.IGNORECASE)

Message = dict[str, str]


@dataclass(frozen=True)
class PromptSet:
    system: str
    user: Template
    version: str

    def version_for(self, plan: ChunkPlan) -> str:
        """`prompt_version` of a run: the prompt files and schema, and how the article is
        cut into calls (the same prompt sees different text when the pieces change)."""
        digest = hashlib.sha256(f"{self.version}\0{plan.model_dump_json()}".encode())
        return "p-" + digest.hexdigest()[:12]

    @property
    def chars(self) -> int:
        """Characters of prompt around the article (what a context budget must leave)."""
        return len(self.system) + len(self.user.template)

    def messages(self, text: str, published_at: str | None) -> list[Message]:
        article = _TAG.sub(r"‹\1\2", text)
        user = self.user.substitute(article=article, published_at=published_at or "unknown")
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


def load_prompts(directory: Traversable = DEFAULT_PROMPTS_DIR) -> PromptSet:
    try:
        found = [p for p in directory.iterdir() if p.name.endswith(".md") and p.is_file()]
        texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(found, key=lambda p: p.name)}
        system, user = texts[SYSTEM_FILE], texts[USER_FILE]
    except (OSError, KeyError) as exc:
        raise ConfigError(
            f"prompt files {SYSTEM_FILE} and {USER_FILE} are missing or unreadable: {exc}",
            str(directory),
        ) from None
    return PromptSet(system=system.strip(), user=Template(user), version=_version(texts))


def _version(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name, content in files.items():
        digest.update(f"{name}\0{content}\0".encode())
    schema = json.dumps(DraftRecord.model_json_schema(), sort_keys=True)
    digest.update(f"{SCHEMA_VERSION}\0{schema}".encode())
    return "p-" + digest.hexdigest()[:12]
