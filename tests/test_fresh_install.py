"""Fresh-machine proof: the README's first set-up command works from a clean clone.

This test clones the committed HEAD, makes a new virtualenv, runs the command it reads
from README.md's "## Set up" section and checks that stdout ends in one contract-valid
record whose grounded evidence offsets are right. It takes minutes (tens of them if
llama-cpp-python must be compiled), so it runs only in CI (CI=true) or when
SUMMARIZER_FRESH_INSTALL=1 (`tests/installs.py`).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from summarizer.extract.article import normalize_text
from tests.installs import MARKS, assert_offsets_right, fresh, record_from, run_in, succeeded

TIMEOUT_SECONDS = 40 * 60  # a new machine compiles llama-cpp-python

pytestmark = MARKS


def setup_command(readme: Path) -> str:
    """The first ```bash block of the README's "## Set up" section."""
    text = readme.read_text(encoding="utf-8")
    section = re.search(r"^## Set up\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert section, f"{readme} has no '## Set up' section"
    block = re.search(r"^```bash\n(.*?)^```", section.group(1), re.MULTILINE | re.DOTALL)
    assert block, f"{readme}'s '## Set up' section has no ```bash block"
    command = block.group(1).strip()
    assert command, f"{readme}'s first set-up block is empty"
    return command


def article_argument(command: str) -> str:
    """The article path the command summarises: the word after `summarize`."""
    words = shlex.split(command)
    assert "summarize" in words, f"the set-up command does not summarise: {command}"
    index = words.index("summarize") + 1
    assert index < len(words), f"the set-up command names no article: {command}"
    return words[index]


def test_readme_setup_command_works_in_a_fresh_clone_and_venv(tmp_path: Path) -> None:
    clone, _, env = fresh(tmp_path)
    command = setup_command(clone / "README.md")
    result = succeeded(run_in(["bash", "-c", command], clone, env, TIMEOUT_SECONDS))
    record = record_from(result)
    article = clone / article_argument(command)
    assert_offsets_right(record, normalize_text(article.read_text(encoding="utf-8")))
