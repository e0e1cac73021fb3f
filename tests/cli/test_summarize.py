"""`summarizer summarize`: one-line errors with their exit codes, and a cache hit that
loads no model, starts no worker and imports no SDK."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.core import SummaryRecord
from tests.cli.invoke import one_line_error, run
from tests.conftest import CORPUS

ARTICLE_000 = CORPUS / "000_d82f81b60eb39696.txt"


@pytest.fixture
def news(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("Some news.")
    return path


@pytest.mark.parametrize(
    ("content", "args", "fragment"),
    [
        (b"", [], "article text is empty"),
        (b"\xff\xfe bad", [], "not UTF-8 text"),
        (b"Some news.", ["--published-at", "2025-13-01"], "2025-13-01 is not a date in the"),
        (b"x" * 101, [], "over the limit of 100"),
        (b'{"text": "x", "published_at": "yesterday"}', [], "published_at"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, content: bytes, args: list[str], fragment: str
) -> None:
    path = tmp_path / ("article.json" if content.startswith(b"{") else "article.txt")
    path.write_bytes(content)
    code, stdout, stderr = run("summarize", str(path), *args, SUMMARIZER_MAX_CHARS="100")
    assert code == 2 and stdout == ""
    one_line_error(stderr, fragment)


def test_stdin_is_read_with_dash() -> None:
    code, _, stderr = run("summarize", "-", stdin=b"  ")
    assert code == 2
    one_line_error(stderr, "stdin: article text is empty")


def test_missing_file_exits_2() -> None:
    code, _, stderr = run("summarize", "no-such-file.txt")
    assert code == 2
    one_line_error(stderr, "cannot read no-such-file.txt")


def test_unreachable_endpoint_exits_1_with_one_line(news: Path) -> None:
    code, _, stderr = run(
        "summarize",
        str(news),
        "--provider",
        "openai",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        SUMMARIZER_MAX_ATTEMPTS="2",
        SUMMARIZER_MAX_BACKOFF="0.01",
    )
    assert code == 1
    one_line_error(stderr, "could not reach the model endpoint: ")
    assert stderr.rstrip().endswith("(tried http://127.0.0.1:9/v1/)")


def test_replay_without_recordings_names_the_directory_and_setting(
    news: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "none"
    code, _, stderr = run(
        "summarize", str(news), "--provider", "replay", SUMMARIZER_RECORDINGS_DIR=str(missing)
    )
    assert code == 2
    one_line_error(
        stderr, "no recording set for the replay provider: set SUMMARIZER_RECORDINGS_DIR"
    )
    assert str(missing) in stderr


@pytest.mark.parametrize(
    ("args", "gave"),
    [(["--published-at", "2025-06-16"], "2025-06-16"), ([], "none: add --published-at 2025-06-15")],
)
def test_replay_of_a_corpus_article_with_another_date_exits_2_naming_its_date(
    args: list[str], gave: str
) -> None:
    code, stdout, stderr = run("summarize", str(ARTICLE_000), "--provider", "replay", *args)
    assert code == 2 and stdout == ""
    one_line_error(stderr, f"article 000 is recorded with published_at 2025-06-15; you gave {gave}")


def test_with_no_provider_usable_the_error_names_every_way_out(
    news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # a base install, no [local]
    code, stdout, stderr = run("summarize", str(news))
    assert code == 2 and stdout == ""
    one_line_error(stderr, "no provider can run here: ")
    for way in ("pip install -e '.[local]'", "OPENAI_API_KEY", "--provider replay"):
        assert way in stderr


def test_replay_outside_a_checkout_says_where_it_looked(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default set is relative to the working directory, which here has no evals/."""
    monkeypatch.delenv("SUMMARIZER_RECORDINGS_DIR")
    code, _, stderr = run("summarize", str(news), "--provider", "replay")
    assert code == 2
    one_line_error(stderr, "SUMMARIZER_RECORDINGS_DIR")
    assert str((tmp_path / "evals" / "seed" / "recordings" / "claude-standin").resolve()) in stderr


def test_missing_key_is_a_configuration_error(news: Path) -> None:
    code, _, stderr = run("summarize", str(news), "--provider", "openai")
    assert code == 2
    one_line_error(stderr, "OPENAI_API_KEY")


HIT_PROBE = """
import json, multiprocessing, sys
from summarizer.cli import app
app(sys.argv[1:], standalone_mode=False)
heavy = ["openai", "instructor", "llama_cpp", "dateparser", "scipy"]
print(json.dumps({"loaded": [m for m in heavy if m in sys.modules],
                  "children": len(multiprocessing.active_children())}), file=sys.stderr)
"""


@pytest.mark.parametrize("provider", ["local", "replay"])
def test_a_cache_hit_builds_no_provider_and_imports_no_model_or_sdk(
    provider: str, tmp_path: Path
) -> None:
    """The record comes from the cache: no model load, no worker, no SDK, no instructor."""
    from summarizer.extract import RecordCache, Summarizer, load_prompts
    from summarizer.providers import LazyProvider
    from summarizer.settings import Settings
    from tests.conftest import corpus_article
    from tests.test_core import EXAMPLE

    settings = Settings(provider=provider, cache_dir=tmp_path)  # type: ignore[arg-type]
    article = corpus_article("000")
    cache = RecordCache(tmp_path)
    key = Summarizer(LazyProvider(settings), load_prompts(), cache, settings)._key(article)
    cache.put(key, SummaryRecord.model_validate(EXAMPLE))
    source = tmp_path / "000.txt"
    source.write_text(article.text, encoding="utf-8")
    args = ["summarize", str(source), "--published-at", "2025-06-15", "--provider", provider]
    done = subprocess.run(
        [sys.executable, "-c", HIT_PROBE, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "SUMMARIZER_CACHE_DIR": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["provenance"]["cached"] is True
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"loaded": [], "children": 0}


def test_the_record_names_the_file_it_was_read_from() -> None:
    from tests.conftest import CORPUS

    article = next(CORPUS.glob("000_*.txt"))
    args = ["summarize", str(article), "--published-at", "2025-06-15", "--provider", "replay"]
    code, stdout, stderr = run(*args)
    assert code == 0, stderr
    record = json.loads(stdout)
    assert record["article"]["source"] == str(article)
    assert record["provenance"]["content_id"] == record["article"]["id"]  # no id was given
