"""Running a command in-process, and the shape of its errors."""

from __future__ import annotations

from typer.testing import CliRunner

from summarizer.cli import app

runner = CliRunner()


def run(*args: str, stdin: bytes | None = None, **env: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin, env=env or None)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(stderr: str, fragment: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error:"), stderr
    assert fragment in lines[0]
    assert "Traceback" not in stderr
