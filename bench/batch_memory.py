"""Batch memory: the peak RSS of `summarizer batch` over 20,000 and 200,000 articles, and
the time from its start to its first output line. The real command and engine run, each
in a process of its own, with a zero-latency provider registered the way the real ones
are (a `ProviderSpec`): it answers every request at once with the stub's draft, so what
grows with the corpus is the command's own. Every tenth article has an empty text (an
error line). The parent reads each child's peak RSS from `wait4` and watches its output
for the first line.

    python -m bench.batch_memory                # this tree: JSONL, Parquet and CSV inputs
    python -m bench.batch_memory --before REV   # and the tree at REV (git archive), JSONL

With Parquet, it also reads the Parquet corpora alone through pyarrow.dataset's scanner
and through the batch's own reader (`ParquetFile.iter_batches`), each in its process.

Run as a script (`python bench/batch_memory.py child CORPUS OUT`, or `read READER PATH`),
it is a child: the `summarizer` it runs is whichever tree PYTHONPATH names.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIZES = (20_000, 200_000)
FORMATS = ("jsonl", "parquet", "csv")
TEXT = "Two armed drones targeted Ain al-Asad air base on Tuesday. Nobody was hurt. " * 8
ROOT = Path(__file__).resolve().parent.parent
MIB = 1024


@dataclass
class Run:
    rss: float  # peak, MiB
    first: float | None  # seconds to the first output line
    seconds: float
    lines: int = 0


# --- The child: one `summarizer batch` run ----------------------------------------------


class Instant:
    """A provider with no latency: the stub's answer to each request, at once."""

    name = "instant"
    model = "instant"
    mode = "tools"
    concurrent = True

    def __init__(self, settings: object) -> None:
        self.settings = settings

    def create(self, **request: Any) -> Any:
        from openai.types.chat import ChatCompletion

        from bench.stub_server import answer

        return ChatCompletion.model_validate(answer(request))


def child(corpus: str, out: str) -> None:
    from summarizer.cli import app
    from summarizer.providers.router import ProviderSpec, register

    register(
        ProviderSpec(
            name="instant", target="__main__:Instant", identify=lambda _: ("instant", "tools")
        )
    )
    app(["batch", corpus, "--out", out, "--provider", "instant", "--no-cache"])


def read_table(reader: str, path: str) -> None:
    """Every row of a Parquet file, through pyarrow.dataset's scanner or the batch's own
    reader (`ParquetFile.iter_batches`)."""
    if reader == "scanner":
        import pyarrow.dataset as ds

        for batch in ds.dataset(path).to_batches(columns=["id", "text"], batch_size=256):
            batch.to_pylist()
        return
    from summarizer.batch import Fields
    from summarizer.batch.tables import open_table

    for _ in open_table(Path(path), Fields()).rows():
        pass


# --- The parent: corpora, runs, the table ------------------------------------------------


def articles(count: int) -> Iterator[dict[str, str]]:
    for n in range(count):
        yield {"id": f"a{n}", "text": "" if n % 10 == 9 else f"Article {n}. {TEXT}"}


def write_corpus(folder: Path, count: int, kind: str) -> Path:
    path = folder / f"corpus-{count}.{kind}"
    if kind == "jsonl":
        with path.open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(article) + "\n" for article in articles(count))
        return path
    import pyarrow as pa
    import pyarrow.csv as csv
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(articles(count)))
    if kind == "parquet":
        pq.write_table(table, path)  # one row group: the whole corpus
    else:
        csv.write_csv(table, path)
    return path


