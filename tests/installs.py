"""What the install tests share: the committed HEAD cloned, a new virtualenv without system
site-packages, commands run in it with none of the caller's settings, and the record a
command prints checked against the contract and its article.

Every other test runs in the developer's already-installed environment, so a missing
dependency or an unpackaged data file would pass them all. These tests take minutes, so
they run only in CI (CI=true) or when SUMMARIZER_FRESH_INSTALL=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from summarizer.core import SummaryRecord

STDERR_TAIL = 3000
ENABLED = os.environ.get("CI") == "true" or os.environ.get("SUMMARIZER_FRESH_INSTALL") == "1"
MARKS = [
    pytest.mark.fresh_install,
    pytest.mark.skipif(
        not ENABLED,
        reason="slow fresh install; set SUMMARIZER_FRESH_INSTALL=1 (or CI=true) to run",
    ),
]


def repo_root() -> Path:
    found = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=Path(__file__).resolve().parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip())


def clone_head(target: Path) -> Path:
    """The committed HEAD, so what is tested is what a user gets (no stray local files)."""
    subprocess.run(["git", "clone", "--quiet", str(repo_root()), str(target)], check=True)
    return target


def fresh(tmp: Path) -> tuple[Path, Path, dict[str, str]]:
    """A clone of HEAD, a new virtualenv and the environment that runs in it, under `tmp`."""
    clone = clone_head(tmp / "clone")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return clone, venv, clean_env(venv, tmp / "summarizer-cache")


def clean_env(venv: Path, cache_dir: Path) -> dict[str, str]:
    """The caller's environment, activated into `venv`, with none of the project's settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SUMMARIZER_", "OPENAI_"))
        and name not in ("PYTHONPATH", "PYTHONHOME")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["SUMMARIZER_CACHE_DIR"] = str(cache_dir)
    return env


def tail(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        output = output.decode("utf-8", errors="replace")
    return (output or "")[-STDERR_TAIL:]


def run_in(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """The command's output; a command that hangs fails the test with its stderr so far."""
    try:
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"timed out after {timeout} s: {command}\nstderr:\n{tail(exc.stderr)}")


def succeeded(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, (
        f"exit {result.returncode}: {result.args}\nstderr:\n{tail(result.stderr)}"
    )
    return result


def record_from(result: subprocess.CompletedProcess[str]) -> SummaryRecord:
    """The record that ends stdout; pip's progress lines may come before it."""
    stdout = "\n" + result.stdout  # the record is printed indented: its "{" is a line alone
    start = stdout.rfind("\n{\n")
    assert start >= 0, f"no JSON record on stdout\nstderr:\n{tail(result.stderr)}"
    try:
        return SummaryRecord.model_validate_json(stdout[start:])
    except ValidationError as exc:
        pytest.fail(f"stdout is not a contract-valid record: {exc}\nstderr:\n{tail(result.stderr)}")


def assert_offsets_right(record: SummaryRecord, text: str) -> None:
    for group in (record.actors, record.locations, record.events, record.threats):
        for item in group:
            for evidence in item.evidence:
                if evidence.grounded:
                    span = text[evidence.start : evidence.end]
                    assert span == evidence.quote, f"{evidence} indexes {span!r}"
