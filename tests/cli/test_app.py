"""The app: every command listed, `--help` that loads no stage, the shared one-line errors,
and the small commands (schema, cache)."""

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from summarizer.core import SummaryRecord
from tests.cli.invoke import one_line_error, run

COMMANDS = [
    "summarize", "batch", "export", "corpus", "eval", "view", "serve", "schema", "providers",
    "cache",
]  # fmt: skip
# What a command imports when it runs, never before: `--help` and a cache hit stay fast.
HEAVY = {
    "pydantic", "pydantic_settings", "rich", "instructor", "openai", "httpx", "httpx2",
    "scipy", "uvicorn", "fastapi", "trafilatura", "diskcache", "dateparser", "jinja2", "ray",
    "duckdb",
}  # fmt: skip
IMPORTED = """
import json, sys
from summarizer.cli import app
print(json.dumps(sorted(sys.modules)))
"""


def test_help_opens_for_users_and_lists_every_command() -> None:
    code, stdout, _ = run("--help")
    assert code == 0
    first = next(line for line in stdout.splitlines() if line.strip() and "Usage:" not in line)
    assert first.strip().startswith("Turn news articles into structured"), stdout
    assert all(f" {command} " in stdout for command in COMMANDS), stdout
    assert "--version" in stdout and "imports" not in stdout


def test_version_is_the_installed_packages() -> None:
    code, stdout, _ = run("--version")
    assert code == 0 and stdout == f"summarizer {version('summarizer')}\n"


def test_summarize_help_names_the_default_provider_and_where_to_read_more() -> None:
    code, stdout, _ = run("summarize", "--help", COLUMNS="200")
    assert code == 0
    assert "local (the built-in demo model) if installed, else openai" in stdout
    assert "summarizer providers" in stdout


def test_eval_help_puts_recording_options_in_their_own_panel() -> None:
    code, stdout, _ = run("eval", "--help", COLUMNS="200")
    assert code == 0
    panel = stdout[stdout.index("Recording a set (maintainers)") :]
    assert all(option in panel for option in ("--record", "--provider", "--update-thresholds"))
    assert "--report" in stdout and "--report" not in panel


def test_help_imports_no_stage() -> None:
    """The CLI's own modules, the names of the choices, typer: nothing else of weight."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED], capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout)
    ours = {m for m in loaded if m.startswith("summarizer") and not m.startswith("summarizer.cli.")}
    assert ours == {"summarizer", "summarizer.choices", "summarizer.cli"}
    assert {f"summarizer.cli.{c}" for c in COMMANDS} <= set(loaded)
    assert not HEAVY & {m.partition(".")[0] for m in loaded}


def test_bad_setting_is_named() -> None:
    code, _, stderr = run("cache", "stats", SUMMARIZER_MAX_CHARS="lots")
    assert code == 2
    one_line_error(stderr, "SUMMARIZER_MAX_CHARS: not a whole number: 'lots'")


def test_schema_is_the_records_json_schema() -> None:
    code, stdout, _ = run("schema")
    assert code == 0 and json.loads(stdout) == SummaryRecord.model_json_schema()


def test_cache_stats_and_clear(tmp_path: Path) -> None:
    code, stdout, _ = run("cache", "stats", SUMMARIZER_CACHE_DIR=str(tmp_path / "c"))
    assert code == 0 and json.loads(stdout)["entries"] == 0
    code, _, stderr = run("cache", "clear", SUMMARIZER_CACHE_DIR=str(tmp_path / "c"))
    assert code == 0 and "removed 0" in stderr
