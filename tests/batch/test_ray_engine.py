"""The Ray engine gives the in-process engine's records, with its results-file contract."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.io import iter_results, line_id
from tests.cli.invoke import one_line_error
from tests.conftest import CORPUS
from tests.paths import SEED

pytest.importorskip("ray", reason="the ray extra is not installed")
pa = pytest.importorskip("pyarrow")
parquet = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    """The command run here starts a local Ray in this process (given no address); it
    ends with this module, not with the test session."""
    yield
    import ray

    ray.shutdown()


def articles() -> list[dict[str, str]]:
    """The five corpus articles with their ids and dates (what the recordings answer)."""
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    return [
        {"id": a["id"], "text": (CORPUS / a["file"]).read_text(), "published_at": a["published_at"]}
        for a in manifest["articles"]
    ]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The five corpus articles, one unreadable line and a second line for article 000."""
    lines = [json.dumps(article) for article in articles()]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([*lines, '{"id": "bad", "text": ""}', lines[0]]) + "\n")
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


def lines(shards: Path) -> int:
    return sum(len(shard.read_text().splitlines()) for shard in shards.glob("*.jsonl"))


def test_ray_gives_the_in_process_records_and_keeps_the_results_contract(
    corpus: Path, tmp_path: Path
) -> None:
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray"
    assert batch(corpus, local) == 1  # the unreadable line and the repeat fail, the rest not
    ray = ("--engine", "ray", "--ray-workers", "2", "--concurrency", "2")
    assert batch(corpus, distributed, *ray) == 1
    assert entries(distributed) == entries(local)
    assert f"{corpus}:7" in entries(local)  # the repeat's error line, under its place
    assert lines(distributed) == 7
    assert len(list(distributed.glob("000001-*.jsonl"))) == 4  # a shard a block of two
    # Rerun: everything is done already, nothing is written; --retry-failed runs the two
    # failed lines again, into a shard numbered after the first run's, superseding theirs.
    assert batch(corpus, distributed, *ray) == 1
    assert lines(distributed) == 7
    assert batch(corpus, distributed, *ray, "--retry-failed") == 1
    (retried,) = distributed.glob("000002-*.jsonl")
    assert {line_id(line) for line in iter_results(retried)} == {"bad", f"{corpus}:7"}
    assert lines(distributed) == 9 and entries(distributed) == entries(local)


def test_ray_reads_tables_by_the_columns_given(corpus: Path, tmp_path: Path) -> None:
    """The corpus as a CSV and a Parquet file with columns of other names: the records of
    the JSONL lines, each saying its row (`file:row`) where it came from."""
    rows = [{"key": a["id"], "body": a["text"], "day": a["published_at"]} for a in articles()]
    table = tmp_path / "first.csv"
    with table.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["key", "body", "day"])
        writer.writeheader()
        writer.writerows(rows[:3])
    parquet.write_table(pa.Table.from_pylist(rows[3:]), tmp_path / "rest.parquet")
    local, distributed = tmp_path / "local.jsonl", tmp_path / "tables"
    batch(corpus, local)
    columns = ("--text-field", "body", "--id-field", "key", "--date-field", "day")
    inputs = (table, tmp_path / "rest.parquet")
    args = ["batch", *map(str, inputs), "--out", str(distributed), "--provider", "replay"]
    result = CliRunner().invoke(app, [*args, "--no-cache", "--engine", "ray", *columns])
    assert result.exit_code == 0, result.stderr
    read = entries(distributed)
    sources = {key: entry["article"].pop("source") for key, entry in read.items()}  # type: ignore[attr-defined]
    expected = {k: v for k, v in entries(local).items() if k in sources}
    for entry in expected.values():
        entry["article"].pop("source")  # type: ignore[attr-defined]
    assert read == expected
    assert sources["002"] == f"{table}:3" and sources["003"] == f"{tmp_path / 'rest.parquet'}:1"


# The demo model's recordings report their usage: replayed at gpt-4o-mini's prices, the
# five corpus articles cost $0.0114 in all, each at most $0.0033 to $0.0066 (one or two
# calls of max_tokens 4096). A budget of $0.01 starts the first, whichever it is, and
# never the fifth: the other four spend at least $0.0082 of it, the fifth may cost $0.0032
# more than it does.
PRICED = {
    "SUMMARIZER_RECORDINGS_DIR": str(SEED / "recordings" / "smollm2-135m-instruct-q4-1"),
    "SUMMARIZER_CHUNK_CHARS": "3972",
    "SUMMARIZER_MAX_TOKENS": "4096",
    "SUMMARIZER_PRICES": '{"replay": {"input": 0.15, "cached_input": 0.075, "output": 0.6}}',
}


def test_ray_starts_no_article_past_the_budget_and_a_rerun_does_the_rest(tmp_path: Path) -> None:
    """One worker, one article at a time, one budget for the run: the articles it did not
    start have no line, the command says how many and exits 3, as the local engine does."""
    out = tmp_path / "ray"
    args = ["batch", str(CORPUS), "--out", str(out), "--provider", "replay", "--no-cache"]
    args += ["--engine", "ray", "--ray-workers", "1", "--concurrency", "1"]
    first = CliRunner().invoke(app, [*args, "--max-cost", "0.01"], env=PRICED)
    assert first.exit_code == 3, first.stderr
    done = lines(out)
    assert 0 < done < 5 and len(entries(out)) == done
    left = f"{5 - done} article{'' if done == 4 else 's'}"
    assert f"--max-cost $0.0100 reached: {left} left undone; rerun" in first.stderr
    spent = re.search(r"; cost \$([\d.]+);", first.stderr)
    assert spent is not None and 0 < float(spent[1]) <= 0.01
    again = CliRunner().invoke(app, [*args, "--max-cost", "0.1"], env=PRICED)
    assert again.exit_code == 0, again.stderr
    assert f"{5 - done} ok, 0 failed, 0 cached, {done} already done" in again.stderr
    assert lines(out) == 5 and sorted(entries(out)) == ["000", "001", "002", "003", "004"]


def test_ray_writes_a_directory_and_the_local_engine_a_file(corpus: Path, tmp_path: Path) -> None:
    """Each refused before any work or output, in one line."""
    for out, engine, fragment in [
        (tmp_path / "out.jsonl", "ray", "--engine ray writes its results as shards"),
        (tmp_path, "local", "the local engine writes one results file (.jsonl)"),
    ]:
        args = ["batch", str(corpus), "--out", str(out), "--provider", "replay", "--engine", engine]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2 and not (tmp_path / "out.jsonl").exists()
        one_line_error(result.stderr, fragment)
