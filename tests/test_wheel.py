"""The wheel installs and runs anywhere: built from the committed HEAD, installed with its
dependencies (the base install, no extras) into a new virtualenv, and run from a directory
outside the checkout, where nothing can be found beside the code. The prompts and the
page templates must come from the wheel; the recordings are the checkout's, named by
SUMMARIZER_RECORDINGS_DIR as a user would. Minutes: CI only (`tests/installs.py`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from summarizer.extract.article import normalize_text
from tests import installs
from tests.installs import assert_offsets_right, record_from, run_in, succeeded
from tests.paths import CHECKOUT, CORPUS, RECORDINGS

TIMEOUT_SECONDS = 20 * 60  # the dependencies from the registry
# The clone's own copies of the checkout's data.
ARTICLE = (CORPUS / "000_d82f81b60eb39696.txt").relative_to(CHECKOUT)
SET = RECORDINGS.relative_to(CHECKOUT)

pytestmark = installs.MARKS


def test_the_wheel_installs_and_summarises_outside_the_checkout(tmp_path: Path) -> None:
    clone, venv, env = installs.fresh(tmp_path)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--quiet"]
    dist = tmp_path / "dist"
    succeeded(run_in([*pip, "wheel", "--no-deps", "-w", str(dist), str(clone)], clone, env, 600))
    (wheel,) = dist.glob("summarizer-*.whl")
    succeeded(run_in([*pip, "install", str(wheel)], tmp_path, env, TIMEOUT_SECONDS))

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    version = succeeded(run_in(["summarizer", "--version"], elsewhere, env, 60))
    project = tomllib.loads((clone / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert version.stdout == f"summarizer {project['version']}\n"

    article = clone / ARTICLE
    summarize = ["summarizer", "summarize", str(article), "--published-at", "2025-06-15"]
    replay = {**env, "SUMMARIZER_RECORDINGS_DIR": str(clone / SET)}
    result = succeeded(run_in([*summarize, "--provider", "replay"], elsewhere, replay, 120))
    record = record_from(result)
    assert record.provenance.model == "claude-standin" and record.threats
    assert_offsets_right(record, normalize_text(article.read_text(encoding="utf-8")))

    (elsewhere / "record.json").write_text(result.stdout, encoding="utf-8")
    view = ["summarizer", "view", "record.json", "--text", str(article), "-o", "record.html"]
    succeeded(run_in(view, elsewhere, env, 120))
    assert record.threats[0].issuer in (elsewhere / "record.html").read_text(encoding="utf-8")
