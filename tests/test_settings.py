from pathlib import Path

import pytest
from pydantic import ValidationError

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


def test_rate_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_RATE_TPM", "300000")
    monkeypatch.setenv("SUMMARIZER_RATE_RPM", "500")
    monkeypatch.setenv("SUMMARIZER_RATE_WINDOW", "10")
    monkeypatch.setenv("SUMMARIZER_RATE_PACING", "false")
    settings = Settings()
    assert (settings.rate_tpm, settings.rate_rpm, settings.rate_window) == (300_000, 500, 10)
    assert settings.rate_pacing is False and settings.rate_max_concurrency == 256
    monkeypatch.delenv("SUMMARIZER_RATE_TPM")
    assert Settings().rate_tpm is None  # unset: learnt from the endpoint's headers


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SUMMARIZER_RATE_TPM", "0"),
        ("SUMMARIZER_RATE_RPM", "-1"),
        ("SUMMARIZER_RATE_WINDOW", "0"),
        ("SUMMARIZER_RATE_MAX_CONCURRENCY", "0"),
        ("SUMMARIZER_RATE_TPM", "many"),
    ],
)
def test_rate_limits_that_cannot_be_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("SUMMARIZER_").lower()):
        Settings()
