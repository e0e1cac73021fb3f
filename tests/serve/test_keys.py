"""Named API keys: read from the environment and a file, refused at start when malformed
or given twice, with messages that name the file and line but never a key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from summarizer.cli import app as cli
from summarizer.core import ConfigError
from summarizer.serve.keys import api_keys, match
from summarizer.settings import Settings

SECRET = "s3cret-key-value-99"


def keys_of(path: Path, text: str, **settings: object) -> dict[str, SecretStr]:
    path.write_text(text, encoding="utf-8")
    return api_keys(Settings(api_keys_file=path, **settings))  # type: ignore[arg-type]


def test_keys_come_from_the_file_the_environment_and_the_single_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_API_KEYS", '{"ci": "ci-key-1", "ops": "ops-key-2"}')
    monkeypatch.setenv("SUMMARIZER_API_KEY", "the-old-key")
    text = "# name key\n\nalice   alice-key-3\n  bob\tbob-key-4  \n"
    keys = keys_of(tmp_path / "keys", text)
    assert {n: k.get_secret_value() for n, k in keys.items()} == {
        "default": "the-old-key",
        "ci": "ci-key-1",
        "ops": "ops-key-2",
        "alice": "alice-key-3",
        "bob": "bob-key-4",
    }
    assert match(keys, "bob-key-4") == "bob" and match(keys, "bob-key-") is None
    assert "key-" not in repr(keys) + repr(Settings())


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (f"alice {SECRET}\nbob\n", "line 2: expected `name key`, found 1 fields"),
        (f"alice {SECRET} extra\n", "line 1: expected `name key`, found 3 fields"),
        (f"{SECRET}! alice\n", "line 1: bad key name"),
        (f"alice {SECRET}\n\nalice other-key\n", "line 3: a key name already given by "),
        (f"alice {SECRET}\nbob {SECRET}\n", "line 2: the same key is already given"),
    ],
)
def test_a_malformed_file_is_refused_naming_file_and_line_never_the_key(
    tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "keys"
    with pytest.raises(ConfigError) as refused:
        keys_of(path, text)
    message = str(refused.value)
    assert message.startswith(f"SUMMARIZER_API_KEYS_FILE {path} ") and said in message
    assert SECRET not in message and "\n" not in message


def test_a_name_or_key_given_by_two_sources_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"already given by SUMMARIZER_API_KEY$"):
        keys_of(tmp_path / "keys", "default other\n", api_key=SecretStr(SECRET))
    with pytest.raises(ConfigError, match="the same key is already given"):
        keys_of(tmp_path / "keys", f"alice {SECRET}\n", api_keys={"ci": SecretStr(SECRET)})
    with pytest.raises(ConfigError, match="SUMMARIZER_API_KEYS: the key is empty"):
        api_keys(Settings(api_keys={"ci": SecretStr("")}))


def test_serve_refuses_a_malformed_key_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "keys"
    path.write_text(f"alice {SECRET} oops\n", encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_API_KEYS_FILE", str(path))
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"summarizer: error: SUMMARIZER_API_KEYS_FILE {path} line 1: expected `name key`, "
        "found 3 fields"
    ]
