"""The Ray engine gives the in-process engine's records, with its results-file contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.io import iter_results, line_id
from tests.conftest import CORPUS

pytest.importorskip("ray", reason="the ray extra is not installed")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The five corpus articles with their ids and dates (what the recordings answer), and
    one unreadable line."""
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    lines = [
        json.dumps(
            {
                "id": a["id"],
                "text": (CORPUS / a["file"]).read_text(),
                "published_at": a["published_at"],
            }
        )
        for a in manifest["articles"]
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([*lines, '{"id": "bad", "text": ""}']) + "\n")
    return path


def batch(corpus: Path, out: Path, *extra: str) -> int:
    args = ["batch", str(corpus), "--out", str(out), "--provider", "replay", "--no-cache"]
    return CliRunner().invoke(app, [*args, *extra]).exit_code


def entries(out: Path) -> dict[str, dict[str, object]]:
    """Each line as data, by id, with the time of its making left out."""
    found = {}
    for line in iter_results(out):
        entry = line.model_dump(mode="json", exclude={"provenance": {"created_at"}})
        found[line_id(line)] = entry
    return found


def test_ray_gives_the_in_process_records_and_keeps_the_results_contract(
    corpus: Path, tmp_path: Path
) -> None:
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert batch(corpus, local) == 1  # the unreadable line fails, the rest succeed
    assert batch(corpus, distributed, "--engine", "ray", "--ray-workers", "2") == 1
    assert entries(distributed) == entries(local)
    assert len(distributed.read_text().splitlines()) == 6
    # Rerun: everything is done already; --retry-failed runs only the failed line again.
    assert batch(corpus, distributed, "--engine", "ray") == 1
    assert len(distributed.read_text().splitlines()) == 6
    assert batch(corpus, distributed, "--engine", "ray", "--retry-failed") == 1
    assert len(distributed.read_text().splitlines()) == 6
