"""The project's own checks, so the one test command also gates style, types and layering."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "summarizer", "tests", "bench"],
        ["ruff", "format", "--check", "summarizer", "tests", "bench"],
        ["mypy"],
        ["lint-imports"],
    ],
    ids=["ruff", "ruff-format", "mypy", "import-linter"],
)
def test_check_passes(command: list[str]) -> None:
    tool = Path(sys.executable).parent / command[0]
    found = subprocess.run(
        [str(tool) if tool.exists() else command[0], *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stdout + found.stderr
