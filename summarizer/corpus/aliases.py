"""A user's alias file: names the corpus must treat as one actor, and names it must keep
apart, whatever the name rules say.

```json
{"same": [["Kataib Hezbollah", "KH", "Hezbollah Brigades"]],
 "different": [["Abu Hussein al-Hamidawi", "Abu Hussein al-Hamdani"]]}
```

Names are compared normalised (`extract.normalize_name`), against a mention's name and its
aliases. Every mention named by one `same` group is one actor, even across types and
countries; no actor ever holds mentions named by both names of a `different` pair, which
wins over everything else.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from summarizer.core import Strict
from summarizer.io import read_model


class UserAliases(Strict):
    about: str = Field(default="", description="What the file is for; not read.")
    same: list[list[str]] = Field(
        default_factory=list, description="Groups of names that denote one actor."
    )
    different: list[tuple[str, str]] = Field(
        default_factory=list, description="Pairs of names that denote two actors."
    )


def load_aliases(path: Path) -> UserAliases:
    """The alias file at `path`; an InputError names the file and its first problem."""
    return read_model(path, UserAliases, "user alias file")
