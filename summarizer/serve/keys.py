"""The API's keys, each with a name: the name is what logs and metrics show, the key never.
They come from SUMMARIZER_API_KEY (named "default"), SUMMARIZER_API_KEYS (JSON) and
SUMMARIZER_API_KEYS_FILE (a `name key` line each), and are checked once, at start-up."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path

from pydantic import SecretStr

from summarizer.core import ConfigError
from summarizer.settings import Settings

DEFAULT = "default"
# Names go into log lines and metric labels as they are.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_RULE = "a name is letters, digits, '.', '_' or '-', at most 64"

# A key as given: its name, the key, and where it was given (for messages, never the key).
Given = tuple[str, SecretStr, str]


def api_keys(settings: Settings) -> dict[str, SecretStr]:
    """The keys by name; a ConfigError naming the source (and line) of a bad one, a
    duplicate name or a key given twice."""
    given: list[Given] = []
    if settings.api_key is not None:
        given.append((DEFAULT, settings.api_key, "SUMMARIZER_API_KEY"))
    given += [(n, k, "SUMMARIZER_API_KEYS") for n, k in settings.api_keys.items()]
    if settings.api_keys_file is not None:
        given += list(read_keys_file(settings.api_keys_file))
    return checked(given)


def read_keys_file(path: Path) -> Iterator[Given]:
    """`name key` lines; blank lines and `#` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"SUMMARIZER_API_KEYS_FILE {path}: cannot read it ({exc})") from None
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        where = f"SUMMARIZER_API_KEYS_FILE {path} line {number}"
        if len(fields) != 2:
            raise ConfigError(f"{where}: expected `name key`, found {len(fields)} fields")
        yield fields[0], SecretStr(fields[1]), where


def checked(given: list[Given]) -> dict[str, SecretStr]:
    """Refuses a bad name, an empty key, and a name or a key given twice, naming neither:
    a "name" may be a key put first by mistake."""
    keys: dict[str, SecretStr] = {}
    first: dict[str, str] = {}  # name -> where it was given
    for name, key, where in given:
        if not NAME.fullmatch(name):
            raise ConfigError(f"{where}: bad key name ({NAME_RULE})")
        if not key.get_secret_value():
            raise ConfigError(f"{where}: the key is empty")
        if name in first:
            raise ConfigError(f"{where}: a key name already given by {first[name]}")
        if match(keys, key.get_secret_value()) is not None:
            raise ConfigError(f"{where}: the same key is already given under another name")
        keys[name], first[name] = key, where
    return keys


def match(keys: Mapping[str, SecretStr], token: str) -> str | None:
    """The name of the key `token` is, if any. Every key is compared, in constant time, so
    how long the check takes says nothing of which key came close."""
    found = None
    for name, key in keys.items():
        if secrets.compare_digest(token.encode(), key.get_secret_value().encode()):
            found = name
    return found
