"""Where an article's parts are in a JSONL object or a table row: each part's field (a
column, in a table), by default the part's own name (`text`, `id`, `published_at`,
`title`, `url`), else the one the user named (`--text-field body`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Each part with the option that names its field.
OPTIONS = {
    "text": "--text-field",
    "id": "--id-field",
    "published_at": "--date-field",
    "title": "--title-field",
    "url": "--url-field",
}


@dataclass(frozen=True)
class Fields:
    """The field of each part: `named` holds those the user gave, by part."""

    named: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, **names: str | None) -> Fields:
        """From options by part (`text=...`), those not given left out."""
        return cls({part: name for part, name in names.items() if name is not None})

    def name(self, part: str) -> str:
        return self.named.get(part, part)

    def required(self, part: str) -> bool:
        """A table must have the text's column, and every column the user named."""
        return part == "text" or part in self.named

    def renamed(self, data: Any) -> Any:
        """A JSONL object with each part under its own name (as an article request reads
        it): a renamed part is read from its field only."""
        if not isinstance(data, dict) or not self.named:
            return data
        moved = set(self.named) | set(self.named.values())
        kept = {key: value for key, value in data.items() if key not in moved}
        return kept | {part: data[name] for part, name in self.named.items() if name in data}