def spawn(args: list[str], tree: Path, scratch: Path, watch: Path | None = None) -> Run:
    """This file as a child in a process of its own, running `tree`'s package: its peak
    RSS (MiB), the seconds from its start to the first line in `watch` and to its end."""
    env = {**os.environ, "PYTHONPATH": str(tree), "SUMMARIZER_CACHE_DIR": str(scratch / "cache")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        cwd=scratch,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    first: float | None = None
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if first is None and watch is not None and watch.exists() and watch.stat().st_size:
            first = time.perf_counter() - started
        if pid:
            break
        time.sleep(0.005)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(usage.ru_maxrss / MIB, first, time.perf_counter() - started)


def measure(tree: Path, corpus: Path, scratch: Path) -> Run:
    """One `summarizer batch` run of `corpus`, checked to have written a line for each
    article."""
    out = scratch / "out.jsonl"
    out.unlink(missing_ok=True)
    run = spawn(["child", str(corpus), str(out)], tree, scratch, watch=out)
    with out.open("rb") as handle:
        run.lines = sum(1 for _ in handle)
    assert run.first is not None, "the run wrote nothing"
    return run


def per_id(make: Callable[[], object], count: int) -> float:
    """Bytes per id of what `make()` keeps of `count` ids, by tracemalloc."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = make()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del kept
    return grown / count


def unique_ids(count: int) -> Callable[[], object]:
    """What `unique` keeps after `count` lines of a JSONL corpus: the generator, suspended."""
    from summarizer.batch import BatchItem, unique

    def keep() -> object:
        source = "/data/corpus/articles.jsonl"
        items = (BatchItem(f"a{n}", source=f"{source}:{n + 1}") for n in range(count))
        kept = unique(items)
        for _ in range(count):
            next(kept)
        return kept

    return keep


def done_set(results: Path) -> Callable[[], object]:
    """What a rerun keeps to skip the lines of `results`."""
    from summarizer.io import done_ids

    return lambda: done_ids(results)


def old_tree(revision: str, into: Path) -> Path:
    """The tree at `revision`, as `git archive` gives it."""
    archive = subprocess.Popen(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision], stdout=subprocess.PIPE
    )
    assert archive.stdout is not None
    with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
        tar.extractall(into, filter="data")
    if archive.wait():
        raise SystemExit(f"git archive {revision} failed")
    return into


def row(
    label: str, kind: str, tree: Path, corpora: dict[int, Path], scratch: Path
) -> dict[str, Any]:
    """A tree on one kind of input, small corpus and large."""
    (small, small_run), (large, large_run) = (
        (count, measure(tree, corpus, scratch)) for count, corpus in corpora.items()
    )
    assert (small_run.lines, large_run.lines) == (small, large)
    return {
        "tree": label,
        "input": kind,
        f"peak RSS {small:,} MiB": round(small_run.rss, 1),
        f"peak RSS {large:,} MiB": round(large_run.rss, 1),
        "difference MiB": round(large_run.rss - small_run.rss, 1),
        f"first line {small:,} s": round(small_run.first or 0, 2),
        f"first line {large:,} s": round(large_run.first or 0, 2),
        f"run {large:,} s": round(large_run.seconds, 1),
        "articles/s": round(large / large_run.seconds),
    }


def readers(scratch: Path, corpora: dict[int, Path]) -> list[dict[str, Any]]:
    """Reading a Parquet file of one row group alone, through each reader."""
    rows = []
    for reader in ("scanner", "iter_batches"):
        runs = {n: spawn(["read", reader, str(path)], ROOT, scratch) for n, path in corpora.items()}
        (small, small_run), (large, large_run) = runs.items()
        rows.append(
            {
                "reader": {"scanner": "pyarrow.dataset scanner"}.get(
                    reader, "ParquetFile.iter_batches"
                ),
                f"peak RSS {small:,} MiB": round(small_run.rss, 1),
                f"peak RSS {large:,} MiB": round(large_run.rss, 1),
                "difference MiB": round(large_run.rss - small_run.rss, 1),
            }
        )
    return rows


Tree = tuple[str, Path, list[str]]  # a label, the tree, the formats it runs


def runs(
    trees: list[Tree], formats: list[str], sizes: list[int], scratch: Path
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The batch runs of every tree, small corpus and large, by format; the readers'."""
    rows: list[dict[str, Any]] = []
    table_readers: list[dict[str, Any]] = []
    for kind in formats:
        corpora = {count: write_corpus(scratch, count, kind) for count in sizes}
        if kind == "parquet":
            table_readers = readers(scratch, corpora)
        rows += [
            row(label, kind, tree, corpora, scratch)
            for label, tree, kinds in trees
            if kind in kinds
        ]
        for corpus in corpora.values():
            corpus.unlink()
    return rows, table_readers


def main() -> None:
    from bench.common import report

    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="a git revision to run beside this tree (JSONL only)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="of this tree's runs")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="small,large")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    formats = args.formats.split(",")
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        trees: list[Tree] = [("after", ROOT, formats)]
        if args.before:
            before = old_tree(args.before, scratch / "before")
            trees.insert(0, (f"before ({args.before})", before, ["jsonl"]))
        rows, table_readers = runs(trees, formats, sizes, scratch)
        kept = {  # the last run's output is the large corpus's, in this tree
            "unique: bytes per id": round(per_id(unique_ids(sizes[-1]), sizes[-1])),
            "skip-done: bytes per id": round(per_id(done_set(scratch / "out.jsonl"), sizes[-1])),
        }
    title = "summarizer batch: peak RSS and the time to the first line, by corpus size"
    report("batch_memory", title, rows, **kept)
    if table_readers:
        title = "Reading a Parquet file of one row group alone: peak RSS by reader"
        report("batch_memory_readers", title, table_readers)
    for what, size in kept.items():
        print(f"{what}: {size}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(*sys.argv[2:4])
    elif sys.argv[1:2] == ["read"]:
        read_table(*sys.argv[2:4])
    else:
        main()
