"""Prompt stage: the prompt files in `prompts/`, the messages built from them, and
`prompt_version`, which changes whenever a prompt file or the requested schema does."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from summarizer.core import SCHEMA_VERSION, ChunkPlan, ConfigError, DraftRecord
from summarizer.settings import PROJECT_DIR

DEFAULT_PROMPTS_DIR = PROJECT_DIR / "prompts"
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


def load_prompts(directory: Path = DEFAULT_PROMPTS_DIR) -> PromptSet:
    try:
        files = {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.md"))}
        system, user = files[SYSTEM_FILE], files[USER_FILE]
    except (OSError, KeyError) as exc:
        raise ConfigError(
            f"prompt files {SYSTEM_FILE} and {USER_FILE} are missing or unreadable: {exc}",
            str(directory),
        ) from None
    return PromptSet(system=system.strip(), user=Template(user), version=_version(files))


def _version(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name, content in files.items():
        digest.update(f"{name}\0{content}\0".encode())
    schema = json.dumps(DraftRecord.model_json_schema(), sort_keys=True)
    digest.update(f"{SCHEMA_VERSION}\0{schema}".encode())
    return "p-" + digest.hexdigest()[:12]
