from pathlib import Path

import pytest

from summarizer.settings import Settings, env_name

ROOT = Path(__file__).resolve().parent.parent


def env_names() -> list[str]:
    return [env_name(name) for name in Settings.model_fields]


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_setting_is_documented(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    missing = [name for name in env_names() if name not in text]
    assert not missing, f"{document} does not document {missing}"


def test_empty_values_from_a_copied_env_example_are_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUMMARIZER_PROVIDER", "")
    monkeypatch.setenv("SUMMARIZER_MAX_CHARS", "")
    settings = Settings()
    assert settings.provider is None and settings.max_chars == 100_000
