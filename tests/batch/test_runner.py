"""The batch entry: the options choose the engine, and a combination that cannot be
honoured stops the command before any work."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer.batch import BatchOptions, BatchStats, InputFiles, open_inputs, run, runner
from summarizer.choices import BatchEngine, BatchVia
from summarizer.cli import app
from summarizer.core import InputError
from summarizer.extract import Summarizer
from tests.cli.invoke import one_line_error

OPTIONS = BatchOptions(
    via="sync",
    engine="local",
    concurrency=3,
    workers=1,
    address=None,
    poll_seconds=0.0,
    use_cache=True,
    retry_failed=False,
)


def test_ray_address_needs_the_ray_engine() -> None:
    with pytest.raises(InputError, match="--ray-address needs --engine ray"):
        replace(OPTIONS, address="ray://cluster:10001")
    assert replace(OPTIONS, engine="ray", address="ray://cluster:10001").workers == 1


def test_batch_api_with_ray_is_one_line_before_any_work(tmp_path: Path) -> None:
    """Refused before the provider is built (no key is set) and before the output exists."""
    article = tmp_path / "a.txt"
    article.write_text("Some news.")
    out = tmp_path / "out.jsonl"
    args = ["--provider", "openai", "--via", "batch-api", "--engine", "ray"]
    result = CliRunner().invoke(app, ["batch", str(article), "--out", str(out), *args])
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.strip() == (
        "summarizer: error: --via batch-api cannot run with --engine ray: the batch is "
        "submitted, polled and answered from this process"
    )


@pytest.mark.parametrize(
    ("via", "engine", "chosen"),
    [
        ("sync", "local", "run_batch"),
        ("sync", "ray", "run_ray"),
        ("batch-api", "local", "run_batch_api"),
    ],
)
def test_the_options_choose_the_engine_and_pass_it_theirs(
    monkeypatch: pytest.MonkeyPatch,
    summarizer: Summarizer,
    tmp_path: Path,
    via: BatchVia,
    engine: BatchEngine,
    chosen: str,
) -> None:
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def engine_named(name: str) -> Any:
        def fake(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, args, kwargs))
            return (BatchStats(), None) if name == "run_batch_api" else BatchStats()

        return fake

    for name in ("run_batch", "run_ray", "run_batch_api"):
        monkeypatch.setattr(runner, name, engine_named(name))
    options = replace(OPTIONS, via=via, engine=engine, concurrency=7, use_cache=False)
    article = tmp_path / "a.txt"
    article.write_text("An article.")
    out = tmp_path / ("out" if engine == "ray" else "out.jsonl")
    inputs = open_inputs([article], out, options)
    run(summarizer, inputs, out, options=options)
    ((name, args, kwargs),) = calls
    assert name == chosen
    if engine == "ray":  # its workers read the inputs, build their summarizer, write shards
        assert args == (summarizer.settings, inputs, out)
        assert isinstance(inputs, InputFiles) and not out.exists()
    else:  # read here, whole, and written into one results file
        assert args[:2] == (summarizer, inputs) and args[2].path == out
        assert [item.id for item in inputs] == ["a"]
    assert kwargs["concurrency"] == 7 and kwargs["use_cache"] is False


@pytest.mark.parametrize(
    ("option", "fragment"),
    [
        ("--via=batch-api", "--via batch-api needs a provider with a Batch API"),
        ("--engine=ray", "the ray engine needs Ray: pip install -e '.[ray]'"),
    ],
)
def test_what_the_provider_or_the_packages_cannot_do_is_one_line_before_any_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, option: str, fragment: str
) -> None:
    """Checked before the progress bar is drawn and the output file made."""
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the ray extra were not installed
    article = tmp_path / "a.txt"
    article.write_text("Some news.")
    out = tmp_path / "out"  # a results file, or for Ray a shard directory
    args = ["batch", str(article), "--out", str(out), "--provider", "replay", option]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and not out.exists()
    one_line_error(result.stderr, fragment)
