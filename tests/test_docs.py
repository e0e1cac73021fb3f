"""The README and the files in docs/ name only files a clone has: every relative link, and
every backticked path into the repository, resolves.

A backticked text is taken as a path when it has no whitespace (a command has some) and
contains a `/` or ends in a file extension the repository uses. Exempt, and why:

- URLs (`https://...`) and absolute paths (`/v1/summaries`, `/docs`): web addresses and
  API routes, not files of the repository;
- media types (`text/html`): they contain a `/` but name a kind of content;
- a bare extension (`.json`): a kind of file, not a file;
- `EXAMPLES`: files the reader makes in the examples (`results.jsonl`, `article.txt`);
- `OUTSIDE`: directories the program makes outside the repository.

A placeholder (`evals/gold/<id>.json`, `prompts/*.md`, `{article_id}`) must match at
least one path. Paths resolve against the repository's root, the document's own
directory, or the package (the README names modules as `extract/grounding.py`);
links resolve against the document's directory only, as a Markdown viewer resolves them.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from summarizer.core import SummaryRecord

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("docs/*.md"))]
EXTENSIONS = (".py", ".md", ".json", ".jsonl", ".toml", ".txt", ".html", ".png", ".j2", ".gguf")
EXAMPLES = {
    "article.txt",  # the article a reader summarises
    "corpus.jsonl",  # the batch example's input
    "results.jsonl",  # the batch example's output
    "results.jsonl.batches.json",  # written beside that output by --via batch-api
}
OUTSIDE = {"jobs/"}  # the API's batch jobs, inside the cache directory
MEDIA_TYPE = re.compile(r"^(?:text|application|image|audio|video|multipart)/[\w.+-]+$")
PLACEHOLDER = re.compile(r"<[^>]+>|\{[^}]+\}")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
PACKAGE = "summarizer/"


def repo_paths() -> set[str]:
    """Files a clone has (tracked, or new and not ignored), and their directories as `dir/`."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    files = {name for name in listed if (ROOT / name).is_file()}
    folders = {f"{parent.as_posix()}/" for name in files for parent in Path(name).parents}
    return files | (folders - {"./"})


def fences(markdown: str, language: str) -> list[str]:
    """The fenced blocks of `markdown` marked as `language`."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [t.content for t in tokens if t.type == "fence" and t.info.strip() == language]


def references(markdown: str) -> list[tuple[str, str]]:
    """("link", target) for links and images, ("code", text) for inline code; fenced
    blocks (commands, examples) are not references."""
    found: list[tuple[str, str]] = []
    for block in MarkdownIt("commonmark").enable("table").parse(markdown):
        for token in block.children or []:
            if token.type == "link_open":
                found.append(("link", str(token.attrs["href"])))
            elif token.type == "image":
                found.append(("link", str(token.attrs["src"])))
            elif token.type == "code_inline":
                found.append(("code", token.content))
    return found


def names_a_path(text: str) -> bool:
    if not text or any(c.isspace() for c in text) or SCHEME.match(text):
        return False
    if text.startswith("/") or MEDIA_TYPE.match(text) or text in EXAMPLES | OUTSIDE:
        return False
    bare_extension = text.startswith(".") and text.count(".") == 1
    return "/" in text or (text.endswith(EXTENSIONS) and not bare_extension)


def resolves(path: str, bases: list[str], paths: set[str]) -> bool:
    """Whether `path`, under one of `bases`, is a file or directory of the repository (a
    placeholder: matches one); a bare file name may be anywhere in it."""
    pattern = PLACEHOLDER.sub("*", path)
    candidates = [posixpath.normpath(base + pattern) for base in bases]
    if "/" not in path:
        candidates.append(f"*/{pattern}")
    # A directory is listed as `dir/`, and may be named with or without its slash.
    return any(fnmatch.filter(paths, c) or fnmatch.filter(paths, f"{c}/") for c in candidates)


def broken(markdown: str, directory: str, paths: set[str]) -> list[str]:
    """The references in `markdown` (a document in `directory`, "" for the root) that name
    no path of the repository."""
    here = f"{directory}/" if directory else ""
    bad = []
    for kind, target in references(markdown):
        if kind == "link":
            path = target.split("#", 1)[0]
            if path and not SCHEME.match(path) and not resolves(path, [here], paths):
                bad.append(target)
        elif names_a_path(target) and not resolves(target, ["", here, PACKAGE], paths):
            bad.append(target)
    return bad


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_path_a_document_names_exists(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    missing = broken(text, Path(document).parent.as_posix().strip("."), repo_paths())
    assert not missing, f"{document} names paths this repository does not have: {missing}"


def test_the_check_finds_broken_references_and_passes_the_rest() -> None:
    paths = {"README.md", "docs/", "docs/guide.md", "summarizer/", "summarizer/io.py"}
    markdown = """
See [the guide](docs/guide.md#top), [a lost one](docs/lost.md), `docs/gone.md`,
`shared/spec/output-contract.md`, `pipline.py`, `io.py` (the package's), `summarizer/io.py`,
`docs/<name>.md`, `summarizer eval --record`, `https://example.org/a.json`,
[a site](https://example.org), `/v1/summaries`, `text/html`, `.json`, `results.jsonl`,
`article.txt` and `jobs/`.

```bash
summarizer summarize missing/article.txt
```
"""
    assert broken(markdown, "", paths) == [
        "docs/lost.md",
        "docs/gone.md",
        "shared/spec/output-contract.md",
        "pipline.py",
    ]
    links = "[back](../README.md) [self](guide.md) [up](../guide.md)"
    assert broken(links, "docs", paths) == ["../guide.md"]


def test_the_contracts_example_is_a_record_whose_quotes_sit_at_their_offsets() -> None:
    markdown = (ROOT / "docs" / "output-contract.md").read_text(encoding="utf-8")
    article, example = fences(markdown, "text")[0], fences(markdown, "json")[0]
    record = SummaryRecord.model_validate_json(example)
    items = [*record.actors, *record.locations, *record.events, *record.threats]
    evidence = [e for item in items for e in item.evidence]
    assert any(not e.grounded for e in evidence)
    for e in evidence:
        assert not e.grounded or article[e.start : e.end] == e.quote, e
